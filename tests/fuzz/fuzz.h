/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every fuzz target checks besides "no crash, no sanitizer report,
 * no leak": the library's error contract.  A failing call returns a
 * negative errno, fills pvb_error with the same code and one line that
 * names the input; a warning is one line too.  A broken contract aborts,
 * so libFuzzer keeps the input as a finding.
 */
#ifndef PVB_TESTS_FUZZ_H
#define PVB_TESTS_FUZZ_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvbuild.h"

static inline void fuzz_die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
static inline void fuzz_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: contract broken: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* rc < 0 came back from `call`: the error must match it and name `name`. */
static inline void fuzz_check_error(const char *call, int rc, const pvb_error *err,
                                    const char *name)
{
    if (rc >= 0)
        fuzz_die("%s returned %d where a failure was expected", call, rc);
    if (err->code != rc)
        fuzz_die("%s returned %d but err.code is %d (\"%s\")", call, rc,
                 err->code, err->msg);
    if (!err->msg[0] || strchr(err->msg, '\n'))
        fuzz_die("%s: error message empty or not one line: \"%s\"", call,
                 err->msg);
    if (name && !strstr(err->msg, name))
        fuzz_die("%s: error does not name \"%s\": \"%s\"", call, name, err->msg);
}

/* A logger that holds every message to the one-line rule. */
static inline void fuzz_log(void *opaque, enum pvb_log_level level,
                            const char *msg)
{
    (void)opaque;
    if ((unsigned)level > PVB_LOG_DEBUG)
        fuzz_die("log level %d out of range", (int)level);
    if (!msg || strchr(msg, '\n'))
        fuzz_die("log message not one line: \"%s\"", msg ? msg : "(null)");
}

static const pvb_logger fuzz_logger = { fuzz_log, NULL };

/*
 * The decompression cap for an input of `size` bytes: 1 MiB below 1 MiB
 * of input (every test guest fits), else 16 times it up to 128 MiB.
 * Debian's kernel (8 MiB of xz, 66 MiB of ELF) loads; a mutated bomb
 * (64 MiB of zeros in 300 KiB) stops after 1 MiB instead of costing
 * most of a second a run.
 */
static inline uint64_t fuzz_output_cap(size_t size)
{
    const uint64_t mib = UINT64_C(1) << 20;
    if (size < mib)
        return mib;
    return (uint64_t)size * 16 < 128 * mib ? (uint64_t)size * 16 : 128 * mib;
}

/* Reads every byte, so a buffer shorter than announced is an ASan report. */
static inline unsigned fuzz_touch(const void *p, size_t len)
{
    const volatile unsigned char *b = p;
    unsigned sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += b[i];
    return sum;
}

static inline unsigned fuzz_touch_str(const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    if (n == max)
        fuzz_die("string not terminated within %zu bytes", max);
    return fuzz_touch(s, n);
}

#endif
