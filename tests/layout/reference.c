/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The layout planner against layouts known from outside this project:
 * the reference build measured inside a guest built by Xen 4.17's
 * libxenguest (pv-boot-abi.md), the 1 TiB figure from the same document,
 * and layouts worked out by hand from libxenguest's rules
 * (tools/libs/guest/xg_dom_core.c, xg_dom_x86.c) where noted.
 */
#include "tap.h"
#include "guests.h"

#include <stdlib.h>

static const uint64_t KB = 0xffffffff80000000;   /* virt_base of Linux */

static void reference_vector(void)
{
    struct pvb_guest g;
    struct pvb_config cfg;
    struct pvb_plan p;
    pvb_error err = { 0 };
    uint64_t pfn;

    guest_debian(&g);
    config_mib(&cfg, 256);
    int rc = make_plan(&g, &cfg, 0x1e4c10, &p, &err);
    is_u64(rc, 0, "reference: plan made (%s)", err.msg);

    is_u64(p.nr_pages, 0x10000, "reference: 256 MiB = 0x10000 pages");
    is_u64(p.nr_segments, 9, "reference: 9 segments (p2m tables separate)");
    static const char *const order[] = {
        "kernel", "start_info", "xenstore", "console", "pagetables",
        "boot_stack", "ramdisk", "p2m", "p2m_pagetables",
    };
    for (unsigned i = 0; i < 9 && i < p.nr_segments; i++)
        is_str(p.segments[i].name, order[i], "reference: segment %u in layout order", i);

    is_u64(seg(&p, PVB_SEG_KERNEL)->vstart, 0xffffffff81000000, "kernel vstart");
    is_u64(seg(&p, PVB_SEG_KERNEL)->pfn, 0x1000, "kernel pfn 0x1000");
    is_u64(seg(&p, PVB_SEG_KERNEL)->pages, 0x3a00, "kernel 0x3a00 pages");
    is_u64(seg(&p, PVB_SEG_START_INFO)->vstart, 0xffffffff84a00000, "start_info vstart");
    is_u64(seg(&p, PVB_SEG_START_INFO)->pfn, 0x4a00, "start_info pfn 0x4a00");
    is_u64(seg(&p, PVB_SEG_XENSTORE)->pfn, 0x4a01, "xenstore pfn 0x4a01");
    is_u64(seg(&p, PVB_SEG_CONSOLE)->pfn, 0x4a02, "console pfn 0x4a02");
    is_u64(p.start_info_pfn, 0x4a00, "start_info_pfn");
    is_u64(p.xenstore_pfn, 0x4a01, "xenstore_pfn");
    is_u64(p.console_pfn, 0x4a02, "console_pfn");
    is_u64(seg(&p, PVB_SEG_PAGETABLES)->vstart, 0xffffffff84a03000, "page tables vstart");
    is_u64(seg(&p, PVB_SEG_PAGETABLES)->pfn, 0x4a03, "page tables pfn 0x4a03");
    is_u64(seg(&p, PVB_SEG_PAGETABLES)->pages, 0x29, "page tables 0x29 pages");
    is_u64(p.initial.level[PVB_PT_L4].count, 1, "1 L4");
    is_u64(p.initial.level[PVB_PT_L3].count, 1, "1 L3");
    is_u64(p.initial.level[PVB_PT_L2].count, 1, "1 L2");
    is_u64(p.initial.level[PVB_PT_L1].count, 38, "38 L1");
    is_u64(seg(&p, PVB_SEG_BOOT_STACK)->pfn, 0x4a2c, "boot stack pfn 0x4a2c");
    is_u64(p.boot_stack_pfn, 0x4a2c, "boot_stack_pfn");
    is_u64(p.virt_pgtab_end, 0xffffffff84c00000, "virt_pgtab_end 0xffffffff84c00000");
    is_u64(seg(&p, PVB_SEG_RAMDISK)->pfn, 0x4c00, "ramdisk pfn 0x4c00");
    is_u64(seg(&p, PVB_SEG_RAMDISK)->pages, 0x1e5, "ramdisk 0x1e5 pages");
    ok(!seg(&p, PVB_SEG_RAMDISK)->mapped && !seg(&p, PVB_SEG_RAMDISK)->vstart,
       "ramdisk unmapped");
    is_u64(seg(&p, PVB_SEG_P2M)->pfn, 0x4de5, "p2m list at pfn 0x4de5");
    is_u64(seg(&p, PVB_SEG_P2M)->pages + seg(&p, PVB_SEG_P2M_PAGETABLES)->pages, 0x83,
           "p2m list + 3 tables = 0x83 pages");
    is_u64(seg(&p, PVB_SEG_P2M_PAGETABLES)->pages, 3, "p2m: 3 tables");
    is_u64(p.total_pfns, 0x4e68, "0x4e68 pfns used");

    /* start_info as the guest saw it. */
    is_u64(p.si.nr_pages, 0x10000, "start_info.nr_pages");
    is_u64(p.si.flags, 0x8, "start_info.flags 0x8 (SIF_MOD_START_PFN)");
    is_u64(p.si.first_p2m_pfn, 0x4de5, "start_info.first_p2m_pfn 0x4de5");
    is_u64(p.si.nr_p2m_frames, 0x83, "start_info.nr_p2m_frames 0x83");
    is_u64(p.si.mfn_list, 0x8000000000, "start_info.mfn_list 0x8000000000");
    is_u64(p.si.pt_base, 0xffffffff84a03000, "start_info.pt_base");
    is_u64(p.si.nr_pt_frames, 0x29, "start_info.nr_pt_frames 0x29");
    is_u64(p.si.mod_start, 0x4c00, "start_info.mod_start = ramdisk pfn");
    is_u64(p.si.mod_len, 0x1e4c10, "start_info.mod_len = ramdisk bytes");
    is_u64(p.vcpu.rsp, 0xffffffff84a2d000, "rsp 0xffffffff84a2d000");
    is_u64(p.vcpu.rsi, 0xffffffff84a00000, "rsi 0xffffffff84a00000");
    is_u64(p.vcpu.rip, g.entry, "rip = entry");
    ok(p.p2m_outside && p.p2m_from_note, "p2m outside, from the INIT_P2M note");
    is_u64(p.nr_warnings, 0, "no warnings");

    /*
     * Which table maps what: libxenguest numbers tables top level first
     * (count_pgtables), the P->M's own after its list, without an L4.
     */
    ok(pvb_plan_table_pfn(&p, PVB_PT_L4, 0x8000000000, &pfn) == 0 && pfn == 0x4a03,
       "one L4 (pfn 0x4a03) for both mappings");
    ok(pvb_plan_table_pfn(&p, PVB_PT_L3, KB, &pfn) == 0 && pfn == 0x4a04,
       "kernel L3 at 0x4a04");
    ok(pvb_plan_table_pfn(&p, PVB_PT_L2, KB, &pfn) == 0 && pfn == 0x4a05,
       "kernel L2 at 0x4a05");
    ok(pvb_plan_table_pfn(&p, PVB_PT_L1, KB, &pfn) == 0 && pfn == 0x4a06,
       "first L1 at 0x4a06 maps virt_base");
    ok(pvb_plan_table_pfn(&p, PVB_PT_L1, 0xffffffff84bff000, &pfn) == 0 &&
       pfn == 0x4a06 + 37, "38th L1 maps the last page before virt_pgtab_end");
    ok(pvb_plan_table_pfn(&p, PVB_PT_L1, 0xffffffff84c00000, &pfn) == -ENOENT,
       "nothing maps virt_pgtab_end");
    ok(pvb_plan_table_pfn(&p, PVB_PT_L3, 0x8000000000, &pfn) == 0 && pfn == 0x4e65,
       "p2m L3 at 0x4e65");
    ok(pvb_plan_table_pfn(&p, PVB_PT_L2, 0x8000000000, &pfn) == 0 && pfn == 0x4e66,
       "p2m L2 at 0x4e66");
    ok(pvb_plan_table_pfn(&p, PVB_PT_L1, 0x800007f000, &pfn) == 0 && pfn == 0x4e67,
       "p2m L1 at 0x4e67");
    is_u64(p.initial.index_first[PVB_PT_L4], 511, "kernel in top-level slot 511");
    is_u64(p.initial.index_first[PVB_PT_L3], 510, "kernel in L3 entry 510");
    is_u64(p.initial.index_last[PVB_PT_L2], 37, "L2 entries up to 37");
    is_u64(p.p2m.index_first[PVB_PT_L4], 1, "p2m in top-level slot 1");
    is_u64(p.p2m.level[PVB_PT_L4].count, 0, "p2m owns no L4");
}

