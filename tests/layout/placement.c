/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the P->M list may go: every refused address gives its own
 * one-line error naming the address and the reason; accepted ones share
 * the upper page-table levels with the initial mapping where they can.
 */
#include "tap.h"
#include "guests.h"

/* Debian's kernel, 256 MiB: a 0x80-page (512 KiB) list. */
static int try_at(struct pvb_guest *g, uint64_t vaddr, struct pvb_plan *p,
                  pvb_error *err)
{
    struct pvb_config cfg;

    config_mib(&cfg, 256);
    cfg.p2m = PVB_P2M_ADDRESS;
    cfg.p2m_vaddr = vaddr;
    memset(err, 0, sizeof *err);
    return make_plan(g, &cfg, 0, p, err);
}

static void refused(struct pvb_guest *g, uint64_t vaddr, const char *why,
                    const char *what)
{
    struct pvb_plan p;
    pvb_error err;
    char addr[40];

    int rc = try_at(g, vaddr, &p, &err);
    snprintf(addr, sizeof addr, "p2m address 0x%" PRIx64 ":", vaddr);
    if (!ok(rc == -EINVAL && err.code == -EINVAL && strstr(err.msg, why) &&
            strstr(err.msg, addr) && !strchr(err.msg, '\n'),
            "refused: %s", what))
        diag("rc %d: %s", rc, err.msg);
}

static void accepted(struct pvb_guest *g, uint64_t vaddr, const char *what,
                     struct pvb_plan *p)
{
    pvb_error err;
    int rc = try_at(g, vaddr, p, &err);
    if (!ok(rc == 0 && p->p2m_outside && p->si.mfn_list == vaddr &&
            !p->p2m_from_note, "accepted: %s", what))
        diag("rc %d: %s", rc, err.msg);
}

static void bad_addresses(void)
{
    struct pvb_guest lnx, other;

    guest_debian(&lnx);
    guest_small(&other, 0xffffffff80000000, 0x1000);

    refused(&lnx, 0x8000000800, "not page aligned", "unaligned");
    refused(&lnx, 0x0000800000000000, "not a canonical x86_64 address",
            "just past the lower half");
    refused(&lnx, 0x8000000000000000, "not a canonical", "bit 63 alone");
    refused(&lnx, 0x7ffffff000, "crosses a 512 GiB top-level slot boundary (slots 0 and 1)",
            "list straddling slots 0 and 1");
    refused(&other, 0x00007ffffffff000, "crosses a 512 GiB top-level slot boundary (slots 255 and 256)",
            "list running off the lower half");
    refused(&other, 0xfffffffffffff000, "runs past the top of the address space",
            "list wrapping past 2^64");
    refused(&lnx, 0xffff800000000000, "overlaps the hypervisor's range "
            "0xffff800000000000-0xffff880000000000", "start of Xen's range");
    refused(&other, 0xffff878000000000, "overlaps the hypervisor's range",
            "last slot of Xen's range, non-Linux too");
    refused(&lnx, 0xffffffff84b00000, "overlaps the initial mapping "
            "0xffffffff80000000-0xffffffff84c00000", "inside the kernel's mapping");
    refused(&other, 0xffffffff7ff81000, "overlaps the initial mapping",
            "list whose last page is virt_base");
    refused(&other, 0xffffffff80000000 + (0x13ffUL << 12), "overlaps the initial mapping",
            "list whose first page is the last mapped one");
    refused(&lnx, 0x1000000, "top-level slot 0; a Linux guest maps the list only "
            "from slots 1..510", "Linux, slot 0");
    refused(&lnx, 0xffffffffc0000000, "top-level slot 511", "Linux, above the kernel");
    refused(&lnx, 0xffffffff7ff80000, "top-level slot 511", "Linux, below the kernel in its slot");

    /* The kernel's own INIT_P2M note is checked the same way, and named. */
    struct pvb_config cfg;
    struct pvb_plan p;
    pvb_error err = { 0 };
    config_mib(&cfg, 256);
    lnx.init_p2m = 0x8000000800;
    int rc = make_plan(&lnx, &cfg, 0, &p, &err);
    ok(rc == -EINVAL && strstr(err.msg, "INIT_P2M note 0x8000000800: not page aligned"),
       "a bad INIT_P2M note is an error, not dropped (%s)", err.msg);
    lnx.init_p2m = 0;
    rc = make_plan(&lnx, &cfg, 0, &p, &err);
    ok(rc == -EINVAL && strstr(err.msg, "INIT_P2M note 0x0: top-level slot 0"),
       "INIT_P2M 0 for Linux is an error (%s)", err.msg);
    /* The user's address overrides the note. */
    accepted(&lnx, 0x18000000000, "config address over a bad note", &p);
    /* Slot 2 is where Linux relocates its list: refused for Linux only. */
    cfg.p2m = PVB_P2M_ADDRESS;
    cfg.p2m_vaddr = 0x10000000000;
    lnx.init_p2m = 0x8000000000;
    rc = make_plan(&lnx, &cfg, 0, &p, &err);
    ok(rc == -EINVAL && strstr(err.msg, "top-level slot 2 is where Linux moves its P->M list"),
       "Linux: slot 2 refused (%s)", err.msg);
    cfg.p2m = PVB_P2M_DEFAULT;
    /* PVB_P2M_INSIDE ignores a bad note entirely. */
    cfg.p2m = PVB_P2M_INSIDE;
    rc = make_plan(&lnx, &cfg, 0, &p, &err);
    ok(rc == 0 && !p.p2m_outside, "inside placement ignores the note");
}

