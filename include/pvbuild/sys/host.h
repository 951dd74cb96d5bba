/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Your own host: the operations pvb_build, pvb_verify and the small
 * toolstack (pvb_domain_*) perform on a host, as a versioned table a
 * caller implements (as libgit2 publishes git_odb_backend in
 * include/git2/sys/).  A toolstack with its own hypercall layer, a
 * remote machine, or a test double plugs in with pvb_host_new and is then
 * used with every pvb_* call that takes a pvb_host.
 *
 * Frames are named as Xen names them for a PV guest: a pfn is the guest's
 * pseudo-physical frame number, an mfn a machine frame number (for a PV
 * domain, gfn == mfn).  Every op returns 0 (populate: a count; map: a
 * pointer) on success and a negative errno on failure, and fills `err`
 * with one line saying what failed (pvb_host_new's wrapper fills in a
 * generic line when an op leaves `err` empty).  `err` is never NULL when
 * the library calls an op.  The library calls one host's ops from one
 * thread at a time, never re-entrantly.
 *
 * The builder undoes what it did when it fails: it unmaps, unpins and
 * releases what it populated; pvb_domain_create destroys the domain.  Ops
 * must therefore refuse cleanly (change nothing) when they fail.
 *
 * Versioning: a table is read up to its version's last member.  Members
 * are only ever added at the end, with PVB_HOST_OPS_VERSION raised; a
 * table of an older version stays valid (the new ops are then absent).
 */
#ifndef PVBUILD_SYS_HOST_H
#define PVBUILD_SYS_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/foreign/x86_64.h>   /* vcpu_guest_context_x86_64_t */

#include "pvbuild.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PVB_HOST_OPS_VERSION 1

/* domain_create's limits (XEN_DOMCTL_createdomain, _max_vcpus, _max_mem). */
struct pvb_host_domain_config {
    const char *name;         /* may be NULL; Xen keeps none, the host may */
    uint32_t max_vcpus;       /* >= 1 */
    uint64_t max_pages;       /* populate beyond this fails with -ENOMEM */
};

/* XEN_DOMCTL_getdomaininfo and XEN_DOMCTL_get_address_size. */
struct pvb_host_domain_info {
    uint64_t nr_pages;        /* frames the domain owns now (tot_pages) */
    uint64_t max_pages;
    uint64_t shared_info_mfn; /* Xen's frame shared with the guest */
    uint32_t max_vcpus;
    unsigned address_size;    /* 64 (or 32); 0 if the host has none yet */
    bool paused;
    bool shutdown;            /* the guest shut down (or crashed) */
    unsigned shutdown_reason; /* SHUTDOWN_* of xen/sched.h, when shutdown */
    bool dying;
};

/* What xenstored needs to know of a built domain (xs_introduce_domain). */
struct pvb_host_introduce {
    const char *name;
    uint32_t backend_domid;
    uint64_t store_mfn, console_mfn;
    uint32_t store_evtchn, console_evtchn;
    uint64_t memory_kib, maxmem_kib;
    unsigned vcpus;
};

/* Protections for map(). */
#define PVB_HOST_MAP_READ  1
#define PVB_HOST_MAP_WRITE 2

struct pvb_host_ops {
    unsigned int version;     /* PVB_HOST_OPS_VERSION */
    const char *name;         /* "mine": shown in messages; required */

    /* pvb_host_close: free impl.  Optional. */
    void (*close)(void *impl);

    /*
     * Create an empty, paused PV domain with these limits; its id in
     * *domid.  Xen: XEN_DOMCTL_createdomain (PV: no CDF_hvm; a grant
     * table of at least one frame, event channels), XEN_DOMCTL_max_vcpus,
     * XEN_DOMCTL_max_mem (KiB).  -EINVAL for max_vcpus 0; -ENOMEM when
     * the host cannot give max_pages.  A failure leaves no domain.
     */
    int (*domain_create)(void *impl, const struct pvb_host_domain_config *cfg,
                         uint32_t *domid, pvb_error *err);
    /* XEN_DOMCTL_destroydomain: every frame goes back.  -ESRCH if none. */
    int (*domain_destroy)(void *impl, uint32_t domid, pvb_error *err);
    /* Fill *info (all of it).  -ESRCH when there is no such domain. */
    int (*domain_info)(void *impl, uint32_t domid, struct pvb_host_domain_info *info,
                       pvb_error *err);
    /* XEN_DOMCTL_set_address_size: 32 or 64 (-EINVAL else). */
    int (*set_address_size)(void *impl, uint32_t domid, unsigned bits, pvb_error *err);

