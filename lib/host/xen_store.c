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
 * The nodes are one transaction, sent at once over our own connection
 * to xenstored's socket (store_wire.h: a xenstored in dom0 under an
 * emulated CPU answered ~50 requests in a median 0.13-0.15 s that way,
 * 0.19-0.23 s one round trip at a time through libxenstore), or through
 * libxenstore where there is no socket.  Then XS_INTRODUCE with the
 * store ring's mfn and port, which xenstored maps through grant entry 1
 * and announces with @introduceDomain (xenconsoled then finds the
 * console).  What turns the domain into one xl manages (its
 * configuration as libxl userdata, its devices) is lib/toolstack's,
 * above the builder.
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

#include "host/store_wire.h"

/* libxl's LIBXL_XENCONSOLE_LIMIT: bytes xenconsoled buffers. */
#define CONSOLE_LIMIT 1048576
#define TRANSACTION_TRIES 16
/* How long xenstored may take to answer one request. */
#define STORE_TIMEOUT_MS 30000

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

/* The nodes of one domain, as requests; paths under /local/domain/D. */
struct nodes {
    struct store_batch b;
    const char *dom;           /* /local/domain/D */
};

__attribute__((format(printf, 3, 4)))
static void put(struct nodes *n, const char *rel, const char *fmt, ...)
{
    char path[128], value[64];
    va_list ap;

    snprintf(path, sizeof path, "%s/%s", n->dom, rel);
    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    store_batch_write(&n->b, path, value);
}

/* rel's path under /local/domain/D (rel NULL: the directory itself). */
static void dom_path(const struct nodes *n, const char *rel, char *path, size_t len)
{
    if (rel)
        snprintf(path, len, "%s/%s", n->dom, rel);
    else
        snprintf(path, len, "%s", n->dom);
}

/* Set permissions on rel (NULL: the domain's directory), which exists. */
static void chmod_rel(struct nodes *n, const char *rel,
                      const struct xs_permissions *perms, unsigned nr)
{
    char path[128];
    dom_path(n, rel, path, sizeof path);
    store_batch_perms(&n->b, path, perms, nr);
}

/* A directory under /local/domain/D (rel NULL: D) with these permissions. */
static void mkdir_rel(struct nodes *n, const char *rel,
                      const struct xs_permissions *perms, unsigned nr)
{
    char path[128];
    dom_path(n, rel, path, sizeof path);
    store_batch_mkdir(&n->b, path);
    store_batch_perms(&n->b, path, perms, nr);
}

/* An absolute path outside /local/domain/D. */
static void mkdir_abs(struct nodes *n, const char *path,
                      const struct xs_permissions *perms, unsigned nr)
{
    store_batch_mkdir(&n->b, path);
    store_batch_perms(&n->b, path, perms, nr);
}

/* The domain's handle as xenstore and libxl spell a UUID. */
static void uuid_string(const xen_domain_handle_t h, char out[37])
{
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x", h[0], h[1], h[2], h[3], h[4], h[5],
             h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]);
}

/*
 * The nodes are written with as few requests as give them the
 * permissions above (each is work for xenstored, sent at once or not).
 * A node that a dom0 connection creates takes its parent's permissions
 * (xenstored's construct_node, oxenstored's Node.create), so a
 * permission is set once, on the topmost node that has it, and the
 * nodes below it are simply written (a write makes the missing
 * directories).  The domain-owned nodes below /local/domain/D and
 * control/ are made while D is briefly "rw", then D and control/ go
 * back to "ro": inside the transaction nobody sees the state in between.
 */
