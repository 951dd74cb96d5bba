/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Page-table counting for the initial mapping and the P->M mapping, with
 * libxenguest's arithmetic (tools/libs/guest/xg_dom_x86.c) so that a plan
 * matches the layout Xen's own toolstack produces.
 */
#include "layout/layout.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#define MIB (UINT64_C(1) << 20)

/* The ABI promises 512 KiB of mapped padding after the last element. */
#define PADDING_PAGES ((512 * 1024) >> PAGE_SHIFT)
/* A page-table count converges in two or three rounds; far more is a bug. */
#define MAX_ROUNDS 64

void paging_init(struct paging *pg, int elf_class)
{
    memset(pg, 0, sizeof *pg);
    if (elf_class == 32) {
        pg->levels = 3;
        pg->pae = true;
        pg->top_last = UINT64_C(0xffffffff);
    } else {
        pg->levels = 4;
        pg->top_last = UINT64_MAX;  /* canonical form of 2^48 - 1 */
    }
}

unsigned level_index(const struct paging *pg, unsigned level, uint64_t va)
{
    /* A PAE top level has 4 entries, every other table 512. */
    unsigned mask = pg->pae && level == pg->levels - 1 ? 3 : 511;
    return (unsigned)(va >> (PAGE_SHIFT + 9 * level)) & mask;
}

/*
 * Remove from [*lo, *hi] what `have` already covers at this level.  The
 * two virtual ranges never overlap, so `have` can only cover one end.
 */
static void trim_shared(const struct pvb_plan_level *have, uint64_t *lo,
                        uint64_t *hi)
{
    if (!have->count)
        return;
    if (*lo >= have->first && *hi <= have->last) {
        *lo = *hi = 0;
        return;
    }
    if (*lo >= have->first && *lo <= have->last)
        *lo = have->last + 1;
    if (*hi >= have->first && *hi <= have->last)
        *hi = have->first - 1;
}

void tables_plan(const struct paging *pg, struct pvb_plan_mapping *m,
                 uint64_t first_pfn, const struct pvb_plan_mapping *prev)
{
    unsigned top = pg->levels - 1;
    uint64_t from = m->vstart, to = m->vend - 1;
    uint64_t pfn = first_pfn;

    memset(m->level, 0, sizeof m->level);
    memset(m->index_first, 0, sizeof m->index_first);
    memset(m->index_last, 0, sizeof m->index_last);
    m->table_pfn = first_pfn;
    m->nr_tables = 0;

    for (int l = (int)top; l >= 0; l--) {
        struct pvb_plan_level *lv = &m->level[l];

        lv->pfn = pfn;
        m->index_first[l] = level_index(pg, (unsigned)l, from);
        m->index_last[l] = level_index(pg, (unsigned)l, to);
        if ((unsigned)l == top) {
            /* One top-level table in all, owned by the first mapping. */
            if (!prev) {
                lv->first = 0;
                lv->last = pg->top_last;
                lv->count = 1;
            }
        } else {
            unsigned bits = level_span_bits((unsigned)l);
            uint64_t span_mask = (UINT64_C(1) << bits) - 1;
            uint64_t lo = from & ~span_mask, hi = to | span_mask;

            /*
             * libxenguest gives a PAE initial mapping below 3 GiB the L2s
             * up to 4 GiB, so that the L3's slot 3 has a table too.
             */
            if (pg->pae && !prev && l == PVB_PT_L2 && to < UINT64_C(0xc0000000))
                hi = pg->top_last;
            if (prev)
                trim_shared(&prev->level[l], &lo, &hi);
            if (lo < hi) {
                lv->first = lo;
                lv->last = hi;
                lv->count = ((hi - lo) >> bits) + 1;
            }
        }
        pfn += lv->count;
        m->nr_tables += lv->count;
    }
}

int tables_initial(const struct paging *pg, uint64_t virt_base,
                   uint64_t alloc_pfn, uint64_t room,
                   struct pvb_plan_mapping *m, pvb_error *err)
{
    const uint64_t extra = 1 + PADDING_PAGES;   /* boot stack + padding */
    const uint64_t align_mask = 4 * MIB - 1;
    uint64_t pages = extra;

    for (unsigned round = 0; round < MAX_ROUNDS; round++) {
        if (pages > room - alloc_pfn)
            return fail(err, -ERANGE,
                        "initial mapping: 0x%" PRIx64 " pages of page tables, "
                        "boot stack and padding from pfn 0x%" PRIx64
                        " run past the usable address range (0x%" PRIx64
                        " pages from virt_base 0x%" PRIx64 ")",
                        pages, alloc_pfn, room, virt_base);

        /*
         * libxenguest rounds with `addr | mask`: an end already on a
         * 4 MiB boundary still gains 4 MiB.  Keep that, to match it.
         */
        uint64_t last = (virt_base + ((alloc_pfn + pages) << PAGE_SHIFT)) |
                        align_mask;
        uint64_t end_pfn = ((last - virt_base) >> PAGE_SHIFT) + 1;
        if (end_pfn > room)
            return fail(err, -ERANGE,
                        "initial mapping: virt_pgtab_end 0x%" PRIx64
                        " pages from virt_base 0x%" PRIx64
                        " runs past the usable address range (0x%" PRIx64
                        " pages)", end_pfn, virt_base, room);

        m->vstart = virt_base;
        m->vend = last + 1;
        m->pfn = 0;
        m->pages = end_pfn;
        tables_plan(pg, m, alloc_pfn, NULL);

        pages = m->nr_tables + extra;
        if (alloc_pfn + pages <= end_pfn)
            return 0;
    }
    return fail(err, -EINVAL,
                "initial mapping: page-table count did not settle after %d rounds "
                "(virt_base 0x%" PRIx64 ", pfn 0x%" PRIx64 ")",
                MAX_ROUNDS, virt_base, alloc_pfn);
}

int pvb_plan_table_pfn(const struct pvb_plan *plan, unsigned level,
                       uint64_t va, uint64_t *pfn)
{
    if (!plan || !pfn)
        return -EINVAL;
    const struct pvb_plan_mapping *maps[2] = {
        plan->p2m_outside ? &plan->p2m : NULL, &plan->initial,
    };

    if (level >= plan->levels)
        return -ENOENT;
    for (unsigned i = 0; i < 2; i++) {
        const struct pvb_plan_level *lv;
        if (!maps[i])
            continue;
        lv = &maps[i]->level[level];
        if (!lv->count || va < lv->first || va > lv->last)
            continue;
        if (level == plan->levels - 1)
            *pfn = lv->pfn;
        else
            *pfn = lv->pfn + ((va - lv->first) >> level_span_bits(level));
        return 0;
    }
    return -ENOENT;
}
