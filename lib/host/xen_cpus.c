/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The xen host's cpus: topology, vCPU affinity and guest vNUMA. */
#include "host/xen_internal.h"
#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int xen_cpu_info(struct pvb_host *h, struct host_cpus *cpus, pvb_error *err)
{
    unsigned max = HOST_MAX_CPUS;
    xc_cputopo_t *topo = mem_calloc(max, sizeof *topo);
    if (!topo)
        return fail(err, -ENOMEM, "xen: cputopoinfo: out of memory");
    if (xc_cputopoinfo(xen_host_of(h)->xch, &max, topo) < 0) {
        int e = errno ? errno : EIO;
        free(topo);
        return fail(err, -e, "xen: cputopoinfo failed: %s", strerror(e));
    }
    cpus->nr_cpus = max < HOST_MAX_CPUS ? max : HOST_MAX_CPUS;
    for (unsigned c = 0; c < cpus->nr_cpus; c++)
        cpus->node[c] = topo[c].node == XEN_INVALID_NODE_ID ? HOST_NO_NODE : topo[c].node;
    free(topo);
    return 0;
}

/* Our 64-bit words into libxenctrl's byte map of `bytes` (cpu c: byte c/8). */
static void to_bytes(const uint64_t *map, unsigned nr_cpus, uint8_t *out, int bytes)
{
    for (unsigned c = 0; c < nr_cpus && c / 8 < (unsigned)bytes; c++)
        if (!map || ((map[c / 64] >> (c % 64)) & 1))
            out[c / 8] |= (uint8_t)(1u << (c % 8));
}

int xen_vcpu_affinity(struct pvb_host *h, uint32_t domid, unsigned vcpu,
                      const uint64_t *hard, const uint64_t *soft, unsigned nr_cpus,
                      pvb_error *err)
{
    xc_interface *xch = xen_host_of(h)->xch;
    int bytes = xc_get_cpumap_size(xch);
    if (bytes <= 0)
        return fail(err, -EIO, "xen: domain %u: cannot size a cpu map", domid);
    xc_cpumap_t hmap = mem_calloc((size_t)bytes, 1), smap = mem_calloc((size_t)bytes, 1);
    int rc = 0;
    if (!hmap || !smap) {
        rc = fail(err, -ENOMEM, "xen: domain %u: cpu maps: out of memory", domid);
        goto out;
    }
    to_bytes(hard, nr_cpus, hmap, bytes);
    to_bytes(soft, nr_cpus, smap, bytes);
    if (xc_vcpu_setaffinity(xch, domid, (int)vcpu, hmap, smap,
                            XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT) < 0) {
        int e = errno ? errno : EIO;
        rc = fail(err, -e, "xen: domain %u: vCPU %u: setaffinity failed: %s", domid,
                  vcpu, strerror(e));
    }
out:
    free(hmap);
    free(smap);
    return rc;
}

int xen_set_vnuma(struct pvb_host *h, uint32_t domid, unsigned nr_vcpus,
                  unsigned nr_vnodes, const struct pvb_plan_vnode *vn, pvb_error *err)
{
    xen_vmemrange_t ranges[PVB_PLAN_MAX_VNODES];
    unsigned dist[PVB_PLAN_MAX_VNODES * PVB_PLAN_MAX_VNODES], to_pnode[PVB_PLAN_MAX_VNODES];
    unsigned *to_vnode = mem_calloc(nr_vcpus ? nr_vcpus : 1, sizeof *to_vnode);
    if (!to_vnode)
        return fail(err, -ENOMEM, "xen: domain %u: vnuma: out of memory", domid);
    memset(ranges, 0, sizeof ranges);
    for (unsigned i = 0; i < nr_vnodes; i++) {
        /* Guest-physical bytes: a PV guest's pfns. */
        ranges[i].start = vn[i].pfn << 12;
        ranges[i].end = (vn[i].pfn + vn[i].pages) << 12;
        ranges[i].nid = i;
        to_pnode[i] = vn[i].pnode;
        for (unsigned j = 0; j < nr_vnodes; j++)
            dist[i * nr_vnodes + j] = vn[i].distances[j];
        for (unsigned c = 0; c < nr_vcpus && c < PVB_PLAN_MAX_CPUS; c++)
            if ((vn[i].vcpus[c / 64] >> (c % 64)) & 1)
                to_vnode[c] = i;
    }
    int rc = 0;
    if (xc_domain_setvnuma(xen_host_of(h)->xch, domid, nr_vnodes, nr_vnodes, nr_vcpus,
                           ranges, dist, to_vnode, to_pnode) < 0) {
        int e = errno ? errno : EIO;
        rc = fail(err, -e, "xen: domain %u: setvnuma (%u vnodes) failed: %s", domid,
                  nr_vnodes, strerror(e));
    }
    free(to_vnode);
    return rc;
}
