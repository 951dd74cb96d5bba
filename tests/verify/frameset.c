/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The verifier's frame sets: the in-place sort and the hash set, against
 * plain reference computations (qsort, linear search). */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "verify/frameset.h"

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static uint64_t rng = 88172645463325252u;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Sort-unique a vector and compare with qsort + a dedup loop. */
static void sort_case(const char *what, size_t n, uint64_t (*gen)(size_t i, size_t n))
{
    struct mfnvec m;
    mfnvec_init(&m);
    uint64_t *ref = malloc((n ? n : 1) * sizeof *ref);
    for (size_t i = 0; i < n; i++) {
        ref[i] = gen(i, n);
        mfnvec_push(&m, ref[i]);
    }
    qsort(ref, n, sizeof *ref, cmp);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (!u || ref[i] != ref[u - 1])
            ref[u++] = ref[i];
    size_t dropped = mfnvec_sort_unique(&m);
    ok(m.len == u && dropped == n - u && (!u || memcmp(m.v, ref, u * sizeof *ref) == 0),
       "%s (%zu values): sorted, %zu duplicates dropped", what, n, n - u);
    int found = 1;
    for (size_t i = 0; i < u; i++)
        found &= mfnvec_find(&m, ref[i]) == (long)i;
    ok(found, "%s: every value found at its index", what);
    ok(mfnvec_find(&m, UINT64_MAX) == (u && ref[u - 1] == UINT64_MAX ? (long)u - 1 : -1),
       "%s: a missing value is not found", what);
    free(ref);
    mfnvec_free(&m);
}

static uint64_t g_random(size_t i, size_t n) { (void)i; (void)n; return next() >> 20; }
static uint64_t g_few(size_t i, size_t n) { (void)i; (void)n; return next() % 7; }
static uint64_t g_up(size_t i, size_t n) { (void)n; return i * 3; }
static uint64_t g_down(size_t i, size_t n) { return (n - i) * 5; }
static uint64_t g_same(size_t i, size_t n) { (void)i; (void)n; return 42; }
/* Sorted runs of 512 scattered as a simulated guest's extents are. */
static uint64_t g_runs(size_t i, size_t n) { (void)n; return ((i / 512) * 7919 % 1021) * 512 + i % 512; }
/* The classic median-of-three killer shape. */
static uint64_t g_organ(size_t i, size_t n) { return i < n / 2 ? i : n - i; }

int main(void)
{
    sort_case("empty", 0, g_random);
    sort_case("one", 1, g_random);
    sort_case("random", 100000, g_random);
    sort_case("seven values", 50000, g_few);
    sort_case("ascending", 70000, g_up);
    sort_case("descending", 70000, g_down);
    sort_case("all equal", 10000, g_same);
    sort_case("2 MiB extents", 1 << 18, g_runs);
    sort_case("organ pipe", 1 << 17, g_organ);

    struct frameset s;
    frameset_init(&s);
    int rc = 0;
    for (uint64_t i = 0; i < 100000; i++)
        rc |= frameset_add(&s, i * 4099 + 1, 1 + i % 4);
    ok(!rc && s.len == 100000, "hash set: 100000 frames added");
    rc |= frameset_add(&s, 1, 3);
    ok(!rc && s.len == 100000 && frameset_get(&s, 1) == 1,
       "hash set: adding again keeps the first tag");
    int all = 1;
    for (uint64_t i = 0; i < 100000; i++)
        all &= frameset_get(&s, i * 4099 + 1) == 1 + i % 4;
    ok(all, "hash set: every frame has its tag");
    int none = 1;
    for (uint64_t i = 0; i < 100000; i++)
        none &= frameset_get(&s, i * 4099 + 2) == 0;
    ok(none && frameset_get(&s, 0) == 0, "hash set: frames never added are absent");
    frameset_free(&s);
    ok(frameset_get(&s, 1) == 0, "hash set: empty after free");
    return done_testing();
}
