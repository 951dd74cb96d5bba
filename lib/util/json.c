/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "util/json.h"
#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(struct json *j, size_t more)
{
    if (j->oom)
        return false;
    if (j->len + more + 1 <= j->cap)
        return true;
    size_t cap = j->cap ? j->cap : 1024;
    while (cap < j->len + more + 1) {
        if (cap > SIZE_MAX / 2) {
            j->oom = true;
            return false;
        }
        cap *= 2;
    }
    char *p = mem_realloc(j->buf, cap);
    if (!p) {
        j->oom = true;
        return false;
    }
    j->buf = p;
    j->cap = cap;
    return true;
}

static void put(struct json *j, const char *s, size_t n)
{
    if (!reserve(j, n))
        return;
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

static void putc_(struct json *j, char c)
{
    put(j, &c, 1);
}

static void PVB_PRINTF(2, 3) putf(struct json *j, const char *fmt, ...)
{
    char tmp[512];       /* DBL_MAX with "%.6f" takes 316 */
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof tmp)
        put(j, tmp, (size_t)n);
}

/* The length of the valid UTF-8 sequence at s (RFC 3629), or 0. */
static size_t utf8_len(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xbf;    /* the second byte's range */

    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0;                     /* no overlong forms */
        else if (c == 0xed)
            hi = 0x9f;                     /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;                     /* nothing past U+10FFFF */
    } else
        return 0;
    if (left < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return n;
}

void json_put_string(struct json *j, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    putc_(j, '"');
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            char esc[2] = { '\\', (char)c };
            put(j, esc, 2);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            putf(j, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            putc_(j, (char)c);
            i++;
        } else {
            size_t n = utf8_len(s + i, len - i);
            if (n) {
                put(j, (const char *)s + i, n);
                i += n;
            } else {
                put(j, "\\ufffd", 6);
                i++;
            }
        }
    }
    putc_(j, '"');
}

static void indent(struct json *j)
{
    putc_(j, '\n');
    for (int i = 0; i < j->depth; i++)
        put(j, "  ", 2);
}

static void member(struct json *j, const char *key)
{
    if (j->depth > 0) {
        if (!j->first[j->depth])
            putc_(j, ',');
        j->first[j->depth] = false;
        indent(j);
    }
    if (key) {
        json_put_string(j, key, strlen(key));
        put(j, ": ", 2);
    }
}

static void open_(struct json *j, const char *key, char c)
{
    member(j, key);
    putc_(j, c);
    /* Deeper than any document of ours: a bug, kept well-formed anyway. */
    if (j->depth + 1 < JSON_MAX_DEPTH)
        j->depth++;
    j->first[j->depth] = true;
}

static void close_(struct json *j, char c)
{
    bool empty = j->first[j->depth];
    if (j->depth > 0)
        j->depth--;
    if (!empty)
        indent(j);
    putc_(j, c);
}

void json_begin(struct json *j)
{
    memset(j, 0, sizeof *j);
    j->first[0] = true;
}

int json_end(struct json *j, const char *what, char **out, pvb_error *err)
{
    putc_(j, '\n');
    if (j->oom) {
        free(j->buf);
        memset(j, 0, sizeof *j);
        *out = NULL;
        return fail(err, -ENOMEM, "%s as JSON: out of memory", what);
    }
    *out = j->buf;
    memset(j, 0, sizeof *j);
    return 0;
}

void json_object(struct json *j, const char *key) { open_(j, key, '{'); }
void json_object_end(struct json *j) { close_(j, '}'); }
void json_array(struct json *j, const char *key) { open_(j, key, '['); }
void json_array_end(struct json *j) { close_(j, ']'); }

void json_string(struct json *j, const char *key, const char *value)
{
    member(j, key);
    if (value)
        json_put_string(j, value, strlen(value));
    else
        put(j, "null", 4);
}

void json_string_n(struct json *j, const char *key, const char *value, size_t max)
{
    member(j, key);
    json_put_string(j, value, strnlen(value, max));
}

void json_uint(struct json *j, const char *key, uint64_t value)
{
    member(j, key);
    putf(j, "%" PRIu64, value);
}

void json_hex(struct json *j, const char *key, uint64_t value)
{
    member(j, key);
    putf(j, "\"0x%" PRIx64 "\"", value);
}

void json_bool(struct json *j, const char *key, bool value)
{
    member(j, key);
    if (value)
        put(j, "true", 4);
    else
        put(j, "false", 5);
}

void json_null(struct json *j, const char *key)
{
    member(j, key);
    put(j, "null", 4);
}

void json_seconds(struct json *j, const char *key, double value)
{
    member(j, key);
    if (isfinite(value))
        putf(j, "%.6f", value);
    else
        put(j, "null", 4);
}
