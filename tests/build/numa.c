/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NUMA placement on a simulated two-node machine: a guest one node holds
 * goes to the freest node whole; a larger one is spread over both with
 * the figures the nodes' free memory gives; the simulated host's own
 * accounting (which node each frame is on) agrees with the plan.
 */
#include "common.h"

#include <errno.h>

static pvb_host *sim(uint64_t mib, unsigned nodes, pvb_error *err)
{
    struct pvb_sim_opts so = { .version = PVB_SIM_OPTS_VERSION, .machine_bytes = mib << 20,
                               .seed = 5, .nr_nodes = nodes };
    pvb_host *h = NULL;
    if (pvb_host_sim_open(&so, &h, err) < 0)
        return NULL;
    return h;
}

/* Plan, place on the host's nodes, build: *plan is the caller's to free. */
static int build(pvb_host *h, const pvb_image *img, uint32_t domid, uint64_t mib,
                 struct pvb_plan **plan, pvb_error *err)
{
    struct pvb_config cfg;
    pvb_config_init(&cfg);
    cfg.memory_mib = mib;
    int rc = plan_place_build(h, img, domid, &cfg, plan, err);
    pvb_config_free(&cfg);
    return rc;
}

static bool verified(pvb_host *h, uint32_t domid)
{
    struct pvb_verify_report *rep = NULL;
    pvb_error err;
    bool good = pvb_verify(h, domid, NULL, &rep, &err) == 0 && rep->ok;
    pvb_free(rep);
    return good;
}

int main(void)
{
    struct test_kernel tk = { 0 };
    pvb_image *img = make_test_kernel(&tk);
    pvb_error err = { 0 };
    pvb_host *h = sim(512, 2, &err);
    if (!img || !h) {
        printf("1..0 # SKIP cannot make the test kernel or the sim: %s\n", err.msg);
        return 1;
    }

    struct host_numa nu;
    ok(h->ops->numa_info(h, &nu, &err) == 0 && nu.nr_nodes == 2 &&
       nu.total_pages[0] == 0x10000 && nu.total_pages[1] == 0x10000,
       "a 512 MiB sim with nr_nodes 2: two nodes of 0x10000 pages");
    ok(nu.free_pages[0] == 0xfe00 && nu.free_pages[1] == 0x10000,
       "node 0 has 0x%llx free (its first 2 MiB are never handed out), node 1 0x%llx",
       (unsigned long long)nu.free_pages[0], (unsigned long long)nu.free_pages[1]);

    /* One node holds it: all on the freest. */
    struct pvb_plan *pp = NULL;
    uint32_t d = new_domain(h, "numa", 0x8000 + 256, 1);
    int rc = build(h, img, d, 128, &pp, &err);
#define plan (*pp)
    ok(rc == 0, "a 128 MiB guest builds (%s)", rc ? err.msg : "ok");
    ok(plan.nr_numa == 1 && plan.numa[0].pfn == 0 && plan.numa[0].pages == 0x8000 &&
       plan.numa[0].node == 1, "the plan puts all its 0x8000 pages on node 1, the freest");
    uint64_t on0 = sim_node_frames(h, d, 0), on1 = sim_node_frames(h, d, 1);
    ok(on1 >= 0x8000 && on0 + on1 == 0x8001 && on0 <= 1,
       "node 1 holds them: 0x%llx frames there, 0x%llx on node 0 (shared_info is Xen's)",
       (unsigned long long)on1, (unsigned long long)on0);
    ok(verified(h, d), "the guest verifies");
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    pvb_plan_print_text(pp, f, NULL);
    fclose(f);
    ok(text && strstr(text, "numa: pfns 0x0-0x7fff (0x8000 pages, 128 MiB) on node 1\n"),
       "the text plan names the range and its node");
    free(text);
    text = NULL;
    f = open_memstream(&text, &len);
    pvb_plan_print_json(pp, f, NULL);
    fclose(f);
    ok(text && strstr(text, "\"numa\"") && strstr(text, "\"node\": 1"),
       "the JSON plan too");
    free(text);
    h->ops->domain_destroy(h, d, &err);

    /* Neither holds it: spread, node 0 first with what it has free. */
    d = new_domain(h, "numa", 0x18000 + 256, 1);
    h->ops->numa_info(h, &nu, &err);
    uint64_t want0 = nu.free_pages[0] / 512 * 512, want1 = 0x18000 - want0;
    rc = build(h, img, d, 384, &pp, &err);
    ok(rc == 0, "a 384 MiB guest builds (%s)", rc ? err.msg : "ok");
    ok(plan.nr_numa == 2 && plan.numa[0].node == 0 && plan.numa[0].pfn == 0 &&
       plan.numa[0].pages == want0 && plan.numa[1].node == 1 &&
       plan.numa[1].pfn == want0 && plan.numa[1].pages == want1,
       "the plan spreads it: pfns 0x0+0x%llx on node 0 (its free 2 MiB runs), "
       "0x%llx+0x%llx on node 1", (unsigned long long)want0,
       (unsigned long long)want0, (unsigned long long)want1);
    on0 = sim_node_frames(h, d, 0);
    on1 = sim_node_frames(h, d, 1);
    ok((on0 == want0 || on0 == want0 + 1) && (on1 == want1 || on1 == want1 + 1) &&
       on0 + on1 == 0x18001, "the machine agrees: 0x%llx frames on node 0, 0x%llx "
       "on node 1", (unsigned long long)on0, (unsigned long long)on1);
    ok(verified(h, d), "the guest verifies");
    h->ops->domain_destroy(h, d, &err);
    ok(sim_frames_in_use(h) == 0 && sim_live_domains(h) == 0, "nothing left");
    pvb_host_close(h);

    h = sim(512, 1, &err);
    d = new_domain(h, "numa", 0x8000 + 256, 1);
    rc = build(h, img, d, 128, &pp, &err);
    ok(rc == 0 && plan.nr_numa == 0, "one node: no placement in the plan");
    pvb_host_close(h);

    h = sim(512, 3, &err);
    ok(h == NULL && err.code == -EINVAL && strstr(err.msg, "nr_nodes 3"),
       "a machine that does not split into 3 equal nodes is refused: %s", err.msg);

#undef plan
    pvb_free(pp);
    pvb_image_close(img);
    return done_testing();
}
