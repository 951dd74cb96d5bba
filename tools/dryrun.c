/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pvbuild create -n: parse the config, read the kernel and ramdisk, make
 * the layout plan and print it with the lifecycle policy, building
 * nothing on any host (xl create -n prints its parsed config likewise).
 */
#include "cli.h"
#include "vm.h"

#include <stdio.h>

int dry_run(const struct pvb_config *cfg, const struct pvb_lifecycle_policy *p,
            bool json)
{
    struct pvb_image_opts io = { .version = PVB_IMAGE_OPTS_VERSION,
                               .log = &cli_logger };
    struct pvb_ramdisk_opts ro = { .version = PVB_RAMDISK_OPTS_VERSION,
                                   .log = &cli_logger,
                                   .keep_compressed = cfg->ramdisk_keep_compressed };
    pvb_image *img = NULL;
    pvb_ramdisk *rd = NULL;
    pvb_error err;
    struct pvb_plan plan;
    int status = 1;

    if (pvb_image_open_file(cfg->kernel, &io, &img, &err) < 0 ||
        (cfg->ramdisk && pvb_ramdisk_open_file(cfg->ramdisk, &ro, &rd, &err) < 0) ||
        pvb_plan_make(pvb_image_guest(img), cfg, rd ? pvb_ramdisk_size(rd) : 0,
                      &plan, &err) < 0) {
        cli_error("%s", err.msg);
        goto out;
    }
    if (json) {
        pvb_plan_print_json(&plan, stdout);
    } else if (cli_verbosity >= 0) {
        printf("dry run: domain '%s' planned, nothing built\n\n",
               cfg->name ? cfg->name : "");
        pvb_plan_print_text(&plan, stdout);
        printf("\non_poweroff=%s on_reboot=%s on_watchdog=%s on_crash=%s\n",
               pvb_action_name(p->on_poweroff), pvb_action_name(p->on_reboot),
               pvb_action_name(p->on_watchdog), pvb_action_name(p->on_crash));
    }
    status = 0;
out:
    pvb_ramdisk_close(rd);
    pvb_image_close(img);
    return status;
}
