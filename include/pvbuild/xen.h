/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libpvbuild over a toolstack's own Xen handles: the builder runs through
 * the caller's libxenctrl, libxenforeignmemory and libxenstore handles,
 * as libxenguest's xc_dom_boot_xen_init(dom, xch, domid) does.  Include
 * after (or instead of) pvbuild.h; link with the Xen libraries too
 * (pkg-config xencontrol xenforeignmemory xenstore).
 */
#ifndef PVBUILD_XEN_H
#define PVBUILD_XEN_H

#include <xenctrl.h>
#include <xenforeignmemory.h>
#include <xenstore.h>

#include "pvbuild.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A Xen host over the caller's handles.  xch and fmem are required; xsh
 * may be NULL, and then pvb_domain_introduce fails with -ENOENT (the
 * toolstack tells xenstored itself).  The handles stay the caller's:
 * pvb_host_close never closes them, and they must outlive the host.  The
 * library calls them only from inside its own calls on this host; using
 * the same handles from other threads at the same time is as safe as
 * libxenctrl makes it.  The domains the caller made itself (its own
 * xc_domain_create) are built with pvb_build as they are.
 *
 * opts->log receives the host's own messages; libxenctrl's go to the
 * logger the caller gave xc_interface_open.  Fails with -EINVAL for a
 * NULL xch, fmem or out, and with the hypervisor's error when a domctl on
 * dom0 through xch is refused (a domctl interface other than Xen 4.17's,
 * or a domain that may not control others).
 */
int pvb_host_xen_open_handles(xc_interface *xch, xenforeignmemory_handle *fmem,
                              struct xs_handle *xsh, const struct pvb_host_opts *opts,
                              pvb_host **out, pvb_error *err);

#ifdef __cplusplus
}
#endif

#endif /* PVBUILD_XEN_H */
