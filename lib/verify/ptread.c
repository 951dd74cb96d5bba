/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "verify/ptread.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/error.h"

int ptread_open(struct ptread *r, pvb_host *h, uint32_t domid, uint64_t l4_mfn,
                pvb_error *err)
{
    memset(r, 0, sizeof *r);
    r->h = h;
    r->domid = domid;
    r->l4_mfn = l4_mfn;
    r->l4 = ptread_map(r, 1, &l4_mfn);
    if (!r->l4)
        return fail(err, -EFAULT, "domain %u: cr3 frame 0x%" PRIx64
                    " (the top-level table) cannot be mapped: %s",
                    domid, l4_mfn, r->last_refusal.msg);
    return 0;
}

static void drop_cache(struct ptread *r, unsigned i)
{
    r->leaf_valid = false;
    if (r->cache[i].valid && r->cache[i].page)
        ptread_unmap(r, r->cache[i].page, 1);
    memset(&r->cache[i], 0, sizeof r->cache[i]);
}

static int cmp_mfn(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void ptread_preload(struct ptread *r, size_t count, const uint64_t *mfns)
{
    if (r->pre || !count || count > PT_PRELOAD_MAX)
        return;
    uint64_t *sorted = mem_malloc(count * sizeof *sorted);
    if (!sorted)
        return;
    memcpy(sorted, mfns, count * sizeof *sorted);
    qsort(sorted, count, sizeof *sorted, cmp_mfn);
    /* A host failure is recorded as for any map; a refused frame is
     * left for the lookups to meet. */
    const void *p = ptread_map(r, count, sorted);
    if (!p) {
        free(sorted);
        return;
    }
    r->pre = p;
    r->pre_mfns = sorted;
    r->nr_pre = count;
}

static const uint64_t *preloaded(const struct ptread *r, uint64_t mfn)
{
    size_t lo = 0, hi = r->nr_pre;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->pre_mfns[mid] == mfn)
            return (const uint64_t *)(r->pre + mid * PVB_PAGE_SIZE);
        if (r->pre_mfns[mid] < mfn)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void ptread_close(struct ptread *r)
{
    for (unsigned i = 0; i < 3; i++)
        drop_cache(r, i);
    if (r->pre)
        ptread_unmap(r, r->pre, r->nr_pre);
    free(r->pre_mfns);
    r->pre = NULL;
    r->pre_mfns = NULL;
    r->nr_pre = 0;
    if (r->l4)
        ptread_unmap(r, r->l4, 1);
    r->l4 = NULL;
}

/* Frames travel as uint64_t here and as xen_pfn_t to the host. */
_Static_assert(sizeof(xen_pfn_t) == sizeof(uint64_t), "xen_pfn_t is 64-bit on x86_64");

const void *ptread_map(struct ptread *r, size_t count, const uint64_t *mfns)
{
    pvb_error e = { 0, "" };
    void *p = r->h->ops->map(r->h, r->domid, HOST_MAP_READ, count,
                             (const xen_pfn_t *)mfns, &e);
    if (!p) {
        r->refused++;
        r->last_refusal = e;
        /* What a host says of a frame it will not map; anything else is its own trouble. */
        bool about_frame = e.code == -EPERM || e.code == -EINVAL ||
                           e.code == -EACCES || e.code == -ENOENT || e.code == -EFAULT;
        if (!about_frame && !r->host_failure.code)
            r->host_failure = e;
    }
    return p;
}

void ptread_unmap(struct ptread *r, const void *addr, size_t count)
{
    if (addr)
        r->h->ops->unmap(r->h, (void *)addr, count);
}

int ptread_each(struct ptread *r, size_t count, const uint64_t *mfns,
                pt_frame_fn *fn, void *opaque)
{
    for (size_t done = 0; done < count;) {
        size_t n = count - done < PT_BATCH ? count - done : PT_BATCH;
        const uint8_t *base = ptread_map(r, n, mfns + done);
        int rc = 0;
        if (base) {
            for (size_t i = 0; i < n && rc >= 0; i++)
                rc = fn(opaque, mfns[done + i],
                        (const uint64_t *)(base + i * PVB_PAGE_SIZE));
            ptread_unmap(r, base, n);
        } else {
            for (size_t i = 0; i < n && rc >= 0; i++) {
                const uint64_t *page = ptread_map(r, 1, &mfns[done + i]);
                rc = fn(opaque, mfns[done + i], page);
                ptread_unmap(r, page, 1);
            }
        }
        if (rc < 0)
            return rc;
        done += n;
    }
    return 0;
}

/* The table at mfn for level `level` (3..1), through the one-frame cache. */
static const uint64_t *table(struct ptread *r, unsigned level, uint64_t mfn)
{
    const uint64_t *pre = r->nr_pre ? preloaded(r, mfn) : NULL;
    if (pre)
        return pre;
    struct pt_cached *c = &r->cache[3 - level];
    if (c->valid && c->mfn == mfn)
        return c->page;
    drop_cache(r, 3 - level);
    c->page = ptread_map(r, 1, &mfn);
    c->mfn = mfn;
    c->valid = true;
    return c->page;
}

void pt_lookup(struct ptread *r, uint64_t va, struct pt_path *p)
{
    memset(p, 0, sizeof *p);
    /* Walking a range page by page: each page of a 2 MiB run would walk
     * the same L4, L3 and L2 entries again. */
    if (r->leaf_valid && va >> 21 == r->leaf_2m) {
        memcpy(p->table, r->leaf_tables, sizeof p->table);
        p->pte = r->leaf_l1[pt_index(va, 1)];
        p->stop = p->pte & PTE_PRESENT ? 0 : 1;
        return;
    }
    p->table[0] = r->l4_mfn;
    p->stop = 4;
    if (!pt_canonical(va) || pt_xen_slot(pt_index(va, 4)))
        return;

    const uint64_t *t = r->l4;
    for (unsigned level = 4; level >= 1; level--) {
        uint64_t e = t[pt_index(va, level)];
        p->stop = level;
        if (level == 1) {
            p->pte = e;
            if (e & PTE_PRESENT)
                p->stop = 0;
            r->leaf_2m = va >> 21;
            r->leaf_l1 = t;
            memcpy(r->leaf_tables, p->table, sizeof r->leaf_tables);
            r->leaf_valid = true;
            return;
        }
        if (!(e & PTE_PRESENT))
            return;
        if (e & PTE_PSE) {
            p->superpage = true;
            return;
        }
        uint64_t next = PTE_MFN(e);
        t = table(r, level - 1, next);
        if (!t) {
            p->unreadable = true;
            return;
        }
        p->table[5 - level] = next;
    }
}

uint64_t pt_span_pages(uint64_t va, const struct pt_path *p)
{
    if (p->stop == 4 && !pt_canonical(va)) {
        /* The non-canonical hole: resume at its upper end. */
        return ((UINT64_C(0xffff800000000000) - va) >> PVB_PAGE_SHIFT);
    }
    unsigned level = p->stop ? p->stop : 1;
    uint64_t size = PT_LEVEL_BYTES(level);
    uint64_t off = va & (size - 1) & ~(PVB_PAGE_SIZE - 1);
    return (size - off) >> PVB_PAGE_SHIFT;
}
