/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pinning a top-level table on the simulated host, with the page-type
 * rules Xen applies to a PV guest (xen/arch/x86/mm.c): every table the L4
 * reaches gets a type (L4, L3, L2, L1) that no other use of the frame may
 * contradict.  So pinning fails when
 *   - an entry points at a frame the domain does not own;
 *   - an L4/L3/L2 entry has PSE set (PV guests get no superpages);
 *   - one frame is reached as tables of two different levels;
 *   - an L1 entry maps a table frame writable (a frame is either a
 *     page table or writable, never both);
 *   - the caller still maps a table frame writable through map();
 *   - the L4 slots Xen keeps for itself (256..271) are not zero.
 * A pinned table then refuses writable map()s until it is unpinned.
 */
#include "host/sim_internal.h"
#include "util/alloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

#define ENTRIES 512

/* Every table reached from one L4, in breadth-first order, with levels. */
struct walk {
    struct mfn_map level;
    xen_pfn_t *tables;
    size_t nr, cap;
};

static void walk_free(struct walk *w)
{
    mfn_map_free(&w->level);
    free(w->tables);
}

static int walk_add(struct walk *w, xen_pfn_t mfn, unsigned level)
{
    if (w->nr == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        xen_pfn_t *t = mem_realloc(w->tables, cap * sizeof *t);
        if (!t)
            return -ENOMEM;
        w->tables = t;
        w->cap = cap;
    }
    int rc = mfn_map_insert(&w->level, mfn, level);
    if (rc)
        return rc;
    w->tables[w->nr++] = mfn;
    return 0;
}

unsigned sim_pinned_level(const struct sim_host *s, xen_pfn_t mfn)
{
    const uint32_t *v = mfn_map_find(&s->pinned, mfn);
    return v ? (*v & 7) : 0;
}

unsigned sim_frame_table_level(struct pvb_host *h, xen_pfn_t mfn)
{
    return sim_pinned_level(sim_host_of(h), mfn);
}

#define WFAIL(code, ...) \
    fail(err, code, "sim: domain %u: %s: " __VA_ARGS__)

/* Read every table reachable from l4 into w, checking each entry. */
static int walk_tables(struct sim_host *s, struct sim_domain *d, xen_pfn_t l4,
                       const char *what, struct walk *w, pvb_error *err)
{
    uint64_t tab[ENTRIES];
    char buf[64];
    int rc;

    if (!sim_frame_is(&s->mem, l4, d->domid))
        return WFAIL(-EINVAL, "L4 mfn 0x%" PRIx64 " is not the domain's frame (%s)",
                     d->domid, what, (uint64_t)l4, sim_owner_text(s, l4, buf, sizeof buf));
    unsigned pl = sim_pinned_level(s, l4);
    if (pl && pl != 4)
        return WFAIL(-EINVAL, "L4 mfn 0x%" PRIx64 " is already a pinned L%u table",
                     d->domid, what, (uint64_t)l4, pl);
    if ((rc = walk_add(w, l4, 4)))
        return fail(err, rc, "sim: domain %u: %s: out of memory", d->domid, what);

    for (size_t t = 0; t < w->nr; t++) {
        xen_pfn_t mfn = w->tables[t];
        unsigned level = *mfn_map_find(&w->level, mfn);
        if ((rc = sim_read_frame(&s->mem, mfn, tab)))
            return fail(err, rc, "sim: domain %u: %s: reading L%u mfn 0x%" PRIx64 " failed",
                        d->domid, what, level, (uint64_t)mfn);
        for (unsigned i = 0; i < ENTRIES; i++) {
            uint64_t e = tab[i];
            if (level == 4 && i >= SIM_XEN_L4_FIRST && i <= SIM_XEN_L4_LAST && e)
                return WFAIL(-EINVAL,
                             "L4 mfn 0x%" PRIx64 " entry %u is 0x%" PRIx64 ": slots %u..%u "
                             "([0xffff800000000000, 0xffff880000000000)) belong to Xen "
                             "and must be zero", d->domid, what, (uint64_t)mfn, i, e,
                             SIM_XEN_L4_FIRST, SIM_XEN_L4_LAST);
            if (!(e & SIM_PTE_PRESENT))
                continue;
            xen_pfn_t target = SIM_PTE_MFN(e);
            if (!sim_frame_is(&s->mem, target, d->domid))
                return WFAIL(-EINVAL,
                             "L%u mfn 0x%" PRIx64 " entry %u (0x%" PRIx64 ") points at mfn "
                             "0x%" PRIx64 ", not the domain's frame (%s)", d->domid, what,
                             level, (uint64_t)mfn, i, e, (uint64_t)target,
                             sim_owner_text(s, target, buf, sizeof buf));
            if (level == 1)
                continue;
            if (e & SIM_PTE_PSE)
                return WFAIL(-EINVAL,
                             "L%u mfn 0x%" PRIx64 " entry %u (0x%" PRIx64 ") has PSE (bit 7) "
                             "set: PV guests may not use superpages", d->domid, what,
                             level, (uint64_t)mfn, i, e);
            unsigned child = level - 1;
            const uint32_t *seen = mfn_map_find(&w->level, target);
            if (seen) {
                if (*seen != child)
                    return WFAIL(-EINVAL,
                                 "L%u mfn 0x%" PRIx64 " entry %u uses mfn 0x%" PRIx64
                                 " as an L%u table, but it is also an L%u table",
                                 d->domid, what, level, (uint64_t)mfn, i,
                                 (uint64_t)target, child, *seen);
                continue;       /* shared at the same level: allowed */
            }
            pl = sim_pinned_level(s, target);
            if (pl && pl != child)
                return WFAIL(-EINVAL,
                             "L%u mfn 0x%" PRIx64 " entry %u uses mfn 0x%" PRIx64
                             " as an L%u table, but it is a pinned L%u table",
                             d->domid, what, level, (uint64_t)mfn, i, (uint64_t)target,
                             child, pl);
            if ((rc = walk_add(w, target, child)))
                return fail(err, rc, "sim: domain %u: %s: out of memory", d->domid, what);
        }
    }
    return 0;
}

