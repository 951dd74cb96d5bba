/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * padding_512k and start_info_fields: where the bootstrap elements are and
 * whether start_info describes them as the domain really holds them.
 */
#include "verify/verify.h"
#include "util/alloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

struct element {
    const char *what;
    uint64_t start, end;     /* virtual, end exclusive */
};

/* a + b, or UINT64_MAX when it overflows. */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_pages(uint64_t n)
{
    return n > (UINT64_MAX >> PVB_PAGE_SHIFT) ? UINT64_MAX : n << PVB_PAGE_SHIFT;
}

/* The bootstrap elements the domain shows, found as the guest will find them. */
static size_t elements(struct verify *v, struct element *e)
{
    const start_info_x86_64_t *si = &v->si;
    uint64_t rsp = v->ctx.user_regs.rsp;
    size_t n = 0;

    if (pt_mapped(&v->si_path)) {
        uint64_t page = v->ctx.user_regs.rsi & ~(PVB_PAGE_SIZE - 1);
        e[n++] = (struct element){ "start_info", page, sat_add(page, PVB_PAGE_SIZE) };
    }
    if (v->store_found)
        e[n++] = (struct element){ "xenstore page", v->store_va,
                                   sat_add(v->store_va, PVB_PAGE_SIZE) };
    if (v->console_found)
        e[n++] = (struct element){ "console page", v->console_va,
                                   sat_add(v->console_va, PVB_PAGE_SIZE) };
    if (v->si_read) {
        e[n++] = (struct element){ "page tables", si->pt_base,
                                   sat_add(si->pt_base, sat_pages(si->nr_pt_frames)) };
        if (!(si->flags & SIF_MOD_START_PFN) && si->mod_len)
            e[n++] = (struct element){ "ramdisk", si->mod_start,
                                       sat_add(si->mod_start, si->mod_len) };
        if (v->p2m_inside)
            e[n++] = (struct element){ "P->M list", si->mfn_list,
                                       sat_add(si->mfn_list, v->info.nr_pages * 8) };
    }
    if (rsp >= PVB_PAGE_SIZE)
        e[n++] = (struct element){ "boot stack", rsp - PVB_PAGE_SIZE, rsp };
    return n;
}

int check_padding(struct verify *v, pvb_error *err)
{
    (void)err;
    const char *name = "padding_512k";
    if (!v->have_base || !v->map_pages) {
        report_check(v, name, false, "no initial mapping: %s%s", v->base_note,
                     v->have_base ? ", where nothing is mapped" : "");
        return 0;
    }
    uint64_t base = v->virt_base;
    uint64_t end = base + (v->map_pages << PVB_PAGE_SHIFT);   /* 0: the top */
    uint64_t last = end - 1;
    struct element e[8];
    size_t n = elements(v, e);
    const struct element *top = NULL;

    for (size_t i = 0; i < n; i++) {
        if (e[i].start < base || e[i].end <= e[i].start || e[i].end - 1 > last) {
            report_check(v, name, false,
                         "%s [0x%" PRIx64 ", 0x%" PRIx64 ") lies outside the initial "
                         "mapping [0x%" PRIx64 ", 0x%" PRIx64 ")", e[i].what, e[i].start,
                         e[i].end, base, end);
            return 0;
        }
        if (!top || e[i].end > top->end)
            top = &e[i];
    }
    uint64_t pad = top ? last - (top->end - 1) : 0;
    report_check(v, name, top && pad >= VERIFY_PADDING,
                 "mapping [0x%" PRIx64 ", 0x%" PRIx64 ") runs 0x%" PRIx64 " bytes past the "
                 "last bootstrap element (%s, ends 0x%" PRIx64 "); the ABI wants 0x%" PRIx64,
                 base, end, pad, top ? top->what : "none", top ? top->end : 0,
                 VERIFY_PADDING);
    return 0;
}

