/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The library's own hosts (sim, xen) seen through the public ops table
 * (pvbuild/sys/host.h), so that a caller's host can wrap one: impl is the
 * pvb_host itself.
 */
#include "host/host.h"
#include "pvbuild/sys/host.h"
#include "util/error.h"

#include <errno.h>
#include <string.h>

#define H(impl) ((struct pvb_host *)(impl))

static void x_close(void *impl)
{
    pvb_host_close(H(impl));
}

static int x_domain_create(void *impl, const struct pvb_host_domain_config *cfg,
                           uint32_t *domid, pvb_error *err)
{
    if (!cfg)
        return fail(err, -EINVAL, "host %s: domain create without a config",
                    H(impl)->ops->name);
    struct host_domain_config dc = {
        .name = cfg->name, .max_vcpus = cfg->max_vcpus, .max_pages = cfg->max_pages,
    };
    return H(impl)->ops->domain_create(H(impl), &dc, domid, err);
}

static int x_domain_destroy(void *impl, uint32_t domid, pvb_error *err)
{
    return host_domain_destroy(H(impl), domid, err);
}

static int x_domain_info(void *impl, uint32_t domid, struct pvb_host_domain_info *info,
                         pvb_error *err)
{
    struct host_domain_info di;
    if (!info)
        return fail(err, -EINVAL, "host %s: domain info without a buffer",
                    H(impl)->ops->name);
    int rc = H(impl)->ops->domain_info(H(impl), domid, &di, err);
    if (rc < 0)
        return rc;
    memset(info, 0, sizeof *info);
    info->nr_pages = di.nr_pages;
    info->max_pages = di.max_pages;
    info->shared_info_mfn = di.shared_info_mfn;
    info->max_vcpus = di.max_vcpus;
    info->address_size = di.address_size;
    info->paused = di.paused;
    info->shutdown = di.shutdown;
    info->shutdown_reason = di.shutdown_reason;
    info->dying = di.dying;
    return 0;
}

static int x_set_address_size(void *impl, uint32_t domid, unsigned bits, pvb_error *err)
{
    return H(impl)->ops->set_address_size(H(impl), domid, bits, err);
}

static long x_populate(void *impl, uint32_t domid, unsigned order, size_t count,
                       uint64_t *extents, pvb_error *err)
{
    return H(impl)->ops->populate(H(impl), domid, order, count, (xen_pfn_t *)extents, err);
}

static int x_release(void *impl, uint32_t domid, size_t count, const uint64_t *mfns,
                     pvb_error *err)
{
    return H(impl)->ops->release(H(impl), domid, count, (const xen_pfn_t *)mfns, err);
}

static void *x_map(void *impl, uint32_t domid, int prot, size_t count,
                   const uint64_t *mfns, pvb_error *err)
{
    return H(impl)->ops->map(H(impl), domid, prot, count, (const xen_pfn_t *)mfns, err);
}

static void x_unmap(void *impl, void *addr, size_t count)
{
    H(impl)->ops->unmap(H(impl), addr, count);
}

static int x_set_vcpu_context(void *impl, uint32_t domid, unsigned vcpu,
                              const vcpu_guest_context_x86_64_t *ctx, pvb_error *err)
{
    return H(impl)->ops->set_vcpu_context(H(impl), domid, vcpu, ctx, err);
}

static int x_get_vcpu_context(void *impl, uint32_t domid, unsigned vcpu,
                              vcpu_guest_context_x86_64_t *ctx, pvb_error *err)
{
    return H(impl)->ops->get_vcpu_context(H(impl), domid, vcpu, ctx, err);
}

static int x_pin_l4(void *impl, uint32_t domid, uint64_t mfn, pvb_error *err)
{
    return H(impl)->ops->pin_l4(H(impl), domid, mfn, err);
}

static int x_unpin(void *impl, uint32_t domid, uint64_t mfn, pvb_error *err)
{
    return H(impl)->ops->unpin(H(impl), domid, mfn, err);
}

static int x_hypercall_page(void *impl, uint32_t domid, uint64_t mfn, pvb_error *err)
{
    return H(impl)->ops->hypercall_page(H(impl), domid, mfn, err);
}

static int x_grant_seed(void *impl, uint32_t domid, uint32_t backend_domid,
                        uint64_t console_mfn, uint64_t xenstore_mfn, pvb_error *err)
{
    return H(impl)->ops->grant_seed(H(impl), domid, backend_domid, console_mfn,
                                    xenstore_mfn, err);
}

static int x_evtchn_alloc_unbound(void *impl, uint32_t domid, uint32_t remote_domid,
                                  uint32_t *port, pvb_error *err)
{
    return H(impl)->ops->evtchn_alloc_unbound(H(impl), domid, remote_domid, port, err);
}

static int x_unpause(void *impl, uint32_t domid, pvb_error *err)
{
    return host_unpause(H(impl), domid, err);
}

static int x_features(void *impl, uint32_t *submap, pvb_error *err)
{
    return H(impl)->ops->features(H(impl), submap, err);
}

static int x_introduce(void *impl, uint32_t domid, const struct pvb_host_introduce *in,
                       pvb_error *err)
{
    if (!in)
        return fail(err, -EINVAL, "host %s: domain %u: introduce without its facts",
                    H(impl)->ops->name, domid);
    struct host_introduce hi = {
        .name = in->name, .backend_domid = in->backend_domid,
        .store_mfn = in->store_mfn, .console_mfn = in->console_mfn,
        .store_evtchn = in->store_evtchn, .console_evtchn = in->console_evtchn,
        .memory_kib = in->memory_kib, .maxmem_kib = in->maxmem_kib, .vcpus = in->vcpus,
    };
    return H(impl)->ops->introduce(H(impl), domid, &hi, err);
}

/* One table per library host kind: the name is the host's. */
#define EXPOSED(kind)                                                         \
    {                                                                         \
        .version = PVB_HOST_OPS_VERSION, .name = kind, .close = x_close,      \
        .domain_create = x_domain_create, .domain_destroy = x_domain_destroy, \
        .domain_info = x_domain_info, .set_address_size = x_set_address_size, \
        .populate = x_populate, .release = x_release, .map = x_map,           \
        .unmap = x_unmap, .set_vcpu_context = x_set_vcpu_context,             \
        .get_vcpu_context = x_get_vcpu_context, .pin_l4 = x_pin_l4,           \
        .unpin = x_unpin, .hypercall_page = x_hypercall_page,                 \
        .grant_seed = x_grant_seed,                                           \
        .evtchn_alloc_unbound = x_evtchn_alloc_unbound, .unpause = x_unpause, \
        .features = x_features, .introduce = x_introduce,                     \
    }

static const struct pvb_host_ops exposed_sim = EXPOSED("sim");
static const struct pvb_host_ops exposed_xen = EXPOSED("xen");
static const struct pvb_host_ops exposed_other = EXPOSED("pvbuild");

int pvb_host_ops_of(pvb_host *h, const struct pvb_host_ops **ops, void **impl,
                    pvb_error *err)
{
    if (!h || !ops || !impl)
        return fail(err, -EINVAL, "host ops: no %s", !h ? "host" : "output");
    if (host_is_custom(h, ops, impl))
        return 0;
    if (strcmp(h->ops->name, "sim") == 0)
        *ops = &exposed_sim;
    else if (strcmp(h->ops->name, "xen") == 0)
        *ops = &exposed_xen;
    else
        *ops = &exposed_other;
    *impl = h;
    return 0;
}
