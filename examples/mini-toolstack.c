/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mini-toolstack: a toolstack that makes its own domain and asks
 * libpvbuild only to build it.
 *
 *   mini-toolstack [--xen] [--memory=MIB] [--vcpus=N] [--name=NAME]
 *                  [--ramdisk=FILE] [--cmdline=TEXT] KERNEL
 *
 * On Xen (--xen, in dom0) it opens its own libxenctrl, libxenforeignmemory
 * and libxenstore handles, creates the domain with its own
 * xc_domain_create, max_vcpus, setmaxmem and event channels, hands the
 * handles to pvb_host_xen_open_handles, calls pvb_build and pvb_verify,
 * introduces the domain to xenstored, unpauses it and leaves it running.
 * On the simulated host it does the same through pvb_domain_create_empty
 * and pvb_evtchn_alloc_unbound, then destroys the domain.  It prints one
 * line: "mini-toolstack: HOST: domain D built, verified (N checks), STATE".
 *
 * Build: make (examples/Makefile, through pkg-config libpvbuild).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <pvbuild.h>
#include <pvbuild/xen.h>

struct args {
    bool xen;
    const char *kernel, *ramdisk, *cmdline, *name;
    unsigned memory_mib, vcpus;
};

/* The toolstack's own domain on Xen: what xl would create for a PV guest. */
static int xen_make_domain(xc_interface *xch, const struct args *a, uint32_t *domid)
{
    struct xen_domctl_createdomain cd;
    memset(&cd, 0, sizeof cd);
    cd.max_vcpus = a->vcpus;
    cd.max_evtchn_port = 1023;
    cd.max_grant_frames = -1;           /* the hypervisor's defaults */
    cd.max_maptrack_frames = -1;
    cd.grant_opts = XEN_DOMCTL_GRANT_version(1);
    if (getrandom(cd.handle, sizeof cd.handle, 0) != (ssize_t)sizeof cd.handle)
        return -1;
    *domid = 0;
    if (xc_domain_create(xch, domid, &cd) < 0) {
        perror("mini-toolstack: xc_domain_create");
        return -1;
    }
    /* max_pages: the guest's memory and the 1 MiB libxl adds. */
    if (xc_domain_max_vcpus(xch, *domid, a->vcpus) < 0 ||
        xc_domain_setmaxmem(xch, *domid, ((uint64_t)a->memory_mib + 1) * 1024) < 0) {
        perror("mini-toolstack: max_vcpus / setmaxmem");
        xc_domain_destroy(xch, *domid);
        return -1;
    }
    return 0;
}

static int build(pvb_host *h, uint32_t domid, const struct args *a,
                 struct pvb_domain *dom, pvb_error *err)
{
    struct pvb_plan *plan = NULL;
    struct pvb_verify_report *report = NULL;
    pvb_image *img = NULL;
    pvb_ramdisk *rd = NULL;
    struct pvb_config cfg;
    int rc;

    pvb_config_init(&cfg);
    cfg.memory_mib = a->memory_mib;
    cfg.vcpus = a->vcpus;
    struct pvb_build_opts bp = PVB_BUILD_OPTS_INIT;
    bp.console_evtchn = dom->console_evtchn;
    bp.store_evtchn = dom->store_evtchn;
    dom->domid = domid;
    if ((rc = pvb_config_set_string(&cfg.name, a->name, err)) < 0 ||
        (rc = pvb_config_set_string(&cfg.cmdline, a->cmdline, err)) < 0 ||
        (rc = pvb_image_open_file(a->kernel, NULL, &img, err)) < 0 ||
        (a->ramdisk && (rc = pvb_ramdisk_open_file(a->ramdisk, NULL, &rd, err)) < 0) ||
        (rc = pvb_plan_make(pvb_image_guest(img), &cfg, rd ? pvb_ramdisk_size(rd) : 0,
                            &plan, err)) < 0 ||
        (rc = pvb_build(h, domid, img, rd, plan, &bp, &dom->build, err)) < 0 ||
        (rc = pvb_verify(h, domid, pvb_image_guest(img), &report, err)) < 0)
        goto out;
    if (!report->ok) {
        for (unsigned i = 0; i < report->nr_checks; i++)
            if (!report->checks[i].ok)
                fprintf(stderr, "mini-toolstack: check %s failed: %s\n",
                        report->checks[i].name, report->checks[i].detail);
        rc = -1;
        snprintf(err->msg, sizeof err->msg, "domain %u does not verify", domid);
        goto out;
    }
    printf("mini-toolstack: %s: domain %u built, verified (%u checks), ",
           a->xen ? "xen" : "sim", domid, report->nr_checks);
out:
    pvb_free(report);
    pvb_free(plan);
    pvb_ramdisk_close(rd);
    pvb_image_close(img);
    pvb_config_free(&cfg);
    return rc;
}