static void plan_nodes(struct nodes *n, uint32_t domid, const char *name,
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
    store_batch_rm(&n->b, n->dom);
    store_batch_rm(&n->b, vm);
    store_batch_rm(&n->b, libxl);

    mkdir_rel(n, NULL, rw, 1);
    for (size_t i = 0; i < sizeof domain_owned / sizeof domain_owned[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", n->dom, domain_owned[i]);
        store_batch_mkdir(&n->b, path);
    }
    chmod_rel(n, "control", ro, nr_ro);
    chmod_rel(n, NULL, ro, nr_ro);
    /* From here on what D gains is "ro": device/ and device/suspend/ too. */
    mkdir_rel(n, "device/suspend/event-channel", rw, 1);
    put(n, "control/platform-feature-multiprocessor-suspend", "1");
    put(n, "control/platform-feature-xs_reset_watches", "1");

    mkdir_abs(n, vm, ro, nr_ro);
    mkdir_abs(n, libxl, none, 1);
    snprintf(path, sizeof path, "%s/device", libxl);
    store_batch_mkdir(&n->b, path);
    snprintf(path, sizeof path, "%s/type", libxl);
    store_batch_write(&n->b, path, "pv");

    put(n, "vm", "%s", vm);
    snprintf(path, sizeof path, "%s/name", n->dom);
    store_batch_write(&n->b, path, name);
    put(n, "domid", "%u", domid);
    snprintf(path, sizeof path, "%s/uuid", vm);
    store_batch_write(&n->b, path, uuid);
    snprintf(path, sizeof path, "%s/name", vm);
    store_batch_write(&n->b, path, name);
    snprintf(path, sizeof path, "%s/image/ostype", vm);
    store_batch_write(&n->b, path, "linux");
    clock_gettime(CLOCK_REALTIME, &now);
    snprintf(path, sizeof path, "%s/start_time", vm);
    char start[32];
    snprintf(start, sizeof start, "%jd.%02ld", (intmax_t)now.tv_sec,
             now.tv_nsec / 10000000);
    store_batch_write(&n->b, path, start);

    put(n, "memory/static-max", "%" PRIu64, in->maxmem_kib);
    put(n, "memory/target", "%" PRIu64, in->memory_kib);
    put(n, "memory/videoram", "0");

    for (unsigned i = 0; i < max_vcpus; i++) {
        char rel[48];
        snprintf(rel, sizeof rel, "cpu/%u/availability", i);
        put(n, rel, "%s", i < in->vcpus ? "online" : "offline");
    }

    put(n, "store/port", "%u", in->store_evtchn);
    put(n, "store/ring-ref", "%" PRIu64, (uint64_t)in->store_mfn);

    put(n, "console/ring-ref", "%" PRIu64, (uint64_t)in->console_mfn);
    put(n, "console/port", "%u", in->console_evtchn);
    put(n, "console/type", "xenconsoled");
    put(n, "console/output", "pty");
    put(n, "console/limit", "%d", CONSOLE_LIMIT);
    put(n, "console/tty", "%s", "");
}

/* "xenstore write of /local/domain/3/name failed: ..." */
static int store_failed(pvb_error *err, uint32_t domid, const struct store_failure *f)
{
    char limit[80] = "";
    if (f->e == E2BIG)
        snprintf(limit, sizeof limit, " (a request carries at most %d bytes and "
                 "%d permissions)", XENSTORE_PAYLOAD_MAX, STORE_PERMS_MAX);
    return xen_fail(err, domid, f->e, "xenstore %s%s%s failed%s", f->op,
                    f->path[0] ? " of " : "", f->path, limit);
}

static int introduce_failed(pvb_error *err, uint32_t domid, int e,
                            const struct host_introduce *in)
{
    return xen_fail(err, domid, e, "xenstore introduce (store mfn 0x%" PRIx64
                    ", port %u) failed", (uint64_t)in->store_mfn, in->store_evtchn);
}

/*
 * Over our own connection to xenstored's socket: the transaction's
 * requests go at once (store_wire.h), then the commit, then the
 * introduction.  1 when the commit met another writer (EAGAIN): the
 * caller tries again.
 */
static int introduce_over_socket(int fd, uint32_t domid, const struct nodes *n,
                                 const struct host_introduce *in, pvb_error *err)
{
    struct store_failure f = { 0 };
    char reply[32];
    int rc = store_request(fd, XS_TRANSACTION_START, XBT_NULL, "", 1, reply,
                           sizeof reply, STORE_TIMEOUT_MS, &f);
    if (rc < 0)
        return store_failed(err, domid, &f);
    char *end;
    errno = 0;
    unsigned long t = strtoul(reply, &end, 10);
    if (errno || end == reply || *end || t == 0 || t > UINT32_MAX)
        return xen_fail(err, domid, EPROTO, "xenstore transaction start answered "
                        "\"%s\"", reply);
    rc = store_batch_send(fd, (uint32_t)t, &n->b, STORE_TIMEOUT_MS, &f);
    /* Out of step (no answer, a hang-up): closing the connection ends
     * the transaction, without another wait for xenstored. */
    if (rc < 0 && f.broken)
        return store_failed(err, domid, &f);
    struct store_failure fe = { 0 };
    int erc = store_request(fd, XS_TRANSACTION_END, (uint32_t)t, rc < 0 ? "F" : "T",
                            2, NULL, 0, STORE_TIMEOUT_MS, &fe);
    if (rc < 0)
        return store_failed(err, domid, &f);
    if (erc == -EAGAIN)
        return 1;
    if (erc < 0)
        return store_failed(err, domid, &fe);
    char intro[64];
    int len = snprintf(intro, sizeof intro, "%u%c%" PRIu64 "%c%u", domid, '\0',
                       (uint64_t)in->store_mfn, '\0', in->store_evtchn);
    if (store_request(fd, XS_INTRODUCE, XBT_NULL, intro, (size_t)len + 1, NULL, 0,
                      STORE_TIMEOUT_MS, &fe) < 0)
        return introduce_failed(err, domid, fe.e, in);
    return 0;
}

/* Through a libxenstore handle, request by request.  1: try again. */
static int introduce_over_handle(struct xs_handle *xsh, uint32_t domid,
                                 const struct nodes *n,
                                 const struct host_introduce *in, pvb_error *err)
{
    struct store_failure f = { 0 };
    xs_transaction_t t = xs_transaction_start(xsh);
    if (!t)
        return xen_fail(err, domid, errno, "xenstore transaction start failed");
    if (store_batch_replay(xsh, t, &n->b, &f) < 0) {
        xs_transaction_end(xsh, t, true);
        return store_failed(err, domid, &f);
    }
    if (!xs_transaction_end(xsh, t, false))
        return errno == EAGAIN ? 1 : xen_fail(err, domid, errno, "xenstore "
                                              "transaction commit failed");
    if (!xs_introduce_domain(xsh, domid, (unsigned long)in->store_mfn,
                             in->store_evtchn))
        return introduce_failed(err, domid, errno, in);
    return 0;
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
    int fd = -1;
    if (x->borrowed && !xsh)
        return fail(err, -ENOENT, "xen: domain %u: not introduced: the host was "
                    "opened over the caller's handles without a xenstore one", domid);
    if (!xsh && (fd = xenstored_connect()) < 0) {
        /* No socket: a xenstore domain, through /dev/xen/xenbus. */
        if (!xenstore_domain_runs(x))
            return fail(err, -ENOENT, "xen: domain %u: no xenstored (nothing answers "
                        "on %s and no xenstore domain runs)", domid,
                        xs_daemon_socket());
        errno = 0;
        if (!(xsh = xs_open(0)))
            return fail(err, -ENOENT, "xen: domain %u: cannot connect to xenstored: %s",
                        domid, strerror(errno ? errno : ENOENT));
    }

    char fallback[32];
    const char *name = in->name ? in->name : xen_domain_name(x, domid);
    if (!name) {
        snprintf(fallback, sizeof fallback, "pvbuild-%u", domid);
        name = fallback;
    }

    char uuid[37];
    uuid_string(di.handle, uuid);
    /* What XS_GET_DOMAIN_PATH answers, without the round trip. */
    char dom[32];
    snprintf(dom, sizeof dom, "/local/domain/%u", domid);
    struct nodes n = { .dom = dom };
    store_batch_init(&n.b);
    plan_nodes(&n, domid, name, max_vcpus, uuid, in);
    for (int tries = 1;; tries++) {
        rc = fd >= 0 ? introduce_over_socket(fd, domid, &n, in, err)
                     : introduce_over_handle(xsh, domid, &n, in, err);
        if (rc <= 0)
            break;
        if (tries == TRANSACTION_TRIES) {
            rc = xen_fail(err, domid, EAGAIN, "xenstore transaction commit failed "
                          "(try %d)", tries);
            break;
        }
    }
    store_batch_free(&n.b);
    if (fd >= 0)
        close(fd);
    if (xsh && xsh != x->xsh)
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
