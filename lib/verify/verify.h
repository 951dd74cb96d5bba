/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The verifier's view of one built domain: what it read back from the
 * host (vCPU 0, the page tables from cr3, start_info, the P->M list) and
 * the facts derived from that, shared by the checks.  Nothing here comes
 * from the layout planner or the builder: only from what the host shows.
 */
#ifndef PVB_VERIFY_VERIFY_H
#define PVB_VERIFY_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include "host/host.h"
#include "verify/frameset.h"
#include "verify/p2mread.h"
#include "verify/ptread.h"

/* More tables than this (2^21 frames: 8 GiB of tables) is no domain we built. */
#define VERIFY_MAX_TABLES (UINT64_C(1) << 21)

/* The ABI's minimum of mapped padding after the last bootstrap element. */
#define VERIFY_PADDING (UINT64_C(512) << 10)

struct verify {
    pvb_host *h;
    uint32_t domid;
    const struct pvb_guest *guest;
    struct pvb_verify_report *report;

    struct host_domain_info info;
    vcpu_guest_context_x86_64_t ctx;
    struct ptread pt;

    /* Every table reachable from cr3 (tag = level), and the L1s among them. */
    struct frameset tables;
    struct mfnvec l1s;
    uint64_t nr_level[5];
    uint64_t unreadable, superpages, mixed;   /* walk anomalies */
    char anomaly[128];                        /* the first one, described */

    /* start_info, read at rsi. */
    struct pt_path si_path;
    bool si_read;
    start_info_x86_64_t si;

    /* The P->M list at si.mfn_list, host nr_pages entries. */
    struct p2m_reader p2m;

    /* pfn 0's virtual address (page aligned). */
    bool have_base;
    uint64_t virt_base;
    char base_note[128];        /* how it was found, or why not */

    /* The initial mapping: [virt_base, virt_base + map_pages pages), no holes. */
    uint64_t map_pages;
    bool map_overrun;           /* still mapped at pfn nr_pages */
    struct mfnvec map_tables;   /* tables its walks use, L4 included; sorted */
    bool store_found, console_found;
    uint64_t store_va, console_va;
    uint64_t store_pte, console_pte;

    /* The P->M list's pages [p2m_va, p2m_va + p2m_pages pages). */
    uint64_t p2m_va, p2m_pages;
    bool p2m_inside;            /* mfn_list lies in the initial mapping */
    uint64_t p2m_unmapped, p2m_readonly;
    uint64_t p2m_first_unmapped, p2m_first_readonly;   /* their addresses */
    struct mfnvec p2m_data;     /* the list's frames (only when outside); sorted */
    struct mfnvec p2m_tables;   /* tables its walks use, L4 included; sorted */
};

static inline bool verify_in_map(const struct verify *v, uint64_t va)
{
    return v->have_base && va >= v->virt_base &&
           ((va - v->virt_base) >> PVB_PAGE_SHIFT) < v->map_pages;
}

static inline uint64_t pages_of(uint64_t bytes)
{
    return (bytes >> PVB_PAGE_SHIFT) + !!(bytes & (PVB_PAGE_SIZE - 1));
}

/* gather.c: read the domain; negative only for what stops every check. */
int gather_tables(struct verify *v, pvb_error *err);
void gather_start_info(struct verify *v);
void gather_virt_base(struct verify *v);
int gather_initial_mapping(struct verify *v, pvb_error *err);
int gather_p2m_range(struct verify *v, pvb_error *err);

/* report.c */
void report_check(struct verify *v, const char *name, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The checks, in report order; each adds one entry (negative: out of memory). */
int check_vcpu_context(struct verify *v, pvb_error *err);
int check_start_info_magic(struct verify *v, pvb_error *err);
int check_pagetables_readonly(struct verify *v, pvb_error *err);
int check_p2m_mapped_writable(struct verify *v, pvb_error *err);
int check_p2m_matches_mapping(struct verify *v, pvb_error *err);
int check_p2m_frames(struct verify *v, pvb_error *err);
int check_registers(struct verify *v, pvb_error *err);
int check_padding(struct verify *v, pvb_error *err);
int check_start_info_fields(struct verify *v, pvb_error *err);

#endif