static int run_xen(const struct args *a)
{
    xc_interface *xch = xc_interface_open(NULL, NULL, 0);
    xenforeignmemory_handle *fmem = xenforeignmemory_open(NULL, 0);
    struct xs_handle *xsh = xs_open(0);
    struct pvb_host_opts ho = PVB_HOST_OPTS_INIT;
    struct pvb_domain dom = { 0 };
    pvb_host *h = NULL;
    pvb_error err = { 0 };
    uint32_t domid;
    int rc = 1;

    if (!xch || !fmem || !xsh) {
        fprintf(stderr, "mini-toolstack: cannot open %s (not dom0?)\n",
                !xch ? "libxenctrl" : !fmem ? "libxenforeignmemory" : "xenstore");
        goto close;
    }
    if (xen_make_domain(xch, a, &domid) < 0)
        goto close;
    xc_evtchn_port_or_error_t con = xc_evtchn_alloc_unbound(xch, domid, 0);
    xc_evtchn_port_or_error_t store = xc_evtchn_alloc_unbound(xch, domid, 0);
    if (con < 0 || store < 0) {
        perror("mini-toolstack: xc_evtchn_alloc_unbound");
        goto destroy;
    }
    dom.console_evtchn = (uint32_t)con;
    dom.store_evtchn = (uint32_t)store;
    if (pvb_host_xen_open_handles(xch, fmem, xsh, &ho, &h, &err) < 0 ||
        build(h, domid, a, &dom, &err) < 0) {
        fprintf(stderr, "mini-toolstack: %s\n", err.msg);
        goto destroy;
    }
    struct pvb_config cfg;
    pvb_config_init(&cfg);
    cfg.name = (char *)a->name;
    cfg.memory_mib = a->memory_mib;
    cfg.vcpus = a->vcpus;
    if (pvb_domain_introduce(h, &dom, &cfg, 0, &err) < 0) {
        fprintf(stderr, "\nmini-toolstack: %s\n", err.msg);
        goto destroy;
    }
    if (xc_domain_unpause(xch, domid) < 0) {
        perror("\nmini-toolstack: xc_domain_unpause");
        goto destroy;
    }
    printf("running\n");
    rc = 0;
    goto close;
destroy:
    xc_domain_destroy(xch, domid);
close:
    pvb_host_close(h);   /* leaves our handles open: we close them */
    if (xsh)
        xs_close(xsh);
    if (fmem)
        xenforeignmemory_close(fmem);
    if (xch)
        xc_interface_close(xch);
    return rc;
}

static int run_sim(const struct args *a)
{
    struct pvb_empty_domain_opts eo = PVB_EMPTY_DOMAIN_OPTS_INIT;
    struct pvb_domain dom = { 0 };
    pvb_host *h;
    pvb_error err = { 0 };
    uint32_t domid;

    eo.name = a->name;
    eo.max_vcpus = a->vcpus;
    eo.max_mib = a->memory_mib + 1;
    if (pvb_host_sim_open(NULL, &h, &err) < 0) {
        fprintf(stderr, "mini-toolstack: %s\n", err.msg);
        return 1;
    }
    int rc = pvb_domain_create_empty(h, &eo, &domid, &err);
    if (rc == 0 &&
        (rc = pvb_evtchn_alloc_unbound(h, domid, 0, &dom.console_evtchn, &err)) == 0 &&
        (rc = pvb_evtchn_alloc_unbound(h, domid, 0, &dom.store_evtchn, &err)) == 0)
        rc = build(h, domid, a, &dom, &err);
    if (rc < 0)
        fprintf(stderr, "mini-toolstack: %s\n", err.msg);
    else if ((rc = pvb_domain_destroy(h, domid, &err)) == 0)
        printf("destroyed\n");
    pvb_host_close(h);
    return rc < 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "xen", no_argument, NULL, 'x' },
        { "memory", required_argument, NULL, 'm' },
        { "vcpus", required_argument, NULL, 'c' },
        { "name", required_argument, NULL, 'n' },
        { "ramdisk", required_argument, NULL, 'r' },
        { "cmdline", required_argument, NULL, 'l' },
        { NULL, 0, NULL, 0 },
    };
    struct args a = { .memory_mib = 256, .vcpus = 1, .name = "mini-toolstack" };
    int c;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'x': a.xen = true; break;
        case 'm': a.memory_mib = (unsigned)strtoul(optarg, NULL, 0); break;
        case 'c': a.vcpus = (unsigned)strtoul(optarg, NULL, 0); break;
        case 'n': a.name = optarg; break;
        case 'r': a.ramdisk = optarg; break;
        case 'l': a.cmdline = optarg; break;
        default: return 2;
        }
    }
    if (optind + 1 != argc || a.memory_mib == 0 || a.vcpus == 0) {
        fprintf(stderr, "usage: mini-toolstack [--xen] [--memory=MIB] [--vcpus=N] "
                "[--name=NAME] [--ramdisk=FILE] [--cmdline=TEXT] KERNEL\n");
        return 2;
    }
    a.kernel = argv[optind];
    return a.xen ? run_xen(&a) : run_sim(&a);
}
