/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A one-line progress indicator for long builds: a multi-TiB guest takes
 * tens of seconds to populate, and silence looks like a hang.  It appears
 * only on a terminal and only once the work has taken a second, so short
 * builds, pipes and logs never see it; it rewrites itself at most five
 * times a second.
 */
#include "progress.h"

#include <time.h>
#include <unistd.h>

/* Below this the build is over before a user wonders. */
#define SHOW_AFTER_S 1.0
#define REDRAW_S 0.2

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void progress_init(struct progress *p, FILE *out, bool wanted)
{
    p->out = wanted && out && isatty(fileno(out)) ? out : NULL;
    p->start = p->last = now();
    p->shown = false;
}

void progress_report(void *opaque, uint64_t done, uint64_t total)
{
    struct progress *p = opaque;
    if (!p->out || !total)
        return;
    double t = now(), elapsed = t - p->start;
    if (elapsed < SHOW_AFTER_S || (t - p->last < REDRAW_S && done < total))
        return;
    p->last = t;
    p->shown = true;
    /* \r and erase-to-end: the line is rewritten in place. */
    fprintf(p->out, "\rpvbuild: memory: %llu/%llu pages (%u%%), %.0f pages/s, %.1f s\033[K",
            (unsigned long long)done, (unsigned long long)total,
            (unsigned)(done * 100 / total), elapsed > 0 ? (double)done / elapsed : 0.0,
            elapsed);
    fflush(p->out);
}

void progress_end(struct progress *p)
{
    if (p->shown) {
        fputc('\n', p->out);
        fflush(p->out);
    }
    p->shown = false;
}
