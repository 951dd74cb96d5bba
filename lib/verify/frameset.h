/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sets of machine frames for the verifier: a hash set that remembers a
 * small tag per frame (the table level), and a growable vector that is
 * sorted once and then searched.  Both grow on demand and report -ENOMEM.
 */
#ifndef PVB_VERIFY_FRAMESET_H
#define PVB_VERIFY_FRAMESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Open addressing; a key is stored as mfn + 1 so that 0 marks an empty slot. */
struct frameset {
    uint64_t *keys;
    uint8_t *tags;
    size_t cap;          /* power of two, or 0 */
    size_t len;
};

void frameset_init(struct frameset *s);
void frameset_free(struct frameset *s);
/* The tag of mfn, or 0 when mfn is not in the set. */
unsigned frameset_get(const struct frameset *s, uint64_t mfn);
/* Insert mfn with tag (1..255); an mfn already present keeps its tag. */
int frameset_add(struct frameset *s, uint64_t mfn, unsigned tag);

struct mfnvec {
    uint64_t *v;
    size_t len, cap;
};

void mfnvec_init(struct mfnvec *m);
void mfnvec_free(struct mfnvec *m);
/* Make room for `cap` entries in one allocation (exact sizing bounds memory). */
int mfnvec_reserve(struct mfnvec *m, size_t cap);
int mfnvec_push(struct mfnvec *m, uint64_t mfn);
/* Sort and drop duplicates; returns how many duplicates were dropped. */
size_t mfnvec_sort_unique(struct mfnvec *m);
/* Index of mfn in a sorted vector, or -1. */
long mfnvec_find(const struct mfnvec *m, uint64_t mfn);

#endif
