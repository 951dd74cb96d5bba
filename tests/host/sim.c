/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated host: domains, scattered frames, views, Xen's limits and
 * page-type rules, the Xen objects it keeps, and what a large guest costs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "host/host.h"
#include "host/sim.h"
#include "host/sim_internal.h"

#define PAGE 4096u
#define P   UINT64_C(0x1)            /* present */
#define RW  UINT64_C(0x2)
#define US  UINT64_C(0x4)
#define PSE UINT64_C(0x80)

static pvb_error err;

static struct pvb_host *open_sim(uint64_t bytes, uint64_t seed)
{
    struct pvb_sim_opts o = { .version = PVB_SIM_OPTS_VERSION, .machine_bytes = bytes,
                              .seed = seed };
    struct pvb_host *h = NULL;
    if (pvb_host_sim_open(&o, &h, &err)) {
        printf("Bail out! sim open failed: %s\n", err.msg);
        exit(1);
    }
    return h;
}

static uint32_t new_domain(struct pvb_host *h, uint64_t max_pages)
{
    struct host_domain_config cfg = { .name = "t", .max_vcpus = 2, .max_pages = max_pages };
    uint32_t domid = 0;
    if (h->ops->domain_create(h, &cfg, &domid, &err)) {
        printf("Bail out! domain_create failed: %s\n", err.msg);
        exit(1);
    }
    return domid;
}

/* Populate n extents of 2^order frames at pfns first, first+2^order, ... */
static long populate(struct pvb_host *h, uint32_t domid, unsigned order, size_t n,
                     xen_pfn_t first, xen_pfn_t *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = first + ((xen_pfn_t)i << order);
    return h->ops->populate(h, domid, order, n, out, &err);
}

static uint64_t nr_pages(struct pvb_host *h, uint32_t domid)
{
    struct host_domain_info info;
    if (h->ops->domain_info(h, domid, &info, &err))
        return UINT64_MAX;
    return info.nr_pages;
}

static void *map1(struct pvb_host *h, uint32_t domid, int prot, xen_pfn_t mfn)
{
    return h->ops->map(h, domid, prot, 1, &mfn, &err);
}

static int set_entry(struct pvb_host *h, uint32_t domid, xen_pfn_t table,
                     unsigned idx, uint64_t val)
{
    uint64_t *t = map1(h, domid, HOST_MAP_READ | HOST_MAP_WRITE, table);
    if (!t)
        return -1;
    t[idx] = val;
    h->ops->unmap(h, t, 1);
    return 0;
}

static bool frame_is_zero(struct pvb_host *h, uint32_t domid, xen_pfn_t mfn)
{
    const uint8_t *p = map1(h, domid, HOST_MAP_READ, mfn);
    if (!p)
        return false;
    bool zero = true;
    for (unsigned i = 0; i < PAGE; i++)
        zero &= p[i] == 0;
    h->ops->unmap(h, (void *)p, 1);
    return zero;
}

static bool has(const char *msg, const char *part)
{
    if (strstr(msg, part))
        return true;
    printf("#   message \"%s\" lacks \"%s\"\n", msg, part);
    return false;
}

/* Kernel mappings (VMAs) inside [addr, addr+len), from /proc/self/maps. */
static int vmas_in(const void *addr, size_t len)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return -1;
    uintptr_t lo = (uintptr_t)addr, hi = lo + len, a, b;
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR, &a, &b) == 2 && a >= lo && b <= hi)
            n++;
    fclose(f);
    return n;
}

/* The permissions ("rw-s", ...) of the mapping holding addr. */
static const char *vma_perms(const void *addr)
{
    static char perms[8];
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return NULL;
    uintptr_t a, b, x = (uintptr_t)addr;
    char line[512];
    const char *found = NULL;
    while (!found && fgets(line, sizeof line, f))
        if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %4s", &a, &b, perms) == 3 &&
            a <= x && x < b)
            found = perms;
    fclose(f);
    return found;
}

static long status_kib(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long v = -1;
    size_t n = strlen(key);
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, n) && line[n] == ':')
            v = strtol(line + n + 1, NULL, 10);
    fclose(f);
    return v;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ tests */

static void test_open(void)
{
    struct pvb_sim_opts o = { .version = PVB_SIM_OPTS_VERSION, .machine_bytes = 3 << 20 };
    struct pvb_host *h = (struct pvb_host *)1;
    int rc = pvb_host_sim_open(&o, &h, &err);
    is_u64(rc, -EINVAL, "machine_bytes not a multiple of 2 MiB is refused");
    ok(h == NULL && has(err.msg, "machine_bytes 0x300000"), "... naming the value");

    rc = pvb_host_sim_open(NULL, &h, &err);
    ok(rc == 0 && h, "default sim opens");
    is_str(h->ops->name, "sim", "ops name");
    is_u64(sim_machine_frames(h), UINT64_C(1) << 32, "default machine: 16 TiB = 2^32 frames");
    pvb_host_close(h);
    pvb_host_close(NULL);

    /*
     * As on Xen, max_pages may exceed the machine: the claim before
     * populating is what refuses a guest the machine cannot hold.
     */
    h = open_sim(64 << 20, 1);
    struct host_domain_config big = { .max_vcpus = 1, .max_pages = 0x4001 };
    uint32_t id = 0;
    rc = h->ops->domain_create(h, &big, &id, &err);
    ok(rc == 0 && id != 0, "max_pages 0x4001 on a 64 MiB machine is taken, as on Xen");
    rc = h->ops->claim(h, id, 0x4001, &err);
    ok(rc == -ENOMEM && has(err.msg, "claim of 0x4001 pages refused: 0x3dff free"),
       "... and a claim of all of it is refused, naming the free frames: %s", err.msg);
    big.max_pages = 0x4000;
    ok(h->ops->domain_create(h, &big, &id, &err) == 0, "max_pages 0x4000 (all of it) is taken");
    pvb_host_close(h);
}

