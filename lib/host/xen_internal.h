/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The real-Xen host's insides, shared by its files: the handles, the
 * domain names kept for introduce, and the error helper (xen.c), memory
 * and grants (xen_memory.c), xenstore (xen_store.c).
 */
#ifndef PVB_HOST_XEN_INTERNAL_H
#define PVB_HOST_XEN_INTERNAL_H

#include "host/host.h"
#include "pvbuild.h"

#include <xenctrl.h>
#include <xenforeignmemory.h>

/* libxenctrl's log messages, handed on to the caller's pvb_logger. */
struct xen_log_bridge {
    xentoollog_logger vtable;    /* first: libxenctrl calls through it */
    pvb_logger log;
};

/* Xen keeps no names: the toolstack does, in xenstore. */
struct xen_name {
    struct xen_name *next;
    uint32_t domid;
    char *name;
};

struct xs_handle;

struct xen_host {
    struct pvb_host base;        /* first: a xen_host is a pvb_host */
    struct xen_log_bridge bridge;
    xc_interface *xch;
    xenforeignmemory_handle *fmem;
    /* The caller's xenstore handle (borrowed hosts), or NULL: introduce
     * then opens one of its own for the call (hosts with own handles) or
     * fails with -ENOENT (borrowed hosts). */
    struct xs_handle *xsh;
    bool borrowed;               /* the handles are the caller's: never closed */
    struct xen_name *names;
};

static inline struct xen_host *xen_host_of(struct pvb_host *h)
{
    return (struct xen_host *)h;
}

/*
 * Fill err with "xen: domain D: <what>: <strerror(e)>" and return -e.
 * `e` is a positive errno value (0 becomes EIO).
 */
int xen_fail(pvb_error *err, uint32_t domid, int e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The name given at domain_create, or NULL. */
const char *xen_domain_name(struct xen_host *x, uint32_t domid);

/* xen.c: XEN_DOMCTL_getdomaininfo for exactly domid (-ESRCH if none). */
int xen_getdomaininfo(struct xen_host *x, uint32_t domid,
                      xen_domctl_getdomaininfo_t *info, pvb_error *err);

/* xen_memory.c */
long xen_populate(struct pvb_host *h, uint32_t domid, unsigned order,
                  size_t count, xen_pfn_t *extents, pvb_error *err);
int xen_release(struct pvb_host *h, uint32_t domid, size_t count,
                const xen_pfn_t *mfns, pvb_error *err);
void *xen_map(struct pvb_host *h, uint32_t domid, int prot, size_t count,
              const xen_pfn_t *mfns, pvb_error *err);
void xen_unmap(struct pvb_host *h, void *addr, size_t count);
long xen_populate_node(struct pvb_host *h, uint32_t domid, unsigned node,
                       unsigned order, size_t count, xen_pfn_t *extents,
                       pvb_error *err);
int xen_numa_info(struct pvb_host *h, struct host_numa *numa, pvb_error *err);
/* xen_cpus.c */
int xen_cpu_info(struct pvb_host *h, struct host_cpus *cpus, pvb_error *err);
int xen_vcpu_affinity(struct pvb_host *h, uint32_t domid, unsigned vcpu,
                      const uint64_t *hard, const uint64_t *soft, unsigned nr_cpus,
                      pvb_error *err);
int xen_set_vnuma(struct pvb_host *h, uint32_t domid, unsigned nr_vcpus,
                  unsigned nr_vnodes, const struct pvb_plan_vnode *vn, pvb_error *err);
int xen_claim(struct pvb_host *h, uint32_t domid, uint64_t pages, pvb_error *err);
int xen_memory_info(struct pvb_host *h, struct host_memory *mem, pvb_error *err);
int xen_grant_seed(struct pvb_host *h, uint32_t domid, uint32_t backend_domid,
                   xen_pfn_t console_mfn, xen_pfn_t xenstore_mfn, pvb_error *err);

/* xen_store.c */
int xen_introduce(struct pvb_host *h, uint32_t domid,
                  const struct host_introduce *in, pvb_error *err);
/*
 * After a destroy: the nodes a toolstack wrote for the domain
 * (/local/domain/D, its /vm/UUID, /libxl/D) go too, as xl destroy removes
 * them.  Best effort (a warning); nothing to do where no xenstored answers.
 */
void xen_store_forget(struct xen_host *x, uint32_t domid);

#endif