/* No L1 entry of the hierarchy may map one of its tables writable. */
static int check_writable_leaves(struct sim_host *s, struct sim_domain *d,
                                 const char *what, struct walk *w, pvb_error *err)
{
    uint64_t tab[ENTRIES];
    int rc;

    for (size_t t = 0; t < w->nr; t++) {
        xen_pfn_t mfn = w->tables[t];
        if (*mfn_map_find(&w->level, mfn) != 1)
            continue;
        if ((rc = sim_read_frame(&s->mem, mfn, tab)))
            return fail(err, rc, "sim: domain %u: %s: reading L1 mfn 0x%" PRIx64 " failed",
                        d->domid, what, (uint64_t)mfn);
        for (unsigned i = 0; i < ENTRIES; i++) {
            uint64_t e = tab[i];
            if ((e & (SIM_PTE_PRESENT | SIM_PTE_RW)) != (SIM_PTE_PRESENT | SIM_PTE_RW))
                continue;
            xen_pfn_t target = SIM_PTE_MFN(e);
            const uint32_t *lv = mfn_map_find(&w->level, target);
            unsigned level = lv ? *lv : sim_pinned_level(s, target);
            if (level)
                return WFAIL(-EINVAL,
                             "L1 mfn 0x%" PRIx64 " entry %u (0x%" PRIx64 ") maps mfn 0x%"
                             PRIx64 " writable, but that frame is an L%u page table "
                             "(tables must be mapped read-only)", d->domid, what,
                             (uint64_t)mfn, i, e, (uint64_t)target, level);
        }
    }
    return 0;
}

/* Nor may the caller still hold a writable view of one (Xen's type refs). */
static int check_views(struct sim_host *s, struct sim_domain *d, const char *what,
                       struct walk *w, pvb_error *err)
{
    for (const struct sim_view *v = s->views; v; v = v->next) {
        if (!(v->prot & HOST_MAP_WRITE))
            continue;
        for (size_t r = 0; r < v->nr_runs; r++)
            for (uint64_t k = 0; k < v->runs[r].len; k++) {
                xen_pfn_t mfn = v->runs[r].mfn + k;
                const uint32_t *lv = mfn_map_find(&w->level, mfn);
                if (lv)
                    return WFAIL(-EINVAL,
                                 "mfn 0x%" PRIx64 " (an L%u table) is still mapped "
                                 "writable by the caller (a map() of 0x%zx frames); "
                                 "unmap it before pinning", d->domid, what,
                                 (uint64_t)mfn, *lv, v->count);
            }
    }
    return 0;
}

