/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A hand-built PV domain for the verifier's tests; see mini_domain.h.
 * Test-only construction: its own tiny table writer and layout, so the
 * verifier is checked against something other than the real builder.
 */
#include "mini_domain.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

/* Entry bits as libxenguest writes them: tables get user|dirty too. */
#define PTE_P   UINT64_C(0x001)
#define PTE_RW  UINT64_C(0x002)
#define PTE_US  UINT64_C(0x004)
#define PTE_A   UINT64_C(0x020)
#define PTE_D   UINT64_C(0x040)
#define L_TABLE (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D)
#define L_LEAF  (PTE_P | PTE_RW | PTE_A)

#define PAGE    4096u
#define PADDING_PAGES 128u    /* the ABI's 512 KiB */
#define MAP_ALIGN_PAGES 1024u /* libxenguest rounds the mapping to 4 MiB */

/* Page tables under construction, in memory; table 0 is the L4. */
struct tables {
    uint64_t (*page)[512];
    uint32_t (*child)[512];  /* index of the table an entry points at */
    uint64_t *pfn;
    size_t n, cap;
};

static int tables_new(struct tables *t, uint64_t pfn)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        void *a = realloc(t->page, cap * sizeof *t->page);
        if (a)
            t->page = a;
        void *b = realloc(t->child, cap * sizeof *t->child);
        if (b)
            t->child = b;
        void *c = realloc(t->pfn, cap * sizeof *t->pfn);
        if (c)
            t->pfn = c;
        if (!a || !b || !c)
            return -ENOMEM;
        t->cap = cap;
    }
    memset(t->page[t->n], 0, sizeof t->page[0]);
    memset(t->child[t->n], 0, sizeof t->child[0]);
    t->pfn[t->n] = pfn;
    t->n++;
    return 0;
}

static void tables_free(struct tables *t)
{
    free(t->page);
    free(t->child);
    free(t->pfn);
}

/* Map va -> mfn of pfn; new tables take pfns from *next (up to end). */
static int map_page(struct tables *t, const struct mini_domain *md, uint64_t va,
                    uint64_t pfn, bool rw, uint64_t *next, uint64_t end)
{
    size_t cur = 0;
    for (unsigned level = 4; level > 1; level--) {
        unsigned idx = (va >> (12 + 9 * (level - 1))) & 511;
        if (!t->page[cur][idx]) {
            if (*next >= end)
                return -ENOSPC;
            int rc = tables_new(t, (*next)++);
            if (rc)
                return rc;
            t->page[cur][idx] = (mini_mfn(md, t->pfn[t->n - 1]) << 12) | L_TABLE;
            t->child[cur][idx] = (uint32_t)(t->n - 1);
        }
        cur = t->child[cur][idx];
    }
    unsigned idx = (va >> 12) & 511;
    t->page[cur][idx] = (mini_mfn(md, pfn) << 12) | L_LEAF;
    if (!rw)
        t->page[cur][idx] &= ~PTE_RW;
    return 0;
}

/* Tables that map [va, va + pages pages) below an existing L4. */
static uint64_t count_tables(uint64_t va, uint64_t pages)
{
    uint64_t last = va + pages * PAGE - 1, n = 0;
    for (unsigned shift = 39; shift >= 21; shift -= 9)
        n += (last >> shift) - (va >> shift) + 1;
    return n;
}

static int populate(pvb_host *h, struct mini_domain *md, pvb_error *err)
{
    size_t n = md->nr_pages / 512;
    md->extent_mfn = calloc(n, sizeof *md->extent_mfn);
    if (!md->extent_mfn)
        return fail(err, -ENOMEM, "mini domain: out of memory");
    for (size_t i = 0; i < n; i++)
        md->extent_mfn[i] = i * 512;
    long done = h->ops->populate(h, md->domid, 9, n, (xen_pfn_t *)md->extent_mfn, err);
    if (done < 0)
        return (int)done;
    if ((size_t)done != n)
        return fail(err, -ENOMEM, "mini domain: populated %ld of %zu extents", done, n);
    return 0;
}

static int write_page(pvb_host *h, uint32_t domid, uint64_t mfn, const void *data,
                      pvb_error *err)
{
    xen_pfn_t m = mfn;
    void *p = h->ops->map(h, domid, HOST_MAP_READ | HOST_MAP_WRITE, 1, &m, err);
    if (!p)
        return err ? err->code : -EIO;
    memcpy(p, data, PAGE);
    h->ops->unmap(h, p, 1);
    return 0;
}

