/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading the domain back: the set of page tables reachable from cr3,
 * start_info at rsi, pfn 0's virtual address, the initial mapping and the
 * pages of the P->M list.  Oddities are recorded for the checks to judge;
 * only what leaves nothing to check is an error here.
 */
#include "verify/verify.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"

/* ------------------------------------------------------------ the tables */

struct level_scan {
    struct verify *v;
    unsigned level;          /* of the tables being read */
    struct mfnvec *next;     /* their children */
};

static void anomaly(struct verify *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void anomaly(struct verify *v, const char *fmt, ...)
{
    if (v->anomaly[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->anomaly, sizeof v->anomaly, fmt, ap);
    va_end(ap);
}

static int scan_table(void *opaque, uint64_t mfn, const uint64_t *page)
{
    struct level_scan *s = opaque;
    struct verify *v = s->v;

    if (!page) {
        v->unreadable++;
        anomaly(v, "L%u mfn 0x%" PRIx64 " cannot be mapped", s->level, mfn);
        return 0;
    }
    for (unsigned i = 0; i < PT_ENTRIES; i++) {
        uint64_t e = page[i];
        if ((s->level == 4 && pt_xen_slot(i)) || !(e & PTE_PRESENT))
            continue;
        if (e & PTE_PSE) {
            v->superpages++;
            anomaly(v, "L%u mfn 0x%" PRIx64 " entry %u (0x%" PRIx64 ") is a superpage",
                    s->level, mfn, i, e);
            continue;
        }
        uint64_t child = PTE_MFN(e);
        unsigned clevel = s->level - 1;
        unsigned tag = frameset_get(&v->tables, child);
        if (tag) {
            if (tag != clevel) {
                v->mixed++;
                anomaly(v, "mfn 0x%" PRIx64 " is an L%u and an L%u table", child, tag,
                        clevel);
            }
            continue;       /* shared at one level: read once */
        }
        if (v->tables.len >= VERIFY_MAX_TABLES)
            return -E2BIG;
        int rc = frameset_add(&v->tables, child, clevel);
        if (!rc)
            rc = mfnvec_push(s->next, child);
        if (rc)
            return rc;
        v->nr_level[clevel]++;
    }
    return 0;
}

int gather_tables(struct verify *v, pvb_error *err)
{
    struct mfnvec l3s, l2s;
    mfnvec_init(&l3s);
    mfnvec_init(&l2s);

    int rc = frameset_add(&v->tables, v->pt.l4_mfn, 4);
    v->nr_level[4] = 1;
    struct level_scan s = { v, 4, &l3s };
    if (!rc)
        rc = scan_table(&s, v->pt.l4_mfn, v->pt.l4);
    if (!rc) {
        s = (struct level_scan){ v, 3, &l2s };
        rc = ptread_each(&v->pt, l3s.len, l3s.v, scan_table, &s);
    }
    if (!rc) {
        s = (struct level_scan){ v, 2, &v->l1s };
        rc = ptread_each(&v->pt, l2s.len, l2s.v, scan_table, &s);
    }
    /* Every table the walks below can reach, mapped at once. */
    if (!rc && l3s.len + l2s.len + v->l1s.len <= PT_PRELOAD_MAX) {
        struct mfnvec all;
        mfnvec_init(&all);
        if (mfnvec_reserve(&all, l3s.len + l2s.len + v->l1s.len) == 0) {
            const struct mfnvec *parts[] = { &l3s, &l2s, &v->l1s };
            for (size_t i = 0; i < 3; i++)
                for (size_t j = 0; j < parts[i]->len; j++)
                    all.v[all.len++] = parts[i]->v[j];
            ptread_preload(&v->pt, all.len, all.v);
        }
        mfnvec_free(&all);
    }
    mfnvec_free(&l3s);
    mfnvec_free(&l2s);
    if (rc == -E2BIG)
        return fail(err, rc, "domain %u: more than %" PRIu64 " page-table frames "
                    "reachable from cr3 (L4 mfn 0x%" PRIx64 ")", v->domid,
                    VERIFY_MAX_TABLES, v->pt.l4_mfn);
    if (rc)
        return fail(err, rc, "domain %u: out of memory collecting the page tables",
                    v->domid);
    return 0;
}

/* ------------------------------------------------------------ start_info */

void gather_start_info(struct verify *v)
{
    uint64_t rsi = v->ctx.user_regs.rsi;
    uint64_t off = rsi & (PVB_PAGE_SIZE - 1);

    pt_lookup(&v->pt, rsi, &v->si_path);
    if (pt_mapped(&v->si_path) && off + sizeof v->si <= PVB_PAGE_SIZE) {
        uint64_t mfn = PTE_MFN(v->si_path.pte);
        const uint8_t *page = ptread_map(&v->pt, 1, &mfn);
        if (page) {
            memcpy(&v->si, page + off, sizeof v->si);
            ptread_unmap(&v->pt, page, 1);
            v->si_read = true;
        }
    }
    p2m_reader_init(&v->p2m, &v->pt, v->si_read ? v->si.mfn_list : 0,
                    v->si_read ? v->info.nr_pages : 0);
}

/* ------------------------------------------------------------- virt_base */

/*
 * With the kernel's notes, pfn 0 sits at their VIRT_BASE.  Without them
 * (guest NULL) the domain itself tells, since pfn and address advance
 * together from virt_base: the pfn p whose P->M entry holds the cr3 frame
 * is pt_base's pfn, so virt_base = pt_base - p * 4 KiB.  The scan stops at
 * the first such entry, which every layout puts early in the list.  That
 * makes pt_base agree with the P->M list by construction; every other pfn
 * of the mapping is still compared by p2m_matches_mapping, and a list that
 * names the cr3 frame nowhere leaves the mapping checks unable to run.
 */
void gather_virt_base(struct verify *v)
{
    if (v->guest) {
        v->have_base = true;
        v->virt_base = v->guest->virt_base & ~(PVB_PAGE_SIZE - 1);
        snprintf(v->base_note, sizeof v->base_note, "virt_base 0x%" PRIx64
                 " from the kernel's notes", v->guest->virt_base);
        return;
    }
    if (!v->si_read) {
        snprintf(v->base_note, sizeof v->base_note,
                 "virt_base unknown: start_info not readable");
        return;
    }
    uint64_t list_off = v->si.mfn_list & (PVB_PAGE_SIZE - 1);
    for (uint64_t pfn = 0; pfn < v->info.nr_pages;) {
        uint64_t mfn;
        int rc = p2m_get(&v->p2m, pfn, &mfn);
        if (rc == -EFAULT || rc == -EIO) {
            if (v->si.mfn_list & 7)
                break;
            /* Skip the rest of the unreadable list page. */
            uint64_t page = (list_off + pfn * 8) >> PVB_PAGE_SHIFT;
            pfn = (((page + 1) << PVB_PAGE_SHIFT) - list_off) / 8;
            continue;
        }
        if (rc)
            break;
        if (mfn == v->pt.l4_mfn) {
            uint64_t below = pfn << PVB_PAGE_SHIFT;
            if (v->si.pt_base < below || (v->si.pt_base & (PVB_PAGE_SIZE - 1)))
                break;
            v->have_base = true;
            v->virt_base = v->si.pt_base - below;
            snprintf(v->base_note, sizeof v->base_note,
                     "virt_base 0x%" PRIx64 " derived: p2m[0x%" PRIx64 "] is the cr3 "
                     "frame, pt_base 0x%" PRIx64, v->virt_base, pfn, v->si.pt_base);
            return;
        }
        pfn++;
    }
    snprintf(v->base_note, sizeof v->base_note,
             "virt_base unknown: no P->M entry below pt_base 0x%" PRIx64
             " holds the cr3 frame 0x%" PRIx64, v->si.pt_base, v->pt.l4_mfn);
}

/* ------------------------------------------------------------- mappings */

/* Collects the tables a run of lookups uses, skipping repeats in a row. */
struct path_rec {
    uint64_t last[4];
    bool any;
    struct mfnvec *out;
};

static int record_path(struct path_rec *pr, const struct pt_path *p)
{
    unsigned reached = p->stop ? 5 - p->stop : 4;
    for (unsigned k = 0; k < reached; k++) {
        if (pr->any && pr->last[k] == p->table[k])
            continue;
        int rc = mfnvec_push(pr->out, p->table[k]);
        if (rc)
            return rc;
        pr->last[k] = p->table[k];
    }
    pr->any = true;
    return 0;
}

static int nomem(struct verify *v, pvb_error *err, const char *what)
{
    return fail(err, -ENOMEM, "domain %u: out of memory reading %s", v->domid, what);
}

int gather_initial_mapping(struct verify *v, pvb_error *err)
{
    if (!v->have_base)
        return 0;
    struct path_rec pr = { .out = &v->map_tables };
    uint64_t base = v->virt_base;
    /* Pages from base to the top of the address space. */
    uint64_t room = ((UINT64_MAX - base) >> PVB_PAGE_SHIFT) + 1;
    uint64_t limit = v->info.nr_pages < room ? v->info.nr_pages : room;
    uint64_t i;
    struct pt_path p;

    for (i = 0; i < limit; i++) {
        uint64_t va = base + (i << PVB_PAGE_SHIFT);
        pt_lookup(&v->pt, va, &p);
        if (!pt_mapped(&p))
            break;
        if (record_path(&pr, &p))
            return nomem(v, err, "the initial mapping");
        uint64_t mfn = PTE_MFN(p.pte);
        if (v->si_read && !v->store_found && mfn == v->si.store_mfn) {
            v->store_found = true;
            v->store_va = va;
            v->store_pte = p.pte;
        }
        if (v->si_read && !v->console_found && mfn == v->si.console.domU.mfn) {
            v->console_found = true;
            v->console_va = va;
            v->console_pte = p.pte;
        }
    }
    v->map_pages = i;
    if (i == limit && i < room) {
        pt_lookup(&v->pt, base + (i << PVB_PAGE_SHIFT), &p);
        v->map_overrun = pt_mapped(&p);
    }
    mfnvec_sort_unique(&v->map_tables);
    return 0;
}

int gather_p2m_range(struct verify *v, pvb_error *err)
{
    if (!v->si_read || !v->info.nr_pages)
        return 0;
    uint64_t list = v->si.mfn_list;
    uint64_t bytes = (list & (PVB_PAGE_SIZE - 1)) + v->info.nr_pages * 8;
    uint64_t base = list & ~(PVB_PAGE_SIZE - 1);
    uint64_t room = ((UINT64_MAX - base) >> PVB_PAGE_SHIFT) + 1;

    v->p2m_va = base;
    v->p2m_pages = pages_of(bytes);
    v->p2m_inside = verify_in_map(v, list);
    /* One exact allocation: a 4 TiB guest's list is 2^21 pages, 16 MiB of mfns. */
    if (!v->p2m_inside && mfnvec_reserve(&v->p2m_data, v->p2m_pages))
        return nomem(v, err, "the P->M list's frames");

    struct path_rec pr = { .out = &v->p2m_tables };
    uint64_t n = v->p2m_pages < room ? v->p2m_pages : room;
    if (n < v->p2m_pages) {
        /* The part past the top of the address space cannot be mapped. */
        v->p2m_unmapped += v->p2m_pages - n;
        v->p2m_first_unmapped = 0;
    }
    for (uint64_t i = 0; i < n;) {
        uint64_t va = base + (i << PVB_PAGE_SHIFT);
        struct pt_path p;
        pt_lookup(&v->pt, va, &p);
        if (record_path(&pr, &p))
            return nomem(v, err, "the P->M mapping");
        if (!pt_mapped(&p)) {
            uint64_t span = pt_span_pages(va, &p);
            if (span > n - i)
                span = n - i;
            if (!v->p2m_unmapped)
                v->p2m_first_unmapped = va;
            v->p2m_unmapped += span;
            i += span;
            continue;
        }
        if (!(p.pte & PTE_RW)) {
            if (!v->p2m_readonly)
                v->p2m_first_readonly = va;
            v->p2m_readonly++;
        }
        if (!v->p2m_inside && mfnvec_push(&v->p2m_data, PTE_MFN(p.pte)))
            return nomem(v, err, "the P->M list's frames");
        i++;
    }
    mfnvec_sort_unique(&v->p2m_tables);
    return 0;
}
