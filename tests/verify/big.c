/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pvb_verify on a large hand-built domain: the check passes, and the
 * verifier's time and peak memory stay bounded (the P->M list of a 4 TiB
 * guest is 8 GiB with 2^21 leaves; the verifier keeps at most one mfn per
 * list page).  Size in GiB from $PVB_VERIFY_BIG_GIB (default 64); try
 * 4096 by hand: it needs about 9 GiB of RAM for the list itself.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "plan_copy.h"
#include "host/host.h"
#include "host/sim.h"
#include "mini_domain.h"

/* Peak resident memory since the last reset, in KiB (0 if unknown). */
static uint64_t peak_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    uint64_t kib = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %" SCNu64, &kib) == 1)
            break;
    if (f)
        fclose(f);
    return kib;
}

static int reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f)
        return 0;
    int ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
    const char *env = getenv("PVB_VERIFY_BIG_GIB");
    uint64_t gib = env ? strtoull(env, NULL, 0) : 64;
    pvb_host *h;
    pvb_error err = { 0, "" };
    struct pvb_sim_opts so = { .version = PVB_SIM_OPTS_VERSION, .machine_bytes = 0, .seed = 3 };

    if (pvb_host_sim_open(&so, &h, &err)) {
        printf("Bail out! sim: %s\n", err.msg);
        return 1;
    }
    struct mini_domain md;
    struct mini_opts o = { .nr_pages = gib << 18 };
    double t0 = now();
    if (mini_domain_build(h, &o, &md, &err)) {
        printf("Bail out! mini domain of %" PRIu64 " GiB: %s\n", gib, err.msg);
        return 1;
    }
    double t1 = now();
    diag("%" PRIu64 " GiB domain: 0x%" PRIx64 " pages, P->M 0x%" PRIx64 " pages + 0x%"
         PRIx64 " tables, built in %.2f s", gib, md.nr_pages, md.p2m_pages,
         md.nr_p2m_frames - md.p2m_pages, t1 - t0);

    struct pvb_guest g;
    mini_domain_guest(&md, &g);
    struct pvb_verify_report r;
    int have_peak = reset_peak();
    uint64_t before = peak_kib();
    t0 = now();
    int rc = test_verify(h, md.domid, &g, &r, &err);
    t1 = now();
    uint64_t after = peak_kib();
    ok(rc == 0 && r.ok, "%" PRIu64 " GiB domain verifies (%s)", gib, rc ? err.msg : "");
    for (unsigned i = 0; i < r.nr_checks; i++)
        if (!r.checks[i].ok || i == 5)
            diag("%s: %s", r.checks[i].name, r.checks[i].detail);
    diag("pvb_verify: %.2f s, peak RSS %" PRIu64 " -> %" PRIu64 " KiB", t1 - t0, before,
         after);
    /* 16 MiB of list mfns for 4 TiB, scaled, plus 16 MiB for windows and tables. */
    uint64_t budget = (16 << 10) + gib * 4;
    if (have_peak && before)
        ok(after - before < budget, "peak memory grows by %" PRIu64 " KiB (< %" PRIu64 ")",
           after - before, budget);
    else
        diag("peak RSS not available: memory not measured");
    mini_domain_destroy(h, &md);
    pvb_host_close(h);
    return done_testing();
}