/* Addresses that work, and how their tables are shared. */
static void good_addresses(void)
{
    struct pvb_guest lnx, other;
    struct pvb_plan p;
    uint64_t pfn, pfn2;

    guest_debian(&lnx);
    guest_small(&other, 0xffffffff80000000, 0x1000);

    accepted(&lnx, 0x9000000000, "Linux, slot 1 not at its start", &p);
    accepted(&lnx, 0x7f8000000000, "Linux, slot 255", &p);
    is_u64(p.nr_warnings, 0, "slot 255: no warning");
    accepted(&lnx, 0x7ffffff80000, "Linux, last 512 KiB of the user half", &p);
    accepted(&lnx, 0xffff880000000000, "Linux, right after Xen's range", &p);
    ok(p.nr_warnings == 1 && strstr(p.warnings[0], "kernel-half address (top-level slot 272)"),
       "kernel half for Linux: warned (%s)", p.warnings[0]);
    accepted(&other, 0x0, "non-Linux, address 0", &p);
    is_u64(p.p2m.index_first[PVB_PT_L4], 0, "address 0: slot 0");
    accepted(&other, 0x7ffffff80000, "non-Linux, end of the lower half", &p);

    /* Below virt_base in its slot: the L3 is shared, L2 and L1 are not. */
    accepted(&other, 0xffffffff7ff80000, "non-Linux, just below virt_base", &p);
    is_u64(p.p2m.level[PVB_PT_L3].count, 0, "below virt_base: L3 shared");
    is_u64(p.p2m.level[PVB_PT_L2].count, 1, "below virt_base: own L2 (another GiB)");
    is_u64(p.p2m.level[PVB_PT_L1].count, 1, "below virt_base: own L1");
    is_u64(p.si.nr_p2m_frames, 0x82, "below virt_base: list + 1 L2 + 1 L1");
    ok(pvb_plan_table_pfn(&p, PVB_PT_L3, 0xffffffff7ff80000, &pfn) == 0 &&
       pvb_plan_table_pfn(&p, PVB_PT_L3, 0xffffffff80000000, &pfn2) == 0 && pfn == pfn2 &&
       pfn == p.initial.level[PVB_PT_L3].pfn, "below virt_base: one L3 for both");

    /* Right after virt_pgtab_end: L3 and L2 shared, one L1 of its own. */
    accepted(&other, p.virt_pgtab_end, "non-Linux, right after the initial mapping", &p);
    is_u64(p.p2m.level[PVB_PT_L2].count, 0, "after: L2 shared");
    is_u64(p.p2m.level[PVB_PT_L1].count, 1, "after: own L1");
    is_u64(p.si.nr_p2m_frames, 0x81, "after: list + 1 table");
    ok(pvb_plan_table_pfn(&p, PVB_PT_L1, p.virt_pgtab_end, &pfn) == 0 &&
       pfn == seg(&p, PVB_SEG_P2M_PAGETABLES)->pfn, "after: its L1 is its own table");

    /*
     * 1 GiB: a 2 MiB list from 1 MiB below the end of the initial
     * mapping's GiB: its first L2 is the initial mapping's, the next GiB's
     * L2 and both L1s are its own.
     */
    {
        struct pvb_config c1;
        pvb_error e1 = { 0 };
        config_mib(&c1, 1024);
        c1.p2m = PVB_P2M_ADDRESS;
        c1.p2m_vaddr = 0xffffffffbff00000;
        is_u64(make_plan(&other, &c1, 0, &p, &e1), 0, "across a GiB: plan made (%s)", e1.msg);
        is_u64(p.p2m.level[PVB_PT_L2].count, 1, "across a GiB: one L2 of its own");
        is_u64(p.p2m.level[PVB_PT_L2].first, 0xffffffffc0000000, "across a GiB: for the next GiB");
        is_u64(p.p2m.level[PVB_PT_L1].count, 2, "across a GiB: two L1s");
        ok(pvb_plan_table_pfn(&p, PVB_PT_L2, 0xffffffffbff00000, &pfn) == 0 &&
           pfn == p.initial.level[PVB_PT_L2].pfn, "across a GiB: first half under the initial L2");
        ok(pvb_plan_table_pfn(&p, PVB_PT_L2, 0xffffffffc0000000, &pfn) == 0 &&
           pfn == p.p2m.level[PVB_PT_L2].pfn, "across a GiB: second half under its own L2");
    }

    /*
     * virt_base not 2 MiB aligned: the initial mapping's first L1 also
     * covers the 1 MiB below virt_base; a list there needs no table at all.
     */
    guest_small(&other, 0xffffffff80100000, 0x1000);
    accepted(&other, 0xffffffff80080000, "non-Linux, in the first L1's reach", &p);
    is_u64(p.p2m.nr_tables, 0, "shared L1: no tables of its own");
    is_u64(p.si.nr_p2m_frames, 0x80, "shared L1: nr_p2m_frames is the list");
    ok(pvb_plan_segment(&p, PVB_SEG_P2M_PAGETABLES) == NULL, "shared L1: no table segment");
    ok(pvb_plan_table_pfn(&p, PVB_PT_L1, 0xffffffff80080000, &pfn) == 0 &&
       pfn == p.initial.level[PVB_PT_L1].pfn, "shared L1: the initial mapping's first L1");

    /*
     * 1 GiB: a 2 MiB list ending at that virt_base covers the 2 MiB
     * region below (own L1, own L2: another GiB) and the initial mapping's
     * first region (its L1 and L2 serve).
     */
    struct pvb_config cfg;
    pvb_error err = { 0 };
    config_mib(&cfg, 1024);
    cfg.p2m = PVB_P2M_ADDRESS;
    cfg.p2m_vaddr = 0xffffffff7ff00000;
    int rc = make_plan(&other, &cfg, 0, &p, &err);
    is_u64(rc, 0, "half-shared L1: plan made (%s)", err.msg);
    is_u64(p.p2m.level[PVB_PT_L1].count, 1, "half-shared L1: one L1 of its own");
    is_u64(p.p2m.level[PVB_PT_L1].last, 0xffffffff7fffffff, "half-shared L1: it ends below");
    is_u64(p.p2m.level[PVB_PT_L2].count, 1, "half-shared L1: one L2 of its own");
    is_u64(p.p2m.nr_tables, 2, "half-shared L1: 2 tables");
    ok(pvb_plan_table_pfn(&p, PVB_PT_L1, 0xffffffff800ff000, &pfn) == 0 &&
       pfn == p.initial.level[PVB_PT_L1].pfn, "half-shared L1: its last page in the initial L1");
}

int main(void)
{
    bad_addresses();
    good_addresses();
    return done_testing();
}
