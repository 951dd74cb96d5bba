/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Command-line overrides, as `xl create FILE KEY=VALUE...` takes them.
 *
 * xl appends each KEY=VALUE verbatim as a line of config text, so a value
 * must be written in xl syntax: kernel=/x is a syntax error to xl and
 * kernel='"/x"' is what it wants.  We keep that (a value that is valid xl
 * syntax is used as it is, so numbers, quoted strings and lists mean what
 * they mean to xl), and otherwise take the whole value as a string, which
 * is what the user meant by kernel=/x or cmdline=console=hvc0 root=/dev/xvda.
 */
#include "config/config.h"
#include "util/alloc.h"
#include "config/xl.h"
#include "util/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxlutil.h>

static bool is_key(const char *s, size_t len)
{
    if (len == 0 || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (size_t i = 1; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '.'))
            return false;
    }
    return true;
}

/* Whether libxlutil accepts `line` on its own; its reports are dropped. */
static int parses_alone(const char *line, bool *ok)
{
    char *report_buf = NULL;
    size_t report_len = 0;
    FILE *report = mem_fail_injected() ? NULL
                   : open_memstream(&report_buf, &report_len);
    if (!report)
        return -errno;
    XLU_Config *xc = xlu_cfg_init(report, "override");
    if (!xc) {
        fclose(report);
        free(report_buf);
        return -ENOMEM;
    }
    int e = xlu_cfg_readdata(xc, line, (int)strlen(line));
    xlu_cfg_destroy(xc);
    fclose(report);
    free(report_buf);
    if (e == ENOMEM)
        return -ENOMEM;
    *ok = e == 0;
    return 0;
}

/* VALUE as an xl double-quoted string. */
static char *quote_string(const char *value)
{
    size_t n = 3;
    for (const char *p = value; *p; p++)
        n += strchr("\\\"\n\r\t", *p) ? 2 : 1;
    char *q = mem_malloc(n), *o = q;
    if (!q)
        return NULL;
    *o++ = '"';
    for (const char *p = value; *p; p++) {
        switch (*p) {
        case '\\': case '"': *o++ = '\\'; *o++ = *p; break;
        case '\n': *o++ = '\\'; *o++ = 'n'; break;
        case '\r': *o++ = '\\'; *o++ = 'r'; break;
        case '\t': *o++ = '\\'; *o++ = 't'; break;
        default: *o++ = *p;
        }
    }
    *o++ = '"';
    *o = '\0';
    return q;
}

/* "KEY=VALUE" (op "=" or "+="), with `tail` after it, malloc'd. */
static char *join_line(const char *key, size_t key_len, const char *op,
                       const char *value, const char *tail)
{
    size_t n = key_len + strlen(op) + strlen(value) + strlen(tail) + 1;
    char *line = mem_malloc(n);
    if (line)
        snprintf(line, n, "%.*s%s%s%s", (int)key_len, key, op, value, tail);
    return line;
}

int xl_override_line(const char *override, char **line_r, char **key_r,
                     bool *op_add_r, pvb_error *err)
{
    char shown[PRINTABLE_MAX];
    const char *eq = strchr(override, '=');

    if (!eq)
        return fail(err, -EINVAL, "override \"%s\" is not KEY=VALUE",
                    printable_value(override, shown, sizeof shown));
    bool op_add = eq > override && eq[-1] == '+';
    size_t key_len = (size_t)(eq - override) - op_add;
    if (!is_key(override, key_len))
        return fail(err, -EINVAL, "override \"%s\": the key is not an xl "
                    "config name (a lower-case letter, then a-z 0-9 _ .)",
                    printable_value(override, shown, sizeof shown));

    const char *value = eq + 1;
    const char *op = op_add ? "+=" : "=";
    char *line = NULL, *key = NULL;
    bool raw_ok = false;

    /* One line per override, so that a parse error's line number tells
     * which one it was. */
    if (!strchr(value, '\n')) {
        line = join_line(override, key_len, op, value, "\n");
        if (!line)
            goto nomem;
        int r = parses_alone(line, &raw_ok);
        if (r < 0) {
            free(line);
            return fail(err, r, "override \"%s\": cannot check its syntax: %s",
                        printable_value(override, shown, sizeof shown),
                        strerror(-r));
        }
        if (raw_ok)
            line[strlen(line) - 1] = '\0';
    }
    if (!raw_ok) {
        free(line);
        char *quoted = quote_string(value);
        line = quoted ? join_line(override, key_len, op, quoted, "") : NULL;
        free(quoted);
        if (!line)
            goto nomem;
    }
    if (key_r) {
        key = mem_strndup(override, key_len);
        if (!key)
            goto nomem;
        *key_r = key;
    }
    if (op_add_r)
        *op_add_r = op_add;
    *line_r = line;
    return 0;

nomem:
    free(line);
    return fail(err, -ENOMEM, "override \"%s\": out of memory",
                printable_value(override, shown, sizeof shown));
}
