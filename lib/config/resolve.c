/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Config defaults and the config's own rules, in one place. */
#include "config/resolve.h"
#include "config/cpuspec.h"
#include "config/vnuma.h"
#include "util/alloc.h"
#include "util/domain_name.h"
#include "util/error.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

static int check_item(void *ctx, unsigned i, const char *item, size_t len, pvb_error *err)
{
    uint64_t map[PVB_PLAN_CPUMAP_WORDS];
    (void)i;
    return cpuspec_parse(ctx, item, len, NULL, map, err);
}

/* The syntax of cpus=/cpus_soft= and all of vnuma= but its pnodes (those
 * are the host's, checked when placing). */
static int check_numa_keys(const struct pvb_config *cfg, const struct config_values *v,
                           pvb_error *err)
{
    unsigned n;
    int rc;
    if (cfg->cpus && (rc = cpuspec_items("cpus", cfg->cpus, check_item, "cpus", &n,
                                         err)) < 0)
        return rc;
    if (cfg->cpus_soft && (rc = cpuspec_items("cpus_soft", cfg->cpus_soft, check_item,
                                              "cpus_soft", &n, err)) < 0)
        return rc;
    if (!cfg->vnuma)
        return 0;
    struct pvb_plan_vnode *vn = mem_calloc(PVB_PLAN_MAX_VNODES, sizeof *vn);
    if (!vn)
        return fail(err, -ENOMEM, "vnuma: out of memory");
    rc = vnuma_parse(cfg->vnuma, v->memory_mib, v->max_vcpus, vn, &n, err);
    free(vn);
    return rc;
}

int config_resolve(const struct pvb_config *cfg, struct config_values *v,
                   pvb_error *err)
{
    if (!cfg)
        return fail(err, -EINVAL, "config: none given (NULL)");
    int rc = domain_name_check("config", cfg->name, err);
    if (rc < 0)
        return rc;
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
    return check_numa_keys(cfg, v, err);
}

int pvb_config_check(const struct pvb_config *cfg, pvb_error *err)
{
    struct config_values v;
    return config_resolve(cfg, &v, err);
}
