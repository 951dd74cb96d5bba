/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Properties every plan must have, over many guests, memory sizes (16 MiB
 * to 64 GiB), ramdisks and P->M placements.  The expected table counts are
 * worked out here independently, by counting the 2 MiB / 1 GiB / 512 GiB
 * regions a range touches, rather than with the planner's own code.
 */
#include "tap.h"
#include "plan_copy.h"
#include "guests.h"

#include <stdlib.h>

#define MIB (UINT64_C(1) << 20)

enum invariant {
    INV_ORDER, INV_TOTAL, INV_MAPPED, INV_BELOW_P2M, INV_P2M, INV_PADDING,
    INV_TABLES, INV_P2M_TABLES, INV_LOOKUP, INV_START_INFO, INV_SEQUENCE,
    INV_PRINT, INV_BOUNDS, INV_MONOTONE, INV_ERRORS, NR_INV,
};

static const char *const inv_names[NR_INV] = {
    [INV_ORDER] = "segments are non-empty, disjoint and in pfn order",
    [INV_TOTAL] = "total pfns = end of the last element, <= nr_pages",
    [INV_MAPPED] = "mapped segments lie in [virt_base, virt_pgtab_end) at virt_base + pfn*4K; unmapped ones after it",
    [INV_BELOW_P2M] = "everything mapped lies below first_p2m_pfn",
    [INV_P2M] = "P->M list: ceil(nr_pages*entry/4K) pages; first_p2m_pfn/nr_p2m_frames cover list + tables, last",
    [INV_PADDING] = "virt_pgtab_end 4 MiB aligned, >= 512 KiB mapped after the boot stack",
    [INV_TABLES] = "initial mapping: one table per region it touches at each level",
    [INV_P2M_TABLES] = "P->M mapping: one table per region not already covered, no L4",
    [INV_LOOKUP] = "every 2 MiB of each mapping resolves to distinct planned tables at every level",
    [INV_START_INFO] = "start_info and vCPU values agree with the segments",
    [INV_SEQUENCE] = "kernel at its pfn; start_info, xenstore, console, tables, stack back to back",
    [INV_PRINT] = "text and JSON printing succeed",
    [INV_BOUNDS] = "fails when memory is below a lower bound of the need, succeeds above an upper bound",
    [INV_MONOTONE] = "once a layout fits, it fits with more memory",
    [INV_ERRORS] = "errors are -ENOSPC/-EINVAL as predicted, one line",
};

static unsigned failures[NR_INV];
static unsigned checked;

static void bad(enum invariant inv, const char *ctx, const char *what)
{
    if (failures[inv]++ < 3)
        diag("%s: %s: %s", inv_names[inv], ctx, what);
}

#define CHECK(inv, cond) do { if (!(cond)) bad(inv, ctx, #cond); } while (0)

static FILE *devnull;

/* Regions of 2^bits bytes that [first, last] touches. */
static uint64_t regions(uint64_t first, uint64_t last, unsigned bits)
{
    return (last >> bits) - (first >> bits) + 1;
}

static uint64_t span_bits(unsigned level)
{
    return 12 + 9 * (level + 1);
}

static bool in_seg(const struct pvb_plan_segment *s, uint64_t pfn)
{
    return s && pfn >= s->pfn && pfn < s->pfn + s->pages;
}

