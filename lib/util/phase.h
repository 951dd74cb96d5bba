/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Phase timings: each step of opening and building reports how long it
 * took, through the caller's logger at info level, as one line
 * "timing: NAME SECONDS s" (pvb_timing_parse reads it back), so a user
 * sees where a create's time goes without a profiler.
 */
#ifndef PVB_UTIL_PHASE_H
#define PVB_UTIL_PHASE_H

#include <time.h>
#include "pvbuild.h"

struct phase {
    const pvb_logger *log;
    struct timespec t0;
};

/* Start the clock (a NULL logger makes every phase_end a no-op). */
void phase_begin(struct phase *p, const pvb_logger *log);

/* Report the time since the last begin/end as phase `name`, restart. */
void phase_end(struct phase *p, const char *name);

#endif
