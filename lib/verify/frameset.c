/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "verify/frameset.h"
#include "util/alloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void frameset_init(struct frameset *s)
{
    memset(s, 0, sizeof *s);
}

void frameset_free(struct frameset *s)
{
    free(s->keys);
    free(s->tags);
    frameset_init(s);
}

static size_t slot_of(uint64_t key, size_t cap)
{
    /* Fibonacci hashing: scattered and clustered mfns both spread out. */
    return (size_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 20) & (cap - 1);
}

unsigned frameset_get(const struct frameset *s, uint64_t mfn)
{
    if (!s->cap)
        return 0;
    uint64_t key = mfn + 1;
    for (size_t i = slot_of(key, s->cap);; i = (i + 1) & (s->cap - 1)) {
        if (s->keys[i] == key)
            return s->tags[i];
        if (!s->keys[i])
            return 0;
    }
}

static void put(uint64_t *keys, uint8_t *tags, size_t cap, uint64_t key, uint8_t tag)
{
    size_t i = slot_of(key, cap);
    while (keys[i])
        i = (i + 1) & (cap - 1);
    keys[i] = key;
    tags[i] = tag;
}

static int grow(struct frameset *s)
{
    size_t cap = s->cap ? s->cap * 2 : 256;
    uint64_t *keys = mem_calloc(cap, sizeof *keys);
    uint8_t *tags = mem_calloc(cap, sizeof *tags);
    if (!keys || !tags) {
        free(keys);
        free(tags);
        return -ENOMEM;
    }
    for (size_t i = 0; i < s->cap; i++)
        if (s->keys[i])
            put(keys, tags, cap, s->keys[i], s->tags[i]);
    free(s->keys);
    free(s->tags);
    s->keys = keys;
    s->tags = tags;
    s->cap = cap;
    return 0;
}

int frameset_add(struct frameset *s, uint64_t mfn, unsigned tag)
{
    if (frameset_get(s, mfn))
        return 0;
    if ((s->len + 1) * 2 > s->cap) {
        int rc = grow(s);
        if (rc)
            return rc;
    }
    put(s->keys, s->tags, s->cap, mfn + 1, (uint8_t)tag);
    s->len++;
    return 0;
}

void mfnvec_init(struct mfnvec *m)
{
    memset(m, 0, sizeof *m);
}

void mfnvec_free(struct mfnvec *m)
{
    free(m->v);
    mfnvec_init(m);
}

int mfnvec_reserve(struct mfnvec *m, size_t cap)
{
    if (cap <= m->cap)
        return 0;
    if (cap > SIZE_MAX / sizeof *m->v)
        return -ENOMEM;
    uint64_t *v = mem_realloc(m->v, cap * sizeof *v);
    if (!v)
        return -ENOMEM;
    m->v = v;
    m->cap = cap;
    return 0;
}

int mfnvec_push(struct mfnvec *m, uint64_t mfn)
{
    if (m->len == m->cap) {
        int rc = mfnvec_reserve(m, m->cap ? m->cap * 2 : 64);
        if (rc)
            return rc;
    }
    m->v[m->len++] = mfn;
    return 0;
}

/*
 * In place: qsort() may take a second array as large as the first, and the
 * P->M list of a 4 TiB guest has 2^21 pages.  Quicksort (median of three,
 * recursing into the smaller part) with insertion sort for short runs and
 * heapsort once the depth says the pivots went bad.
 */
static void swap_u64(uint64_t *a, uint64_t *b)
{
    uint64_t t = *a;
    *a = *b;
    *b = t;
}

static void sift_down(uint64_t *v, size_t root, size_t n)
{
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && v[child + 1] > v[child])
            child++;
        if (v[root] >= v[child])
            return;
        swap_u64(&v[root], &v[child]);
    }
}

static void heap_sort(uint64_t *v, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(v, i, n);
    for (size_t end = n; end-- > 1;) {
        swap_u64(&v[0], &v[end]);
        sift_down(v, 0, end);
    }
}

static void sort_u64(uint64_t *v, size_t n, unsigned depth)
{
    while (n > 16) {
        if (!depth--) {
            heap_sort(v, n);
            return;
        }
        size_t mid = n / 2;
        if (v[mid] < v[0])
            swap_u64(&v[mid], &v[0]);
        if (v[n - 1] < v[0])
            swap_u64(&v[n - 1], &v[0]);
        if (v[n - 1] < v[mid])
            swap_u64(&v[n - 1], &v[mid]);
        uint64_t pivot = v[mid];
        size_t i = 0, j = n - 1;
        for (;;) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i >= j)
                break;
            swap_u64(&v[i++], &v[j--]);
        }
        /* [0, j] <= pivot <= [j + 1, n) */
        size_t left = j + 1;
        if (left < n - left) {
            sort_u64(v, left, depth);
            v += left;
            n -= left;
        } else {
            sort_u64(v + left, n - left, depth);
            n = left;
        }
    }
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && v[k - 1] > v[k]; k--)
            swap_u64(&v[k - 1], &v[k]);
}

size_t mfnvec_sort_unique(struct mfnvec *m)
{
    if (m->len < 2)
        return 0;
    unsigned depth = 0;
    for (size_t n = m->len; n; n >>= 1)
        depth += 2;
    sort_u64(m->v, m->len, depth);
    size_t out = 1;
    for (size_t i = 1; i < m->len; i++)
        if (m->v[i] != m->v[out - 1])
            m->v[out++] = m->v[i];
    size_t dropped = m->len - out;
    m->len = out;
    return dropped;
}

long mfnvec_find(const struct mfnvec *m, uint64_t mfn)
{
    size_t lo = 0, hi = m->len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->v[mid] < mfn)
            lo = mid + 1;
        else if (m->v[mid] > mfn)
            hi = mid;
        else
            return (long)mid;
    }
    return -1;
}
