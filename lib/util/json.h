/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The library's one JSON writer: every *_json call builds its text with
 * it, in memory, so that a caller gets either the whole document or an
 * error, never half of one.  The shape is fixed: two-space indentation,
 * one member per line, 64-bit addresses as "0x..." strings (JSON numbers
 * lose precision past 2^53), a newline at the end.
 *
 * Strings: '"' and '\' are escaped, every control character (below 0x20,
 * and 0x7f) is written \u00XX, valid UTF-8 passes as it is, and every
 * byte that is not part of a valid UTF-8 sequence (a stray continuation
 * byte, an overlong form, a surrogate, past U+10FFFF, a cut sequence)
 * becomes U+FFFD: the output is always valid JSON (RFC 8259 wants UTF-8),
 * and a kernel's note or a domain's name written in Latin-1 still shows.
 */
#ifndef PVB_UTIL_JSON_H
#define PVB_UTIL_JSON_H

#include "pvbuild.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 16

struct json {
    char *buf;
    size_t len, cap;
    bool oom;                   /* an allocation failed: json_end says so */
    int depth;
    bool first[JSON_MAX_DEPTH];
};

void json_begin(struct json *j);
/*
 * Hand the text over (*out, NUL-terminated, for pvb_free) and return 0,
 * or -ENOMEM (`what` names the document in the message) with *out NULL.
 * Either way `j` holds nothing more.
 */
int json_end(struct json *j, const char *what, char **out, pvb_error *err);

/* `key` is NULL for the top level and for array elements. */
void json_object(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_string(struct json *j, const char *key, const char *value); /* NULL: null */
void json_uint(struct json *j, const char *key, uint64_t value);
void json_hex(struct json *j, const char *key, uint64_t value);
void json_bool(struct json *j, const char *key, bool value);
void json_null(struct json *j, const char *key);
/* A string in a fixed array: up to its first NUL or `max` bytes. */
void json_string_n(struct json *j, const char *key, const char *value, size_t max);
/* A duration in seconds, to the microsecond; not finite: null. */
void json_seconds(struct json *j, const char *key, double value);

/* Escape `s` (len bytes) as a JSON string, quotes included. */
void json_put_string(struct json *j, const char *s, size_t len);

#endif
