/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading a PV domain's 4-level page tables back from the host, read-only.
 * Lookups keep the last L3, L2 and L1 frame mapped, so walking a range in
 * address order maps each table once; whole sets of tables are read in
 * batches of PT_BATCH frames per map() call.  Once the tables reachable
 * from cr3 are known they can be mapped together (ptread_preload), and
 * lookups then map nothing: each map() is three system calls (mmap, the
 * privcmd ioctl, munmap), and in a PV dom0 each of those is a trip
 * through the hypervisor.
 */
#ifndef PVB_VERIFY_PTREAD_H
#define PVB_VERIFY_PTREAD_H

#include <stdbool.h>
#include <stdint.h>
#include "host/host.h"

/* x86_64 4-level paging entries (Intel SDM vol. 3A, 4.5). */
#define PTE_PRESENT (UINT64_C(1) << 0)
#define PTE_RW      (UINT64_C(1) << 1)
#define PTE_PSE     (UINT64_C(1) << 7)
#define PTE_NX      (UINT64_C(1) << 63)
#define PTE_ADDR    UINT64_C(0x000ffffffffff000)
#define PTE_MFN(e)  (((e) & PTE_ADDR) >> PVB_PAGE_SHIFT)
#define PT_ENTRIES  512u
#define PT_BATCH    512u
/* At most this many tables are mapped together (16 MiB of addresses). */
#define PT_PRELOAD_MAX 4096u

/* Bytes one entry of a level-n table covers: 4 KiB << 9 * (n - 1). */
#define PT_LEVEL_BYTES(n) (PVB_PAGE_SIZE << (9 * ((n) - 1)))

static inline unsigned pt_index(uint64_t va, unsigned level)
{
    return (unsigned)(va >> (PVB_PAGE_SHIFT + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

/* L4 slots Xen keeps for itself ([HYPERVISOR_VIRT_START, _END)): not the guest's. */
static inline bool pt_xen_slot(unsigned l4_index)
{
    return l4_index >= pt_index(__HYPERVISOR_VIRT_START, 4) &&
           l4_index < pt_index(__HYPERVISOR_VIRT_END, 4);
}

/* 48-bit canonical address: bits 63..47 all equal. */
static inline bool pt_canonical(uint64_t va)
{
    uint64_t top = va >> 47;
    return top == 0 || top == (UINT64_C(1) << 17) - 1;
}

struct pt_cached {
    uint64_t mfn;
    const uint64_t *page;    /* NULL when the host refused to map mfn */
    bool valid;
};

struct ptread {
    pvb_host *h;
    uint32_t domid;
    uint64_t l4_mfn;
    const uint64_t *l4;
    struct pt_cached cache[3];   /* the last L3, L2, L1 read */
    /*
     * The last walk that reached an L1 table: a lookup in the same 2 MiB
     * takes its entry straight from that table (the tables do not change
     * while they are read).  Dropped with the frame it points into.
     */
    uint64_t leaf_2m;            /* va >> 21 of that walk */
    const uint64_t *leaf_l1;
    uint64_t leaf_tables[4];
    bool leaf_valid;
    uint64_t *pre_mfns;          /* preloaded tables, sorted ascending */
    const uint8_t *pre;          /* ... mapped in that order */
    size_t nr_pre;
    uint64_t refused;            /* map() calls the host refused */
    pvb_error last_refusal;      /* the host's message for the last one */
    /*
     * The first map() that failed for the host's own reasons (out of
     * memory, an I/O error), not because of the frame: the domain could
     * not be read, which is an error of pvb_verify, not a finding.
     */
    pvb_error host_failure;
};

/* Map the top-level table; fails (negative) when the host refuses it. */
int ptread_open(struct ptread *r, pvb_host *h, uint32_t domid, uint64_t l4_mfn,
                pvb_error *err);
void ptread_close(struct ptread *r);

/*
 * Map the tables mfns[] (at most PT_PRELOAD_MAX, no duplicates) in one
 * call for the lookups that follow.  When the host refuses the batch or
 * memory is short, lookups map table by table as before and meet the
 * refusals themselves; a failure of the host's own is kept in
 * host_failure, as for any map.
 */
void ptread_preload(struct ptread *r, size_t count, const uint64_t *mfns);

/* Map frames read-only (NULL when refused, counted in r->refused). */
const void *ptread_map(struct ptread *r, size_t count, const uint64_t *mfns);
void ptread_unmap(struct ptread *r, const void *addr, size_t count);

/*
 * Call fn for each frame of mfns, mapping up to PT_BATCH at a time (one by
 * one when the host refuses a batch, so one bad frame does not hide the
 * rest); page is NULL for a frame the host refuses.  Stops at the first
 * negative return of fn and returns it.
 */
typedef int pt_frame_fn(void *opaque, uint64_t mfn, const uint64_t *page);
int ptread_each(struct ptread *r, size_t count, const uint64_t *mfns,
                pt_frame_fn *fn, void *opaque);

/* What one virtual address resolves to. */
struct pt_path {
    uint64_t pte;          /* the L1 entry, when the walk reached one */
    unsigned stop;         /* 0: reached the L1 entry; else the level (4..1) whose
                              entry is absent or unusable */
    bool unreadable;       /* stopped at a table frame the host refused */
    bool superpage;        /* stopped at a PSE entry (PV forbids them) */
    uint64_t table[4];     /* mfns of the L4, L3, L2, L1 used, for levels reached */
};

void pt_lookup(struct ptread *r, uint64_t va, struct pt_path *p);

static inline bool pt_mapped(const struct pt_path *p)
{
    return p->stop == 0 && (p->pte & PTE_PRESENT);
}

/*
 * Pages from va on that resolve as p did: up to the next boundary of the
 * level where the walk stopped (1 for a reached leaf).  Never 0.
 */
uint64_t pt_span_pages(uint64_t va, const struct pt_path *p);

#endif
