/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "verify/p2mread.h"

#include <errno.h>
#include <string.h>

void p2m_reader_init(struct p2m_reader *r, struct ptread *pt, uint64_t mfn_list,
                     uint64_t nr_entries)
{
    memset(r, 0, sizeof *r);
    r->pt = pt;
    r->va = mfn_list;
    r->nr = nr_entries;
}

static void drop_window(struct p2m_reader *r)
{
    if (r->win_len)
        ptread_unmap(r->pt, r->win, r->win_len);
    r->win = NULL;
    r->win_len = 0;
}

void p2m_reader_fini(struct p2m_reader *r)
{
    drop_window(r);
}

/* Map list pages from `page` on: as many mapped ones in a row as fit. */
static int fill_window(struct p2m_reader *r, uint64_t page, uint64_t last_page)
{
    uint64_t base = r->va & ~(PVB_PAGE_SIZE - 1);
    size_t n = 0;

    drop_window(r);
    while (n < P2M_WINDOW && page + n <= last_page) {
        struct pt_path p;
        pt_lookup(r->pt, base + ((page + n) << PVB_PAGE_SHIFT), &p);
        if (!pt_mapped(&p))
            break;
        r->mfns[n++] = PTE_MFN(p.pte);
    }
    if (!n)
        return -EFAULT;
    r->win = ptread_map(r->pt, n, r->mfns);
    if (!r->win && n > 1) {
        n = 1;
        r->win = ptread_map(r->pt, n, r->mfns);
    }
    if (!r->win)
        return -EIO;
    r->win_first = page;
    r->win_len = n;
    return 0;
}

int p2m_get(struct p2m_reader *r, uint64_t pfn, uint64_t *mfn)
{
    if (pfn >= r->nr)
        return -ERANGE;
    if (r->va & 7)
        return -EFAULT;
    uint64_t off = (r->va & (PVB_PAGE_SIZE - 1)) + pfn * 8;
    uint64_t page = off >> PVB_PAGE_SHIFT;
    if (!r->win_len || page < r->win_first || page >= r->win_first + r->win_len) {
        uint64_t last = ((r->va & (PVB_PAGE_SIZE - 1)) + (r->nr - 1) * 8) >> PVB_PAGE_SHIFT;
        int rc = fill_window(r, page, last);
        if (rc)
            return rc;
    }
    uint64_t at = ((page - r->win_first) << PVB_PAGE_SHIFT) + (off & (PVB_PAGE_SIZE - 1));
    memcpy(mfn, r->win + at, sizeof *mfn);
    return 0;
}
