/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The verifier's report as JSON: alone (pvbuild verify) or in a build's. */
#include "verify/json.h"
#include "util/error.h"

#include <errno.h>
#include <stdio.h>

void verify_json_member(struct json *j, const struct pvb_verify_report *rep)
{
    if (!rep) {
        json_null(j, "verify");
        return;
    }
    json_object(j, "verify");
    json_bool(j, "ok", rep->ok);
    for (unsigned i = 0; i < rep->nr_checks && i < PVB_VERIFY_MAX_CHECKS; i++) {
        const struct pvb_verify_check *c = &rep->checks[i];
        char unnamed[24];
        snprintf(unnamed, sizeof unnamed, "check%u", i);
        json_object(j, c->name ? c->name : unnamed);
        json_bool(j, "ok", c->ok);
        json_string_n(j, "detail", c->detail, sizeof c->detail);
        json_object_end(j);
    }
    json_object_end(j);
}

int pvb_verify_json(uint32_t domid, const struct pvb_verify_report *report,
                    char **out, pvb_error *err)
{
    if (out)
        *out = NULL;
    if (!report || !out)
        return fail(err, -EINVAL, "the verify report as JSON: %s is NULL",
                    !report ? "the report" : "the output pointer");
    struct json j;
    json_begin(&j);
    json_object(&j, NULL);
    json_uint(&j, "domid", domid);
    verify_json_member(&j, report);
    json_object_end(&j);
    return json_end(&j, "the verify report", out, err);
}
