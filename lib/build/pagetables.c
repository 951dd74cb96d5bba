/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Writing the page tables of every mapping the plan describes: the
 * initial mapping and, when the P->M list is outside it, the list's own
 * mapping.  Upper-level entries are present|rw|user|accessed|dirty; leaf
 * entries present|rw|accessed, with rw cleared for any frame that is
 * itself a page table (Xen refuses to pin a table that is mapped writable).
 * The P->M list pages stay writable: Linux writes to them.
 */
#include "build/build.h"

#include <errno.h>
#include <string.h>

#define ENTRIES 512
#define L1_SPAN_MASK ((UINT64_C(1) << 21) - 1)

struct tables {
    uint64_t *initial;       /* mapped tables of the initial mapping */
    uint64_t *p2m;           /* mapped tables of the P->M mapping, or NULL */
};

static unsigned level_index(uint64_t va, unsigned level)
{
    return (unsigned)(va >> (PVB_PAGE_SHIFT + 9 * level)) & (ENTRIES - 1);
}

static bool owns_pfn(const struct pvb_plan_mapping *m, uint64_t pfn)
{
    return m->nr_tables && pfn >= m->table_pfn && pfn - m->table_pfn < m->nr_tables;
}

static bool is_table_pfn(const struct pvb_plan *plan, uint64_t pfn)
{
    return owns_pfn(&plan->initial, pfn) ||
           (plan->p2m_outside && owns_pfn(&plan->p2m, pfn));
}

/* The mapped table page for a table pfn of either mapping. */
static uint64_t *table_at(const struct pvb_plan *plan, const struct tables *t,
                          uint64_t pfn)
{
    if (owns_pfn(&plan->initial, pfn))
        return t->initial + (pfn - plan->initial.table_pfn) * ENTRIES;
    if (plan->p2m_outside && owns_pfn(&plan->p2m, pfn))
        return t->p2m + (pfn - plan->p2m.table_pfn) * ENTRIES;
    return NULL;
}

/* Link every table of mapping m below the top level into its parent. */
static int link_tables(struct build *b, const struct pvb_plan_mapping *m,
                       const struct tables *t, pvb_error *err)
{
    const struct pvb_plan *plan = b->plan;
    for (unsigned l = PVB_PT_L1; l + 1 < plan->levels; l++) {
        const struct pvb_plan_level *lv = &m->level[l];
        unsigned span_bits = PVB_PAGE_SHIFT + 9 * (l + 1);
        for (uint64_t i = 0; i < lv->count; i++) {
            uint64_t va = (lv->first >> span_bits << span_bits) + (i << span_bits);
            uint64_t parent_pfn;
            xen_pfn_t mfn;
            if (pvb_plan_table_pfn(plan, l + 1, va, &parent_pfn) < 0)
                return fail(err, -EINVAL, "build: no level-%u table covers 0x%llx",
                            l + 2, (unsigned long long)va);
            uint64_t *parent = table_at(plan, t, parent_pfn);
            if (!parent)
                return fail(err, -EINVAL, "build: table pfn 0x%llx is not planned",
                            (unsigned long long)parent_pfn);
            if (build_mfn(b, lv->pfn + i, &mfn, err) < 0)
                return err ? err->code : -EINVAL;
            parent[level_index(va, l + 1)] = ((uint64_t)mfn << PVB_PAGE_SHIFT) | PTE_UPPER;
        }
    }
    return 0;
}

/* Leaf entries for every page of mapping m. */
static int map_pages(struct build *b, const struct pvb_plan_mapping *m,
                     const struct tables *t, pvb_error *err)
{
    const struct pvb_plan *plan = b->plan;
    uint64_t *l1 = NULL;
    uint64_t l1_base = 1;   /* never a 2 MiB-aligned address */

    for (uint64_t i = 0; i < m->pages; i++) {
        uint64_t va = m->vstart + i * PVB_PAGE_SIZE;
        uint64_t pfn = m->pfn + i;
        xen_pfn_t mfn;
        if ((va & ~L1_SPAN_MASK) != l1_base) {
            uint64_t l1_pfn;
            if (pvb_plan_table_pfn(plan, PVB_PT_L1, va, &l1_pfn) < 0 ||
                !(l1 = table_at(plan, t, l1_pfn)))
                return fail(err, -EINVAL, "build: no L1 table covers 0x%llx",
                            (unsigned long long)va);
            l1_base = va & ~L1_SPAN_MASK;
        }
        if (build_mfn(b, pfn, &mfn, err) < 0)
            return err ? err->code : -EINVAL;
        uint64_t flags = is_table_pfn(plan, pfn) ? PTE_LEAF & ~PTE_RW : PTE_LEAF;
        l1[level_index(va, 0)] = ((uint64_t)mfn << PVB_PAGE_SHIFT) | flags;
    }
    return 0;
}

int write_pagetables(struct build *b, pvb_error *err)
{
    const struct pvb_plan *plan = b->plan;
    const int rw = HOST_MAP_READ | HOST_MAP_WRITE;
    struct tables t = { 0 };
    int rc;

    if (plan->levels != 4)
        return fail(err, -EOPNOTSUPP, "build: only 4-level (x86_64) guests are built");

    t.initial = build_map_pfns(b, plan->initial.table_pfn, plan->initial.nr_tables, rw, err);
    if (!t.initial)
        return err ? err->code : -EIO;
    memset(t.initial, 0, plan->initial.nr_tables * PVB_PAGE_SIZE);
    if (plan->p2m_outside && plan->p2m.nr_tables) {
        t.p2m = build_map_pfns(b, plan->p2m.table_pfn, plan->p2m.nr_tables, rw, err);
        if (!t.p2m) {
            build_unmap(b, t.initial, plan->initial.nr_tables);
            return err ? err->code : -EIO;
        }
        memset(t.p2m, 0, plan->p2m.nr_tables * PVB_PAGE_SIZE);
    }

    rc = link_tables(b, &plan->initial, &t, err);
    if (rc == 0)
        rc = map_pages(b, &plan->initial, &t, err);
    if (rc == 0 && plan->p2m_outside) {
        rc = link_tables(b, &plan->p2m, &t, err);
        if (rc == 0)
            rc = map_pages(b, &plan->p2m, &t, err);
    }

    if (rc == 0)
        build_mfn(b, plan->initial.table_pfn, &b->l4_mfn, NULL);
    build_unmap(b, t.p2m, plan->p2m.nr_tables);
    build_unmap(b, t.initial, plan->initial.nr_tables);
    return rc;
}
