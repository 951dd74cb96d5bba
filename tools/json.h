/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small streaming JSON writer for the CLI's --json output. */
#ifndef PVB_TOOLS_JSON_H
#define PVB_TOOLS_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
    FILE *f;
    int depth;
    bool first[JSON_MAX_DEPTH];
};

/* `key` is NULL for the top level and for array elements. */
void json_start(struct json *j, FILE *f);
void json_finish(struct json *j);
void json_object(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_string(struct json *j, const char *key, const char *value); /* NULL -> null */
void json_uint(struct json *j, const char *key, uint64_t value);
/* 64-bit addresses as "0x..." strings: JSON numbers lose precision past 2^53. */
void json_hex(struct json *j, const char *key, uint64_t value);
void json_bool(struct json *j, const char *key, bool value);
void json_null(struct json *j, const char *key);
/* A duration in seconds, to the microsecond. */
void json_seconds(struct json *j, const char *key, double value);

#endif
