/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a cache test hears through the library's logger: the warnings
 * (how many, the last) and the hits, the info lines that contain
 * CACHELOG_HIT (defined by the includer).  One copy per test program.
 */
#ifndef PVB_TESTS_IMAGE_CACHELOG_H
#define PVB_TESTS_IMAGE_CACHELOG_H

#include <stdio.h>
#include <string.h>

#include "pvbuild.h"

static char warned[4096], hit_line[1024];
static unsigned nr_warnings, nr_hits;

static void grab(void *opaque, enum pvb_log_level level, const char *msg)
{
    (void)opaque;
    if (level == PVB_LOG_WARNING) {
        nr_warnings++;
        snprintf(warned, sizeof warned, "%s", msg);
    } else if (level == PVB_LOG_INFO && strstr(msg, CACHELOG_HIT)) {
        nr_hits++;
        snprintf(hit_line, sizeof hit_line, "%s", msg);
    }
}
static const pvb_logger logger = { grab, NULL };

static void reset_log(void)
{
    warned[0] = hit_line[0] = 0;
    nr_warnings = nr_hits = 0;
}

#endif