static void one_tib(void)
{
    struct pvb_guest g;
    struct pvb_config cfg;
    struct pvb_plan p;
    pvb_error err = { 0 };

    guest_debian(&g);
    config_mib(&cfg, 1024 * 1024);
    int rc = make_plan(&g, &cfg, 0, &p, &err);
    is_u64(rc, 0, "1 TiB: plan made (%s)", err.msg);
    is_u64(p.p2m_pages, 0x80000, "1 TiB: P->M list is 2 GiB");
    is_u64(p.p2m.level[PVB_PT_L3].count, 1, "1 TiB: 1 L3");
    is_u64(p.p2m.level[PVB_PT_L2].count, 2, "1 TiB: 2 L2");
    is_u64(p.p2m.level[PVB_PT_L1].count, 1024, "1 TiB: 1024 L1");
    is_u64(p.si.nr_p2m_frames, 0x80000 + 1027, "1 TiB: nr_p2m_frames = list + 1027");
    /* Nothing else moves: no ramdisk, so the P->M follows the padding. */
    is_u64(p.si.first_p2m_pfn, 0x4c00, "1 TiB: list right after virt_pgtab_end");
    is_u64(p.virt_pgtab_end, 0xffffffff84c00000, "1 TiB: same initial mapping");

    /* Inside, a 2 GiB list cannot fit above 0xffffffff80000000. */
    cfg.p2m = PVB_P2M_INSIDE;
    rc = make_plan(&g, &cfg, 0, &p, &err);
    is_u64(rc, -ERANGE, "1 TiB inside: no room in the address space");
    ok(strstr(err.msg, "p2m: 0x80000 pages at pfn 0x4a00") != NULL,
       "1 TiB inside: message names the list (%s)", err.msg);
}