/* start_info_fields collects its findings; the detail leads with the first. */
struct findings {
    char first[200];
    unsigned failed;
};

static void finding(struct findings *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void finding(struct findings *f, const char *fmt, ...)
{
    if (!f->failed++) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(f->first, sizeof f->first, fmt, ap);
        va_end(ap);
    }
}

/* p2m[(pt_base - virt_base) / 4K + i] against the initial mapping's tables. */
static int check_pt_pfns(struct verify *v, struct findings *f)
{
    const start_info_x86_64_t *si = &v->si;
    uint64_t pfn0 = (si->pt_base - v->virt_base) >> PVB_PAGE_SHIFT;
    size_t n = v->map_tables.len;
    uint8_t *seen = mem_calloc(n ? n : 1, 1);
    if (!seen)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        uint64_t mfn;
        int rc = p2m_get(&v->p2m, pfn0 + i, &mfn);
        long at = rc ? -1 : mfnvec_find(&v->map_tables, mfn);
        if (rc) {
            finding(f, "p2m[0x%" PRIx64 "] (page table %zu) cannot be read", pfn0 + i, i);
            break;
        }
        if (at < 0 || seen[at]) {
            finding(f, "p2m[0x%" PRIx64 "] = 0x%" PRIx64 " (page table %zu from pt_base) "
                    "is %s", pfn0 + i, mfn, i,
                    at < 0 ? "not a table of the initial mapping" : "named twice");
            break;
        }
        seen[at] = 1;
    }
    free(seen);
    return 0;
}

static void check_module(struct verify *v, struct findings *f)
{
    const start_info_x86_64_t *si = &v->si;
    if (!si->mod_len)
        return;
    if (si->flags & SIF_MOD_START_PFN) {
        uint64_t pages = pages_of(si->mod_len);
        if (si->mod_start > v->info.nr_pages || pages > v->info.nr_pages - si->mod_start)
            finding(f, "mod_start pfn 0x%" PRIx64 " + 0x%" PRIx64 " pages runs past "
                    "nr_pages 0x%" PRIx64, si->mod_start, pages, v->info.nr_pages);
        else if (v->have_base && si->mod_start < v->map_pages)
            finding(f, "mod_start pfn 0x%" PRIx64 " is mapped by the initial mapping "
                    "(pfns below 0x%" PRIx64 ")", si->mod_start, v->map_pages);
    } else if (!v->have_base || !verify_in_map(v, si->mod_start) ||
               !verify_in_map(v, sat_add(si->mod_start, si->mod_len - 1))) {
        finding(f, "ramdisk [0x%" PRIx64 ", +0x%" PRIx64 ") is not inside the initial "
                "mapping", si->mod_start, si->mod_len);
    }
}

static void check_ring(struct findings *f, const char *what,
                       uint64_t mfn, bool found, uint64_t pte)
{
    if (!found)
        finding(f, "%s mfn 0x%" PRIx64 " is not mapped by the initial mapping", what, mfn);
    else if (!(pte & PTE_RW))
        finding(f, "%s mfn 0x%" PRIx64 " is mapped read-only", what, mfn);
}

/* Where mfn_list is, as text; a finding when an outside list breaks the ABI. */
static void check_mfn_list(struct verify *v, struct findings *f, char *where, size_t len)
{
    const start_info_x86_64_t *si = &v->si;
    const struct pvb_guest *g = v->guest;
    bool init_p2m = g && pvb_guest_has_note(g, XEN_ELFNOTE_INIT_P2M);

    if (v->p2m_inside)
        snprintf(where, len, "inside the initial mapping%s",
                 init_p2m ? ", INIT_P2M not used" : "");
    else if (init_p2m && si->mfn_list == g->init_p2m)
        snprintf(where, len, "the kernel's INIT_P2M");
    else
        snprintf(where, len, "outside the initial mapping%s", init_p2m ? ", not INIT_P2M" : "");
    if (v->p2m_inside || !v->have_base)
        return;
    uint64_t last = sat_add(si->mfn_list, v->info.nr_pages * 8 - 1);
    if (si->mfn_list & (PVB_PAGE_SIZE - 1))
        finding(f, "mfn_list 0x%" PRIx64 " (outside the mapping) is not page aligned",
                si->mfn_list);
    else if (v->info.nr_pages && (si->mfn_list >> 39) != (last >> 39))
        /* Linux takes over exactly one top-level entry for the list. */
        finding(f, "the P->M list [0x%" PRIx64 ", 0x%" PRIx64 "] spans two 512 GiB "
                "top-level slots", si->mfn_list, last);
}

