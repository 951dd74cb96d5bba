/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "verify/verify.h"

#include <stdarg.h>
#include <stdio.h>

void report_check(struct verify *v, const char *name, bool ok, const char *fmt, ...)
{
    struct pvb_verify_report *r = v->report;
    if (r->nr_checks >= PVB_VERIFY_MAX_CHECKS)
        return;
    struct pvb_verify_check *c = &r->checks[r->nr_checks++];
    va_list ap;
    c->name = name;
    c->ok = ok;
    va_start(ap, fmt);
    vsnprintf(c->detail, sizeof c->detail, fmt, ap);
    va_end(ap);
    if (!ok)
        r->ok = false;
}