/*
 * Hand-worked from libxenguest's order: list inside, after the kernel;
 * then start_info 0x4a80..; tables counted for [virt_base, 0x...84bfffff]
 * (0x4a83 + 129 pages rounded up to 4 MiB): 1 + 1 + 1 + 38.
 */
static void inside(void)
{
    struct pvb_guest g;
    struct pvb_config cfg;
    struct pvb_plan p;
    pvb_error err = { 0 };

    guest_debian(&g);
    config_mib(&cfg, 256);
    cfg.p2m = PVB_P2M_INSIDE;
    int rc = make_plan(&g, &cfg, 0x1e4c10, &p, &err);
    is_u64(rc, 0, "inside: plan made (%s)", err.msg);
    ok(!p.p2m_outside, "inside: not outside");
    is_u64(seg(&p, PVB_SEG_P2M)->pfn, 0x4a00, "inside: list right after kernel");
    ok(seg(&p, PVB_SEG_P2M)->mapped, "inside: list mapped");
    is_u64(p.si.mfn_list, 0xffffffff84a00000, "inside: mfn_list in the kernel mapping");
    is_u64(p.start_info_pfn, 0x4a80, "inside: start_info after the list");
    is_u64(seg(&p, PVB_SEG_PAGETABLES)->pfn, 0x4a83, "inside: tables at 0x4a83");
    is_u64(p.si.nr_pt_frames, 0x29, "inside: 0x29 tables");
    is_u64(p.boot_stack_pfn, 0x4aac, "inside: stack at 0x4aac");
    is_u64(p.virt_pgtab_end, 0xffffffff84c00000, "inside: virt_pgtab_end");
    is_u64(seg(&p, PVB_SEG_RAMDISK)->pfn, 0x4c00, "inside: ramdisk after padding");
    is_u64(p.total_pfns, 0x4de5, "inside: 0x4de5 pfns");
    is_u64(p.si.first_p2m_pfn, 0, "inside: first_p2m_pfn 0");
    is_u64(p.si.nr_p2m_frames, 0, "inside: nr_p2m_frames 0");
    ok(pvb_plan_segment(&p, PVB_SEG_P2M_PAGETABLES) == NULL, "inside: no p2m tables");
    is_u64(p.si.flags, 0x8, "inside: SIF_MOD_START_PFN still set");

    /*
     * A kernel without INIT_P2M and MOD_START_PFN (before Linux 4.0):
     * ramdisk mapped after the kernel (0x1e5 pages), list after it
     * (0x4be5), start_info 0x4c65; tables for the end 0x4c68 + 129 pages
     * rounded up: 0x...84ffffff, so 40 L1s; stack at 0x4c68 + 43.
     */
    guest_old_linux(&g);
    cfg.p2m = PVB_P2M_DEFAULT;
    rc = make_plan(&g, &cfg, 0x1e4c10, &p, &err);
    is_u64(rc, 0, "old kernel: plan made (%s)", err.msg);
    ok(!p.p2m_outside, "old kernel: list inside");
    is_u64(seg(&p, PVB_SEG_RAMDISK)->pfn, 0x4a00, "old kernel: ramdisk after the kernel");
    ok(seg(&p, PVB_SEG_RAMDISK)->mapped, "old kernel: ramdisk mapped");
    is_u64(p.si.mod_start, 0xffffffff84a00000, "old kernel: mod_start is virtual");
    is_u64(p.si.mod_len, 0x1e4c10, "old kernel: mod_len in bytes");
    is_u64(p.si.flags, 0, "old kernel: flags 0");
    is_u64(seg(&p, PVB_SEG_P2M)->pfn, 0x4be5, "old kernel: list after the ramdisk");
    is_u64(p.si.mfn_list, 0xffffffff84be5000, "old kernel: mfn_list");
    is_u64(p.start_info_pfn, 0x4c65, "old kernel: start_info 0x4c65");
    is_u64(p.initial.level[PVB_PT_L1].count, 40, "old kernel: 40 L1");
    is_u64(p.si.nr_pt_frames, 43, "old kernel: 43 tables");
    is_u64(p.boot_stack_pfn, 0x4c93, "old kernel: stack 0x4c93");
    is_u64(p.virt_pgtab_end, 0xffffffff85000000, "old kernel: virt_pgtab_end");
    is_u64(p.total_pfns, 0x5000, "old kernel: nothing after the padding");

    /* Asking for an address on this kernel is refused, not ignored. */
    cfg.p2m = PVB_P2M_ADDRESS;
    cfg.p2m_vaddr = 0x8000000000;
    rc = make_plan(&g, &cfg, 0, &p, &err);
    is_u64(rc, -EINVAL, "old kernel + address: refused");
    ok(strstr(err.msg, "no INIT_P2M note") != NULL, "old kernel + address: says why (%s)",
       err.msg);
}

