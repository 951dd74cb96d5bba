/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Introducing a built domain to xenstored, with the nodes a toolstack
 * makes and the owners and permissions libxl gives them
 * (libxl__domain_make, libxl__build_post, the primary console of
 * libxl__device_console_add), so that the guest can write what it must
 * (Linux writes control/feature-poweroff at boot and fails with EACCES
 * when the node is dom0's) and libxl finds the domain's paths where it
 * looks for them.  "ro": dom0 owns it, the domain may read; "rw": the
 * domain owns it; "none": dom0 only.
 *
 *   /local/domain/D  ro          name, domid, vm (-> /vm/UUID)
 *     memory ro                  static-max, target, videoram (KiB)
 *     cpu ro                     N/availability: online below vcpus
 *     store/port, store/ring-ref the xenstore ring's port and mfn
 *     console ro                 ring-ref, port, type "xenconsoled",
 *                                output "pty", limit, tty "" (xenconsoled
 *                                fills it in); read-only: the domain
 *                                must not point xenconsoled elsewhere
 *     device ro                  the frontends (libxl adds them);
 *       suspend/event-channel rw
 *     control ro                 shutdown, feature-poweroff, feature-reboot,
 *                                feature-suspend, sysrq: rw;
 *                                platform-feature-multiprocessor-suspend
 *                                and platform-feature-xs_reset_watches: 1
 *     data, drivers, feature, attr, error   rw
 *   /vm/UUID  ro                 uuid, name, image/ostype "linux",
 *                                start_time
 *   /libxl/D  none               type "pv", device/ (libxl's own view of
 *                                the domain's devices)
 *
 * UUID is the domain's handle (the host gives each domain a random one).
 * Then XS_INTRODUCE (xs_introduce_domain) with the store ring's mfn and
 * port, which xenstored maps through grant entry 1 and announces with
 * @introduceDomain (xenconsoled then finds the console).  What turns the
 * domain into one xl manages (its configuration as libxl userdata, its
 * devices) is lib/toolstack's, above the builder.
 *
 * Only built with libxenstore (PVB_HAVE_XENSTORE); without it there is
 * nobody to introduce the domain to.
 */
#include "util/xenstored.h"
#include "host/xen_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"

#ifndef PVB_HAVE_XENSTORE

int xen_introduce(struct pvb_host *h, uint32_t domid, const struct host_introduce *in,
                  pvb_error *err)
{
    (void)h, (void)in;
    return fail(err, -ENOENT, "xen: domain %u: no xenstored to introduce it to: "
                "pvbuild was built without libxenstore", domid);
}

void xen_store_forget(struct xen_host *x, uint32_t domid)
{
    (void)x, (void)domid;
}

#else

#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

/* libxl's LIBXL_XENCONSOLE_LIMIT: bytes xenconsoled buffers. */
#define CONSOLE_LIMIT 1048576
#define TRANSACTION_TRIES 16

static bool xenstore_domain_runs(struct xen_host *x)
{
    xc_domaininfo_t info[64];
    uint32_t next = 0;

    while (next < DOMID_FIRST_RESERVED) {
        int n = xc_domain_getinfolist(x->xch, next, 64, info);
        if (n <= 0)
            return false;
        for (int i = 0; i < n; i++)
            if (info[i].flags & XEN_DOMINF_xs_domain)
                return true;
        next = (uint32_t)info[n - 1].domain + 1;
    }
    return false;
}

/* One transaction's writes; the first failure stops the rest. */
struct store_tx {
    struct xs_handle *xsh;
    xs_transaction_t t;
    const char *dom;           /* /local/domain/D */
    int e;                     /* errno of the first failure, 0 if none */
    char failed[160];          /* "write of /local/domain/D/..." */
};

static void tx_failed(struct store_tx *tx, const char *op, const char *path)
{
    if (tx->e)
        return;
    tx->e = errno ? errno : EIO;
    snprintf(tx->failed, sizeof tx->failed, "%s of %s", op, path);
}

__attribute__((format(printf, 3, 4)))
static void tx_write(struct store_tx *tx, const char *rel, const char *fmt, ...)
{
    char path[128], value[64];
    va_list ap;

    if (tx->e)
        return;
    snprintf(path, sizeof path, "%s/%s", tx->dom, rel);
    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    if (!xs_write(tx->xsh, tx->t, path, value, (unsigned)strlen(value)))
        tx_failed(tx, "xenstore write", path);
}

/* rel's path under /local/domain/D (rel NULL: the directory itself). */
static void dom_path(const struct store_tx *tx, const char *rel, char *path,
                     size_t len)
{
    if (rel)
        snprintf(path, len, "%s/%s", tx->dom, rel);
    else
        snprintf(path, len, "%s", tx->dom);
}

static void tx_chmod(struct store_tx *tx, const char *rel,
                     struct xs_permissions *perms, unsigned n);

/* rel NULL: the domain's directory itself. */
static void tx_mkdir(struct store_tx *tx, const char *rel,
                     struct xs_permissions *perms, unsigned n)
{
    char path[128];

    if (tx->e)
        return;
    dom_path(tx, rel, path, sizeof path);
    if (!xs_mkdir(tx->xsh, tx->t, path))
        tx_failed(tx, "xenstore mkdir", path);
    else
        tx_chmod(tx, rel, perms, n);
}

/* The domain's handle as xenstore and libxl spell a UUID. */
static void uuid_string(const xen_domain_handle_t h, char out[37])
{
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x", h[0], h[1], h[2], h[3], h[4], h[5],
             h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]);
}

