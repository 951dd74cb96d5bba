/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpus=, cpus_soft= and vnuma= on a simulated two-node machine (cpus 0-1
 * on node 0, 2-3 on node 1): placement bounded by the hard affinity's
 * nodes, vCPU hard and soft affinity read back from the host as set, soft
 * affinity to the nodes placement chose, each vnode's pages on its pnode,
 * and the one-line refusals.
 */
#include "common.h"

#include <errno.h>

static pvb_host *sim2(pvb_error *err)
{
    struct pvb_sim_opts so = { .version = PVB_SIM_OPTS_VERSION, .machine_bytes = 512 << 20,
                               .seed = 7, .nr_nodes = 2 };
    pvb_host *h = NULL;
    return pvb_host_sim_open(&so, &h, err) < 0 ? NULL : h;
}

struct keys {
    uint64_t mib;
    unsigned vcpus;
    const char *cpus, *cpus_soft, *vnuma;
};

/* Plan, place, build; *plan is the caller's to free. */
static int build(pvb_host *h, const pvb_image *img, uint32_t domid, const struct keys *k,
                 struct pvb_plan **plan, pvb_error *err)
{
    struct pvb_config cfg;
    pvb_config_init(&cfg);
    cfg.memory_mib = k->mib;
    cfg.vcpus = k->vcpus;
    pvb_config_set_string(&cfg.cpus, k->cpus, err);
    pvb_config_set_string(&cfg.cpus_soft, k->cpus_soft, err);
    pvb_config_set_string(&cfg.vnuma, k->vnuma, err);
    int rc = plan_place_build(h, img, domid, &cfg, plan, err);
    pvb_config_free(&cfg);
    return rc;
}

static bool affinity_is(pvb_host *h, uint32_t d, unsigned vcpu, uint64_t hard,
                        uint64_t soft)
{
    uint64_t hm[PVB_PLAN_CPUMAP_WORDS], sm[PVB_PLAN_CPUMAP_WORDS];
    pvb_error err;
    if (sim_vcpu_affinity_of(h, d, vcpu, hm, sm, &err) < 0) {
        diag("%s", err.msg);
        return false;
    }
    if (hm[0] != hard || sm[0] != soft)
        diag("vcpu %u: hard 0x%llx soft 0x%llx, wanted 0x%llx 0x%llx", vcpu,
             (unsigned long long)hm[0], (unsigned long long)sm[0],
             (unsigned long long)hard, (unsigned long long)soft);
    return hm[0] == hard && sm[0] == soft;
}

static char *plan_text(const struct pvb_plan *p, bool json)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (json)
        pvb_plan_print_json(p, f, NULL);
    else
        pvb_plan_print_text(p, f, NULL);
    fclose(f);
    return text;
}

/* A build that must fail: its code and a word of its message; nothing left. */
static void refused(pvb_host *h, const pvb_image *img, const struct keys *k, int code,
                    const char *word, const char *what)
{
    struct pvb_plan *p = NULL;
    pvb_error err = { 0 };
    uint32_t d = new_domain(h, "aff", (k->mib << 8) + 256, k->vcpus);
    int rc = build(h, img, d, k, &p, &err);
    ok(rc == code && strstr(err.msg, word) && !strchr(err.msg, '\n'),
       "%s: refused (%d): %s", what, rc, err.msg);
    ok(sim_node_frames(h, d, 0) + sim_node_frames(h, d, 1) <= 1,
       "%s: nothing populated", what);
    h->ops->domain_destroy(h, d, &err);
    pvb_free(p);
}

