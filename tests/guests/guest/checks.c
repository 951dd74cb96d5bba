/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's checks of its own boot state (pv-boot-abi.md), with what a
 * PV kernel has at its first instruction: start_info, rsi and rsp, its
 * bootstrap page tables reached through their virtual mapping (a PV guest
 * cannot read cr3), and Xen's read-only machine-to-phys table.
 *
 * A table entry holds a machine frame; M2P turns it into a pfn, and pfn p
 * lies at virt_base + p * 4 KiB in the initial mapping.  Only the
 * bootstrap tables ([pt_base, pt_base + nr_pt_frames pages)) are read
 * that way: the P->M list's own tables are not mapped anywhere.
 *
 * The command line may add expectations: expect_p2m=ADDR (mfn_list must
 * be ADDR) and expect_inside=1 (the list must be inside the initial
 * mapping).
 */
#include "guest.h"

#define PAGE GUEST_PAGE_SIZE
#define PTE_PRESENT 0x001UL
#define PTE_RW      0x002UL
#define PTE_PSE     0x080UL
#define PTE_MFN(e)  (((e) & 0x000ffffffffff000UL) >> 12)
#define ENTRIES     512
/* Top-level slots of Xen's own range, which it fills in every guest L4. */
#define XEN_SLOT_FIRST ((unsigned)(HYPERVISOR_VIRT_START >> 39) & 511)
#define XEN_SLOT_LAST  ((unsigned)((HYPERVISOR_VIRT_END - 1) >> 39) & 511)
#define USER_HALF_END  (1UL << 47)
/* The ABI's mapped padding after the last bootstrap element: 512 KiB. */
#define PADDING_PAGES  128
#define REASON_MAX     200

struct expect {
    bool p2m_set;
    uint64_t p2m;
    bool inside;
    char bad[64];              /* an expect_ option we could not read */
};

struct ctx {
    const struct guest_boot *b;
    const start_info_t *si;
    struct expect want;
    uint64_t pt_pfn;           /* the bootstrap tables: pt_pfn .. + nr_pt_frames */
    uint64_t end_pfn;          /* the initial mapping maps pfns [0, end_pfn) */
    uint64_t list_pages;       /* pages of the P->M list itself */
    bool outside;              /* the list is outside the initial mapping */
    char why[REASON_MAX];      /* a failing check's reason */
};

static uint64_t va_of(const struct ctx *c, uint64_t pfn)
{
    return c->b->virt_base + pfn * PAGE;
}

static unsigned slot(uint64_t va, unsigned level)
{
    return (unsigned)(va >> (12 + 9 * (level - 1))) & (ENTRIES - 1);
}

static bool is_table_pfn(const struct ctx *c, uint64_t pfn)
{
    return pfn - c->pt_pfn < c->si->nr_pt_frames;
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
    return a / b + (a % b != 0);
}

/* Record why a check fails (the first reason wins); returns false. */
static bool fail(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct ctx *c, const char *fmt, ...)
{
    if (!c->why[0]) {
        va_list ap;
        va_start(ap, fmt);
        guest_vformat(c->why, sizeof c->why, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* ------------------------------------------------------------ the command line */

static bool parse_number(const char *s, size_t n, uint64_t *out)
{
    unsigned base = 10;
    uint64_t v = 0;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        n -= 2;
    }
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        unsigned d = ch >= '0' && ch <= '9' ? (unsigned)(ch - '0')
                   : ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10)
                   : ch >= 'A' && ch <= 'F' ? (unsigned)(ch - 'A' + 10) : 99;
        if (d >= base || v > (~0UL - d) / base)
            return false;
        v = v * base + d;
    }
    *out = v;
    return true;
}

static bool word_is(const char *w, size_t n, const char *key)
{
    size_t k = 0;
    while (key[k] && k < n && w[k] == key[k])
        k++;
    return !key[k];
}

