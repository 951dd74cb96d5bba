/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Names of the XENFEAT_* bits of xen/features.h (submap 0), as a kernel
 * writes them in its FEATURES note: the header's names without the prefix;
 * and the check of a kernel's required features (image/features.h).
 */
#include "image/features.h"
#include "util/error.h"

#include <errno.h>
#include <string.h>

static const char *const feature_names[] = {
    [XENFEAT_writable_page_tables] = "writable_page_tables",
    [XENFEAT_writable_descriptor_tables] = "writable_descriptor_tables",
    [XENFEAT_auto_translated_physmap] = "auto_translated_physmap",
    [XENFEAT_supervisor_mode_kernel] = "supervisor_mode_kernel",
    [XENFEAT_pae_pgdir_above_4gb] = "pae_pgdir_above_4gb",
    [XENFEAT_mmu_pt_update_preserve_ad] = "mmu_pt_update_preserve_ad",
    [XENFEAT_highmem_assist] = "highmem_assist",
    [XENFEAT_gnttab_map_avail_bits] = "gnttab_map_avail_bits",
    [XENFEAT_hvm_callback_vector] = "hvm_callback_vector",
    [XENFEAT_hvm_safe_pvclock] = "hvm_safe_pvclock",
    [XENFEAT_hvm_pirqs] = "hvm_pirqs",
    [XENFEAT_dom0] = "dom0",
    /*
     * features.h keeps bit 12 only inside a comment (deprecated), so there
     * is no constant to index with; old kernels may still name it.
     */
    [12] = "grant_map_identity",
    [XENFEAT_memory_op_vnode_supported] = "memory_op_vnode_supported",
    [XENFEAT_ARM_SMCCC_supported] = "ARM_SMCCC_supported",
    [XENFEAT_linux_rsdp_unrestricted] = "linux_rsdp_unrestricted",
    [XENFEAT_not_direct_mapped] = "not_direct_mapped",
    [XENFEAT_direct_mapped] = "direct_mapped",
};

#define NR_FEATURE_NAMES (sizeof feature_names / sizeof feature_names[0])

const char *pvb_feature_name(unsigned bit)
{
    return bit < NR_FEATURE_NAMES ? feature_names[bit] : NULL;
}

int pvb_feature_from_name(const char *name)
{
    if (!name)
        return -1;
    for (unsigned i = 0; i < NR_FEATURE_NAMES; i++)
        if (feature_names[i] && strcmp(feature_names[i], name) == 0)
            return (int)i;
    return -1;
}

int guest_features_check(const struct pvb_guest *g, const char *name,
                         bool have_host, uint32_t host_features, pvb_error *err)
{
    if (g->features_required_unknown[0])
        return fail(err, -EOPNOTSUPP, "%s: FEATURES requires \"%s\", a feature "
                    "Xen's features.h does not know", name,
                    g->features_required_unknown);
    uint32_t have = FEATURES_BUILDER | (FEATURES_XEN_PV_DOMU &
                                        (have_host ? host_features : ~UINT32_C(0)));
    uint32_t missing = g->features_required & ~have;
    if (!missing)
        return 0;
    unsigned bit = (unsigned)__builtin_ctz(missing);
    const char *fname = pvb_feature_name(bit);
    if (!have_host || !(FEATURES_XEN_PV_DOMU & (UINT32_C(1) << bit)))
        return fail(err, -EOPNOTSUPP, "%s: FEATURES requires \"%s\" (bit %u), "
                    "which a PV domain built by pvbuild never has", name,
                    fname ? fname : "?", bit);
    return fail(err, -EOPNOTSUPP, "%s: FEATURES requires \"%s\" (bit %u), which "
                "the hypervisor does not report (XENVER_get_features: 0x%x)",
                name, fname ? fname : "?", bit, (unsigned)host_features);
}