    /*
     * XENMEM_populate_physmap: `count` extents of 2^order frames (order 0
     * or 9).  In: extents[i] is the first pfn of extent i.  Out:
     * extents[i] is the first mfn of extent i (contiguous within it).
     * Returns the number of extents populated, the first ones (fewer than
     * count when no contiguous 2 MiB run is left: the builder then falls
     * back to order 0), or a negative errno.  Beyond the domain's
     * max_pages: -ENOMEM.  An order the host does not do: -EINVAL.
     */
    long (*populate)(void *impl, uint32_t domid, unsigned order, size_t count,
                     uint64_t *extents, pvb_error *err);
    /* XENMEM_decrease_reservation of 4 KiB frames: the undo of populate.
     * A frame that is not the domain's, is shared_info or a pinned table:
     * the whole call fails and changes nothing. */
    int (*release)(void *impl, uint32_t domid, size_t count, const uint64_t *mfns,
                   pvb_error *err);

    /*
     * Map `count` of the domain's machine frames, in order, at one virtual
     * range of the caller (xenforeignmemory_map).  NULL and err when a
     * frame is not the domain's, or (with PVB_HOST_MAP_WRITE) it is a
     * pinned page-table frame (Xen: -EINVAL / -EPERM).
     */
    void *(*map)(void *impl, uint32_t domid, int prot, size_t count,
                 const uint64_t *mfns, pvb_error *err);
    /* Undo one map() with its address and count.  Cannot fail. */
    void (*unmap)(void *impl, void *addr, size_t count);

    /* XEN_DOMCTL_setvcpucontext / _getvcpucontext, x86_64 layout.  Xen
     * validates cr3 as an L4 of the domain.  -EINVAL for a vCPU beyond
     * max_vcpus. */
    int (*set_vcpu_context)(void *impl, uint32_t domid, unsigned vcpu,
                            const vcpu_guest_context_x86_64_t *ctx, pvb_error *err);
    int (*get_vcpu_context)(void *impl, uint32_t domid, unsigned vcpu,
                            vcpu_guest_context_x86_64_t *ctx, pvb_error *err);

    /* MMUEXT_PIN_L4_TABLE / MMUEXT_UNPIN_TABLE for the domain: Xen checks
     * the whole hierarchy (no writable mapping of a table, no foreign
     * frame, address size set); -EINVAL when it breaks a rule. */
    int (*pin_l4)(void *impl, uint32_t domid, uint64_t mfn, pvb_error *err);
    int (*unpin)(void *impl, uint32_t domid, uint64_t mfn, pvb_error *err);

    /* XEN_DOMCTL_hypercall_init: the host writes its hypercall stubs into
     * the domain's frame.  -EINVAL for a frame not the domain's or a table. */
    int (*hypercall_page)(void *impl, uint32_t domid, uint64_t mfn, pvb_error *err);
    /* Grant entries 0 (GNTTAB_RESERVED_CONSOLE) and 1 (_XENSTORE) give
     * backend_domid the two frames, GTF_permit_access. */
    int (*grant_seed)(void *impl, uint32_t domid, uint32_t backend_domid,
                      uint64_t console_mfn, uint64_t xenstore_mfn, pvb_error *err);
    /* EVTCHNOP_alloc_unbound in domid for remote_domid.  -ESRCH, -ENOSPC. */
    int (*evtchn_alloc_unbound)(void *impl, uint32_t domid, uint32_t remote_domid,
                                uint32_t *port, pvb_error *err);
    /* XEN_DOMCTL_unpausedomain. */
    int (*unpause)(void *impl, uint32_t domid, pvb_error *err);

    /* XENVER_get_features, submap 0, as the hypervisor reports it to the
     * caller (XENFEAT_* bits); pvb_build checks the kernel's FEATURES
     * note against it. */
    int (*features)(void *impl, uint32_t *submap, pvb_error *err);

    /* Tell xenstored about the built domain and write the nodes its
     * console and store backends read.  -ENOENT when there is no
     * xenstored.  Optional: absent, pvb_domain_introduce fails -ENOENT. */
    int (*introduce)(void *impl, uint32_t domid, const struct pvb_host_introduce *in,
                     pvb_error *err);
};

/*
 * A host over the caller's ops table and impl.  The table must stay
 * valid (and unchanged) until pvb_host_close, which calls ops->close(impl)
 * if set.  Every op but close and introduce is required.  -EINVAL, naming
 * the member, for a missing op or name, and for a version this library
 * does not know (0, or newer than PVB_HOST_OPS_VERSION).
 */
int pvb_host_new(const struct pvb_host_ops *ops, void *impl,
                 const struct pvb_host_opts *opts, pvb_host **out, pvb_error *err);

/*
 * The ops table and impl that drive host h, for a host that wraps another
 * (a proxy that counts or fails ops, a tracer): for a host from
 * pvb_host_new, the caller's own; for the library's hosts (sim, xen), a
 * table that calls into them, whose close closes h.  Valid while h is.
 */
int pvb_host_ops_of(pvb_host *h, const struct pvb_host_ops **ops, void **impl,
                    pvb_error *err);

#ifdef __cplusplus
}
#endif

#endif /* PVBUILD_SYS_HOST_H */
