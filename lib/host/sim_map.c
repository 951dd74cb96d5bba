/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * map()/unmap() on the simulated host: the caller's views of machine
 * frames.  A view is a reserved virtual range with one MAP_SHARED mmap of
 * the machine memfd per run of consecutive machine frames, so a 2 MiB
 * extent costs one call and two views of a frame see the same bytes.
 *
 * Live views are remembered: Xen holds a writable type reference for a
 * writable foreign mapping, so a table frame the caller still maps
 * writable cannot be pinned (sim_pagetable.c checks that).
 */
#include "host/sim_internal.h"
#include "util/alloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util/error.h"

void *sim_map(struct pvb_host *h, uint32_t domid, int prot, size_t count,
              const xen_pfn_t *mfns, pvb_error *err)
{
    struct sim_host *s = sim_host_of(h);
    struct sim_domain *d;
    if (sim_domain_get(s, domid, "map", &d, err))
        return NULL;
    if (!count || !mfns || count > SIZE_MAX / PVB_PAGE_SIZE) {
        fail(err, -EINVAL, "sim: domain %u: map of 0x%zx frames: bad frame count or list",
             domid, count);
        return NULL;
    }
    if (!prot || (prot & ~(HOST_MAP_READ | HOST_MAP_WRITE))) {
        fail(err, -EINVAL, "sim: domain %u: map protection 0x%x is not READ and/or WRITE",
             domid, (unsigned)prot);
        return NULL;
    }

    size_t nr_runs = 0;
    for (size_t i = 0; i < count; i++) {
        xen_pfn_t mfn = mfns[i];
        if (!sim_frame_is(&s->mem, mfn, domid)) {
            char buf[64];
            fail(err, -EINVAL,
                 "sim: domain %u: map of mfn 0x%" PRIx64 " (entry %zu of 0x%zx) refused: "
                 "not the domain's frame (%s)", domid, (uint64_t)mfn, i, count,
                 sim_owner_text(s, mfn, buf, sizeof buf));
            return NULL;
        }
        if (prot & HOST_MAP_WRITE) {
            unsigned level = sim_pinned_level(s, mfn);
            if (level) {
                fail(err, -EPERM,
                     "sim: domain %u: writable map of mfn 0x%" PRIx64 " (entry %zu of 0x%zx) "
                     "refused: it is a pinned L%u page table", domid, (uint64_t)mfn, i,
                     count, level);
                return NULL;
            }
        }
        if (i == 0 || mfn != mfns[i - 1] + 1)
            nr_runs++;
    }

    struct sim_view *v = mem_calloc(1, sizeof *v);
    struct sim_run *runs = mem_calloc(nr_runs, sizeof *runs);
    if (!v || !runs) {
        free(v);
        free(runs);
        fail(err, -ENOMEM, "sim: domain %u: map of 0x%zx frames: out of memory", domid, count);
        return NULL;
    }
    size_t r = 0;
    for (size_t i = 0; i < count; i++) {
        if (i == 0 || mfns[i] != mfns[i - 1] + 1)
            runs[r++].mfn = mfns[i];
        runs[r - 1].len++;
    }

    size_t bytes = count * PVB_PAGE_SIZE;
    char *base = mmap(NULL, bytes, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) {
        int e = errno;
        free(v);
        free(runs);
        fail(err, -e, "sim: domain %u: reserving 0x%zx bytes for a map failed: %s",
             domid, bytes, strerror(e));
        return NULL;
    }
    int mprot = PROT_READ | ((prot & HOST_MAP_WRITE) ? PROT_WRITE : 0);
    size_t off = 0;
    for (r = 0; r < nr_runs; r++) {
        void *p = mmap(base + off, runs[r].len * PVB_PAGE_SIZE, mprot,
                       MAP_SHARED | MAP_FIXED, s->mem.fd,
                       (off_t)(runs[r].mfn * PVB_PAGE_SIZE));
        if (p == MAP_FAILED) {
            int e = errno;
            munmap(base, bytes);
            fail(err, -e,
                 "sim: domain %u: map of 0x%zx frames: mmap of run %zu of %zu "
                 "(mfn 0x%" PRIx64 ", 0x%" PRIx64 " frames) failed: %s%s", domid, count,
                 r, nr_runs, (uint64_t)runs[r].mfn, runs[r].len, strerror(e),
                 e == ENOMEM ? " (each run is one mapping: see vm.max_map_count)" : "");
            free(v);
            free(runs);
            return NULL;
        }
        if (prot & HOST_MAP_WRITE)
            sim_mark_dirty(&s->mem, runs[r].mfn, runs[r].len);
        off += runs[r].len * PVB_PAGE_SIZE;
    }

    v->addr = base;
    v->count = count;
    v->domid = domid;
    v->prot = prot;
    v->nr_runs = nr_runs;
    v->runs = runs;
    v->next = s->views;
    s->views = v;
    return base;
}

void sim_unmap(struct pvb_host *h, void *addr, size_t count)
{
    struct sim_host *s = sim_host_of(h);
    if (!addr)
        return;
    for (struct sim_view **pv = &s->views; *pv; pv = &(*pv)->next) {
        struct sim_view *v = *pv;
        if (v->addr == addr) {
            *pv = v->next;
            free(v->runs);
            free(v);
            break;
        }
    }
    munmap(addr, count * PVB_PAGE_SIZE);
}

void sim_views_drop_all(struct sim_host *s)
{
    while (s->views) {
        struct sim_view *v = s->views;
        s->views = v->next;
        munmap(v->addr, v->count * PVB_PAGE_SIZE);
        free(v->runs);
        free(v);
    }
}

size_t sim_live_views(struct pvb_host *h)
{
    size_t n = 0;
    for (const struct sim_view *v = sim_host_of(h)->views; v; v = v->next)
        n++;
    return n;
}
