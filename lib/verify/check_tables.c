/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pagetables_readonly: Xen will not pin a table that some leaf maps
 * writable, and the ABI maps the bootstrap tables read-only.  With the set
 * of every table frame from cr3 in hand, each L1 is read once and every
 * leaf of it checked against the set.
 */
#include "verify/verify.h"

#include <inttypes.h>
#include <stdio.h>

struct leaf_scan {
    struct verify *v;
    uint64_t leaves, writable, unreadable;
    char first[128];
};

static int scan_l1(void *opaque, uint64_t mfn, const uint64_t *page)
{
    struct leaf_scan *s = opaque;
    if (!page) {
        if (!s->unreadable++ && !s->first[0])
            snprintf(s->first, sizeof s->first, "L1 mfn 0x%" PRIx64 " cannot be mapped",
                     mfn);
        return 0;
    }
    for (unsigned i = 0; i < PT_ENTRIES; i++) {
        uint64_t e = page[i];
        if (!(e & PTE_PRESENT))
            continue;
        s->leaves++;
        if (!(e & PTE_RW))
            continue;
        unsigned level = frameset_get(&s->v->tables, PTE_MFN(e));
        if (level && !s->writable++ && !s->unreadable)
            snprintf(s->first, sizeof s->first,
                     "L1 mfn 0x%" PRIx64 " entry %u maps L%u table mfn 0x%" PRIx64
                     " writable", mfn, i, level, PTE_MFN(e));
    }
    return 0;
}

int check_pagetables_readonly(struct verify *v, pvb_error *err)
{
    (void)err;
    struct leaf_scan s = { .v = v };
    int rc = ptread_each(&v->pt, v->l1s.len, v->l1s.v, scan_l1, &s);
    if (rc < 0)
        return rc;

    char counts[128];
    snprintf(counts, sizeof counts, "%zu tables (L4 1, L3 %" PRIu64 ", L2 %" PRIu64
             ", L1 %" PRIu64 "), %" PRIu64 " leaves", v->tables.len, v->nr_level[3],
             v->nr_level[2], v->nr_level[1], s.leaves);

    if (v->unreadable || s.unreadable || v->superpages || v->mixed)
        report_check(v, "pagetables_readonly", false,
                     "malformed tables: %s (%" PRIu64 " unreadable, %" PRIu64
                     " superpage entries, %" PRIu64 " frames at two levels, %" PRIu64
                     " table frames mapped writable); %s",
                     v->anomaly[0] ? v->anomaly : s.first, v->unreadable + s.unreadable,
                     v->superpages, v->mixed, s.writable, counts);
    else if (s.writable)
        report_check(v, "pagetables_readonly", false, "%s (%" PRIu64 " such leaves); %s",
                     s.first, s.writable, counts);
    else
        report_check(v, "pagetables_readonly", true,
                     "%s: no leaf maps a table frame writable", counts);
    return 0;
}
