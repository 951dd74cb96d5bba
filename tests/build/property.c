/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Many builds on the simulated host, each checked by the independent
 * verifier: memory from 16 MiB to 64 GiB, ramdisks of several sizes, the
 * P->M list inside, at the kernel's INIT_P2M address and at addresses the
 * caller chooses, 1 to 4 vCPUs, kernels with and without INIT_P2M,
 * MOD_START_PFN and a hypercall page.
 */
#include "common.h"
#include "plan_copy.h"

#include <errno.h>

static int build_and_verify(pvb_host *h, pvb_image *img, pvb_ramdisk *rd,
                            struct pvb_config *cfg, const char *what)
{
    struct pvb_plan plan;
    struct pvb_domain dom;
    struct pvb_verify_report rep;
    pvb_error err = { 0 };

    if (test_domain_create(h, cfg, img, rd, &plan, NULL, &dom, &err) < 0) {
        ok(0, "%s: build: %s", what, err.msg);
        return -1;
    }
    int rc = test_verify(h, dom.domid, pvb_image_guest(img), &rep, &err);
    bool placed = true;
    if (cfg->p2m == PVB_P2M_ADDRESS)
        placed = plan.p2m_outside && plan.si.mfn_list == cfg->p2m_vaddr;
    else if (cfg->p2m == PVB_P2M_INSIDE)
        placed = !plan.p2m_outside && plan.si.first_p2m_pfn == 0;
    ok(rc == 0 && rep.ok && placed, "%s: verified (%u checks), P->M %s at 0x%llx",
       what, rep.nr_checks, plan.p2m_outside ? "outside" : "inside",
       (unsigned long long)plan.si.mfn_list);
    if (rc < 0)
        diag("verify: %s", err.msg);
    for (unsigned i = 0; rc == 0 && i < rep.nr_checks; i++)
        if (!rep.checks[i].ok)
            diag("%s: %s", rep.checks[i].name, rep.checks[i].detail);
    pvb_domain_destroy(h, dom.domid, &err);
    return 0;
}

int main(void)
{
    pvb_host *h;
    pvb_error err;
    if (pvb_host_sim_open(NULL, &h, &err) < 0) {
        printf("Bail out! %s\n", err.msg);
        return 1;
    }
    struct test_kernel with_note = { .init_p2m = true,
                                     .init_p2m_addr = UINT64_C(0x8000000000),
                                     .mod_start_pfn = true };
    struct test_kernel plain = { .hypercall_page = true };
    struct test_kernel big = { .init_p2m = true, .init_p2m_addr = UINT64_C(0x8000000000),
                               .mod_start_pfn = true, .text_bytes = 0x200000,
                               .bss_bytes = 0x1000000 };
    pvb_image *kernels[3] = { make_test_kernel(&with_note), make_test_kernel(&plain),
                              make_test_kernel(&big) };
    const char *kname[3] = { "INIT_P2M kernel", "kernel without notes for P->M",
                             "large INIT_P2M kernel" };
    static const uint64_t memory[] = { 16, 33, 100, 256, 1024, 4096, 65536 };
    static const uint64_t ramdisks[] = { 0, 5000, 3 << 20 };
    static const struct { enum pvb_p2m_placement p; uint64_t va; } placements[] = {
        { PVB_P2M_DEFAULT, 0 },
        { PVB_P2M_INSIDE, 0 },
        { PVB_P2M_ADDRESS, UINT64_C(0x18000000000) },     /* top-level slot 3 */
        { PVB_P2M_ADDRESS, UINT64_C(0x7f8000000000) },    /* slot 255 */
        { PVB_P2M_ADDRESS, UINT64_C(0x123456789000) },    /* mid-slot */
    };

    for (unsigned k = 0; k < 3; k++) {
        if (!ok(kernels[k] != NULL, "%s made", kname[k]))
            continue;
        for (size_t m = 0; m < sizeof memory / sizeof memory[0]; m++) {
            for (size_t r = 0; r < sizeof ramdisks / sizeof ramdisks[0]; r++) {
                /* The biggest guests once per kernel keep the run short. */
                if (memory[m] >= 4096 && r != 0)
                    continue;
                pvb_ramdisk *rd = ramdisks[r] ? make_ramdisk(ramdisks[r]) : NULL;
                for (size_t p = 0; p < sizeof placements / sizeof placements[0]; p++) {
                    bool has_note = k != 1;
                    if (placements[p].p == PVB_P2M_ADDRESS && !has_note)
                        continue;   /* refused: tested in tests/layout */
                    if (memory[m] == 65536 && p > 2)
                        continue;
                    struct pvb_config cfg;
                    char what[160];
                    pvb_config_init(&cfg);
                    cfg.memory_mib = memory[m];
                    cfg.vcpus = 1 + (unsigned)((m + p) % 4);
                    cfg.p2m = placements[p].p;
                    cfg.p2m_vaddr = placements[p].va;
                    pvb_config_set_string(&cfg.cmdline, "console=hvc0", &err);
                    snprintf(what, sizeof what, "%s, %llu MiB, ramdisk %llu, %u vCPUs, "
                             "placement %d", kname[k], (unsigned long long)memory[m],
                             (unsigned long long)ramdisks[r], cfg.vcpus, (int)cfg.p2m);
                    /* Where the planner finds memory too small, the build
                     * must fail cleanly too; that happens only for small guests. */
                    struct pvb_plan plan;
                    int prc = test_plan_make(pvb_image_guest(kernels[k]), &cfg,
                                            rd ? pvb_ramdisk_size(rd) : 0, &plan, &err);
                    if (prc == -ENOSPC) {
                        struct pvb_domain dom;
                        int rc = test_domain_create(h, &cfg, kernels[k], rd, &plan, NULL, &dom, &err);
                        ok(rc < 0 && memory[m] <= 64, "%s: refused: %s", what, err.msg);
                    } else {
                        build_and_verify(h, kernels[k], rd, &cfg, what);
                    }
                    pvb_config_free(&cfg);
                }
                pvb_ramdisk_close(rd);
            }
        }
    }
    for (unsigned k = 0; k < 3; k++)
        pvb_image_close(kernels[k]);
    pvb_host_close(h);
    return done_testing();
}
