/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PVBUILD_TOOLS_PREPARE_H
#define PVBUILD_TOOLS_PREPARE_H

#include <stdbool.h>
#include "pvbuild.h"

struct prepared {
    pvb_image *img;
    pvb_ramdisk *rd;             /* NULL without a ramdisk */
    struct pvb_plan *plan;
};

struct timings;

/* How to open them: messages to log, the kernel cache (NULL: none), the
 * CLI's phases recorded in tm (NULL: none). */
struct prepare_opts {
    bool keep_compressed;
    const pvb_logger *log;
    const char *cache_dir;
    struct timings *tm;
};

/* Open cfg's kernel and ramdisk and plan them; 1 (said why) on failure. */
int prepare(const struct pvb_config *cfg, const struct prepare_opts *po,
            struct prepared *p);
void prepared_free(struct prepared *p);

#endif
