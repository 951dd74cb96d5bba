/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xl's cpu list syntax (xl.cfg(5), cpus=), read as xl reads it. */
#include "config/config.h"
#include "config/cpuspec.h"
#include "util/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A decimal number at *p (advanced past it), below limit. */
static bool number(const char **p, const char *end, unsigned long *out)
{
    const char *s = *p;
    unsigned long v = 0;
    if (s == end || *s < '0' || *s > '9')
        return false;
    while (s < end && *s >= '0' && *s <= '9') {
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > 1000000)
            return false;
        s++;
    }
    *p = s;
    *out = v;
    return true;
}

/* "A" or "A-B" filling the whole token. */
static bool range(const char *s, const char *end, unsigned long *a, unsigned long *b)
{
    if (!number(&s, end, a))
        return false;
    *b = *a;
    if (s < end && *s == '-') {
        s++;
        if (!number(&s, end, b))
            return false;
    }
    return s == end && *a <= *b;
}

int cpuspec_parse(const char *what, const char *text, size_t len,
                  const struct cpu_set_space *space, uint64_t *map, pvb_error *err)
{
    char shown[PRINTABLE_MAX];
    char copy[PVB_PLAN_AFFINITY_TEXT_MAX];
    const char *end = text + len;
    unsigned limit = space ? space->nr : PVB_PLAN_MAX_CPUS;

    memset(map, 0, PVB_PLAN_CPUMAP_WORDS * sizeof *map);
    snprintf(copy, sizeof copy, "%.*s", (int)len, text);
    printable_value(copy, shown, sizeof shown);
    if (len == 0)
        return fail(err, -EINVAL, "%s \"\": an empty cpu list", what);
    for (const char *tok = text; tok < end;) {
        const char *comma = memchr(tok, ',', (size_t)(end - tok));
        const char *tend = comma ? comma : end;
        bool remove = tok < tend && *tok == '^';
        const char *s = tok + remove;
        unsigned long a, b;

        if ((size_t)(tend - s) == 3 && memcmp(s, "all", 3) == 0) {
            for (unsigned c = 0; c < limit; c++)
                if (!space || !space->node || space->node[c] != CPU_NO_NODE) {
                    if (remove)
                        map[c / 64] &= ~(UINT64_C(1) << (c % 64));
                    else
                        cpumap_set(map, c);
                }
        } else if ((tend - s > 6 && memcmp(s, "nodes:", 6) == 0) ||
                   (tend - s > 5 && memcmp(s, "node:", 5) == 0)) {
            s += s[4] == ':' ? 5 : 6;
            if (space && !space->node)
                return fail(err, -EINVAL, "%s \"%s\": nodes: does not apply here", what,
                            shown);
            if (!range(s, tend, &a, &b))
                return fail(err, -EINVAL, "%s \"%s\": \"%.*s\" is not a node or a range "
                            "of nodes (N or N-M)", what, shown, (int)(tend - s), s);
            if (space && b >= space->nr_nodes)
                return fail(err, -EINVAL, "%s \"%s\": node %lu is not on this host (it "
                            "has %u node%s)", what, shown, b, space->nr_nodes,
                            space->nr_nodes == 1 ? "" : "s");
            for (unsigned c = 0; space && c < limit; c++)
                if (space->node[c] >= a && space->node[c] <= b) {
                    if (remove)
                        map[c / 64] &= ~(UINT64_C(1) << (c % 64));
                    else
                        cpumap_set(map, c);
                }
        } else {
            if (!range(s, tend, &a, &b))
                return fail(err, -EINVAL, "%s \"%s\": \"%.*s\" is not a cpu, a range "
                            "(N-M), all or nodes:N", what, shown, (int)(tend - tok), tok);
            if (b >= limit)
                return fail(err, -EINVAL, "%s \"%s\": %lu is beyond the last %s (%u)",
                            what, shown, b, space && !space->node ? "vCPU" : "cpu",
                            limit - 1);
            for (unsigned long c = a; c <= b; c++) {
                if (remove)
                    map[c / 64] &= ~(UINT64_C(1) << (c % 64));
                else
                    cpumap_set(map, (unsigned)c);
            }
        }
        tok = comma ? comma + 1 : end;
        if (comma && tok == end)
            return fail(err, -EINVAL, "%s \"%s\": ends with a comma", what, shown);
    }
    for (unsigned w = 0; w < PVB_PLAN_CPUMAP_WORDS; w++)
        if (map[w] || !space)   /* without the host, nodes: selects nothing yet */
            return 0;
    return fail(err, -EINVAL, "%s \"%s\": selects no %s", what, shown,
                space && !space->node ? "vCPU" : "cpu");
}

int cpuspec_items(const char *what, const char *text,
                  int (*fn)(void *ctx, unsigned i, const char *item, size_t len,
                            pvb_error *err),
                  void *ctx, unsigned *nr_items, pvb_error *err)
{
    size_t n = strlen(text);
    unsigned i = 0;
    int rc;
    if (n >= PVB_PLAN_AFFINITY_TEXT_MAX)
        return fail(err, -EINVAL, "%s: %zu bytes, more than the %u taken", what, n,
                    PVB_PLAN_AFFINITY_TEXT_MAX - 1);
    if (!strchr(text, ';')) {
        *nr_items = 1;
        return fn(ctx, 0, text, n, err);
    }
    for (const char *p = text; *p; i++) {
        const char *semi = strchr(p, ';');
        size_t len = semi ? (size_t)(semi - p) : strlen(p);
        if (i >= PVB_PLAN_MAX_AFFINITY)
            return fail(err, -EINVAL, "%s: more than %u per-vCPU items", what,
                        PVB_PLAN_MAX_AFFINITY);
        if ((rc = fn(ctx, i, p, len, err)) < 0)
            return rc;
        p += len + (semi != NULL);
    }
    *nr_items = i;
    return 0;
}

const char *pvb_cpumap_format(const uint64_t *map, unsigned nr, char *buf, size_t size)
{
    size_t len = 0;
    if (!buf || size == 0)
        return "";
    buf[0] = '\0';
    for (unsigned c = 0; map && c < nr && c < PVB_PLAN_MAX_CPUS; c++) {
        if (!cpumap_test(map, c))
            continue;
        unsigned e = c;
        while (e + 1 < nr && e + 1 < PVB_PLAN_MAX_CPUS && cpumap_test(map, e + 1))
            e++;
        int n = e == c ? snprintf(buf + len, size - len, "%s%u", len ? "," : "", c)
                       : snprintf(buf + len, size - len, "%s%u-%u", len ? "," : "", c, e);
        if (n < 0 || (size_t)n >= size - len) {
            /* Cut, and say so, rather than end mid-number. */
            if (size > 4)
                snprintf(buf + (len < size - 4 ? len : size - 4), 4, "...");
            return buf;
        }
        len += (size_t)n;
        c = e;
    }
    return buf;
}
