/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which XENFEAT_* features a PV domain built by pvbuild has, and the check
 * of a kernel's required ('!') features against them.
 *
 * libxenguest refuses a kernel that requires a feature name libelf does
 * not know, or requires dom0 (xg_dom_elfloader.c); pvbuild also refuses a
 * required feature the hypervisor does not report, since such a guest
 * dies at boot.
 */
#ifndef PVB_IMAGE_FEATURES_H
#define PVB_IMAGE_FEATURES_H

#include <stdbool.h>
#include <stdint.h>
#include "pvbuild.h"
#include "util/xenabi.h"

#define FEAT(x) (UINT32_C(1) << XENFEAT_##x)

/*
 * Provided by the build itself: Xen emulates a 64-bit PV guest's writes to
 * its own page tables whatever XENFEAT_writable_page_tables says (Linux
 * requires the name; libxenguest boots it), and an x86_64 top-level table
 * may live at any machine frame, above 4 GiB too.
 */
#define FEATURES_BUILDER (FEAT(writable_page_tables) | FEAT(pae_pgdir_above_4gb))

/*
 * What Xen reports to a 64-bit PV guest when its hypervisor has it
 * (xen/common/kernel.c, XENVER_get_features); the host reports the
 * caller's (dom0's) view, of which dom0 and the HVM/translated bits are
 * never a built PV domU's.
 */
#define FEATURES_XEN_PV_DOMU (FEAT(memory_op_vnode_supported) | \
    FEAT(pae_pgdir_above_4gb) | FEAT(mmu_pt_update_preserve_ad) | \
    FEAT(highmem_assist) | FEAT(gnttab_map_avail_bits) | FEAT(direct_mapped))

/*
 * Refuse a guest whose FEATURES requires a feature by an unknown name, or
 * one the domain will not have: with have_host false, any feature outside
 * FEATURES_BUILDER | FEATURES_XEN_PV_DOMU (the layout's check); with it,
 * any outside FEATURES_BUILDER | (host_features & FEATURES_XEN_PV_DOMU).
 * `name` is the kernel, for messages.
 */
int guest_features_check(const struct pvb_guest *g, const char *name,
                         bool have_host, uint32_t host_features, pvb_error *err);

#endif
