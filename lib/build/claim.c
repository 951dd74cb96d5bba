/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Claiming the guest's memory before populating it, as libxenguest does:
 * a guest the host cannot hold fails at once, with nothing populated,
 * instead of half way through a multi-TiB populate; and while it builds,
 * no other domain can take the frames it was promised.  The claim is given
 * back as soon as populating ends, either way, as libxenguest does: what
 * was populated is the domain's by then, and a claim left would hold free
 * memory back from every other domain.
 */
#include "build/build.h"

#include <errno.h>
#include <inttypes.h>

static uint64_t mib(uint64_t pages)
{
    return pages >> 8;
}

int claim_memory(struct build *b, pvb_error *err)
{
    const struct host_ops *ops = b->host->ops;
    uint64_t pages = b->plan->nr_pages;
    pvb_error why = { 0 };

    if (!ops->claim) {
        log_warn(b->log, "build: domain %u: host '%s' has no memory claims: "
                 "populating without one", b->domid, ops->name);
        return 0;
    }
    int rc = ops->claim(b->host, b->domid, pages, &why);
    if (rc == 0) {
        b->claimed = true;
        return 0;
    }
    if (rc == -ENOSYS || rc == -EOPNOTSUPP) {
        log_warn(b->log, "build: domain %u: the hypervisor refuses memory claims "
                 "(%s): populating without one", b->domid, why.msg);
        return 0;
    }
    if (rc != -ENOMEM) {
        if (err)
            *err = why;         /* the host's message names the claim already */
        return rc;
    }

    struct host_memory mem;
    pvb_error ignored;
    if (!ops->memory_info || ops->memory_info(b->host, &mem, &ignored) < 0)
        return fail(err, -ENOMEM, "build: domain %u: the host cannot hold the guest's "
                    "0x%" PRIx64 " pages (%" PRIu64 " MiB): %s; nothing populated",
                    b->domid, pages, mib(pages), why.msg);
    return fail(err, -ENOMEM, "build: domain %u: the host cannot hold the guest's "
                "0x%" PRIx64 " pages (%" PRIu64 " MiB): free 0x%" PRIx64 " pages (%"
                PRIu64 " MiB), claimed by domains 0x%" PRIx64 " pages (%" PRIu64
                " MiB); nothing populated", b->domid, pages, mib(pages), mem.free_pages,
                mib(mem.free_pages), mem.outstanding_pages, mib(mem.outstanding_pages));
}

void claim_release(struct build *b)
{
    pvb_error why;
    if (!b->claimed)
        return;
    b->claimed = false;
    if (b->host->ops->claim(b->host, b->domid, 0, &why) < 0)
        log_warn(b->log, "build: domain %u: giving its memory claim back failed: %s",
                 b->domid, why.msg);
}
