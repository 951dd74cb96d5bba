/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pvbuild create's VM part: lib/toolstack does the work, this reports. */
#include "create_vm.h"
#include "cli.h"

#include <errno.h>
#include <stdio.h>

int create_vm_read(const char *file, char **overrides, size_t nr_overrides,
                   bool ignore_unsupported, struct pvb_config *cfg, pvb_vm **vm)
{
    pvb_error err = { 0 };
    struct pvb_vm_opts vo = {
        .version = PVB_VM_OPTS_VERSION,
        .overrides = (const char *const *)overrides,
        .nr_overrides = nr_overrides,
        .flags = ignore_unsupported ? PVB_VM_IGNORE_UNSUPPORTED : 0,
        .log = &cli_logger,
    };
    if (pvb_vm_config_read(file, &vo, cfg, vm, &err) < 0) {
        cli_error("%s", err.msg);
        if (err.code == -ENOTSUP)
            cli_error("create: --ignore-unsupported builds the domain without them");
        return 1;
    }
    return 0;
}

void create_vm_on_sim(const pvb_vm *vm, const char *file)
{
    size_t disks = pvb_vm_nr_disks(vm), nics = pvb_vm_nr_nics(vm);
    if (disks || nics)
        fprintf(stderr, "pvbuild: warning: %s: the simulated host runs no device "
                "backends: %zu disk(s) and %zu vif(s) not set up (they are on Xen)\n",
                file, disks, nics);
}

int create_vm_start(pvb_vm *vm, struct pvb_domain *dom, const struct pvb_config *cfg,
                    bool introduced)
{
    pvb_error err = { 0 };
    bool destroyed = false;
    if (!introduced) {
        if (!pvb_vm_nr_disks(vm) && !pvb_vm_nr_nics(vm))
            return 0;
        cli_error("domain %u: disks and vifs need xenstored; destroyed it", dom->domid);
        return 1;
    }
    struct pvb_vm_opts vo = { .version = PVB_VM_OPTS_VERSION, .log = &cli_logger };
    if (pvb_vm_start(vm, dom->domid, cfg, &vo, &destroyed, &err) < 0) {
        cli_error("%s", err.msg);
        if (destroyed)
            dom->domid = 0;
        return 1;
    }
    size_t disks = pvb_vm_nr_disks(vm), nics = pvb_vm_nr_nics(vm);
    if (disks || nics)
        fprintf(stderr, "pvbuild: domain %u: %zu disk(s) and %zu vif(s) set up\n",
                dom->domid, disks, nics);
    return 0;
}
