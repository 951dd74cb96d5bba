/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pvbuild shutdown / reboot: ask a PV guest through its xenstore
 * control/shutdown node, as xl does; the guest's kernel does the rest.
 */
#include "cli.h"
#include "vm.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int cmd_shutdown(int argc, char **argv)
{
    static const struct option opts[] = {
        { "wait", no_argument, NULL, 'w' },
        { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    const char *cmd = argv[0];
    bool reboot = strcmp(cmd, "reboot") == 0, wait = false;
    int c;

    while ((c = getopt_long(argc, argv, "wh", opts, NULL)) != -1) {
        switch (c) {
        case 'w': wait = true; break;
        case 'h':
            printf("Usage: pvbuild %s [-w] NAME|DOMID\n"
                   "Ask the guest to %s, through its xenstore control/shutdown node.\n"
                   "  -w, --wait  wait until it has shut down (or is gone)\n",
                   cmd, reboot ? "reboot" : "power off");
            return 0;
        default:
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cli_error("%s: give one NAME or DOMID (see pvbuild %s --help)", cmd, cmd);
        return EXIT_USAGE;
    }
    uint32_t domid;
    if (cli_domain_arg(cmd, argv[optind], &domid) < 0)
        return 1;

    pvb_lifecycle *lc;
    pvb_error err;
    int status = 1;
    if (pvb_lifecycle_open(&cli_lifecycle_opts, &lc, &err) < 0 ||
        pvb_lifecycle_request(lc, domid, reboot ? PVB_REQUEST_REBOOT
                                                : PVB_REQUEST_POWEROFF, &err) < 0) {
        cli_error("%s: %s", cmd, err.msg);
        goto out;
    }
    status = 0;
    if (wait) {
        struct pvb_death d;
        if (pvb_lifecycle_wait_death(lc, domid, -1, &d, &err) < 0) {
            cli_error("%s: %s", cmd, err.msg);
            status = 1;
        } else if (d.kind == PVB_DEATH_GONE) {
            fprintf(stderr, "pvbuild: domain %u is gone\n", domid);
        } else {
            fprintf(stderr, "pvbuild: domain %u shut down (%s)\n", domid,
                    pvb_death_name(d.kind));
        }
    }
out:
    pvb_lifecycle_close(lc);
    return status;
}
