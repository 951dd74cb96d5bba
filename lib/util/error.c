/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
 * Messages quote what inputs hold (an ELF note's owner name, a
 * __xen_guest key, a file's name): a control character there would break
 * the one-line promise or reach the user's terminal as an escape
 * sequence.  Each becomes '?'.
 */
static void one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
}

int fail(pvb_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        one_line(err->msg);
        err->code = code;
    }
    return code;
}

int fail_prefix(pvb_error *err, int code, const char *what)
{
    if (err) {
        char tmp[PVB_ERROR_MAX];
        size_t n = strlen(what);
        /* Truncating a long message is fine: the prefix matters more. */
        if (n > sizeof tmp - 3)
            n = sizeof tmp - 3;
        memcpy(tmp, what, n);
        tmp[n] = ':';
        tmp[n + 1] = ' ';
        size_t rest = sizeof tmp - n - 3;
        size_t m = strnlen(err->msg, sizeof err->msg);
        if (m > rest)
            m = rest;
        memcpy(tmp + n + 2, err->msg, m);
        tmp[n + 2 + m] = '\0';
        one_line(tmp);
        memcpy(err->msg, tmp, sizeof tmp);
        err->code = code;
    }
    return code;
}

void fail_append(pvb_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    size_t m = strnlen(err->msg, sizeof err->msg);
    if (m + 1 >= sizeof err->msg)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg + m, sizeof err->msg - m, fmt, ap);
    va_end(ap);
    one_line(err->msg + m);
}

void log_msg(const pvb_logger *log, enum pvb_log_level level,
             const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    if (!log || !log->fn)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    one_line(buf);
    log->fn(log->opaque, level, buf);
}

const char *pvb_version(void)
{
    return PACKAGE_VERSION;
}
