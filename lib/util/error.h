/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Error and log helpers shared by every part of the library. */
#ifndef PVB_UTIL_ERROR_H
#define PVB_UTIL_ERROR_H

#include "pvbuild.h"

#define PVB_PRINTF(a, b) __attribute__((format(printf, a, b)))

/*
 * Fill `err` (if not NULL) with code and a formatted one-line message and
 * return `code`, so that a failure site reads `return fail(err, -EINVAL, ...)`.
 */
int fail(pvb_error *err, int code, const char *fmt, ...) PVB_PRINTF(3, 4);

/* Prefix an already-filled error with "what: " (keeps the code). */
int fail_prefix(pvb_error *err, int code, const char *what);

/* Add to an already-filled error's message (what went wrong next). */
void fail_append(pvb_error *err, const char *fmt, ...) PVB_PRINTF(2, 3);

void log_msg(const pvb_logger *log, enum pvb_log_level level,
             const char *fmt, ...) PVB_PRINTF(3, 4);

#define log_warn(log, ...)  log_msg((log), PVB_LOG_WARNING, __VA_ARGS__)
#define log_info(log, ...)  log_msg((log), PVB_LOG_INFO, __VA_ARGS__)
#define log_debug(log, ...) log_msg((log), PVB_LOG_DEBUG, __VA_ARGS__)

#endif
