/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one place "0 means the default" is resolved and the config's own
 * rules are checked, for the plan, the build and domain create alike.
 */
#ifndef PVB_CONFIG_RESOLVE_H
#define PVB_CONFIG_RESOLVE_H

#include "pvbuild.h"

/* The largest maxmem whose page count (plus libxl's slack) stays far from
 * overflow: 16 EiB / 1 MiB / 2^4. */
#define CONFIG_MAX_MAXMEM_MIB (UINT64_C(1) << 40)

struct config_values {
    uint64_t memory_mib;
    uint64_t maxmem_mib;
    unsigned vcpus;
    unsigned max_vcpus;
};

int config_resolve(const struct pvb_config *cfg, struct config_values *v,
                   pvb_error *err);

#endif
