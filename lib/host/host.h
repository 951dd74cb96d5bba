/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host: where a domain's frames live.  The builder and the verifier
 * reach memory, vCPUs and Xen objects only through this ops table, so the
 * same code runs on real Xen and on the simulated machine.
 *
 * Frames are named as Xen names them for a PV guest: a pfn is the guest's
 * pseudo-physical frame number, an mfn a machine frame number.  Every call
 * returns 0 (or a count) on success and a negative errno on failure, with
 * `err` filled.
 */
#ifndef PVB_HOST_HOST_H
#define PVB_HOST_HOST_H

#include <stddef.h>
#include <stdint.h>
#include "pvbuild.h"
#include "util/xenabi.h"

struct pvb_host;

struct host_domain_config {
    const char *name;        /* may be NULL */
    uint32_t max_vcpus;
    uint64_t max_pages;      /* populate beyond this fails */
};

struct host_domain_info {
    uint64_t nr_pages;       /* frames the domain owns now */
    uint64_t max_pages;
    xen_pfn_t shared_info_mfn;
    uint32_t max_vcpus;
    unsigned address_size;   /* 0 until set */
    bool paused;
    bool shutdown;           /* the guest shut down (or crashed) */
    unsigned shutdown_reason;/* SHUTDOWN_* of xen/sched.h, when shutdown */
    bool dying;
};

/* What xenstored needs to know of a new domain (see xs_introduce_domain). */
struct host_introduce {
    const char *name;
    uint32_t backend_domid;
    xen_pfn_t store_mfn, console_mfn;
    uint32_t store_evtchn, console_evtchn;
    uint64_t memory_kib, maxmem_kib;
    unsigned vcpus;
};

/* The host's memory as Xen's physinfo counts it, in 4 KiB frames. */
struct host_memory {
    uint64_t total_pages;
    uint64_t free_pages;         /* free, claimed or not */
    uint64_t outstanding_pages;  /* claimed by all domains and not yet populated */
};

/* The host's NUMA nodes, as xc_numainfo reports them, in 4 KiB frames. */
#define HOST_MAX_NODES 64
struct host_numa {
    unsigned nr_nodes;
    uint64_t total_pages[HOST_MAX_NODES];
    uint64_t free_pages[HOST_MAX_NODES];
};

/* The host's cpus, as xc_cputopoinfo reports them: cpu c is on NUMA node
 * node[c] (HOST_NO_NODE: offline or unknown). */
#define HOST_MAX_CPUS PVB_PLAN_MAX_CPUS
#define HOST_NO_NODE (~0u)
struct host_cpus {
    unsigned nr_cpus;
    unsigned node[HOST_MAX_CPUS];
};

/* Protections for map(). */
#define HOST_MAP_READ  1
#define HOST_MAP_WRITE 2

struct host_ops {
    const char *name;        /* "sim", "xen" */
    void (*close)(struct pvb_host *h);

    int (*domain_create)(struct pvb_host *h, const struct host_domain_config *cfg,
                         uint32_t *domid, pvb_error *err);
    int (*domain_destroy)(struct pvb_host *h, uint32_t domid, pvb_error *err);
    int (*domain_info)(struct pvb_host *h, uint32_t domid,
                       struct host_domain_info *info, pvb_error *err);
    int (*set_address_size)(struct pvb_host *h, uint32_t domid, unsigned bits,
                            pvb_error *err);

    /*
     * Populate `count` extents of 2^order frames.  In: extents[i] is the
     * first pfn of extent i.  Out: extents[i] is the first mfn of extent i
     * (contiguous within the extent).  Returns the number of extents
     * populated (the first ones; may be fewer than count, e.g. when no
     * contiguous 2 MiB run is left) or a negative errno.  Populating beyond
     * the domain's max_pages fails with -ENOMEM.
     */
    long (*populate)(struct pvb_host *h, uint32_t domid, unsigned order,
                     size_t count, xen_pfn_t *extents, pvb_error *err);
    /* Give 4 KiB frames back to the host (the undo of populate). */
    int (*release)(struct pvb_host *h, uint32_t domid, size_t count,
                   const xen_pfn_t *mfns, pvb_error *err);

    /*
     * Map `count` of the domain's machine frames, in order, at one virtual
     * range of the caller.  Fails if a frame is not the domain's, or (with
     * HOST_MAP_WRITE) if it is a pinned page-table frame.
     */
    void *(*map)(struct pvb_host *h, uint32_t domid, int prot, size_t count,
                 const xen_pfn_t *mfns, pvb_error *err);
    void (*unmap)(struct pvb_host *h, void *addr, size_t count);

    int (*set_vcpu_context)(struct pvb_host *h, uint32_t domid, unsigned vcpu,
                            const vcpu_guest_context_x86_64_t *ctx, pvb_error *err);
    int (*get_vcpu_context)(struct pvb_host *h, uint32_t domid, unsigned vcpu,
                            vcpu_guest_context_x86_64_t *ctx, pvb_error *err);

    /* MMUEXT_PIN_L4_TABLE / MMUEXT_UNPIN_TABLE on a top-level table. */
    int (*pin_l4)(struct pvb_host *h, uint32_t domid, xen_pfn_t mfn, pvb_error *err);
    int (*unpin)(struct pvb_host *h, uint32_t domid, xen_pfn_t mfn, pvb_error *err);

