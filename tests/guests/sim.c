/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pvbuild's test guest on the simulated host.  Each variant is built with
 * pvb_domain_create and must pass pvb_verify; then the guest's own checks
 * (guest/checks.c, the code the guest runs on Xen) run against the built
 * domain, seen as the guest sees it: memory reached through its page
 * tables from cr3, as an MMU would (a write through a read-only entry is
 * a fault, and a fault crashes the guest as on Xen with no handler), M2P
 * from the frames pvbuild populated, and the report written to the
 * domain's console ring and read back as a backend reads it.
 *
 * Spoilt domains show that each check can fail: a P->M entry swapped, a
 * page table mapped writable, a read-only list, a wrong rsp, and command
 * lines that expect another placement.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "host/sim.h"
#include "pvbuild.h"
#include "tap.h"
#include "plan_copy.h"
#include "guest/guest.h"

#define MAX_FRAMES 64
#define PTE_MFN(e) (((e) & UINT64_C(0x000ffffffffff000)) >> 12)

struct m2p_entry {
    uint64_t mfn, pfn;
};

/* The guest's machine: one built domain, and the text its console got. */
static struct machine {
    pvb_host *h;
    uint32_t domid;
    xen_pfn_t l4;                     /* cr3's frame */
    xen_pfn_t console_mfn;
    struct { xen_pfn_t mfn; const unsigned char *p; } frames[MAX_FRAMES];
    size_t nr_frames;                 /* read-only views kept while the guest runs */
    struct m2p_entry *m2p;
    size_t nr_m2p;
    jmp_buf crash;
    char crash_why[PVB_ERROR_MAX];
    char text[8192];                  /* the console output so far */
    size_t text_len;
} M;

static void drop_frames(void)
{
    for (size_t i = 0; i < M.nr_frames; i++)
        M.h->ops->unmap(M.h, (void *)M.frames[i].p, 1);
    M.nr_frames = 0;
}