/* Walk a mapping 2 MiB at a time and check each level's table lookup. */
static void check_lookup(const struct pvb_plan *p, const struct pvb_plan_mapping *m,
                         const char *ctx)
{
    const struct pvb_plan_segment *pt = pvb_plan_segment(p, PVB_SEG_PAGETABLES);
    const struct pvb_plan_segment *ppt = pvb_plan_segment(p, PVB_SEG_P2M_PAGETABLES);
    uint64_t prev_pfn[PVB_PT_MAX_LEVELS], prev_region[PVB_PT_MAX_LEVELS];
    uint64_t distinct[PVB_PT_MAX_LEVELS] = { 0 };
    uint64_t va = m->vstart, next;

    for (; va < m->vend; va = next) {
        for (unsigned l = 0; l < p->levels; l++) {
            uint64_t pfn, region = va >> span_bits(l);
            if (pvb_plan_table_pfn(p, l, va, &pfn)) {
                bad(INV_LOOKUP, ctx, "no table");
                return;
            }
            CHECK(INV_LOOKUP, in_seg(pt, pfn) || in_seg(ppt, pfn));
            if (l == p->levels - 1)
                CHECK(INV_LOOKUP, pfn == pt->pfn);
            if (va == m->vstart || region != prev_region[l]) {
                if (va != m->vstart)
                    CHECK(INV_LOOKUP, pfn != prev_pfn[l]);
                distinct[l]++;
            } else {
                CHECK(INV_LOOKUP, pfn == prev_pfn[l]);
            }
            prev_pfn[l] = pfn;
            prev_region[l] = region;
        }
        next = (va | (2 * MIB - 1)) + 1;
        if (next < va)
            break;  /* wrapped past 2^64 */
    }
    for (unsigned l = 0; l + 1 < p->levels; l++)
        CHECK(INV_LOOKUP, distinct[l] == regions(m->vstart, m->vend - 1, span_bits(l)));
}

