/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NUMA placement of the guest's memory and its vCPUs' affinity, as libxl
 * does it.  Without vnuma=: the node with the most free memory among those
 * that hold it all, else the fewest nodes that do (most free first); when
 * cpus= pins the vCPUs, only the nodes of those cpus are candidates, so
 * memory stays local to where the vCPUs may run.  The vCPUs then get the
 * chosen nodes' cpus as soft affinity (unless cpus_soft= says otherwise).
 * With vnuma=: each vnode's pfns on its pnode.  Memory placed on a node is
 * populated from it alone (XENMEMF_exact_node).  Ranges are whole 2 MiB
 * extents, filled in node order.
 */
#include "build/build.h"
#include "config/cpuspec.h"
#include "layout/layout.h"
#include "util/alloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define EXTENT_PAGES UINT64_C(512)

static void add_range(struct pvb_plan *plan, uint64_t pfn, uint64_t pages, unsigned node)
{
    struct pvb_plan_numa *r = &plan->numa[plan->nr_numa++];
    r->pfn = pfn;
    r->pages = pages;
    r->node = node;
}

struct resolve {
    struct pvb_plan *plan;
    const struct cpu_set_space *space;
    bool soft;
    const char *what;
};

static int resolve_item(void *ctx, unsigned i, const char *item, size_t len,
                        pvb_error *err)
{
    struct resolve *r = ctx;
    struct pvb_plan_affinity *a = &r->plan->affinity[i];
    int rc = cpuspec_parse(r->what, item, len, r->space, r->soft ? a->soft : a->hard, err);
    if (rc == 0)
        *(r->soft ? &a->has_soft : &a->has_hard) = true;
    return rc;
}

/* cpus= and cpus_soft= against the host's cpus, into plan->affinity. */
static int resolve_affinity(struct pvb_plan *plan, const struct cpu_set_space *space,
                            pvb_error *err)
{
    unsigned n_hard = 0, n_soft = 0;
    struct resolve rh = { plan, space, false, "cpus" }, rs = { plan, space, true,
                                                               "cpus_soft" };
    int rc;
    bool list_hard = strchr(plan->cpus, ';'), list_soft = strchr(plan->cpus_soft, ';');

    if (plan->cpus[0] && (rc = cpuspec_items("cpus", plan->cpus, resolve_item, &rh,
                                             &n_hard, err)) < 0)
        return rc;
    if (plan->cpus_soft[0] && (rc = cpuspec_items("cpus_soft", plan->cpus_soft,
                                                  resolve_item, &rs, &n_soft, err)) < 0)
        return rc;
    if (n_hard > plan->max_vcpus || n_soft > plan->max_vcpus)
        return fail(err, -EINVAL, "%s: %u per-vCPU items for %u vCPUs",
                    n_hard > plan->max_vcpus ? "cpus" : "cpus_soft",
                    n_hard > plan->max_vcpus ? n_hard : n_soft, plan->max_vcpus);
    plan->nr_affinity = n_hard > n_soft ? n_hard : n_soft;
    /* One text for all beside a per-vCPU list: every vCPU gets its entry. */
    if (list_hard != list_soft && n_hard && n_soft) {
        if (plan->max_vcpus > PVB_PLAN_MAX_AFFINITY)
            return fail(err, -EINVAL, "cpus/cpus_soft: a per-vCPU list with %u vCPUs, "
                        "more than the %u it takes", plan->max_vcpus,
                        PVB_PLAN_MAX_AFFINITY);
        const struct pvb_plan_affinity one = plan->affinity[0];
        for (unsigned v = 1; v < plan->max_vcpus; v++) {
            struct pvb_plan_affinity *a = &plan->affinity[v];
            if (!list_hard) {
                a->has_hard = true;
                memcpy(a->hard, one.hard, sizeof a->hard);
            } else {
                a->has_soft = true;
                memcpy(a->soft, one.soft, sizeof a->soft);
            }
        }
        plan->nr_affinity = plan->max_vcpus;
    }
    return 0;
}

/* The cpus of the nodes in `nodes` (bit n: node n). */
static void node_cpus(const struct host_cpus *cpus, uint64_t nodes, uint64_t *map)
{
    memset(map, 0, PVB_PLAN_CPUMAP_WORDS * sizeof *map);
    for (unsigned c = 0; c < cpus->nr_cpus; c++)
        if (cpus->node[c] < HOST_MAX_NODES && ((nodes >> cpus->node[c]) & 1))
            cpumap_set(map, c);
}

