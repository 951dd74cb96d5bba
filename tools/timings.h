/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * create --timings: the phases the library reports through the logger
 * ("timing: NAME S s") and those the CLI itself runs, in order, as one
 * table on stderr or as pvb_timing rows for the library's JSON.
 */
#ifndef PVB_TOOLS_TIMINGS_H
#define PVB_TOOLS_TIMINGS_H

#include "pvbuild.h"

#include <stdbool.h>
#include <time.h>

#define TIMINGS_MAX 32

struct timings {
    bool on;
    unsigned n;
    struct { char name[24]; double s; } row[TIMINGS_MAX];
    struct timespec mark;       /* the start of the CLI's current phase */
    struct timespec start;      /* main() */
    double exec;                /* process start to main(), -1 if unknown */
    pvb_logger log;             /* hands the library's timings to add() */
};

/* Start recording; log: passes every other message to `next`. */
void timings_init(struct timings *t, const pvb_logger *next);
/* The CLI's own phase, ending now (library phases in between are kept). */
void timings_mark(struct timings *t, const char *name);
/* Restart the CLI's phase clock without recording. */
void timings_reset(struct timings *t);
/* exec (when known), the phases, "other" and "total": at most TIMINGS_ROWS. */
#define TIMINGS_ROWS (TIMINGS_MAX + 3)
size_t timings_rows(const struct timings *t, struct pvb_timing out[TIMINGS_ROWS]);
void timings_print_text(const struct timings *t, FILE *f);

#endif
