/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Failures injected on the real hypervisor (make check-xen runs it in dom0):
 *     xen_inject KERNEL
 * through tests/proxy_host.h over the xen host, SQLite's way:
 *  - every host op of pvb_domain_create failing in turn, and with each of
 *    those, every undo op (release, unpin, destroy) of that run failing in
 *    turn;
 *  - every allocation of the library failing in turn during
 *    pvb_domain_create (util/alloc.h's hook);
 *  - every host op of pvb_verify failing in turn on a built domain.
 * After each: one error on one line; no live domain left but the one a
 * failed destroy named in dom.domid (pvbuild.h's promise; the test then
 * destroys it); no /local/domain/D or /vm node that was not there before,
 * none for any domain the run created; Xen's free memory back where it
 * was.  A failed verify leaves no mapping and the domain as it was.
 * Without Xen it skips.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenstore.h>

#include "host/host.h"
#include "plan_copy.h"
#include "proxy_host.h"
#include "pvbuild/xen.h"
#include "tap.h"
#include "util/alloc.h"

#define MAX_SEEN 64
#define NODES_LEN 2048

/* What the machine looked like before: every run must leave it so. */
struct world {
    xc_interface *xch;
    struct xs_handle *xs;
    int live;                          /* domains not dying */
    uint64_t free_pages;
    char nodes[NODES_LEN];             /* /local/domain and /vm entries */
};

/* Domains the current run created, whatever became of them. */
static uint32_t seen[MAX_SEEN];
static size_t nr_seen;

struct faults {
    long calls, fail_at;               /* ops that do work */
    long undo_calls, undo_fail_at;     /* release, unpin, destroy */
};

static bool tick(struct proxy_host *p, bool undo)
{
    struct faults *f = p->opaque;
    if (!f || p->unmapping)
        return false;
    return undo ? ++f->undo_calls == f->undo_fail_at : ++f->calls == f->fail_at;
}

static int record_create(struct pvb_host *h, const struct host_domain_config *c,
                         uint32_t *d, pvb_error *e)
{
    int rc = px_create(h, c, d, e);
    if (rc == 0 && nr_seen < MAX_SEEN)
        seen[nr_seen++] = *d;
    return rc;
}

/* A proxy that records the domains created; with f, fails as f says. */
static void proxy_setup(struct proxy_host *p, pvb_host *inner, struct faults *f,
                        long fail_at, long undo_fail_at)
{
    proxy_init(p, inner);
    p->ops.domain_create = record_create;
    if (f) {
        memset(f, 0, sizeof *f);
        f->fail_at = fail_at;
        f->undo_fail_at = undo_fail_at;
        p->enter = tick;
        p->opaque = f;
    }
    nr_seen = 0;
}

static int live_domains(xc_interface *xch)
{
    xc_domaininfo_t info[64];
    int n = xc_domain_getinfolist(xch, 0, 64, info), live = 0;
    for (int i = 0; i < n; i++)
        live += !(info[i].flags & XEN_DOMINF_dying);
    return n < 0 ? n : live;
}

static uint64_t free_pages(xc_interface *xch)
{
    xc_physinfo_t pi = { 0 };
    return xc_physinfo(xch, &pi) == 0 ? pi.free_pages : 0;
}

static void nap(void)
{
    struct timespec ts = { 0, 50 * 1000 * 1000 };
    nanosleep(&ts, NULL);
}

/*
 * Free memory back to want: a destroyed domain's frames go back to Xen as
 * its destroy completes, a dying one's a little later.  The poll ends as
 * soon as they are back; its limit (60 s) is for a stuck Xen only, so a
 * slow machine waits longer instead of failing.
 */
static uint64_t free_back(xc_interface *xch, uint64_t want)
{
    uint64_t now = free_pages(xch);
    for (int i = 0; i < 1200 && now < want; i++) {
        nap();
        now = free_pages(xch);
    }
    return now;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "DIR: a b c" for the entries of DIR, sorted; "DIR: -" when there is none. */
static void list_dir(struct xs_handle *xs, const char *dir, char *out, size_t len)
{
    unsigned n = 0;
    char **e = xs_directory(xs, XBT_NULL, dir, &n);
    size_t used = strlen(out);
    used += (size_t)snprintf(out + used, used < len ? len - used : 0, "%s:", dir);
    if (!e || !n)
        used += (size_t)snprintf(out + used, used < len ? len - used : 0, " -");
    else
        qsort(e, n, sizeof *e, cmp_str);
    for (unsigned i = 0; e && i < n; i++)
        used += (size_t)snprintf(out + used, used < len ? len - used : 0, " %s", e[i]);
    used += (size_t)snprintf(out + used, used < len ? len - used : 0, "; ");
    free(e);
}

static void snapshot_nodes(struct xs_handle *xs, char *out, size_t len)
{
    out[0] = '\0';
    list_dir(xs, "/local/domain", out, len);
    list_dir(xs, "/vm", out, len);
}

static bool node_exists(struct xs_handle *xs, const char *path)
{
    unsigned n = 0;
    char **e = xs_directory(xs, XBT_NULL, path, &n);
    free(e);
    return e != NULL;
}

static void world_take(struct world *w)
{
    /* Dying domains still hold frames: wait them out for a whole figure. */
    xc_domaininfo_t info[64];
    for (int i = 0; i < 1200 && xc_domain_getinfolist(w->xch, 0, 64, info) !=
                                    live_domains(w->xch); i++)
        nap();
    w->live = live_domains(w->xch);
    w->free_pages = free_pages(w->xch);
    snapshot_nodes(w->xs, w->nodes, sizeof w->nodes);
}

/*
 * The machine is as it was: no new live domain, no new xenstore node,
 * none for a domain this run created, free memory back.  why says what
 * is left when it is not.
 */
static bool world_same(const struct world *w, char *why, size_t len)
{
    int live = live_domains(w->xch);
    uint64_t now = free_back(w->xch, w->free_pages);
    char nodes[NODES_LEN];
    snapshot_nodes(w->xs, nodes, sizeof nodes);
    char node[64] = "";
    for (size_t i = 0; i < nr_seen && !node[0]; i++) {
        char p[64];
        snprintf(p, sizeof p, "/local/domain/%u", seen[i]);
        if (node_exists(w->xs, p))
            snprintf(node, sizeof node, "%s", p);
    }
    bool same = live == w->live && now >= w->free_pages && !node[0] &&
                strcmp(nodes, w->nodes) == 0;
    snprintf(why, len, "%d live domains (was %d), free pages 0x%" PRIx64 " (was 0x%"
             PRIx64 "), %s%sxenstore %s(was %s)", live, w->live, now, w->free_pages,
             node, node[0] ? " left, " : "", nodes, w->nodes);
    return same;
}

static const pvb_image *img;
static struct pvb_config cfg;

static int create(pvb_host *h, struct pvb_domain *dom, pvb_error *err)
{
    memset(err, 0, sizeof *err);
    return pvb_domain_create(h, &cfg, img, NULL, NULL, NULL, dom, err);
}

static bool one_line(const pvb_error *err)
{
    return err->msg[0] && !strchr(err->msg, '\n');
}

/* Every host op failing in turn; with each, every undo op of its run. */
static void host_ops(pvb_host *h, struct world *w)
{
    struct proxy_host p;
    struct faults f;
    struct pvb_domain dom;
    pvb_error err;
    char why[NODES_LEN * 2 + 256];

    proxy_setup(&p, h, &f, 0, 0);
    int rc = create(&p.base, &dom, &err);
    long total = f.calls;
    ok(rc == 0, "ops: a good create through the proxy (%ld host calls) %s", total,
       rc ? err.msg : "");
    if (rc == 0)
        pvb_domain_destroy(h, dom.domid, &err);

    long good = 0, undo_runs = 0, undo_good = 0, named = 0;
    for (long n = 1; n <= total; n++) {
        proxy_setup(&p, h, &f, n, 0);
        rc = create(&p.base, &dom, &err);
        long undos = f.undo_calls;
        if (rc < 0 && dom.domid == 0 && strncmp(err.msg, "injected", 8) == 0 &&
            one_line(&err) && world_same(w, why, sizeof why))
            good++;
        else
            diag("op %ld: rc %d, domid %u, \"%s\", %s", n, rc, dom.domid, err.msg, why);
        if (dom.domid)
            pvb_domain_destroy(h, dom.domid, &err);

        for (long m = 1; m <= undos; m++) {
            proxy_setup(&p, h, &f, n, m);
            rc = create(&p.base, &dom, &err);
            undo_runs++;
            bool said = strstr(err.msg, "undoing the build failed too") ||
                        strstr(err.msg, "could not be destroyed");
            /* The promise: a domain left is named, in dom.domid and the error. */
            char name[48];
            snprintf(name, sizeof name, "domain %u could not be destroyed", dom.domid);
            bool left_ok = dom.domid == 0 || strstr(err.msg, name);
            pvb_error derr = { 0 };
            int drc = dom.domid ? pvb_domain_destroy(h, dom.domid, &derr) : 0;
            named += dom.domid != 0 && drc == 0;
            if (rc < 0 && strncmp(err.msg, "injected", 8) == 0 && said && left_ok &&
                drc == 0 && one_line(&err) && world_same(w, why, sizeof why))
                undo_good++;
            else
                diag("op %ld, undo %ld: rc %d, domid %u, \"%s\", destroy %d %s, %s", n, m,
                     rc, dom.domid, err.msg, drc, derr.msg, why);
        }
    }
    ok(total > 0 && good == total, "ops: each of the %ld host ops of pvb_domain_create "
       "failing on Xen: the injected error, no domain, no xenstore node left, free "
       "memory back (%ld clean)", total, good);
    ok(undo_runs > 0 && undo_good == undo_runs, "ops: and each undo op of those runs "
       "failing too: one error saying so, a domain left only when named (%ld were), "
       "nothing left once it is destroyed (%ld of %ld runs)", named, undo_good,
       undo_runs);
}

/* Every allocation of the library failing in turn during pvb_domain_create. */
static void allocations(pvb_host *h, struct world *w)
{
    struct proxy_host p;
    struct pvb_domain dom;
    pvb_error err;
    char why[NODES_LEN * 2 + 256];

    proxy_setup(&p, h, NULL, 0, 0);
    mem_fail_at(0);
    int rc = create(&p.base, &dom, &err);
    long total = mem_count();
    ok(rc == 0 && total > 0, "alloc: a good create makes %ld allocations of ours %s",
       total, rc ? err.msg : "");
    if (rc == 0)
        pvb_domain_destroy(h, dom.domid, &err);

    long good = 0, absorbed = 0;
    for (long n = 1; n <= total; n++) {
        proxy_setup(&p, h, NULL, 0, 0);
        mem_fail_at(n);
        rc = create(&p.base, &dom, &err);
        bool fired = mem_failed();
        mem_fail_at(0);
        bool said = strstr(err.msg, "memory") || strstr(err.msg, "allocate");
        bool built = rc == 0;
        if (dom.domid)
            pvb_domain_destroy(h, dom.domid, &err);
        bool same = world_same(w, why, sizeof why);
        if (fired && !built && dom.domid == 0 && said && one_line(&err) && same)
            good++;
        /* An allocation with a fallback (a smaller batch) may be absorbed. */
        else if (fired && built && same)
            absorbed++;
        else
            diag("allocation %ld: fired %d, rc %d, domid %u, \"%s\", %s", n, fired, rc,
                 dom.domid, err.msg, why);
    }
    ok(total > 0 && good + absorbed == total, "alloc: each of the %ld allocations of "
       "pvb_domain_create failing on Xen: one error about memory (or a fallback that "
       "builds), no domain, no xenstore node left, free memory back (%ld errors, %ld "
       "fallbacks)", total, good, absorbed);
}

/* Every host op of pvb_verify failing in turn on a built domain. */
static void verify_ops(pvb_host *h, struct world *w)
{
    struct proxy_host p;
    struct faults f;
    struct pvb_domain dom;
    struct pvb_verify_report rep;
    struct host_domain_info before, after;
    pvb_error err;
    char why[NODES_LEN * 2 + 256];

    proxy_setup(&p, h, NULL, 0, 0);
    if (!ok(create(&p.base, &dom, &err) == 0, "verify: a domain to verify %s", err.msg))
        return;
    h->ops->domain_info(h, dom.domid, &before, &err);
    proxy_setup(&p, h, &f, 0, 0);
    int rc = test_verify(&p.base, dom.domid, pvb_image_guest(img), &rep, &err);
    long total = f.calls;
    ok(rc == 0 && rep.ok && p.live_maps == 0, "verify: a good verify through the proxy "
       "(%ld host calls, %ld views left) %s", total, p.live_maps, rc ? err.msg : "");
    long good = 0;
    for (long n = 1; n <= total; n++) {
        proxy_setup(&p, h, &f, n, 0);
        memset(&err, 0, sizeof err);
        rc = test_verify(&p.base, dom.domid, pvb_image_guest(img), &rep, &err);
        pvb_error ierr;
        bool intact = h->ops->domain_info(h, dom.domid, &after, &ierr) == 0 &&
                      after.nr_pages == before.nr_pages && after.paused &&
                      !after.dying && !after.shutdown;
        if (rc < 0 && strstr(err.msg, "injected") && one_line(&err) &&
            p.live_maps == 0 && intact)
            good++;
        else
            diag("verify op %ld: rc %d, \"%s\", %ld views left, nr_pages %" PRIu64
                 " (was %" PRIu64 "), paused %d dying %d", n, rc, err.msg, p.live_maps,
                 (uint64_t)after.nr_pages, (uint64_t)before.nr_pages, after.paused,
                 after.dying);
    }
    ok(total > 0 && good == total, "verify: each of the %ld host ops of pvb_verify "
       "failing on Xen: the injected error, no mapping left, the domain as it was "
       "(%ld clean)", total, good);
    rc = test_verify(h, dom.domid, pvb_image_guest(img), &rep, &err);
    ok(rc == 0 && rep.ok, "verify: the domain still verifies after them %s",
       rc ? err.msg : "");
    pvb_domain_destroy(h, dom.domid, &err);
    ok(world_same(w, why, sizeof why), "verify: nothing left once it is destroyed (%s)",
       why);
}

int main(int argc, char **argv)
{
    if (access("/dev/xen/privcmd", F_OK) != 0 && access("/proc/xen/privcmd", F_OK) != 0) {
        printf("1..0 # SKIP no Xen here (make check-xen runs this in dom0)\n");
        return 0;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: xen_inject KERNEL\n");
        return 2;
    }
    pvb_host *h = NULL;
    pvb_image *im = NULL;
    pvb_error err = { 0 };
    struct world w = { .xch = xc_interface_open(NULL, NULL, 0), .xs = xs_open(0) };
    if (!ok(w.xch && w.xs, "libxenctrl and xenstored answer") ||
        !ok(pvb_host_xen_open(NULL, &h, &err) == 0, "open the xen host %s", err.msg) ||
        !ok(pvb_image_open_file(argv[1], NULL, &im, &err) == 0, "open %s %s", argv[1],
            err.msg))
        goto out;
    img = im;
    pvb_config_init(&cfg);
    cfg.memory_mib = 64;
    pvb_config_set_string(&cfg.name, "xen-inject", &err);
    world_take(&w);
    diag("before: %d live domains, free pages 0x%" PRIx64 ", %s", w.live, w.free_pages,
         w.nodes);

    host_ops(h, &w);
    allocations(h, &w);
    verify_ops(h, &w);
    pvb_config_free(&cfg);
out:
    pvb_image_close(im);
    pvb_host_close(h);
    if (w.xs)
        xs_close(w.xs);
    if (w.xch)
        xc_interface_close(w.xch);
    return done_testing();
}
