/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small hash from machine frame to a 32-bit value: linear probing, with
 * backward-shift deletion so that no tombstones pile up across pin/unpin.
 */
#include "host/sim_internal.h"
#include "util/alloc.h"

#include <errno.h>
#include <stdlib.h>

static size_t slot_of(uint64_t key, size_t cap)
{
    key *= UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)(key >> 32) & (cap - 1);
}

void mfn_map_init(struct mfn_map *m)
{
    m->keys = NULL;
    m->vals = NULL;
    m->cap = 0;
    m->len = 0;
}

void mfn_map_free(struct mfn_map *m)
{
    free(m->keys);
    free(m->vals);
    mfn_map_init(m);
}

uint32_t *mfn_map_find(const struct mfn_map *m, uint64_t mfn)
{
    if (!m->len)
        return NULL;
    uint64_t key = mfn + 1;
    for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == key)
            return &m->vals[i];
        if (m->keys[i] == 0)
            return NULL;
    }
}

static int grow(struct mfn_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    uint64_t *keys = mem_calloc(cap, sizeof *keys);
    uint32_t *vals = mem_calloc(cap, sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return -ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = slot_of(m->keys[i], cap);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    return 0;
}

int mfn_map_insert(struct mfn_map *m, uint64_t mfn, uint32_t val)
{
    uint32_t *v = mfn_map_find(m, mfn);
    if (v) {
        *v = val;
        return 0;
    }
    /* Keep the load under 3/4 so probes stay short. */
    if ((m->len + 1) * 4 > m->cap * 3) {
        int rc = grow(m);
        if (rc)
            return rc;
    }
    uint64_t key = mfn + 1;
    size_t i = slot_of(key, m->cap);
    while (m->keys[i])
        i = (i + 1) & (m->cap - 1);
    m->keys[i] = key;
    m->vals[i] = val;
    m->len++;
    return 0;
}

void mfn_map_remove(struct mfn_map *m, uint64_t mfn)
{
    uint32_t *v = mfn_map_find(m, mfn);
    if (!v)
        return;
    size_t mask = m->cap - 1;
    size_t hole = (size_t)(v - m->vals);
    /* Pull back later entries of the probe run that could sit in the hole. */
    for (size_t i = (hole + 1) & mask; m->keys[i]; i = (i + 1) & mask) {
        size_t home = slot_of(m->keys[i], m->cap);
        /* Entry i may move to hole if its home is not within (hole, i]. */
        if (((i - home) & mask) >= ((i - hole) & mask)) {
            m->keys[hole] = m->keys[i];
            m->vals[hole] = m->vals[i];
            hole = i;
        }
    }
    m->keys[hole] = 0;
    m->vals[hole] = 0;
    m->len--;
}