static void test_domains(void)
{
    struct pvb_host *h = open_sim(0, 1);
    struct host_domain_config bad = { .max_vcpus = 0, .max_pages = 1 };
    uint32_t id;
    ok(h->ops->domain_create(h, &bad, &id, &err) == -EINVAL && has(err.msg, "max_vcpus 0"),
       "max_vcpus 0 refused");

    uint32_t d1 = new_domain(h, 0x100), d2 = new_domain(h, 0x200);
    is_u64(d1, 1, "first domid is 1");
    is_u64(d2, 2, "second domid is 2");

    struct host_domain_info info;
    ok(h->ops->domain_info(h, d2, &info, &err) == 0, "domain_info");
    is_u64(info.nr_pages, 0, "fresh domain has no pages");
    is_u64(info.max_pages, 0x200, "max_pages recorded");
    is_u64(info.max_vcpus, 2, "max_vcpus recorded");
    is_u64(info.address_size, 0, "address size unset");
    xen_pfn_t shinfo = info.shared_info_mfn;
    is_u64(sim_frame_owner(h, shinfo), d2, "shared_info frame is owned by the domain");
    ok(shinfo != 0, "shared_info is not mfn 0");
    ok(frame_is_zero(h, d2, shinfo), "shared_info reads zero");

    ok(h->ops->set_address_size(h, d2, 48, &err) == -EINVAL, "address size 48 refused");
    ok(h->ops->set_address_size(h, d2, 64, &err) == 0, "address size 64");
    h->ops->domain_info(h, d2, &info, &err);
    is_u64(info.address_size, 64, "address size reads back");

    vcpu_guest_context_x86_64_t ctx, back;
    memset(&ctx, 0, sizeof ctx);
    ok(h->ops->get_vcpu_context(h, d2, 1, &back, &err) == 0, "get vcpu 1");
    ok(!memcmp(&ctx, &back, sizeof ctx), "vcpu contexts start zeroed");
    ctx.user_regs.rip = 0xffffffff81000000;
    ctx.flags = VGCF_in_kernel | VGCF_online;
    ok(h->ops->set_vcpu_context(h, d2, 1, &ctx, &err) == 0, "set vcpu 1 (no cr3)");
    h->ops->get_vcpu_context(h, d2, 1, &back, &err);
    ok(!memcmp(&ctx, &back, sizeof ctx), "vcpu context round trip");
    ok(h->ops->set_vcpu_context(h, d2, 2, &ctx, &err) == -EINVAL && has(err.msg, "vcpu 2"),
       "vcpu beyond max_vcpus refused");

    ok(h->ops->domain_destroy(h, d2, &err) == 0, "destroy");
    ok(h->ops->domain_info(h, d2, &info, &err) == -ESRCH && has(err.msg, "no domain 2"),
       "destroyed domain is gone");
    is_u64(sim_frame_owner(h, shinfo), 0, "its shared_info frame is free again");
    ok(h->ops->domain_destroy(h, d2, &err) == -ESRCH, "double destroy refused");
    is_u64(new_domain(h, 1), 3, "domids are not reused");
    pvb_host_close(h);
}