int check_start_info_fields(struct verify *v, pvb_error *err)
{
    const char *name = "start_info_fields";
    if (!v->si_read) {
        report_check(v, name, false, "start_info not readable at rsi 0x%" PRIx64,
                     (uint64_t)v->ctx.user_regs.rsi);
        return 0;
    }
    const start_info_x86_64_t *si = &v->si;
    struct findings f = { "", 0 };
    struct pt_path p;
    char where[64];

    if (si->nr_pages != v->info.nr_pages)
        finding(&f, "nr_pages 0x%" PRIx64 ", but the domain has 0x%" PRIx64, si->nr_pages,
                v->info.nr_pages);
    if (si->shared_info != (uint64_t)v->info.shared_info_mfn << PVB_PAGE_SHIFT)
        finding(&f, "shared_info 0x%" PRIx64 ", but the shared info frame is mfn 0x%" PRIx64,
                si->shared_info, (uint64_t)v->info.shared_info_mfn);
    pt_lookup(&v->pt, si->pt_base, &p);
    if ((si->pt_base & (PVB_PAGE_SIZE - 1)) || !pt_mapped(&p) ||
        PTE_MFN(p.pte) != v->pt.l4_mfn)
        finding(&f, "pt_base 0x%" PRIx64 " does not map the cr3 frame 0x%" PRIx64,
                si->pt_base, v->pt.l4_mfn);
    else if (!v->have_base || !verify_in_map(v, si->pt_base))
        finding(&f, "pt_base 0x%" PRIx64 " is not in the initial mapping (%s)", si->pt_base,
                v->base_note);
    else if (si->nr_pt_frames != v->map_tables.len)
        finding(&f, "nr_pt_frames %" PRIu64 ", but the initial mapping uses %zu tables",
                si->nr_pt_frames, v->map_tables.len);
    else if (check_pt_pfns(v, &f))
        return fail(err, -ENOMEM, "domain %u: out of memory", v->domid);
    check_module(v, &f);
    if (memchr(si->cmd_line, 0, sizeof si->cmd_line) == NULL)
        finding(&f, "cmd_line has no NUL within %u bytes", MAX_GUEST_CMDLINE_X86_64);
    check_ring(&f, "store_mfn", si->store_mfn, v->store_found, v->store_pte);
    check_ring(&f, "console mfn", si->console.domU.mfn, v->console_found,
               v->console_pte);
    check_mfn_list(v, &f, where, sizeof where);

    if (f.failed)
        report_check(v, name, false, "%s (%u problem%s in all); mfn_list 0x%" PRIx64
                     " is %s", f.first, f.failed, f.failed == 1 ? "" : "s", si->mfn_list,
                     where);
    else
        report_check(v, name, true,
                     "nr_pages 0x%" PRIx64 ", %" PRIu64 " tables at pt_base 0x%" PRIx64
                     ", flags 0x%x, mod 0x%" PRIx64 "+0x%" PRIx64 ", rings mapped "
                     "writable; mfn_list 0x%" PRIx64 " is %s", si->nr_pages, si->nr_pt_frames,
                     si->pt_base, si->flags, si->mod_start, si->mod_len, si->mfn_list, where);
    return 0;
}
