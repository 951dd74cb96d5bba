/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A host of one's own, written against pvbuild/sys/host.h alone: a proxy
 * over the simulated host (reached through pvb_host_ops_of) that counts
 * every op and fails the one it is told to.  The library builds a real
 * guest through it (pvb_domain_create, pvb_verify), and every failed op
 * leaves no domain and no mapping behind.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pvbuild.h"
#include "pvbuild/sys/host.h"
#include "kernel.h"
#include "tap.h"

enum op { CREATE, DESTROY, INFO, ADDR, POPULATE, RELEASE, MAP, UNMAP, SETCTX, GETCTX,
          PIN, UNPIN, HCALL, GRANT, EVTCHN, UNPAUSE, FEATURES, INTRO, NR_OPS };
static const char *const op_name[NR_OPS] = {
    "domain_create", "domain_destroy", "domain_info", "set_address_size", "populate",
    "release", "map", "unmap", "set_vcpu_context", "get_vcpu_context", "pin_l4",
    "unpin", "hypercall_page", "grant_seed", "evtchn_alloc_unbound", "unpause",
    "features", "introduce",
};

struct counter {
    const struct pvb_host_ops *in;
    void *inner;
    unsigned calls[NR_OPS];
    unsigned mapped;          /* maps that succeeded */
    int fail_op;              /* fail the first call of this op; -1: none */
    bool fail_silently;       /* ... without filling err */
    uint32_t last_domid;
    unsigned closes;
};

/* Whether this call fails; then err and the errno to return. */
static bool failing(struct counter *c, enum op op, pvb_error *err)
{
    c->calls[op]++;
    if ((int)op != c->fail_op)
        return false;
    c->fail_op = -1;
    if (!c->fail_silently) {
        err->code = -EIO;
        snprintf(err->msg, sizeof err->msg, "counter: %s failed on purpose", op_name[op]);
    }
    return true;
}

#define C ((struct counter *)impl)
#define PASS(op, failval, call) (failing(C, op, err) ? (failval) : C->in->call)

static void d_close(void *impl) { C->closes++; C->in->close(C->inner); }
static int d_create(void *impl, const struct pvb_host_domain_config *cfg, uint32_t *domid,
                    pvb_error *err)
{
    int rc = PASS(CREATE, -EIO, domain_create(C->inner, cfg, domid, err));
    if (rc == 0)
        C->last_domid = *domid;
    return rc;
}
static int d_destroy(void *impl, uint32_t d, pvb_error *err)
{ return PASS(DESTROY, -EIO, domain_destroy(C->inner, d, err)); }
static int d_info(void *impl, uint32_t d, struct pvb_host_domain_info *i, pvb_error *err)
{ return PASS(INFO, -EIO, domain_info(C->inner, d, i, err)); }
static int d_addr(void *impl, uint32_t d, unsigned b, pvb_error *err)
{ return PASS(ADDR, -EIO, set_address_size(C->inner, d, b, err)); }
static long d_populate(void *impl, uint32_t d, unsigned o, size_t n, uint64_t *x,
                       pvb_error *err)
{ return PASS(POPULATE, -EIO, populate(C->inner, d, o, n, x, err)); }
static int d_release(void *impl, uint32_t d, size_t n, const uint64_t *m, pvb_error *err)
{ return PASS(RELEASE, -EIO, release(C->inner, d, n, m, err)); }
static void *d_map(void *impl, uint32_t d, int p, size_t n, const uint64_t *m, pvb_error *err)
{
    void *v = PASS(MAP, NULL, map(C->inner, d, p, n, m, err));
    C->mapped += v != NULL;
    return v;
}
static void d_unmap(void *impl, void *a, size_t n) { C->calls[UNMAP]++; C->in->unmap(C->inner, a, n); }
static int d_setctx(void *impl, uint32_t d, unsigned v, const vcpu_guest_context_x86_64_t *x,
                    pvb_error *err)
{ return PASS(SETCTX, -EIO, set_vcpu_context(C->inner, d, v, x, err)); }
static int d_getctx(void *impl, uint32_t d, unsigned v, vcpu_guest_context_x86_64_t *x,
                    pvb_error *err)
{ return PASS(GETCTX, -EIO, get_vcpu_context(C->inner, d, v, x, err)); }
static int d_pin(void *impl, uint32_t d, uint64_t m, pvb_error *err)
{ return PASS(PIN, -EIO, pin_l4(C->inner, d, m, err)); }
static int d_unpin(void *impl, uint32_t d, uint64_t m, pvb_error *err)
{ return PASS(UNPIN, -EIO, unpin(C->inner, d, m, err)); }
static int d_hcall(void *impl, uint32_t d, uint64_t m, pvb_error *err)
{ return PASS(HCALL, -EIO, hypercall_page(C->inner, d, m, err)); }
static int d_grant(void *impl, uint32_t d, uint32_t b, uint64_t cm, uint64_t sm, pvb_error *err)
{ return PASS(GRANT, -EIO, grant_seed(C->inner, d, b, cm, sm, err)); }
static int d_evtchn(void *impl, uint32_t d, uint32_t r, uint32_t *p, pvb_error *err)
{ return PASS(EVTCHN, -EIO, evtchn_alloc_unbound(C->inner, d, r, p, err)); }
static int d_unpause(void *impl, uint32_t d, pvb_error *err)
{ return PASS(UNPAUSE, -EIO, unpause(C->inner, d, err)); }
static int d_features(void *impl, uint32_t *f, pvb_error *err)
{ return PASS(FEATURES, -EIO, features(C->inner, f, err)); }
static int d_intro(void *impl, uint32_t d, const struct pvb_host_introduce *in, pvb_error *err)
{ return PASS(INTRO, -EIO, introduce(C->inner, d, in, err)); }

