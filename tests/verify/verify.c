/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pvb_verify against hand-built domains on the simulated host: a good
 * domain passes every check; corrupting one thing at a time fails the
 * check named for it (and only the others that cannot help failing).
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "plan_copy.h"
#include "host/host.h"
#include "host/sim.h"
#include "mini_domain.h"

static pvb_host *h;

static const char *const all_checks[] = {
    "vcpu_context", "start_info_magic", "pagetables_readonly", "p2m_mapped_writable",
    "p2m_matches_mapping", "p2m_frames", "registers", "padding_512k",
    "start_info_fields",
};
#define NR_CHECKS (sizeof all_checks / sizeof all_checks[0])

static const struct pvb_verify_check *find(const struct pvb_verify_report *r,
                                           const char *name)
{
    for (unsigned i = 0; i < r->nr_checks; i++)
        if (r->checks[i].name && strcmp(r->checks[i].name, name) == 0)
            return &r->checks[i];
    return NULL;
}

/* Is name in the comma-separated list? */
static int listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

/*
 * Verify md and expect exactly the checks in want_fail ("a,b", or "") to
 * fail; each of them gets its own assertion.
 */
static void expect(const char *what, const struct mini_domain *md,
                   const struct pvb_guest *g, const char *want_fail)
{
    struct pvb_verify_report r;
    pvb_error err = { 0, "" };
    int rc = test_verify(h, md->domid, g, &r, &err);
    if (!ok(rc == 0, "%s: pvb_verify runs", what)) {
        diag("rc %d: %s", rc, err.msg);
        return;
    }
    is_u64(r.nr_checks, NR_CHECKS, "%s: %zu checks reported", what, NR_CHECKS);

    char got[512] = "";
    int complete = 1;
    for (size_t i = 0; i < NR_CHECKS; i++) {
        const struct pvb_verify_check *c = find(&r, all_checks[i]);
        if (!c || !c->detail[0]) {
            complete = 0;
            continue;
        }
        if (!c->ok) {
            if (got[0])
                strcat(got, ",");
            strcat(got, c->name);
        }
        if (!c->ok || !want_fail[0] || listed(want_fail, c->name))
            diag("%s: %s %s: %s", what, c->name, c->ok ? "ok" : "FAILS", c->detail);
    }
    ok(complete, "%s: every check is named and has a detail", what);
    for (const char *p = want_fail; *p;) {
        const char *comma = strchr(p, ',');
        char name[64];
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        snprintf(name, sizeof name, "%.*s", (int)len, p);
        const struct pvb_verify_check *c = find(&r, name);
        ok(c && !c->ok, "%s: %s fails", what, name);
        p = comma ? comma + 1 : p + len;
    }
    is_str(got, want_fail, "%s: exactly these checks fail", what);
    ok(r.ok == !want_fail[0], "%s: report ok is %s", what, want_fail[0] ? "false" : "true");
    is_u64(sim_live_views(h), 0, "%s: the verifier leaves no mapping behind", what);
}

/* ------------------------------------------------------------ tampering */

static void must(int rc, const pvb_error *err, const char *what)
{
    if (rc) {
        printf("Bail out! %s: %s\n", what, err->msg);
        exit(1);
    }
}

static void build(struct mini_domain *md, const struct mini_opts *o)
{
    pvb_error err = { 0, "" };
    must(mini_domain_build(h, o, md, &err), &err, "mini domain build");
}

static void poke(const struct mini_domain *md, uint64_t mfn, size_t off, uint64_t val)
{
    pvb_error err = { 0, "" };
    xen_pfn_t m = mfn;
    uint8_t *p = h->ops->map(h, md->domid, HOST_MAP_READ | HOST_MAP_WRITE, 1, &m, &err);
    must(!p, &err, "writable map for tampering");
    memcpy(p + off, &val, sizeof val);
    h->ops->unmap(h, p, 1);
}

static uint64_t peek(const struct mini_domain *md, uint64_t mfn, size_t off)
{
    pvb_error err = { 0, "" };
    xen_pfn_t m = mfn;
    uint8_t *p = h->ops->map(h, md->domid, HOST_MAP_READ, 1, &m, &err);
    must(!p, &err, "map for peeking");
    uint64_t val;
    memcpy(&val, p + off, sizeof val);
    h->ops->unmap(h, p, 1);
    return val;
}

