/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pvb_console_read against a console ring the test writes as a guest would. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xen/io/console.h>

#include "host/host.h"
#include "tap.h"

static void guest_write(struct xencons_interface *r, const char *s)
{
    XENCONS_RING_IDX prod = r->out_prod;
    for (; *s; s++)
        r->out[MASK_XENCONS_IDX(prod++, r->out)] = *s;
    r->out_prod = prod;
}

int main(void)
{
    pvb_host *h;
    pvb_error err;
    struct host_domain_config dc = { .max_vcpus = 1, .max_pages = 16 };
    uint32_t domid;
    xen_pfn_t mfn = 0;
    char buf[4096];
    size_t got;

    if (pvb_host_sim_open(NULL, &h, &err) < 0 ||
        h->ops->domain_create(h, &dc, &domid, &err) < 0 ||
        h->ops->populate(h, domid, 0, 1, &mfn, &err) != 1) {
        printf("Bail out! %s\n", err.msg);
        return 1;
    }
    struct xencons_interface *ring = h->ops->map(h, domid, HOST_MAP_READ | HOST_MAP_WRITE,
                                                 1, &mfn, &err);
    ok(ring != NULL, "map the ring frame as the guest");

    ok(pvb_console_read(h, domid, mfn, buf, sizeof buf, &got, &err) == 0 && got == 0,
       "an empty ring reads nothing");
    guest_write(ring, "hello, console\n");
    ok(pvb_console_read(h, domid, mfn, buf, sizeof buf, &got, &err) == 0, "read");
    ok(got == 15 && memcmp(buf, "hello, console\n", 15) == 0, "the bytes the guest wrote");
    is_u64(ring->out_cons, 15, "out_cons advanced past them");

    /* Wrap around the 2048-byte ring, reading in small pieces. */
    char big[3000], back[3000];
    size_t total = 0;
    for (size_t i = 0; i < sizeof big - 1; i++)
        big[i] = (char)('a' + i % 26);
    big[sizeof big - 1] = 0;
    for (size_t off = 0; off < sizeof big - 1; off += 1000) {
        char chunk[1001];
        size_t n = sizeof big - 1 - off < 1000 ? sizeof big - 1 - off : 1000;
        memcpy(chunk, big + off, n);
        chunk[n] = 0;
        guest_write(ring, chunk);
        while (pvb_console_read(h, domid, mfn, back + total, 7, &got, &err) == 0 && got)
            total += got;
    }
    ok(total == sizeof big - 1 && memcmp(back, big, total) == 0,
       "2999 bytes across the ring's wrap, read 7 at a time");

    ring->out_prod = ring->out_cons + 5000;
    int rc = pvb_console_read(h, domid, mfn, buf, sizeof buf, &got, &err);
    ok(rc == -EPROTO && strstr(err.msg, "out_prod"), "a corrupt producer index: %s", err.msg);

    h->ops->unmap(h, ring, 1);
    h->ops->domain_destroy(h, domid, &err);
    pvb_host_close(h);
    return done_testing();
}
