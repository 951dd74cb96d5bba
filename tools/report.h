/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Output shared by the subcommands: the verifier's report, shutdown reasons. */
#ifndef PVB_TOOLS_REPORT_H
#define PVB_TOOLS_REPORT_H

#include "pvbuild.h"
#include "json.h"

void report_verify_text(const struct pvb_verify_report *rep);
/* A "verify" member: {"ok": ..., "<check>": {"ok": ..., "detail": ...}, ...} */
void report_verify_json(struct json *j, const struct pvb_verify_report *rep);
const char *cli_shutdown_reason(unsigned reason);

#endif