static void check_plan(const struct pvb_guest *g, const struct pvb_plan *p,
                       uint64_t ramdisk, const char *ctx)
{
    const struct pvb_plan_segment *s = p->segments;
    const struct pvb_plan_segment *pt = pvb_plan_segment(p, PVB_SEG_PAGETABLES);
    const struct pvb_plan_segment *stack = pvb_plan_segment(p, PVB_SEG_BOOT_STACK);
    const struct pvb_plan_segment *list = pvb_plan_segment(p, PVB_SEG_P2M);
    const struct pvb_plan_segment *ptabs = pvb_plan_segment(p, PVB_SEG_P2M_PAGETABLES);
    const struct pvb_plan_segment *rd = pvb_plan_segment(p, PVB_SEG_RAMDISK);
    uint64_t entry = g->elf_class == 64 ? 8 : 4;
    unsigned top = p->levels - 1;

    checked++;
    if (!pt || !stack || !list || s[0].kind != PVB_SEG_KERNEL) {
        bad(INV_SEQUENCE, ctx, "missing segment");
        return;
    }

    for (size_t i = 0; i < p->nr_segments; i++) {
        CHECK(INV_ORDER, s[i].pages > 0);
        if (i)
            CHECK(INV_ORDER, s[i - 1].pfn + s[i - 1].pages <= s[i].pfn);
        if (s[i].mapped) {
            CHECK(INV_MAPPED, s[i].pfn + s[i].pages <= p->initial.pages);
            CHECK(INV_MAPPED, s[i].vstart == p->virt_base + s[i].pfn * 4096);
            CHECK(INV_MAPPED, s[i].vend == s[i].vstart + s[i].pages * 4096);
            if (p->p2m_outside)
                CHECK(INV_BELOW_P2M, s[i].pfn + s[i].pages <= p->si.first_p2m_pfn);
        } else {
            CHECK(INV_MAPPED, s[i].pfn >= p->initial.pages);
        }
    }
    const struct pvb_plan_segment *last = &s[p->nr_segments - 1];
    uint64_t end = last->pfn + last->pages;
    if (end < p->initial.pages)
        end = p->initial.pages;
    CHECK(INV_TOTAL, p->total_pfns == end);
    CHECK(INV_TOTAL, p->total_pfns <= p->nr_pages);
    CHECK(INV_TOTAL, p->nr_pages == p->memory_mib * 256);

    CHECK(INV_P2M, list->pages == (p->nr_pages * entry + 4095) / 4096);
    CHECK(INV_P2M, p->p2m_outside == !list->mapped);
    if (p->p2m_outside) {
        uint64_t frames = list->pages + (ptabs ? ptabs->pages : 0);
        CHECK(INV_P2M, p->si.first_p2m_pfn == list->pfn);
        CHECK(INV_P2M, p->si.nr_p2m_frames == frames);
        CHECK(INV_P2M, list->pfn + frames == p->total_pfns);
        CHECK(INV_P2M, !ptabs || ptabs->pfn == list->pfn + list->pages);
        CHECK(INV_P2M, p->si.mfn_list == list->vstart);
        CHECK(INV_P2M, list->vend - list->vstart == list->pages * 4096);
    } else {
        CHECK(INV_P2M, p->si.first_p2m_pfn == 0 && p->si.nr_p2m_frames == 0);
        CHECK(INV_P2M, ptabs == NULL);
    }

    CHECK(INV_PADDING, p->virt_pgtab_end % (4 * MIB) == 0);
    CHECK(INV_PADDING, p->virt_pgtab_end - stack->vend >= 512 * 1024);
    CHECK(INV_PADDING, p->virt_pgtab_end == p->virt_base + p->initial.pages * 4096);
    CHECK(INV_PADDING, p->initial.vstart == p->virt_base && p->initial.vend == p->virt_pgtab_end);

    /* Initial mapping: one top-level table, one table per region below. */
    CHECK(INV_TABLES, p->initial.level[top].count == 1);
    uint64_t sum = 1;
    for (unsigned l = 0; l < top; l++) {
        uint64_t want = regions(p->virt_base, p->virt_pgtab_end - 1, span_bits(l));
        /* libxenguest: a PAE mapping below 3 GiB has L2s up to slot 3. */
        if (g->elf_class == 32 && l == PVB_PT_L2 && p->virt_pgtab_end <= 0xc0000000)
            want = regions(p->virt_base, 0xffffffff, span_bits(l));
        CHECK(INV_TABLES, p->initial.level[l].count == want);
        sum += want;
    }
    CHECK(INV_TABLES, p->initial.nr_tables == sum && pt->pages == sum);

    if (p->p2m_outside) {
        uint64_t own = 0;
        CHECK(INV_P2M_TABLES, p->p2m.level[top].count == 0);
        for (unsigned l = 0; l < top; l++) {
            unsigned b = span_bits(l);
            uint64_t want = 0;
            for (uint64_t r = list->vstart >> b; r <= (list->vend - 1) >> b; r++)
                if (r < p->virt_base >> b || r > (p->virt_pgtab_end - 1) >> b)
                    want++;
            CHECK(INV_P2M_TABLES, p->p2m.level[l].count == want);
            own += want;
        }
        CHECK(INV_P2M_TABLES, p->p2m.nr_tables == own);
        CHECK(INV_P2M_TABLES, own ? ptabs && ptabs->pages == own : !ptabs);
        check_lookup(p, &p->p2m, ctx);
    }
    check_lookup(p, &p->initial, ctx);

    /* start_info and registers. */
    CHECK(INV_START_INFO, p->si.nr_pages == p->nr_pages);
    CHECK(INV_START_INFO, p->si.pt_base == pt->vstart);
    CHECK(INV_START_INFO, p->si.nr_pt_frames == pt->pages);
    CHECK(INV_START_INFO, p->vcpu.rsp == p->virt_base + (stack->pfn + 1) * 4096);
    CHECK(INV_START_INFO, p->vcpu.rsp == stack->vend);
    CHECK(INV_START_INFO, p->vcpu.rsi == p->virt_base + p->start_info_pfn * 4096);
    CHECK(INV_START_INFO, p->vcpu.rip == g->entry);
    CHECK(INV_START_INFO, p->boot_stack_pfn == stack->pfn);
    if (!p->p2m_outside)
        CHECK(INV_START_INFO, p->si.mfn_list == list->vstart);
    bool unmapped = pvb_guest_has_note(g, XEN_ELFNOTE_MOD_START_PFN) && g->mod_start_pfn;
    if (ramdisk) {
        CHECK(INV_START_INFO, rd && rd->bytes == ramdisk && rd->pages == (ramdisk + 4095) / 4096);
        CHECK(INV_START_INFO, rd && rd->mapped == !unmapped);
        CHECK(INV_START_INFO, p->si.flags == (unmapped ? SIF_MOD_START_PFN : 0));
        CHECK(INV_START_INFO, rd && p->si.mod_start == (unmapped ? rd->pfn : rd->vstart));
        CHECK(INV_START_INFO, p->si.mod_len == ramdisk);
    } else {
        CHECK(INV_START_INFO, !rd && p->si.flags == 0 && !p->si.mod_start && !p->si.mod_len);
    }

    /* libxenguest's order. */
    CHECK(INV_SEQUENCE, s[0].pfn == (g->virt_kstart - g->virt_base) / 4096);
    CHECK(INV_SEQUENCE, s[0].pages == (g->virt_kend - g->virt_kstart + 4095) / 4096);
    CHECK(INV_SEQUENCE, p->xenstore_pfn == p->start_info_pfn + 1);
    CHECK(INV_SEQUENCE, p->console_pfn == p->start_info_pfn + 2);
    CHECK(INV_SEQUENCE, pt->pfn == p->start_info_pfn + 3);
    CHECK(INV_SEQUENCE, stack->pfn == pt->pfn + pt->pages);
    CHECK(INV_SEQUENCE, p->virt_alloc_end == pt->vstart);
    if (!p->p2m_outside)
        CHECK(INV_SEQUENCE, list->pfn + list->pages == p->start_info_pfn);

    CHECK(INV_PRINT, pvb_plan_print_text(p, devnull, NULL) == 0);
    CHECK(INV_PRINT, pvb_plan_print_json(p, devnull, NULL) == 0);
}

