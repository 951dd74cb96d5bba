/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Output shared by the subcommands: the verifier's report, JSON, shutdown
 * reasons. */
#ifndef PVB_TOOLS_REPORT_H
#define PVB_TOOLS_REPORT_H

#include "pvbuild.h"

void report_verify_text(const struct pvb_verify_report *rep);
/*
 * Print what a library *_json call made (rc, text, err as it left them)
 * on stdout and free it; 0, or 1 after saying why on stderr.
 */
int cli_print_json(int rc, char *text, const pvb_error *err);
const char *cli_shutdown_reason(unsigned reason);

#endif