static const struct pvb_host_ops counter_ops = {
    .version = PVB_HOST_OPS_VERSION, .name = "counter", .close = d_close,
    .domain_create = d_create, .domain_destroy = d_destroy, .domain_info = d_info,
    .set_address_size = d_addr, .populate = d_populate, .release = d_release,
    .map = d_map, .unmap = d_unmap, .set_vcpu_context = d_setctx,
    .get_vcpu_context = d_getctx, .pin_l4 = d_pin, .unpin = d_unpin,
    .hypercall_page = d_hcall, .grant_seed = d_grant, .evtchn_alloc_unbound = d_evtchn,
    .unpause = d_unpause, .features = d_features, .introduce = d_intro,
};

static bool has(const char *s, const char *sub) { return strstr(s, sub) != NULL; }

static void bad_tables(void)
{
    pvb_host *h = NULL;
    pvb_error err;
    struct pvb_host_ops t = counter_ops;

    ok(pvb_host_new(NULL, NULL, NULL, &h, &err) == -EINVAL, "no table refused");
    ok(pvb_host_new(&t, NULL, NULL, NULL, &err) == -EINVAL, "no output refused");
    t.version = 0;
    ok(pvb_host_new(&t, NULL, NULL, &h, &err) == -EINVAL &&
       has(err.msg, "pvb_host_ops: version 0 is not known"), "version 0: %s", err.msg);
    t.version = PVB_HOST_OPS_VERSION + 1;
    ok(pvb_host_new(&t, NULL, NULL, &h, &err) == -EINVAL && has(err.msg, "(it knows 1)"),
       "a newer version: %s", err.msg);
    t = counter_ops;
    t.populate = NULL;
    ok(pvb_host_new(&t, NULL, NULL, &h, &err) == -EINVAL &&
       has(err.msg, "host counter: pvb_host_ops.populate is NULL"), "%s", err.msg);
    t = counter_ops;
    t.name = NULL;
    ok(pvb_host_new(&t, NULL, NULL, &h, &err) == -EINVAL && has(err.msg, ".name is NULL"),
       "%s", err.msg);
    struct pvb_host_opts v7 = { .version = 7 };
    ok(pvb_host_new(&counter_ops, NULL, &v7, &h, &err) == -EINVAL &&
       has(err.msg, "pvb_host_opts: version 7"), "host opts version 7: %s", err.msg);
    ok(h == NULL, "no host came out of any of them");
}

/* A counter host over a fresh simulated host. */
static pvb_host *counter_host(struct counter *c, pvb_error *err)
{
    pvb_host *sim, *h;
    memset(c, 0, sizeof *c);
    c->fail_op = -1;
    if (pvb_host_sim_open(NULL, &sim, err) < 0)
        return NULL;
    if (pvb_host_ops_of(sim, &c->in, &c->inner, err) < 0 ||
        pvb_host_new(&counter_ops, c, NULL, &h, err) < 0) {
        pvb_host_close(sim);
        return NULL;
    }
    return h;
}

