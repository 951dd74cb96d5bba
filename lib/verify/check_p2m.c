/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The checks on the P->M list: mapped writable where mfn_list says (Linux
 * writes to it early), agreeing with the initial mapping, and, when it
 * lies outside that mapping, accounted for by first_p2m_pfn/nr_p2m_frames.
 */
#include "verify/verify.h"
#include "util/alloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/error.h"

static const char *p2m_errstr(int rc)
{
    return rc == -ERANGE ? "beyond nr_pages" : rc == -EIO ? "unreadable" : "not mapped";
}

int check_p2m_mapped_writable(struct verify *v, pvb_error *err)
{
    (void)err;
    const char *name = "p2m_mapped_writable";
    if (!v->si_read) {
        report_check(v, name, false, "start_info not readable: mfn_list unknown");
        return 0;
    }
    uint64_t list = v->si.mfn_list, bytes = v->info.nr_pages * 8;
    if (list & 7)
        report_check(v, name, false, "mfn_list 0x%" PRIx64 " is not 8-byte aligned", list);
    else if (v->p2m_unmapped)
        report_check(v, name, false,
                     "[0x%" PRIx64 ", +0x%" PRIx64 "): page 0x%" PRIx64 " is not mapped "
                     "(%" PRIu64 " of %" PRIu64 " pages)", list, bytes, v->p2m_first_unmapped,
                     v->p2m_unmapped, v->p2m_pages);
    else if (v->p2m_readonly)
        report_check(v, name, false,
                     "[0x%" PRIx64 ", +0x%" PRIx64 "): page 0x%" PRIx64 " is mapped "
                     "read-only (%" PRIu64 " of %" PRIu64 " pages); Linux writes the list",
                     list, bytes, v->p2m_first_readonly, v->p2m_readonly, v->p2m_pages);
    else
        report_check(v, name, true,
                     "[0x%" PRIx64 ", +0x%" PRIx64 "): %" PRIu64 " pages, all mapped writable",
                     list, bytes, v->p2m_pages);
    return 0;
}

int check_p2m_matches_mapping(struct verify *v, pvb_error *err)
{
    (void)err;
    const char *name = "p2m_matches_mapping";
    if (!v->si_read || !v->have_base) {
        report_check(v, name, false, "not checked: %s",
                     v->si_read ? v->base_note : "start_info not readable");
        return 0;
    }
    if (!v->map_pages) {
        report_check(v, name, false, "%s: nothing is mapped there", v->base_note);
        return 0;
    }

    uint64_t bad = 0, first = 0, got = 0, want = 0;
    int first_rc = 0;
    uint64_t base = v->virt_base;
    for (uint64_t pfn = 0; pfn < v->map_pages; pfn++) {
        struct pt_path p;
        uint64_t mfn = 0;
        pt_lookup(&v->pt, base + (pfn << PVB_PAGE_SHIFT), &p);
        int rc = p2m_get(&v->p2m, pfn, &mfn);
        if (rc || mfn != PTE_MFN(p.pte)) {
            if (!bad++) {
                first = pfn;
                got = mfn;
                want = PTE_MFN(p.pte);
                first_rc = rc;
            }
        }
    }
    if (bad && first_rc)
        report_check(v, name, false,
                     "p2m[0x%" PRIx64 "] is %s (the mapping has mfn 0x%" PRIx64 " there); "
                     "%" PRIu64 " of %" PRIu64 " pfns disagree; %s", first,
                     p2m_errstr(first_rc), want, bad, v->map_pages, v->base_note);
    else if (bad)
        report_check(v, name, false,
                     "p2m[0x%" PRIx64 "] = 0x%" PRIx64 " but 0x%" PRIx64 " maps mfn 0x%"
                     PRIx64 "; %" PRIu64 " of %" PRIu64 " pfns disagree; %s", first, got,
                     base + (first << PVB_PAGE_SHIFT), want, bad, v->map_pages,
                     v->base_note);
    else if (v->map_overrun)
        report_check(v, name, false,
                     "the mapping at 0x%" PRIx64 " runs on past pfn nr_pages 0x%" PRIx64
                     ", which no P->M entry covers", base, v->info.nr_pages);
    else
        report_check(v, name, true,
                     "pfns [0, 0x%" PRIx64 ") at [0x%" PRIx64 ", 0x%" PRIx64 "): p2m equals "
                     "every leaf; %s", v->map_pages, base,
                     base + (v->map_pages << PVB_PAGE_SHIFT), v->base_note);
    return 0;
}

/*
 * p2m[first .. first + n) against the list's frames plus the tables only
 * the P->M mapping uses, as sets.  `set` is sorted; a bit per element
 * catches entries named twice and elements never named.
 */
