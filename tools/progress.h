/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pvbuild create's progress line on a terminal (see progress.c). */
#ifndef PVB_TOOLS_PROGRESS_H
#define PVB_TOOLS_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct progress {
    FILE *out;               /* NULL: show nothing */
    double start, last;      /* seconds, CLOCK_MONOTONIC */
    bool shown;
};

/* Show on `out` only if it is a terminal and `wanted` (not -q, not --json). */
void progress_init(struct progress *p, FILE *out, bool wanted);
/* A pvb_progress_fn; opaque is the struct progress. */
void progress_report(void *opaque, uint64_t done, uint64_t total);
/* End the line if one was shown. */
void progress_end(struct progress *p);

#endif
