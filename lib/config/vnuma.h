/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xl's vnuma= (pvb_config.vnuma's text), read and checked. */
#ifndef PVB_CONFIG_VNUMA_H
#define PVB_CONFIG_VNUMA_H

#include "pvbuild.h"

/* libxl's distances when a vnode gives none. */
#define VNUMA_LOCAL_DISTANCE 10
#define VNUMA_REMOTE_DISTANCE 20

/*
 * Parse text into vn[0..*nr): pnode, pfn range (sizes in order from pfn 0),
 * vCPUs and distances.  The sizes must sum to memory_mib, every vCPU below
 * max_vcpus be in exactly one vnode, vdistances (if given) have one value
 * per vnode.  One line naming "vnuma", the vnode and the limit on failure.
 * pnodes are checked against the host later (pvb_plan_place_numa).
 */
int vnuma_parse(const char *text, uint64_t memory_mib, unsigned max_vcpus,
                struct pvb_plan_vnode *vn, unsigned *nr, pvb_error *err);

#endif
