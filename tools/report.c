/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "report.h"
#include "cli.h"

#include <stdio.h>
#include <xen/sched.h>

void report_verify_text(const struct pvb_verify_report *rep)
{
    printf("verify: %s\n", rep->ok ? "ok" : "FAILED");
    for (unsigned i = 0; i < rep->nr_checks; i++)
        printf("  %-4s %-22s %s\n", rep->checks[i].ok ? "ok" : "FAIL",
               rep->checks[i].name, rep->checks[i].detail);
}

int cli_print_json(int rc, char *text, const pvb_error *err)
{
    if (rc < 0) {
        cli_error("%s", err->msg);
        return 1;
    }
    fputs(text, stdout);
    pvb_free(text);
    return 0;
}

const char *cli_shutdown_reason(unsigned reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff:   return "poweroff";
    case SHUTDOWN_reboot:     return "reboot";
    case SHUTDOWN_suspend:    return "suspend";
    case SHUTDOWN_crash:      return "crash";
    case SHUTDOWN_watchdog:   return "watchdog";
    case SHUTDOWN_soft_reset: return "soft_reset";
    }
    return "unknown reason";
}