/* vnuma=: every pnode on the host with room for its vnodes; ranges as given. */
static int place_vnodes(struct pvb_plan *plan, const struct host_numa *nu,
                        const struct host_cpus *cpus, bool ranges, pvb_error *err)
{
    uint64_t want[HOST_MAX_NODES] = { 0 };
    for (unsigned i = 0; i < plan->nr_vnodes; i++) {
        const struct pvb_plan_vnode *v = &plan->vnodes[i];
        if (v->pnode >= nu->nr_nodes || !nu->total_pages[v->pnode])
            return fail(err, -EINVAL, "vnuma: vnode %u: pnode %u is not on this host "
                        "(it has %u node%s)", i, v->pnode, nu->nr_nodes,
                        nu->nr_nodes == 1 ? "" : "s");
        want[v->pnode] += v->pages;
    }
    for (unsigned n = 0; n < nu->nr_nodes; n++)
        if (want[n] > nu->free_pages[n])
            return fail(err, -ENOMEM, "vnuma: node %u: the vnodes on it need 0x%" PRIx64
                        " pages (%" PRIu64 " MiB), it has 0x%" PRIx64 " free", n,
                        want[n], want[n] >> 8, nu->free_pages[n]);
    for (unsigned i = 0; i < plan->nr_vnodes; i++) {
        struct pvb_plan_vnode *v = &plan->vnodes[i];
        if (cpus)
            node_cpus(cpus, UINT64_C(1) << v->pnode, v->pnode_cpus);
        if (ranges)
            add_range(plan, v->pfn, v->pages, v->pnode);
    }
    return 0;
}

/* Without vnuma=: the freest candidate node that holds the guest, else the
 * fewest candidates that do.  Returns the nodes chosen (0: none). */
static uint64_t place_auto(struct pvb_plan *plan, const struct host_numa *nu,
                           uint64_t candidates)
{
    uint64_t pages = plan->nr_pages;
    int best = -1;
    for (unsigned n = 0; n < nu->nr_nodes; n++)
        if (((candidates >> n) & 1) && nu->free_pages[n] >= pages &&
            (best < 0 || nu->free_pages[n] > nu->free_pages[best]))
            best = (int)n;
    if (best >= 0) {
        add_range(plan, 0, pages, (unsigned)best);
        return UINT64_C(1) << best;
    }

    /* The fewest nodes: take the freest until they hold the guest. */
    uint64_t chosen = 0, sum = 0;
    while (sum < pages) {
        int pick = -1;
        for (unsigned n = 0; n < nu->nr_nodes; n++)
            if (((candidates >> n) & 1) && !((chosen >> n) & 1) &&
                (pick < 0 || nu->free_pages[n] > nu->free_pages[pick]))
                pick = (int)n;
        if (pick < 0 || nu->free_pages[pick] < EXTENT_PAGES)
            break;
        chosen |= UINT64_C(1) << pick;
        sum += nu->free_pages[pick] / EXTENT_PAGES * EXTENT_PAGES;
    }
    /* Short of the guest even spread: no placement; the claim decides. */
    if (sum < pages)
        return 0;
    uint64_t pfn = 0;
    for (unsigned n = 0; n < nu->nr_nodes && pfn < pages; n++) {
        if (!((chosen >> n) & 1))
            continue;
        uint64_t share = nu->free_pages[n] / EXTENT_PAGES * EXTENT_PAGES;
        if (share > pages - pfn)
            share = pages - pfn;
        add_range(plan, pfn, share, n);
        pfn += share;
    }
    return chosen;
}

