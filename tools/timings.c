/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "timings.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const pvb_logger *next_logger;

static double since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* A phase met twice (a file read for its hash, then whole) is one row. */
static void add(struct timings *t, const char *name, double s)
{
    for (unsigned i = 0; i < t->n && i < TIMINGS_MAX; i++)
        if (strcmp(t->row[i].name, name) == 0) {
            t->row[i].s += s;
            return;
        }
    if (t->n == TIMINGS_MAX)
        return;
    snprintf(t->row[t->n].name, sizeof t->row[t->n].name, "%s", name);
    t->row[t->n++].s = s;
}

/* The library's phases are recorded, not printed; the rest goes on. */
static void intercept(void *opaque, enum pvb_log_level level, const char *msg)
{
    struct timings *t = opaque;
    char name[24];
    double s;
    if (level == PVB_LOG_INFO && pvb_timing_parse(msg, name, sizeof name, &s) == 0) {
        add(t, name, s);
        return;
    }
    if (next_logger && next_logger->fn)
        next_logger->fn(next_logger->opaque, level, msg);
}

/*
 * From exec to main(): the kernel's start time of this process (clock
 * ticks since boot) against CLOCK_BOOTTIME; a tick's resolution.
 */
static double exec_time(const struct timespec *main_start)
{
    FILE *f = fopen("/proc/self/stat", "r");
    char buf[1024];
    unsigned long long start = 0;
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    /* Field 22 (starttime), counted after the ")" that ends field 2. */
    char *p = strrchr(buf, ')');
    for (int field = 2; p && field < 22; field++)
        p = strchr(p + 1, ' ');
    long hz = sysconf(_SC_CLK_TCK);
    if (!p || hz <= 0 || sscanf(p + 1, "%llu", &start) != 1)
        return -1;
    double s = (double)main_start->tv_sec + (double)main_start->tv_nsec / 1e9 -
               (double)start / (double)hz;
    return s < 0 ? 0 : s;
}

void timings_init(struct timings *t, const pvb_logger *next)
{
    struct timespec boot;
    memset(t, 0, sizeof *t);
    t->on = true;
    next_logger = next;
    t->log.fn = intercept;
    t->log.opaque = t;
    clock_gettime(CLOCK_MONOTONIC, &t->start);
    clock_gettime(CLOCK_BOOTTIME, &boot);
    t->mark = t->start;
    t->exec = exec_time(&boot);
}

void timings_reset(struct timings *t)
{
    if (t->on)
        clock_gettime(CLOCK_MONOTONIC, &t->mark);
}

void timings_mark(struct timings *t, const char *name)
{
    struct timespec now;
    if (!t->on)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    add(t, name, since(&t->mark, &now));
    t->mark = now;
}

static double total(const struct timings *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return since(&t->start, &now) + (t->exec > 0 ? t->exec : 0);
}

size_t timings_rows(const struct timings *t, struct pvb_timing out[TIMINGS_ROWS])
{
    double sum = t->exec > 0 ? t->exec : 0;
    size_t n = 0;
    if (t->exec >= 0)
        out[n++] = (struct pvb_timing){ "exec", t->exec };
    for (unsigned i = 0; i < t->n && i < TIMINGS_MAX; i++) {
        out[n++] = (struct pvb_timing){ t->row[i].name, t->row[i].s };
        sum += t->row[i].s;
    }
    double all = total(t);
    out[n++] = (struct pvb_timing){ "other", all > sum ? all - sum : 0 };
    out[n++] = (struct pvb_timing){ "total", all };
    return n;
}

void timings_print_text(const struct timings *t, FILE *f)
{
    struct pvb_timing rows[TIMINGS_ROWS];
    size_t n = timings_rows(t, rows);
    fprintf(f, "pvbuild: timings (seconds)\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  %-16s %9.6f\n", rows[i].name, rows[i].seconds);
}
