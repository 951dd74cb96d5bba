/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "util/phase.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

#define TIMING_PREFIX "timing: "

static struct timespec now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t;
}

void phase_begin(struct phase *p, const pvb_logger *log)
{
    p->log = log;
    if (log && log->fn)
        p->t0 = now();
}

void phase_end(struct phase *p, const char *name)
{
    /* No clock read when nobody listens: phases sit on hot paths. */
    if (!p->log || !p->log->fn)
        return;
    struct timespec t = now();
    double s = (double)(t.tv_sec - p->t0.tv_sec) +
               (double)(t.tv_nsec - p->t0.tv_nsec) / 1e9;
    p->t0 = t;
    log_info(p->log, TIMING_PREFIX "%s %.6f s", name, s);
}

int pvb_timing_parse(const char *message, char *name, size_t name_len,
                     double *seconds)
{
    size_t plen = strlen(TIMING_PREFIX);
    if (strncmp(message, TIMING_PREFIX, plen) != 0)
        return -1;
    const char *n = message + plen;
    size_t len = strcspn(n, " ");
    if (len == 0 || len >= name_len || n[len] != ' ')
        return -1;
    char *end;
    double s = strtod(n + len + 1, &end);
    if (end == n + len + 1 || strcmp(end, " s") != 0)
        return -1;
    memcpy(name, n, len);
    name[len] = '\0';
    *seconds = s;
    return 0;
}