static void parse_cmdline(const char *line, size_t max, struct expect *want)
{
    size_t i = 0;
    while (i < max && line[i]) {
        while (i < max && line[i] == ' ')
            i++;
        size_t start = i;
        while (i < max && line[i] && line[i] != ' ')
            i++;
        const char *w = line + start;
        size_t n = i - start;
        uint64_t v;
        bool ok = true;

        if (word_is(w, n, "expect_p2m=")) {
            ok = parse_number(w + 11, n - 11, &v);
            if (ok) {
                want->p2m_set = true;
                want->p2m = v;
            }
        } else if (word_is(w, n, "expect_inside=")) {
            ok = parse_number(w + 14, n - 14, &v) && v <= 1;
            want->inside = ok && v;
        }
        if (!ok && !want->bad[0]) {
            size_t k = n < sizeof want->bad - 1 ? n : sizeof want->bad - 1;
            for (size_t j = 0; j < k; j++)
                want->bad[j] = w[j];
            want->bad[k] = '\0';
        }
    }
}

/* ---------------------------------------------------------- page-table walks */

enum walk { WALK_OK, WALK_HOLE, WALK_LARGE, WALK_UNREACHABLE };

/*
 * The leaf entry for va, through the bootstrap tables.  On WALK_HOLE /
 * WALK_LARGE *pte and *level are the entry where it stopped; on
 * WALK_UNREACHABLE the entry points to a table that is not a bootstrap one.
 */
static enum walk walk(const struct ctx *c, uint64_t va, uint64_t *pte, unsigned *level)
{
    uint64_t table = c->si->pt_base;
    for (unsigned l = 4;; l--) {
        uint64_t e = guest_peek64(table + 8 * slot(va, l));
        *pte = e;
        *level = l;
        if (!(e & PTE_PRESENT))
            return WALK_HOLE;
        if (l == 1)
            return WALK_OK;
        if (e & PTE_PSE)
            return WALK_LARGE;
        uint64_t pfn = guest_m2p(PTE_MFN(e));
        if (!is_table_pfn(c, pfn))
            return WALK_UNREACHABLE;
        table = va_of(c, pfn);
    }
}

/* The leaf for va, or false with a reason. */
static bool leaf(struct ctx *c, uint64_t va, const char *what, uint64_t *pte)
{
    unsigned level;
    switch (walk(c, va, pte, &level)) {
    case WALK_OK:
        return true;
    case WALK_HOLE:
        return fail(c, "%s at 0x%lx: not mapped (L%u entry 0x%lx)", what, va, level, *pte);
    case WALK_LARGE:
        return fail(c, "%s at 0x%lx: a large page at L%u (0x%lx); PV has none", what,
                    va, level, *pte);
    case WALK_UNREACHABLE:
        break;
    }
    return fail(c, "%s at 0x%lx: L%u entry 0x%lx leads to mfn 0x%lx (pfn 0x%lx), not one "
                "of the bootstrap tables", what, va, level, *pte, PTE_MFN(*pte),
                guest_m2p(PTE_MFN(*pte)));
}

/* --------------------------------------------------------------- the checks */

/* 1: start_info as Xen's public header describes a domU's. */
static bool check_start_info(struct ctx *c)
{
    const start_info_t *si = c->si;
    const char *magic = "xen-3.0-x86_64";
    uint32_t known = SIF_MOD_START_PFN | SIF_VIRT_P2M_4TOOLS;

    for (unsigned i = 0; i <= 14; i++)
        if (si->magic[i] != magic[i])
            return fail(c, "magic is not \"%s\"", magic);
    if (si->nr_pages == 0)
        return fail(c, "nr_pages is 0");
    if (si->flags & ~known)
        return fail(c, "flags 0x%x: bits 0x%x are not a domU's", si->flags, si->flags & ~known);
    if (!(si->flags & SIF_MOD_START_PFN) != !si->mod_len)
        return fail(c, "flags 0x%x with mod_len 0x%lx: SIF_MOD_START_PFN must go with a "
                    "module (this kernel has MOD_START_PFN)", si->flags, si->mod_len);
    if (si->pt_base % PAGE || si->pt_base < c->b->virt_base || si->nr_pt_frames == 0)
        return fail(c, "pt_base 0x%lx / nr_pt_frames 0x%lx: not page tables above "
                    "virt_base 0x%lx", si->pt_base, si->nr_pt_frames, c->b->virt_base);
    if (si->nr_pt_frames > ((~0UL - si->pt_base) >> 12))
        return fail(c, "nr_pt_frames 0x%lx runs past the top of the address space",
                    si->nr_pt_frames);
    guest_format(c->why, sizeof c->why, "start_info: magic %s, nr_pages 0x%lx, flags 0x%x",
                 magic, si->nr_pages, si->flags);
    return true;
}