/* An absolute path outside /local/domain/D. */
static void tx_mkdir_abs(struct store_tx *tx, const char *path,
                         struct xs_permissions *perms, unsigned n)
{
    if (tx->e)
        return;
    if (!xs_mkdir(tx->xsh, tx->t, path))
        tx_failed(tx, "xenstore mkdir", path);
    else if (!xs_set_permissions(tx->xsh, tx->t, path, perms, n))
        tx_failed(tx, "xenstore set permissions", path);
}

static void tx_write_abs(struct store_tx *tx, const char *path, const char *value)
{
    if (tx->e)
        return;
    if (!xs_write(tx->xsh, tx->t, path, value, (unsigned)strlen(value)))
        tx_failed(tx, "xenstore write", path);
}

/* Set n permissions on rel (NULL: the domain's directory), which exists. */
static void tx_chmod(struct store_tx *tx, const char *rel,
                     struct xs_permissions *perms, unsigned n)
{
    char path[128];

    if (tx->e)
        return;
    dom_path(tx, rel, path, sizeof path);
    if (!xs_set_permissions(tx->xsh, tx->t, path, perms, n))
        tx_failed(tx, "xenstore set permissions", path);
}

/* A directory that takes its parent's permissions. */
static void tx_mkdir_inherit(struct store_tx *tx, const char *path)
{
    if (!tx->e && !xs_mkdir(tx->xsh, tx->t, path))
        tx_failed(tx, "xenstore mkdir", path);
}

/*
 * Each request is a round trip to xenstored, and in dom0 (one vCPU)
 * each round trip is two process switches: the nodes are written with
 * as few requests as give them the permissions above.  A node that a
 * dom0 connection creates takes its parent's permissions (xenstored's
 * construct_node, oxenstored's Node.create), so a permission is set
 * once, on the topmost node that has it, and the nodes below it are
 * simply written (a write makes the missing directories).  The
 * domain-owned nodes below /local/domain/D and control/ are made while
 * D is briefly "rw", then D and control/ go back to "ro": inside the
 * transaction nobody sees the state in between.
 */
