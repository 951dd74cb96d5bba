/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A host of the caller's own (pvbuild/sys/host.h): the public ops table,
 * taking `void *impl`, seen by the builder through the internal host_ops.
 * The internal table stays the builder's own so that it can grow without
 * the public one (which only grows with PVB_HOST_OPS_VERSION).
 */
#include "host/host.h"
#include "pvbuild/sys/host.h"
#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(xen_pfn_t) == sizeof(uint64_t), "frame numbers are 64-bit");
_Static_assert(HOST_MAP_READ == PVB_HOST_MAP_READ && HOST_MAP_WRITE == PVB_HOST_MAP_WRITE,
               "map protections are the same bits");

struct custom_host {
    struct pvb_host base;     /* first: a custom_host is a pvb_host */
    struct host_ops table;    /* its own copy: the name is the caller's */
    const struct pvb_host_ops *ops;
    void *impl;
};

static struct custom_host *custom_of(struct pvb_host *h)
{
    return (struct custom_host *)h;
}

/* An op that failed without saying why still gets a line. */
static long said(struct pvb_host *h, const char *op, long rc, pvb_error *err)
{
    if (rc < 0 && err && err->code == 0)
        fail(err, (int)rc, "host %s: %s failed: %s", h->ops->name, op,
             strerror((int)-rc));
    return rc;
}

static pvb_error *cleared(pvb_error *err, pvb_error *scratch)
{
    if (!err)
        err = scratch;
    err->code = 0;
    err->msg[0] = 0;
    return err;
}