/* 2: the P->M list readable and writable where start_info says it is. */
static bool check_list(struct ctx *c)
{
    const start_info_t *si = c->si;
    uint64_t list = si->mfn_list;
    uint64_t sample[3] = { 0, si->nr_pages / 2, si->nr_pages - 1 };

    if (c->want.bad[0])
        return fail(c, "command line: cannot read '%s'", c->want.bad);
    if (c->want.p2m_set && list != c->want.p2m)
        return fail(c, "mfn_list is 0x%lx, the command line expects 0x%lx", list,
                    c->want.p2m);
    if (list % PAGE)
        return fail(c, "mfn_list 0x%lx is not page aligned", list);
    if (list + c->list_pages * PAGE - 1 < list)
        return fail(c, "mfn_list 0x%lx: 0x%lx pages wrap", list, c->list_pages);
    /*
     * Inside, the leaves are ours to read; outside, only a write tells,
     * and a read-only list then crashes the guest (no fault handler):
     * the report stops short of PASS.
     */
    for (uint64_t i = 0; !c->outside && i < c->list_pages; i++) {
        uint64_t pte;
        if (!leaf(c, list + i * PAGE, "P->M page", &pte))
            return false;
        if (!(pte & PTE_RW))
            return fail(c, "P->M page %lu at 0x%lx is mapped read-only (0x%lx)", i,
                        list + i * PAGE, pte);
    }
    for (unsigned i = 0; i < 3; i++) {
        uint64_t va = list + 8 * sample[i];
        uint64_t v = guest_peek64(va);
        if (v == GUEST_M2P_INVALID || v >> 40)
            return fail(c, "p2m[0x%lx] = 0x%lx is not a machine frame", sample[i], v);
        guest_poke64(va, v);
        if (guest_peek64(va) != v)
            return fail(c, "p2m[0x%lx] did not read back 0x%lx after a write", sample[i], v);
    }
    guest_format(c->why, sizeof c->why, "P->M list at 0x%lx%s: p2m[0] 0x%lx, p2m[0x%lx] "
                 "0x%lx read and written back", list,
                 c->want.p2m_set ? " as expected" : "", guest_peek64(list), sample[2],
                 guest_peek64(list + 8 * sample[2]));
    return true;
}

struct scan {
    uint64_t tables;           /* bootstrap tables reached from the L4 */
    uint64_t table_leaves;     /* L1 entries that map a bootstrap table */
    uint64_t foreign;          /* entries to tables that are not bootstrap ones */
};

