/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The small toolstack around pvb_build: a domain from nothing to paused. */
#include "build/build.h"

#include <errno.h>
#include <string.h>

/* What libxl adds on top of maxmem for a PV domain (LIBXL_MAXMEM_CONSTANT). */
#define MAXMEM_SLACK_PAGES 256

int pvb_domain_create(pvb_host *h, const pvb_image *img, const pvb_ramdisk *rd,
                      const struct pvb_config *cfg, uint32_t backend_domid,
                      const pvb_logger *log, struct pvb_plan *plan,
                      struct pvb_domain *dom, pvb_error *err)
{
    struct pvb_build_params bp = { .backend_domid = backend_domid, .log = log };
    return pvb_domain_create_with(h, img, rd, cfg, &bp, plan, dom, err);
}

int pvb_domain_create_with(pvb_host *h, const pvb_image *img, const pvb_ramdisk *rd,
                           const struct pvb_config *cfg,
                           const struct pvb_build_params *params,
                           struct pvb_plan *plan, struct pvb_domain *dom,
                           pvb_error *err)
{
    uint32_t backend_domid = params->backend_domid;
    const struct host_ops *ops = h->ops;
    uint64_t memory = cfg->memory_mib ? cfg->memory_mib : PVB_DEFAULT_MEMORY_MIB;
    uint64_t maxmem = cfg->maxmem_mib ? cfg->maxmem_mib : memory;
    unsigned vcpus = cfg->vcpus ? cfg->vcpus : 1;
    struct host_domain_config dc = {
        .name = cfg->name,
        .max_vcpus = cfg->max_vcpus ? cfg->max_vcpus : vcpus,
        .max_pages = maxmem * 256 + MAXMEM_SLACK_PAGES,
    };
    pvb_error ignored;
    int rc;

    memset(dom, 0, sizeof *dom);
    if (maxmem < memory)
        return fail(err, -EINVAL, "config: maxmem %llu MiB is below memory %llu MiB",
                    (unsigned long long)maxmem, (unsigned long long)memory);
    if ((rc = ops->domain_create(h, &dc, &dom->domid, err)) < 0)
        return rc;

    struct pvb_build_params bp = *params;
    bp.console_evtchn = bp.store_evtchn = 0;
    if ((rc = ops->evtchn_alloc_unbound(h, dom->domid, backend_domid,
                                        &bp.console_evtchn, err)) < 0 ||
        (rc = ops->evtchn_alloc_unbound(h, dom->domid, backend_domid,
                                        &bp.store_evtchn, err)) < 0 ||
        (rc = pvb_build(h, dom->domid, img, rd, cfg, &bp, plan, &dom->build, err)) < 0) {
        /* Left named in dom->domid if it will not go, for the caller to retry. */
        if (ops->domain_destroy(h, dom->domid, &ignored) < 0)
            fail_append(err, "; domain %u could not be destroyed: %s", dom->domid,
                        ignored.msg);
        else
            dom->domid = 0;
        return rc;
    }
    dom->console_evtchn = bp.console_evtchn;
    dom->store_evtchn = bp.store_evtchn;
    return 0;
}

int pvb_domain_destroy(pvb_host *h, uint32_t domid, pvb_error *err)
{
    return h->ops->domain_destroy(h, domid, err);
}

int pvb_domain_unpause(pvb_host *h, uint32_t domid, pvb_error *err)
{
    return h->ops->unpause(h, domid, err);
}

int pvb_domain_introduce(pvb_host *h, const struct pvb_domain *dom,
                         const struct pvb_config *cfg, uint32_t backend_domid,
                         pvb_error *err)
{
    uint64_t memory = cfg->memory_mib ? cfg->memory_mib : PVB_DEFAULT_MEMORY_MIB;
    struct host_introduce in = {
        .name = cfg->name,
        .backend_domid = backend_domid,
        .store_mfn = dom->build.store_mfn,
        .console_mfn = dom->build.console_mfn,
        .store_evtchn = dom->store_evtchn,
        .console_evtchn = dom->console_evtchn,
        .memory_kib = memory * 1024,
        .maxmem_kib = (cfg->maxmem_mib ? cfg->maxmem_mib : memory) * 1024,
        .vcpus = cfg->vcpus ? cfg->vcpus : 1,
    };
    return h->ops->introduce(h, dom->domid, &in, err);
}

int pvb_domain_state(pvb_host *h, uint32_t domid, struct pvb_domain_state *st,
                     pvb_error *err)
{
    struct host_domain_info info;
    int rc = h->ops->domain_info(h, domid, &info, err);
    if (rc < 0)
        return rc;
    memset(st, 0, sizeof *st);
    st->nr_pages = info.nr_pages;
    st->max_pages = info.max_pages;
    st->paused = info.paused;
    st->shutdown = info.shutdown;
    st->dying = info.dying;
    st->shutdown_reason = info.shutdown_reason;
    return 0;
}
