/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which keys an xl config text assigns.  libxlutil has no public way to
 * walk its settings, so we list them from the text ourselves; the values
 * still come from libxlutil.  The text has already been accepted by
 * libxlutil, whose grammar allows identifiers only as the names being
 * assigned (values are strings, numbers or lists of them), so every
 * identifier token outside strings and comments is a key.
 */
#include "config/xl.h"
#include "util/alloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* libxlutil's identifier and number characters (lower case only). */
static bool is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.';
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void xl_free_keys(char **keys, size_t nr_keys)
{
    for (size_t i = 0; i < nr_keys; i++)
        free(keys[i]);
    free(keys);
}

static int add_key(char ***keys, size_t *nr, size_t *cap, const char *name,
                   size_t len)
{
    if (*nr == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        char **n = mem_realloc(*keys, ncap * sizeof *n);
        if (!n)
            return -ENOMEM;
        *keys = n;
        *cap = ncap;
    }
    char *copy = mem_strndup(name, len);
    if (!copy)
        return -ENOMEM;
    (*keys)[(*nr)++] = copy;
    return 0;
}

int xl_assigned_keys(const char *text, size_t len, char ***keys_r,
                     size_t *nr_r)
{
    char **keys = NULL;
    size_t nr = 0, cap = 0, i = 0;

    while (i < len) {
        char c = text[i];
        if (c == '#') {
            while (i < len && text[i] != '\n')
                i++;
        } else if (c == '"' || c == '\'') {
            for (i++; i < len && text[i] != c; i++)
                if (text[i] == '\\')
                    i++;
            i++;
        } else if (is_word_char(c)) {
            size_t start = i;
            while (i < len && is_word_char(text[i]))
                i++;
            if (c >= 'a' && c <= 'z' &&
                add_key(&keys, &nr, &cap, text + start, i - start) < 0) {
                xl_free_keys(keys, nr);
                return -ENOMEM;
            }
        } else {
            i++;
        }
    }

    if (nr)
        qsort(keys, nr, sizeof *keys, cmp_names);
    size_t out = 0;
    for (size_t k = 0; k < nr; k++) {
        if (out && strcmp(keys[out - 1], keys[k]) == 0)
            free(keys[k]);
        else
            keys[out++] = keys[k];
    }
    *keys_r = keys;
    *nr_r = out;
    return 0;
}
