/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bring your own domain, through pvbuild.h alone: the host opens with
 * versioned options, and an embedder on the simulated host makes the
 * empty domain and its event channels itself, then calls only pvb_build
 * and pvb_verify, as a toolstack on Xen does with its own handles.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "pvbuild.h"
#include "pvbuild/xen.h"
#include "kernel.h"
#include "tap.h"

static bool has(const char *s, const char *sub) { return strstr(s, sub) != NULL; }

static void opens(void)
{
    pvb_host *h = (pvb_host *)&h;
    pvb_error err;

    struct pvb_host_opts v9 = { .version = 9 };
    ok(pvb_host_open("sim", &v9, &h, &err) == -EINVAL && h == NULL &&
       has(err.msg, "pvb_host_opts: version 9 is not known to libpvbuild " PVB_VERSION
           " (it knows 2)"), "host opts version 9 refused: %s", err.msg);
    struct pvb_host_opts v0 = { 0 };
    ok(pvb_host_open("xen", &v0, &h, &err) == -EINVAL && has(err.msg, "version 0"),
       "host opts version 0 refused before Xen is tried: %s", err.msg);
    struct pvb_sim_opts s0 = { .machine_bytes = 64 << 20 };
    ok(pvb_host_sim_open(&s0, &h, &err) == -EINVAL && has(err.msg, "pvb_sim_opts: version 0"),
       "sim opts without a version refused: %s", err.msg);
    ok(pvb_host_open("kvm", NULL, &h, &err) == -EINVAL && has(err.msg, "\"kvm\": unknown"),
       "unknown host kind: %s", err.msg);
    ok(pvb_host_open("sim", NULL, NULL, &err) == -EINVAL, "no output handle refused");
    ok(pvb_host_xen_open_handles(NULL, NULL, NULL, NULL, &h, &err) == -EINVAL &&
       has(err.msg, "no xc_interface handle"), "open over handles without xch: %s", err.msg);

    struct pvb_sim_opts so = PVB_SIM_OPTS_INIT;
    so.machine_bytes = 64 << 20;
    ok(pvb_host_sim_open(&so, &h, &err) == 0, "sim opens with PVB_SIM_OPTS_INIT");
    pvb_host_close(h);
    struct pvb_host_opts ho = PVB_HOST_OPTS_INIT;
    ok(pvb_host_open("sim", &ho, &h, &err) == 0, "sim opens by kind with PVB_HOST_OPTS_INIT");
    pvb_host_close(h);
}

static void empty_domain(pvb_host *h)
{
    pvb_error err;
    uint32_t domid = 0, port = 0, port2 = 0;
    struct pvb_domain_state st;

    ok(pvb_domain_create_empty(NULL, NULL, &domid, &err) == -EINVAL, "no host refused");
    ok(pvb_domain_create_empty(h, NULL, NULL, &err) == -EINVAL, "no domid output refused");
    struct pvb_empty_domain_opts v2 = { .version = 2 };
    ok(pvb_domain_create_empty(h, &v2, &domid, &err) == -EINVAL &&
       has(err.msg, "pvb_empty_domain_opts: version 2"), "opts version 2: %s", err.msg);
    struct pvb_empty_domain_opts huge = PVB_EMPTY_DOMAIN_OPTS_INIT;
    huge.max_mib = UINT64_MAX;
    ok(pvb_domain_create_empty(h, &huge, &domid, &err) == -EINVAL && has(err.msg, "max_mib"),
       "max_mib beyond Xen's KiB count: %s", err.msg);
    struct pvb_empty_domain_opts big = PVB_EMPTY_DOMAIN_OPTS_INIT;
    big.max_mib = 128;
    /* As Xen: a max above the machine is accepted; the build's claim refuses. */
    struct pvb_domain_state bst;
    ok(pvb_domain_create_empty(h, &big, &domid, &err) == 0 &&
       pvb_domain_state(h, domid, &bst, &err) == 0 && bst.max_pages == 128 * 256,
       "max_mib beyond the 64 MiB machine is accepted, as Xen does (%s)", err.msg);
    pvb_domain_destroy(h, domid, &err);

    ok(pvb_domain_create_empty(h, NULL, &domid, &err) == 0 &&
       pvb_domain_state(h, domid, &bst, &err) == 0 && bst.max_pages == 256 * 256,
       "NULL opts means the default 256 MiB (%s)", err.msg);
    pvb_domain_destroy(h, domid, &err);
    struct pvb_empty_domain_opts o = PVB_EMPTY_DOMAIN_OPTS_INIT;
    o.max_mib = 16;
    o.max_vcpus = 2;
    int rc = pvb_domain_create_empty(h, &o, &domid, &err);
    ok(rc == 0 && domid != 0, "empty domain %u created", domid);
    memset(&st, 0, sizeof st);
    rc = pvb_domain_state(h, domid, &st, &err);
    ok(rc == 0 && st.nr_pages == 0 && st.max_pages == 16 * 256 && st.paused,
       "it is empty, paused, max_pages 0x%llx", (unsigned long long)st.max_pages);
    rc = pvb_evtchn_alloc_unbound(h, domid, 0, &port, &err);
    if (rc == 0)
        rc = pvb_evtchn_alloc_unbound(h, domid, 0, &port2, &err);
    ok(rc == 0 && port && port2 != port, "two unbound event channels: ports %u, %u",
       port, port2);
    ok(pvb_evtchn_alloc_unbound(h, domid, 0, NULL, &err) == -EINVAL, "no port output refused");
    ok(pvb_evtchn_alloc_unbound(h, 999, 0, &port, &err) == -ESRCH,
       "event channel in no domain: %s", err.msg);
    ok(pvb_domain_destroy(h, domid, &err) == 0, "destroyed");
}