#define SI_POKE(md, field, val) \
    poke(md, mini_mfn(md, (md)->si_pfn), offsetof(start_info_x86_64_t, field), val)

/* The L1 table frame and slot mapping va (the test's own walk). */
static void leaf_slot(const struct mini_domain *md, uint64_t va, uint64_t *l1, size_t *slot)
{
    uint64_t mfn = md->l4_mfn;
    for (unsigned level = 4; level > 1; level--) {
        unsigned idx = (va >> (12 + 9 * (level - 1))) & 511;
        mfn = (peek(md, mfn, idx * 8) & UINT64_C(0x000ffffffffff000)) >> 12;
    }
    *l1 = mfn;
    *slot = ((va >> 12) & 511) * 8;
}

static void unpin(const struct mini_domain *md)
{
    pvb_error err = { 0, "" };
    must(h->ops->unpin(h, md->domid, md->l4_mfn, &err), &err, "unpin");
}

static void pin(const struct mini_domain *md)
{
    pvb_error err = { 0, "" };
    must(h->ops->pin_l4(h, md->domid, md->l4_mfn, &err), &err, "re-pin");
}

/* Set (or with set = 0, clear) bits of va's leaf: tables change unpinned. */
static void leaf_bits(const struct mini_domain *md, uint64_t va, uint64_t bits, int set,
                      int repin)
{
    uint64_t l1;
    size_t slot;
    leaf_slot(md, va, &l1, &slot);
    unpin(md);
    uint64_t e = peek(md, l1, slot);
    poke(md, l1, slot, set ? e | bits : e & ~bits);
    if (repin)
        pin(md);
}

static void set_regs(const struct mini_domain *md, uint64_t rsp, uint16_t cs)
{
    pvb_error err = { 0, "" };
    vcpu_guest_context_x86_64_t *c = calloc(1, sizeof *c);
    must(!c, &err, "calloc");
    must(h->ops->get_vcpu_context(h, md->domid, 0, c, &err), &err, "get context");
    c->user_regs.rsp = c->kernel_sp = rsp;
    c->user_regs.cs = cs;
    must(h->ops->set_vcpu_context(h, md->domid, 0, c, &err), &err, "set context");
    free(c);
}

/* ---------------------------------------------------------------- cases */

typedef void tamper_fn(const struct mini_domain *md);

static void t_table_writable(const struct mini_domain *md)
{
    /* The initial mapping's last L1 table, mapped writable where it maps itself. */
    leaf_bits(md, mini_va(md, md->pt_pfn + md->nr_pt - 1), 2, 1, 0);
}

static void t_p2m_entry(const struct mini_domain *md)
{
    uint64_t off = (md->mfn_list & 4095) + 5 * 8;
    uint64_t mfn = mini_mfn(md, md->p2m_pfn + off / 4096);
    poke(md, mfn, off % 4096, mini_mfn(md, 6));
}

static void t_nr_p2m_frames(const struct mini_domain *md)
{
    SI_POKE(md, nr_p2m_frames, md->nr_p2m_frames + 1);
}

static void t_first_p2m_low(const struct mini_domain *md)
{
    SI_POKE(md, first_p2m_pfn, 0x10);
}

static void t_p2m_leaf_ro(const struct mini_domain *md)
{
    leaf_bits(md, md->mfn_list + 4096, 2, 0, 1);
}

static void t_cut_mapping(const struct mini_domain *md)
{
    /* Keep 256 KiB after the stack: all tables stay in use, the padding does not. */
    uint64_t from = md->stack_pfn + 1 + 64;
    for (uint64_t pfn = from; pfn < md->map_pages; pfn++) {
        uint64_t l1;
        size_t slot;
        leaf_slot(md, mini_va(md, pfn), &l1, &slot);
        if (pfn == from)
            unpin(md);
        poke(md, l1, slot, 0);
    }
    pin(md);
}

static void t_rsp_moved(const struct mini_domain *md)
{
    /* The page below rsp becomes the L4 itself: mapped, but a read-only table. */
    set_regs(md, mini_va(md, md->pt_pfn + 1), FLAT_KERNEL_CS_X86_64);
}

static void t_magic(const struct mini_domain *md)
{
    SI_POKE(md, magic, 0x2d332e302d6e6558);   /* "Xen-3.0-" */
}

