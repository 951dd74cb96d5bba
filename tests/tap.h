/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A tiny TAP producer for the C tests (automake's tap-driver reads it). */
#ifndef PVB_TESTS_TAP_H
#define PVB_TESTS_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int tap_ok(int cond, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline int tap_ok(int cond, const char *fmt, ...)
{
    va_list ap;
    printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!cond)
        tap_failed++;
    fflush(stdout);
    return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __VA_ARGS__)

#define is_u64(got, want, ...)                                              \
    do {                                                                   \
        uint64_t g_ = (uint64_t)(got), w_ = (uint64_t)(want);              \
        if (!tap_ok(g_ == w_, __VA_ARGS__))                                \
            printf("#   got 0x%" PRIx64 ", want 0x%" PRIx64 "\n", g_, w_); \
    } while (0)

#define is_str(got, want, ...)                                              \
    do {                                                                   \
        const char *g_ = (got), *w_ = (want);                              \
        if (!tap_ok(g_ && w_ && strcmp(g_, w_) == 0, __VA_ARGS__))         \
            printf("#   got \"%s\", want \"%s\"\n", g_ ? g_ : "(null)",    \
                   w_ ? w_ : "(null)");                                    \
    } while (0)

static inline void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void diag(const char *fmt, ...)
{
    va_list ap;
    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static inline int done_testing(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}

#endif
