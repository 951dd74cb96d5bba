/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pvbuild verify / destroy: commands on an existing domain. */
#include "cli.h"
#include "report.h"
#include "vm.h"
#include "pvbuild/toolstack.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_verify(int argc, char **argv)
{
    static const struct option opts[] = {
        { "host", required_argument, NULL, 'H' },
        { "kernel", required_argument, NULL, 'k' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    const char *host_name = "xen", *kernel = NULL;
    bool json = false;
    int c;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'H': host_name = optarg; break;
        case 'k': kernel = optarg; break;
        case 'j': json = true; break;
        case 'h':
            puts("Usage: pvbuild verify [--host=xen] [--kernel=FILE] [--json] NAME|DOMID\n"
                 "Check a built, paused domain against the PV boot ABI.\n"
                 "  --kernel=FILE  also check against the kernel's notes (entry, INIT_P2M)\n"
                 "  --json         print one JSON object");
            return 0;
        default:
            return EXIT_USAGE;
        }
    }
    uint32_t domid;
    if (optind != argc - 1) {
        cli_error("verify: give one NAME or DOMID (see pvbuild verify --help)");
        return EXIT_USAGE;
    }
    if (cli_domain_arg("verify", argv[optind], &domid) < 0)
        return 1;

    struct pvb_image_opts io = { .version = PVB_IMAGE_OPTS_VERSION,
                               .log = &cli_logger };
    pvb_image *img = NULL;
    pvb_host *host = NULL;
    pvb_error err;
    struct pvb_verify_report *rep = NULL;
    int status = 1;
    if ((kernel && pvb_image_open_file(kernel, &io, &img, &err) < 0) ||
        pvb_host_open(host_name, &cli_host_opts, &host, &err) < 0 ||
        pvb_verify(host, domid, img ? pvb_image_guest(img) : NULL, &rep, &err) < 0) {
        cli_error("verify: %s", err.msg);
        goto out;
    }
    if (json) {
        char *text;
        int rc = pvb_verify_json(domid, rep, &text, &err);
        if (cli_print_json(rc, text, &err) != 0)
            goto out;
    } else {
        printf("domain %u\n", domid);
        report_verify_text(rep);
    }
    status = rep->ok ? 0 : 1;
out:
    pvb_free(rep);
    pvb_host_close(host);
    pvb_image_close(img);
    return status;
}

int cmd_destroy(int argc, char **argv)
{
    static const struct option opts[] = {
        { "host", required_argument, NULL, 'H' },
        { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    const char *host_name = "xen";
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'H': host_name = optarg; break;
        case 'h':
            puts("Usage: pvbuild destroy [--host=xen] NAME|DOMID\nDestroy a domain.");
            return 0;
        default:
            return EXIT_USAGE;
        }
    }
    uint32_t domid;
    if (optind != argc - 1) {
        cli_error("destroy: give one NAME or DOMID");
        return EXIT_USAGE;
    }
    if (cli_domain_arg("destroy", argv[optind], &domid) < 0)
        return 1;
    pvb_host *host = NULL;
    pvb_error err;
    int status = 0;
    /* On Xen as xl destroys: devices, xenstore nodes and userdata go too. */
    struct pvb_vm_opts vo = { .version = PVB_VM_OPTS_VERSION, .log = &cli_logger };
    int rc = strcmp(host_name, "xen") == 0 ? pvb_vm_destroy(domid, &vo, &err)
                                           : -ENOENT;
    if (rc == 0)
        return 0;
    if (rc != -ENOENT) {
        cli_error("destroy: %s", err.msg);
        return 1;
    }
    if (pvb_host_open(host_name, &cli_host_opts, &host, &err) < 0 ||
        pvb_domain_destroy(host, domid, &err) < 0) {
        cli_error("destroy: %s", err.msg);
        status = 1;
    }
    pvb_host_close(host);
    return status;
}
