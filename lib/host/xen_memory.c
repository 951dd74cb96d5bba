/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A domain's memory on real Xen:
 *   populate    XENMEM_populate_physmap (xc_domain_populate_physmap): for a
 *               PV domain the extent list holds pfns in and Xen writes each
 *               extent's first mfn back (and fills the M2P itself)
 *   release     XENMEM_decrease_reservation (xc_domain_decrease_reservation)
 *               of order-0 machine frames: a PV domain's "gmfn" is its mfn
 *   map, unmap  xenforeignmemory_map / _unmap of machine frames
 *   claim       XENMEM_claim_pages (xc_domain_claim_pages)
 *   memory_info XEN_SYSCTL_physinfo (xc_physinfo): total, free, claimed
 *   grant_seed  the grant table's first frame through
 *               xenforeignmemory_map_resource (XENMEM_acquire_resource)
 * Xen reports a short populate or release by its count alone, with no
 * errno: the message then says what the domain's page counts show.
 */
#include "host/xen_internal.h"
#include "util/alloc.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util/error.h"

/* Extents per hypercall: bounds the bounce buffer and the int it returns. */
#define CHUNK_EXTENTS 65536
/* Above this an extent is not what the builder asks for (order 9 = 2 MiB). */
#define MAX_ORDER_ASKED 18

/* Why Xen stopped short: the domain's page counts tell max_pages apart. */
static bool at_max_pages(struct xen_host *x, uint32_t domid, unsigned order,
                         char *why, size_t len)
{
    xen_domctl_getdomaininfo_t di;
    pvb_error ignored;
    if (xen_getdomaininfo(x, domid, &di, &ignored) < 0) {
        snprintf(why, len, "Xen gave no reason");
        return false;
    }
    if (di.tot_pages + (UINT64_C(1) << order) > di.max_pages) {
        snprintf(why, len, "the domain reached max_pages 0x%" PRIx64
                 " (0x%" PRIx64 " populated)", (uint64_t)di.max_pages,
                 (uint64_t)di.tot_pages);
        return true;
    }
    snprintf(why, len, "Xen has no free %s left (0x%" PRIx64 " of max_pages 0x%"
             PRIx64 " populated)", order ? "machine run of that order" : "memory",
             (uint64_t)di.tot_pages, (uint64_t)di.max_pages);
    return false;
}

static long populate_flags(struct pvb_host *h, uint32_t domid, unsigned order,
                           unsigned flags, size_t count, xen_pfn_t *extents,
                           pvb_error *err)
{
    struct xen_host *x = xen_host_of(h);

    if (count && !extents)
        return fail(err, -EINVAL, "xen: domain %u: populate of %zu extents without a list",
                    domid, count);
    if (order > MAX_ORDER_ASKED)
        return fail(err, -EINVAL, "xen: domain %u: populate order %u: above %u",
                    domid, order, MAX_ORDER_ASKED);
    if (count > (size_t)LONG_MAX)
        count = LONG_MAX;

    size_t done = 0;
    while (done < count) {
        size_t n = count - done < CHUNK_EXTENTS ? count - done : CHUNK_EXTENTS;
        uint64_t pfn = extents[done];
        int got = xc_domain_populate_physmap(x->xch, domid, n, order, flags,
                                             extents + done);
        if (got < 0) {
            int rc = xen_fail(err, domid, errno, "populate 0x%zx extents of order %u "
                              "at pfn 0x%" PRIx64 " failed", n, order, pfn);
            return done ? (long)done : rc;
        }
        done += (size_t)got;
        if ((size_t)got == n)
            continue;

        char why[160];
        bool full = at_max_pages(x, domid, order, why, sizeof why);
        fail(err, -ENOMEM, "xen: domain %u: populate 0x%zx extents of order %u at pfn 0x%"
             PRIx64 " stopped after 0x%x: %s", domid, n, order, pfn, got, why);
        /* As the builder expects: no 2 MiB run left is 0 extents, not an error. */
        if (done == 0 && (full || order == 0))
            return -ENOMEM;
        return (long)done;
    }
    return (long)done;
}

long xen_populate(struct pvb_host *h, uint32_t domid, unsigned order,
                  size_t count, xen_pfn_t *extents, pvb_error *err)
{
    return populate_flags(h, domid, order, 0, count, extents, err);
}

