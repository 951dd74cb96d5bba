/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Every heap allocation of the library goes through these, so that a test
 * can make the Nth one fail and check that the failure is reported and
 * undone (SQLite's way of testing out-of-memory paths).  They behave as
 * malloc, calloc, realloc, strdup and strndup; memory is freed with free().
 */
#ifndef PVB_UTIL_ALLOC_H
#define PVB_UTIL_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

void *mem_malloc(size_t n);
void *mem_calloc(size_t nmemb, size_t size);
void *mem_realloc(void *p, size_t n);
char *mem_strdup(const char *s);
char *mem_strndup(const char *s, size_t n);

/*
 * For allocations made by a libc call that allocates (open_memstream):
 * true when the test hook says this one fails; the caller then fails as
 * that call would, with ENOMEM.
 */
bool mem_fail_injected(void);

/* ------------------------------------------------------------ test hooks */

/*
 * Fail the nth allocation from now (1 = the next one), and only that one;
 * 0 turns failures off.  Resets the count.
 */
void mem_fail_at(long n);
/* Allocations attempted since the last mem_fail_at(). */
long mem_count(void);
/* Whether the failure set by mem_fail_at() has happened. */
bool mem_failed(void);

#endif
