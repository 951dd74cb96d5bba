/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef PVB_VERIFY_JSON_H
#define PVB_VERIFY_JSON_H

#include "pvbuild.h"
#include "util/json.h"

/* A "verify" member: {"ok": ..., "<check>": {"ok": ..., "detail": ...}, ...};
 * null for a NULL report (nothing verified). */
void verify_json_member(struct json *j, const struct pvb_verify_report *rep);

#endif