/* The embedder's whole path on the simulated host. */
static void build_own(const char *kernel)
{
    pvb_host *h;
    pvb_image *img;
    pvb_error err;
    struct pvb_config cfg;
    struct pvb_plan *plan = NULL;
    struct pvb_verify_report *rep = NULL;
    struct pvb_build_result res;
    struct pvb_domain_state st;
    uint32_t domid;

    if (pvb_host_sim_open(NULL, &h, &err) < 0 ||
        pvb_image_open_file(kernel, NULL, &img, &err) < 0) {
        ok(0, "open: %s", err.msg);
        return;
    }
    pvb_config_init(&cfg);
    cfg.memory_mib = 128;
    cfg.vcpus = 2;

    struct pvb_empty_domain_opts o = PVB_EMPTY_DOMAIN_OPTS_INIT;
    o.name = "byo";
    o.max_mib = 64;           /* below memory: the build must fail and undo */
    o.max_vcpus = 2;
    struct pvb_build_opts bp = PVB_BUILD_OPTS_INIT;
    int rc = pvb_plan_make(pvb_image_guest(img), &cfg, 0, &plan, &err);
    ok(rc == 0, "the plan for 128 MiB %s", rc ? err.msg : "");
    rc = pvb_domain_create_empty(h, &o, &domid, &err);
    if (rc == 0 && (rc = pvb_evtchn_alloc_unbound(h, domid, 0, &bp.console_evtchn, &err)) == 0)
        rc = pvb_evtchn_alloc_unbound(h, domid, 0, &bp.store_evtchn, &err);
    ok(rc == 0, "domain %u with max 64 MiB and its ports", domid);
    rc = pvb_build(h, domid, img, NULL, plan, &bp, &res, &err);
    ok(rc == -ENOSPC && strstr(err.msg, "max_pages"), "pvb_build of 128 MiB into it fails: %s",
       err.msg);
    ok(pvb_domain_state(h, domid, &st, &err) == 0 && st.nr_pages == 0,
       "and gives every frame back (%llu left)", (unsigned long long)st.nr_pages);
    pvb_domain_destroy(h, domid, &err);

    o.max_mib = 128;
    rc = pvb_domain_create_empty(h, &o, &domid, &err);
    if (rc == 0 && (rc = pvb_evtchn_alloc_unbound(h, domid, 0, &bp.console_evtchn, &err)) == 0)
        rc = pvb_evtchn_alloc_unbound(h, domid, 0, &bp.store_evtchn, &err);
    ok(rc == 0, "domain %u with max 128 MiB, ports %u and %u", domid, bp.console_evtchn,
       bp.store_evtchn);
    rc = pvb_build(h, domid, img, NULL, plan, &bp, &res, &err);
    ok(rc == 0, "pvb_build into the embedder's domain: %s", rc ? err.msg : "ok");
    ok(pvb_domain_state(h, domid, &st, &err) == 0 && st.nr_pages == 128 * 256 &&
       st.paused, "it holds exactly 128 MiB and is paused");
    rc = pvb_verify(h, domid, pvb_image_guest(img), &rep, &err);
    ok(rc == 0 && rep->ok && rep->nr_checks > 0, "pvb_verify: %u checks pass",
       rep ? rep->nr_checks : 0);
    pvb_free(rep);
    pvb_free(plan);
    ok(pvb_domain_destroy(h, domid, &err) == 0, "destroyed");

    pvb_config_free(&cfg);
    pvb_image_close(img);
    pvb_host_close(h);
}

int main(void)
{
    pvb_host *h;
    pvb_error err;
    struct pvb_sim_opts so = PVB_SIM_OPTS_INIT;

    opens();
    so.machine_bytes = 64 << 20;
    if (pvb_host_sim_open(&so, &h, &err) < 0) {
        printf("Bail out! %s\n", err.msg);
        return 1;
    }
    empty_domain(h);
    pvb_host_close(h);

    const char *kernel = test_kernel();
    if (kernel)
        build_own(kernel);
    else
        printf("ok %d # SKIP no Debian kernel (scripts/find-kernel --fetch)\n", ++tap_n);
    return done_testing();
}