static int check_hierarchy(struct sim_host *s, struct sim_domain *d, xen_pfn_t l4,
                           const char *what, struct walk *w, pvb_error *err)
{
    int rc = walk_tables(s, d, l4, what, w, err);
    if (!rc)
        rc = check_writable_leaves(s, d, what, w, err);
    if (!rc)
        rc = check_views(s, d, what, w, err);
    return rc;
}

int sim_check_l4(struct sim_host *s, struct sim_domain *d, xen_pfn_t l4,
                 const char *what, pvb_error *err)
{
    struct walk w;
    memset(&w, 0, sizeof w);
    mfn_map_init(&w.level);
    int rc = check_hierarchy(s, d, l4, what, &w, err);
    walk_free(&w);
    return rc;
}

static void drop_refs(struct sim_host *s, const xen_pfn_t *tables, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t *v = mfn_map_find(&s->pinned, tables[i]);
        if (!v)
            continue;
        if ((*v >> 3) <= 1)
            mfn_map_remove(&s->pinned, tables[i]);
        else
            *v -= 1u << 3;
    }
}

int sim_pin_l4(struct pvb_host *h, uint32_t domid, xen_pfn_t mfn, pvb_error *err)
{
    struct sim_host *s = sim_host_of(h);
    struct sim_domain *d;
    int rc = sim_domain_get(s, domid, "pin_l4", &d, err);
    if (rc)
        return rc;

    char what[64];
    snprintf(what, sizeof what, "pin of L4 mfn 0x%" PRIx64, (uint64_t)mfn);
    if (d->address_size == 0)
        return fail(err, -EINVAL, "sim: domain %u: %s: address size not set "
                    "(set_address_size 64 first)", domid, what);
    if (d->address_size != 64)
        return fail(err, -EINVAL, "sim: domain %u: %s: the domain is %u-bit; "
                    "an L4 pin needs a 64-bit domain", domid, what, d->address_size);
    for (const struct sim_pin *p = d->pins; p; p = p->next)
        if (p->l4 == mfn)
            return fail(err, -EINVAL, "sim: domain %u: %s: already pinned", domid, what);

    struct walk w;
    memset(&w, 0, sizeof w);
    mfn_map_init(&w.level);
    rc = check_hierarchy(s, d, mfn, what, &w, err);
    if (rc) {
        walk_free(&w);
        return rc;
    }

    struct sim_pin *pin = mem_calloc(1, sizeof *pin);
    if (!pin)
        goto nomem;
    for (size_t i = 0; i < w.nr; i++) {
        uint32_t *v = mfn_map_find(&s->pinned, w.tables[i]);
        if (v) {
            *v += 1u << 3;
        } else if (mfn_map_insert(&s->pinned, w.tables[i],
                                  *mfn_map_find(&w.level, w.tables[i]) | 1u << 3)) {
            drop_refs(s, w.tables, i);
            free(pin);
            goto nomem;
        }
    }
    pin->l4 = mfn;
    pin->tables = w.tables;
    pin->nr_tables = w.nr;
    pin->next = d->pins;
    d->pins = pin;
    mfn_map_free(&w.level);
    return 0;

nomem:
    walk_free(&w);
    return fail(err, -ENOMEM, "sim: domain %u: %s: out of memory", domid, what);
}

static void pin_free(struct sim_host *s, struct sim_pin *pin)
{
    drop_refs(s, pin->tables, pin->nr_tables);
    free(pin->tables);
    free(pin);
}

int sim_unpin(struct pvb_host *h, uint32_t domid, xen_pfn_t mfn, pvb_error *err)
{
    struct sim_host *s = sim_host_of(h);
    struct sim_domain *d;
    int rc = sim_domain_get(s, domid, "unpin", &d, err);
    if (rc)
        return rc;
    for (struct sim_pin **pp = &d->pins; *pp; pp = &(*pp)->next) {
        if ((*pp)->l4 == mfn) {
            struct sim_pin *pin = *pp;
            *pp = pin->next;
            pin_free(s, pin);
            return 0;
        }
    }
    return fail(err, -EINVAL, "sim: domain %u: unpin of mfn 0x%" PRIx64 ": not a pinned L4",
                domid, (uint64_t)mfn);
}

void sim_unpin_all(struct sim_host *s, struct sim_domain *d)
{
    while (d->pins) {
        struct sim_pin *pin = d->pins;
        d->pins = pin->next;
        pin_free(s, pin);
    }
}
