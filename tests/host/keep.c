/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pvb_host_opts.keep_mappings: a good build leaves its kernel and ramdisk
 * mappings to pvb_host_close, yet never while the domain can run or after
 * it is gone (a writable mapping stops the guest pinning that frame as a
 * page table; a destroyed domain still mapped stays a zombie), and a
 * failed build keeps none.  The sim host counts live views; a proxy in
 * front of it sees how many are left when unpause or destroy reaches it.
 */
#include "build/common.h"

#include <errno.h>

#include "plan_copy.h"
#include "pvbuild/sys/host.h"
#include "proxy_host.h"

#define MIB 128

/* Views of the inner host when unpause / destroy reached it. */
static size_t views_at_unpause, views_at_destroy;

static int seen_unpause(struct pvb_host *h, uint32_t d, pvb_error *e)
{
    views_at_unpause = sim_live_views(INNER(h));
    return INNER(h)->ops->unpause(INNER(h), d, e);
}

static int seen_destroy(struct pvb_host *h, uint32_t d, pvb_error *e)
{
    views_at_destroy = sim_live_views(INNER(h));
    return INNER(h)->ops->domain_destroy(INNER(h), d, e);
}

struct fault_count {
    long calls, fail_at;
};

static bool tick(struct proxy_host *p, bool undo)
{
    struct fault_count *f = p->opaque;
    return !undo && ++f->calls == f->fail_at;
}

/* A proxy over inner that keeps mappings and watches unpause/destroy. */
static void keeper_init(struct proxy_host *p, struct pvb_host *inner,
                        struct fault_count *f, long fail_at)
{
    proxy_init(p, inner);
    p->ops.unpause = seen_unpause;
    p->ops.domain_destroy = seen_destroy;
    p->base.keep_mappings = true;
    f->calls = 0;
    f->fail_at = fail_at;
    p->enter = tick;
    p->opaque = f;
}

static uint32_t empty_domain(pvb_host *h)
{
    struct pvb_empty_domain_opts o = PVB_EMPTY_DOMAIN_OPTS_INIT;
    o.max_mib = MIB;
    uint32_t domid = 0;
    pvb_error err;
    if (pvb_domain_create_empty(h, &o, &domid, &err) < 0)
        diag("domain create: %s", err.msg);
    return domid;
}