/* Every entry of a bootstrap table at `level` and below it. */
static bool scan_table(struct ctx *c, uint64_t table, unsigned level, struct scan *s)
{
    if (++s->tables > c->si->nr_pt_frames)
        return fail(c, "more tables reachable from the L4 than nr_pt_frames 0x%lx "
                    "(a table reached twice?)", c->si->nr_pt_frames);
    for (unsigned i = 0; i < ENTRIES; i++) {
        if (level == 4 && i >= XEN_SLOT_FIRST && i <= XEN_SLOT_LAST)
            continue;
        uint64_t e = guest_peek64(table + 8 * i);
        if (!(e & PTE_PRESENT))
            continue;
        uint64_t pfn = guest_m2p(PTE_MFN(e));
        if (level == 1) {
            if (!is_table_pfn(c, pfn))
                continue;
            s->table_leaves++;
            if (e & PTE_RW)
                return fail(c, "L1 0x%lx entry %u maps table pfn 0x%lx writable (0x%lx)",
                            table, i, pfn, e);
        } else if (e & PTE_PSE) {
            return fail(c, "L%u 0x%lx entry %u is a large page (0x%lx)", level, table, i, e);
        } else if (is_table_pfn(c, pfn)) {
            if (!scan_table(c, va_of(c, pfn), level - 1, s))
                return false;
        } else {
            /* Only the outside list's mapping may hang off the L4. */
            s->foreign++;
            uint64_t first = c->si->first_p2m_pfn;
            if (!c->outside || level != 4 || i != slot(c->si->mfn_list, 4))
                return fail(c, "L%u 0x%lx entry %u points to pfn 0x%lx, not a bootstrap "
                            "table", level, table, i, pfn);
            if (pfn - first >= c->si->nr_p2m_frames)
                return fail(c, "the P->M mapping's L3 is pfn 0x%lx, outside its segment "
                            "0x%lx+0x%lx", pfn, first, c->si->nr_p2m_frames);
        }
    }
    return true;
}

/* 3: every bootstrap table frame is mapped, and read-only wherever it is. */
static bool check_tables_readonly(struct ctx *c)
{
    uint64_t n = c->si->nr_pt_frames;
    struct scan s = { 0, 0, 0 };

    for (uint64_t i = 0; i < n; i++) {
        uint64_t pte, va = c->si->pt_base + i * PAGE;
        if (!leaf(c, va, "page table", &pte))
            return false;
        if (pte & PTE_RW)
            return fail(c, "page table %lu of 0x%lx at 0x%lx is mapped writable (0x%lx)",
                        i, n, va, pte);
        if (guest_m2p(PTE_MFN(pte)) != c->pt_pfn + i)
            return fail(c, "page table %lu at 0x%lx maps pfn 0x%lx, not 0x%lx", i, va,
                        guest_m2p(PTE_MFN(pte)), c->pt_pfn + i);
    }
    if (!scan_table(c, c->si->pt_base, 4, &s))
        return false;
    if (s.tables != n)
        return fail(c, "0x%lx tables reachable from the L4, nr_pt_frames is 0x%lx",
                    s.tables, n);
    if (c->outside && s.foreign != 1)
        return fail(c, "the outside list's top-level entry is missing");
    guest_format(c->why, sizeof c->why, "page tables read-only: 0x%lx frames at 0x%lx, all "
                 "reachable from the L4, 0x%lx read-only leaves map them", n,
                 c->si->pt_base, s.table_leaves);
    return true;
}

/* 4: the P->M list agrees with the initial mapping, pfn by pfn. */
static bool check_list_matches(struct ctx *c)
{
    for (uint64_t pfn = 0; pfn < c->end_pfn; pfn++) {
        uint64_t pte;
        if (!leaf(c, va_of(c, pfn), "pfn", &pte))
            return false;
        uint64_t mfn = PTE_MFN(pte);
        uint64_t listed = guest_peek64(c->si->mfn_list + 8 * pfn);
        if (listed != mfn)
            return fail(c, "p2m[0x%lx] = 0x%lx, but 0x%lx maps mfn 0x%lx", pfn, listed,
                        va_of(c, pfn), mfn);
        if (guest_m2p(mfn) != pfn)
            return fail(c, "M2P says mfn 0x%lx is pfn 0x%lx, not 0x%lx", mfn,
                        guest_m2p(mfn), pfn);
    }
    guest_format(c->why, sizeof c->why, "p2m[pfn] is the mapped frame for all 0x%lx pfns "
                 "of the initial mapping", c->end_pfn);
    return true;
}