static void test_populate_scatter(void)
{
    enum { N4 = 1000, N2 = 8 };
    xen_pfn_t a4[N4], a2[N2], b4[N4], b2[N2], c2[N2];
    struct pvb_host *h = open_sim(0, 42);
    uint32_t d = new_domain(h, 0x10000);

    is_u64(populate(h, d, 0, N4, 0, a4), N4, "populate 1000 4 KiB frames");
    is_u64(populate(h, d, 9, N2, 0x400, a2), N2, "populate 8 2 MiB extents");
    is_u64(nr_pages(h, d), N4 + N2 * 512, "nr_pages counts both");

    int owned = 0, same = 0, seq = 0, dup = 0;
    for (int i = 0; i < N4; i++) {
        owned += sim_frame_owner(h, a4[i]) == d;
        same += a4[i] == (xen_pfn_t)i;
        if (i)
            seq += a4[i] == a4[i - 1] + 1;
        for (int j = 0; j < i; j++)
            dup += a4[i] == a4[j];
    }
    is_u64(owned, N4, "every 4 KiB frame is the domain's");
    is_u64(same, 0, "no 4 KiB frame has pfn == mfn");
    is_u64(seq, 0, "consecutive pfns never get consecutive mfns");
    is_u64(dup, 0, "no machine frame handed out twice");

    int aligned = 0, whole = 0, adj = 0;
    for (int i = 0; i < N2; i++) {
        aligned += a2[i] % 512 == 0 && a2[i] != 0x400 + (xen_pfn_t)i * 512;
        whole += sim_frame_owner(h, a2[i]) == d && sim_frame_owner(h, a2[i] + 255) == d &&
                 sim_frame_owner(h, a2[i] + 511) == d;
        if (i)
            adj += a2[i] == a2[i - 1] + 512 || a2[i] + 512 == a2[i - 1];
    }
    is_u64(aligned, N2, "2 MiB extents are 2 MiB aligned and pfn != mfn");
    is_u64(whole, N2, "every frame of each extent is the domain's");
    is_u64(adj, 0, "consecutive extents are not adjacent machine runs");
    xen_pfn_t hi = 0;
    for (int i = 0; i < N2; i++)
        hi = a2[i] > hi ? a2[i] : hi;
    ok(hi > (UINT64_C(1) << 28), "extents spread over the machine (highest mfn 0x%" PRIx64 ")",
       (uint64_t)hi);

    /* Same seed, same sequence: same frames.  Another seed: others. */
    struct pvb_host *h2 = open_sim(0, 42), *h3 = open_sim(0, 43);
    uint32_t d2 = new_domain(h2, 0x10000), d3 = new_domain(h3, 0x10000);
    populate(h2, d2, 0, N4, 0, b4);
    populate(h2, d2, 9, N2, 0x400, b2);
    ok(!memcmp(a4, b4, sizeof a4) && !memcmp(a2, b2, sizeof a2),
       "same seed gives the same frames");
    populate(h3, d3, 9, N2, 0x400, c2);
    ok(memcmp(a2, c2, sizeof a2) != 0, "another seed gives other frames");
    pvb_host_close(h2);
    pvb_host_close(h3);

    ok(h->ops->populate(h, d, 3, 1, b2, &err) == -EINVAL && has(err.msg, "order 3"),
       "order 3 refused");
    pvb_host_close(h);
}

static void test_map(void)
{
    enum { N = 64 };
    xen_pfn_t f[N], e[2];
    struct pvb_host *h = open_sim(0, 7);
    uint32_t d = new_domain(h, 0x10000), other = new_domain(h, 0x10000);
    populate(h, d, 0, N, 0, f);
    populate(h, d, 9, 2, 0x200, e);

    uint8_t *w = h->ops->map(h, d, HOST_MAP_READ | HOST_MAP_WRITE, N, f, &err);
    ok(w != NULL, "map 64 scattered frames writable");
    for (int i = 0; i < N; i++)
        memset(w + i * PAGE, 0x10 + i, PAGE);
    xen_pfn_t rev[N];
    for (int i = 0; i < N; i++)
        rev[i] = f[N - 1 - i];
    const uint8_t *r = h->ops->map(h, d, HOST_MAP_READ, N, rev, &err);
    ok(r != NULL, "map them again read-only, reversed");
    int good = 0;
    for (int i = 0; i < N; i++)
        good += r[i * PAGE] == 0x10 + (N - 1 - i) && r[i * PAGE + PAGE - 1] == 0x10 + (N - 1 - i);
    is_u64(good, N, "the second view sees the first view's bytes, frame by frame");
    w[5 * PAGE + 7] = 0xee;
    is_u64(r[(N - 1 - 5) * PAGE + 7], 0xee, "a later write shows through the other view");
    is_u64(sim_live_views(h), 2, "two live views");

    is_str(vma_perms(r), "r--s", "the read-only view is mapped read-only, shared");
    is_str(vma_perms(w), "rw-s", "the writable view is mapped read-write, shared");

    h->ops->unmap(h, w, N);
    h->ops->unmap(h, (void *)r, N);
    is_u64(sim_live_views(h), 0, "unmap forgets the views");

    /* One mmap per run of consecutive machine frames. */
    xen_pfn_t run[1024];
    for (int i = 0; i < 512; i++) {
        run[i] = e[0] + i;
        run[512 + i] = e[1] + i;
    }
    void *one = h->ops->map(h, d, HOST_MAP_READ | HOST_MAP_WRITE, 512, run, &err);
    is_u64(vmas_in(one, 512 * PAGE), 1, "a 2 MiB extent maps as one mapping");
    void *two = h->ops->map(h, d, HOST_MAP_READ, 1024, run, &err);
    is_u64(vmas_in(two, 1024 * PAGE), 2, "two extents map as two mappings");
    memset((uint8_t *)one + 511 * PAGE, 0x5a, PAGE);
    is_u64(((uint8_t *)two)[511 * PAGE + 100], 0x5a, "extent views share bytes");
    is_u64(((uint8_t *)two)[512 * PAGE + 100], 0, "a fresh frame reads zero");
    h->ops->unmap(h, one, 512);
    h->ops->unmap(h, two, 1024);

    /* Ownership. */
    xen_pfn_t theirs;
    populate(h, other, 0, 1, 0, &theirs);
    char want[128];
    snprintf(want, sizeof want, "map of mfn 0x%" PRIx64, (uint64_t)theirs);
    ok(map1(h, d, HOST_MAP_READ, theirs) == NULL && err.code == -EINVAL &&
       has(err.msg, want) && has(err.msg, "owned by domain 2"),
       "map of another domain's frame refused");
    xen_pfn_t mix[3] = { f[0], f[1], theirs };
    ok(h->ops->map(h, d, HOST_MAP_READ, 3, mix, &err) == NULL && has(err.msg, "entry 2"),
       "one foreign frame in a list refuses the whole map");
    ok(map1(h, d, HOST_MAP_READ, 0) == NULL && has(err.msg, "a free frame"),
       "map of mfn 0 refused (never handed out)");
    ok(map1(h, d, HOST_MAP_READ, UINT64_C(1) << 40) == NULL &&
       has(err.msg, "beyond machine memory"), "map beyond machine memory refused");
    ok(map1(h, 9, HOST_MAP_READ, f[0]) == NULL && err.code == -ESRCH, "map in no domain refused");
    ok(map1(h, d, 4, f[0]) == NULL && err.code == -EINVAL, "bad protection refused");
    is_u64(sim_live_views(h), 0, "failed maps leave no views");
    pvb_host_close(h);
}

