/*
 * A failed build leaves nothing behind: every frame it populated goes back
 * and every mapping it made is gone.  A proxy host fails the Nth host call
 * for every N up to the number a whole build makes (SQLite's way of
 * testing error paths), and bad configs fail before anything is taken.
 */
#include "common.h"

#include <errno.h>

struct fault_host {
    struct pvb_host base;
    struct host_ops ops;
    struct pvb_host *inner;
    long calls, fail_at;
};

#define FH(h) ((struct fault_host *)(h))

static bool tick(struct pvb_host *h)
{
    return ++FH(h)->calls == FH(h)->fail_at;
}

static int injected(pvb_error *err)
{
    if (err) {
        err->code = -EIO;
        snprintf(err->msg, sizeof err->msg, "injected failure");
    }
    return -EIO;
}

static int f_info(struct pvb_host *h, uint32_t d, struct host_domain_info *i, pvb_error *e)
{ return tick(h) ? injected(e) : FH(h)->inner->ops->domain_info(FH(h)->inner, d, i, e); }
static int f_addr(struct pvb_host *h, uint32_t d, unsigned b, pvb_error *e)
{ return tick(h) ? injected(e) : FH(h)->inner->ops->set_address_size(FH(h)->inner, d, b, e); }
static long f_pop(struct pvb_host *h, uint32_t d, unsigned o, size_t n, xen_pfn_t *x, pvb_error *e)
{ return tick(h) ? injected(e) : FH(h)->inner->ops->populate(FH(h)->inner, d, o, n, x, e); }
static void *f_map(struct pvb_host *h, uint32_t d, int p, size_t n, const xen_pfn_t *m, pvb_error *e)
{ if (tick(h)) { injected(e); return NULL; } return FH(h)->inner->ops->map(FH(h)->inner, d, p, n, m, e); }
static int f_setctx(struct pvb_host *h, uint32_t d, unsigned v, const vcpu_guest_context_x86_64_t *c, pvb_error *e)
{ return tick(h) ? injected(e) : FH(h)->inner->ops->set_vcpu_context(FH(h)->inner, d, v, c, e); }
static int f_pin(struct pvb_host *h, uint32_t d, xen_pfn_t m, pvb_error *e)
{ return tick(h) ? injected(e) : FH(h)->inner->ops->pin_l4(FH(h)->inner, d, m, e); }
static int f_hc(struct pvb_host *h, uint32_t d, xen_pfn_t m, pvb_error *e)
{ return tick(h) ? injected(e) : FH(h)->inner->ops->hypercall_page(FH(h)->inner, d, m, e); }
static int f_grant(struct pvb_host *h, uint32_t d, uint32_t b, xen_pfn_t c, xen_pfn_t s, pvb_error *e)
{ return tick(h) ? injected(e) : FH(h)->inner->ops->grant_seed(FH(h)->inner, d, b, c, s, e); }
/* Undo paths themselves are not failed: they are what is being tested. */
static int f_release(struct pvb_host *h, uint32_t d, size_t n, const xen_pfn_t *m, pvb_error *e)
{ return FH(h)->inner->ops->release(FH(h)->inner, d, n, m, e); }
static void f_unmap(struct pvb_host *h, void *a, size_t n)
{ FH(h)->inner->ops->unmap(FH(h)->inner, a, n); }
static int f_unpin(struct pvb_host *h, uint32_t d, xen_pfn_t m, pvb_error *e)
{ return FH(h)->inner->ops->unpin(FH(h)->inner, d, m, e); }

static void fault_init(struct fault_host *f, struct pvb_host *inner)
{
    memset(f, 0, sizeof *f);
    f->ops = *inner->ops;
    f->ops.domain_info = f_info;
    f->ops.set_address_size = f_addr;
    f->ops.populate = f_pop;
    f->ops.map = f_map;
    f->ops.set_vcpu_context = f_setctx;
    f->ops.pin_l4 = f_pin;
    f->ops.hypercall_page = f_hc;
    f->ops.grant_seed = f_grant;
    f->ops.release = f_release;
    f->ops.unmap = f_unmap;
    f->ops.unpin = f_unpin;
    f->base.ops = &f->ops;
    f->inner = inner;
}

static uint64_t domain_pages(pvb_host *h, uint32_t domid)
{
    struct host_domain_info info;
    pvb_error err;
    if (h->ops->domain_info(h, domid, &info, &err) < 0)
        return ~UINT64_C(0);
    return info.nr_pages;
}

