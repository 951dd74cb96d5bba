/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A host that passes every op on to another host, with a hook around
 * each: the tests inject failures with it (enter returns true and the op
 * fails with -EIO), the benchmark tells the builder's own allocations from
 * the host's.  Every op is wrapped: one passed through as it is would be
 * handed the proxy instead of the host it belongs to.
 */
#ifndef PVB_TESTS_PROXY_HOST_H
#define PVB_TESTS_PROXY_HOST_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "host/host.h"

struct proxy_host {
    struct pvb_host base;
    struct host_ops ops;
    struct pvb_host *inner;
    /*
     * undo: the op is one an undo path uses (release, unmap, unpin,
     * domain_destroy).  unmap cannot fail: its enter's answer is ignored,
     * and `unmapping` tells the hook so.
     */
    bool (*enter)(struct proxy_host *p, bool undo);
    bool unmapping;
    /* Views handed out by map and not unmapped yet: a leak shows here. */
    long live_maps;
    void (*leave)(struct proxy_host *p);
    void *opaque;
};

#define PH(h) ((struct proxy_host *)(h))
#define INNER(h) (PH(h)->inner)

static inline int proxy_injected(pvb_error *err)
{
    if (err) {
        err->code = -EIO;
        snprintf(err->msg, sizeof err->msg, "injected failure");
    }
    return -EIO;
}

#define PROXY_OP(h, undo, err, failval, expr)                                 \
    ({                                                                        \
        struct proxy_host *p_ = PH(h);                                        \
        __typeof__(expr) r_;                                                  \
        if (p_->enter && p_->enter(p_, undo)) {                               \
            proxy_injected(err);                                              \
            r_ = failval;                                                     \
        } else {                                                              \
            r_ = (expr);                                                      \
        }                                                                     \
        if (p_->leave)                                                        \
            p_->leave(p_);                                                    \
        r_;                                                                   \
    })

static int px_info(struct pvb_host *h, uint32_t d, struct host_domain_info *i, pvb_error *e)
{ return PROXY_OP(h, false, e, -EIO, INNER(h)->ops->domain_info(INNER(h), d, i, e)); }
static int px_addr(struct pvb_host *h, uint32_t d, unsigned b, pvb_error *e)
{ return PROXY_OP(h, false, e, -EIO, INNER(h)->ops->set_address_size(INNER(h), d, b, e)); }
static long px_populate(struct pvb_host *h, uint32_t d, unsigned o, size_t n, xen_pfn_t *x,
                        pvb_error *e)
{ return PROXY_OP(h, false, e, -EIO, INNER(h)->ops->populate(INNER(h), d, o, n, x, e)); }
static void *px_map(struct pvb_host *h, uint32_t d, int p, size_t n, const xen_pfn_t *m,
                    pvb_error *e)
{
    void *a = PROXY_OP(h, false, e, NULL, INNER(h)->ops->map(INNER(h), d, p, n, m, e));
    PH(h)->live_maps += a != NULL;
    return a;
}
static int px_setctx(struct pvb_host *h, uint32_t d, unsigned v,
                     const vcpu_guest_context_x86_64_t *c, pvb_error *e)
{ return PROXY_OP(h, false, e, -EIO, INNER(h)->ops->set_vcpu_context(INNER(h), d, v, c, e)); }
static int px_pin(struct pvb_host *h, uint32_t d, xen_pfn_t m, pvb_error *e)
{ return PROXY_OP(h, false, e, -EIO, INNER(h)->ops->pin_l4(INNER(h), d, m, e)); }
static int px_hcall(struct pvb_host *h, uint32_t d, xen_pfn_t m, pvb_error *e)
{ return PROXY_OP(h, false, e, -EIO, INNER(h)->ops->hypercall_page(INNER(h), d, m, e)); }
static int px_grant(struct pvb_host *h, uint32_t d, uint32_t b, xen_pfn_t c, xen_pfn_t s,
                    pvb_error *e)
{ return PROXY_OP(h, false, e, -EIO, INNER(h)->ops->grant_seed(INNER(h), d, b, c, s, e)); }
static int px_release(struct pvb_host *h, uint32_t d, size_t n, const xen_pfn_t *m,
                      pvb_error *e)
{ return PROXY_OP(h, true, e, -EIO, INNER(h)->ops->release(INNER(h), d, n, m, e)); }
static int px_unpin(struct pvb_host *h, uint32_t d, xen_pfn_t m, pvb_error *e)
{ return PROXY_OP(h, true, e, -EIO, INNER(h)->ops->unpin(INNER(h), d, m, e)); }
static int px_create(struct pvb_host *h, const struct host_domain_config *c, uint32_t *d,
                     pvb_error *e)
{ return PROXY_OP(h, false, e, -EIO, INNER(h)->ops->domain_create(INNER(h), c, d, e)); }
static int px_destroy(struct pvb_host *h, uint32_t d, pvb_error *e)
{ return PROXY_OP(h, true, e, -EIO, INNER(h)->ops->domain_destroy(INNER(h), d, e)); }
static int px_getctx(struct pvb_host *h, uint32_t d, unsigned v,
                     vcpu_guest_context_x86_64_t *c, pvb_error *e)
{ return PROXY_OP(h, false, e, -EIO, INNER(h)->ops->get_vcpu_context(INNER(h), d, v, c, e)); }
static int px_evtchn(struct pvb_host *h, uint32_t d, uint32_t r, uint32_t *port, pvb_error *e)
{ return PROXY_OP(h, false, e, -EIO, INNER(h)->ops->evtchn_alloc_unbound(INNER(h), d, r, port, e)); }
static int px_unpause(struct pvb_host *h, uint32_t d, pvb_error *e)
{ return PROXY_OP(h, false, e, -EIO, INNER(h)->ops->unpause(INNER(h), d, e)); }
static int px_features(struct pvb_host *h, uint32_t *f, pvb_error *e)
{ return PROXY_OP(h, false, e, -EIO, INNER(h)->ops->features(INNER(h), f, e)); }
static int px_introduce(struct pvb_host *h, uint32_t d, const struct host_introduce *in,
                        pvb_error *e)
{ return PROXY_OP(h, false, e, -EIO, INNER(h)->ops->introduce(INNER(h), d, in, e)); }
/* Giving a claim back is best effort (a warning), as unmap cannot fail. */
static int px_claim(struct pvb_host *h, uint32_t d, uint64_t n, pvb_error *e)
{
    if (n == 0)
        return INNER(h)->ops->claim(INNER(h), d, n, e);
    return PROXY_OP(h, false, e, -EIO, INNER(h)->ops->claim(INNER(h), d, n, e));
}
static int px_meminfo(struct pvb_host *h, struct host_memory *m, pvb_error *e)
{ return PROXY_OP(h, false, e, -EIO, INNER(h)->ops->memory_info(INNER(h), m, e)); }
static int px_numa(struct pvb_host *h, struct host_numa *n, pvb_error *e)
{ return PROXY_OP(h, false, e, -EIO, INNER(h)->ops->numa_info(INNER(h), n, e)); }
static long px_populate_node(struct pvb_host *h, uint32_t d, unsigned node, unsigned o,
                             size_t n, xen_pfn_t *x, pvb_error *e)
{ return PROXY_OP(h, false, e, -EIO,
                  INNER(h)->ops->populate_node(INNER(h), d, node, o, n, x, e)); }