static void write_nodes(struct store_tx *tx, uint32_t domid, const char *name,
                        unsigned max_vcpus, const char *uuid,
                        const struct host_introduce *in)
{
    /* The first entry is the owner (all rights) and everyone else's rights. */
    struct xs_permissions ro[3] = {
        { .id = 0, .perms = XS_PERM_NONE },
        { .id = domid, .perms = XS_PERM_READ },
        { .id = in->backend_domid, .perms = XS_PERM_READ },
    };
    unsigned nr_ro = in->backend_domid != 0 && in->backend_domid != domid ? 3 : 2;
    struct xs_permissions rw[1] = { { .id = domid, .perms = XS_PERM_NONE } };
    struct xs_permissions none[1] = { { .id = 0, .perms = XS_PERM_NONE } };
    /* Made while D is the domain's: they (and control/) are "rw". */
    static const char *const domain_owned[] = {
        "control/shutdown", "control/feature-poweroff", "control/feature-reboot",
        "control/feature-suspend", "control/sysrq", "data", "drivers",
        "feature", "attr", "error",
    };
    char vm[64], libxl[64], path[128];
    struct timespec now;

    snprintf(vm, sizeof vm, "/vm/%s", uuid);
    snprintf(libxl, sizeof libxl, "/libxl/%u", domid);

    /* Stale trees of an old domain with this id or handle. */
    xs_rm(tx->xsh, tx->t, tx->dom);
    xs_rm(tx->xsh, tx->t, vm);
    xs_rm(tx->xsh, tx->t, libxl);

    tx_mkdir(tx, NULL, rw, 1);
    for (size_t i = 0; i < sizeof domain_owned / sizeof domain_owned[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", tx->dom, domain_owned[i]);
        tx_mkdir_inherit(tx, path);
    }
    tx_chmod(tx, "control", ro, nr_ro);
    tx_chmod(tx, NULL, ro, nr_ro);
    /* From here on what D gains is "ro": device/ and device/suspend/ too. */
    tx_mkdir(tx, "device/suspend/event-channel", rw, 1);
    tx_write(tx, "control/platform-feature-multiprocessor-suspend", "1");
    tx_write(tx, "control/platform-feature-xs_reset_watches", "1");

    tx_mkdir_abs(tx, vm, ro, nr_ro);
    tx_mkdir_abs(tx, libxl, none, 1);
    snprintf(path, sizeof path, "%s/device", libxl);
    tx_mkdir_inherit(tx, path);
    snprintf(path, sizeof path, "%s/type", libxl);
    tx_write_abs(tx, path, "pv");

    tx_write(tx, "vm", "%s", vm);
    tx_write(tx, "name", "%s", name);
    tx_write(tx, "domid", "%u", domid);
    snprintf(path, sizeof path, "%s/uuid", vm);
    tx_write_abs(tx, path, uuid);
    snprintf(path, sizeof path, "%s/name", vm);
    tx_write_abs(tx, path, name);
    snprintf(path, sizeof path, "%s/image/ostype", vm);
    tx_write_abs(tx, path, "linux");
    clock_gettime(CLOCK_REALTIME, &now);
    snprintf(path, sizeof path, "%s/start_time", vm);
    char start[32];
    snprintf(start, sizeof start, "%jd.%02ld", (intmax_t)now.tv_sec,
             now.tv_nsec / 10000000);
    tx_write_abs(tx, path, start);

    tx_write(tx, "memory/static-max", "%" PRIu64, in->maxmem_kib);
    tx_write(tx, "memory/target", "%" PRIu64, in->memory_kib);
    tx_write(tx, "memory/videoram", "0");

    for (unsigned i = 0; i < max_vcpus; i++) {
        char rel[48];
        snprintf(rel, sizeof rel, "cpu/%u/availability", i);
        tx_write(tx, rel, "%s", i < in->vcpus ? "online" : "offline");
    }

    tx_write(tx, "store/port", "%u", in->store_evtchn);
    tx_write(tx, "store/ring-ref", "%" PRIu64, (uint64_t)in->store_mfn);

    tx_write(tx, "console/ring-ref", "%" PRIu64, (uint64_t)in->console_mfn);
    tx_write(tx, "console/port", "%u", in->console_evtchn);
    tx_write(tx, "console/type", "xenconsoled");
    tx_write(tx, "console/output", "pty");
    tx_write(tx, "console/limit", "%d", CONSOLE_LIMIT);
    tx_write(tx, "console/tty", "%s", "");
}

int xen_introduce(struct pvb_host *h, uint32_t domid, const struct host_introduce *in,
                  pvb_error *err)
{
    struct xen_host *x = xen_host_of(h);
    xen_domctl_getdomaininfo_t di;

    if (!in)
        return fail(err, -EINVAL, "xen: domain %u: introduce without its facts", domid);
    int rc = xen_getdomaininfo(x, domid, &di, err);
    if (rc < 0)
        return rc;
    unsigned max_vcpus = di.max_vcpu_id == XEN_INVALID_MAX_VCPU_ID ? 0
                                                                  : di.max_vcpu_id + 1;
    if (max_vcpus < in->vcpus)
        max_vcpus = in->vcpus;

    /* The caller's handle when it brought its own: used, never closed. */
    struct xs_handle *xsh = x->xsh;
    if (x->borrowed && !xsh)
        return fail(err, -ENOENT, "xen: domain %u: not introduced: the host was "
                    "opened over the caller's handles without a xenstore one", domid);
    if (!xsh) {
        if (!xenstored_socket_answers() && !xenstore_domain_runs(x))
            return fail(err, -ENOENT, "xen: domain %u: no xenstored (nothing answers "
                        "on %s and no xenstore domain runs)", domid,
                        xs_daemon_socket());
        errno = 0;
        if (!(xsh = xs_open(0)))
            return fail(err, -ENOENT, "xen: domain %u: cannot connect to xenstored: %s",
                        domid, strerror(errno ? errno : ENOENT));
    }

    /* What XS_GET_DOMAIN_PATH answers, without the round trip. */
    char dom[32];
    snprintf(dom, sizeof dom, "/local/domain/%u", domid);

    char fallback[32];
    const char *name = in->name ? in->name : xen_domain_name(x, domid);
    if (!name) {
        snprintf(fallback, sizeof fallback, "pvbuild-%u", domid);
        name = fallback;
    }

    char uuid[37];
    uuid_string(di.handle, uuid);
    struct store_tx tx = { .xsh = xsh, .dom = dom };
    for (int tries = 0;; tries++) {
        tx.e = 0;
        tx.t = xs_transaction_start(xsh);
        if (!tx.t) {
            rc = xen_fail(err, domid, errno, "xenstore transaction start failed");
            goto out;
        }
        write_nodes(&tx, domid, name, max_vcpus, uuid, in);
        if (tx.e) {
            xs_transaction_end(xsh, tx.t, true);
            rc = xen_fail(err, domid, tx.e, "%s failed", tx.failed);
            goto out;
        }
        if (xs_transaction_end(xsh, tx.t, false))
            break;
        if (errno != EAGAIN || tries + 1 == TRANSACTION_TRIES) {
            rc = xen_fail(err, domid, errno, "xenstore transaction commit failed "
                          "(try %d)", tries + 1);
            goto out;
        }
    }

    if (!xs_introduce_domain(xsh, domid, (unsigned long)in->store_mfn,
                             in->store_evtchn))
        rc = xen_fail(err, domid, errno, "xenstore introduce (store mfn 0x%" PRIx64
                      ", port %u) failed", (uint64_t)in->store_mfn, in->store_evtchn);
out:
    if (xsh != x->xsh)
        xs_close(xsh);
    return rc;
}

/* rm that counts a node already gone as removed. */
static bool rm_node(struct xs_handle *xsh, const char *path)
{
    return xs_rm(xsh, XBT_NULL, path) || errno == ENOENT;
}

void xen_store_forget(struct xen_host *x, uint32_t domid)
{
    struct xs_handle *xsh = x->xsh;
    if (!xsh) {
        /* Borrowed hosts without a handle have nobody to ask. */
        if (x->borrowed || (!xenstored_socket_answers() && !xenstore_domain_runs(x)))
            return;
        if (!(xsh = xs_open(0)))
            return;
    }
    char dom[32], vm_key[40], libxl[32];
    snprintf(dom, sizeof dom, "/local/domain/%u", domid);
    snprintf(vm_key, sizeof vm_key, "%s/vm", dom);
    snprintf(libxl, sizeof libxl, "/libxl/%u", domid);
    unsigned len = 0;
    char *vm = xs_read(xsh, XBT_NULL, vm_key, &len);
    /* Only a /vm/UUID path: the domain could have written anything else. */
    bool vm_ok = !vm || strncmp(vm, "/vm/", 4) != 0 || strchr(vm + 4, '/') ||
                 rm_node(xsh, vm);
    bool ok = rm_node(xsh, dom) && rm_node(xsh, libxl) && vm_ok;
    if (!ok)
        log_warn(&x->bridge.log, "xen: domain %u: destroyed, but removing its "
                 "xenstore nodes (%s, %s, %s) failed: %s", domid, dom, vm ? vm : "no vm",
                 libxl, strerror(errno));
    free(vm);
    if (xsh != x->xsh)
        xs_close(xsh);
}

#endif
