/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xl's cpu lists (cpus=, cpus_soft=, a vnode's vcpus=): "all", cpus and
 * ranges "0-3", "^2" to take some away, "nodes:1" for a NUMA node's cpus,
 * comma separated, applied left to right onto an empty set.
 */
#ifndef PVB_CONFIG_CPUSPEC_H
#define PVB_CONFIG_CPUSPEC_H

#include <stdbool.h>
#include <stdint.h>
#include "pvbuild.h"

#define CPU_NO_NODE (~0u)

/* What the items range over: nr cpus (or vCPUs), node[c] the NUMA node of
 * cpu c (CPU_NO_NODE: offline), NULL for no "nodes:" (a vnode's vcpus). */
struct cpu_set_space {
    unsigned nr;
    const unsigned *node;
    unsigned nr_nodes;
};

/*
 * Parse one list (no ';') into map (PVB_PLAN_CPUMAP_WORDS words, cleared
 * first).  space NULL: the syntax only (numbers below PVB_PLAN_MAX_CPUS).
 * `what` names the value in the one-line error ("cpus").  -EINVAL for bad
 * syntax, a cpu or node the space lacks, or a list that selects nothing.
 */
int cpuspec_parse(const char *what, const char *text, size_t len,
                  const struct cpu_set_space *space, uint64_t *map, pvb_error *err);

/* A cpus= value's items: a text with ';' is a per-vCPU list (see
 * pvb_config.cpus).  Calls fn for each item with its index. */
int cpuspec_items(const char *what, const char *text,
                  int (*fn)(void *ctx, unsigned i, const char *item, size_t len,
                            pvb_error *err),
                  void *ctx, unsigned *nr_items, pvb_error *err);

static inline bool cpumap_test(const uint64_t *map, unsigned c)
{
    return (map[c / 64] >> (c % 64)) & 1;
}
static inline void cpumap_set(uint64_t *map, unsigned c)
{
    map[c / 64] |= UINT64_C(1) << (c % 64);
}

#endif
