/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pvbuild create -n: parse the config, read the kernel and ramdisk, make
 * the layout plan and print it with the lifecycle policy, building
 * nothing on any host (xl create -n prints its parsed config likewise).
 */
#include "cli.h"
#include "prepare.h"
#include "report.h"
#include "vm.h"

#include <stdio.h>

int dry_run(const struct pvb_config *cfg, const struct pvb_lifecycle_policy *p,
            bool keep_compressed, bool json)
{
    struct prepared pr;
    int status = 1;

    struct prepare_opts po = { .keep_compressed = keep_compressed, .log = &cli_logger };
    if (prepare(cfg, &po, &pr) != 0)
        goto out;
    if (json) {
        char *text;
        pvb_error err;
        int rc = pvb_plan_json(pr.plan, &text, &err);
        if (cli_print_json(rc, text, &err) != 0)
            goto out;
    } else if (cli_verbosity >= 0) {
        printf("dry run: domain '%s' planned, nothing built\n\n",
               cfg->name ? cfg->name : "");
        pvb_plan_print_text(pr.plan, stdout, NULL);
        printf("\non_poweroff=%s on_reboot=%s on_watchdog=%s on_crash=%s\n",
               pvb_action_name(p->on_poweroff), pvb_action_name(p->on_reboot),
               pvb_action_name(p->on_watchdog), pvb_action_name(p->on_crash));
    }
    status = 0;
out:
    prepared_free(&pr);
    return status;
}