/* The guest crashes: no fault handler, so Xen would crash the domain. */
static void crash(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void crash(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(M.crash_why, sizeof M.crash_why, fmt, ap);
    va_end(ap);
    longjmp(M.crash, 1);
}

static const unsigned char *frame(xen_pfn_t mfn)
{
    pvb_error err;
    for (size_t i = 0; i < M.nr_frames; i++)
        if (M.frames[i].mfn == mfn)
            return M.frames[i].p;
    if (M.nr_frames == MAX_FRAMES)
        drop_frames();
    const unsigned char *p = M.h->ops->map(M.h, M.domid, HOST_MAP_READ, 1, &mfn, &err);
    if (!p)
        crash("machine check: mfn 0x%" PRIx64 " unreadable: %s", (uint64_t)mfn, err.msg);
    M.frames[M.nr_frames].mfn = mfn;
    M.frames[M.nr_frames++].p = p;
    return p;
}

static uint64_t entry(xen_pfn_t table, unsigned index)
{
    uint64_t e;
    memcpy(&e, frame(table) + 8 * index, sizeof e);
    return e;
}

/*
 * The MMU: the frame va lies in, from cr3 down; *l1 / *index name the
 * leaf entry.  A missing entry, or a read-only one on a write, faults.
 */
static xen_pfn_t mmu(uint64_t va, bool write, xen_pfn_t *l1, unsigned *index)
{
    xen_pfn_t table = M.l4;
    if ((uint64_t)((int64_t)(va << 16) >> 16) != va)
        crash("general protection: 0x%" PRIx64 " is not canonical", va);
    for (unsigned level = 4;; level--) {
        unsigned i = (unsigned)(va >> (12 + 9 * (level - 1))) & 511;
        uint64_t e = entry(table, i);
        if (!(e & 1) || (write && !(e & 2)))
            crash("page fault: %s 0x%" PRIx64 ": L%u entry 0x%" PRIx64 " is %s",
                  write ? "write to" : "read of", va, level, e,
                  e & 1 ? "read-only" : "not present");
        if (level == 1) {
            if (l1) {
                *l1 = table;
                *index = i;
            }
            return PTE_MFN(e);
        }
        table = PTE_MFN(e);
    }
}

/* ------------------------------------------------ the guest's platform */

uint64_t guest_peek64(uint64_t va)
{
    uint64_t v;
    memcpy(&v, frame(mmu(va, false, NULL, NULL)) + (va & 4095), sizeof v);
    return v;
}

void guest_poke64(uint64_t va, uint64_t value)
{
    xen_pfn_t mfn = mmu(va, true, NULL, NULL);
    pvb_error err;
    unsigned char *p = M.h->ops->map(M.h, M.domid, HOST_MAP_READ | HOST_MAP_WRITE, 1,
                                     &mfn, &err);
    if (!p)
        crash("write to 0x%" PRIx64 " refused by the host: %s", va, err.msg);
    memcpy(p + (va & 4095), &value, sizeof value);
    M.h->ops->unmap(M.h, p, 1);
}

static int m2p_cmp(const void *a, const void *b)
{
    const struct m2p_entry *x = a, *y = b;
    return x->mfn < y->mfn ? -1 : x->mfn > y->mfn;
}

uint64_t guest_m2p(uint64_t mfn)
{
    struct m2p_entry key = { mfn, 0 };
    const struct m2p_entry *e = bsearch(&key, M.m2p, M.nr_m2p, sizeof key, m2p_cmp);
    return e ? e->pfn : GUEST_M2P_INVALID;
}

/* Drain the ring as xenconsoled would, so a long report never stalls. */
static void console_drain(void)
{
    pvb_error err;
    size_t got;
    if (pvb_console_read(M.h, M.domid, M.console_mfn, M.text + M.text_len,
                         sizeof M.text - 1 - M.text_len, &got, &err) < 0)
        crash("console read: %s", err.msg);
    M.text_len += got;
    M.text[M.text_len] = '\0';
}

void guest_console_write(const char *s, size_t len)
{
    pvb_error err;
    xen_pfn_t mfn = M.console_mfn;
    for (int tries = 0; len && tries < 8; tries++) {
        struct xencons_interface *ring = M.h->ops->map(M.h, M.domid,
                                                       HOST_MAP_READ | HOST_MAP_WRITE,
                                                       1, &mfn, &err);
        if (!ring)
            crash("console ring: %s", err.msg);
        size_t done = guest_ring_write(ring, s, len);
        M.h->ops->unmap(M.h, ring, 1);
        s += done;
        len -= done;
        console_drain();
    }
}

/* ---------------------------------------------------------- the machine */

/* M2P as Xen keeps it: every frame of the domain and its pfn. */
static int m2p_build(const start_info_t *si)
{
    uint64_t n = si->nr_pages;
    M.m2p = calloc(n, sizeof *M.m2p);
    if (!M.m2p)
        return -1;
    for (uint64_t page = 0; page * 512 < n; page++) {
        xen_pfn_t mfn = mmu(si->mfn_list + page * 4096, false, NULL, NULL);
        const unsigned char *p = frame(mfn);
        for (uint64_t i = 0; i < 512 && page * 512 + i < n; i++) {
            uint64_t e;
            memcpy(&e, p + 8 * i, sizeof e);
            M.m2p[M.nr_m2p].mfn = e;
            M.m2p[M.nr_m2p++].pfn = page * 512 + i;
        }
    }
    qsort(M.m2p, M.nr_m2p, sizeof *M.m2p, m2p_cmp);
    return 0;
}

/* The registers vCPU 0 starts with: cr3, rsi, rsp. */
static bool registers(struct guest_boot *boot)
{
    vcpu_guest_context_x86_64_t ctx;
    pvb_error err;
    if (M.h->ops->get_vcpu_context(M.h, M.domid, 0, &ctx, &err) < 0) {
        diag("%s", err.msg);
        return false;
    }
    M.l4 = ctx.ctrlreg[3] >> 12;
    boot->rsi = ctx.user_regs.rsi;
    boot->rsp = ctx.user_regs.rsp;
    return true;
}

static bool machine_open(pvb_host *h, const struct pvb_domain *dom,
                         const struct pvb_guest *g, struct guest_boot *boot,
                         start_info_t *si)
{
    memset(&M, 0, sizeof M);
    M.h = h;
    M.domid = dom->domid;
    M.console_mfn = dom->build.console_mfn;
    *boot = (struct guest_boot){
        .si = si, .virt_base = g->virt_base, .kernel_end = g->virt_kend,
    };
    if (!registers(boot))
        return false;
    if (setjmp(M.crash)) {
        diag("reading the domain: %s", M.crash_why);
        return false;
    }
    memcpy(si, frame(mmu(boot->rsi, false, NULL, NULL)) + (boot->rsi & 4095), sizeof *si);
    return m2p_build(si) == 0;
}

static void machine_close(void)
{
    drop_frames();
    free(M.m2p);
    M.m2p = NULL;
    M.nr_m2p = 0;
}

/* ------------------------------------------------------- spoiling a domain */

static bool unpin(const struct pvb_domain *dom)
{
    pvb_error err;
    if (M.h->ops->unpin(M.h, dom->domid, dom->build.l4_mfn, &err) < 0) {
        diag("unpin: %s", err.msg);
        return false;
    }
    return true;
}

/* Change the leaf entry for va, as a builder that got it wrong would have. */
static bool set_leaf(const struct pvb_domain *dom, uint64_t va, uint64_t set, uint64_t clear)
{
    xen_pfn_t l1;
    unsigned i;
    pvb_error err;

    if (!unpin(dom))
        return false;
    mmu(va, false, &l1, &i);
    uint64_t *t = M.h->ops->map(M.h, dom->domid, HOST_MAP_READ | HOST_MAP_WRITE, 1, &l1, &err);
    if (!t) {
        diag("%s", err.msg);
        return false;
    }
    t[i] = (t[i] | set) & ~clear;
    M.h->ops->unmap(M.h, t, 1);
    return true;
}

static bool swap_p2m(const struct pvb_domain *dom, const start_info_t *si)
{
    (void)dom;
    uint64_t a = si->mfn_list + 8 * 0x100, b = a + 8;   /* the kernel's first pfns */
    uint64_t va = guest_peek64(a), vb = guest_peek64(b);
    guest_poke64(a, vb);
    guest_poke64(b, va);
    return true;
}

static bool table_writable(const struct pvb_domain *dom, const start_info_t *si)
{
    return set_leaf(dom, si->pt_base + 4096 * (si->nr_pt_frames - 1), 2, 0);
}

static bool list_readonly(const struct pvb_domain *dom, const start_info_t *si)
{
    return set_leaf(dom, si->mfn_list, 0, 2);
}

static bool rsp_off(const struct pvb_domain *dom, const start_info_t *si)
{
    vcpu_guest_context_x86_64_t ctx;
    pvb_error err;
    (void)si;
    if (M.h->ops->get_vcpu_context(M.h, dom->domid, 0, &ctx, &err) < 0 ||
        (ctx.user_regs.rsp += 4096,
         M.h->ops->set_vcpu_context(M.h, dom->domid, 0, &ctx, &err) < 0)) {
        diag("%s", err.msg);
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- scenarios */

struct scenario {
    const char *what;
    const char *image;          /* under tests/guests/ in the build tree */
    const char *cmdline;
    uint64_t memory_mib;
    enum pvb_p2m_placement p2m;
    uint64_t p2m_vaddr;
    uint64_t ramdisk_bytes;
    bool (*spoil)(const struct pvb_domain *, const start_info_t *);
    const char *expect;         /* NULL: PASS; else a report line that must show */
    bool crashes;               /* the spoilt guest dies before its verdict */
};

#define G512 "pvguest-init-p2m-512g"
#define G1536  "pvguest-init-p2m-1536g"
#define GIN  "pvguest-no-init-p2m"

static const struct scenario scenarios[] = {
    { "INIT_P2M 512 GiB", G512, "expect_p2m=0x8000000000", 128, PVB_P2M_DEFAULT, 0, 0,
      NULL, NULL, false },
    { "INIT_P2M 1.5 TiB", G1536, "expect_p2m=0x18000000000", 128, PVB_P2M_DEFAULT, 0, 0,
      NULL, NULL, false },
    { "no INIT_P2M: list inside", GIN, "expect_inside=1", 128, PVB_P2M_DEFAULT, 0, 0,
      NULL, NULL, false },
    { "INIT_P2M kernel, list placed inside", G512, "expect_inside=1", 128,
      PVB_P2M_INSIDE, 0, 0, NULL, NULL, false },
    { "INIT_P2M kernel, list at 2 TiB by config", G512, "expect_p2m=0x20000000000", 128,
      PVB_P2M_ADDRESS, UINT64_C(0x20000000000), 0, NULL, NULL, false },
    { "INIT_P2M 1.5 TiB, 2 GiB and a module", G1536, "expect_p2m=1649267441664", 2048,
      PVB_P2M_DEFAULT, 0, 300000, NULL, NULL, false },
    { "no INIT_P2M, a module", GIN, NULL, 64, PVB_P2M_DEFAULT, 0, 5000, NULL, NULL, false },

    { "wrong expect_p2m", G512, "expect_p2m=0x18000000000", 128, PVB_P2M_DEFAULT, 0, 0,
      NULL, "not ok 2 - mfn_list is 0x8000000000, the command line expects 0x18000000000",
      false },
    { "unreadable expect_p2m", G512, "expect_p2m=0x80zz", 128, PVB_P2M_DEFAULT, 0, 0,
      NULL, "not ok 2 - command line: cannot read 'expect_p2m=0x80zz'", false },
    { "expect_inside with the list outside", G1536, "expect_inside=1", 128, PVB_P2M_DEFAULT,
      0, 0, NULL, "not ok 7 - expect_inside=1, but the list is outside", false },
    { "P->M entries swapped", GIN, NULL, 128, PVB_P2M_DEFAULT, 0, 0, swap_p2m,
      "not ok 4 - p2m[0x100] = ", false },
    { "a page table mapped writable", G512, NULL, 128, PVB_P2M_DEFAULT, 0, 0,
      table_writable, "not ok 3 - page table ", false },
    { "rsp a page off", G1536, NULL, 128, PVB_P2M_DEFAULT, 0, 0, rsp_off,
      "not ok 6 - rsp 0x", false },
    { "outside list read-only", G512, NULL, 128, PVB_P2M_DEFAULT, 0, 0, list_readonly,
      "ok 1 - ", true },
    { "inside list read-only", GIN, NULL, 128, PVB_P2M_DEFAULT, 0, 0, list_readonly,
      "not ok 2 - P->M page 0 at ", false },
};

static pvb_image *open_guest(const char *name)
{
    const char *top = getenv("top_builddir");
    char path[1024];
    pvb_image *img = NULL;
    pvb_error err;
    snprintf(path, sizeof path, "%s/tests/guests/%s", top ? top : ".", name);
    if (pvb_image_open_file(path, NULL, &img, &err) < 0)
        diag("%s", err.msg);
    return img;
}

static bool has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, GUEST_TAG)); p++)
        if (strncmp(p + strlen(GUEST_TAG), line, n) == 0)
            return true;
    return false;
}