/*
 * The fixed point at its edges, worked by hand from alloc_pgtables_pv():
 * pages = 1 stack + 128 padding; end = (alloc_end + pages) | (4 MiB - 1);
 * count tables for [virt_base, end]; stop once alloc_end + tables + 129
 * fits below end + 1.
 */
static void fixed_point(void)
{
    struct pvb_guest g;
    struct pvb_config cfg;
    struct pvb_plan p;
    pvb_error err = { 0 };

    /*
     * Kernel 0x3f51 pages from pfn 0x1000: elements end at 0x4f54;
     * 0x4f54 + 129 = 0x4fd5 -> end 0x...84ffffff (pfn 0x5000): 40 L1s + 3;
     * 0x4f54 + 43 + 129 = 0x5000 fits exactly: 128 pages of padding.
     */
    guest_debian(&g);
    g.virt_kend = g.virt_kstart + (UINT64_C(0x3f51) << 12);
    config_mib(&cfg, 256);
    int rc = make_plan(&g, &cfg, 0, &p, &err);
    is_u64(rc, 0, "exact fit: plan made (%s)", err.msg);
    is_u64(p.virt_alloc_end, 0xffffffff84f54000, "exact fit: alloc end");
    is_u64(p.virt_pgtab_end, 0xffffffff85000000, "exact fit: virt_pgtab_end");
    is_u64(p.si.nr_pt_frames, 43, "exact fit: 43 tables");
    is_u64(p.boot_stack_pfn, 0x4f7f, "exact fit: stack 0x4f7f");
    is_u64(p.virt_pgtab_end - seg(&p, PVB_SEG_BOOT_STACK)->vend, 512 * 1024,
           "exact fit: exactly 512 KiB after the stack");

    /*
     * One page more: 0x4f55 + 43 + 129 = 0x5001 does not fit; round 2:
     * 0x5001 -> 0x...853fffff, 42 L1s + 3 = 45 tables.
     */
    g.virt_kend += 4096;
    rc = make_plan(&g, &cfg, 0, &p, &err);
    is_u64(rc, 0, "one page more: plan made (%s)", err.msg);
    is_u64(p.virt_pgtab_end, 0xffffffff85400000, "one page more: 4 MiB more");
    is_u64(p.si.nr_pt_frames, 45, "one page more: 45 tables");

    /*
     * Kernel at virt_base itself, 0x3f70 pages: elements end at 0x3f73.
     * Round 1: 0x3ff4 -> 0x...83ffffff (pfn 0x4000), 32 L1s + 3 = 35;
     * 0x3f73 + 35 + 129 = 0x4017 > 0x4000.  Round 2: 0x...843fffff
     * (pfn 0x4400), 34 L1s + 3 = 37; 0x4019 fits.
     */
    guest_small(&g, 0xffffffff80000000, 0x3f70);
    rc = make_plan(&g, &cfg, 0, &p, &err);
    is_u64(rc, 0, "second round: plan made (%s)", err.msg);
    is_u64(p.virt_pgtab_end, 0xffffffff84400000, "second round: end");
    is_u64(p.si.nr_pt_frames, 37, "second round: 37 tables");
    is_u64(p.boot_stack_pfn, 0x3f73 + 37, "second round: stack after the tables");
}

