/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading the guest's P->M list through its virtual mapping (start_info
 * mfn_list), as the guest itself will.  A window of up to P2M_WINDOW list
 * pages stays mapped, so reading in pfn order costs one map() per 2 MiB
 * of list and one table walk per list page.
 */
#ifndef PVB_VERIFY_P2MREAD_H
#define PVB_VERIFY_P2MREAD_H

#include <stdint.h>
#include "verify/ptread.h"

#define P2M_WINDOW 512u

struct p2m_reader {
    struct ptread *pt;
    uint64_t va;             /* mfn_list */
    uint64_t nr;             /* entries */
    uint64_t win_first;      /* first list page (index from va's page) in the window */
    size_t win_len;          /* pages mapped, 0 when none */
    const uint8_t *win;
    uint64_t mfns[P2M_WINDOW];
};

void p2m_reader_init(struct p2m_reader *r, struct ptread *pt, uint64_t mfn_list,
                     uint64_t nr_entries);
void p2m_reader_fini(struct p2m_reader *r);

/*
 * p2m[pfn] into *mfn: 0, or -ERANGE (pfn >= nr), -EFAULT (its page is not
 * mapped, or mfn_list is not 8-byte aligned) or -EIO (the host refused the
 * frame).
 */
int p2m_get(struct p2m_reader *r, uint64_t pfn, uint64_t *mfn);

#endif