/* p2m[pfn] = its mfn; entries past nr_pages in the last page are invalid. */
static int write_p2m(pvb_host *h, const struct mini_domain *md, pvb_error *err)
{
    xen_pfn_t mfns[512];
    for (uint64_t first = 0; first < md->p2m_pages; first += 512) {
        size_t n = md->p2m_pages - first < 512 ? md->p2m_pages - first : 512;
        for (size_t i = 0; i < n; i++)
            mfns[i] = mini_mfn(md, md->p2m_pfn + first + i);
        uint64_t *p = h->ops->map(h, md->domid, HOST_MAP_READ | HOST_MAP_WRITE, n, mfns,
                                  err);
        if (!p)
            return err ? err->code : -EIO;
        for (size_t k = 0; k < n * 512; k++) {
            uint64_t pfn = (first * 512) + k;
            p[k] = pfn < md->nr_pages ? mini_mfn(md, pfn) : ~UINT64_C(0);
        }
        h->ops->unmap(h, p, n);
    }
    return 0;
}

/* Where everything goes: the fixed point on the number of tables. */
static int plan(struct mini_domain *md, const struct mini_opts *o, pvb_error *err)
{
    md->virt_base = MINI_VIRT_BASE;
    md->kernel_pages = o->kernel_pages ? o->kernel_pages : 0x300;
    md->entry = md->virt_base + 0x1000;
    md->nr_pages = o->nr_pages ? o->nr_pages : 0x1000;
    md->nr_pages = (md->nr_pages + 511) & ~UINT64_C(511);
    md->p2m_pages = (md->nr_pages * 8 + PAGE - 1) / PAGE;
    md->mod_pages = o->mod_pages ? o->mod_pages : 0x10;
    md->mod_len = md->mod_pages * PAGE - 0x123;

    uint64_t next = md->kernel_pages;
    if (o->p2m_inside) {
        md->p2m_pfn = next;
        md->mfn_list = md->virt_base + (next << 12);
        next += md->p2m_pages;
    }
    md->si_pfn = next;
    md->pt_pfn = next + 3;
    md->nr_pt = 0;
    for (;;) {
        md->stack_pfn = md->pt_pfn + md->nr_pt;
        uint64_t need = md->stack_pfn + 1 + PADDING_PAGES;
        md->map_pages = (need + MAP_ALIGN_PAGES - 1) / MAP_ALIGN_PAGES * MAP_ALIGN_PAGES;
        uint64_t t = 1 + count_tables(md->virt_base, md->map_pages);
        if (t == md->nr_pt)
            break;
        md->nr_pt = t;
    }
    md->mod_pfn = md->map_pages;
    if (!o->p2m_inside) {
        md->p2m_pfn = md->mod_pfn + md->mod_pages;
        md->mfn_list = MINI_P2M_VADDR;
        md->first_p2m_pfn = md->p2m_pfn;
        md->nr_p2m_frames = md->p2m_pages + count_tables(MINI_P2M_VADDR, md->p2m_pages);
    }
    uint64_t used = o->p2m_inside ? md->mod_pfn + md->mod_pages
                                  : md->first_p2m_pfn + md->nr_p2m_frames;
    if (used > md->nr_pages || md->map_pages > (UINT64_C(2) << 30) / PAGE)
        return fail(err, -EINVAL, "mini domain: layout needs 0x%" PRIx64 " pages, "
                    "nr_pages is 0x%" PRIx64, used, md->nr_pages);
    return 0;
}

static int build_tables(pvb_host *h, struct mini_domain *md, pvb_error *err)
{
    struct tables t = { 0 };
    uint64_t next = md->pt_pfn;
    int rc = tables_new(&t, next++);
    for (uint64_t pfn = 0; !rc && pfn < md->map_pages; pfn++) {
        bool table = pfn >= md->pt_pfn && pfn < md->pt_pfn + md->nr_pt;
        rc = map_page(&t, md, mini_va(md, pfn), pfn, !table, &next, md->pt_pfn + md->nr_pt);
    }
    if (!rc && next != md->pt_pfn + md->nr_pt)
        rc = -EINVAL;
    if (md->first_p2m_pfn) {
        uint64_t pend = md->first_p2m_pfn + md->nr_p2m_frames;
        next = md->p2m_pfn + md->p2m_pages;
        for (uint64_t i = 0; !rc && i < md->p2m_pages; i++)
            rc = map_page(&t, md, MINI_P2M_VADDR + i * PAGE, md->p2m_pfn + i, true,
                          &next, pend);
        if (!rc && next != pend)
            rc = -EINVAL;
    }
    for (size_t i = 0; !rc && i < t.n; i++)
        rc = write_page(h, md->domid, mini_mfn(md, t.pfn[i]), t.page[i], err);
    tables_free(&t);
    if (rc)
        return fail(err, rc, "mini domain: building the page tables failed (%d)", rc);
    md->l4_mfn = mini_mfn(md, md->pt_pfn);
    return 0;
}