struct guest_case {
    const char *name;
    struct pvb_guest g;
};

int main(void)
{
    static const uint64_t mibs[] = {
        16, 17, 24, 31, 32, 33, 48, 63, 64, 76, 77, 100, 128, 255, 256, 257,
        300, 512, 1000, 1024, 2048, 3000, 4096, 8192, 16384, 32768, 65536,
    };
    static const uint64_t ramdisks[] = {
        0, 1, 4095, 4096, 4097, 0x1e4c10, 37 * MIB + 5, 200 * MIB,
    };
    struct placement { enum pvb_p2m_placement mode; uint64_t vaddr; } placements[] = {
        { PVB_P2M_DEFAULT, 0 },
        { PVB_P2M_INSIDE, 0 },
        { PVB_P2M_ADDRESS, 0x8000000000 },
        { PVB_P2M_ADDRESS, 0x7f8000000000 },
        { PVB_P2M_ADDRESS, 0xffff880000000000 },
        { PVB_P2M_ADDRESS, 0xfffffff000000000 },   /* virt_base's slot for most */
        { PVB_P2M_ADDRESS, 0x12345000 },            /* slot 0 */
        { PVB_P2M_ADDRESS, 0xffffffff7ff00000 },    /* just below most virt_bases */
    };
    struct guest_case guests[6];
    unsigned nguests = 0, made = 0, nospc = 0, einval = 0;

    guests[nguests].name = "debian";
    guest_debian(&guests[nguests++].g);
    guests[nguests].name = "old-linux";
    guest_old_linux(&guests[nguests++].g);
    guests[nguests].name = "small-high";
    guest_small(&guests[nguests++].g, 0xffffffff80000000, 0x300);
    guests[nguests].name = "small-zero";
    guest_small(&guests[nguests++].g, 0, 0x300);
    guests[nguests].name = "small-odd";
    guest_small(&guests[nguests++].g, 0xffffffff80100000, 0x1234);
    guests[nguests].name = "pae";
    guest_pae(&guests[nguests++].g);

    devnull = fopen("/dev/null", "w");
    if (!devnull)
        return 1;

    for (unsigned gi = 0; gi < nguests; gi++)
    for (size_t ri = 0; ri < sizeof ramdisks / sizeof *ramdisks; ri++)
    for (size_t pi = 0; pi < sizeof placements / sizeof *placements; pi++) {
        const struct pvb_guest *g = &guests[gi].g;
        bool fitted = false;
        bool lnx = strcmp(g->guest_os, "linux") == 0;
        uint64_t slot = placements[pi].vaddr >> 39 & 511;
        /* Refusals known in advance, whatever the memory. */
        bool invalid = placements[pi].mode == PVB_P2M_ADDRESS &&
                       (g->elf_class == 32 ||
                        !pvb_guest_has_note(g, XEN_ELFNOTE_INIT_P2M) ||
                        (lnx && (slot == 0 || slot == 511)));

        for (size_t mi = 0; mi < sizeof mibs / sizeof *mibs; mi++) {
            struct pvb_config cfg;
            struct pvb_plan p;
            pvb_error err = { 0 };
            char ctx[160];
            uint64_t nr = mibs[mi] * 256, ramdisk = ramdisks[ri];
            uint64_t rd_pages = (ramdisk + 4095) / 4096;
            uint64_t list = (nr * (g->elf_class == 64 ? 8 : 4) + 4095) / 4096;
            uint64_t kend = (g->virt_kend - g->virt_base + 4095) / 4096;

            snprintf(ctx, sizeof ctx, "%s, %" PRIu64 " MiB, ramdisk 0x%" PRIx64
                     ", placement %d/0x%" PRIx64, guests[gi].name, mibs[mi],
                     ramdisk, placements[pi].mode, placements[pi].vaddr);
            config_mib(&cfg, mibs[mi]);
            cfg.p2m = placements[pi].mode;
            cfg.p2m_vaddr = placements[pi].vaddr;
            int rc = test_plan_make(g, &cfg, ramdisk, &p, &err);

            CHECK(INV_ERRORS, rc == 0 || rc == -ENOSPC || rc == -EINVAL);
            CHECK(INV_ERRORS, rc == 0 || (err.code == rc && err.msg[0] && !strchr(err.msg, '\n')));
            if (invalid) {
                CHECK(INV_ERRORS, rc == -EINVAL);
                einval += rc == -EINVAL;
                continue;
            }
            /* Addresses that collide with one guest's mapping only. */
            if (rc == -EINVAL && strstr(err.msg, "overlaps the initial mapping")) {
                einval++;
                continue;
            }
            CHECK(INV_ERRORS, rc != -EINVAL);

            /* Need >= kernel end + 3 + stack + 128, + ramdisk, + list. */
            uint64_t lower = kend + 4 + 128 + rd_pages + list;
            /* Need <= that + 4 MiB rounding + generous tables. */
            uint64_t upper = lower + 1024 + 16 + 2 * ((lower + 1024) / 512);
            if (nr < lower)
                CHECK(INV_BOUNDS, rc != 0);
            if (nr >= upper)
                CHECK(INV_BOUNDS, rc == 0);
            if (fitted)
                CHECK(INV_MONOTONE, rc == 0);
            if (rc == 0) {
                fitted = true;
                made++;
                check_plan(g, &p, ramdisk, ctx);
            } else if (rc == -ENOSPC) {
                nospc++;
            }
        }
    }
    fclose(devnull);

    for (unsigned i = 0; i < NR_INV; i++)
        ok(failures[i] == 0, "%s (%u failures)", inv_names[i], failures[i]);
    ok(made > 2000, "%u plans made and checked", made);
    ok(nospc > 100, "%u layouts too big for their memory", nospc);
    ok(einval > 100, "%u placements refused", einval);
    diag("%u plans checked", checked);
    return done_testing();
}