/* Images and memory that do not go together. */
static void too_big(void)
{
    struct pvb_guest g;
    struct pvb_config cfg;
    struct pvb_plan p;
    pvb_error err = { 0 };
    int rc;

    guest_debian(&g);
    config_mib(&cfg, 16);
    rc = make_plan(&g, &cfg, 0, &p, &err);
    is_u64(rc, -ENOSPC, "16 MiB for a 58 MiB kernel: -ENOSPC");
    ok(strstr(err.msg, "kernel image 0xffffffff81000000-0xffffffff84a00000") &&
       strstr(err.msg, "needs 0x4c00 pages") &&
       strstr(err.msg, "but memory is 0x1000 pages (16 MiB)"),
       "16 MiB: message names kernel, need and memory (%s)", err.msg);
    ok(!strchr(err.msg, '\n'), "16 MiB: one line");

    /* Room for the mapping (0x4c00 pages = 76 MiB), not for the ramdisk. */
    config_mib(&cfg, 80);
    rc = make_plan(&g, &cfg, 8 << 20, &p, &err);
    is_u64(rc, -ENOSPC, "80 MiB + 8 MiB ramdisk: -ENOSPC");
    ok(strstr(err.msg, "needs 0x5400 pages") && strstr(err.msg, "ramdisk") &&
       strstr(err.msg, "(80 MiB)"), "80 MiB: ramdisk named (%s)", err.msg);

    /* Everything fits but the P->M list and its tables: 76 MiB exactly. */
    config_mib(&cfg, 76);
    rc = make_plan(&g, &cfg, 0, &p, &err);
    is_u64(rc, -ENOSPC, "76 MiB: P->M does not fit");
    ok(strstr(err.msg, "INIT_P2M note 0x8000000000") &&
       strstr(err.msg, "need 0x29 pages from pfn 0x4c00"),
       "76 MiB: P->M list + 3 tables named (%s)", err.msg);

    /* 76 MiB inside: the list (0x26 pages) goes into the mapping, which then fits. */
    cfg.p2m = PVB_P2M_INSIDE;
    rc = make_plan(&g, &cfg, 0, &p, &err);
    is_u64(rc, 0, "76 MiB inside: fits (%s)", err.msg);
    is_u64(p.total_pfns, 0x4c00, "76 MiB inside: all 0x4c00 pages");

    /*
     * Exact fits, from the reference: 0x4c00 pages up to virt_pgtab_end,
     * then the ramdisk, then the list + 3 tables (0x83 pages).
     */
    config_mib(&cfg, 256);
    rc = make_plan(&g, &cfg, UINT64_C(0xb37d) << 12, &p, &err);
    is_u64(rc, 0, "ramdisk of 0xb37d pages: fits exactly (%s)", err.msg);
    is_u64(p.total_pfns, 0x10000, "ramdisk of 0xb37d pages: every pfn used");
    rc = make_plan(&g, &cfg, (UINT64_C(0xb37d) << 12) + 1, &p, &err);
    is_u64(rc, -ENOSPC, "one byte more: the P->M no longer fits");
    ok(strstr(err.msg, "need 0x83 pages from pfn 0xff7e (to 0x10001)") != NULL,
       "one byte more: message (%s)", err.msg);
    cfg.p2m = PVB_P2M_INSIDE;
    rc = make_plan(&g, &cfg, UINT64_C(0xb400) << 12, &p, &err);
    is_u64(rc, 0, "inside, ramdisk of 0xb400 pages: fits exactly (%s)", err.msg);
    rc = make_plan(&g, &cfg, UINT64_C(0xb401) << 12, &p, &err);
    is_u64(rc, -ENOSPC, "inside, one page more: too big");
    ok(strstr(err.msg, "with its P->M list and boot structures needs 0x10001 pages") &&
       strstr(err.msg, "then the ramdisk"), "inside, one page more: message (%s)",
       err.msg);
    cfg.p2m = PVB_P2M_DEFAULT;

    /* A mapped ramdisk and an inside list are named too. */
    guest_old_linux(&g);
    config_mib(&cfg, 64);
    rc = make_plan(&g, &cfg, 0x1e4c10, &p, &err);
    is_u64(rc, -ENOSPC, "old kernel, 64 MiB: too big");
    ok(strstr(err.msg, "with its ramdisk, P->M list and boot structures needs 0x5000 pages") &&
       strstr(err.msg, "(64 MiB)"), "old kernel, 64 MiB: message (%s)", err.msg);
    guest_debian(&g);

    /* Absurd memory. */
    config_mib(&cfg, (UINT64_C(1) << 28) + 1);
    rc = make_plan(&g, &cfg, 0, &p, &err);
    is_u64(rc, -EINVAL, "256 TiB + 1 MiB: refused");

    /* A ramdisk that cannot be mapped. */
    guest_old_linux(&g);
    config_mib(&cfg, 4096);
    rc = make_plan(&g, &cfg, UINT64_C(3) << 30, &p, &err);
    is_u64(rc, -ERANGE, "3 GiB mapped ramdisk above 0xffffffff80000000: -ERANGE");
    ok(strstr(err.msg, "ramdisk: 0xc0000 pages at pfn 0x4a00") != NULL,
       "mapped ramdisk: message (%s)", err.msg);
}