#define CALL(h, op, err, ...)                                                 \
    ({                                                                        \
        pvb_error s_, *e_ = cleared(err, &s_);                                \
        said(h, #op, custom_of(h)->ops->op(custom_of(h)->impl, __VA_ARGS__, e_), e_); \
    })

static void c_close(struct pvb_host *h)
{
    struct custom_host *c = custom_of(h);
    if (c->ops->close)
        c->ops->close(c->impl);
    free(c);
}

static int c_domain_create(struct pvb_host *h, const struct host_domain_config *cfg,
                           uint32_t *domid, pvb_error *err)
{
    struct pvb_host_domain_config pc = {
        .name = cfg->name, .max_vcpus = cfg->max_vcpus, .max_pages = cfg->max_pages,
    };
    return (int)CALL(h, domain_create, err, &pc, domid);
}

static int c_domain_destroy(struct pvb_host *h, uint32_t domid, pvb_error *err)
{
    return (int)CALL(h, domain_destroy, err, domid);
}

static int c_domain_info(struct pvb_host *h, uint32_t domid,
                         struct host_domain_info *info, pvb_error *err)
{
    struct pvb_host_domain_info pi;
    memset(&pi, 0, sizeof pi);
    int rc = (int)CALL(h, domain_info, err, domid, &pi);
    if (rc < 0)
        return rc;
    *info = (struct host_domain_info){
        .nr_pages = pi.nr_pages, .max_pages = pi.max_pages,
        .shared_info_mfn = pi.shared_info_mfn, .max_vcpus = pi.max_vcpus,
        .address_size = pi.address_size, .paused = pi.paused,
        .shutdown = pi.shutdown, .shutdown_reason = pi.shutdown_reason,
        .dying = pi.dying,
    };
    return 0;
}

static int c_set_address_size(struct pvb_host *h, uint32_t domid, unsigned bits,
                              pvb_error *err)
{
    return (int)CALL(h, set_address_size, err, domid, bits);
}

static long c_populate(struct pvb_host *h, uint32_t domid, unsigned order,
                       size_t count, xen_pfn_t *extents, pvb_error *err)
{
    long rc = CALL(h, populate, err, domid, order, count, (uint64_t *)extents);
    if (rc > (long)count)
        return fail(err, -EPROTO, "host %s: populate of %zu extents says %ld were done",
                    h->ops->name, count, rc);
    return rc;
}

static int c_release(struct pvb_host *h, uint32_t domid, size_t count,
                     const xen_pfn_t *mfns, pvb_error *err)
{
    return (int)CALL(h, release, err, domid, count, (const uint64_t *)mfns);
}

static void *c_map(struct pvb_host *h, uint32_t domid, int prot, size_t count,
                   const xen_pfn_t *mfns, pvb_error *err)
{
    pvb_error s, *e = cleared(err, &s);
    struct custom_host *c = custom_of(h);
    void *p = c->ops->map(c->impl, domid, prot, count, (const uint64_t *)mfns, e);
    if (!p)
        said(h, "map", -EIO, e);
    return p;
}

static void c_unmap(struct pvb_host *h, void *addr, size_t count)
{
    custom_of(h)->ops->unmap(custom_of(h)->impl, addr, count);
}

static int c_set_vcpu_context(struct pvb_host *h, uint32_t domid, unsigned vcpu,
                              const vcpu_guest_context_x86_64_t *ctx, pvb_error *err)
{
    return (int)CALL(h, set_vcpu_context, err, domid, vcpu, ctx);
}

static int c_get_vcpu_context(struct pvb_host *h, uint32_t domid, unsigned vcpu,
                              vcpu_guest_context_x86_64_t *ctx, pvb_error *err)
{
    return (int)CALL(h, get_vcpu_context, err, domid, vcpu, ctx);
}

static int c_pin_l4(struct pvb_host *h, uint32_t domid, xen_pfn_t mfn, pvb_error *err)
{
    return (int)CALL(h, pin_l4, err, domid, mfn);
}

static int c_unpin(struct pvb_host *h, uint32_t domid, xen_pfn_t mfn, pvb_error *err)
{
    return (int)CALL(h, unpin, err, domid, mfn);
}

static int c_hypercall_page(struct pvb_host *h, uint32_t domid, xen_pfn_t mfn,
                            pvb_error *err)
{
    return (int)CALL(h, hypercall_page, err, domid, mfn);
}

static int c_grant_seed(struct pvb_host *h, uint32_t domid, uint32_t backend_domid,
                        xen_pfn_t console_mfn, xen_pfn_t xenstore_mfn, pvb_error *err)
{
    return (int)CALL(h, grant_seed, err, domid, backend_domid, console_mfn, xenstore_mfn);
}

static int c_evtchn_alloc_unbound(struct pvb_host *h, uint32_t domid,
                                  uint32_t remote_domid, uint32_t *port, pvb_error *err)
{
    return (int)CALL(h, evtchn_alloc_unbound, err, domid, remote_domid, port);
}

static int c_unpause(struct pvb_host *h, uint32_t domid, pvb_error *err)
{
    return (int)CALL(h, unpause, err, domid);
}

static int c_features(struct pvb_host *h, uint32_t *submap, pvb_error *err)
{
    return (int)CALL(h, features, err, submap);
}

static int c_introduce(struct pvb_host *h, uint32_t domid,
                       const struct host_introduce *in, pvb_error *err)
{
    if (!custom_of(h)->ops->introduce)
        return fail(err, -ENOENT, "host %s: domain %u: no xenstored to introduce it "
                    "to (the host has no introduce op)", h->ops->name, domid);
    struct pvb_host_introduce pi = {
        .name = in->name, .backend_domid = in->backend_domid,
        .store_mfn = in->store_mfn, .console_mfn = in->console_mfn,
        .store_evtchn = in->store_evtchn, .console_evtchn = in->console_evtchn,
        .memory_kib = in->memory_kib, .maxmem_kib = in->maxmem_kib, .vcpus = in->vcpus,
    };
    return (int)CALL(h, introduce, err, domid, &pi);
}

static const struct host_ops custom_ops = {
    .close = c_close,
    .domain_create = c_domain_create,
    .domain_destroy = c_domain_destroy,
    .domain_info = c_domain_info,
    .set_address_size = c_set_address_size,
    .populate = c_populate,
    .release = c_release,
    .map = c_map,
    .unmap = c_unmap,
    .set_vcpu_context = c_set_vcpu_context,
    .get_vcpu_context = c_get_vcpu_context,
    .pin_l4 = c_pin_l4,
    .unpin = c_unpin,
    .hypercall_page = c_hypercall_page,
    .grant_seed = c_grant_seed,
    .evtchn_alloc_unbound = c_evtchn_alloc_unbound,
    .unpause = c_unpause,
    .features = c_features,
    .introduce = c_introduce,
};

/* The first required member the table lacks, or NULL. */
static const char *missing_op(const struct pvb_host_ops *o)
{
#define REQUIRE(m) if (!o->m) return #m
    REQUIRE(name);
    REQUIRE(domain_create);
    REQUIRE(domain_destroy);
    REQUIRE(domain_info);
    REQUIRE(set_address_size);
    REQUIRE(populate);
    REQUIRE(release);
    REQUIRE(map);
    REQUIRE(unmap);
    REQUIRE(set_vcpu_context);
    REQUIRE(get_vcpu_context);
    REQUIRE(pin_l4);
    REQUIRE(unpin);
    REQUIRE(hypercall_page);
    REQUIRE(grant_seed);
    REQUIRE(evtchn_alloc_unbound);
    REQUIRE(unpause);
    REQUIRE(features);
#undef REQUIRE
    return NULL;
}

int pvb_host_new(const struct pvb_host_ops *ops, void *impl,
                 const struct pvb_host_opts *opts, pvb_host **out, pvb_error *err)
{
    const pvb_logger *log;
    if (!out)
        return fail(err, -EINVAL, "host new: no output handle");
    *out = NULL;
    if (!ops)
        return fail(err, -EINVAL, "host new: no ops table");
    int rc = host_opts_version("pvb_host_ops", ops->version, PVB_HOST_OPS_VERSION, err);
    if (rc < 0 || (rc = host_opts_log(opts, &log, err)) < 0)
        return rc;
    const char *missing = missing_op(ops);
    if (missing)
        return fail(err, -EINVAL, "host %s: pvb_host_ops.%s is NULL (required)",
                    ops->name ? ops->name : "(unnamed)", missing);
    struct custom_host *c = mem_calloc(1, sizeof *c);
    if (!c)
        return fail(err, -ENOMEM, "host %s: out of memory", ops->name);
    c->table = custom_ops;
    c->table.name = ops->name;
    c->base.ops = &c->table;
    c->ops = ops;
    c->impl = impl;
    host_opts_apply(&c->base, opts);
    log_debug(log, "host %s: the caller's ops, version %u", ops->name, ops->version);
    *out = &c->base;
    return 0;
}

bool host_is_custom(const struct pvb_host *h, const struct pvb_host_ops **ops,
                    void **impl)
{
    if (h->ops->close != c_close)
        return false;
    struct custom_host *c = (struct custom_host *)h;
    *ops = c->ops;
    *impl = c->impl;
    return true;
}
