/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a toolstack does before pvb_build, as public calls on every host:
 * an empty PV domain with its limits, and its event channels.  On Xen
 * these are the domctls the host's domain_create op makes; on the
 * simulated host the same limits are enforced in-process.
 */
#include "host/host.h"
#include "util/domain_name.h"
#include "util/error.h"

#include <errno.h>
#include <inttypes.h>

/* XEN_DOMCTL_max_mem takes KiB in a uint64_t; pages are 4 KiB. */
#define MAX_MIB_LIMIT (UINT64_MAX >> 20)

int pvb_domain_create_empty(pvb_host *h, const struct pvb_empty_domain_opts *opts,
                            uint32_t *domid, pvb_error *err)
{
    struct pvb_empty_domain_opts none = PVB_EMPTY_DOMAIN_OPTS_INIT;
    if (!h || !domid)
        return fail(err, -EINVAL, "domain create: no %s", h ? "domid output" : "host");
    if (!opts)
        opts = &none;
    int rc = host_opts_version("pvb_empty_domain_opts", opts->version,
                               PVB_EMPTY_DOMAIN_OPTS_VERSION, err);
    if (rc < 0)
        return rc;
    if ((rc = domain_name_check("domain create", opts->name, err)) < 0)
        return rc;
    uint64_t max_mib = opts->max_mib ? opts->max_mib : PVB_DEFAULT_MEMORY_MIB;
    if (max_mib > MAX_MIB_LIMIT)
        return fail(err, -EINVAL, "domain create: max_mib %" PRIu64 " exceeds %" PRIu64
                    " (the KiB count Xen takes is 64 bits)", max_mib, MAX_MIB_LIMIT);
    struct host_domain_config dc = {
        .name = opts->name,
        .max_vcpus = opts->max_vcpus ? opts->max_vcpus : 1,
        .max_pages = max_mib << 8,
    };
    return h->ops->domain_create(h, &dc, domid, err);
}

int pvb_evtchn_alloc_unbound(pvb_host *h, uint32_t domid, uint32_t remote_domid,
                             uint32_t *port, pvb_error *err)
{
    if (!h || !port)
        return fail(err, -EINVAL, "domain %u: event channel: no %s", domid,
                    h ? "port output" : "host");
    return h->ops->evtchn_alloc_unbound(h, domid, remote_domid, port, err);
}