/* Bad guest descriptions. */
static void bad_guests(void)
{
    struct pvb_guest g;
    struct pvb_config cfg;
    struct pvb_plan p;
    pvb_error err = { 0 };

    config_mib(&cfg, 256);
    guest_debian(&g);
    g.virt_kstart += 0x800;
    is_u64(make_plan(&g, &cfg, 0, &p, &err), -EINVAL, "unaligned virt_kstart");
    ok(strstr(err.msg, "virt_kstart 0xffffffff81000800 is not page aligned") != NULL,
       "unaligned virt_kstart: message (%s)", err.msg);
    guest_debian(&g);
    g.virt_kstart = g.virt_base - 4096;
    is_u64(make_plan(&g, &cfg, 0, &p, &err), -EINVAL, "virt_kstart below virt_base");
    guest_debian(&g);
    g.virt_kend = g.virt_kstart;
    is_u64(make_plan(&g, &cfg, 0, &p, &err), -EINVAL, "empty kernel");
    guest_debian(&g);
    g.virt_base = 0xffff000000000000;
    g.virt_kstart = g.virt_base;
    is_u64(make_plan(&g, &cfg, 0, &p, &err), -EINVAL, "non-canonical virt_base");
    guest_debian(&g);
    g.virt_base = 0xffff800000000000;
    g.virt_kstart = g.virt_base;
    is_u64(make_plan(&g, &cfg, 0, &p, &err), -EINVAL, "virt_base in Xen's range");
    ok(strstr(err.msg, "hypervisor") != NULL, "virt_base in Xen's range: message (%s)",
       err.msg);
    guest_debian(&g);
    g.elf_class = 0;
    is_u64(make_plan(&g, &cfg, 0, &p, &err), -EINVAL, "ELF class 0");
    guest_debian(&g);
    g.notes_seen |= NOTE(XEN_ELFNOTE_HYPERCALL_PAGE);
    g.hypercall_page = g.virt_kend;
    is_u64(make_plan(&g, &cfg, 0, &p, &err), -EINVAL, "hypercall page past the kernel");
    g.hypercall_page = g.virt_kstart + 0x2000;
    is_u64(make_plan(&g, &cfg, 0, &p, &err), 0, "hypercall page in the kernel");
    ok(p.has_hypercall_page && p.hypercall_pfn == 0x1002, "hypercall pfn 0x1002");

    /* The top of the address space stays out of reach. */
    guest_small(&g, 0xffffffffff000000, 0xc00);
    is_u64(make_plan(&g, &cfg, 0, &p, &err), -ERANGE,
           "initial mapping reaching 2^64: -ERANGE");
}

