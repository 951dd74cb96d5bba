/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One source of truth: for many configs (memory, maxmem, vcpus,
 * max_vcpus, P->M placements, good and bad), the plan and the build on
 * the simulated host accept or refuse alike, and a refusal is the same
 * message from both.  A dry run that passes must not be a build that fails.
 */
#include "common.h"

#include <errno.h>
#include <inttypes.h>

static const uint64_t memories[] = { 0, 48, 128 };
static const uint64_t maxmems[] = { 0, 32, 128, 160 };
static const unsigned vcpus[] = { 0, 1, 3 };
static const unsigned max_vcpus[] = { 0, 2, 4 };
static const struct { enum pvb_p2m_placement mode; uint64_t va; } placements[] = {
    { PVB_P2M_DEFAULT, 0 },
    { PVB_P2M_INSIDE, 0 },
    { PVB_P2M_ADDRESS, UINT64_C(0x18000000000) },
    { PVB_P2M_ADDRESS, UINT64_C(0x18000000001) },     /* not aligned */
    { PVB_P2M_ADDRESS, UINT64_C(0x1000) },            /* slot 0 */
    { PVB_P2M_ADDRESS, UINT64_C(0xffffffff80000000) },/* the kernel's mapping */
    { (enum pvb_p2m_placement)7, 0 },                 /* no such placement */
};
#define N(a) (sizeof (a) / sizeof (a)[0])

int main(void)
{
    pvb_image *img = debian_image_or_exit();
    pvb_host *h;
    pvb_error err = { 0 };
    if (pvb_host_sim_open(NULL, &h, &err) < 0) {
        printf("Bail out! %s\n", err.msg);
        return 1;
    }
    unsigned total = 0, agree = 0, built = 0, refused = 0;
    for (size_t a = 0; a < N(memories); a++)
    for (size_t b = 0; b < N(maxmems); b++)
    for (size_t c = 0; c < N(vcpus); c++)
    for (size_t d = 0; d < N(max_vcpus); d++)
    for (size_t e = 0; e < N(placements); e++) {
        struct pvb_config cfg;
        pvb_config_init(&cfg);
        cfg.memory_mib = memories[a];
        cfg.maxmem_mib = maxmems[b];
        cfg.vcpus = vcpus[c];
        cfg.max_vcpus = max_vcpus[d];
        cfg.p2m = placements[e].mode;
        cfg.p2m_vaddr = placements[e].va;

        pvb_error pe = { 0 }, be = { 0 }, ce = { 0 };
        struct pvb_plan *plan = NULL;
        struct pvb_domain dom;
        int prc = pvb_plan_make(pvb_image_guest(img), &cfg, 0, &plan, &pe);
        int crc = pvb_config_check(&cfg, &ce);
        int brc = pvb_domain_create(h, &cfg, img, NULL, NULL, NULL, &dom, &be);
        bool same = (prc < 0) == (brc < 0) &&
                    (prc == 0 || (prc == brc && strcmp(pe.msg, be.msg) == 0)) &&
                    (crc == 0 || (crc == prc && strcmp(ce.msg, pe.msg) == 0));
        total++;
        if (same)
            agree++;
        else
            diag("memory %" PRIu64 " maxmem %" PRIu64 " vcpus %u max_vcpus %u "
                 "p2m %d/0x%" PRIx64 ": plan %d \"%s\", build %d \"%s\", check %d "
                 "\"%s\"", cfg.memory_mib, cfg.maxmem_mib, cfg.vcpus,
                 cfg.max_vcpus, (int)cfg.p2m, cfg.p2m_vaddr, prc, pe.msg, brc,
                 be.msg, crc, ce.msg);
        if (brc == 0) {
            built++;
            pvb_domain_destroy(h, dom.domid, &err);
        } else {
            refused++;
        }
        pvb_free(plan);
        pvb_config_free(&cfg);
    }
    ok(agree == total, "%u configs: plan, config check and build agree on every "
       "one (%u built, %u refused)", total, built, refused);
    ok(built > 0 && refused > 0, "both kinds were seen");
    pvb_host_close(h);
    pvb_image_close(img);
    return done_testing();
}