static int px_cpu_info(struct pvb_host *h, struct host_cpus *c, pvb_error *e)
{ return PROXY_OP(h, false, e, -EIO, INNER(h)->ops->cpu_info(INNER(h), c, e)); }
static int px_affinity(struct pvb_host *h, uint32_t d, unsigned v, const uint64_t *hard,
                       const uint64_t *soft, unsigned nr, pvb_error *e)
{ return PROXY_OP(h, false, e, -EIO,
                  INNER(h)->ops->vcpu_affinity(INNER(h), d, v, hard, soft, nr, e)); }
static int px_vnuma(struct pvb_host *h, uint32_t d, unsigned nv, unsigned nn,
                    const struct pvb_plan_vnode *vn, pvb_error *e)
{ return PROXY_OP(h, false, e, -EIO, INNER(h)->ops->set_vnuma(INNER(h), d, nv, nn, vn, e)); }
/* Closing the proxy leaves the inner host to its owner. */
static void px_close(struct pvb_host *h) { (void)h; }

static void px_unmap(struct pvb_host *h, void *a, size_t n)
{
    struct proxy_host *p = PH(h);
    p->unmapping = true;
    if (p->enter)
        p->enter(p, true);
    p->unmapping = false;
    p->live_maps--;
    INNER(h)->ops->unmap(INNER(h), a, n);
    if (p->leave)
        p->leave(p);
}

static inline void proxy_init(struct proxy_host *p, struct pvb_host *inner)
{
    memset(p, 0, sizeof *p);
    p->ops = *inner->ops;
    p->ops.domain_info = px_info;
    p->ops.set_address_size = px_addr;
    p->ops.populate = px_populate;
    p->ops.map = px_map;
    p->ops.set_vcpu_context = px_setctx;
    p->ops.pin_l4 = px_pin;
    p->ops.hypercall_page = px_hcall;
    p->ops.grant_seed = px_grant;
    p->ops.release = px_release;
    p->ops.unmap = px_unmap;
    p->ops.unpin = px_unpin;
    p->ops.close = px_close;
    p->ops.domain_create = px_create;
    p->ops.domain_destroy = px_destroy;
    p->ops.get_vcpu_context = px_getctx;
    p->ops.evtchn_alloc_unbound = px_evtchn;
    p->ops.unpause = px_unpause;
    p->ops.features = px_features;
    p->ops.introduce = px_introduce;
    if (inner->ops->claim)
        p->ops.claim = px_claim;
    if (inner->ops->memory_info)
        p->ops.memory_info = px_meminfo;
    if (inner->ops->numa_info)
        p->ops.numa_info = px_numa;
    if (inner->ops->populate_node)
        p->ops.populate_node = px_populate_node;
    if (inner->ops->cpu_info)
        p->ops.cpu_info = px_cpu_info;
    if (inner->ops->vcpu_affinity)
        p->ops.vcpu_affinity = px_affinity;
    if (inner->ops->set_vnuma)
        p->ops.set_vnuma = px_vnuma;
    p->base.ops = &p->ops;
    p->inner = inner;
}

#endif