static void test_limits(void)
{
    xen_pfn_t e[10];
    struct pvb_host *h = open_sim(0, 3);
    uint32_t d = new_domain(h, 0x1000);
    long n = populate(h, d, 9, 10, 0, e);
    is_u64(n, 8, "populate of 10 extents against max_pages 0x1000 does 8");
    ok(has(err.msg, "sim: domain 1: populate of 0x200 frames at pfn 0x1000 exceeds "
                    "max_pages 0x1000") && err.code == -ENOMEM,
       "... and says which domain, pfn and limit");
    is_u64(nr_pages(h, d), 0x1000, "nr_pages at the limit");
    is_u64(populate(h, d, 0, 1, 0x2000, e), -ENOMEM, "one more 4 KiB frame: -ENOMEM");
    pvb_host_close(h);

    /* An 8 MiB machine has three 2 MiB chunks to give (chunk 0 is never given). */
    h = open_sim(8 << 20, 3);
    d = new_domain(h, 0x800);       /* all of it; shared_info takes a frame of one chunk */
    n = populate(h, d, 9, 5, 0, e);
    is_u64(n, 2, "with no 2 MiB run left, populate returns fewer extents");
    ok(has(err.msg, "no free 2 MiB machine run"), "... and says why");
    static xen_pfn_t rest[511];
    n = populate(h, d, 0, 511, 0x1000, rest);
    is_u64(n, 511, "the partial chunk still gives its 511 4 KiB frames");
    is_u64(populate(h, d, 0, 1, 0x2000, e), -ENOMEM, "then the machine is full");
    ok(has(err.msg, "out of machine memory"), "... and says so");
    pvb_host_close(h);
}

/* A small 4-level hierarchy: L4 -> L3 -> L2 -> L1 -> data frames. */
struct tree {
    xen_pfn_t l4, l3, l2, l1, data[4];
};

static int build_tree(struct pvb_host *h, uint32_t d, struct tree *t)
{
    xen_pfn_t f[8];
    if (populate(h, d, 0, 8, 0x100, f) != 8)
        return -1;
    t->l4 = f[0], t->l3 = f[1], t->l2 = f[2], t->l1 = f[3];
    memcpy(t->data, f + 4, sizeof t->data);
    int rc = 0;
    rc |= set_entry(h, d, t->l4, 0, t->l3 << 12 | P | RW | US);
    rc |= set_entry(h, d, t->l4, 511, t->l3 << 12 | P | RW | US);  /* shared L3: fine */
    rc |= set_entry(h, d, t->l3, 0, t->l2 << 12 | P | RW | US);
    rc |= set_entry(h, d, t->l2, 0, t->l1 << 12 | P | RW | US);
    for (int i = 0; i < 4; i++)
        rc |= set_entry(h, d, t->l1, i, t->data[i] << 12 | P | RW);
    /* Tables may be mapped, read-only. */
    rc |= set_entry(h, d, t->l1, 4, t->l1 << 12 | P);
    rc |= set_entry(h, d, t->l1, 5, t->l4 << 12 | P);
    return rc;
}

/* Set one entry, expect the pin to fail naming `part`, then restore. */
static void pin_violation(struct pvb_host *h, uint32_t d, const struct tree *t,
                          xen_pfn_t table, unsigned idx, uint64_t val, const char *part,
                          const char *part2, const char *name)
{
    const uint64_t *tab = map1(h, d, HOST_MAP_READ, table);
    uint64_t old = tab ? tab[idx] : 0;
    if (tab)
        h->ops->unmap(h, (void *)tab, 1);
    set_entry(h, d, table, idx, val);
    int rc = h->ops->pin_l4(h, d, t->l4, &err);
    ok(rc == -EINVAL && has(err.msg, part) && has(err.msg, part2), "pin refused: %s", name);
    set_entry(h, d, table, idx, old);
}