static int place(struct pvb_plan *plan, pvb_host *h, struct host_cpus *cpus,
                 pvb_error *err)
{
    const struct host_ops *ops = h->ops;
    struct host_numa nu = { .nr_nodes = 1 };
    bool have_cpus = false;
    int rc;

    if (ops->cpu_info) {
        if ((rc = ops->cpu_info(h, cpus, err)) < 0)
            return rc;
        have_cpus = true;
        plan->nr_host_cpus = cpus->nr_cpus;
    }
    if (ops->numa_info && (rc = ops->numa_info(h, &nu, err)) < 0)
        return rc;
    if (!ops->numa_info) {
        nu.total_pages[0] = nu.free_pages[0] = UINT64_MAX;
        for (unsigned c = 0; have_cpus && c < cpus->nr_cpus; c++)
            if (cpus->node[c] != HOST_NO_NODE)
                cpus->node[c] = 0;
    }
    if ((plan->cpus[0] || plan->cpus_soft[0]) && !have_cpus)
        return fail(err, -ENOTSUP, "cpus/cpus_soft: host %s cannot set vCPU affinity",
                    ops->name);
    struct cpu_set_space space = { .nr = have_cpus ? cpus->nr_cpus : 0,
                                   .node = cpus->node, .nr_nodes = nu.nr_nodes };
    if ((rc = resolve_affinity(plan, &space, err)) < 0)
        return rc;

    bool multi = nu.nr_nodes > 1 && ops->populate_node;
    if (plan->nr_vnodes)
        return place_vnodes(plan, &nu, have_cpus ? cpus : NULL, multi, err);
    if (!multi)
        return 0;

    /* libxl: the nodes of the hard-affinity cpus bound the placement. */
    uint64_t candidates = nu.nr_nodes >= 64 ? ~UINT64_C(0)
                                            : (UINT64_C(1) << nu.nr_nodes) - 1;
    /* Only when every vCPU is pinned: one that may run anywhere does not
     * bound where memory goes. */
    bool any_hard = plan->nr_affinity == 1 || plan->nr_affinity >= plan->max_vcpus;
    uint64_t hard_nodes = 0;
    for (unsigned i = 0; i < plan->nr_affinity; i++) {
        any_hard &= plan->affinity[i].has_hard;
        for (unsigned c = 0; c < cpus->nr_cpus; c++)
            if (cpumap_test(plan->affinity[i].hard, c) && cpus->node[c] < HOST_MAX_NODES)
                hard_nodes |= UINT64_C(1) << cpus->node[c];
    }
    any_hard &= plan->nr_affinity > 0;
    if (any_hard)
        candidates &= hard_nodes;
    uint64_t chosen = place_auto(plan, &nu, candidates);
    if (!chosen && any_hard)
        plan_warn(plan, "numa: the nodes of cpus= cannot hold the guest's 0x%" PRIx64
                  " pages; its memory is placed by Xen", plan->nr_pages);
    bool explicit_soft = false;
    for (unsigned i = 0; i < plan->nr_affinity; i++)
        explicit_soft |= plan->affinity[i].has_soft;
    if (chosen && have_cpus && !explicit_soft) {
        node_cpus(cpus, chosen, plan->placement_soft);
        plan->has_placement_soft = true;
    }
    return 0;
}

int pvb_plan_place_numa(struct pvb_plan *plan, pvb_host *h, pvb_error *err)
{
    if (!plan || !h)
        return fail(err, -EINVAL, "pvb_plan_place_numa: the %s is NULL",
                    !plan ? "plan" : "host");
    plan->nr_numa = 0;
    plan->nr_affinity = 0;
    plan->nr_host_cpus = 0;
    plan->has_placement_soft = false;
    memset(plan->affinity, 0, sizeof plan->affinity);
    memset(plan->placement_soft, 0, sizeof plan->placement_soft);
    struct host_cpus *cpus = mem_calloc(1, sizeof *cpus);
    if (!cpus)
        return fail(err, -ENOMEM, "pvb_plan_place_numa: out of memory");
    int rc = place(plan, h, cpus, err);
    free(cpus);
    if (rc < 0) {
        plan->nr_numa = 0;
        plan->nr_affinity = 0;
        plan->has_placement_soft = false;
        return rc;
    }
    plan->numa_placed = true;
    return 0;
}

unsigned numa_node_at(const struct build *b, uint64_t pfn, uint64_t *span)
{
    const struct pvb_plan *plan = b->plan;
    for (unsigned i = 0; i < plan->nr_numa; i++) {
        const struct pvb_plan_numa *r = &plan->numa[i];
        if (pfn >= r->pfn && pfn - r->pfn < r->pages) {
            *span = r->pfn + r->pages - pfn;
            return r->node;
        }
    }
    *span = UINT64_MAX;
    return NUMA_ANY;
}