int main(void)
{
    struct pvb_verify_report *rep = NULL;
    struct pvb_domain dom;
    struct pvb_domain_state st;
    struct counter c;
    pvb_image *img;
    pvb_error err;
    pvb_host *h;

    bad_tables();
    const char *kernel = test_kernel();
    if (!kernel) {
        printf("ok %d # SKIP no Debian kernel (scripts/find-kernel --fetch)\n", ++tap_n);
        return done_testing();
    }
    if (pvb_image_open_file(kernel, NULL, &img, &err) < 0 || !(h = counter_host(&c, &err))) {
        printf("Bail out! %s\n", err.msg);
        return 1;
    }
    const void *sim_impl = c.inner;
    struct pvb_config cfg;
    pvb_config_init(&cfg);
    cfg.memory_mib = 128;
    cfg.vcpus = 2;

    int rc = pvb_domain_create(h, &cfg, img, NULL, NULL, NULL, &dom, &err);
    ok(rc == 0, "pvb_domain_create through the counter host: %s", rc ? err.msg : "ok");
    rc = pvb_verify(h, dom.domid, pvb_image_guest(img), &rep, &err);
    ok(rc == 0 && rep->ok && rep->nr_checks > 0, "pvb_verify through it: %u checks pass",
       rep ? rep->nr_checks : 0);
    pvb_free(rep);
    diag("ops: create %u, evtchn %u, populate %u, map %u, unmap %u, pin %u, setctx %u",
         c.calls[CREATE], c.calls[EVTCHN], c.calls[POPULATE], c.calls[MAP], c.calls[UNMAP],
         c.calls[PIN], c.calls[SETCTX]);
    ok(c.calls[CREATE] == 1 && c.calls[EVTCHN] == 2 && c.calls[PIN] == 1 &&
       c.calls[SETCTX] == 1 && c.calls[HCALL] <= 1 && c.calls[GRANT] == 1,
       "one create, two event channels, one pin, one vCPU context, one grant seed");
    ok(c.calls[POPULATE] >= 1 && c.mapped >= 1 && c.mapped == c.calls[UNMAP],
       "every map (%u) was unmapped", c.mapped);
    ok(pvb_domain_state(h, dom.domid, &st, &err) == 0 && st.nr_pages == 128 * 256,
       "the domain holds its 128 MiB");
    ok(pvb_domain_introduce(h, &dom, &cfg, 0, &err) == -ENOENT && has(err.msg, "sim"),
       "introduce passes through to the sim, which has no xenstored: %s", err.msg);
    ok(pvb_domain_destroy(h, dom.domid, &err) == 0, "destroyed through it");

    /* Each op the build needs, failed once: nothing may be left. */
    const enum op fails[] = { CREATE, EVTCHN, INFO, ADDR, POPULATE, MAP, PIN, SETCTX,
                              GRANT, FEATURES };
    for (size_t i = 0; i < sizeof fails / sizeof fails[0]; i++) {
        memset(c.calls, 0, sizeof c.calls);
        c.mapped = 0;
        c.fail_op = (int)fails[i];
        c.fail_silently = i % 2;
        c.last_domid = 0;
        rc = pvb_domain_create(h, &cfg, img, NULL, NULL, NULL, &dom, &err);
        char want[96];
        snprintf(want, sizeof want, c.fail_silently ? "host counter: %s failed"
                                                   : "counter: %s failed on purpose",
                 op_name[fails[i]]);
        ok(rc < 0 && has(err.msg, want), "%s failing%s: %s", op_name[fails[i]],
           c.fail_silently ? " without a message" : "", err.msg);
        ok(dom.domid == 0 && (c.last_domid == 0 ||
                              pvb_domain_state(h, c.last_domid, &st, &err) == -ESRCH),
           "%s failing: domain %u is gone", op_name[fails[i]], c.last_domid);
        ok(c.mapped == c.calls[UNMAP], "%s failing: maps %u, unmaps %u",
           op_name[fails[i]], c.mapped, c.calls[UNMAP]);
    }

    const struct pvb_host_ops *o;
    void *impl;
    ok(pvb_host_ops_of(h, &o, &impl, &err) == 0 && o == &counter_ops && impl == &c,
       "pvb_host_ops_of gives a caller's host its own table back");
    ok(sim_impl != NULL, "the sim was reached through its public table");
    pvb_host_close(h);
    ok(c.closes == 1, "pvb_host_close called close once (which closed the sim)");
    pvb_config_free(&cfg);
    pvb_image_close(img);
    return done_testing();
}