static void test_pin(void)
{
    struct pvb_host *h = open_sim(0, 11);
    uint32_t d = new_domain(h, 0x1000), other = new_domain(h, 0x1000);
    struct tree t;
    ok(build_tree(h, d, &t) == 0, "build a 4-level hierarchy");
    xen_pfn_t foreign;
    populate(h, other, 0, 1, 0, &foreign);

    ok(h->ops->pin_l4(h, d, t.l4, &err) == -EINVAL && has(err.msg, "address size not set"),
       "pin before set_address_size refused");
    h->ops->set_address_size(h, d, 64, &err);

    char l1[64], l2[64], l4[64], fm[64];
    snprintf(l1, sizeof l1, "L1 mfn 0x%" PRIx64, (uint64_t)t.l1);
    snprintf(l2, sizeof l2, "L2 mfn 0x%" PRIx64, (uint64_t)t.l2);
    snprintf(l4, sizeof l4, "L4 mfn 0x%" PRIx64, (uint64_t)t.l4);
    snprintf(fm, sizeof fm, "mfn 0x%" PRIx64, (uint64_t)foreign);

    pin_violation(h, d, &t, t.l1, 6, t.l2 << 12 | P | RW, l1,
                  "entry 6", "an L1 entry maps a table frame writable");
    ok(has(err.msg, "L2 page table"), "... naming the table's level");
    pin_violation(h, d, &t, t.l1, 7, foreign << 12 | P, l1, fm,
                  "an L1 entry points at another domain's frame");
    ok(has(err.msg, "entry 7") && has(err.msg, "owned by domain 2"), "... naming entry and owner");
    pin_violation(h, d, &t, t.l3, 3, (UINT64_C(1) << 30) << 12 | P | RW, "L3 mfn",
                  "a free frame", "an L3 entry points at a free frame");
    pin_violation(h, d, &t, t.l2, 1, t.data[0] << 12 | P | RW | PSE, l2, "PSE",
                  "an L2 entry with PSE");
    ok(has(err.msg, "entry 1"), "... naming the entry");
    pin_violation(h, d, &t, t.l3, 1, t.data[0] << 12 | P | RW | PSE, "L3 mfn", "PSE",
                  "an L3 entry with PSE");
    pin_violation(h, d, &t, t.l4, 256, t.l3 << 12 | P | RW, l4, "entry 256",
                  "L4 slot 256 (Xen's) used");
    pin_violation(h, d, &t, t.l4, 271, 2, l4, "entry 271",
                  "L4 slot 271 (Xen's) not zero");
    pin_violation(h, d, &t, t.l3, 1, t.l1 << 12 | P | RW, "as an L1 table",
                  "also an L2 table", "a frame used as L2 and L1");
    pin_violation(h, d, &t, t.l2, 2, t.l3 << 12 | P | RW, "as an L1 table",
                  "also an L3 table", "a frame used as L3 and L1");

    /* The caller's own writable view counts too (Xen's type references). */
    void *v = map1(h, d, HOST_MAP_READ | HOST_MAP_WRITE, t.l2);
    ok(h->ops->pin_l4(h, d, t.l4, &err) == -EINVAL && has(err.msg, "still mapped writable"),
       "pin refused while the caller maps a table writable");
    h->ops->unmap(h, v, 1);
    v = map1(h, d, HOST_MAP_READ, t.l2);
    ok(h->ops->pin_l4(h, d, t.l4, &err) == 0, "a correct hierarchy pins (read-only view open)");
    h->ops->unmap(h, v, 1);

    is_u64(sim_frame_table_level(h, t.l4), 4, "L4 typed");
    is_u64(sim_frame_table_level(h, t.l3), 3, "L3 typed");
    is_u64(sim_frame_table_level(h, t.l2), 2, "L2 typed");
    is_u64(sim_frame_table_level(h, t.l1), 1, "L1 typed");
    is_u64(sim_frame_table_level(h, t.data[0]), 0, "data frame untyped");
    ok(h->ops->pin_l4(h, d, t.l4, &err) == -EINVAL && has(err.msg, "already pinned"),
       "double pin refused");

    char want[96];
    snprintf(want, sizeof want, "writable map of mfn 0x%" PRIx64, (uint64_t)t.l2);
    ok(map1(h, d, HOST_MAP_READ | HOST_MAP_WRITE, t.l2) == NULL && err.code == -EPERM &&
       has(err.msg, want) && has(err.msg, "pinned L2"), "writable map of a pinned table refused");
    v = map1(h, d, HOST_MAP_READ, t.l2);
    ok(v != NULL, "read-only map of a pinned table allowed");
    h->ops->unmap(h, v, 1);
    v = map1(h, d, HOST_MAP_READ | HOST_MAP_WRITE, t.data[0]);
    ok(v != NULL, "writable map of a data frame allowed");
    h->ops->unmap(h, v, 1);
    ok(h->ops->release(h, d, 1, &t.l1, &err) == -EBUSY, "release of a pinned table refused");
    ok(h->ops->hypercall_page(h, d, t.l1, &err) == -EINVAL, "hypercall page in a table refused");

    /* cr3 must name a frame that is (or validates as) an L4 of the domain. */
    vcpu_guest_context_x86_64_t ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.ctrlreg[3] = xen_pfn_to_cr3_x86_64(t.l4);
    ok(h->ops->set_vcpu_context(h, d, 0, &ctx, &err) == 0, "cr3 = the pinned L4");
    ctx.ctrlreg[3] = xen_pfn_to_cr3_x86_64(0x100);      /* the L4's pfn, not its mfn */
    ok(h->ops->set_vcpu_context(h, d, 0, &ctx, &err) == -EINVAL && has(err.msg, "cr3"),
       "cr3 = a pfn instead of an mfn refused");

    ok(h->ops->unpin(h, d, t.l4, &err) == 0, "unpin");
    is_u64(sim_frame_table_level(h, t.l2), 0, "unpinned tables untyped");
    v = map1(h, d, HOST_MAP_READ | HOST_MAP_WRITE, t.l2);
    ok(v != NULL, "writable map after unpin allowed");
    h->ops->unmap(h, v, 1);
    ok(h->ops->unpin(h, d, t.l4, &err) == -EINVAL && has(err.msg, "not a pinned L4"),
       "unpin of an unpinned table refused");

    /* Pinned again, then destroyed: the types go with the domain. */
    ok(h->ops->pin_l4(h, d, t.l4, &err) == 0, "pin again");
    h->ops->domain_destroy(h, d, &err);
    is_u64(sim_frame_table_level(h, t.l4), 0, "destroy drops the pins");

    uint32_t d32 = new_domain(h, 0x1000);
    struct tree t32;
    build_tree(h, d32, &t32);
    h->ops->set_address_size(h, d32, 32, &err);
    ok(h->ops->pin_l4(h, d32, t32.l4, &err) == -EINVAL && has(err.msg, "32-bit"),
       "L4 pin on a 32-bit domain refused");
    pvb_host_close(h);
}

