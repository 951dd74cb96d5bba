/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A kernel whose FEATURES note requires ('!') a feature the domain will
 * not have is refused with the feature named: an unknown name, one a PV
 * domU never has (dom0, auto_translated_physmap), and one the host's
 * hypervisor does not report (through a proxy host reporting less).
 * Nothing is left behind.
 */
#include "common.h"
#include "plan_copy.h"

#include <errno.h>

#include "image/features.h"
#include "proxy_host.h"

static uint32_t reported;

static int fewer_features(struct pvb_host *h, uint32_t *f, pvb_error *e)
{
    (void)h;
    (void)e;
    *f = reported;
    return 0;
}

/* Build a kernel with FEATURES `feat` on h: rc, and err. */
static int build(pvb_host *h, const char *feat, pvb_error *err)
{
    struct test_kernel k = { .features = feat };
    pvb_image *img = make_test_kernel(&k);
    struct pvb_config cfg;
    struct pvb_plan plan;
    struct pvb_domain dom;
    if (!img)
        return err->code = -EINVAL;
    pvb_config_init(&cfg);
    cfg.memory_mib = 64;
    int rc = test_domain_create(h, &cfg, img, NULL, &plan, NULL, &dom, err);
    if (rc == 0)
        pvb_domain_destroy(h, dom.domid, err);
    pvb_image_close(img);
    return rc;
}

int main(void)
{
    pvb_host *h;
    pvb_error err = { 0 };
    if (pvb_host_sim_open(NULL, &h, &err) < 0) {
        printf("Bail out! %s\n", err.msg);
        return 1;
    }
    uint32_t f = 0;
    ok(pvb_host_features(h, &f, &err) == 0, "the sim host reports its features");
    is_u64(f, FEAT(memory_op_vnode_supported) | FEAT(mmu_pt_update_preserve_ad) |
              FEAT(highmem_assist) | FEAT(gnttab_map_avail_bits) | FEAT(dom0) |
              FEAT(direct_mapped), "what Xen 4.17 reports to a 64-bit PV dom0");

    ok(build(h, "!writable_page_tables", &err) == 0, "Linux's \"!writable_page_tables\" builds");
    ok(build(h, "!writable_page_tables|pae_pgdir_above_4gb|frobnicate", &err) == 0,
       "an unknown feature not required is ignored");
    ok(build(h, "!highmem_assist|!gnttab_map_avail_bits", &err) == 0,
       "required features the host reports build");

    static const struct { const char *feat, *want; } bad[] = {
        { "!writable_page_tables|!frobnicate", "FEATURES requires \"frobnicate\", a feature Xen's features.h does not know" },
        { "!dom0", "FEATURES requires \"dom0\" (bit 11), which a PV domain built by pvbuild never has" },
        { "!auto_translated_physmap", "requires \"auto_translated_physmap\" (bit 2), which a PV domain" },
        { "!hvm_callback_vector", "requires \"hvm_callback_vector\" (bit 8)" },
        { "!supervisor_mode_kernel", "requires \"supervisor_mode_kernel\" (bit 3)" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = build(h, bad[i].feat, &err);
        ok(rc == -EOPNOTSUPP && strstr(err.msg, bad[i].want) &&
           strncmp(err.msg, "test-kernel: ", 13) == 0,
           "FEATURES \"%s\" refused: %s", bad[i].feat, err.msg);
    }

    /* The plan alone says the same where it can know it. */
    struct test_kernel k = { .features = "!dom0" };
    pvb_image *img = make_test_kernel(&k);
    struct pvb_config cfg;
    struct pvb_plan plan;
    pvb_config_init(&cfg);
    int rc = test_plan_make(pvb_image_guest(img), &cfg, 0, &plan, &err);
    ok(rc == -EOPNOTSUPP && strstr(err.msg, "\"dom0\""), "the plan refuses \"!dom0\": %s",
       err.msg);
    pvb_image_close(img);

    /* A hypervisor that does not report what the kernel requires. */
    struct proxy_host p;
    proxy_init(&p, h);
    p.ops.features = fewer_features;
    reported = FEAT(memory_op_vnode_supported) | FEAT(dom0);
    rc = build(&p.base, "!writable_page_tables|!highmem_assist", &err);
    ok(rc == -EOPNOTSUPP &&
       strstr(err.msg, "requires \"highmem_assist\" (bit 6), which the hypervisor "
              "does not report (XENVER_get_features: 0x2800)"),
       "a feature the hypervisor does not report is refused: %s", err.msg);
    reported |= FEAT(highmem_assist);
    ok(build(&p.base, "!writable_page_tables|!highmem_assist", &err) == 0,
       "and builds once it is reported");

    /* Every refusal came before a domain was made, or destroyed it. */
    for (uint32_t d = 1; d < 40; d++) {
        struct host_domain_info info;
        if (h->ops->domain_info(h, d, &info, &err) == 0) {
            ok(0, "domain %u is left behind", d);
            break;
        }
    }
    ok(sim_live_views(h) == 0, "no mapping left");
    pvb_host_close(h);
    return done_testing();
}