static int write_start_info(pvb_host *h, struct mini_domain *md, pvb_error *err)
{
    struct host_domain_info info;
    int rc = h->ops->domain_info(h, md->domid, &info, err);
    if (rc)
        return rc;
    union {
        start_info_x86_64_t si;
        uint8_t page[PAGE];
    } u;
    memset(&u, 0, sizeof u);
    start_info_x86_64_t *si = &u.si;
    strcpy(si->magic, "xen-3.0-x86_64");
    si->nr_pages = md->nr_pages;
    si->shared_info = (uint64_t)info.shared_info_mfn << 12;
    si->flags = SIF_MOD_START_PFN;
    si->store_mfn = mini_mfn(md, md->si_pfn + 1);
    si->store_evtchn = 1;
    si->console.domU.mfn = mini_mfn(md, md->si_pfn + 2);
    si->console.domU.evtchn = 2;
    si->pt_base = mini_va(md, md->pt_pfn);
    si->nr_pt_frames = md->nr_pt;
    si->mfn_list = md->mfn_list;
    si->mod_start = md->mod_pfn;
    si->mod_len = md->mod_len;
    strcpy((char *)si->cmd_line, "console=hvc0");
    si->first_p2m_pfn = md->first_p2m_pfn;
    si->nr_p2m_frames = md->nr_p2m_frames;
    return write_page(h, md->domid, mini_mfn(md, md->si_pfn), u.page, err);
}

static int set_context(pvb_host *h, struct mini_domain *md, pvb_error *err)
{
    vcpu_guest_context_x86_64_t *c = calloc(1, sizeof *c);
    if (!c)
        return fail(err, -ENOMEM, "mini domain: out of memory");
    c->flags = VGCF_in_kernel_X86_64 | VGCF_online_X86_64;
    c->user_regs.rip = md->entry;
    c->user_regs.rsp = mini_va(md, md->stack_pfn + 1);
    c->user_regs.rsi = mini_va(md, md->si_pfn);
    c->user_regs.rflags = 0x200;
    c->user_regs.cs = FLAT_KERNEL_CS_X86_64;
    c->user_regs.ss = FLAT_KERNEL_SS_X86_64;
    c->kernel_ss = FLAT_KERNEL_SS_X86_64;
    c->kernel_sp = c->user_regs.rsp;
    c->ctrlreg[3] = xen_pfn_to_cr3_x86_64(md->l4_mfn);
    c->debugreg[6] = 0xffff0ff0;
    c->debugreg[7] = 0x400;
    int rc = h->ops->set_vcpu_context(h, md->domid, 0, c, err);
    free(c);
    return rc;
}

int mini_domain_build(pvb_host *h, const struct mini_opts *opts, struct mini_domain *md,
                      pvb_error *err)
{
    static const struct mini_opts defaults;
    const struct mini_opts *o = opts ? opts : &defaults;
    memset(md, 0, sizeof *md);
    int rc = plan(md, o, err);
    if (rc)
        return rc;
    struct host_domain_config cfg = { "mini", 1, md->nr_pages };
    rc = h->ops->domain_create(h, &cfg, &md->domid, err);
    if (rc)
        return rc;
    rc = h->ops->set_address_size(h, md->domid, 64, err);
    if (!rc)
        rc = populate(h, md, err);
    if (!rc)
        rc = build_tables(h, md, err);
    if (!rc)
        rc = write_p2m(h, md, err);
    if (!rc)
        rc = write_start_info(h, md, err);
    if (!rc)
        rc = h->ops->pin_l4(h, md->domid, md->l4_mfn, err);
    if (!rc)
        rc = set_context(h, md, err);
    if (rc)
        mini_domain_destroy(h, md);
    return rc;
}

void mini_domain_destroy(pvb_host *h, struct mini_domain *md)
{
    if (md->domid)
        h->ops->domain_destroy(h, md->domid, NULL);
    free(md->extent_mfn);
    md->extent_mfn = NULL;
    md->domid = 0;
}

void mini_domain_guest(const struct mini_domain *md, struct pvb_guest *g)
{
    memset(g, 0, sizeof *g);
    g->format = PVB_FORMAT_ELF;
    g->elf_class = 64;
    g->virt_base = md->virt_base;
    g->entry = md->entry;
    g->elf_entry = md->entry;
    g->virt_kstart = md->virt_base;
    g->virt_kend = mini_va(md, md->kernel_pages);
    g->mod_start_pfn = 1;
    g->notes_seen = UINT64_C(1) << XEN_ELFNOTE_VIRT_BASE | UINT64_C(1) << XEN_ELFNOTE_ENTRY |
                    UINT64_C(1) << XEN_ELFNOTE_MOD_START_PFN;
    if (!md->first_p2m_pfn)
        return;
    g->notes_seen |= UINT64_C(1) << XEN_ELFNOTE_INIT_P2M;
    g->init_p2m = MINI_P2M_VADDR;
}
