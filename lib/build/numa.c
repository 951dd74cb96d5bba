/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NUMA placement of the guest's memory, as libxl places a domain without
 * vnuma=: the node with the most free memory among those that hold it
 * all, else the fewest nodes that do (most free first).  Memory placed on
 * a node is populated from it alone (XENMEMF_exact_node), so a guest's
 * memory is local to the node its vCPUs will run on, not scattered.
 * Ranges are whole 2 MiB extents, filled in node order.
 */
#include "build/build.h"

#include <errno.h>
#include <inttypes.h>

#define EXTENT_PAGES UINT64_C(512)

static void add_range(struct pvb_plan *plan, uint64_t pfn, uint64_t pages, unsigned node)
{
    struct pvb_plan_numa *r = &plan->numa[plan->nr_numa++];
    r->pfn = pfn;
    r->pages = pages;
    r->node = node;
}

int pvb_plan_place_numa(struct pvb_plan *plan, pvb_host *h, pvb_error *err)
{
    if (!plan || !h)
        return fail(err, -EINVAL, "pvb_plan_place_numa: the %s is NULL",
                    !plan ? "plan" : "host");
    const struct host_ops *ops = h->ops;
    struct host_numa nu;
    uint64_t pages = plan->nr_pages;
    int rc;

    plan->nr_numa = 0;
    if (!ops->numa_info || !ops->populate_node)
        return 0;
    if ((rc = ops->numa_info(h, &nu, err)) < 0)
        return rc;
    if (nu.nr_nodes <= 1)
        return 0;

    int best = -1;
    for (unsigned n = 0; n < nu.nr_nodes; n++)
        if (nu.free_pages[n] >= pages && (best < 0 || nu.free_pages[n] > nu.free_pages[best]))
            best = (int)n;
    if (best >= 0) {
        add_range(plan, 0, pages, (unsigned)best);
        return 0;
    }

    /* The fewest nodes: take the freest until they hold the guest. */
    bool chosen[HOST_MAX_NODES] = { false };
    uint64_t sum = 0;
    while (sum < pages) {
        int pick = -1;
        for (unsigned n = 0; n < nu.nr_nodes; n++)
            if (!chosen[n] && (pick < 0 || nu.free_pages[n] > nu.free_pages[pick]))
                pick = (int)n;
        if (pick < 0 || nu.free_pages[pick] < EXTENT_PAGES)
            break;
        chosen[pick] = true;
        sum += nu.free_pages[pick] / EXTENT_PAGES * EXTENT_PAGES;
    }
    /* Short of the guest even spread: no placement; the claim decides. */
    if (sum < pages)
        return 0;
    uint64_t pfn = 0;
    for (unsigned n = 0; n < nu.nr_nodes && pfn < pages; n++) {
        if (!chosen[n])
            continue;
        uint64_t share = nu.free_pages[n] / EXTENT_PAGES * EXTENT_PAGES;
        if (share > pages - pfn)
            share = pages - pfn;
        add_range(plan, pfn, share, n);
        pfn += share;
    }
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
