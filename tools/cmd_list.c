/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pvbuild list: the domains Xen has, as xl list shows them, and whether
 * pvbuild built them. */
#include "cli.h"
#include "report.h"
#include "vm.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_list(int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    bool json = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'h':
            puts("Usage: pvbuild list [--json] [NAME|DOMID...]\n"
                 "List the domains Xen has: id, name, memory, vCPUs, state (xl's letters:\n"
                 "r running, b blocked, p paused, s shut down, c crashed, d dying) and\n"
                 "whether pvbuild built it.\n"
                 "  --json  print one JSON array");
            return 0;
        default:
            return EXIT_USAGE;
        }
    }

    pvb_lifecycle *lc;
    pvb_error err;
    struct pvb_domain_entry *all = NULL;
    size_t n = 0;
    if (pvb_lifecycle_open(&cli_lifecycle_opts, &lc, &err) < 0) {
        cli_error("list: %s", err.msg);
        return 1;
    }
    int status = 0;
    if (optind < argc) {
        all = calloc((size_t)(argc - optind), sizeof *all);
        for (int i = optind; all && i < argc; i++) {
            uint32_t id;
            if (pvb_lifecycle_find(lc, argv[i], &id, &err) < 0 ||
                pvb_lifecycle_domain(lc, id, &all[n], &err) < 0) {
                cli_error("list: %s", err.msg);
                status = 1;
                continue;
            }
            n++;
        }
    } else if (pvb_lifecycle_list(lc, &all, &n, &err) < 0) {
        cli_error("list: %s", err.msg);
        status = 1;
    }
    pvb_lifecycle_close(lc);

    if (json) {
        char *text;
        int rc = pvb_domain_list_json(all, n, &text, &err);
        if (cli_print_json(rc, text, &err) != 0)
            status = 1;
    } else {
        printf("%-32s %5s %7s %5s %6s %9s %s\n", "Name", "ID", "Mem", "VCPUs",
               "State", "Time(s)", "pvbuild");
        for (size_t i = 0; i < n; i++) {
            const struct pvb_domain_entry *d = &all[i];
            char st[7];
            pvb_domain_entry_state(d, st, sizeof st);
            printf("%-32s %5u %7" PRIu64 " %5u %6s %9.1f %s\n",
                   d->name[0] ? d->name : "-", d->domid, d->memory_kib / 1024,
                   d->vcpus, st, (double)d->cpu_time_ns / 1e9,
                   d->by_pvbuild ? "yes" : "no");
        }
    }
    free(all);
    return status;
}
