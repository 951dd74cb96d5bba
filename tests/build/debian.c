/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Debian's own kernel built on the simulated host: the layout must be the
 * one Xen's libxenguest produced for the same kernel, memory and ramdisk
 * (pv-boot-abi.md's reference build), the guest's state must read back as
 * the ABI says, and the verifier must pass it.
 */
#include "common.h"
#include "plan_copy.h"

int main(void)
{
    const char *kernel = debian_kernel();
    if (!kernel) {
        printf("1..0 # SKIP no Debian kernel (install linux-image-amd64)\n");
        return 0;
    }
    pvb_image *img;
    pvb_host *h;
    pvb_error err = { 0 };
    if (!ok(pvb_image_open_file(kernel, NULL, &img, &err) == 0, "open %s", kernel)) {
        diag("%s", err.msg);
        return done_testing();
    }
    pvb_ramdisk *rd = make_ramdisk(0x1e4c10);
    ok(rd != NULL, "a ramdisk of 0x1e4c10 bytes");
    ok(pvb_host_sim_open(NULL, &h, &err) == 0, "sim host");

    struct pvb_config cfg;
    pvb_config_init(&cfg);
    cfg.memory_mib = 256;
    pvb_config_set_string(&cfg.cmdline, "console=hvc0 loglevel=8 ignore_loglevel", &err);
    struct pvb_plan plan;
    struct pvb_domain dom;
    int rc = test_domain_create(h, &cfg, img, rd, &plan, NULL, &dom, &err);
    if (!ok(rc == 0, "build Debian's kernel, 256 MiB, on sim"))
        diag("%s", err.msg);
    if (rc == 0) {
        /* The reference build's table (xl create on Xen 4.17). */
        const struct pvb_plan_segment *s;
        s = pvb_plan_segment(&plan, PVB_SEG_KERNEL);
        is_u64(s->pfn, 0x1000, "kernel pfn");
        is_u64(s->pages, 0x3a00, "kernel pages");
        is_u64(s->vstart, 0xffffffff81000000, "kernel virtual start");
        is_u64(plan.start_info_pfn, 0x4a00, "start_info pfn");
        is_u64(plan.xenstore_pfn, 0x4a01, "xenstore pfn");
        is_u64(plan.console_pfn, 0x4a02, "console pfn");
        s = pvb_plan_segment(&plan, PVB_SEG_PAGETABLES);
        is_u64(s->pfn, 0x4a03, "page tables pfn");
        is_u64(s->pages, 0x29, "page tables: 0x29 (1 L4, 1 L3, 1 L2, 38 L1)");
        is_u64(plan.boot_stack_pfn, 0x4a2c, "boot stack pfn");
        is_u64(plan.virt_pgtab_end, 0xffffffff84c00000, "virt_pgtab_end");
        s = pvb_plan_segment(&plan, PVB_SEG_RAMDISK);
        is_u64(s->pfn, 0x4c00, "ramdisk pfn (unmapped)");
        is_u64(s->pages, 0x1e5, "ramdisk pages");
        is_u64(plan.si.first_p2m_pfn, 0x4de5, "first_p2m_pfn");
        is_u64(plan.si.nr_p2m_frames, 0x83, "nr_p2m_frames");
        is_u64(plan.si.mfn_list, 0x8000000000, "mfn_list at INIT_P2M");

        /* What the guest will see before it first runs. */
        vcpu_guest_context_x86_64_t ctx;
        ok(h->ops->get_vcpu_context(h, dom.domid, 0, &ctx, &err) == 0, "vCPU 0 context");
        is_u64(ctx.user_regs.rsp, 0xffffffff84a2d000, "rsp");
        is_u64(ctx.user_regs.rsi, 0xffffffff84a00000, "rsi = start_info");
        is_u64(ctx.user_regs.rip, pvb_image_guest(img)->entry, "rip = ENTRY note");
        is_u64(ctx.ctrlreg[3] >> 12, dom.build.l4_mfn, "cr3 = the pinned L4");
        ok(sim_frame_table_level(h, dom.build.l4_mfn) == 4, "the L4 is pinned");

        /* start_info, read through the guest's own tables. */
        uint64_t si_mfn = guest_p2m_entry(h, &plan, &dom, 0x4a00);
        ok(si_mfn != ~UINT64_C(0) && sim_frame_owner(h, si_mfn) == dom.domid,
           "p2m[0x4a00] is a frame of the domain");
        char magic[16] = { 0 };
        xen_pfn_t m = si_mfn;
        unsigned char *p = h->ops->map(h, dom.domid, HOST_MAP_READ, 1, &m, &err);
        if (ok(p != NULL, "map start_info by p2m[0x4a00]")) {
            const start_info_x86_64_t *si = (const void *)p;
            memcpy(magic, si->magic, 14);
            is_str(magic, "xen-3.0-x86_64", "start_info magic");
            is_u64(si->flags, 0x8, "flags = SIF_MOD_START_PFN");
            is_u64(si->first_p2m_pfn, 0x4de5, "start_info.first_p2m_pfn");
            is_u64(si->nr_p2m_frames, 0x83, "start_info.nr_p2m_frames");
            is_u64(si->nr_pages, 0x10000, "start_info.nr_pages");
            is_u64(si->mod_start, 0x4c00, "mod_start is the ramdisk's pfn");
            is_u64(si->mod_len, 0x1e4c10, "mod_len");
            is_u64(si->pt_base, 0xffffffff84a03000, "pt_base");
            is_u64(si->nr_pt_frames, 0x29, "nr_pt_frames");
            is_str((const char *)si->cmd_line, "console=hvc0 loglevel=8 ignore_loglevel",
                   "cmd_line");
            is_u64(si->store_mfn, dom.build.store_mfn, "store_mfn");
            h->ops->unmap(h, p, 1);
        }
        ok(guest_p2m_entry(h, &plan, &dom, 0xffff) != ~UINT64_C(0),
           "the last pfn has a frame in the list");

        struct pvb_verify_report rep;
        ok(test_verify(h, dom.domid, pvb_image_guest(img), &rep, &err) == 0 && rep.ok,
           "the verifier passes the build");
        for (unsigned i = 0; i < rep.nr_checks; i++)
            if (!rep.checks[i].ok)
                diag("%s: %s", rep.checks[i].name, rep.checks[i].detail);
        ok(sim_live_views(h) == 0, "no mapping left behind");
        ok(pvb_domain_destroy(h, dom.domid, &err) == 0, "destroy");
    }

    /* Too little memory: a clear error, no domain, no frame kept. */
    cfg.memory_mib = 64;
    rc = test_domain_create(h, &cfg, img, rd, &plan, NULL, &dom, &err);
    ok(rc < 0, "64 MiB is too small for the kernel + ramdisk: %s", err.msg);
    ok(strstr(err.msg, "MiB") != NULL, "the error names the memory size");

    pvb_config_free(&cfg);
    pvb_ramdisk_close(rd);
    pvb_host_close(h);
    pvb_image_close(img);
    return done_testing();
}