static uint32_t new_domain(pvb_host *h, uint64_t max_pages)
{
    struct host_domain_config dc = { .name = "undo", .max_vcpus = 1, .max_pages = max_pages };
    uint32_t domid = 0;
    pvb_error err;
    if (h->ops->domain_create(h, &dc, &domid, &err) < 0)
        diag("domain_create: %s", err.msg);
    return domid;
}

int main(void)
{
    const char *kernel = debian_kernel();
    if (!kernel) {
        printf("1..0 # SKIP no Debian kernel (install linux-image-amd64)\n");
        return 0;
    }
    pvb_image *img;
    pvb_host *h;
    pvb_error err = { 0 };
    if (pvb_image_open_file(kernel, NULL, &img, &err) < 0 ||
        pvb_host_sim_open(NULL, &h, &err) < 0) {
        printf("Bail out! %s\n", err.msg);
        return 1;
    }
    pvb_ramdisk *rd = make_ramdisk(0x123456);
    struct pvb_config cfg;
    pvb_config_init(&cfg);
    cfg.memory_mib = 128;
    struct pvb_plan plan;
    struct pvb_build_result res;

    /* How many host calls a whole build makes. */
    struct fault_host f;
    fault_init(&f, h);
    uint32_t domid = new_domain(h, 128 * 256);
    int rc = pvb_build(&f.base, domid, img, rd, &cfg, NULL, &plan, &res, &err);
    ok(rc == 0, "a good build through the proxy host (%ld host calls)", f.calls);
    ok(domain_pages(h, domid) == 128 * 256, "it populated every page");
    h->ops->domain_destroy(h, domid, &err);
    long total = f.calls;

    /* Fail each call in turn. */
    long clean = 0;
    for (long n = 1; n <= total; n++) {
        fault_init(&f, h);
        f.fail_at = n;
        domid = new_domain(h, 128 * 256);
        rc = pvb_build(&f.base, domid, img, rd, &cfg, NULL, &plan, &res, &err);
        uint64_t left = domain_pages(h, domid);
        size_t views = sim_live_views(h);
        if (rc < 0 && left == 0 && views == 0 && strstr(err.msg, "injected"))
            clean++;
        else
            diag("call %ld: rc %d, %llu pages left, %zu views, \"%s\"", n, rc,
                 (unsigned long long)left, views, err.msg);
        h->ops->domain_destroy(h, domid, &err);
    }
    ok(clean == total, "failing any one of the %ld host calls: an error, no frame "
       "kept, no mapping left (%ld clean)", total, clean);

    /* max_pages below memory: populate fails part way through the sweep. */
    domid = new_domain(h, 100 * 256);
    rc = pvb_build(h, domid, img, rd, &cfg, NULL, &plan, &res, &err);
    ok(rc < 0, "populate beyond max_pages fails: %s", err.msg);
    ok(strstr(err.msg, "max_pages") != NULL, "the error names max_pages");
    is_u64(domain_pages(h, domid), 0, "no frame kept");
    ok(sim_live_views(h) == 0, "no mapping left");
    h->ops->domain_destroy(h, domid, &err);

    /* Bad P->M addresses fail before anything is populated. */
    static const struct { uint64_t va; const char *what; } bad[] = {
        { 0x8000000001, "aligned" },
        { 0x0000800000000000, "canonical" },
        { 0xffffffff80000000, "overlap" },
        { 0xffff800000000000, "hypervisor" },
        { 0xffffff0000, "crosses a slot" },
        { 0x1000, "slot 0" },
    };
    cfg.p2m = PVB_P2M_ADDRESS;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cfg.p2m_vaddr = bad[i].va;
        domid = new_domain(h, 128 * 256);
        rc = pvb_build(h, domid, img, rd, &cfg, NULL, &plan, &res, &err);
        ok(rc < 0 && domain_pages(h, domid) == 0,
           "P->M at 0x%llx (%s) refused, nothing populated: %s",
           (unsigned long long)bad[i].va, bad[i].what, err.msg);
        h->ops->domain_destroy(h, domid, &err);
    }

    pvb_config_free(&cfg);
    pvb_ramdisk_close(rd);
    pvb_host_close(h);
    pvb_image_close(img);
    return done_testing();
}
