/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Claims on the simulated host, which keeps them as Xen does: a guest the
 * machine cannot hold fails at the claim with nothing populated; other
 * domains' claims count against the free memory; the claim is given back
 * after the build; a host without claims builds with a warning.
 */
#include "common.h"

#include <errno.h>

#include "proxy_host.h"

static long populates;
static int claim_answer;          /* 0: pass through; else the claim fails with it */
static int release_answer;

static long count_populate(struct pvb_host *h, uint32_t d, unsigned o, size_t n,
                           xen_pfn_t *x, pvb_error *e)
{
    populates++;
    return INNER(h)->ops->populate(INNER(h), d, o, n, x, e);
}

static int odd_claim(struct pvb_host *h, uint32_t d, uint64_t n, pvb_error *e)
{
    int answer = n ? claim_answer : release_answer;
    if (answer) {
        snprintf(e->msg, sizeof e->msg, "xen: domain %u: claim: %s", d, strerror(-answer));
        return e->code = answer;
    }
    return INNER(h)->ops->claim(INNER(h), d, n, e);
}

static char warnings[1024];
static void keep_warning(void *opaque, enum pvb_log_level level, const char *msg)
{
    (void)opaque;
    if (level == PVB_LOG_WARNING)
        snprintf(warnings + strlen(warnings), sizeof warnings - strlen(warnings),
                 "%s\n", msg);
}
static const pvb_logger logger = { keep_warning, NULL };

static pvb_host *sim(uint64_t mib)
{
    struct pvb_sim_opts so = { .version = PVB_SIM_OPTS_VERSION, .machine_bytes = mib << 20,
                               .seed = 11 };
    pvb_host *h = NULL;
    pvb_error err;
    if (pvb_host_sim_open(&so, &h, &err) < 0)
        diag("sim open: %s", err.msg);
    return h;
}

static struct host_memory meminfo(pvb_host *h)
{
    struct host_memory m = { 0 };
    pvb_error err;
    h->ops->memory_info(h, &m, &err);
    return m;
}

static int create(pvb_host *h, const pvb_image *img, uint64_t mib,
                  struct pvb_domain *dom, pvb_error *err)
{
    struct pvb_config cfg;
    struct pvb_domain_opts o = PVB_DOMAIN_OPTS_INIT;
    o.log = &logger;
    pvb_config_init(&cfg);
    cfg.memory_mib = mib;
    int rc = pvb_domain_create(h, &cfg, img, NULL, NULL, &o, dom, err);
    pvb_config_free(&cfg);
    return rc;
}

static bool has(const char *s, const char *what)
{
    return strstr(s, what) != NULL;
}