static void t_nr_pt_frames(const struct mini_domain *md)
{
    SI_POKE(md, nr_pt_frames, md->nr_pt + 1);
}

static void t_nr_pages(const struct mini_domain *md)
{
    SI_POKE(md, nr_pages, md->nr_pages + 1);
}

static void t_mod_mapped(const struct mini_domain *md)
{
    SI_POKE(md, mod_start, 0x10);
}

static void t_mod_past_end(const struct mini_domain *md)
{
    SI_POKE(md, mod_start, md->nr_pages);
}

static void t_cs(const struct mini_domain *md)
{
    set_regs(md, mini_va(md, md->stack_pfn + 1), 0xe030);
}

static void t_store_ro(const struct mini_domain *md)
{
    leaf_bits(md, mini_va(md, md->si_pfn + 1), 2, 0, 1);
}

static void t_cmdline(const struct mini_domain *md)
{
    uint64_t mfn = mini_mfn(md, md->si_pfn);
    size_t off = offsetof(start_info_x86_64_t, cmd_line);
    for (size_t i = 0; i < MAX_GUEST_CMDLINE_X86_64; i += 8)
        poke(md, mfn, off + i, 0x4141414141414141);
}

static void t_first_p2m_set(const struct mini_domain *md)
{
    SI_POKE(md, first_p2m_pfn, md->map_pages + md->mod_pages);
    SI_POKE(md, nr_p2m_frames, 1);
}

/* An unused L2 slot of the initial mapping (past its end), written unpinned. */
static void unused_l2_slot(const struct mini_domain *md, uint64_t val)
{
    uint64_t va = mini_va(md, md->map_pages + 1024);   /* 4 MiB past the end */
    uint64_t mfn = md->l4_mfn;
    for (unsigned level = 4; level > 2; level--) {
        unsigned idx = (va >> (12 + 9 * (level - 1))) & 511;
        mfn = (peek(md, mfn, idx * 8) & UINT64_C(0x000ffffffffff000)) >> 12;
    }
    unpin(md);
    poke(md, mfn, ((va >> 21) & 511) * 8, val);
}

static void t_foreign_table(const struct mini_domain *md)
{
    /* mfn 1 belongs to nobody: the host will not map it. */
    unused_l2_slot(md, (UINT64_C(1) << 12) | 0x67);
}

static void t_superpage(const struct mini_domain *md)
{
    unused_l2_slot(md, (mini_mfn(md, md->nr_pages - 512) << 12) | 0xe3);
}

static void t_p2m_table_entry(const struct mini_domain *md)
{
    /* The P->M segment's last frame (an L1 of the list) named as a free page. */
    uint64_t pfn = md->first_p2m_pfn + md->nr_p2m_frames - 1;
    uint64_t mfn = mini_mfn(md, md->p2m_pfn + pfn * 8 / 4096);
    poke(md, mfn, pfn * 8 % 4096, mini_mfn(md, md->nr_pages - 1));
}

static const struct tamper {
    const char *what;
    tamper_fn *fn;
    int inside;              /* on a domain with the P->M list inside */
    const char *fails;
} cases[] = {
    { "table frame writable in its leaf", t_table_writable, 0, "pagetables_readonly" },
    { "one p2m entry wrong", t_p2m_entry, 0, "p2m_matches_mapping" },
    { "nr_p2m_frames off by one", t_nr_p2m_frames, 0, "p2m_frames" },
    { "first_p2m_pfn below the mapping", t_first_p2m_low, 0, "p2m_frames" },
    { "a P->M leaf read-only", t_p2m_leaf_ro, 0, "p2m_mapped_writable" },
    { "mapping cut short", t_cut_mapping, 0, "padding_512k" },
    { "rsp moved onto a table", t_rsp_moved, 0, "registers" },
    { "start_info magic broken", t_magic, 0, "start_info_magic" },
    { "nr_pt_frames off by one", t_nr_pt_frames, 0, "start_info_fields" },
    { "nr_pages wrong", t_nr_pages, 0, "start_info_fields" },
    { "mod_start inside the mapping", t_mod_mapped, 0, "start_info_fields" },
    /* A ramdisk past nr_pages also ends above first_p2m_pfn. */
    { "mod_start past nr_pages", t_mod_past_end, 0, "p2m_frames,start_info_fields" },
    { "cs not FLAT_KERNEL_CS", t_cs, 0, "vcpu_context" },
    { "an L2 entry points at a frame not the domain's", t_foreign_table, 0,
      "pagetables_readonly" },
    { "an L2 entry is a superpage", t_superpage, 0, "pagetables_readonly" },
    { "p2m names a free page for a P->M table", t_p2m_table_entry, 0, "p2m_frames" },
    { "xenstore page read-only", t_store_ro, 0, "start_info_fields" },
    { "cmd_line without NUL", t_cmdline, 0, "start_info_fields" },
    { "inside: one p2m entry wrong", t_p2m_entry, 1, "p2m_matches_mapping" },
    { "inside: a P->M leaf read-only", t_p2m_leaf_ro, 1, "p2m_mapped_writable" },
    { "inside: first_p2m_pfn/nr_p2m_frames set", t_first_p2m_set, 1, "p2m_frames" },
};

