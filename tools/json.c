/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "json.h"

static void indent(struct json *j)
{
    fputc('\n', j->f);
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->f);
}

static void put_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void member(struct json *j, const char *key)
{
    if (j->depth > 0) {
        if (!j->first[j->depth])
            fputc(',', j->f);
        j->first[j->depth] = false;
        indent(j);
    }
    if (key) {
        put_string(j->f, key);
        fputs(": ", j->f);
    }
}

static void open_(struct json *j, const char *key, char c)
{
    member(j, key);
    fputc(c, j->f);
    if (j->depth + 1 < JSON_MAX_DEPTH)
        j->depth++;
    j->first[j->depth] = true;
}

static void close_(struct json *j, char c)
{
    bool empty = j->first[j->depth];
    j->depth--;
    if (!empty)
        indent(j);
    fputc(c, j->f);
}

void json_start(struct json *j, FILE *f)
{
    j->f = f;
    j->depth = 0;
    j->first[0] = true;
}

void json_finish(struct json *j)
{
    fputc('\n', j->f);
}

void json_object(struct json *j, const char *key) { open_(j, key, '{'); }
void json_object_end(struct json *j) { close_(j, '}'); }
void json_array(struct json *j, const char *key) { open_(j, key, '['); }
void json_array_end(struct json *j) { close_(j, ']'); }

void json_string(struct json *j, const char *key, const char *value)
{
    member(j, key);
    if (value)
        put_string(j->f, value);
    else
        fputs("null", j->f);
}

void json_uint(struct json *j, const char *key, uint64_t value)
{
    member(j, key);
    fprintf(j->f, "%llu", (unsigned long long)value);
}

void json_hex(struct json *j, const char *key, uint64_t value)
{
    member(j, key);
    fprintf(j->f, "\"0x%llx\"", (unsigned long long)value);
}

void json_bool(struct json *j, const char *key, bool value)
{
    member(j, key);
    fputs(value ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
    member(j, key);
    fputs("null", j->f);
}

void json_seconds(struct json *j, const char *key, double value)
{
    member(j, key);
    fprintf(j->f, "%.6f", value);
}