static void test_shared_pins(void)
{
    struct pvb_host *h = open_sim(0, 13);
    uint32_t d = new_domain(h, 0x1000);
    struct tree t;
    build_tree(h, d, &t);
    h->ops->set_address_size(h, d, 64, &err);
    xen_pfn_t l4b;
    populate(h, d, 0, 1, 0x200, &l4b);
    set_entry(h, d, l4b, 3, t.l3 << 12 | P | RW | US);

    ok(h->ops->pin_l4(h, d, t.l4, &err) == 0 && h->ops->pin_l4(h, d, l4b, &err) == 0,
       "two L4s sharing an L3 both pin");
    h->ops->unpin(h, d, t.l4, &err);
    ok(sim_frame_table_level(h, t.l4) == 0 && sim_frame_table_level(h, t.l3) == 3 &&
       sim_frame_table_level(h, t.l1) == 1, "unpinning one keeps the shared tables typed");
    ok(map1(h, d, HOST_MAP_READ | HOST_MAP_WRITE, t.l1) == NULL,
       "... and still refuses writable maps of them");
    set_entry(h, d, t.l4, 0, t.l1 << 12 | P | RW);
    ok(h->ops->pin_l4(h, d, t.l4, &err) == -EINVAL && has(err.msg, "pinned L1 table"),
       "a frame pinned as L1 elsewhere cannot be an L3 here");
    h->ops->unpin(h, d, l4b, &err);
    is_u64(sim_frame_table_level(h, t.l3) + sim_frame_table_level(h, t.l1), 0,
           "unpinning the other drops them");
    pvb_host_close(h);
}

/* The mfn hash against a plain array, through inserts, updates and removals. */
static void test_mfnmap(void)
{
    enum { KEYS = 4096, ROUNDS = 20000 };
    static uint32_t model[KEYS];        /* 0 = absent, else value */
    struct mfn_map m;
    mfn_map_init(&m);
    uint64_t st = 1;
    int bad = 0;
    for (int r = 0; r < ROUNDS; r++) {
        st = st * 6364136223846793005u + 1442695040888963407u;
        unsigned k = (unsigned)(st >> 33) % KEYS;
        xen_pfn_t mfn = (xen_pfn_t)k * 0x10001;     /* spread, with colliding homes */
        if ((st >> 20) % 3 == 0) {
            mfn_map_remove(&m, mfn);
            model[k] = 0;
        } else {
            uint32_t v = (uint32_t)r + 1;
            bad += mfn_map_insert(&m, mfn, v) != 0;
            model[k] = v;
        }
        if (r % 1000 == 999) {
            size_t n = 0;
            for (unsigned i = 0; i < KEYS; i++) {
                const uint32_t *v = mfn_map_find(&m, (xen_pfn_t)i * 0x10001);
                bad += model[i] ? (!v || *v != model[i]) : v != NULL;
                n += model[i] != 0;
            }
            bad += n != m.len;
        }
    }
    is_u64(bad, 0, "mfn hash agrees with a plain array through %d operations", ROUNDS);
    mfn_map_free(&m);
}

