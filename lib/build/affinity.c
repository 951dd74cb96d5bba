/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The plan's vCPU affinity and vNUMA given to the domain before its memory
 * is populated, as libxl sets them in its build's first step: a vCPU's
 * hard map from cpus=, its soft map from cpus_soft=, else its vnode's
 * pnode, else the nodes placement chose.
 */
#include "build/build.h"

#include <errno.h>

static const struct pvb_plan_affinity *entry(const struct pvb_plan *plan, unsigned v)
{
    if (plan->nr_affinity == 1)
        return &plan->affinity[0];
    return v < plan->nr_affinity ? &plan->affinity[v] : NULL;
}

static const struct pvb_plan_vnode *vnode_of(const struct pvb_plan *plan, unsigned v)
{
    for (unsigned i = 0; v < PVB_PLAN_MAX_CPUS && i < plan->nr_vnodes; i++)
        if ((plan->vnodes[i].vcpus[v / 64] >> (v % 64)) & 1)
            return &plan->vnodes[i];
    return NULL;
}

int apply_affinity(struct build *b, unsigned max_vcpus, pvb_error *err)
{
    const struct pvb_plan *plan = b->plan;
    const struct host_ops *ops = b->host->ops;
    int rc;

    if ((plan->cpus[0] || plan->cpus_soft[0] || plan->nr_vnodes) && !plan->numa_placed)
        return fail(err, -EINVAL, "pvb_build: domain %u: the plan has %s but was not "
                    "placed (pvb_plan_place_numa)", b->domid,
                    plan->nr_vnodes ? "vnuma" : "cpus/cpus_soft");
    if (plan->nr_vnodes) {
        if (!ops->set_vnuma)
            return fail(err, -ENOTSUP, "vnuma: host %s cannot give a guest vNUMA",
                        ops->name);
        if ((rc = ops->set_vnuma(b->host, b->domid, max_vcpus, plan->nr_vnodes,
                                 plan->vnodes, err)) < 0)
            return rc;
    }
    if (!ops->vcpu_affinity || !plan->nr_host_cpus) {
        /* Soft affinity is a hint; hard affinity was refused when placing. */
        return 0;
    }
    for (unsigned v = 0; v < max_vcpus; v++) {
        const struct pvb_plan_affinity *a = entry(plan, v);
        const struct pvb_plan_vnode *vn = vnode_of(plan, v);
        const uint64_t *hard = a && a->has_hard ? a->hard : NULL;
        const uint64_t *soft = a && a->has_soft ? a->soft
                               : vn ? vn->pnode_cpus
                               : plan->has_placement_soft ? plan->placement_soft : NULL;
        if (!hard && !soft)
            continue;
        if ((rc = ops->vcpu_affinity(b->host, b->domid, v, hard, soft, plan->nr_host_cpus,
                                     err)) < 0)
            return rc;
    }
    return 0;
}
