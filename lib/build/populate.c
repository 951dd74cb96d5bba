/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Populating the guest's memory and writing its P->M list.
 *
 * The frames of two windows are populated first and remembered: the
 * boot elements (the kernel, start_info, the initial page tables, the
 * ramdisk, and the list when it is inside) and, when the list is outside,
 * the P->M segment (the list pages and their tables).  Then every other 2 MiB extent is populated in
 * pfn order, a batch at a time, and its frames are written straight into
 * the list page that holds its entries (one list page per extent), so the
 * builder's memory stays flat however large the guest is.
 */
#include "build/build.h"
#include "util/alloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Extents populated per hypercall batch, as libxenguest does. */
#define BATCH_EXTENTS 512

static uint64_t div_up(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

static bool in_window(const struct pfn_window *w, uint64_t pfn)
{
    return w->populated && pfn >= w->first && pfn - w->first < w->count &&
           (pfn - w->first) / PFNS_PER_EXTENT < w->populated;
}

static xen_pfn_t window_mfn(const struct pfn_window *w, uint64_t pfn)
{
    uint64_t e = (pfn - w->first) / PFNS_PER_EXTENT;
    unsigned j = (unsigned)((pfn - w->first) % PFNS_PER_EXTENT);
    return w->piece[e] ? w->piece[e][j] : w->base[e] + j;
}

int build_mfn(const struct build *b, uint64_t pfn, xen_pfn_t *mfn, pvb_error *err)
{
    if (in_window(&b->low, pfn)) {
        *mfn = window_mfn(&b->low, pfn);
        return 0;
    }
    if (in_window(&b->seg, pfn)) {
        *mfn = window_mfn(&b->seg, pfn);
        return 0;
    }
    return fail(err, -EINVAL, "build: domain %u: pfn 0x%llx is outside the "
                "frames the builder keeps", b->domid, (unsigned long long)pfn);
}

void *build_map_pfns(struct build *b, uint64_t pfn, uint64_t count, int prot,
                     pvb_error *err)
{
    xen_pfn_t *mfns = mem_malloc(count * sizeof *mfns);
    if (!mfns) {
        fail(err, -ENOMEM, "build: cannot allocate a frame list of 0x%llx",
             (unsigned long long)count);
        return NULL;
    }
    for (uint64_t i = 0; i < count; i++) {
        if (build_mfn(b, pfn + i, &mfns[i], err) < 0) {
            free(mfns);
            return NULL;
        }
    }
    void *p = b->host->ops->map(b->host, b->domid, prot, count, mfns, err);
    free(mfns);
    return p;
}

void build_unmap(struct build *b, void *addr, uint64_t count)
{
    if (addr)
        b->host->ops->unmap(b->host, addr, count);
}

void build_unmap_late(struct build *b, void *addr, uint64_t count)
{
    if (!addr || !b->host->keep_mappings ||
        b->nr_kept == sizeof b->kept / sizeof b->kept[0]) {
        build_unmap(b, addr, count);
        return;
    }
    b->kept[b->nr_kept].addr = addr;
    b->kept[b->nr_kept].count = count;
    b->nr_kept++;
}

void build_unmap_kept(struct build *b)
{
    for (unsigned i = 0; i < b->nr_kept; i++)
        build_unmap(b, b->kept[i].addr, b->kept[i].count);
    b->nr_kept = 0;
}

void build_hand_kept(struct build *b)
{
    for (unsigned i = 0; i < b->nr_kept; i++)
        host_keep(b->host, b->domid, b->kept[i].addr, b->kept[i].count);
    b->nr_kept = 0;
}

static void release_frames(struct build *b, const xen_pfn_t *mfns, uint64_t count)
{
    pvb_error ignored;
    if (count && b->host->ops->release(b->host, b->domid, count, mfns, &ignored) < 0)
        b->undo_failed = true;
}

/*
 * Populate pfns [first, first + count) into mfns[]: whole 2 MiB extents
 * where the range holds them (falling back to 4 KiB frames for what the
 * host could not give as extents), 4 KiB frames for the rest.  All or
 * nothing: on failure what was populated is given back.
 */
static int populate_range(struct build *b, uint64_t first, uint64_t count,
                          xen_pfn_t *mfns, pvb_error *err)
{
    const struct host_ops *ops = b->host->ops;
    uint64_t done = 0;

    while (done < count) {
        uint64_t pfn = first + done;
        uint64_t left = count - done;

        uint64_t span;
        unsigned node = numa_node_at(b, pfn, &span);
        if (left > span)
            left = span;        /* a NUMA range ends here */

        if (pfn % PFNS_PER_EXTENT == 0 && left >= PFNS_PER_EXTENT) {
            size_t n = (size_t)(left / PFNS_PER_EXTENT);
            if (n > BATCH_EXTENTS)
                n = BATCH_EXTENTS;
            /* Extent bases go in mfns[] itself: the host overwrites them. */
            xen_pfn_t ext[BATCH_EXTENTS];
            for (size_t i = 0; i < n; i++)
                ext[i] = pfn + i * PFNS_PER_EXTENT;
            long got = node == NUMA_ANY
                ? ops->populate(b->host, b->domid, EXTENT_ORDER, n, ext, err)
                : ops->populate_node(b->host, b->domid, node, EXTENT_ORDER, n, ext, err);
            if (got < 0)
                goto fail;
            for (long i = 0; i < got; i++)
                for (unsigned j = 0; j < PFNS_PER_EXTENT; j++)
                    mfns[done + (uint64_t)i * PFNS_PER_EXTENT + j] = ext[i] + j;
            done += (uint64_t)got * PFNS_PER_EXTENT;
            if ((size_t)got == n)
                continue;
            /* The host ran out of 2 MiB runs: this extent in 4 KiB frames. */
            left = PFNS_PER_EXTENT;
            pfn = first + done;
        } else if (pfn % PFNS_PER_EXTENT + left > PFNS_PER_EXTENT) {
            left = PFNS_PER_EXTENT - pfn % PFNS_PER_EXTENT;
        }

        xen_pfn_t *out = mfns + done;
        for (uint64_t i = 0; i < left; i++)
            out[i] = pfn + i;
        if (err)
            err->msg[0] = 0;    /* so that a partial success's reason is its own */
        long got = node == NUMA_ANY
            ? ops->populate(b->host, b->domid, 0, (size_t)left, out, err)
            : ops->populate_node(b->host, b->domid, node, 0, (size_t)left, out, err);
        if (got < 0)
            goto fail;
        done += (uint64_t)got;
        if ((uint64_t)got < left) {
            /* The host says why it stopped (max_pages, or out of memory). */
            char why[PVB_ERROR_MAX] = "no reason given";
            if (err && err->msg[0])
                snprintf(why, sizeof why, "%s", err->msg);
            fail(err, -ENOMEM, "build: domain %u: the host populated 0x%lx of 0x%llx "
                 "frames at pfn 0x%llx (guest memory 0x%llx pages): %s", b->domid, got,
                 (unsigned long long)left, (unsigned long long)pfn,
                 (unsigned long long)b->plan->nr_pages, why);
            goto fail;
        }
    }
    return 0;

fail:
    release_frames(b, mfns, done);
    return err ? err->code : -ENOMEM;
}

/* The frames of window extent e (n of them, n <= 512) into out[]. */
static uint64_t window_extent_mfns(const struct pfn_window *w, uint64_t e,
                                   xen_pfn_t *out)
{
    uint64_t off = e * PFNS_PER_EXTENT;
    uint64_t n = w->count - off < PFNS_PER_EXTENT ? w->count - off : PFNS_PER_EXTENT;
    for (uint64_t j = 0; j < n; j++)
        out[j] = w->piece[e] ? w->piece[e][j] : w->base[e] + j;
    return n;
}

static void window_release(struct build *b, struct pfn_window *w)
{
    xen_pfn_t mfns[PFNS_PER_EXTENT];
    for (uint64_t e = 0; e < w->populated; e++)
        release_frames(b, mfns, window_extent_mfns(w, e, mfns));
    w->populated = 0;
}

void window_free(struct pfn_window *w)
{
    for (uint64_t e = 0; w->piece && e < w->nr_extents; e++)
        free(w->piece[e]);
    free(w->piece);
    free(w->base);
    memset(w, 0, sizeof *w);
}

/* Keep a populated batch of extents: a base frame each, or all 512 frames. */
static int window_keep(struct pfn_window *w, uint64_t e0, uint64_t n,
                       const xen_pfn_t *mfns, pvb_error *err)
{
    for (uint64_t e = e0; e < e0 + n; e++) {
        const xen_pfn_t *m = mfns + (e - e0) * PFNS_PER_EXTENT;
        uint64_t off = e * PFNS_PER_EXTENT;
        uint64_t cnt = w->count - off < PFNS_PER_EXTENT ? w->count - off : PFNS_PER_EXTENT;
        bool contiguous = true;
        for (uint64_t j = 1; j < cnt && contiguous; j++)
            contiguous = m[j] == m[0] + j;
        w->base[e] = m[0];
        if (!contiguous) {
            w->piece[e] = mem_malloc(cnt * sizeof *m);
            if (!w->piece[e])
                return fail(err, -ENOMEM, "build: cannot allocate a frame list");
            memcpy(w->piece[e], m, cnt * sizeof *m);
        }
        w->populated = e + 1;
    }
    return 0;
}

static int window_init(struct build *b, struct pfn_window *w, uint64_t first,
                       uint64_t end, xen_pfn_t *tmp, pvb_error *err)
{
    uint64_t nr = b->plan->nr_pages;
    /* Whole extents, so that the sweep can skip them extent by extent. */
    w->first = first / PFNS_PER_EXTENT * PFNS_PER_EXTENT;
    end = div_up(end, PFNS_PER_EXTENT) * PFNS_PER_EXTENT;
    if (end > nr)
        end = nr;
    w->count = end - w->first;
    w->nr_extents = div_up(w->count, PFNS_PER_EXTENT);
    w->base = mem_calloc(w->nr_extents ? w->nr_extents : 1, sizeof *w->base);
    w->piece = mem_calloc(w->nr_extents ? w->nr_extents : 1, sizeof *w->piece);
    if (!w->base || !w->piece)
        return fail(err, -ENOMEM, "build: cannot allocate 0x%llx extent records",
                    (unsigned long long)w->nr_extents);

    for (uint64_t e0 = 0; e0 < w->nr_extents; e0 += BATCH_EXTENTS) {
        uint64_t n = w->nr_extents - e0 < BATCH_EXTENTS ? w->nr_extents - e0
                                                        : BATCH_EXTENTS;
        uint64_t pfn = w->first + e0 * PFNS_PER_EXTENT;
        uint64_t cnt = w->first + w->count - pfn < n * PFNS_PER_EXTENT
                       ? w->first + w->count - pfn : n * PFNS_PER_EXTENT;
        int rc = populate_range(b, pfn, cnt, tmp, err);
        if (rc == 0 && (rc = window_keep(w, e0, n, tmp, err)) < 0) {
            w->populated = e0;      /* this whole batch goes back from tmp */
            release_frames(b, tmp, cnt);
        }
        if (rc < 0) {
            window_release(b, w);
            return rc;
        }
    }
    return 0;
}

static bool extent_in_windows(const struct build *b, uint64_t ext)
{
    uint64_t pfn = ext * PFNS_PER_EXTENT;
    return in_window(&b->low, pfn) || in_window(&b->seg, pfn);
}

/* The pfn of the list page holding extent ext's entries. */
static uint64_t list_pfn(const struct build *b, uint64_t ext)
{
    const struct pvb_plan_segment *s = pvb_plan_segment(b->plan, PVB_SEG_P2M);
    return s->pfn + ext;
}

static int map_list(struct build *b, uint64_t ext, uint64_t n, int prot,
                    uint64_t **list, pvb_error *err)
{
    *list = build_map_pfns(b, list_pfn(b, ext), n, prot, err);
    return *list ? 0 : (err ? err->code : -EIO);
}

/*
 * Sweep extents [0, nr_ext) in batches: map the batch's list pages, then
 * populate straight into them (list page e holds extent e's 512 entries,
 * so the mapped pages are the batch's frames in pfn order).  No buffer
 * of the builder's is written: in a PV dom0 each page of one first
 * touched is a fault through the hypervisor.
 */
static int sweep(struct build *b, pvb_error *err)
{
    uint64_t nr = b->plan->nr_pages;
    uint64_t nr_ext = div_up(nr, PFNS_PER_EXTENT);

    for (uint64_t e0 = 0; e0 < nr_ext; e0 += BATCH_EXTENTS) {
        uint64_t n = nr_ext - e0 < BATCH_EXTENTS ? nr_ext - e0 : BATCH_EXTENTS;
        uint64_t populated = 0;   /* frames in the list, for undo */
        uint64_t *list = NULL;
        int rc = map_list(b, e0, n, HOST_MAP_READ | HOST_MAP_WRITE, &list, err);
        if (rc < 0)
            return rc;
        _Static_assert(P2M_PER_PAGE == PFNS_PER_EXTENT, "one list page per extent");
        xen_pfn_t *frames = (xen_pfn_t *)list;
        uint64_t base = e0 * PFNS_PER_EXTENT;

        /* Populate the batch's extents, a run of non-window extents at a time. */
        for (uint64_t e = e0; e < e0 + n && rc == 0;) {
            if (extent_in_windows(b, e)) {
                e++;
                continue;
            }
            uint64_t run_end = e;
            while (run_end < e0 + n && !extent_in_windows(b, run_end))
                run_end++;
            uint64_t pfn = e * PFNS_PER_EXTENT;
            uint64_t end = run_end * PFNS_PER_EXTENT < nr ? run_end * PFNS_PER_EXTENT : nr;
            rc = populate_range(b, pfn, end - pfn, frames + (pfn - base), err);
            if (rc == 0)
                populated = end - base;
            e = run_end;
        }
        if (rc < 0) {
            /* Give back this batch's frames; earlier batches are in the list. */
            for (uint64_t e = e0; e < e0 + n; e++) {
                uint64_t off = (e - e0) * PFNS_PER_EXTENT;
                if (extent_in_windows(b, e) || off >= populated)
                    continue;
                uint64_t cnt = populated - off < PFNS_PER_EXTENT ? populated - off
                                                                 : PFNS_PER_EXTENT;
                uint64_t pfn = e * PFNS_PER_EXTENT;
                if (pfn + cnt > nr)
                    cnt = nr - pfn;
                release_frames(b, frames + off, cnt);
            }
            build_unmap(b, list, n);
            return rc;
        }

        for (uint64_t e = e0; e < e0 + n; e++) {
            uint64_t *page = list + (e - e0) * P2M_PER_PAGE;
            uint64_t pfn = e * PFNS_PER_EXTENT;
            unsigned valid = nr - pfn < PFNS_PER_EXTENT ? (unsigned)(nr - pfn)
                                                        : PFNS_PER_EXTENT;
            if (extent_in_windows(b, e))
                for (unsigned j = 0; j < valid; j++)
                    build_mfn(b, pfn + j, &page[j], NULL);
            /* Entries past the last pfn are invalid, as Linux expects. */
            for (unsigned j = valid; j < P2M_PER_PAGE; j++)
                page[j] = ~UINT64_C(0);
        }
        build_unmap(b, list, n);
        b->swept_extents = e0 + n;
        /* Every pfn below here has its frame and its P->M entry. */
        if (b->progress)
            b->progress(b->progress_opaque, (e0 + n) * PFNS_PER_EXTENT < nr
                        ? (e0 + n) * PFNS_PER_EXTENT : nr, nr);
    }
    return 0;
}

int populate_all(struct build *b, pvb_error *err)
{
    const struct pvb_plan *plan = b->plan;
    int rc;

    xen_pfn_t *tmp = mem_malloc((size_t)BATCH_EXTENTS * PFNS_PER_EXTENT * sizeof *tmp);
    if (!tmp)
        return fail(err, -ENOMEM, "build: cannot allocate the populate batch");

    /* Everything but an outside P->M segment lies below first_p2m_pfn. */
    rc = window_init(b, &b->low, 0, plan->p2m_outside ? plan->si.first_p2m_pfn
                                                       : plan->total_pfns, tmp, err);
    if (rc == 0 && plan->p2m_outside) {
        uint64_t first = plan->si.first_p2m_pfn;
        /* Windows are whole extents: start the second past the first. */
        if (first < b->low.first + b->low.count)
            first = b->low.first + b->low.count;
        rc = window_init(b, &b->seg, first,
                         plan->si.first_p2m_pfn + plan->si.nr_p2m_frames, tmp, err);
    }
    free(tmp);
    if (rc == 0)
        rc = sweep(b, err);
    return rc;
}

/* Undo populate_all: every frame it populated goes back to the host. */
void release_all(struct build *b)
{
    pvb_error ignored;
    uint64_t nr = b->plan->nr_pages;
    xen_pfn_t *buf = mem_malloc((size_t)BATCH_EXTENTS * PFNS_PER_EXTENT * sizeof *buf);

    if (!buf && b->swept_extents)
        b->undo_failed = true;
    /* Swept extents outside the windows: their frames are in the list. */
    for (uint64_t e0 = 0; buf && e0 < b->swept_extents; e0 += BATCH_EXTENTS) {
        uint64_t n = b->swept_extents - e0 < BATCH_EXTENTS ? b->swept_extents - e0
                                                          : BATCH_EXTENTS;
        uint64_t *list;
        if (map_list(b, e0, n, HOST_MAP_READ, &list, &ignored) < 0) {
            b->undo_failed = true;
            break;
        }
        uint64_t cnt = 0;
        for (uint64_t e = e0; e < e0 + n; e++) {
            if (extent_in_windows(b, e))
                continue;
            uint64_t pfn = e * PFNS_PER_EXTENT;
            unsigned valid = nr - pfn < PFNS_PER_EXTENT ? (unsigned)(nr - pfn)
                                                        : PFNS_PER_EXTENT;
            memcpy(buf + cnt, list + (e - e0) * P2M_PER_PAGE, valid * sizeof *buf);
            cnt += valid;
        }
        build_unmap(b, list, n);
        release_frames(b, buf, cnt);
    }
    free(buf);
    b->swept_extents = 0;

    window_release(b, &b->seg);
    window_release(b, &b->low);
    window_free(&b->seg);
    window_free(&b->low);
}
