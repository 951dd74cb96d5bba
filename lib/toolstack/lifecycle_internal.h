/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internals of the lifecycle part (include/pvbuild/lifecycle.h). */
#ifndef PVB_TOOLSTACK_LIFECYCLE_INTERNAL_H
#define PVB_TOOLSTACK_LIFECYCLE_INTERNAL_H

#include "pvbuild/lifecycle.h"
#include "util/error.h"

struct xs_handle;
typedef struct xc_interface_core xc_interface;

struct pvb_lifecycle {
    struct xs_handle *xsh;
    xc_interface *xch;
    const pvb_logger *log;
};

/* Xen's view of one domain: 1 when it exists, 0 when not, negative on
 * failure.  `info` is an xc_domaininfo_t. */
struct xen_domctl_getdomaininfo;
int lc_domain_info(pvb_lifecycle *lc, uint32_t domid,
                   struct xen_domctl_getdomaininfo *info, pvb_error *err);

/* A xenstore node's value as a malloc'd string, or NULL (errno set). */
char *lc_read(pvb_lifecycle *lc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Wait until xenstored has a watch event for us or timeout_ms passes
 * (< 0: for ever); drains every pending event.  0, -ETIMEDOUT or -errno. */
int lc_wait_event(pvb_lifecycle *lc, int timeout_ms);

#endif
