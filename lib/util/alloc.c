/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The allocation wrapper: a counter and one planned failure.  Atomic so
 * that a test counting allocations sees every thread's; the library itself
 * allocates from the caller's thread only.
 */
#include "util/alloc.h"
#include "pvbuild.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_long calls;
static atomic_long fail_at;
static atomic_bool failed;

static bool should_fail(void)
{
    long n = atomic_fetch_add(&calls, 1) + 1;
    long at = atomic_load(&fail_at);
    if (at > 0 && n == at) {
        atomic_store(&failed, true);
        errno = ENOMEM;
        return true;
    }
    return false;
}

bool mem_fail_injected(void)
{
    return should_fail();
}

void *mem_malloc(size_t n)
{
    return should_fail() ? NULL : malloc(n);
}

void *mem_calloc(size_t nmemb, size_t size)
{
    return should_fail() ? NULL : calloc(nmemb, size);
}

void *mem_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : realloc(p, n);
}

char *mem_strdup(const char *s)
{
    return should_fail() ? NULL : strdup(s);
}

char *mem_strndup(const char *s, size_t n)
{
    return should_fail() ? NULL : strndup(s, n);
}

void mem_fail_at(long n)
{
    atomic_store(&fail_at, n);
    atomic_store(&calls, 0);
    atomic_store(&failed, false);
}

long mem_count(void)
{
    return atomic_load(&calls);
}

bool mem_failed(void)
{
    return atomic_load(&failed);
}

/* Everything the library hands the caller comes from mem_*, i.e. malloc. */
void pvb_free(void *p)
{
    free(p);
}