int main(void)
{
    struct test_kernel tk = { 0 };
    pvb_image *img = make_test_kernel(&tk);
    pvb_host *h = sim(256);
    struct proxy_host p;
    struct pvb_domain dom;
    pvb_error err = { 0 };
    if (!img || !h) {
        printf("1..0 # SKIP cannot make the test kernel or the sim\n");
        return 1;
    }
    proxy_init(&p, h);
    p.ops.populate = count_populate;
    p.ops.claim = odd_claim;
    uint64_t free0 = meminfo(h).free_pages;
    ok(free0 == (256 << 8) - 512 - 0, "the 256 MiB machine has 0x%llx frames free "
       "(chunk 0 is never handed out)", (unsigned long long)free0);

    /* Larger than the machine: refused before anything is populated. */
    populates = 0;
    int rc = create(&p.base, img, 512, &dom, &err);
    is_u64(rc, -ENOMEM, "a 512 MiB guest on a 256 MiB machine fails with -ENOMEM");
    ok(has(err.msg, "cannot hold the guest's 0x20000 pages (512 MiB)") &&
       has(err.msg, "free 0xfdff pages (253 MiB)") &&
       has(err.msg, "claimed by domains 0x0 pages (0 MiB)") &&
       has(err.msg, "nothing populated"), "... naming the guest, free and claimed "
       "memory: %s", err.msg);
    ok(populates == 0, "... with no populate call (%ld)", populates);
    ok(sim_live_domains(h) == 0 && sim_frames_in_use(h) == 0 && sim_live_views(h) == 0,
       "... and no domain, frame or mapping left");
    is_u64(meminfo(h).outstanding_pages, 0, "... and no claim left");

    /* A good build gives its claim back; its pages are the domain's. */
    populates = 0;
    rc = create(&p.base, img, 64, &dom, &err);
    ok(rc == 0, "a 64 MiB guest builds (%s)", rc ? err.msg : "ok");
    is_u64(meminfo(h).outstanding_pages, 0, "the claim is given back after the build");
    struct host_domain_info info;
    h->ops->domain_info(h, dom.domid, &info, &err);
    is_u64(info.nr_pages, 64 << 8, "the domain holds its 0x4000 pages");
    is_u64(meminfo(h).free_pages, free0 - (64 << 8) - 1,
           "free memory fell by them (and shared_info's frame)");

    /* Another domain's claim counts against what is free. */
    struct host_domain_config dc = { .name = "hog", .max_vcpus = 1, .max_pages = 200 << 8 };
    uint32_t hog = 0;
    h->ops->domain_create(h, &dc, &hog, &err);
    rc = h->ops->claim(h, hog, 150 << 8, &err);
    ok(rc == 0, "another domain claims 150 MiB (%s)", rc ? err.msg : "ok");
    rc = h->ops->claim(h, hog, 10 << 8, &err);
    is_u64(rc, -EINVAL, "a second claim while one is outstanding is refused, as on Xen");
    struct pvb_domain dom2;
    populates = 0;
    rc = create(&p.base, img, 64, &dom2, &err);
    is_u64(rc, -ENOMEM, "then a 64 MiB guest does not fit in what is left");
    ok(has(err.msg, "claimed by domains 0x9600 pages (150 MiB)"),
       "... and the error names the claim: %s", err.msg);
    ok(populates == 0, "... before any populate");

    /* The claim is kept by populate: an unclaimed domain cannot dip into it. */
    struct host_domain_config dc2 = { .name = "thief", .max_vcpus = 1, .max_pages = 100 << 8 };
    uint32_t thief = 0;
    h->ops->domain_create(h, &dc2, &thief, &err);
    xen_pfn_t ext[64];
    for (unsigned i = 0; i < 64; i++)
        ext[i] = (xen_pfn_t)i * 512;
    long got = h->ops->populate(h, thief, 9, 64, ext, &err);
    ok(got < 64 && has(err.msg, "claimed"), "an unclaimed domain populates only the "
       "unclaimed memory (%ld of 64 extents): %s", got, err.msg);
    uint64_t before = meminfo(h).outstanding_pages;
    ext[0] = 0;
    got = h->ops->populate(h, hog, 9, 1, ext, &err);
    ok(got == 1 && meminfo(h).outstanding_pages == before - 512,
       "the claiming domain populates from its claim, which shrinks by it");
    h->ops->domain_destroy(h, thief, &err);
    h->ops->domain_destroy(h, hog, &err);
    is_u64(meminfo(h).outstanding_pages, 0, "a destroyed domain's claim goes with it");
    rc = create(&p.base, img, 64, &dom2, &err);
    ok(rc == 0, "and the 64 MiB guest then builds (%s)", rc ? err.msg : "ok");
    h->ops->domain_destroy(h, dom2.domid, &err);
    h->ops->domain_destroy(h, dom.domid, &err);

    /* Hosts without claims: a warning, and on. */
    const int no_claims[] = { -ENOSYS, -EOPNOTSUPP };
    for (int i = 0; i < 2; i++) {
        claim_answer = no_claims[i];
        warnings[0] = 0;
        rc = create(&p.base, img, 64, &dom, &err);
        ok(rc == 0 && has(warnings, "refuses memory claims") &&
           has(warnings, strerror(-no_claims[i])), "a host answering %s to claims: "
           "the guest builds with a warning: %s", strerror(-no_claims[i]), warnings);
        h->ops->domain_destroy(h, dom.domid, &err);
    }
    claim_answer = -EPERM;
    rc = create(&p.base, img, 64, &dom, &err);
    ok(rc == -EPERM && has(err.msg, "Operation not permitted") &&
       sim_live_domains(h) == 0, "any other refusal fails the build: %s", err.msg);
    claim_answer = 0;
    p.ops.claim = NULL;
    warnings[0] = 0;
    rc = create(&p.base, img, 64, &dom, &err);
    ok(rc == 0 && has(warnings, "has no memory claims"), "a host with no claim op: "
       "a warning: %s", warnings);
    h->ops->domain_destroy(h, dom.domid, &err);
    p.ops.claim = odd_claim;
    release_answer = -EIO;
    warnings[0] = 0;
    rc = create(&p.base, img, 64, &dom, &err);
    ok(rc == 0 && has(warnings, "giving its memory claim back failed"),
       "a claim that will not go back is a warning: %s", warnings);
    h->ops->domain_destroy(h, dom.domid, &err);
    ok(sim_live_domains(h) == 0 && sim_frames_in_use(h) == 0 &&
       meminfo(h).outstanding_pages == 0, "nothing left on the machine");

    pvb_host_close(h);
    pvb_image_close((pvb_image *)img);
    return done_testing();
}