static void test_release(void)
{
    enum { N = 100, G = 600 };
    xen_pfn_t f[N], g[G], e, e2;
    struct pvb_host *h = open_sim(0, 5);
    uint32_t d = new_domain(h, 0x10000);
    populate(h, d, 0, N, 0, f);
    uint8_t *w = h->ops->map(h, d, HOST_MAP_READ | HOST_MAP_WRITE, N, f, &err);
    memset(w, 0xab, (size_t)N * PAGE);
    h->ops->unmap(h, w, N);

    ok(h->ops->release(h, d, N / 2, f, &err) == 0, "release half the frames");
    is_u64(nr_pages(h, d), N - N / 2, "nr_pages goes back");
    int freed = 0;
    for (int i = 0; i < N / 2; i++)
        freed += sim_frame_owner(h, f[i]) == 0;
    is_u64(freed, N / 2, "released frames are free");
    ok(map1(h, d, HOST_MAP_READ, f[0]) == NULL, "a released frame can no longer be mapped");
    ok(h->ops->release(h, d, 1, &f[0], &err) == -EINVAL, "double release refused");

    /* Enough to use up the chunk the released frames sit in. */
    populate(h, d, 0, G, 0x1000, g);
    int reused = 0, zero = 0;
    for (int i = 0; i < G; i++)
        for (int j = 0; j < N / 2; j++)
            if (g[i] == f[j]) {
                reused++;
                zero += frame_is_zero(h, d, g[i]);
            }
    is_u64(reused, N / 2, "released frames are handed out again");
    is_u64(zero, reused, "reused frames read zero");
    ok(frame_is_zero(h, d, f[N / 2]) == false, "kept frames keep their bytes");

    /* A whole released extent comes back zeroed. */
    populate(h, d, 9, 1, 0x1000, &e);
    xen_pfn_t ext[512];
    for (int i = 0; i < 512; i++)
        ext[i] = e + i;
    w = h->ops->map(h, d, HOST_MAP_READ | HOST_MAP_WRITE, 512, ext, &err);
    memset(w, 0xcd, 512 * PAGE);
    h->ops->unmap(h, w, 512);
    ok(h->ops->release(h, d, 512, ext, &err) == 0, "release a 2 MiB extent frame by frame");
    populate(h, d, 9, 1, 0x1000, &e2);
    is_u64(e2, e, "the freed 2 MiB run is handed out again");
    int z = 0;
    for (int i = 0; i < 512; i += 73)
        z += frame_is_zero(h, d, e2 + i);
    is_u64(z, 8, "and reads zero");

    struct host_domain_info info;
    h->ops->domain_info(h, d, &info, &err);
    ok(h->ops->release(h, d, 1, &info.shared_info_mfn, &err) == -EINVAL &&
       has(err.msg, "shared_info"), "release of shared_info refused");

    /* Destroy gives every frame back, zeroed. */
    w = h->ops->map(h, d, HOST_MAP_READ | HOST_MAP_WRITE, 1, &e2, &err);
    memset(w, 0xef, PAGE);
    h->ops->unmap(h, w, 1);
    ok(h->ops->domain_destroy(h, d, &err) == 0, "destroy");
    is_u64(sim_frame_owner(h, e2) + sim_frame_owner(h, g[0]), 0, "its frames are free");
    uint32_t d2 = new_domain(h, 0x10000);
    /* The dead domain had three chunks (two of 4 KiB frames, one extent). */
    xen_pfn_t e3[3];
    populate(h, d2, 9, 3, 0, e3);
    int back = 0;
    for (int i = 0; i < 3; i++)
        back += e3[i] == e2 && frame_is_zero(h, d2, e2) && frame_is_zero(h, d2, e2 + 511);
    is_u64(back, 1, "a new domain gets the written run back, zeroed");
    pvb_host_close(h);
}

