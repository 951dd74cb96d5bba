/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Print a plan of a hand-described guest, for print.sh:
 *   plan-dump text|json debian|old-linux|pae MEMORY_MIB RAMDISK_BYTES [P2M_VADDR]
 */
#include "guests.h"
#include "plan_copy.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    struct pvb_guest g;
    struct pvb_config cfg;
    struct pvb_plan p;
    pvb_error err = { 0 };

    if (argc < 5) {
        fprintf(stderr, "usage: plan-dump text|json GUEST MIB RAMDISK [P2M]\n");
        return 2;
    }
    if (!strcmp(argv[2], "debian"))
        guest_debian(&g);
    else if (!strcmp(argv[2], "old-linux"))
        guest_old_linux(&g);
    else if (!strcmp(argv[2], "pae"))
        guest_pae(&g);
    else
        return 2;
    config_mib(&cfg, strtoull(argv[3], NULL, 0));
    if (argc > 5) {
        cfg.p2m = PVB_P2M_ADDRESS;
        cfg.p2m_vaddr = strtoull(argv[5], NULL, 0);
    }
    if (test_plan_make(&g, &cfg, strtoull(argv[4], NULL, 0), &p, &err)) {
        fprintf(stderr, "plan-dump: %s\n", err.msg);
        return 1;
    }
    int rc = !strcmp(argv[1], "json") ? pvb_plan_print_json(&p, stdout, &err)
                                      : pvb_plan_print_text(&p, stdout, &err);
    return rc ? 1 : 0;
}