long xen_populate_node(struct pvb_host *h, uint32_t domid, unsigned node,
                       unsigned order, size_t count, xen_pfn_t *extents,
                       pvb_error *err)
{
    if (node >= HOST_MAX_NODES)
        return fail(err, -EINVAL, "xen: domain %u: populate on node %u: above %u",
                    domid, node, HOST_MAX_NODES - 1);
    return populate_flags(h, domid, order, XENMEMF_exact_node(node), count, extents, err);
}

int xen_numa_info(struct pvb_host *h, struct host_numa *numa, pvb_error *err)
{
    xc_meminfo_t mem[HOST_MAX_NODES];
    unsigned max = HOST_MAX_NODES;
    if (xc_numainfo(xen_host_of(h)->xch, &max, mem, NULL) < 0) {
        int e = errno ? errno : EIO;
        return fail(err, -e, "xen: numainfo failed: %s", strerror(e));
    }
    numa->nr_nodes = 0;
    for (unsigned n = 0; n < max && n < HOST_MAX_NODES; n++) {
        /* Node ids may have holes: a node without memory gets nothing. */
        bool present = mem[n].memsize != XEN_INVALID_MEM_SZ;
        numa->total_pages[n] = present ? mem[n].memsize >> 12 : 0;
        numa->free_pages[n] = present ? mem[n].memfree >> 12 : 0;
        numa->nr_nodes = n + 1;
    }
    return 0;
}

int xen_release(struct pvb_host *h, uint32_t domid, size_t count,
                const xen_pfn_t *mfns, pvb_error *err)
{
    struct xen_host *x = xen_host_of(h);

    if (!count)
        return 0;
    if (!mfns)
        return fail(err, -EINVAL, "xen: domain %u: release of %zu frames without a list",
                    domid, count);

    /* libxenctrl's list is not const (the hypercall may write it). */
    size_t cap = count < CHUNK_EXTENTS ? count : CHUNK_EXTENTS;
    xen_pfn_t *buf = mem_malloc(cap * sizeof *buf);
    if (!buf)
        return fail(err, -ENOMEM, "xen: domain %u: release of 0x%zx frames: out of memory",
                    domid, count);
    for (size_t done = 0; done < count;) {
        size_t n = count - done < cap ? count - done : cap;
        memcpy(buf, mfns + done, n * sizeof *buf);
        int got = xc_domain_decrease_reservation(x->xch, domid, n, 0, buf);
        if (got < 0) {
            int e = errno;
            free(buf);
            return xen_fail(err, domid, e, "release of 0x%zx frames from mfn 0x%"
                            PRIx64 " failed", n, (uint64_t)mfns[done]);
        }
        done += (size_t)got;
        if ((size_t)got < n) {
            free(buf);
            return fail(err, -EINVAL, "xen: domain %u: release of mfn 0x%" PRIx64
                        " (entry %zu of %zu) refused by Xen: not the domain's frame? "
                        "(the entries before it were released)", domid,
                        (uint64_t)mfns[done], done, count);
        }
    }
    free(buf);
    return 0;
}

void *xen_map(struct pvb_host *h, uint32_t domid, int prot, size_t count,
              const xen_pfn_t *mfns, pvb_error *err)
{
    struct xen_host *x = xen_host_of(h);
    const char *how = (prot & HOST_MAP_WRITE) ? "writable" : "read-only";

    if (!count || !mfns || count > SIZE_MAX / PVB_PAGE_SIZE) {
        fail(err, -EINVAL, "xen: domain %u: map of 0x%zx frames%s", domid, count,
             mfns ? ": bad count" : " without a list");
        return NULL;
    }
    int *errs = mem_calloc(count, sizeof *errs);
    if (!errs) {
        fail(err, -ENOMEM, "xen: domain %u: map of 0x%zx frames: out of memory",
             domid, count);
        return NULL;
    }

    int mprot = PROT_READ | ((prot & HOST_MAP_WRITE) ? PROT_WRITE : 0);
    void *addr = xenforeignmemory_map(x->fmem, domid, mprot, count, mfns, errs);
    if (!addr) {
        int e = errno;
        free(errs);
        xen_fail(err, domid, e, "map of 0x%zx frames from mfn 0x%" PRIx64 " (%s) failed",
                 count, (uint64_t)mfns[0], how);
        return NULL;
    }

    /* Per-frame errors are negative errno values from the privcmd driver. */
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < count; i++)
        if (errs[i] && bad++ == 0)
            first = i;
    if (bad) {
        int e = errs[first] < 0 ? -errs[first] : errs[first];
        xenforeignmemory_unmap(x->fmem, addr, count);
        free(errs);
        xen_fail(err, domid, e, "map of 0x%zx frames (%s): mfn 0x%" PRIx64
                 " (frame %zu, the first of 0x%zx that failed) failed%s", count, how,
                 (uint64_t)mfns[first], first, bad,
                 e == EINVAL && (prot & HOST_MAP_WRITE)
                     ? " (not the domain's frame, or a page-table frame mapped writable)"
                     : "");
        return NULL;
    }
    free(errs);
    return addr;
}

