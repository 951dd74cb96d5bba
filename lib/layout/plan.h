/*
 * The layout plan: where every piece of a new PV guest goes, in guest
 * frame numbers (pfns) and virtual addresses, before any machine frame
 * exists.  Pure: no host, no I/O, no allocation.  The builder carries a
 * plan out; the CLI prints one; the tests check it against the layout
 * Xen's libxenguest produces (docs: pv-boot-abi.md).
 *
 * Layout rules (libxenguest's, x86 PV): pfn and virtual address advance
 * together from virt_base (pfn 0 = virt_base), packed, 4 KiB pages:
 *   kernel (after padding up to virt_kstart) / ramdisk, only when the
 *   kernel lacks MOD_START_PFN / P->M list, only when inside / start_info /
 *   xenstore ring / console ring / page tables of the initial mapping /
 *   boot stack / padding up to virt_pgtab_end (at least 512 KiB after the
 *   stack) / ramdisk, unmapped, when the kernel has MOD_START_PFN /
 *   P->M list outside (INIT_P2M), then its own L3s, L2s, L1s.
 *
 * P->M placement.  Errors (pvb_plan_make fails, nothing is silently
 * dropped the way libxenguest drops a bad INIT_P2M):
 *   - a 32-bit guest asked for an outside list (PVB_P2M_ADDRESS);
 *   - PVB_P2M_ADDRESS for a kernel without an INIT_P2M note (it would not
 *     understand first_p2m_pfn / nr_p2m_frames);
 *   - the address is not page aligned, or not canonical (x86_64, 48 bits),
 *     or the list wraps or ends non-canonical;
 *   - the list crosses a 512 GiB top-level slot (Linux copies exactly one
 *     top-level entry);
 *   - the list overlaps the hypervisor's range [0xffff800000000000,
 *     0xffff880000000000) (fixed for 64-bit guests; the HV_START_LOW
 *     note only bounds a 32-bit guest's initial mapping);
 *   - the list overlaps the initial mapping [virt_base, virt_pgtab_end);
 *   - GUEST_OS "linux" and the list's top-level slot is 0 or not below
 *     virt_base's slot (Linux copies pt_base[i] only for 0 < i <
 *     pgd_index(__START_KERNEL_map));
 *   - the list and its tables do not fit in the remaining pfns.
 * Warnings (kept in plan->warnings, the plan is still made):
 *   - a 32-bit guest with an INIT_P2M note under PVB_P2M_DEFAULT: the note
 *     is ignored and the list goes inside (libxenguest does the same);
 *   - GUEST_OS "linux" with the list in the kernel half (top-level slot
 *     >= 256): Linux copies the entry, but its own kernel-half mappings
 *     may later collide with it; the user half is the intended place.
 * A non-Linux guest may put the list above the initial mapping, or in
 * virt_base's own top-level slot (then the tables are shared, see below).
 *
 * Differences from libxenguest, on purpose: start_info.mod_len is the
 * ramdisk's exact byte size also when it is unmapped (libxenguest passes
 * the page-rounded size there; xen.h documents "size in bytes"); the
 * initial mapping must end below the top of the address space.
 */
#ifndef PVB_LAYOUT_PLAN_H
#define PVB_LAYOUT_PLAN_H

#include "pvbuild.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

enum pvb_plan_seg_kind {
    PVB_SEG_KERNEL = 0,
    PVB_SEG_RAMDISK,
    PVB_SEG_P2M,             /* the P->M list itself */
    PVB_SEG_START_INFO,
    PVB_SEG_XENSTORE,
    PVB_SEG_CONSOLE,
    PVB_SEG_PAGETABLES,      /* tables of the initial mapping */
    PVB_SEG_BOOT_STACK,
    PVB_SEG_P2M_PAGETABLES,  /* tables of the outside P->M mapping */
};

#define PVB_PLAN_MAX_SEGMENTS 9
#define PVB_PLAN_NAME_MAX 16

struct pvb_plan_segment {
    enum pvb_plan_seg_kind kind;
    char name[PVB_PLAN_NAME_MAX];   /* "kernel", "ramdisk", "p2m", ... */
    /*
     * The virtual range the guest sees it at ([vstart, vend), page
     * rounded); both 0 when the guest has no mapping of it (unmapped
     * ramdisk, the P->M's own tables).  The outside P->M list has its
     * own mapping at mfn_list: vstart/vend set, `mapped` false.
     */
    uint64_t vstart, vend;
    uint64_t pfn, pages;
    uint64_t bytes;      /* content size: kernel extent, ramdisk, list */
    bool mapped;         /* inside the initial mapping: vstart = virt_base + pfn * 4K */
};

/* Page-table levels, index into pvb_plan_mapping.level[]. */
enum { PVB_PT_L1 = 0, PVB_PT_L2 = 1, PVB_PT_L3 = 2, PVB_PT_L4 = 3 };
#define PVB_PT_MAX_LEVELS 4

/*
 * The tables one mapping owns at one level: `count` consecutive tables
 * from `pfn`; table i maps [first + i * span, first + (i + 1) * span)
 * where span = 1 << (12 + 9 * (level + 1)) (2 MiB for an L1, 1 GiB for
 * an L2, 512 GiB for an L3); the top-level table spans everything.
 * count 0: the mapping owns no table at this level, it uses another
 * mapping's (upper levels are shared: one top-level page in all).
 * first/last are canonical virtual addresses, last inclusive.
 */
struct pvb_plan_level {
    uint64_t first, last;
    uint64_t pfn;
    uint64_t count;
};

