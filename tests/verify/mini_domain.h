/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small but complete x86_64 PV domain, built by hand on a host for the
 * verifier's tests (independent of lib/layout and lib/build): frames
 * populated, kernel area, start_info, xenstore and console pages,
 * read-only page tables, a boot stack and 512 KiB+ of padding mapped at
 * 0xffffffff80000000; an unmapped ramdisk (SIF_MOD_START_PFN); the P->M
 * list either outside at 0x8000000000 with its own L3/L2/L1 tables, or
 * inside the mapping after the kernel; L4 pinned, vCPU 0's context set.
 *
 * Layout (pfn = page index from virt_base), as libxenguest orders it:
 *   kernel [0, kernel_pages) | P->M list (inside only) | start_info,
 *   xenstore, console | page tables | boot stack | padding to a 4 MiB
 *   boundary = map_pages | ramdisk [mod_pfn, +mod_pages) | P->M list and
 *   its tables (outside only) | free pages up to nr_pages.
 */
#ifndef PVB_TESTS_VERIFY_MINI_DOMAIN_H
#define PVB_TESTS_VERIFY_MINI_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>
#include "host/host.h"

#define MINI_VIRT_BASE  UINT64_C(0xffffffff80000000)
#define MINI_P2M_VADDR  UINT64_C(0x8000000000)

struct mini_opts {
    uint64_t nr_pages;       /* 0: 0x1000 (16 MiB); rounded up to 2 MiB extents */
    uint64_t kernel_pages;   /* 0: 0x300 */
    uint64_t mod_pages;      /* 0: 0x10 (mod_len is 0x123 bytes short of that) */
    bool p2m_inside;         /* the list in the initial mapping, as before INIT_P2M */
};

struct mini_domain {
    uint32_t domid;
    uint64_t nr_pages;
    uint64_t virt_base, entry;
    uint64_t kernel_pages;
    uint64_t si_pfn;             /* start_info; xenstore +1, console +2 */
    uint64_t pt_pfn, nr_pt;      /* the initial mapping's tables, L4 first */
    uint64_t stack_pfn;
    uint64_t map_pages;          /* mapped: [virt_base, virt_base + map_pages pages) */
    uint64_t mod_pfn, mod_pages, mod_len;
    uint64_t mfn_list;
    uint64_t p2m_pfn, p2m_pages; /* the list's pages */
    uint64_t first_p2m_pfn, nr_p2m_frames;   /* as in start_info (0 when inside) */
    uint64_t l4_mfn;
    uint64_t *extent_mfn;        /* first mfn of each 2 MiB extent of pfns */
};

/* Build one; returns 0 or a negative errno (err says why). */
int mini_domain_build(pvb_host *h, const struct mini_opts *opts, struct mini_domain *md,
                      pvb_error *err);
/* Destroy the domain and free md's memory. */
void mini_domain_destroy(pvb_host *h, struct mini_domain *md);

static inline uint64_t mini_mfn(const struct mini_domain *md, uint64_t pfn)
{
    return md->extent_mfn[pfn >> 9] + (pfn & 511);
}

static inline uint64_t mini_va(const struct mini_domain *md, uint64_t pfn)
{
    return md->virt_base + (pfn << 12);
}

/* The kernel's notes as a pvb_guest would carry them for this domain. */
void mini_domain_guest(const struct mini_domain *md, struct pvb_guest *g);

#endif