static void test_xen_objects(void)
{
    struct pvb_host *h = open_sim(0, 9);
    uint32_t d = new_domain(h, 0x100), other = new_domain(h, 0x100);
    xen_pfn_t f[3], theirs;
    populate(h, d, 0, 3, 0, f);
    populate(h, other, 0, 1, 0, &theirs);

    ok(h->ops->hypercall_page(h, d, f[0], &err) == 0, "hypercall page written");
    const uint8_t *p = map1(h, d, HOST_MAP_READ, f[0]);
    /* Xen's 64-bit PV stubs: push %rcx; push %r11; mov $i,%eax; syscall; pop %r11; pop %rcx; ret */
    static const uint8_t stub1[] = { 0x51, 0x41, 0x53, 0xb8, 1, 0, 0, 0, 0x0f, 0x05,
                                     0x41, 0x5b, 0x59, 0xc3 };
    static const uint8_t stub127[] = { 0x51, 0x41, 0x53, 0xb8, 127, 0, 0, 0, 0x0f, 0x05,
                                       0x41, 0x5b, 0x59, 0xc3 };
    /* HYPERVISOR_iret (23) does not return: push %rax too, nothing after syscall. */
    static const uint8_t iret[] = { 0x51, 0x41, 0x53, 0x50, 0xb8, 23, 0, 0, 0, 0x0f, 0x05 };
    ok(!memcmp(p + 32, stub1, sizeof stub1), "entry 1 stub");
    ok(!memcmp(p + 127 * 32, stub127, sizeof stub127), "entry 127 stub");
    ok(!memcmp(p + 23 * 32, iret, sizeof iret), "entry 23 (iret) stub");
    ok(p[14] == 0xcc && p[31] == 0xcc && p[23 * 32 + 11] == 0xcc, "the rest is int3");
    h->ops->unmap(h, (void *)p, 1);
    ok(h->ops->hypercall_page(h, d, theirs, &err) == -EINVAL, "hypercall page in a foreign frame refused");

    ok(h->ops->grant_seed(h, d, 0, f[1], f[2], &err) == 0, "grant_seed");
    grant_entry_v1_t g0, g1;
    sim_grant_entry(h, d, 0, &g0, &err);
    sim_grant_entry(h, d, 1, &g1, &err);
    ok(g0.flags == GTF_permit_access && g0.domid == 0 && g0.frame == f[1],
       "grant 0: console frame for the backend");
    ok(g1.flags == GTF_permit_access && g1.domid == 0 && g1.frame == f[2],
       "grant 1: xenstore frame for the backend");
    ok(h->ops->grant_seed(h, d, 0, theirs, f[2], &err) == -EINVAL && has(err.msg, "console"),
       "grant of a foreign frame refused");

    uint32_t port1 = 0, port2 = 0, remote = 99;
    ok(h->ops->evtchn_alloc_unbound(h, d, 0, &port1, &err) == 0 &&
       h->ops->evtchn_alloc_unbound(h, d, other, &port2, &err) == 0, "two unbound channels");
    is_u64(port1, 1, "first port 1");
    is_u64(port2, 2, "second port 2");
    sim_evtchn_remote(h, d, port2, &remote, &err);
    is_u64(remote, other, "remote domain recorded");

    is_u64(sim_domain_unpaused(h, d, &err), 0, "created paused");
    h->ops->unpause(h, d, &err);
    is_u64(sim_domain_unpaused(h, d, &err), 1, "unpaused");
    pvb_host_close(h);
}

/* Populate `bytes` of guest in 2 MiB extents, 512 per call as libxenguest does. */
static void large_guest(uint64_t bytes, const char *name)
{
    static xen_pfn_t batch[512];
    struct pvb_host *h = open_sim(0, 1234);
    uint64_t frames = bytes / PAGE, extents = frames / 512;
    uint32_t d = new_domain(h, frames);
    long anon0 = status_kib("RssAnon");
    double t0 = now();
    uint64_t done = 0;
    bool okay = true;
    for (uint64_t x = 0; x < extents && okay; x += 512) {
        size_t n = extents - x < 512 ? (size_t)(extents - x) : 512;
        long r = populate(h, d, 9, n, x * 512, batch);
        okay = r == (long)n;
        done += r > 0 ? (uint64_t)r : 0;
    }
    double t1 = now();
    ok(okay && nr_pages(h, d) == frames, "%s guest populated (0x%" PRIx64 " extents)",
       name, done);
    long anon1 = status_kib("RssAnon");
    diag("%s: populate 0x%" PRIx64 " frames in 2 MiB extents: %.3f s; sim RSS %ld KiB "
         "(anon %ld KiB, +%ld KiB for the guest; shmem %ld KiB)", name, frames, t1 - t0,
         status_kib("VmRSS"), anon1, anon1 - anon0, status_kib("RssShmem"));
    ok(anon1 - anon0 < 512 * 1024, "%s: the sim's own memory grows < 512 MiB", name);

    /* Write the last extent through a view, as the builder writes the P->M. */
    xen_pfn_t run[512];
    for (int i = 0; i < 512; i++)
        run[i] = batch[0] + i;
    uint8_t *w = h->ops->map(h, d, HOST_MAP_READ | HOST_MAP_WRITE, 512, run, &err);
    ok(w && (memset(w, 0xff, 512 * PAGE), w[512 * PAGE - 1] == 0xff), "%s: write a 2 MiB extent", name);
    if (w)
        h->ops->unmap(h, w, 512);
    t0 = now();
    h->ops->domain_destroy(h, d, &err);
    diag("%s: destroy %.3f s", name, now() - t0);
    pvb_host_close(h);
}

static void test_small_frames_rate(void)
{
    enum { N = 1 << 20 };
    xen_pfn_t *f = malloc(N * sizeof *f);
    struct pvb_host *h = open_sim(0, 77);
    uint32_t d = new_domain(h, N);
    double t0 = now();
    long r = populate(h, d, 0, N, 0, f);
    double t1 = now();
    is_u64(r, N, "populate 2^20 4 KiB frames (4 GiB)");
    diag("populate 2^20 4 KiB frames: %.3f s", t1 - t0);
    free(f);
    pvb_host_close(h);
}

int main(void)
{
    test_open();
    test_domains();
    test_populate_scatter();
    test_map();
    test_limits();
    test_pin();
    test_shared_pins();
    test_mfnmap();
    test_release();
    test_xen_objects();
    test_small_frames_rate();
    large_guest(UINT64_C(64) << 30, "64 GiB");
    large_guest(UINT64_C(1) << 40, "1 TiB");
    if (getenv("SIM_TEST_4TIB"))
        large_guest(UINT64_C(4) << 40, "4 TiB");
    return done_testing();
}