/* 5: an outside list and the unmapped module lie above the initial mapping. */
static bool check_above_mapping(struct ctx *c)
{
    const start_info_t *si = c->si;
    uint64_t first = si->first_p2m_pfn, frames = si->nr_p2m_frames;
    uint64_t limit = c->outside ? first : si->nr_pages;

    if (!c->outside && frames)
        return fail(c, "first_p2m_pfn 0 but nr_p2m_frames 0x%lx", frames);
    if (c->outside) {
        if (first < c->end_pfn)
            return fail(c, "first_p2m_pfn 0x%lx lies inside the initial mapping "
                        "(pfns up to 0x%lx)", first, c->end_pfn);
        if (frames <= c->list_pages || frames > si->nr_pages - first)
            return fail(c, "nr_p2m_frames 0x%lx from 0x%lx: not the 0x%lx list pages plus "
                        "their tables within nr_pages 0x%lx", frames, first,
                        c->list_pages, si->nr_pages);
    }
    if (si->flags & SIF_MOD_START_PFN) {
        uint64_t pages = div_up(si->mod_len, PAGE);
        if (si->mod_start < c->end_pfn || si->mod_start > limit ||
            pages > limit - si->mod_start)
            return fail(c, "module at pfn 0x%lx (0x%lx pages) is not between the initial "
                        "mapping's end 0x%lx and 0x%lx", si->mod_start, pages, c->end_pfn,
                        limit);
    }
    if (c->outside)
        guest_format(c->why, sizeof c->why, "first_p2m_pfn 0x%lx (0x%lx frames) above the "
                     "initial mapping's pfns 0..0x%lx", first, frames, c->end_pfn - 1);
    else
        guest_format(c->why, sizeof c->why, "list inside: first_p2m_pfn 0, initial "
                     "mapping pfns 0..0x%lx", c->end_pfn - 1);
    if (si->flags & SIF_MOD_START_PFN) {
        size_t n = 0;
        while (c->why[n])
            n++;
        guest_format(c->why + n, sizeof c->why - n, "; module at pfn 0x%lx", si->mod_start);
    }
    return true;
}

/*
 * 6: rsi is start_info right after the kernel (and an inside list), the
 * rings follow it, then the tables, then the stack rsp tops.
 */
static bool check_registers(struct ctx *c)
{
    const start_info_t *si = c->si;
    uint64_t kernel_pages = div_up(c->b->kernel_end - c->b->virt_base, PAGE);
    uint64_t si_pfn = kernel_pages + (c->outside ? 0 : c->list_pages);
    uint64_t stack_pfn = c->pt_pfn + si->nr_pt_frames;
    uint64_t pte;

    if (c->b->rsi != va_of(c, si_pfn))
        return fail(c, "rsi 0x%lx, but start_info belongs right after the kernel%s at 0x%lx",
                    c->b->rsi, c->outside ? "" : " and the list", va_of(c, si_pfn));
    if (guest_m2p(si->store_mfn) != si_pfn + 1 ||
        guest_m2p(si->console.domU.mfn) != si_pfn + 2)
        return fail(c, "xenstore / console rings at pfns 0x%lx / 0x%lx, not 0x%lx / 0x%lx",
                    guest_m2p(si->store_mfn), guest_m2p(si->console.domU.mfn),
                    si_pfn + 1, si_pfn + 2);
    if (c->pt_pfn != si_pfn + 3)
        return fail(c, "page tables at pfn 0x%lx, not right after the rings (0x%lx)",
                    c->pt_pfn, si_pfn + 3);
    if (c->b->rsp != va_of(c, stack_pfn + 1))
        return fail(c, "rsp 0x%lx, but the stack page after the tables ends at 0x%lx",
                    c->b->rsp, va_of(c, stack_pfn + 1));
    if (!leaf(c, va_of(c, stack_pfn), "boot stack", &pte))
        return false;
    if (!(pte & PTE_RW))
        return fail(c, "the boot stack at 0x%lx is read-only (0x%lx)", va_of(c, stack_pfn), pte);
    if (c->end_pfn < stack_pfn + 1 + PADDING_PAGES)
        return fail(c, "the mapping ends at pfn 0x%lx, less than 512 KiB after the stack "
                    "(pfn 0x%lx)", c->end_pfn, stack_pfn);
    guest_format(c->why, sizeof c->why, "rsi 0x%lx is start_info, rsp 0x%lx tops the stack "
                 "after the tables, 0x%lx pages mapped beyond", c->b->rsi, c->b->rsp,
                 c->end_pfn - stack_pfn - 1);
    return true;
}