int main(void)
{
    pvb_image *img = debian_image_or_exit();
    pvb_error err = { 0 };
    pvb_ramdisk *rd = make_ramdisk(0x123456);
    struct pvb_config cfg;
    pvb_config_init(&cfg);
    cfg.memory_mib = MIB;
    struct pvb_plan plan;
    if (!rd || test_plan_make(pvb_image_guest(img), &cfg, pvb_ramdisk_size(rd), &plan,
                              &err) < 0) {
        printf("Bail out! plan: %s\n", err.msg);
        return 1;
    }
    pvb_host *h;
    uint32_t domid;
    int rc;

    /* Without the option (no opts, or version 2 with false): none kept. */
    struct pvb_host_opts off = PVB_HOST_OPTS_INIT;
    ok(PVB_HOST_OPTS_VERSION == 2, "pvb_host_opts is at version 2");
    const struct pvb_host_opts *offs[] = { NULL, &off };
    for (size_t i = 0; i < 2; i++) {
        if (pvb_host_open("sim", offs[i], &h, &err) < 0) {
            printf("Bail out! %s\n", err.msg);
            return 1;
        }
        domid = empty_domain(h);
        rc = pvb_build(h, domid, img, rd, &plan, NULL, NULL, &err);
        ok(rc == 0 && sim_live_views(h) == 0 && h->nr_kept == 0,
           "%s: a good build leaves no mapping (%zu)", i ? "keep_mappings false" : "no opts",
           sim_live_views(h));
        pvb_host_close(h);
    }

    /* Version 1 has no keep_mappings: whatever lies past it is not read. */
    struct pvb_host_opts v1 = { .version = 1, .keep_mappings = true };
    rc = pvb_host_open("sim", &v1, &h, &err);
    ok(rc == 0, "version-1 host opts are accepted: %s", rc ? err.msg : "");
    if (rc == 0) {
        domid = empty_domain(h);
        rc = pvb_build(h, domid, img, rd, &plan, NULL, NULL, &err);
        ok(rc == 0 && sim_live_views(h) == 0,
           "version 1: the member past its end is not read (%zu views left)",
           sim_live_views(h));
        pvb_host_close(h);
    }

    /* With it: the kernel's and ramdisk's mappings stay, nothing else. */
    struct pvb_host_opts on = PVB_HOST_OPTS_INIT;
    on.keep_mappings = true;
    if (pvb_host_open("sim", &on, &h, &err) < 0) {
        printf("Bail out! %s\n", err.msg);
        return 1;
    }
    domid = empty_domain(h);
    rc = pvb_build(h, domid, img, rd, &plan, NULL, NULL, &err);
    ok(rc == 0, "keep_mappings: the build succeeds %s", rc ? err.msg : "");
    is_u64(sim_live_views(h), 2, "the kernel and ramdisk mappings are still there");
    is_u64(h->nr_kept, 2, "the host holds both");
    ok(sim_domain_unpaused(h, domid, &err) == 0, "the domain is still paused");
    rc = pvb_build(h, empty_domain(h), img, NULL, &plan, NULL, NULL, &err);
    ok(rc < 0 && sim_live_views(h) == 2,
       "a build refused (the plan's ramdisk is missing) keeps none of its own");
    uint32_t other = empty_domain(h);
    rc = pvb_build(h, other, img, rd, &plan, NULL, NULL, &err);
    is_u64(sim_live_views(h), 4, "a second domain's mappings stay too");
    rc = pvb_domain_unpause(h, domid, &err);
    ok(rc == 0 && sim_domain_unpaused(h, domid, &err) == 1, "unpause the first");
    is_u64(sim_live_views(h), 2, "its mappings went, the other domain's did not");
    rc = pvb_domain_destroy(h, other, &err);
    ok(rc == 0 && sim_live_views(h) == 0 && h->nr_kept == 0,
       "destroying the other releases its mappings (%zu left)", sim_live_views(h));
    pvb_host_close(h);

    /* pvb_domain_create (the CLI's path) keeps them as pvb_build does. */
    if (pvb_host_open("sim", &on, &h, &err) < 0) {
        printf("Bail out! %s\n", err.msg);
        return 1;
    }
    struct pvb_domain dom;
    rc = pvb_domain_create(h, &cfg, img, rd, NULL, NULL, &dom, &err);
    ok(rc == 0 && sim_live_views(h) == 2,
       "pvb_domain_create with keep_mappings leaves the two (%zu)", sim_live_views(h));

    /* Release comes before unpause and destroy reach the host. */
    struct proxy_host p;
    struct fault_count fc;
    keeper_init(&p, h, &fc, 0);
    domid = empty_domain(h);
    views_at_unpause = 99;
    rc = pvb_build(&p.base, domid, img, rd, &plan, NULL, NULL, &err);
    ok(rc == 0 && sim_live_views(h) == 4, "a build through the proxy keeps its two");
    rc = pvb_domain_unpause(&p.base, domid, &err);
    is_u64(views_at_unpause, 2, "pvb_domain_unpause: the domain's mappings were "
           "gone before unpause reached the host");
    domid = empty_domain(h);
    views_at_destroy = 99;
    rc = pvb_build(&p.base, domid, img, rd, &plan, NULL, NULL, &err);
    rc = pvb_domain_destroy(&p.base, domid, &err);
    is_u64(views_at_destroy, 2, "pvb_domain_destroy: gone before destroy reached it");
    long total = fc.calls;

    /* pvb_host_close releases what is left. */
    free(p.base.kept);          /* the proxy is set up anew, never closed */
    keeper_init(&p, h, &fc, 0);
    domid = empty_domain(h);
    rc = pvb_build(&p.base, domid, img, rd, &plan, NULL, NULL, &err);
    ok(rc == 0 && sim_live_views(h) == 4, "one more kept through the proxy");
    pvb_host_close(&p.base);    /* the proxy's close leaves the sim host open */
    is_u64(sim_live_views(h), 2, "closing the proxy host released its two");
    h->ops->domain_destroy(h, domid, &err);

    /* A failed build keeps nothing, whichever host call fails. */
    long clean = 0, calls = 0;
    for (long n = 1; n <= total; n++) {
        keeper_init(&p, h, &fc, n);
        domid = empty_domain(h);
        size_t before = sim_live_views(h);
        rc = pvb_build(&p.base, domid, img, rd, &plan, NULL, NULL, &err);
        if (rc == 0) {
            calls = n;        /* past a whole build: nothing failed */
            pvb_domain_destroy(&p.base, domid, &err);
            break;
        }
        if (sim_live_views(h) == before && p.base.nr_kept == 0 &&
            domain_pages(h, domid) == 0)
            clean++;
        else
            diag("call %ld: rc %d, %zu views, %zu kept, \"%s\"", n, rc,
                 sim_live_views(h) - before, p.base.nr_kept, err.msg);
        h->ops->domain_destroy(h, domid, &err);
    }
    ok(calls > 10 && clean == calls - 1,
       "failing any one of the %ld host calls of a build keeps no mapping "
       "(%ld clean)", calls - 1, clean);
    free(p.base.kept);

    /* A host of one's own honours it too. */
    const struct pvb_host_ops *xops;
    void *impl;
    pvb_host *own;
    pvb_host *sim;
    if (pvb_host_open("sim", NULL, &sim, &err) < 0 ||
        pvb_host_ops_of(sim, &xops, &impl, &err) < 0 ||
        pvb_host_new(xops, impl, &on, &own, &err) < 0) {
        printf("Bail out! %s\n", err.msg);
        return 1;
    }
    domid = empty_domain(own);
    rc = pvb_build(own, domid, img, rd, &plan, NULL, NULL, &err);
    ok(rc == 0 && sim_live_views(sim) == 2, "pvb_host_new with keep_mappings keeps "
       "the two (%zu)", sim_live_views(sim));
    rc = pvb_domain_unpause(own, domid, &err);
    ok(rc == 0 && sim_live_views(sim) == 0, "and unpause releases them");
    pvb_host_close(own);        /* closes sim too */

    pvb_host_close(h);
    pvb_config_free(&cfg);
    pvb_ramdisk_close(rd);
    pvb_image_close(img);
    return done_testing();
}
