/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulated host's cpus: SIM_CPUS_PER_NODE per NUMA node, in node
 * order; vCPU affinity and vNUMA kept per domain as Xen keeps them, so a
 * test reads back what the builder set.
 */
#include "host/sim.h"
#include "host/sim_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <string.h>

#define WORDS PVB_PLAN_CPUMAP_WORDS

int sim_cpu_info(struct pvb_host *h, struct host_cpus *cpus, pvb_error *err)
{
    const struct sim_memory *m = &sim_host_of(h)->mem;
    (void)err;
    cpus->nr_cpus = m->nr_nodes * SIM_CPUS_PER_NODE;
    for (unsigned c = 0; c < cpus->nr_cpus; c++)
        cpus->node[c] = c / SIM_CPUS_PER_NODE;
    return 0;
}

int sim_vcpu_affinity(struct pvb_host *h, uint32_t domid, unsigned vcpu,
                      const uint64_t *hard, const uint64_t *soft, unsigned nr_cpus,
                      pvb_error *err)
{
    struct sim_host *s = sim_host_of(h);
    struct sim_domain *d;
    unsigned online = s->mem.nr_nodes * SIM_CPUS_PER_NODE;
    int rc = sim_domain_get(s, domid, "vcpu_affinity", &d, err);
    if (rc)
        return rc;
    if (vcpu >= d->max_vcpus)
        return fail(err, -EINVAL, "sim: domain %u: affinity of vcpu %u (max_vcpus %u)",
                    domid, vcpu, d->max_vcpus);
    uint64_t h_map[WORDS] = { 0 }, s_map[WORDS] = { 0 };
    bool any = false;
    for (unsigned c = 0; c < online; c++) {
        bool in_h = !hard || (c < nr_cpus && ((hard[c / 64] >> (c % 64)) & 1));
        bool in_s = !soft || (c < nr_cpus && ((soft[c / 64] >> (c % 64)) & 1));
        h_map[c / 64] |= (uint64_t)in_h << (c % 64);
        s_map[c / 64] |= (uint64_t)in_s << (c % 64);
        any |= in_h;
    }
    /* Xen: a hard map with no online cpu is refused. */
    if (!any)
        return fail(err, -EINVAL, "sim: domain %u: vcpu %u: hard affinity has no online "
                    "cpu", domid, vcpu);
    if (!d->affinity) {
        d->affinity = mem_calloc((size_t)d->max_vcpus * 2 * WORDS, sizeof *d->affinity);
        if (!d->affinity)
            return fail(err, -ENOMEM, "sim: domain %u: affinity: out of memory", domid);
    }
    memcpy(d->affinity + (size_t)vcpu * 2 * WORDS, h_map, sizeof h_map);
    memcpy(d->affinity + (size_t)vcpu * 2 * WORDS + WORDS, s_map, sizeof s_map);
    return 0;
}

int sim_set_vnuma(struct pvb_host *h, uint32_t domid, unsigned nr_vcpus,
                  unsigned nr_vnodes, const struct pvb_plan_vnode *vn, pvb_error *err)
{
    struct sim_host *s = sim_host_of(h);
    struct sim_domain *d;
    int rc = sim_domain_get(s, domid, "set_vnuma", &d, err);
    if (rc)
        return rc;
    /* Xen's checks in XEN_DOMCTL_setvnumainfo. */
    if (nr_vcpus != d->max_vcpus || nr_vnodes == 0 || !vn)
        return fail(err, -EINVAL, "sim: domain %u: setvnuma: %u vCPUs (max_vcpus %u), "
                    "%u vnodes", domid, nr_vcpus, d->max_vcpus, nr_vnodes);
    for (unsigned i = 0; i < nr_vnodes; i++)
        if (vn[i].pnode >= s->mem.nr_nodes)
            return fail(err, -EINVAL, "sim: domain %u: setvnuma: vnode %u on node %u "
                        "(the host has %u)", domid, i, vn[i].pnode, s->mem.nr_nodes);
    d->nr_vnodes = nr_vnodes;
    return 0;
}

int sim_vcpu_affinity_of(struct pvb_host *h, uint32_t domid, unsigned vcpu,
                         uint64_t *hard, uint64_t *soft, pvb_error *err)
{
    struct sim_domain *d;
    int rc = sim_domain_get(sim_host_of(h), domid, "affinity read", &d, err);
    if (rc)
        return rc;
    if (vcpu >= d->max_vcpus || !d->affinity)
        return fail(err, -ENOENT, "sim: domain %u: vcpu %u has no affinity set", domid,
                    vcpu);
    memcpy(hard, d->affinity + (size_t)vcpu * 2 * WORDS, WORDS * sizeof *hard);
    memcpy(soft, d->affinity + (size_t)vcpu * 2 * WORDS + WORDS, WORDS * sizeof *soft);
    return 0;
}

unsigned sim_vnuma_nodes(struct pvb_host *h, uint32_t domid)
{
    struct sim_domain *d;
    pvb_error err;
    return sim_domain_get(sim_host_of(h), domid, "vnuma read", &d, &err) ? 0
                                                                          : d->nr_vnodes;
}
