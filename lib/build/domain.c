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
        return fail(err, -EINVAL, "maxmem %llu MiB is below memory %llu MiB",
                    (unsigned long long)maxmem, (unsigned long long)memory);
    if ((rc = ops->domain_create(h, &dc, &dom->domid, err)) < 0)
        return rc;

    struct pvb_build_params bp = { .backend_domid = backend_domid, .log = log };
    if ((rc = ops->evtchn_alloc_unbound(h, dom->domid, backend_domid,
                                        &bp.console_evtchn, err)) < 0 ||
        (rc = ops->evtchn_alloc_unbound(h, dom->domid, backend_domid,
                                        &bp.store_evtchn, err)) < 0 ||
        (rc = pvb_build(h, dom->domid, img, rd, cfg, &bp, plan, &dom->build, err)) < 0) {
        ops->domain_destroy(h, dom->domid, &ignored);
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
