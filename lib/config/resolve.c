/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Config defaults and the config's own rules, in one place. */
#include "config/resolve.h"
#include "util/error.h"

#include <errno.h>
#include <inttypes.h>

int config_resolve(const struct pvb_config *cfg, struct config_values *v,
                   pvb_error *err)
{
    if (!cfg)
        return fail(err, -EINVAL, "config: none given (NULL)");
    v->memory_mib = cfg->memory_mib ? cfg->memory_mib : PVB_DEFAULT_MEMORY_MIB;
    v->maxmem_mib = cfg->maxmem_mib ? cfg->maxmem_mib : v->memory_mib;
    v->vcpus = cfg->vcpus ? cfg->vcpus : 1;
    v->max_vcpus = cfg->max_vcpus ? cfg->max_vcpus : v->vcpus;

    if (v->memory_mib > PVB_PLAN_MAX_MEMORY_MIB)
        return fail(err, -EINVAL, "config: memory %" PRIu64 " MiB exceeds the "
                    "limit of %" PRIu64 " MiB (a P->M list in one 512 GiB slot)",
                    v->memory_mib, (uint64_t)PVB_PLAN_MAX_MEMORY_MIB);
    if (v->maxmem_mib < v->memory_mib)
        return fail(err, -EINVAL, "config: maxmem %" PRIu64 " MiB is below "
                    "memory %" PRIu64 " MiB", v->maxmem_mib, v->memory_mib);
    if (v->maxmem_mib > CONFIG_MAX_MAXMEM_MIB)
        return fail(err, -EINVAL, "config: maxmem %" PRIu64 " MiB exceeds the "
                    "limit of %" PRIu64 " MiB", v->maxmem_mib,
                    (uint64_t)CONFIG_MAX_MAXMEM_MIB);
    if (v->vcpus > v->max_vcpus)
        return fail(err, -EINVAL, "config: vcpus %u is above max_vcpus %u",
                    v->vcpus, v->max_vcpus);
    if (cfg->p2m != PVB_P2M_DEFAULT && cfg->p2m != PVB_P2M_ADDRESS &&
        cfg->p2m != PVB_P2M_INSIDE)
        return fail(err, -EINVAL, "config: P->M placement %d is not default, "
                    "an address or inside", (int)cfg->p2m);
    return 0;
}

int pvb_config_check(const struct pvb_config *cfg, pvb_error *err)
{
    struct config_values v;
    return config_resolve(cfg, &v, err);
}