static int compare_frames(struct verify *v, const struct mfnvec *set, uint64_t first,
                          uint64_t n, char *why, size_t len)
{
    uint64_t *seen = mem_calloc(set->len / 64 + 1, sizeof *seen);
    if (!seen)
        return -ENOMEM;
    uint64_t named = 0;
    why[0] = '\0';
    for (uint64_t i = 0; i < n && !why[0]; i++) {
        uint64_t mfn;
        int rc = p2m_get(&v->p2m, first + i, &mfn);
        long at = rc ? -1 : mfnvec_find(set, mfn);
        if (rc)
            snprintf(why, len, "p2m[0x%" PRIx64 "] is %s", first + i, p2m_errstr(rc));
        else if (at < 0)
            snprintf(why, len, "p2m[0x%" PRIx64 "] = 0x%" PRIx64 " is neither a P->M list "
                     "page nor one of its tables", first + i, mfn);
        else if (seen[at / 64] >> (at % 64) & 1)
            snprintf(why, len, "p2m[0x%" PRIx64 "] = 0x%" PRIx64 " is named twice",
                     first + i, mfn);
        else {
            seen[at / 64] |= UINT64_C(1) << (at % 64);
            named++;
        }
    }
    if (!why[0] && named != set->len) {
        size_t at = 0;
        while (at < set->len && (seen[at / 64] >> (at % 64) & 1))
            at++;
        snprintf(why, len, "%" PRIu64 " frames of the P->M list and its tables are not "
                 "in the range, e.g. mfn 0x%" PRIx64, (uint64_t)set->len - named,
                 set->v[at]);
    }
    free(seen);
    return 0;
}

int check_p2m_frames(struct verify *v, pvb_error *err)
{
    const char *name = "p2m_frames";
    if (!v->si_read || !v->have_base) {
        report_check(v, name, false, "not checked: %s",
                     v->si_read ? v->base_note : "start_info not readable");
        return 0;
    }
    const start_info_x86_64_t *si = &v->si;
    uint64_t first = si->first_p2m_pfn, n = si->nr_p2m_frames;

    if (v->p2m_inside) {
        report_check(v, name, !first && !n,
                     "mfn_list 0x%" PRIx64 " inside the initial mapping: first_p2m_pfn 0x%"
                     PRIx64 " nr_p2m_frames 0x%" PRIx64 "%s", si->mfn_list, first, n,
                     !first && !n ? "" : ", want both 0");
        return 0;
    }

    char why[200] = "";
    uint64_t map_end = v->map_pages;
    uint64_t mod_end = 0;
    if ((si->flags & SIF_MOD_START_PFN) && si->mod_len)
        mod_end = si->mod_start + pages_of(si->mod_len);

    /* The list's frames plus the tables nothing but the P->M mapping uses. */
    size_t list_frames = v->p2m_data.len;
    size_t aliases = mfnvec_sort_unique(&v->p2m_data);
    size_t only = 0;
    if (mfnvec_reserve(&v->p2m_data, v->p2m_data.len + v->p2m_tables.len))
        return fail(err, -ENOMEM, "domain %u: out of memory comparing P->M frames",
                    v->domid);
    for (size_t i = 0; i < v->p2m_tables.len; i++) {
        uint64_t t = v->p2m_tables.v[i];
        if (mfnvec_find(&v->map_tables, t) >= 0)
            continue;
        if (mfnvec_push(&v->p2m_data, t))
            return fail(err, -ENOMEM, "domain %u: out of memory comparing P->M frames",
                        v->domid);
        only++;
    }
    mfnvec_sort_unique(&v->p2m_data);

    if (!first || !n)
        snprintf(why, sizeof why, "mfn_list lies outside the initial mapping but "
                 "first_p2m_pfn/nr_p2m_frames are not set");
    else if (first < map_end)
        snprintf(why, sizeof why, "first_p2m_pfn is below the initial mapping's end "
                 "(pfn 0x%" PRIx64 ")", map_end);
    else if (first < mod_end)
        snprintf(why, sizeof why, "first_p2m_pfn is below the unmapped ramdisk's end "
                 "(pfn 0x%" PRIx64 ")", mod_end);
    else if (first > v->info.nr_pages || n > v->info.nr_pages - first)
        snprintf(why, sizeof why, "the range runs past nr_pages 0x%" PRIx64,
                 v->info.nr_pages);
    else if (aliases)
        snprintf(why, sizeof why, "%zu pages of the list map a frame another list page "
                 "maps", aliases);
    else if (n != v->p2m_data.len)
        snprintf(why, sizeof why, "the list is %zu pages + %zu tables = %zu frames",
                 list_frames, only, v->p2m_data.len);
    else {
        int rc = compare_frames(v, &v->p2m_data, first, n, why, sizeof why);
        if (rc)
            return fail(err, rc, "domain %u: out of memory comparing P->M frames",
                        v->domid);
    }
    report_check(v, name, !why[0],
                 "%s%sfirst_p2m_pfn 0x%" PRIx64 " nr_p2m_frames 0x%" PRIx64 ": %zu list "
                 "pages + %zu tables; mapping ends at pfn 0x%" PRIx64 ", ramdisk ends at 0x%"
                 PRIx64, why, why[0] ? ": " : "", first, n, list_frames, only, map_end,
                 mod_end);
    return 0;
}
