/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The builder's insides: carrying a layout plan out on a host.  The
 * builder keeps machine frame numbers only for the pfns it must reach
 * itself (the initial mapping and the P->M segment); every other pfn's
 * frame goes straight into the guest's own P->M list, so the builder's
 * memory does not grow with the guest.
 */
#ifndef PVB_BUILD_BUILD_H
#define PVB_BUILD_BUILD_H

#include "host/host.h"
#include "pvbuild.h"
#include "util/error.h"

#define PFNS_PER_EXTENT 512          /* a 2 MiB extent, order 9 */
#define EXTENT_ORDER 9
/* One P->M list page holds the entries of exactly one 2 MiB extent. */
#define P2M_PER_PAGE 512

/* x86 page-table entry bits (the hardware's, not Xen's ABI). */
#define PTE_PRESENT  UINT64_C(0x001)
#define PTE_RW       UINT64_C(0x002)
#define PTE_USER     UINT64_C(0x004)
#define PTE_ACCESSED UINT64_C(0x020)
#define PTE_DIRTY    UINT64_C(0x040)
#define PTE_UPPER    (PTE_PRESENT | PTE_RW | PTE_USER | PTE_ACCESSED | PTE_DIRTY)
#define PTE_LEAF     (PTE_PRESENT | PTE_RW | PTE_ACCESSED)

/*
 * A run of pfns whose frames the builder remembers, a 2 MiB extent at a
 * time: an extent the host gave as one machine run is its first frame
 * alone, so the builder's memory stays flat however large the window.
 */
struct pfn_window {
    uint64_t first;          /* pfn, extent aligned */
    uint64_t count;
    uint64_t nr_extents;
    xen_pfn_t *base;         /* per extent: its first frame, if contiguous */
    xen_pfn_t **piece;       /* per extent: its frames, if not (else NULL) */
    uint64_t populated;      /* extents populated so far */
};

struct build {
    struct pvb_host *host;
    uint32_t domid;
    const struct pvb_plan *plan;
    const pvb_logger *log;

    /* Frames the builder reaches itself, kept from population. */
    struct pfn_window low;   /* [0, ...): the initial mapping */
    struct pfn_window seg;   /* the outside P->M segment: list + its tables */

    /* Progress, for undo: extents [0, swept) have their P->M entries written. */
    uint64_t swept_extents;
    bool pinned;
    xen_pfn_t l4_mfn;
    /* An undo step failed: the domain may keep frames (or a pinned table). */
    bool undo_failed;
    bool claimed;            /* the host holds a claim for this build */
    /* Kernel and ramdisk mappings left for the host (keep_mappings), handed
     * to it only when the build succeeds. */
    struct { void *addr; uint64_t count; } kept[2];
    unsigned nr_kept;
    pvb_progress_fn *progress;
    void *progress_opaque;
};

/* The frame of a pfn the builder remembers, or 0 with an error. */
int build_mfn(const struct build *b, uint64_t pfn, xen_pfn_t *mfn, pvb_error *err);

/* Map `count` remembered pfns from `pfn` writable. */
void *build_map_pfns(struct build *b, uint64_t pfn, uint64_t count, int prot,
                     pvb_error *err);
void build_unmap(struct build *b, void *addr, uint64_t count);
/*
 * build_unmap, or with the host's keep_mappings, later: a segment mapping
 * is never a page table's, so it may outlive the build until the domain
 * runs.  build_unmap_kept unmaps them (a failed build); build_hand_kept
 * gives them to the host (a good one).
 */
void build_unmap_late(struct build *b, void *addr, uint64_t count);
void build_unmap_kept(struct build *b);
void build_hand_kept(struct build *b);

/* claim.c: claim the plan's pages before populating; give the claim back */
int claim_memory(struct build *b, pvb_error *err);
void claim_release(struct build *b);

/* affinity.c: the plan's vCPU affinity and vNUMA onto the domain */
int apply_affinity(struct build *b, unsigned max_vcpus, pvb_error *err);

/* numa.c: which node each pfn range is populated from (plan->numa) */
#define NUMA_ANY (~0u)
/* The node of pfn (NUMA_ANY: none) and how many pfns from it share it. */
unsigned numa_node_at(const struct build *b, uint64_t pfn, uint64_t *span);

/* populate.c */
int populate_all(struct build *b, pvb_error *err);
void release_all(struct build *b);
void window_free(struct pfn_window *w);

/* load.c: kernel segments, ramdisk, start_info, rings, stack */
int load_kernel(struct build *b, const pvb_image *img, pvb_error *err);
int load_ramdisk(struct build *b, const pvb_ramdisk *rd, pvb_error *err);
int write_start_info(struct build *b,
                     const struct pvb_build_opts *bp, xen_pfn_t shared_info_mfn,
                     pvb_error *err);

/* pagetables.c */
int write_pagetables(struct build *b, pvb_error *err);

/* boot.c: vCPU 0, shared_info, grants, hypercall page, pin */
int boot_setup(struct build *b, const struct pvb_build_opts *bp,
               unsigned max_vcpus, xen_pfn_t shared_info_mfn, pvb_error *err);

#endif
