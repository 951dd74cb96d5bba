/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: a whole build and verify on the simulated host.  The input
 * is a 20-byte header that picks the config, then a command line, the
 * kernel image, and a ramdisk taken from the end:
 *
 *   [0]      memory: 1 + (b & 0x3f) MiB, or 128 + (b & 0x3f) MiB when bits
 *            6 and 7 are set (Debian's kernel needs about 80 MiB)
 *   [1]      maxmem: bit 7 set: memory + (b & 0x7f) MiB, else the default
 *   [2] [3]  vcpus (b & 0x1f), max_vcpus (b & 0x3f); 0 is the default
 *   [4]      P->M: b & 3 = default, address, inside, 2 MiB-aligned address
 *   [5..12]  the address (little endian; for mode 3 its low 32 bits << 21)
 *   [13..14] ramdisk length (little endian) at the end of the input
 *   [15]     bit 0: keep a gzip ramdisk compressed; bit 1: a 64 MiB
 *            machine instead of 512 MiB; bits 4-7: the machine's frame seed
 *   [16..17] command line length (& 0x7ff), the bytes right after the header
 *
 * A build that succeeds must pass the verifier, and a build that fails
 * must leave no domain, no machine frame and no mapping behind, as must
 * destroying a built domain.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "host/host.h"
#include "host/sim.h"

#define HDR 20

static FILE *devnull;

static uint64_t le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* Nothing of domain `domid` is left on the host. */
static void check_clean(pvb_host *h, uint32_t domid, const char *after)
{
    struct host_domain_info info;
    pvb_error err;
    if (h->ops->domain_info(h, domid, &info, &err) == 0)
        fuzz_die("%s: domain %u still exists", after, domid);
    if (sim_live_views(h))
        fuzz_die("%s: %zu mappings left", after, sim_live_views(h));
    uint64_t frames = sim_machine_frames(h);
    for (uint64_t mfn = 0; mfn < frames; mfn++)
        if (sim_frame_owner(h, mfn))
            fuzz_die("%s: machine frame 0x%llx still owned by domain %u", after,
                     (unsigned long long)mfn, sim_frame_owner(h, mfn));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HDR)
        return 0;
    if (!devnull && !(devnull = fopen("/dev/null", "w")))
        fuzz_die("cannot open /dev/null");

    const uint8_t *hdr = data;
    data += HDR;
    size -= HDR;
    size_t cmd_len = le(hdr + 16, 2) & 0x7ff;
    if (cmd_len > size)
        cmd_len = size;
    char *cmdline = NULL;
    if (cmd_len) {
        cmdline = strndup((const char *)data, cmd_len);
        if (!cmdline)
            return 0;
    }
    data += cmd_len;
    size -= cmd_len;
    size_t rd_len = le(hdr + 13, 2);
    if (rd_len > size)
        rd_len = size;
    size_t k_len = size - rd_len;

    struct pvb_config cfg;
    pvb_config_init(&cfg);
    cfg.cmdline = cmdline;
    /* Small guests keep a run fast; a big one now and then. */
    cfg.memory_mib = ((hdr[0] & 0xc0) == 0xc0 ? 128 : 1) + (hdr[0] & 0x3f);
    if (hdr[1] & 0x80)
        cfg.maxmem_mib = cfg.memory_mib + (hdr[1] & 0x7f);
    cfg.vcpus = hdr[2] & 0x1f;
    cfg.max_vcpus = hdr[3] & 0x3f;
    switch (hdr[4] & 3) {
    case 0: cfg.p2m = PVB_P2M_DEFAULT; break;
    case 1: cfg.p2m = PVB_P2M_ADDRESS; cfg.p2m_vaddr = le(hdr + 5, 8); break;
    case 2: cfg.p2m = PVB_P2M_INSIDE; break;
    case 3:
        cfg.p2m = PVB_P2M_ADDRESS;
        cfg.p2m_vaddr = (le(hdr + 5, 8) & 0xffffffff) << 21;
        break;
    }

    const struct pvb_limits lim = { .max_output = fuzz_output_cap(size) };
    struct pvb_image_opts io = { .version = PVB_IMAGE_OPTS_VERSION, .limits = lim, .log = &fuzz_logger };
    pvb_image *img = NULL;
    pvb_ramdisk *rd = NULL;
    pvb_host *h = NULL;
    struct pvb_plan *plan = NULL;
    struct pvb_verify_report *report = NULL;
    pvb_error err = { 0 };
    int rc = pvb_image_open_mem("fuzz-kernel", data, k_len, &io, &img, &err);
    if (rc < 0) {
        fuzz_check_error("pvb_image_open_mem", rc, &err, "fuzz-kernel");
        goto out;
    }
    if (rd_len) {
        struct pvb_ramdisk_opts ro = { .version = PVB_RAMDISK_OPTS_VERSION, .limits = lim, .log = &fuzz_logger,
                                       .keep_compressed = hdr[15] & 1 };
        rc = pvb_ramdisk_open_mem("fuzz-ramdisk", data + k_len, rd_len, &ro,
                                  &rd, &err);
        if (rc < 0) {
            fuzz_check_error("pvb_ramdisk_open_mem", rc, &err, "fuzz-ramdisk");
            goto out;
        }
    }

    struct pvb_sim_opts so = {
        .version = PVB_SIM_OPTS_VERSION,
        .machine_bytes = (hdr[15] & 2) ? UINT64_C(64) << 20 : UINT64_C(512) << 20,
        .seed = hdr[15] >> 4,
    };
    if ((rc = pvb_host_sim_open(&so, &h, &err)) < 0)
        fuzz_die("pvb_host_sim_open: %s", err.msg);

    struct pvb_domain_opts dopts = PVB_DOMAIN_OPTS_INIT;
    struct pvb_domain dom;
    dopts.log = &fuzz_logger;
    /* Half the inputs plan first, as the CLI does; half leave it to create. */
    if (hdr[15] & 4) {
        rc = pvb_plan_make(pvb_image_guest(img), &cfg, rd ? pvb_ramdisk_size(rd) : 0,
                           &plan, &err);
        if (rc < 0) {
            fuzz_check_error("pvb_plan_make", rc, &err, NULL);
            goto out;
        }
    }
    rc = pvb_domain_create(h, &cfg, img, rd, plan, &dopts, &dom, &err);
    if (rc < 0) {
        fuzz_check_error("pvb_domain_create", rc, &err, NULL);
        check_clean(h, 1, "failed create");
        goto out;
    }
    if (plan) {
        pvb_plan_print_text(plan, devnull, NULL);
        pvb_plan_print_json(plan, devnull, NULL);
    }

    rc = pvb_verify(h, dom.domid, pvb_image_guest(img), &report, &err);
    if (rc < 0)
        fuzz_die("pvb_verify could not read a domain just built: %s", err.msg);
    if (!report->ok || !report->nr_checks) {
        for (unsigned i = 0; i < report->nr_checks; i++)
            if (!report->checks[i].ok)
                fprintf(stderr, "verify: %s: %s\n", report->checks[i].name,
                        report->checks[i].detail);
        fuzz_die("a built domain failed verification (%u checks)",
                 report->nr_checks);
    }
    struct pvb_domain_state st;
    if (pvb_domain_state(h, dom.domid, &st, &err) < 0 || !st.paused)
        fuzz_die("built domain not found paused: %s", err.msg);
    if ((rc = pvb_domain_destroy(h, dom.domid, &err)) < 0)
        fuzz_die("pvb_domain_destroy: %s", err.msg);
    check_clean(h, dom.domid, "destroy");

out:
    pvb_free(report);
    pvb_free(plan);
    pvb_host_close(h);
    pvb_ramdisk_close(rd);
    pvb_image_close(img);
    pvb_config_free(&cfg);
    return 0;
}
