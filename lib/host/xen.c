/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The real-Xen host: domains, vCPUs, page-table pins, event channels and
 * the hypercall page, through libxenctrl (Xen 4.17's API).  Memory, maps
 * and grants are in xen_memory.c, xenstore in xen_store.c.
 *
 * Each op is the hypercall a toolstack makes, without libxenguest:
 *   domain_create     XEN_DOMCTL_createdomain (xc_domain_create; a random
 *                     UUID as handle; grant
 *                     version as libxl picks it from xc_physinfo), then
 *                     XEN_DOMCTL_max_vcpus (4.17 still creates the vCPUs
 *                     there) and XEN_DOMCTL_max_mem (xc_domain_setmaxmem)
 *   domain_destroy    xc_domain_destroy
 *   domain_info       XEN_DOMCTL_getdomaininfo and XEN_DOMCTL_get_address_size
 *   set_address_size  XEN_DOMCTL_set_address_size
 *   set/get context   xc_vcpu_setcontext / xc_vcpu_getcontext (.x64)
 *   pin_l4, unpin     xc_mmuext_op MMUEXT_PIN_L4_TABLE / MMUEXT_UNPIN_TABLE
 *                     for the domain (Xen checks the whole hierarchy)
 *   hypercall_page    XEN_DOMCTL_hypercall_init
 *   evtchn            xc_evtchn_alloc_unbound
 *   unpause           xc_domain_unpause
 * Domctls with no libxenctrl wrapper go through xc_domctl, which fills in
 * XEN_DOMCTL_INTERFACE_VERSION and bounces the struct for the hypercall.
 */
#include "host/xen_internal.h"
#include "pvbuild/xen.h"
#include "util/alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "util/error.h"

#define PRIVCMD_PATH        "/dev/xen/privcmd"
#define PRIVCMD_PATH_LEGACY "/proc/xen/privcmd"   /* libxencall's fallback */

/* libxl's defaults for a PV domain (b_info->event_channels, grant frames). */
#define XEN_MAX_EVTCHN_PORT 1023
#define XEN_GRANT_FRAMES_DEFAULT (-1)            /* < 0: the hypervisor's */

int xen_fail(pvb_error *err, uint32_t domid, int e, const char *fmt, ...)
{
    char what[PVB_ERROR_MAX];
    va_list ap;

    if (e <= 0)
        e = EIO;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return fail(err, -e, "xen: domain %u: %s: %s", domid, what, strerror(e));
}

/* ------------------------------------------------------------- logging */

static const char *level_name(xentoollog_level level)
{
    switch (level) {
    case XTL_DEBUG: case XTL_VERBOSE: case XTL_DETAIL: return "debug";
    case XTL_PROGRESS: case XTL_INFO: case XTL_NOTICE: return "info";
    case XTL_WARN: return "warning";
    case XTL_ERROR: case XTL_CRITICAL: return "error";
    default: return "message";
    }
}

/*
 * Everything libxenctrl says goes to the caller's logger at debug level:
 * its errors come back to the caller in pvb_error anyway, with the op.
 */
__attribute__((format(printf, 5, 0)))
static void bridge_vmessage(xentoollog_logger *logger, xentoollog_level level,
                            int errnoval, const char *context, const char *format,
                            va_list al)
{
    struct xen_log_bridge *b = (struct xen_log_bridge *)logger;
    char msg[768];

    if (!b->log.fn)
        return;
    vsnprintf(msg, sizeof msg, format, al);
    log_debug(&b->log, "xen: %s %s: %s%s%s", context ? context : "libxen",
              level_name(level), msg, errnoval >= 0 ? ": " : "",
              errnoval >= 0 ? strerror(errnoval) : "");
}

static void bridge_progress(xentoollog_logger *logger, const char *context,
                            const char *doing_what, int percent,
                            unsigned long done, unsigned long total)
{
    (void)logger, (void)context, (void)doing_what, (void)percent;
    (void)done, (void)total;
}

/* The bridge lives inside the host: nothing to free. */
static void bridge_destroy(xentoollog_logger *logger)
{
    (void)logger;
}

/* --------------------------------------------------------------- names */

const char *xen_domain_name(struct xen_host *x, uint32_t domid)
{
    for (const struct xen_name *n = x->names; n; n = n->next)
        if (n->domid == domid)
            return n->name;
    return NULL;
}

static void forget_name(struct xen_host *x, uint32_t domid)
{
    for (struct xen_name **pn = &x->names; *pn; pn = &(*pn)->next) {
        if ((*pn)->domid == domid) {
            struct xen_name *n = *pn;
            *pn = n->next;
            free(n->name);
            free(n);
            return;
        }
    }
}

static int remember_name(struct xen_host *x, uint32_t domid, const char *name)
{
    forget_name(x, domid);
    if (!name)
        return 0;
    struct xen_name *n = mem_calloc(1, sizeof *n);
    if (!n || !(n->name = mem_strdup(name))) {
        free(n);
        return -ENOMEM;
    }
    n->domid = domid;
    n->next = x->names;
    x->names = n;
    return 0;
}

/* ------------------------------------------------------------- domains */

int xen_getdomaininfo(struct xen_host *x, uint32_t domid,
                      xen_domctl_getdomaininfo_t *info, pvb_error *err)
{
    struct xen_domctl d;

    memset(&d, 0, sizeof d);
    d.cmd = XEN_DOMCTL_getdomaininfo;
    d.domain = (domid_t)domid;
    if (domid >= DOMID_FIRST_RESERVED)
        return fail(err, -ESRCH, "xen: domain %u: not a domain id (ids end at 0x%x)",
                    domid, DOMID_FIRST_RESERVED - 1);
    if (xc_domctl(x->xch, &d) < 0)
        return xen_fail(err, domid, errno, "getdomaininfo failed");
    /* Xen 4.17 answers with the next domain up when domid does not exist. */
    if (d.domain != domid || d.u.getdomaininfo.domain != domid)
        return fail(err, -ESRCH, "xen: domain %u: no such domain", domid);
    *info = d.u.getdomaininfo;
    return 0;
}

static int xen_domain_info(struct pvb_host *h, uint32_t domid,
                           struct host_domain_info *info, pvb_error *err)
{
    struct xen_host *x = xen_host_of(h);
    xen_domctl_getdomaininfo_t di;
    int rc = xen_getdomaininfo(x, domid, &di, err);
    if (rc < 0)
        return rc;

    memset(info, 0, sizeof *info);
    info->nr_pages = di.tot_pages;
    info->max_pages = di.max_pages;
    /* A PV domain's shared_info_frame is a machine frame (gfn == mfn). */
    info->shared_info_mfn = di.shared_info_frame;
    info->max_vcpus = di.max_vcpu_id == XEN_INVALID_MAX_VCPU_ID ? 0
                                                               : di.max_vcpu_id + 1;
    info->paused = di.flags & XEN_DOMINF_paused;
    info->shutdown = di.flags & XEN_DOMINF_shutdown;
    info->shutdown_reason = (di.flags >> XEN_DOMINF_shutdownshift) &
                            XEN_DOMINF_shutdownmask;
    info->dying = di.flags & XEN_DOMINF_dying;

    /* A PV domain is 64-bit from creation: Xen never answers 0 here. */
    struct xen_domctl d;
    memset(&d, 0, sizeof d);
    d.cmd = XEN_DOMCTL_get_address_size;
    d.domain = (domid_t)domid;
    if (!(di.flags & XEN_DOMINF_hvm_guest) && xc_domctl(x->xch, &d) == 0)
        info->address_size = d.u.address_size.size;
    return 0;
}

/*
 * As libxl: the highest grant-table version Xen offers.  grant_seed
 * writes v1 entries; a guest that switches to v2 gets the reserved ones
 * (console, xenstore) converted by Xen (gnttab_set_version).
 */
static unsigned max_grant_version(struct xen_host *x)
{
    xc_physinfo_t pi;
    memset(&pi, 0, sizeof pi);
    if (xc_physinfo(x->xch, &pi) == 0 &&
        (pi.capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v2))
        return 2;
    return 1;
}

static int xen_domain_create(struct pvb_host *h, const struct host_domain_config *cfg,
                             uint32_t *domid, pvb_error *err)
{
    struct xen_host *x = xen_host_of(h);

    if (!cfg || !domid)
        return fail(err, -EINVAL, "xen: domain create: no config or domid");
    if (cfg->max_vcpus == 0)
        return fail(err, -EINVAL, "xen: domain create: max_vcpus is 0");
    if (cfg->max_pages > UINT64_MAX / 4)
        return fail(err, -EINVAL, "xen: domain create: max_pages 0x%" PRIx64
                    " overflows the KiB count", cfg->max_pages);

    /* PV: no XEN_DOMCTL_CDF_hvm/hap/iommu; emulation_flags 0 as libxl. */
    struct xen_domctl_createdomain create;
    memset(&create, 0, sizeof create);
    create.max_vcpus = cfg->max_vcpus;
    create.max_evtchn_port = XEN_MAX_EVTCHN_PORT;
    create.max_grant_frames = XEN_GRANT_FRAMES_DEFAULT;
    create.max_maptrack_frames = XEN_GRANT_FRAMES_DEFAULT;
    create.grant_opts = XEN_DOMCTL_GRANT_version(max_grant_version(x));
    /* A random (version 4) UUID, as libxl gives each domain: xenstore's
     * /vm/UUID and libxl's userdata files are named after it. */
    if (getrandom(create.handle, sizeof create.handle, 0) !=
        (ssize_t)sizeof create.handle) {
        int e = errno ? errno : EIO;
        return fail(err, -e, "xen: domain create: no random bytes for its "
                    "UUID: %s", strerror(e));
    }
    create.handle[6] = (uint8_t)((create.handle[6] & 0x0f) | 0x40);
    create.handle[8] = (uint8_t)((create.handle[8] & 0x3f) | 0x80);

    uint32_t id = 0;                 /* 0: Xen picks a free domain id */
    if (xc_domain_create(x->xch, &id, &create) < 0) {
        int e = errno ? errno : EIO;
        return fail(err, -e, "xen: domain create (PV, max_vcpus %u) failed: %s",
                    cfg->max_vcpus, strerror(e));
    }

    int rc = 0;
    if (xc_domain_max_vcpus(x->xch, id, cfg->max_vcpus) < 0)
        rc = xen_fail(err, id, errno, "creating %u vCPUs (max_vcpus) failed",
                      cfg->max_vcpus);
    else if (xc_domain_setmaxmem(x->xch, id, cfg->max_pages * 4) < 0)
        rc = xen_fail(err, id, errno, "setting max memory to 0x%" PRIx64
                      " frames (%" PRIu64 " KiB) failed", cfg->max_pages,
                      cfg->max_pages * 4);
    else if (remember_name(x, id, cfg->name) < 0)
        rc = fail(err, -ENOMEM, "xen: domain %u: out of memory keeping its name", id);
    if (rc < 0) {
        /* The one domain a failure may leave is named, as pvbuild.h promises. */
        if (xc_domain_destroy(x->xch, id) < 0) {
            fail_append(err, "; domain %u could not be destroyed: %s", id,
                        strerror(errno));
            *domid = id;
        }
        return rc;
    }
    *domid = id;
    return 0;
}

static int xen_domain_destroy(struct pvb_host *h, uint32_t domid, pvb_error *err)
{
    struct xen_host *x = xen_host_of(h);
    if (xc_domain_destroy(x->xch, domid) < 0)
        return xen_fail(err, domid, errno, "destroy failed");
    forget_name(x, domid);
    xen_store_forget(x, domid);
    return 0;
}

static int xen_set_address_size(struct pvb_host *h, uint32_t domid, unsigned bits,
                                pvb_error *err)
{
    struct xen_host *x = xen_host_of(h);
    if (bits != 32 && bits != 64)
        return fail(err, -EINVAL, "xen: domain %u: address size %u is not 32 or 64",
                    domid, bits);

    struct xen_domctl d;
    memset(&d, 0, sizeof d);
    d.cmd = XEN_DOMCTL_set_address_size;
    d.domain = (domid_t)domid;
    d.u.address_size.size = bits;
    if (xc_domctl(x->xch, &d) < 0)
        return xen_fail(err, domid, errno, "set address size %u failed", bits);
    return 0;
}

/* --------------------------------------------------------------- vCPUs */

static int xen_set_vcpu_context(struct pvb_host *h, uint32_t domid, unsigned vcpu,
                                const vcpu_guest_context_x86_64_t *ctx, pvb_error *err)
{
    struct xen_host *x = xen_host_of(h);
    if (!ctx)
        return fail(err, -EINVAL, "xen: domain %u: set context of vcpu %u without "
                    "a context", domid, vcpu);

    vcpu_guest_context_any_t any;
    memset(&any, 0, sizeof any);
    any.x64 = *ctx;
    if (xc_vcpu_setcontext(x->xch, domid, vcpu, &any) < 0)
        return xen_fail(err, domid, errno, "set context of vcpu %u (rip 0x%" PRIx64
                        ", cr3 0x%" PRIx64 ") failed", vcpu, (uint64_t)ctx->user_regs.rip,
                        (uint64_t)ctx->ctrlreg[3]);
    return 0;
}

static int xen_get_vcpu_context(struct pvb_host *h, uint32_t domid, unsigned vcpu,
                                vcpu_guest_context_x86_64_t *ctx, pvb_error *err)
{
    struct xen_host *x = xen_host_of(h);
    if (!ctx)
        return fail(err, -EINVAL, "xen: domain %u: get context of vcpu %u without "
                    "a buffer", domid, vcpu);

    /* Xen hands back the domain's own layout: only the 64-bit one is ours. */
    struct xen_domctl d;
    memset(&d, 0, sizeof d);
    d.cmd = XEN_DOMCTL_get_address_size;
    d.domain = (domid_t)domid;
    if (xc_domctl(x->xch, &d) < 0)
        return xen_fail(err, domid, errno, "get address size failed");
    if (d.u.address_size.size != 64)
        return fail(err, -EOPNOTSUPP, "xen: domain %u: get context of vcpu %u: the "
                    "domain is %u-bit; pvbuild reads 64-bit contexts only", domid,
                    vcpu, d.u.address_size.size);

    vcpu_guest_context_any_t any;
    memset(&any, 0, sizeof any);
    if (xc_vcpu_getcontext(x->xch, domid, vcpu, &any) < 0)
        return xen_fail(err, domid, errno, "get context of vcpu %u failed", vcpu);
    *ctx = any.x64;
    return 0;
}

/* --------------------------------------------------- page tables, misc */

static int mmuext(struct xen_host *x, uint32_t domid, unsigned cmd, xen_pfn_t mfn)
{
    struct mmuext_op op;
    memset(&op, 0, sizeof op);
    op.cmd = cmd;
    op.arg1.mfn = mfn;
    /* On behalf of domid: Xen validates the tables as the domain's. */
    return xc_mmuext_op(x->xch, &op, 1, domid);
}

static int xen_pin_l4(struct pvb_host *h, uint32_t domid, xen_pfn_t mfn, pvb_error *err)
{
    if (mmuext(xen_host_of(h), domid, MMUEXT_PIN_L4_TABLE, mfn) < 0) {
        int e = errno;
        return xen_fail(err, domid, e, "pin of L4 mfn 0x%" PRIx64 " failed%s",
                        (uint64_t)mfn, e == EINVAL ? " (not the domain's frame, "
                        "or a table it reaches breaks Xen's rules: an entry to a "
                        "foreign frame, a writable mapping of a table frame)" : "");
    }
    return 0;
}

static int xen_unpin(struct pvb_host *h, uint32_t domid, xen_pfn_t mfn, pvb_error *err)
{
    if (mmuext(xen_host_of(h), domid, MMUEXT_UNPIN_TABLE, mfn) < 0)
        return xen_fail(err, domid, errno, "unpin of mfn 0x%" PRIx64 " failed",
                        (uint64_t)mfn);
    return 0;
}

static int xen_hypercall_page(struct pvb_host *h, uint32_t domid, xen_pfn_t mfn,
                              pvb_error *err)
{
    struct xen_domctl d;
    memset(&d, 0, sizeof d);
    d.cmd = XEN_DOMCTL_hypercall_init;
    d.domain = (domid_t)domid;
    d.u.hypercall_init.gmfn = mfn;           /* PV: the machine frame */
    if (xc_domctl(xen_host_of(h)->xch, &d) < 0) {
        int e = errno;
        return xen_fail(err, domid, e, "hypercall page at mfn 0x%" PRIx64 " failed%s",
                        (uint64_t)mfn,
                        e == EPERM ? " (the frame is not a writable page: a page table?)"
                        : e == EINVAL ? " (not the domain's frame)" : "");
    }
    return 0;
}

static int xen_evtchn_alloc_unbound(struct pvb_host *h, uint32_t domid,
                                    uint32_t remote_domid, uint32_t *port,
                                    pvb_error *err)
{
    if (!port)
        return fail(err, -EINVAL, "xen: domain %u: evtchn_alloc_unbound without a port",
                    domid);
    xc_evtchn_port_or_error_t p =
        xc_evtchn_alloc_unbound(xen_host_of(h)->xch, domid, remote_domid);
    if (p < 0)
        return xen_fail(err, domid, errno, "unbound event channel for domain %u failed",
                        remote_domid);
    *port = (uint32_t)p;
    return 0;
}

static int xen_unpause(struct pvb_host *h, uint32_t domid, pvb_error *err)
{
    if (xc_domain_unpause(xen_host_of(h)->xch, domid) < 0)
        return xen_fail(err, domid, errno, "unpause failed");
    return 0;
}

static int xen_features(struct pvb_host *h, uint32_t *submap, pvb_error *err)
{
    xen_feature_info_t fi = { .submap_idx = 0 };
    if (xc_version(xen_host_of(h)->xch, XENVER_get_features, &fi) < 0)
        return fail(err, -errno, "xen: XENVER_get_features failed: %s",
                    strerror(errno));
    *submap = fi.submap;
    return 0;
}

/* ------------------------------------------------------------ the host */

static void xen_close(struct pvb_host *h)
{
    struct xen_host *x = xen_host_of(h);
    while (x->names)
        forget_name(x, x->names->domid);
    if (!x->borrowed && x->fmem)
        xenforeignmemory_close(x->fmem);
    if (!x->borrowed && x->xch)
        xc_interface_close(x->xch);
    free(x);
}

static const struct host_ops xen_ops = {
    .name = "xen",
    .close = xen_close,
    .domain_create = xen_domain_create,
    .domain_destroy = xen_domain_destroy,
    .domain_info = xen_domain_info,
    .set_address_size = xen_set_address_size,
    .populate = xen_populate,
    .release = xen_release,
    .map = xen_map,
    .unmap = xen_unmap,
    .set_vcpu_context = xen_set_vcpu_context,
    .get_vcpu_context = xen_get_vcpu_context,
    .pin_l4 = xen_pin_l4,
    .unpin = xen_unpin,
    .hypercall_page = xen_hypercall_page,
    .grant_seed = xen_grant_seed,
    .evtchn_alloc_unbound = xen_evtchn_alloc_unbound,
    .unpause = xen_unpause,
    .features = xen_features,
    .introduce = xen_introduce,
    .claim = xen_claim,
    .memory_info = xen_memory_info,
    .numa_info = xen_numa_info,
    .populate_node = xen_populate_node,
    .cpu_info = xen_cpu_info,
    .vcpu_affinity = xen_vcpu_affinity,
    .set_vnuma = xen_set_vnuma,
};

/*
 * libxenctrl's own failure to open says little and leaves errno to chance:
 * try the device first, as libxencall does, for a message that says why.
 */
static int probe_privcmd(pvb_error *err)
{
    int fd = open(PRIVCMD_PATH, O_RDWR | O_CLOEXEC);
    int e = errno;
    if (fd < 0 && e == ENOENT) {
        fd = open(PRIVCMD_PATH_LEGACY, O_RDWR | O_CLOEXEC);
        if (fd < 0)
            errno = e;
    }
    if (fd >= 0) {
        close(fd);
        return 0;
    }
    e = errno;
    return fail(err, -e, "xen: cannot open the hypervisor interface (%s): %s; %s",
                PRIVCMD_PATH, strerror(e),
                e == EACCES || e == EPERM ? "pvbuild needs root in dom0"
                                          : "is this a Xen dom0?");
}

/* One domctl on ourselves shows the interface version and our privilege. */
static int check_domctl(struct xen_host *x, pvb_error *err)
{
    struct xen_domctl d;

    memset(&d, 0, sizeof d);
    d.cmd = XEN_DOMCTL_getdomaininfo;
    d.domain = 0;
    if (xc_domctl(x->xch, &d) == 0)
        return 0;
    int e = errno ? errno : EIO;
    if (e == EACCES)
        return fail(err, -e, "xen: the hypervisor refused domctl interface version "
                    "0x%x (pvbuild was built with Xen %s's headers): %s; rebuild "
                    "pvbuild against the running Xen", XEN_DOMCTL_INTERFACE_VERSION,
                    "4.17", strerror(e));
    return fail(err, -e, "xen: getdomaininfo of domain 0 failed: %s%s", strerror(e),
                e == EPERM ? "; this domain may not control others (not dom0?)" : "");
}

static struct xen_host *xen_host_alloc(const pvb_logger *log)
{
    struct xen_host *x = mem_calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->base.ops = &xen_ops;
    x->bridge.vtable.vmessage = bridge_vmessage;
    x->bridge.vtable.progress = bridge_progress;
    x->bridge.vtable.destroy = bridge_destroy;
    if (log)
        x->bridge.log = *log;
    return x;
}

/* Both opens end here: the handles work and may drive other domains. */
static int xen_host_finish(struct xen_host *x, pvb_host **out, pvb_error *err)
{
    int rc = check_domctl(x, err);
    if (rc < 0) {
        xen_close(&x->base);
        return rc;
    }
    int ver = xc_version(x->xch, XENVER_version, NULL);
    if (ver >= 0)
        log_info(&x->bridge.log, "xen: hypervisor %d.%d, domctl interface 0x%x%s",
                 ver >> 16, ver & 0xffff, XEN_DOMCTL_INTERFACE_VERSION,
                 x->borrowed ? " (the caller's handles)" : "");
    *out = &x->base;
    return 0;
}

int pvb_host_xen_open(const struct pvb_host_opts *opts, pvb_host **out,
                      pvb_error *err)
{
    const pvb_logger *log;
    if (!out)
        return fail(err, -EINVAL, "xen: open without an output handle");
    *out = NULL;
    int rc = host_opts_log(opts, &log, err);
    if (rc < 0 || (rc = probe_privcmd(err)) < 0)
        return rc;

    struct xen_host *x = xen_host_alloc(log);
    if (!x)
        return fail(err, -ENOMEM, "xen: out of memory");
    errno = 0;
    x->xch = xc_interface_open(&x->bridge.vtable, &x->bridge.vtable, 0);
    if (!x->xch) {
        int e = errno ? errno : EIO;
        free(x);
        return fail(err, -e, "xen: libxenctrl cannot open the hypervisor interface: %s",
                    strerror(e));
    }
    errno = 0;
    x->fmem = xenforeignmemory_open(&x->bridge.vtable, 0);
    if (!x->fmem) {
        int e = errno ? errno : EIO;
        xen_close(&x->base);
        return fail(err, -e, "xen: libxenforeignmemory cannot open %s: %s",
                    PRIVCMD_PATH, strerror(e));
    }
    rc = xen_host_finish(x, out, err);
    if (rc == 0)
        host_opts_apply(*out, opts);
    return rc;
}

int pvb_host_xen_open_handles(xc_interface *xch, xenforeignmemory_handle *fmem,
                              struct xs_handle *xsh, const struct pvb_host_opts *opts,
                              pvb_host **out, pvb_error *err)
{
    const pvb_logger *log;
    if (!out)
        return fail(err, -EINVAL, "xen: open without an output handle");
    *out = NULL;
    if (!xch || !fmem)
        return fail(err, -EINVAL, "xen: open over the caller's handles: no %s handle",
                    !xch ? "xc_interface" : "xenforeignmemory");
    int rc = host_opts_log(opts, &log, err);
    if (rc < 0)
        return rc;
    struct xen_host *x = xen_host_alloc(log);
    if (!x)
        return fail(err, -ENOMEM, "xen: out of memory");
    x->xch = xch;
    x->fmem = fmem;
    x->xsh = xsh;
    x->borrowed = true;
    rc = xen_host_finish(x, out, err);
    if (rc == 0)
        host_opts_apply(*out, opts);
    return rc;
}