    /* Have the host write its hypercall stubs into the domain's frame. */
    int (*hypercall_page)(struct pvb_host *h, uint32_t domid, xen_pfn_t mfn,
                          pvb_error *err);
    /* Grant entries 0 (console) and 1 (xenstore) for backend_domid. */
    int (*grant_seed)(struct pvb_host *h, uint32_t domid, uint32_t backend_domid,
                      xen_pfn_t console_mfn, xen_pfn_t xenstore_mfn, pvb_error *err);
    /* An unbound event channel in domid that remote_domid may bind. */
    int (*evtchn_alloc_unbound)(struct pvb_host *h, uint32_t domid,
                                uint32_t remote_domid, uint32_t *port, pvb_error *err);
    int (*unpause)(struct pvb_host *h, uint32_t domid, pvb_error *err);

    /* XENVER_get_features, submap 0, as the hypervisor reports it to us. */
    int (*features)(struct pvb_host *h, uint32_t *submap, pvb_error *err);

    /*
     * Tell xenstored about the new domain and write the nodes its console
     * and store backends read (as a toolstack does).  -ENOENT when no
     * xenstored runs; the caller decides whether that matters.
     */
    int (*introduce)(struct pvb_host *h, uint32_t domid,
                     const struct host_introduce *in, pvb_error *err);

    /*
     * XENMEM_claim_pages: set `pages` frames (the domain's total, those it
     * has included) aside for domid's later populates, so no other domain
     * takes them; 0 gives what is left of the claim back.  -ENOMEM when
     * free memory less the other domains' claims is short; -ENOSYS or
     * -EOPNOTSUPP when the host has no claims.  May be NULL (no claims).
     */
    int (*claim)(struct pvb_host *h, uint32_t domid, uint64_t pages, pvb_error *err);
    /* Total, free and claimed frames of the whole host.  May be NULL. */
    int (*memory_info)(struct pvb_host *h, struct host_memory *mem, pvb_error *err);

    /* The NUMA nodes with their memory.  May be NULL (one node). */
    int (*numa_info)(struct pvb_host *h, struct host_numa *numa, pvb_error *err);
    /*
     * populate, with every frame from node `node` (XENMEMF_exact_node):
     * fewer extents, or -ENOMEM, when the node has no more.  May be NULL.
     */
    long (*populate_node)(struct pvb_host *h, uint32_t domid, unsigned node,
                          unsigned order, size_t count, xen_pfn_t *extents,
                          pvb_error *err);

    /* The cpus and their nodes.  May be NULL (no affinity is set). */
    int (*cpu_info)(struct pvb_host *h, struct host_cpus *cpus, pvb_error *err);
    /*
     * xc_vcpu_setaffinity, hard and soft at once: maps of nr_cpus bits
     * (bit c: host cpu c); NULL for all cpus.  -EINVAL when Xen refuses
     * (no online cpu in hard).  May be NULL.
     */
    int (*vcpu_affinity)(struct pvb_host *h, uint32_t domid, unsigned vcpu,
                         const uint64_t *hard, const uint64_t *soft, unsigned nr_cpus,
                         pvb_error *err);
    /* XEN_DOMCTL_setvnumainfo from the plan's vnodes (guest-visible vNUMA):
     * nr_vcpus is the domain's max_vcpus.  May be NULL. */
    int (*set_vnuma)(struct pvb_host *h, uint32_t domid, unsigned nr_vcpus,
                     unsigned nr_vnodes, const struct pvb_plan_vnode *vn, pvb_error *err);
};

/* A mapping a successful build left for pvb_host_close (keep_mappings). */
struct host_kept {
    uint32_t domid;
    void *addr;
    size_t count;
};

/* Every host embeds this first (zeroed, then ops set). */
struct pvb_host {
    const struct host_ops *ops;
    /*
     * pvb_host_opts.keep_mappings: in a Xen PV dom0 munmap clears each PTE
     * through the hypervisor, while exit unpins the page tables first and
     * drops them whole, so a caller about to exit leaves the big ones.
     */
    bool keep_mappings;
    struct host_kept *kept;
    size_t nr_kept, cap_kept;
};

/*
 * -EINVAL with "WHAT: version V is not known to libpvbuild X (it knows K)"
 * unless 1 <= version <= known.
 */
int host_opts_version(const char *what, unsigned version, unsigned known,
                      pvb_error *err);
/* A host from pvb_host_new (custom.c): its caller's table and impl. */
struct pvb_host_ops;
bool host_is_custom(const struct pvb_host *h, const struct pvb_host_ops **ops,
                    void **impl);
/* The logger of opts (NULL opts: none), its version checked. */
int host_opts_log(const struct pvb_host_opts *opts, const pvb_logger **log,
                  pvb_error *err);
/* What of opts (checked by host_opts_log) the opened host keeps. */
void host_opts_apply(struct pvb_host *h, const struct pvb_host_opts *opts);

/*
 * Leave the mapping at addr (count frames of domid) to host_release_kept
 * or pvb_host_close; unmapped at once when there is no room to remember it.
 */
void host_keep(struct pvb_host *h, uint32_t domid, void *addr, size_t count);
/* Unmap what host_keep left of domid.  A writable mapping of a frame keeps
 * the guest from pinning it as a page table, and a domain destroyed with
 * mappings stays a zombie: so this comes before unpause and destroy. */
void host_release_kept(struct pvb_host *h, uint32_t domid);
/* ops->unpause and ops->domain_destroy, after host_release_kept. */
int host_unpause(struct pvb_host *h, uint32_t domid, pvb_error *err);
int host_domain_destroy(struct pvb_host *h, uint32_t domid, pvb_error *err);

#endif