/* 32-bit PAE guests: the list goes inside, tables have three levels. */
static void pae(void)
{
    struct pvb_guest g;
    struct pvb_config cfg;
    struct pvb_plan p;
    pvb_error err = { 0 };
    uint64_t pfn;

    guest_pae(&g);
    config_mib(&cfg, 256);
    int rc = make_plan(&g, &cfg, 0, &p, &err);
    is_u64(rc, 0, "PAE: plan made (%s)", err.msg);
    is_u64(p.levels, 3, "PAE: 3 levels");
    ok(!p.p2m_outside, "PAE: INIT_P2M ignored, list inside");
    is_u64(p.nr_warnings, 1, "PAE: one warning");
    ok(strstr(p.warnings[0], "INIT_P2M note 0x8000000000 ignored") != NULL,
       "PAE: warning says the note is ignored (%s)", p.warnings[0]);
    /* 0x10000 entries of 4 bytes: 0x40 pages after 0x1000 + 0x800. */
    is_u64(p.p2m_pages, 0x40, "PAE: 4-byte entries, 0x40 pages");
    is_u64(seg(&p, PVB_SEG_P2M)->pfn, 0x1800, "PAE: list after the kernel");
    /* 0x1843 + 129 -> 0xc1bfffff: 1 L3, 1 L2 (0xc0000000 slot 3), 14 L1. */
    is_u64(p.virt_pgtab_end, 0xc1c00000, "PAE: virt_pgtab_end");
    is_u64(p.initial.level[PVB_PT_L3].count, 1, "PAE: one top-level table");
    is_u64(p.initial.level[PVB_PT_L2].count, 1, "PAE: one L2");
    is_u64(p.initial.level[PVB_PT_L1].count, 14, "PAE: 14 L1");
    is_u64(p.initial.index_first[PVB_PT_L3], 3, "PAE: top-level entry 3");
    ok(pvb_plan_table_pfn(&p, PVB_PT_L4, 0xc0000000, &pfn) == -ENOENT,
       "PAE: there is no L4");

    /* libxenguest's quirk: a mapping below 3 GiB still gets slot 3's L2. */
    g.virt_base = 0x80000000;
    g.virt_kstart = 0x80000000;
    g.virt_kend = 0x80800000;
    rc = make_plan(&g, &cfg, 0, &p, &err);
    is_u64(rc, 0, "PAE low: plan made (%s)", err.msg);
    is_u64(p.initial.level[PVB_PT_L2].count, 2, "PAE low: L2s for slots 2 and 3");

    guest_pae(&g);
    cfg.p2m = PVB_P2M_ADDRESS;
    cfg.p2m_vaddr = 0x40000000;
    is_u64(make_plan(&g, &cfg, 0, &p, &err), -EINVAL, "PAE + address: refused");
    ok(strstr(err.msg, "32-bit guest") != NULL, "PAE + address: says why (%s)", err.msg);
}

int main(void)
{
    reference_vector();
    one_tib();
    inside();
    fixed_point();
    too_big();
    bad_guests();
    pae();
    return done_testing();
}