/* 7: an outside list in the user half, an inside one right after the kernel. */
static bool check_list_place(struct ctx *c)
{
    uint64_t list = c->si->mfn_list;
    uint64_t last = list + c->list_pages * PAGE - 1;

    if (c->outside) {
        if (c->want.inside)
            return fail(c, "expect_inside=1, but the list is outside at 0x%lx", list);
        if (last >= USER_HALF_END || slot(list, 4) == 0 || slot(list, 4) != slot(last, 4))
            return fail(c, "outside list 0x%lx..0x%lx: not within one top-level slot > 0 "
                        "of the user half", list, last);
        guest_format(c->why, sizeof c->why, "list outside in the user half: 0x%lx..0x%lx, "
                     "top-level slot %u", list, last, slot(list, 4));
        return true;
    }
    uint64_t want = va_of(c, div_up(c->b->kernel_end - c->b->virt_base, PAGE));
    if (list != want)
        return fail(c, "inside list at 0x%lx, not right after the kernel (0x%lx)", list, want);
    guest_format(c->why, sizeof c->why, "list inside right after the kernel: 0x%lx..0x%lx",
                 list, last);
    return true;
}

/* ----------------------------------------------------------------- running */

/* The initial mapping's extent: pfns mapped from virt_base on. */
static uint64_t mapping_end(const struct ctx *c)
{
    uint64_t room = (0UL - c->b->virt_base) / PAGE;
    uint64_t max = c->si->nr_pages < room ? c->si->nr_pages : room;
    uint64_t pfn = 0, pte;
    unsigned level;
    while (pfn < max && walk(c, va_of(c, pfn), &pte, &level) == WALK_OK)
        pfn++;
    return pfn;
}

static void report(struct ctx *c, unsigned n, bool ok, int *failed)
{
    guest_say("%s %u - %s", ok ? "ok" : "not ok", n, c->why);
    if (!ok)
        (*failed)++;
    c->why[0] = '\0';
}

int guest_run_checks(const struct guest_boot *boot)
{
    static bool (*const checks[GUEST_NR_CHECKS])(struct ctx *) = {
        check_start_info, check_list, check_tables_readonly, check_list_matches,
        check_above_mapping, check_registers, check_list_place,
    };
    struct ctx c = { .b = boot, .si = boot->si };
    int failed = 0;

    guest_say("1..%u", GUEST_NR_CHECKS);
    parse_cmdline((const char *)c.si->cmd_line, MAX_GUEST_CMDLINE, &c.want);
    bool usable = check_start_info(&c);
    report(&c, 1, usable, &failed);
    if (usable) {
        c.pt_pfn = (c.si->pt_base - boot->virt_base) / PAGE;
        c.end_pfn = mapping_end(&c);
        c.list_pages = div_up(c.si->nr_pages * 8, PAGE);
        c.outside = c.si->first_p2m_pfn != 0;
        guest_say("# nr_pages 0x%lx, pt_base 0x%lx, nr_pt_frames 0x%lx, mfn_list 0x%lx, "
                  "first_p2m_pfn 0x%lx, nr_p2m_frames 0x%lx, initial mapping 0x%lx pages",
                  c.si->nr_pages, c.si->pt_base, c.si->nr_pt_frames, c.si->mfn_list,
                  c.si->first_p2m_pfn, c.si->nr_p2m_frames, c.end_pfn);
    }
    for (unsigned i = 1; i < GUEST_NR_CHECKS; i++) {
        if (!usable)
            fail(&c, "not run: start_info is unusable");
        report(&c, i + 1, usable && checks[i](&c), &failed);
    }
    if (failed)
        guest_say("# %d of %u checks failed", failed, GUEST_NR_CHECKS);
    guest_say(failed ? "FAIL" : "PASS");
    return failed;
}