int main(void)
{
    struct test_kernel tk = { 0 };
    pvb_image *img = make_test_kernel(&tk);
    pvb_error err = { 0 };
    pvb_host *h = sim2(&err);
    if (!img || !h) {
        printf("1..0 # SKIP cannot make the test kernel or the sim: %s\n", err.msg);
        return 1;
    }
    struct pvb_plan *p = NULL;

    /* No keys: the freest node (1) and soft affinity to its cpus 2-3. */
    uint32_t d = new_domain(h, "aff", 0x4000 + 256, 2);
    struct keys k = { .mib = 64, .vcpus = 2 };
    int rc = build(h, img, d, &k, &p, &err);
    ok(rc == 0 && p->nr_numa == 1 && p->numa[0].node == 1, "no cpus=: on node 1, the "
       "freest (%s)", rc ? err.msg : "ok");
    ok(affinity_is(h, d, 0, 0xf, 0xc) && affinity_is(h, d, 1, 0xf, 0xc),
       "both vCPUs: hard all, soft 2-3 (node 1's cpus), as libxl sets it");
    char *t = plan_text(p, false);
    ok(t && strstr(t, "affinity: soft 2-3 (the nodes placement chose)\n"),
       "the text plan says so");
    free(t);
    h->ops->domain_destroy(h, d, &err);

    /* cpus="nodes:0": only node 0 is a candidate, though node 1 is freer. */
    d = new_domain(h, "aff", 0x4000 + 256, 2);
    k.cpus = "nodes:0";
    rc = build(h, img, d, &k, &p, &err);
    ok(rc == 0 && p->nr_numa == 1 && p->numa[0].node == 0 && p->numa[0].pages == 0x4000,
       "cpus=\"nodes:0\": all 0x4000 pages planned on node 0 (%s)", rc ? err.msg : "ok");
    ok(sim_node_frames(h, d, 0) >= 0x4000 && sim_node_frames(h, d, 1) <= 1,
       "the machine agrees: 0x%llx frames on node 0, 0x%llx on node 1",
       (unsigned long long)sim_node_frames(h, d, 0),
       (unsigned long long)sim_node_frames(h, d, 1));
    ok(affinity_is(h, d, 0, 0x3, 0x3) && affinity_is(h, d, 1, 0x3, 0x3),
       "both vCPUs: hard 0-1, soft 0-1");
    t = plan_text(p, true);
    ok(t && strstr(t, "\"hard\": \"0-1\"") && strstr(t, "\"placement_soft\": \"0-1\""),
       "the JSON plan shows hard 0-1 and the placement's soft 0-1");
    free(t);
    h->ops->domain_destroy(h, d, &err);

    /* A per-vCPU list, and cpus_soft= over the placement's soft. */
    d = new_domain(h, "aff", 0x4000 + 256, 2);
    k.cpus = "3;0-1,3;";
    k.cpus_soft = "3";
    rc = build(h, img, d, &k, &p, &err);
    ok(rc == 0 && p->nr_affinity == 2 && !p->has_placement_soft,
       "cpus=[\"3\", \"0-1,3\"], cpus_soft=\"3\": builds (%s)", rc ? err.msg : "ok");
    ok(affinity_is(h, d, 0, 0x8, 0x8) && affinity_is(h, d, 1, 0xb, 0x8),
       "vCPU 0: hard 3; vCPU 1: hard 0-1,3; both soft 3");
    ok(p->nr_numa == 1 && p->numa[0].node == 1, "both nodes are candidates: node 1 (freest)");
    h->ops->domain_destroy(h, d, &err);

    /* cpus= whose nodes cannot hold the guest: Xen places it, with a warning. */
    d = new_domain(h, "aff", 0x14000 + 256, 1);
    k = (struct keys){ .mib = 320, .vcpus = 1, .cpus = "2" };
    rc = build(h, img, d, &k, &p, &err);
    ok(rc == 0 && p->nr_numa == 0 && p->nr_warnings == 1 &&
       strstr(p->warnings[0], "nodes of cpus= cannot hold"),
       "cpus=\"2\" with a guest node 1 cannot hold: no placement, a warning: %s",
       p && p->nr_warnings ? p->warnings[0] : err.msg);
    ok(affinity_is(h, d, 0, 0x4, 0xf), "its vCPU: hard 2, soft all");
    h->ops->domain_destroy(h, d, &err);

    /* vnuma=: each vnode on its pnode, vCPUs soft to their pnode. */
    d = new_domain(h, "aff", 0x8000 + 256, 2);
    k = (struct keys){ .mib = 128, .vcpus = 2,
                       .vnuma = "pnode=1 size=32 vcpus=1;pnode=0 size=96 vcpus=0" };
    rc = build(h, img, d, &k, &p, &err);
    ok(rc == 0 && p->nr_vnodes == 2 && p->nr_numa == 2 && p->numa[0].node == 1 &&
       p->numa[0].pages == 0x2000 && p->numa[1].node == 0 && p->numa[1].pfn == 0x2000 &&
       p->numa[1].pages == 0x6000, "vnuma: pfns 0-0x1fff on node 1, 0x2000-0x7fff on "
       "node 0 (%s)", rc ? err.msg : "ok");
    uint64_t on0 = sim_node_frames(h, d, 0), on1 = sim_node_frames(h, d, 1);
    ok((on0 == 0x6000 || on0 == 0x6001) && (on1 == 0x2000 || on1 == 0x2001) &&
       on0 + on1 == 0x8001, "the machine agrees: 0x%llx frames on node 0, 0x%llx on 1",
       (unsigned long long)on0, (unsigned long long)on1);
    ok(sim_vnuma_nodes(h, d) == 2, "the host was given 2 vnodes (setvnumainfo)");
    ok(affinity_is(h, d, 0, 0xf, 0x3) && affinity_is(h, d, 1, 0xf, 0xc),
       "vCPU 0 soft 0-1 (vnode 1 on node 0), vCPU 1 soft 2-3");
    t = plan_text(p, false);
    ok(t && strstr(t, "vnode 0: pfns 0x0-0x1fff (32 MiB) on node 1, vcpus 1, distances "
                      "10,20, soft 2-3\n"), "the text plan shows vnode 0");
    free(t);
    t = plan_text(p, true);
    ok(t && strstr(t, "\"pnode\": 1,\n      \"vcpus\": \"1\",\n      \"distances\": [\n        10,\n        20"),
       "the JSON plan shows the vnodes");
    free(t);
    h->ops->domain_destroy(h, d, &err);

    /* Refusals, each one line. */
    refused(h, img, &(struct keys){ .mib = 64, .vcpus = 1, .cpus = "nodes:2" }, -EINVAL,
            "cpus \"nodes:2\": node 2 is not on this host (it has 2 nodes)", "nodes:2");
    refused(h, img, &(struct keys){ .mib = 64, .vcpus = 1, .cpus = "4" }, -EINVAL,
            "4 is beyond the last cpu (3)", "cpu 4");
    refused(h, img, &(struct keys){ .mib = 64, .vcpus = 1, .cpus = "1;2;" }, -EINVAL,
            "cpus: 2 per-vCPU items for 1 vCPUs", "a list longer than the vCPUs");
    refused(h, img, &(struct keys){ .mib = 64, .vcpus = 1, .cpus = "0-3,^0-3" }, -EINVAL,
            "selects no cpu", "an empty set");
    refused(h, img, &(struct keys){ .mib = 64, .vcpus = 1,
                                    .vnuma = "pnode=2 size=64 vcpus=0" }, -EINVAL,
            "vnuma: vnode 0: pnode 2 is not on this host", "vnuma pnode 2");
    refused(h, img, &(struct keys){ .mib = 64, .vcpus = 1,
                                    .vnuma = "pnode=0 size=32 vcpus=0" }, -EINVAL,
            "sizes sum to 32 MiB; they must sum to memory, 64 MiB", "vnuma sizes");
    refused(h, img, &(struct keys){ .mib = 64, .vcpus = 2,
                                    .vnuma = "pnode=0 size=64 vcpus=0" }, -EINVAL,
            "vCPU 1 is in no vnode", "vnuma vCPUs");
    refused(h, img, &(struct keys){ .mib = 64, .vcpus = 2,
                                    .vnuma = "pnode=0 size=32 vcpus=0-1;pnode=1 size=32 vcpus=1" },
            -EINVAL, "vCPU 1 is in vnodes 0 and 1", "vnuma vCPU twice");
    refused(h, img, &(struct keys){ .mib = 400, .vcpus = 1,
                                    .vnuma = "pnode=0 size=300 vcpus=0;pnode=1 size=100 vcpus=0" },
            -EINVAL, "vCPU 0 is in vnodes 0 and 1", "vnuma checked before the host");
    refused(h, img, &(struct keys){ .mib = 300, .vcpus = 1,
                                    .vnuma = "pnode=0 size=300 vcpus=0" }, -ENOMEM,
            "vnuma: node 0: the vnodes on it need 0x12c00 pages", "vnuma over a node");

    /* A plan with cpus= that was never placed is refused by pvb_build. */
    struct pvb_config cfg;
    pvb_config_init(&cfg);
    cfg.memory_mib = 64;
    pvb_config_set_string(&cfg.cpus, "0", &err);
    pvb_free(p);
    p = NULL;
    d = new_domain(h, "aff", 0x4000 + 256, 1);
    rc = pvb_plan_make(pvb_image_guest(img), &cfg, 0, &p, &err);
    if (rc == 0)
        rc = pvb_build(h, d, img, NULL, p, NULL, NULL, &err);
    ok(rc == -EINVAL && strstr(err.msg, "not placed"), "an unplaced plan with cpus=: %s",
       err.msg);
    h->ops->domain_destroy(h, d, &err);
    pvb_config_free(&cfg);
    ok(sim_frames_in_use(h) == 0 && sim_live_domains(h) == 0, "nothing left");

    pvb_free(p);
    pvb_host_close(h);
    pvb_image_close(img);
    return done_testing();
}
