/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal pieces of the layout planner, shared by its files. */
#ifndef PVB_LAYOUT_LAYOUT_H
#define PVB_LAYOUT_LAYOUT_H

#include "pvbuild.h"
#include "util/error.h"

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_BYTES (UINT64_C(1) << PAGE_SHIFT)

/* The paging mode the guest runs in. */
struct paging {
    unsigned levels;        /* 4: x86_64, 3: 32-bit PAE */
    bool pae;
    uint64_t top_last;      /* highest address the top-level table spans */
};

void paging_init(struct paging *pg, int elf_class);

/* Bits of address one table at `level` spans (21 for an L1, ...). */
static inline unsigned level_span_bits(unsigned level)
{
    return PAGE_SHIFT + 9 * (level + 1);
}

/* The entry index `va` uses in its level-`level` table. */
unsigned level_index(const struct paging *pg, unsigned level, uint64_t va);

/*
 * Plan the tables of mapping `m` (vstart, vend already set, vend > vstart),
 * numbering them from `first_pfn`, top level first.  `prev` is a mapping
 * planned before it whose tables it shares where they cover the same
 * addresses, or NULL for the first mapping (which owns the top level).
 */
void tables_plan(const struct paging *pg, struct pvb_plan_mapping *m,
                 uint64_t first_pfn, const struct pvb_plan_mapping *prev);

/*
 * The initial mapping: libxenguest's fixed point.  Elements up to pfn
 * `alloc_pfn` are placed; the tables go there, then the boot stack, then
 * at least 512 KiB of mapped padding, rounded up to 4 MiB.  `room` is the
 * number of pages from virt_base the mapping may use.
 */
int tables_initial(const struct paging *pg, uint64_t virt_base,
                   uint64_t alloc_pfn, uint64_t room,
                   struct pvb_plan_mapping *m, pvb_error *err);

/*
 * Decide where the P->M list goes (plan->p2m_outside, p2m_from_note and
 * *vaddr), with the checks that need only the guest and the config.
 */
int p2m_choose(const struct pvb_guest *g, const struct pvb_config *cfg,
               struct pvb_plan *plan, uint64_t *vaddr, pvb_error *err);

/* Check an outside list at `vaddr` against the planned initial mapping. */
int p2m_check(const struct pvb_guest *g, struct pvb_plan *plan,
              uint64_t vaddr, pvb_error *err);

bool guest_is_linux(const struct pvb_guest *g);

/* Record a warning in the plan (dropped past PVB_PLAN_MAX_WARNINGS). */
void plan_warn(struct pvb_plan *plan, const char *fmt, ...) PVB_PRINTF(2, 3);

/* The plan's "segments" and "numa" members, shared by pvb_plan_json and
 * pvb_domain_json so that both say the same. */
struct json;
void plan_json_segments(struct json *j, const struct pvb_plan *plan);
void plan_json_numa(struct json *j, const struct pvb_plan *plan);
/* vCPU affinity, the placement's soft map and the vnodes (plan and domain JSON). */
void plan_json_affinity(struct json *j, const struct pvb_plan *plan);

#endif
