/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A failed build leaves nothing behind: every frame it populated goes back
 * and every mapping it made is gone.  A proxy host fails the Nth host call
 * for every N up to the number a whole build makes (SQLite's way of
 * testing error paths), and bad configs fail before anything is taken.
 */
#include "common.h"

#include <errno.h>

#include "plan_copy.h"
#include "proxy_host.h"

/* Counts the host calls and fails the fail_at'th; undo paths never fail. */
struct fault_count {
    long calls, fail_at;
};

static bool tick(struct proxy_host *p, bool undo)
{
    struct fault_count *f = p->opaque;
    return !undo && ++f->calls == f->fail_at;
}

static void fault_init(struct proxy_host *p, struct fault_count *f, struct pvb_host *inner,
                       long fail_at)
{
    proxy_init(p, inner);
    f->calls = 0;
    f->fail_at = fail_at;
    p->enter = tick;
    p->opaque = f;
}

int main(void)
{
    pvb_image *img = debian_image_or_exit();
    pvb_host *h;
    pvb_error err = { 0 };
    if (pvb_host_sim_open(NULL, &h, &err) < 0) {
        printf("Bail out! %s\n", err.msg);
        return 1;
    }
    pvb_ramdisk *rd = make_ramdisk(0x123456);
    struct pvb_config cfg;
    pvb_config_init(&cfg);
    cfg.memory_mib = 128;
    struct pvb_plan plan;
    struct pvb_build_result res;
    if (test_plan_make(pvb_image_guest(img), &cfg, pvb_ramdisk_size(rd), &plan,
                       &err) < 0) {
        printf("Bail out! plan: %s\n", err.msg);
        return 1;
    }

    /* How many host calls a whole build makes. */
    struct proxy_host f;
    struct fault_count fc;
    fault_init(&f, &fc, h, 0);
    uint32_t domid = new_domain(h, "undo", 128 * 256, 1);
    int rc = pvb_build(&f.base, domid, img, rd, &plan, NULL, &res, &err);
    ok(rc == 0, "a good build through the proxy host (%ld host calls)", fc.calls);
    ok(domain_pages(h, domid) == 128 * 256, "it populated every page");
    rc = pvb_build(h, domid, img, rd, &plan, NULL, &res, &err);
    char want[128];
    snprintf(want, sizeof want, "domain %u already has %u pages: pvb_build needs "
             "an empty domain", domid, 128 * 256);
    ok(rc == -EEXIST, "a second build into the built domain is refused");
    is_str(err.msg, want, "saying the domain is not empty");
    h->ops->domain_destroy(h, domid, &err);

    /* A plan for another ramdisk size, or for no ramdisk, is refused. */
    domid = new_domain(h, "undo", 128 * 256, 1);
    rc = pvb_build(h, domid, img, NULL, &plan, NULL, &res, &err);
    ok(rc == -EINVAL && strstr(err.msg, "the plan was made for a ramdisk of 0x123456"),
       "the plan of another ramdisk is refused: %s", err.msg);
    is_u64(domain_pages(h, domid), 0, "nothing populated");
    h->ops->domain_destroy(h, domid, &err);
    long total = fc.calls;

    /* Fail each call in turn. */
    long clean = 0;
    for (long n = 1; n <= total; n++) {
        fault_init(&f, &fc, h, n);
        domid = new_domain(h, "undo", 128 * 256, 1);
        rc = pvb_build(&f.base, domid, img, rd, &plan, NULL, &res, &err);
        uint64_t left = domain_pages(h, domid);
        size_t views = sim_live_views(h);
        if (rc < 0 && left == 0 && views == 0 && strstr(err.msg, "injected"))
            clean++;
        else
            diag("call %ld: rc %d, %llu pages left, %zu views, \"%s\"", n, rc,
                 (unsigned long long)left, views, err.msg);
        h->ops->domain_destroy(h, domid, &err);
    }
    ok(clean == total, "failing any one of the %ld host calls: an error, no frame "
       "kept, no mapping left (%ld clean)", total, clean);

    /* max_pages below memory: refused before anything is populated. */
    domid = new_domain(h, "undo", 100 * 256, 1);
    rc = pvb_build(h, domid, img, rd, &plan, NULL, &res, &err);
    ok(rc == -ENOSPC, "max_pages below the plan's pages is refused: %s", err.msg);
    ok(strstr(err.msg, "max_pages") != NULL, "the error names max_pages");
    is_u64(domain_pages(h, domid), 0, "no frame kept");
    ok(sim_live_views(h) == 0, "no mapping left");
    h->ops->domain_destroy(h, domid, &err);

    /* Bad P->M addresses fail before anything is populated. */
    static const struct { uint64_t va; const char *what; } bad[] = {
        { 0x8000000001, "aligned" },
        { 0x0000800000000000, "canonical" },
        { 0xffffffff80000000, "overlap" },
        { 0xffff800000000000, "hypervisor" },
        { 0xffffff0000, "crosses a slot" },
        { 0x1000, "slot 0" },
    };
    cfg.p2m = PVB_P2M_ADDRESS;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cfg.p2m_vaddr = bad[i].va;
        struct pvb_domain dom;
        size_t before = sim_live_views(h);
        rc = pvb_domain_create(h, &cfg, img, rd, NULL, NULL, &dom, &err);
        ok(rc < 0 && dom.domid == 0 && sim_live_views(h) == before,
           "P->M at 0x%llx (%s) refused, no domain left: %s",
           (unsigned long long)bad[i].va, bad[i].what, err.msg);
    }

    pvb_config_free(&cfg);
    pvb_ramdisk_close(rd);
    pvb_host_close(h);
    pvb_image_close(img);
    return done_testing();
}