void xen_unmap(struct pvb_host *h, void *addr, size_t count)
{
    if (addr)
        xenforeignmemory_unmap(xen_host_of(h)->fmem, addr, count);
}

int xen_grant_seed(struct pvb_host *h, uint32_t domid, uint32_t backend_domid,
                   xen_pfn_t console_mfn, xen_pfn_t xenstore_mfn, pvb_error *err)
{
    struct xen_host *x = xen_host_of(h);
    const xen_pfn_t mfns[2] = { console_mfn, xenstore_mfn };
    static const unsigned refs[2] = { GNTTAB_RESERVED_CONSOLE, GNTTAB_RESERVED_XENSTORE };
    static const char *const names[2] = { "console", "xenstore" };

    if (backend_domid >= DOMID_FIRST_RESERVED)
        return fail(err, -EINVAL, "xen: domain %u: grant backend domain %u is not a "
                    "real domain id", domid, backend_domid);
    for (int i = 0; i < 2; i++)
        if (mfns[i] > UINT32_MAX)
            return fail(err, -ERANGE, "xen: domain %u: grant of %s mfn 0x%" PRIx64
                        ": a v1 grant entry's frame is 32 bits", domid, names[i],
                        (uint64_t)mfns[i]);

    void *addr = NULL;
    xenforeignmemory_resource_handle *res = xenforeignmemory_map_resource(
        x->fmem, (domid_t)domid, XENMEM_resource_grant_table,
        XENMEM_resource_grant_table_id_shared, 0, 1, &addr,
        PROT_READ | PROT_WRITE, 0);
    if (!res) {
        int e = errno;
        return xen_fail(err, domid, e, "mapping grant table frame 0 failed%s",
                        e == EOPNOTSUPP ? " (the dom0 kernel has no "
                        "IOCTL_PRIVCMD_MMAP_RESOURCE: Linux 4.18 or later needed)" : "");
    }

    grant_entry_v1_t *table = addr;
    for (int i = 0; i < 2; i++) {
        grant_entry_v1_t *g = &table[refs[i]];
        g->frame = (uint32_t)mfns[i];
        g->domid = (domid_t)backend_domid;
        /* The entry is live once flags say so: frame and domid first. */
        __atomic_store_n(&g->flags, (uint16_t)GTF_permit_access, __ATOMIC_RELEASE);
    }
    if (xenforeignmemory_unmap_resource(x->fmem, res) < 0)
        return xen_fail(err, domid, errno, "unmapping grant table frame 0 failed");
    return 0;
}

int xen_claim(struct pvb_host *h, uint32_t domid, uint64_t pages, pvb_error *err)
{
    struct xen_host *x = xen_host_of(h);
    if (xc_domain_claim_pages(x->xch, domid, (unsigned long)pages) < 0) {
        int e = errno;
        if (pages == 0)
            return xen_fail(err, domid, e, "releasing its claim failed");
        return xen_fail(err, domid, e, "claim of 0x%" PRIx64 " pages failed", pages);
    }
    return 0;
}

int xen_memory_info(struct pvb_host *h, struct host_memory *mem, pvb_error *err)
{
    xc_physinfo_t pi = { 0 };
    if (xc_physinfo(xen_host_of(h)->xch, &pi) < 0) {
        int e = errno ? errno : EIO;
        return fail(err, -e, "xen: physinfo failed: %s", strerror(e));
    }
    mem->total_pages = pi.total_pages;
    mem->free_pages = pi.free_pages;
    mem->outstanding_pages = pi.outstanding_pages;
    return 0;
}
