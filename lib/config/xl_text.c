/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The bytes of an xl config, checked before libxlutil sees them.
 * libxlutil asserts (and so aborts the whole program) on a NUL byte
 * inside a quoted string, and takes lines of any length; pvbuild refuses
 * both with the file and line named instead.
 */
#include "config/config.h"
#include "config/xl.h"
#include "util/error.h"

#include <errno.h>
#include <stdio.h>

static int bad_line(const char *path, size_t lineno, size_t file_lines,
                    const char *const *overrides, const char *what,
                    pvb_error *err)
{
    char shown[PRINTABLE_MAX];
    if (lineno > file_lines)
        return fail(err, -EINVAL, "%s: override \"%s\": %s", path,
                    printable_value(overrides[lineno - file_lines - 1], shown,
                                    sizeof shown), what);
    return fail(err, -EINVAL, "%s:%zu: %s", path, lineno, what);
}

int xl_check_text(const char *path, const char *text, size_t len,
                  size_t file_lines, const char *const *overrides,
                  pvb_error *err)
{
    size_t lineno = 1, start = 0;
    char what[96];
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\0') {
            snprintf(what, sizeof what, "a NUL byte at column %zu (an xl "
                     "config is text)", i - start + 1);
            return bad_line(path, lineno, file_lines, overrides, what, err);
        }
        if (text[i] == '\n') {
            lineno++;
            start = i + 1;
        } else if (i - start + 1 > XL_CONFIG_MAX_LINE) {
            snprintf(what, sizeof what, "line longer than the limit of %d "
                     "bytes", XL_CONFIG_MAX_LINE);
            return bad_line(path, lineno, file_lines, overrides, what, err);
        }
    }
    return 0;
}