static void good(const char *what, const struct mini_opts *o)
{
    struct mini_domain md;
    struct pvb_guest g;
    build(&md, o);
    mini_domain_guest(&md, &g);
    char name[128];
    snprintf(name, sizeof name, "%s, no kernel notes", what);
    expect(name, &md, NULL, "");
    snprintf(name, sizeof name, "%s, with kernel notes", what);
    expect(name, &md, &g, "");
    mini_domain_destroy(h, &md);
}

static void unreadable(void)
{
    struct pvb_verify_report r;
    pvb_error err = { 0, "" };
    ok(test_verify(h, 4000, NULL, &r, &err) < 0 && strstr(err.msg, "4000"),
       "no such domain: an error naming it (%s)", err.msg);
    ok(!r.ok && r.nr_checks == 0, "no such domain: empty report");

    struct mini_domain md;
    build(&md, NULL);
    vcpu_guest_context_x86_64_t *c = calloc(1, sizeof *c);
    must(!c || h->ops->get_vcpu_context(h, md.domid, 0, c, &err), &err, "get context");
    c->ctrlreg[3] = 0;
    must(h->ops->set_vcpu_context(h, md.domid, 0, c, &err), &err, "set context");
    free(c);
    err = (pvb_error){ 0, "" };
    ok(test_verify(h, md.domid, NULL, &r, &err) < 0 && strstr(err.msg, "cr3"),
       "cr3 frame 0: an error naming cr3 (%s)", err.msg);
    is_u64(sim_live_views(h), 0, "cr3 frame 0: no mapping left behind");
    mini_domain_destroy(h, &md);
}

static void guest_mismatch(void)
{
    struct mini_domain md;
    struct pvb_guest g;
    build(&md, NULL);
    mini_domain_guest(&md, &g);
    g.entry += 0x10;
    expect("kernel notes: ENTRY differs from rip", &md, &g, "registers");
    mini_domain_guest(&md, &g);
    g.virt_base += 0x1000;
    expect("kernel notes: VIRT_BASE one page off", &md, &g,
           "p2m_matches_mapping,start_info_fields");
    mini_domain_destroy(h, &md);
}

int main(void)
{
    pvb_error err = { 0, "" };
    struct pvb_sim_opts so = { .version = PVB_SIM_OPTS_VERSION,
                               .machine_bytes = UINT64_C(64) << 30, .seed = 7 };
    must(pvb_host_sim_open(&so, &h, &err), &err, "sim open");

    good("good domain, P->M outside", NULL);
    good("good domain, P->M inside", &(struct mini_opts){ .p2m_inside = true });
    /* 4 GiB: the list needs 2048 pages and 4 L1 tables of its own. */
    good("good 4 GiB domain, P->M outside", &(struct mini_opts){ .nr_pages = 1 << 20 });
    good("good 1 GiB domain, P->M inside",
         &(struct mini_opts){ .nr_pages = 1 << 18, .p2m_inside = true });

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct mini_domain md;
        struct mini_opts o = { .p2m_inside = cases[i].inside };
        build(&md, &o);
        cases[i].fn(&md);
        expect(cases[i].what, &md, NULL, cases[i].fails);
        mini_domain_destroy(h, &md);
    }
    guest_mismatch();
    unreadable();

    pvb_host_close(h);
    return done_testing();
}