/*
 * One virtual mapping: [vstart, vend) maps pfns pfn .. pfn + pages - 1 in
 * order.  index_first/index_last[l]: the entry indexes vstart and vend - 1
 * use in their level-l tables (e.g. top-level slots at the top level).
 *
 * How a builder fills the tables (all mappings' tables together):
 *   for every page va of every mapping: the PTE at index_of(va, L1) in
 *   table pvb_plan_table_pfn(plan, PVB_PT_L1, va);
 *   for every table T a mapping owns at level l < top, covering va_T:
 *   the entry at index_of(va_T, l + 1) in pvb_plan_table_pfn(plan, l + 1,
 *   va_T) points to T.
 */
struct pvb_plan_mapping {
    uint64_t vstart, vend;
    uint64_t pfn, pages;
    struct pvb_plan_level level[PVB_PT_MAX_LEVELS];
    unsigned index_first[PVB_PT_MAX_LEVELS], index_last[PVB_PT_MAX_LEVELS];
    uint64_t table_pfn;     /* first pfn of its own tables (top level first) */
    uint64_t nr_tables;     /* tables it owns */
};

/* start_info fields that do not depend on machine frames (Xen's names). */
struct pvb_plan_start_info {
    uint64_t nr_pages;
    uint32_t flags;          /* SIF_MOD_START_PFN when the ramdisk is unmapped */
    uint64_t pt_base;        /* virtual address of the top-level table */
    uint64_t nr_pt_frames;   /* tables of the initial mapping only */
    uint64_t mfn_list;       /* virtual address of the P->M list */
    uint64_t mod_start;      /* pfn with SIF_MOD_START_PFN, else virtual */
    uint64_t mod_len;        /* bytes; 0 without ramdisk */
    uint64_t first_p2m_pfn;  /* only when the list is outside, else 0 */
    uint64_t nr_p2m_frames;  /* list + its tables, when outside, else 0 */
};

/* Boot vCPU registers that the layout decides. */
struct pvb_plan_vcpu {
    uint64_t rip;            /* the kernel's entry */
    uint64_t rsp;            /* virt_base + (boot stack pfn + 1) * 4096 */
    uint64_t rsi;            /* start_info's virtual address */
};

#define PVB_PLAN_MAX_WARNINGS 4

/* The largest memory whose x86_64 P->M list fits one 512 GiB slot: 256 TiB. */
#define PVB_PLAN_MAX_MEMORY_MIB (UINT64_C(1) << 28)

struct pvb_plan {
    unsigned levels;         /* 4 (x86_64) or 3 (32-bit PAE) */
    unsigned p2m_entry_size; /* bytes per P->M entry: 8, or 4 for 32-bit */
    uint64_t memory_mib;
    uint64_t nr_pages;       /* memory_mib * 256; the P->M list's length */
    uint64_t virt_base;

    size_t nr_segments;      /* in layout (pfn) order */
    struct pvb_plan_segment segments[PVB_PLAN_MAX_SEGMENTS];

    uint64_t virt_alloc_end; /* end of the boot elements before page tables */
    uint64_t virt_pgtab_end; /* end of the initial mapping */
    uint64_t total_pfns;     /* pfns [0, total_pfns) are used; <= nr_pages */

    struct pvb_plan_mapping initial;   /* [virt_base, virt_pgtab_end) */

    bool p2m_outside;
    bool p2m_from_note;      /* the address came from the kernel's INIT_P2M */
    uint64_t p2m_pages;      /* the list: ceil(nr_pages * entry_size / 4096) */
    struct pvb_plan_mapping p2m;       /* valid when p2m_outside */

    uint64_t start_info_pfn, xenstore_pfn, console_pfn, boot_stack_pfn;
    bool has_hypercall_page;
    uint64_t hypercall_pfn;

    struct pvb_plan_start_info si;
    struct pvb_plan_vcpu vcpu;

    unsigned nr_warnings;
    char warnings[PVB_PLAN_MAX_WARNINGS][PVB_ERROR_MAX];
};

/*
 * Plan the layout of guest `g` with memory and P->M placement from `cfg`
 * and a ramdisk of `ramdisk_size` bytes as it will be loaded (0: none).
 * Returns 0, or a negative errno with `err` filled (the plan's contents
 * are then unspecified): -EINVAL for a guest description or P->M
 * placement that cannot work, -ERANGE when the initial mapping would run
 * past the end of its address range, -ENOSPC when the layout needs more
 * pages than the guest's memory.
 */
int pvb_plan_make(const struct pvb_guest *g, const struct pvb_config *cfg,
                  uint64_t ramdisk_size, struct pvb_plan *plan,
                  pvb_error *err);

/*
 * The pfn of the level-`level` table (PVB_PT_L1 ..) whose entries cover
 * virtual address `va`: the P->M mapping's own table if it has one there,
 * else the initial mapping's.  Returns 0 or -ENOENT (no table planned).
 */
int pvb_plan_table_pfn(const struct pvb_plan *plan, unsigned level,
                       uint64_t va, uint64_t *pfn);

/* The segment of a kind, or NULL if the plan has none. */
const struct pvb_plan_segment *pvb_plan_segment(const struct pvb_plan *plan,
                                                enum pvb_plan_seg_kind kind);

/* Human-readable table, and one JSON object (hex numbers as "0x..."). */
int pvb_plan_print_text(const struct pvb_plan *plan, FILE *f);
int pvb_plan_print_json(const struct pvb_plan *plan, FILE *f);

#ifdef __cplusplus
}
#endif

#endif