static void show(const char *text)
{
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        int n = nl ? (int)(nl - p) : (int)strlen(p);
        diag("  %.*s", n, p);
        p += n + (nl != NULL);
    }
}

static void run(pvb_host *h, const struct scenario *s)
{
    pvb_image *img = open_guest(s->image);
    pvb_ramdisk *rd = NULL;
    struct pvb_config cfg;
    struct pvb_plan plan;
    struct pvb_domain dom;
    pvb_error err = { 0 };

    if (!ok(img != NULL, "%s: open %s", s->what, s->image))
        return;
    if (s->ramdisk_bytes) {
        unsigned char *bytes = malloc(s->ramdisk_bytes);
        for (uint64_t i = 0; bytes && i < s->ramdisk_bytes; i++)
            bytes[i] = (unsigned char)(i * 7 + 1);
        if (!bytes || pvb_ramdisk_open_mem("module", bytes, s->ramdisk_bytes, NULL,
                                           &rd, &err) < 0)
            diag("module: %s", bytes ? err.msg : "out of memory");
        free(bytes);
    }
    pvb_config_init(&cfg);
    cfg.memory_mib = s->memory_mib;
    cfg.p2m = s->p2m;
    cfg.p2m_vaddr = s->p2m_vaddr;
    pvb_config_set_string(&cfg.cmdline, s->cmdline, &err);

    int rc = test_domain_create(h, &cfg, img, rd, &plan, NULL, &dom, &err);
    if (!ok(rc == 0, "%s: build %s, %" PRIu64 " MiB", s->what, s->image, s->memory_mib)) {
        diag("%s", err.msg);
        goto out;
    }

    if (!s->spoil) {
        struct pvb_verify_report rep;
        rc = test_verify(h, dom.domid, pvb_image_guest(img), &rep, &err);
        ok(rc == 0 && rep.ok, "%s: pvb_verify passes the domain", s->what);
        for (unsigned i = 0; rc == 0 && i < rep.nr_checks; i++)
            if (!rep.checks[i].ok)
                diag("%s: %s", rep.checks[i].name, rep.checks[i].detail);
    }

    struct guest_boot boot;
    start_info_t si;
    if (ok(machine_open(h, &dom, pvb_image_guest(img), &boot, &si),
           "%s: the domain as its guest sees it", s->what)) {
        volatile int failed = -1;
        volatile bool spoilt = true;
        if (setjmp(M.crash) == 0) {
            if (s->spoil)
                spoilt = s->spoil(&dom, &si) && registers(&boot);
            if (spoilt)
                failed = guest_run_checks(&boot);
        } else {
            console_drain();
        }
        if (s->spoil && !ok(spoilt, "%s: spoil the domain", s->what))
            goto close;
        show(M.text);
        if (s->crashes) {
            ok(failed < 0, "%s: the guest crashes: %s", s->what, M.crash_why);
            ok(!has_line(M.text, "PASS") && !has_line(M.text, "FAIL"),
               "%s: and reports no verdict", s->what);
        } else if (!s->expect) {
            ok(failed == 0, "%s: every guest check passes", s->what);
            bool all = true;
            for (unsigned n = 1; n <= GUEST_NR_CHECKS; n++) {
                char line[32];
                snprintf(line, sizeof line, "ok %u - ", n);
                all = all && has_line(M.text, line);
            }
            ok(all && has_line(M.text, "1..7\n"), "%s: report has the plan and ok 1..7",
               s->what);
            ok(has_line(M.text, "PASS\n") && !strstr(M.text, "not ok"),
               "%s: report ends PASS", s->what);
        } else {
            ok(failed > 0, "%s: the guest checks fail", s->what);
            ok(has_line(M.text, "FAIL\n"), "%s: report ends FAIL", s->what);
        }
        if (s->expect)
            ok(has_line(M.text, s->expect), "%s: report says '%s'", s->what, s->expect);
    close:
        machine_close();
    }
    ok(sim_live_views(h) == 0, "%s: no view left mapped", s->what);
    ok(pvb_domain_destroy(h, dom.domid, &err) == 0, "%s: destroy", s->what);
out:
    pvb_config_free(&cfg);
    pvb_ramdisk_close(rd);
    pvb_image_close(img);
}

int main(void)
{
    pvb_host *h;
    pvb_error err;
    if (!ok(pvb_host_sim_open(NULL, &h, &err) == 0, "sim host")) {
        diag("%s", err.msg);
        return done_testing();
    }
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        run(h, &scenarios[i]);
    pvb_host_close(h);
    return done_testing();
}
