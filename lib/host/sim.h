/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulated host: an in-process machine with sparse memory, scattered
 * machine frames and Xen's page-type rules, so that the builder runs end
 * to end without Xen and a pfn/mfn mix-up shows.
 *
 * The sim_* functions here are hooks for the tests.
 */
#ifndef PVB_HOST_SIM_H
#define PVB_HOST_SIM_H

#include <stdint.h>
#include "pvbuild.h"
#include "util/xenabi.h"

/*
 * pvb_host_sim_open() and pvb_host_close() are public (pvbuild.h).  With
 * machine_bytes 0 the machine has 16 TiB (2^32 frames): room for
 * multi-TiB guests, costing nothing until frames are written.
 */
#define SIM_DEFAULT_MACHINE_BYTES (UINT64_C(16) << 40)

/* ------------------------------------------------------------ test hooks */

/* The domain owning machine frame mfn, or 0 if it is free (or out of range). */
uint32_t sim_frame_owner(struct pvb_host *h, xen_pfn_t mfn);
/* Frames of machine memory. */
uint64_t sim_machine_frames(struct pvb_host *h);
/* The level (1..4) of mfn as a pinned page table, 0 if it is none. */
unsigned sim_frame_table_level(struct pvb_host *h, xen_pfn_t mfn);
/* Frames domain domid owns on NUMA node `node` (reads every chunk's entry). */
uint64_t sim_node_frames(struct pvb_host *h, uint32_t domid, unsigned node);
/* Live map() views not yet unmapped. */
size_t sim_live_views(struct pvb_host *h);
/* Domains that exist, and machine frames handed out to any of them. */
size_t sim_live_domains(struct pvb_host *h);
uint64_t sim_frames_in_use(struct pvb_host *h);
int sim_grant_entry(struct pvb_host *h, uint32_t domid, unsigned ref,
                    grant_entry_v1_t *out, pvb_error *err);
int sim_evtchn_remote(struct pvb_host *h, uint32_t domid, uint32_t port,
                      uint32_t *remote_domid, pvb_error *err);
/* vCPU vcpu's hard and soft maps as last set (PVB_PLAN_CPUMAP_WORDS
 * words each; bit c: cpu c, SIM_CPUS_PER_NODE cpus per node in node
 * order); -ENOENT if never set. */
int sim_vcpu_affinity_of(struct pvb_host *h, uint32_t domid, unsigned vcpu,
                         uint64_t *hard, uint64_t *soft, pvb_error *err);
/* The vnodes setvnuma gave the domain (0: none). */
unsigned sim_vnuma_nodes(struct pvb_host *h, uint32_t domid);
/* 1 if unpaused, 0 if still paused, negative errno if no such domain. */
int sim_domain_unpaused(struct pvb_host *h, uint32_t domid, pvb_error *err);

#endif
