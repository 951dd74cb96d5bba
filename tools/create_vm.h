/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pvbuild create's VM part: the devices and actions an xl config names. */
#ifndef PVB_TOOLS_CREATE_VM_H
#define PVB_TOOLS_CREATE_VM_H

#include <stdbool.h>
#include "pvbuild.h"
#include "pvbuild/toolstack.h"

/* Read CONFIG and its overrides (the VM part into *vm); 0 or an exit status. */
int create_vm_read(const char *file, char **overrides, size_t nr_overrides,
                   bool ignore_unsupported, struct pvb_config *cfg, pvb_vm **vm);
/* On the simulated host: say what of the VM it does not set up. */
void create_vm_on_sim(const pvb_vm *vm, const char *file);
/*
 * After the domain is introduced, before it runs: its libxl configuration
 * (vm NULL: none but the build's) and devices.  0 or an exit status; a domain the library destroyed on
 * failure has its domid cleared.
 */
int create_vm_start(pvb_vm *vm, struct pvb_domain *dom, const struct pvb_config *cfg,
                    bool introduced);

#endif
