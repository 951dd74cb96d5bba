/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A built domain becomes a VM through libxl, as xl makes one: its
 * configuration stored as libxl userdata "libxl-json" (what xl list -l,
 * xl block-attach and libxl's own device code read back), then each
 * device added with libxl's device API, which writes the frontend and
 * backend nodes, runs Xen's hotplug scripts (block, vif-bridge) and waits
 * for them.  The xenstore nodes libxl expects of a domain it made
 * (/vm/UUID, /libxl/D/type, /local/domain/D/vm, the domain-owned control
 * nodes) are written when the builder introduces the domain
 * (lib/host/xen_store.c): libxl makes them only inside its own domain
 * creation, which has no public entry point for a domain built elsewhere.
 */
#include "util/xenstored.h"
#include "util/alloc.h"
#include "toolstack/vm.h"
#include "util/error.h"
#include "util/opts.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <libxl_utils.h>
#include <xenstore.h>

/* libxl's messages: kept for the error report, passed on as details. */
struct xtl_bridge {
    xentoollog_logger vtable;
    const pvb_logger *log;
    char script_error[512];    /* what the last failed hotplug script said */
    char first_error[512];     /* libxl's first error: the cause, usually */
    char last_error[512];      /* libxl's last error */
};

static void bridge_vmessage(xentoollog_logger *lg, xentoollog_level level,
                            int errnoval, const char *context,
                            const char *format, va_list al)
{
    struct xtl_bridge *b = (struct xtl_bridge *)lg;
    char msg[1024];

    vsnprintf(msg, sizeof msg, format, al);
    if (errnoval >= 0) {
        size_t n = strlen(msg);
        snprintf(msg + n, sizeof msg - n, ": %s", strerror(errnoval));
    }
    if (level >= XTL_ERROR) {
        /* libxl says "...: script: REASON" with the script's hotplug-error. */
        const char *s = strstr(msg, ": script: ");
        if (s)
            snprintf(b->script_error, sizeof b->script_error, "%s", s + 10);
        /* Drop libxl's "file.c:line:function: " prefix. */
        const char *m = msg, *p = msg;
        for (int colons = 0; colons < 3 && (p = strchr(p, ':')); colons++)
            m = ++p;
        while (*m == ' ')
            m++;
        snprintf(b->last_error, sizeof b->last_error, "%s", m);
        if (!b->first_error[0])
            snprintf(b->first_error, sizeof b->first_error, "%s", m);
    }
    log_msg(b->log, level >= XTL_WARN ? PVB_LOG_INFO : PVB_LOG_DEBUG,
            "%s: %s", context ? context : "libxl", msg);
}

static void bridge_progress(xentoollog_logger *lg, const char *context,
                            const char *doing_what, int percent,
                            unsigned long done, unsigned long total)
{
    (void)lg, (void)context, (void)doing_what, (void)percent, (void)done,
        (void)total;
}

static void bridge_destroy(xentoollog_logger *lg)
{
    (void)lg;
}

static int open_ctx(struct xtl_bridge *b, const pvb_logger *log,
                    libxl_ctx **ctx, pvb_error *err)
{
    memset(b, 0, sizeof *b);
    b->vtable.vmessage = bridge_vmessage;
    b->vtable.progress = bridge_progress;
    b->vtable.destroy = bridge_destroy;
    b->log = log;
    if (libxl_ctx_alloc(ctx, LIBXL_VERSION, 0, &b->vtable) != 0)
        return fail(err, -EIO, "libxl: cannot open a context%s%s",
                    b->last_error[0] ? ": " : "", b->last_error);
    return 0;
}

/*
 * The hotplug script's own hotplug-error when it left one; else libxl's
 * first error (a script that exits without one shows as "SCRIPT add
 * [PID] exited with error status N").
 */
static const char *why(const struct xtl_bridge *b)
{
    if (b->script_error[0])
        return b->script_error;
    return b->first_error[0] ? b->first_error : "libxl gave no reason";
}

static void reset_errors(struct xtl_bridge *b)
{
    b->script_error[0] = b->first_error[0] = b->last_error[0] = '\0';
}

static int set_string(char **field, const char *value)
{
    if (!value)
        return 0;
    return (*field = mem_strdup(value)) ? 0 : -ENOMEM;
}

/* The configuration xl would have stored for this domain, devices aside. */
static int make_config(libxl_ctx *ctx, const pvb_vm *vm, uint32_t domid,
                       const struct pvb_config *cfg, libxl_domain_config *dc,
                       pvb_error *err)
{
    libxl_dominfo info;
    libxl_dominfo_init(&info);
    if (libxl_domain_info(ctx, &info, domid) != 0) {
        libxl_dominfo_dispose(&info);
        return fail(err, -ENOENT, "domain %u: libxl cannot find it", domid);
    }
    libxl_uuid_copy(ctx, &dc->c_info.uuid, &info.uuid);
    libxl_dominfo_dispose(&info);

    dc->c_info.type = LIBXL_DOMAIN_TYPE_PV;
    /* The name xenstore has: what xl shows and looks the domain up by. */
    dc->c_info.name = libxl_domid_to_name(ctx, domid);
    if (!dc->c_info.name)
        return fail(err, -ENOENT, "domain %u: no name in xenstore (was it "
                    "introduced?)", domid);

    libxl_domain_build_info *b = &dc->b_info;
    libxl_domain_build_info_init_type(b, LIBXL_DOMAIN_TYPE_PV);
    unsigned vcpus = cfg->vcpus ? cfg->vcpus : 1;
    unsigned max_vcpus = cfg->max_vcpus > vcpus ? cfg->max_vcpus : vcpus;
    uint64_t memory = cfg->memory_mib ? cfg->memory_mib : PVB_DEFAULT_MEMORY_MIB;
    uint64_t maxmem = cfg->maxmem_mib ? cfg->maxmem_mib : memory;
    b->max_vcpus = (int)max_vcpus;
    if (libxl_cpu_bitmap_alloc(ctx, &b->avail_vcpus, (int)max_vcpus) != 0)
        return fail(err, -ENOMEM, "domain %u: out of memory", domid);
    for (unsigned i = 0; i < vcpus; i++)
        libxl_bitmap_set(&b->avail_vcpus, (int)i);
    b->max_memkb = maxmem * 1024;
    b->target_memkb = memory * 1024;
    if (set_string(&b->kernel, cfg->kernel) < 0 ||
        set_string(&b->ramdisk, cfg->ramdisk) < 0 ||
        set_string(&b->cmdline, cfg->cmdline) < 0)
        return fail(err, -ENOMEM, "domain %u: out of memory", domid);

    dc->on_poweroff = vm->on_poweroff;
    dc->on_reboot = vm->on_reboot;
    dc->on_crash = vm->on_crash;
    dc->on_watchdog = vm->on_watchdog;
    dc->on_soft_reset = vm->on_soft_reset;
    return 0;
}

static int store_config(libxl_ctx *ctx, const pvb_vm *vm, uint32_t domid,
                        const struct pvb_config *cfg, pvb_error *err,
                        const struct xtl_bridge *b)
{
    libxl_domain_config dc;
    libxl_domain_config_init(&dc);
    int rc = make_config(ctx, vm, domid, cfg, &dc, err);
    if (rc == 0) {
        char *json = libxl_domain_config_to_json(ctx, &dc);
        if (!json)
            rc = fail(err, -ENOMEM, "domain %u: libxl cannot write its "
                      "configuration as JSON", domid);
        /* With its NUL, as libxl stores it. */
        else if (libxl_userdata_store(ctx, domid, "libxl-json",
                                      (const uint8_t *)json,
                                      (int)strlen(json) + 1) != 0)
            rc = fail(err, -EIO, "domain %u: storing its configuration as "
                      "libxl userdata failed: %s", domid, why(b));
        free(json);
    }
    libxl_domain_config_dispose(&dc);
    return rc;
}

static int add_disk(libxl_ctx *ctx, const pvb_vm *vm, size_t i, uint32_t domid,
                    struct xtl_bridge *b, pvb_error *err)
{
    const libxl_device_disk *src = &vm->disks[i];
    libxl_device_disk d;
    libxl_device_disk_init(&d);
    libxl_device_disk_copy(ctx, &d, src);
    reset_errors(b);
    int rc = 0;
    if (libxl_device_disk_add(ctx, domid, &d, NULL) != 0)
        rc = fail(err, -EIO, "%s: disk %s (target %s): %s", vm->path,
                  src->vdev, src->pdev_path ? src->pdev_path : "none", why(b));
    libxl_device_disk_dispose(&d);
    return rc;
}

static int add_nic(libxl_ctx *ctx, const pvb_vm *vm, size_t i, uint32_t domid,
                   struct xtl_bridge *b, pvb_error *err)
{
    const libxl_device_nic *src = &vm->nics[i];
    libxl_device_nic n;
    libxl_device_nic_init(&n);
    libxl_device_nic_copy(ctx, &n, src);
    reset_errors(b);
    int rc = 0;
    if (libxl_device_nic_add(ctx, domid, &n, NULL) != 0)
        rc = fail(err, -EIO, "%s: vif %d (bridge %s): %s", vm->path, src->devid,
                  src->bridge ? src->bridge : "xenbr0", why(b));
    libxl_device_nic_dispose(&n);
    return rc;
}

int pvb_vm_start(pvb_vm *vm, uint32_t domid, const struct pvb_config *cfg,
                 const struct pvb_vm_opts *opts, bool *destroyed, pvb_error *err)
{
    struct xtl_bridge b;
    libxl_ctx *ctx = NULL;
    bool dummy;

    if (!destroyed)
        destroyed = &dummy;
    *destroyed = false;
    if (!cfg)
        return fail(err, -EINVAL, "pvb_vm_start: missing argument");
    int vrc = OPTS_CHECK(opts, "pvb_vm_opts", PVB_VM_OPTS_VERSION, err);
    if (vrc < 0)
        return vrc;
    const pvb_logger *log = opts ? opts->log : NULL;
    pvb_vm *own = NULL;
    if (!vm && !(vm = own = vm_alloc(cfg->kernel ? cfg->kernel : "domain")))
        return fail(err, -ENOMEM, "domain %u: out of memory", domid);
    int rc = open_ctx(&b, log, &ctx, err);
    if (rc < 0) {
        pvb_vm_free(own);
        return rc;
    }

    rc = store_config(ctx, vm, domid, cfg, err, &b);
    for (size_t i = 0; rc == 0 && i < vm->nr_disks; i++)
        rc = add_disk(ctx, vm, i, domid, &b, err);
    for (size_t i = 0; rc == 0 && i < vm->nr_nics; i++)
        rc = add_nic(ctx, vm, i, domid, &b, err);

    if (rc < 0) {
        /* As xl does after a failed create: every device goes with it. */
        reset_errors(&b);
        if (libxl_domain_destroy(ctx, domid, NULL) == 0)
            *destroyed = true;
        else
            log_warn(log, "domain %u: destroying it after the failure failed "
                     "too: %s", domid, why(&b));
        if (*destroyed && err) {
            size_t n = strnlen(err->msg, sizeof err->msg);
            snprintf(err->msg + n, sizeof err->msg - n,
                     "; destroyed domain %u and its devices", domid);
        }
    }
    libxl_ctx_free(ctx);
    pvb_vm_free(own);
    return rc;
}

int pvb_vm_destroy(uint32_t domid, const struct pvb_vm_opts *opts, pvb_error *err)
{
    struct xtl_bridge b;
    libxl_ctx *ctx = NULL;
    int vrc = OPTS_CHECK(opts, "pvb_vm_opts", PVB_VM_OPTS_VERSION, err);
    if (vrc < 0)
        return vrc;
    const pvb_logger *log = opts ? opts->log : NULL;

    if (!xenstored_socket_answers())
        return fail(err, -ENOENT, "domain %u: no xenstored answers on %s: "
                    "libxl cannot destroy it", domid, xs_daemon_socket());
    int rc = open_ctx(&b, log, &ctx, err);
    if (rc < 0)
        return rc;
    if (libxl_domain_destroy(ctx, domid, NULL) != 0)
        rc = fail(err, -EIO, "domain %u: destroy failed: %s", domid, why(&b));
    libxl_ctx_free(ctx);
    return rc;
}
