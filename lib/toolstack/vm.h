/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/toolstack's internals: a VM's devices and actions as libxl types. */
#ifndef PVB_TOOLSTACK_VM_H
#define PVB_TOOLSTACK_VM_H

#include <libxl.h>
#include "pvbuild/toolstack.h"

struct pvb_vm {
    char *path;                        /* the config file, for messages */
    libxl_device_disk *disks;
    size_t nr_disks;
    libxl_device_nic *nics;
    size_t nr_nics;
    libxl_action_on_shutdown on_poweroff, on_reboot, on_crash, on_watchdog,
        on_soft_reset;
};

/* A VM with no devices and xl's default actions; path names it in messages. */
pvb_vm *vm_alloc(const char *path);

#endif
