/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading a guest's console ring (xen/io/console.h) from the backend's
 * side, through any host: what `xl create -c` shows, without xenconsoled.
 */
#include "host/host.h"
#include "util/error.h"

#include <errno.h>
#include <xen/io/console.h>

int pvb_console_read(pvb_host *h, uint32_t domid, uint64_t console_mfn,
                     char *buf, size_t len, size_t *got, pvb_error *err)
{
    xen_pfn_t mfn = console_mfn;
    struct xencons_interface *ring;

    *got = 0;
    ring = h->ops->map(h, domid, HOST_MAP_READ | HOST_MAP_WRITE, 1, &mfn, err);
    if (!ring)
        return err ? err->code : -EIO;

    XENCONS_RING_IDX cons = ring->out_cons;
    XENCONS_RING_IDX prod = ring->out_prod;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);   /* read the bytes after prod */
    if ((XENCONS_RING_IDX)(prod - cons) > sizeof ring->out) {
        h->ops->unmap(h, ring, 1);
        return fail(err, -EPROTO, "domain %u: console ring out_prod 0x%x is more than "
                    "0x%zx bytes ahead of out_cons 0x%x", domid, prod,
                    sizeof ring->out, cons);
    }
    while (cons != prod && *got < len)
        buf[(*got)++] = ring->out[MASK_XENCONS_IDX(cons++, ring->out)];
    __atomic_thread_fence(__ATOMIC_RELEASE);   /* done with the bytes first */
    ring->out_cons = cons;
    h->ops->unmap(h, ring, 1);
    return 0;
}
