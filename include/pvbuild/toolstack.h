/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libpvbuild's toolstack part: what turns a domain pvbuild built into a VM
 * that xl manages too.  From an xl config file it reads the devices
 * (disk=, vif=) and the on_* actions with Xen's libxlutil; on Xen it
 * stores the domain's configuration as libxl userdata ("libxl-json") and
 * adds the devices through libxl's device API, which runs Xen's hotplug
 * scripts.  Link with libpvbuild; this part uses libxenlight.
 *
 * Every function returns 0 or a negative errno and fills a pvb_error.
 */
#ifndef PVBUILD_TOOLSTACK_H
#define PVBUILD_TOOLSTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pvbuild.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The VM side of an xl config: devices and actions. */
typedef struct pvb_vm pvb_vm;

/* Turn the refusal of keys pvbuild cannot give (pci, vfb, ...) into a warning. */
#define PVB_VM_IGNORE_UNSUPPORTED 1u

#define PVB_VM_OPTS_VERSION 1
/* Options of every pvb_vm_* call; overrides and flags only count when reading. */
struct pvb_vm_opts {
    unsigned int version;             /* PVB_VM_OPTS_VERSION */
    const char *const *overrides;     /* "KEY=VALUE", nr_overrides of them */
    size_t nr_overrides;
    unsigned flags;                   /* PVB_VM_IGNORE_UNSUPPORTED */
    const pvb_logger *log;
};
#define PVB_VM_OPTS_INIT { .version = PVB_VM_OPTS_VERSION }

/*
 * Read an xl config file (xl.cfg(5)) with KEY=VALUE overrides, as
 * pvb_config_read_xl does, into cfg (the build config) and *vm (disks,
 * vifs, on_* actions).  Keys are checked against xl's own list: a key
 * pvbuild cannot give (pci, vfb, vkb, usb*, channel, p9, vtpm, vdispl,
 * vsnd, dtdev, bootloader, ...) is an error -ENOTSUP naming the key and
 * the file, unless opts->flags has PVB_VM_IGNORE_UNSUPPORTED (a warning);
 * an unknown key is a warning naming the nearest known key.  A bad disk=
 * or vif= entry is -EINVAL naming the file, the key, the entry and what
 * libxlutil said.  Nothing is created; on an error cfg may hold what the
 * file set before it (pvb_config_free it as always).
 */
int pvb_vm_config_read(const char *path, const struct pvb_vm_opts *opts,
                       struct pvb_config *cfg, pvb_vm **vm, pvb_error *err);
void pvb_vm_free(pvb_vm *vm);

/* A disk= entry as libxlutil's xlu_disk_parse read it. */
struct pvb_vm_disk {
    const char *vdev;          /* "xvda" */
    const char *target;        /* the file or device, NULL for an empty cdrom */
    const char *format;        /* "raw", "qcow2", ... */
    const char *script;        /* NULL: libxl's choice (block) */
    bool readwrite;
    bool cdrom;
};
/* A vif= entry (xl-network-configuration(5)); NULL: libxl's default. */
struct pvb_vm_nic {
    char mac[18];              /* "00:16:3e:.."; "" when libxl picks one */
    const char *bridge, *ip, *script, *model, *vifname, *backend;
    uint64_t rate_bytes_per_interval; /* 0: no rate limit */
    uint32_t rate_interval_usecs;
    unsigned devid;
};
size_t pvb_vm_nr_disks(const pvb_vm *vm);
size_t pvb_vm_nr_nics(const pvb_vm *vm);
int pvb_vm_disk(const pvb_vm *vm, size_t i, struct pvb_vm_disk *disk,
                pvb_error *err);
int pvb_vm_nic(const pvb_vm *vm, size_t i, struct pvb_vm_nic *nic,
               pvb_error *err);
/*
 * The action for "poweroff", "reboot", "crash", "watchdog" or
 * "soft_reset", as xl.cfg(5) spells it ("destroy", "restart", ...); xl's
 * default when the config does not say.  NULL for another event.
 */
const char *pvb_vm_action(const pvb_vm *vm, const char *event);

/*
 * Make a built, introduced, still paused domain on Xen the VM the config
 * describes: store its configuration (name, UUID, type PV, memory, vCPUs,
 * kernel, ramdisk, cmdline, on_* actions) as libxl userdata "libxl-json",
 * then add each disk and vif with libxl_device_disk_add /
 * libxl_device_nic_add (libxl runs the hotplug scripts and appends each
 * device to the stored configuration).  cfg is the config the domain was
 * built from; vm may be NULL (no devices, xl's default actions).  On any failure the domain is destroyed as libxl destroys
 * one (every device, backend node, loop device and vif it had made goes
 * with it), *destroyed is set, and err names the device and the hotplug
 * script's own error.
 */
int pvb_vm_start(pvb_vm *vm, uint32_t domid, const struct pvb_config *cfg,
                 const struct pvb_vm_opts *opts, bool *destroyed, pvb_error *err);

/*
 * Destroy a domain on Xen as xl destroy does (libxl_domain_destroy): its
 * devices are removed (backend nodes, loop devices, vifs), its xenstore
 * nodes and libxl userdata deleted, the domain destroyed.  Works for any
 * domain, built by pvbuild or not.  -ENOENT when no xenstored runs
 * (libxl needs one; pvb_domain_destroy still works then).
 */
int pvb_vm_destroy(uint32_t domid, const struct pvb_vm_opts *opts, pvb_error *err);

#ifdef __cplusplus
}
#endif

#endif
