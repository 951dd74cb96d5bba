/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulated host's insides, shared by its files: machine memory
 * (sim_memory.c), the caller's views of it (sim_map.c), page-table pinning
 * (sim_pagetable.c), the mfn hash (sim_mfnmap.c) and the domains (sim.c).  Not thread safe: one host is
 * used by one thread at a time.
 */
#ifndef PVB_HOST_SIM_INTERNAL_H
#define PVB_HOST_SIM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "host/host.h"
#include "host/sim.h"

/*
 * Machine memory is cut into 2 MiB chunks of 512 frames.  A chunk belongs
 * to one domain at a time; a per-frame bitmap says which of its frames are
 * handed out, but only while the chunk is partly used (used < 512), so a
 * guest built from 2 MiB extents never touches the bitmap.
 */
#define SIM_CHUNK_SHIFT  9
#define SIM_CHUNK_FRAMES (1u << SIM_CHUNK_SHIFT)
#define SIM_BITMAP_WORDS (SIM_CHUNK_FRAMES / 64)

/* A 4-level x86_64 table entry's frame, bits 12..51. */
#define SIM_PTE_MFN(e)   (((e) & UINT64_C(0x000ffffffffff000)) >> 12)
#define SIM_PTE_PRESENT  (UINT64_C(1) << 0)
#define SIM_PTE_RW       (UINT64_C(1) << 1)
#define SIM_PTE_PSE      (UINT64_C(1) << 7)
/* L4 slots 256..271 map [0xffff800000000000, 0xffff880000000000): Xen's. */
#define SIM_XEN_L4_FIRST 256
#define SIM_XEN_L4_LAST  271

#define SIM_GRANT_ENTRIES 512   /* one frame of grant_entry_v1_t */
#define SIM_EVTCHN_PORTS  4096  /* 2-level ABI, 64-bit guest */
#define SIM_MAX_VCPUS     4096
#define SIM_CPUS_PER_NODE 2

struct sim_chunk {
    uint16_t owner;          /* domid, 0 = free */
    uint16_t used : 10;      /* frames handed out, 0..512 */
    uint16_t listed : 1;     /* on its owner's partial list */
    uint16_t dirty : 1;      /* may hold non-zero bytes (was mapped writable) */
    uint16_t bits : 1;       /* its bitmap words may be non-zero */
};

/* Open-addressed hash: mfn -> 32-bit value. */
struct mfn_map {
    uint64_t *keys;          /* mfn + 1; 0 = empty slot */
    uint32_t *vals;
    size_t cap;              /* power of two, or 0 */
    size_t len;
};

void mfn_map_init(struct mfn_map *m);
void mfn_map_free(struct mfn_map *m);
uint32_t *mfn_map_find(const struct mfn_map *m, uint64_t mfn);
int mfn_map_insert(struct mfn_map *m, uint64_t mfn, uint32_t val);
void mfn_map_remove(struct mfn_map *m, uint64_t mfn);

struct sim_memory {
    int fd;                  /* the memfd holding machine memory */
    uint64_t nr_frames;
    uint64_t nr_chunks;
    struct sim_chunk *chunks;    /* MAP_NORESERVE, nr_chunks entries */
    size_t chunks_bytes;
    uint64_t *bitmap;            /* MAP_NORESERVE, SIM_BITMAP_WORDS per chunk */
    size_t bitmap_bytes;

    /* Chunks never handed out come in a seeded permutation order. */
    uint64_t seed;
    uint64_t fresh_next;         /* next permutation index, 1..nr_chunks-1 */
    uint64_t perm_mask;
    unsigned perm_shift;
    uint64_t perm_mul[2], perm_add[2];

    /* Chunks given back (zeroed), reused last-in first-out. */
    uint32_t *free_chunks;
    size_t nr_free, cap_free;

    uint64_t in_use;             /* frames handed out to any domain */

    /* NUMA: node n holds chunks [n * node_chunks, (n + 1) * node_chunks);
     * free_chunks is cut the same way, node n's list from n * node_chunks. */
    unsigned nr_nodes;
    uint64_t node_chunks;
    size_t node_free[HOST_MAX_NODES];
    uint64_t node_in_use[HOST_MAX_NODES];
};

#define SIM_ANY_NODE (~0u)

struct sim_pin {
    struct sim_pin *next;
    xen_pfn_t l4;
    size_t nr_tables;
    xen_pfn_t *tables;       /* every table frame the L4 reaches, L4 first */
};

struct sim_domain {
    uint32_t domid;
    char *name;
    uint32_t max_vcpus;
    uint64_t max_pages;
    uint64_t nr_pages;
    unsigned address_size;
    xen_pfn_t shared_info_mfn;
    bool unpaused;
    vcpu_guest_context_x86_64_t *vcpus;
    grant_entry_v1_t grant[SIM_GRANT_ENTRIES];
    uint32_t *evtchn_remote;     /* index = port; port 0 is never handed out */
    uint32_t next_port;
    struct sim_pin *pins;

    /* Chunks this domain owns with frames to spare (may hold stale entries). */
    uint32_t *partial;
    size_t nr_partial, cap_partial;
    /* Every chunk it ever took (stale entries: owner no longer this domain). */
    uint32_t *taken;
    size_t nr_taken, cap_taken;

    uint64_t outstanding;        /* claimed frames not yet populated */
    /* vCPU v's hard then soft cpu map (PVB_PLAN_CPUMAP_WORDS words each),
     * allocated at the first vcpu_affinity; NULL: never set. */
    uint64_t *affinity;
    unsigned nr_vnodes;          /* setvnuma's, 0: none */
};

/* A live map() of the caller's: which frames, with what protection. */
struct sim_run {
    xen_pfn_t mfn;
    uint64_t len;
};

struct sim_view {
    struct sim_view *next;
    void *addr;
    size_t count;
    uint32_t domid;
    int prot;
    size_t nr_runs;
    struct sim_run *runs;
};

struct sim_host {
    struct pvb_host base;        /* first: a sim_host is a pvb_host */
    struct sim_memory mem;
    struct sim_domain **domains; /* indexed by domid */
    size_t cap_domains;
    uint32_t next_domid;
    /* Frames of pinned tables: value = level (bits 0..2) | refs << 3. */
    struct mfn_map pinned;
    struct sim_view *views;
    uint64_t outstanding;        /* all domains' claims, as Xen's outstanding_claims */
};

static inline struct sim_host *sim_host_of(struct pvb_host *h)
{
    return (struct sim_host *)h;
}

/* 0 and *d, or -ESRCH naming `what` (the operation) in err. */
/* sim_cpus.c: the ops of the same names. */
int sim_cpu_info(struct pvb_host *h, struct host_cpus *cpus, pvb_error *err);
int sim_vcpu_affinity(struct pvb_host *h, uint32_t domid, unsigned vcpu,
                      const uint64_t *hard, const uint64_t *soft, unsigned nr_cpus,
                      pvb_error *err);
int sim_set_vnuma(struct pvb_host *h, uint32_t domid, unsigned nr_vcpus,
                  unsigned nr_vnodes, const struct pvb_plan_vnode *vn, pvb_error *err);
int sim_domain_get(struct sim_host *s, uint32_t domid, const char *what,
                   struct sim_domain **d, pvb_error *err);

/* sim_memory.c, sim_map.c */
int sim_memory_init(struct sim_memory *m, uint64_t bytes, uint64_t seed,
                    unsigned nr_nodes, pvb_error *err);
/* Free frames of node n. */
uint64_t sim_node_free_pages(const struct sim_memory *m, unsigned n);
void sim_memory_fini(struct sim_memory *m);
bool sim_frame_is(const struct sim_memory *m, xen_pfn_t mfn, uint32_t domid);
/* "a free frame", "owned by domain 2", ...: for messages. */
const char *sim_owner_text(struct sim_host *s, xen_pfn_t mfn, char *buf, size_t len);
int sim_alloc_frame(struct sim_memory *m, struct sim_domain *d, unsigned node,
                    xen_pfn_t avoid, xen_pfn_t *mfn);
int sim_alloc_extent(struct sim_memory *m, struct sim_domain *d, unsigned node,
                     xen_pfn_t avoid, xen_pfn_t *mfn);
/* Frames no domain has (chunk 0 is never handed out). */
uint64_t sim_free_pages(const struct sim_memory *m);
int sim_free_frames(struct sim_memory *m, struct sim_domain *d,
                    size_t count, const xen_pfn_t *mfns, pvb_error *err);
void sim_free_domain_frames(struct sim_memory *m, struct sim_domain *d);
void sim_mark_dirty(struct sim_memory *m, xen_pfn_t mfn, uint64_t count);
int sim_read_frame(struct sim_memory *m, xen_pfn_t mfn, void *buf);
int sim_write_frame(struct sim_memory *m, xen_pfn_t mfn, const void *buf);

void *sim_map(struct pvb_host *h, uint32_t domid, int prot, size_t count,
              const xen_pfn_t *mfns, pvb_error *err);
void sim_unmap(struct pvb_host *h, void *addr, size_t count);
void sim_views_drop_all(struct sim_host *s);

/* sim_pagetable.c */
int sim_pin_l4(struct pvb_host *h, uint32_t domid, xen_pfn_t mfn, pvb_error *err);
int sim_unpin(struct pvb_host *h, uint32_t domid, xen_pfn_t mfn, pvb_error *err);
int sim_check_l4(struct sim_host *s, struct sim_domain *d, xen_pfn_t l4,
                 const char *what, pvb_error *err);
void sim_unpin_all(struct sim_host *s, struct sim_domain *d);
unsigned sim_pinned_level(const struct sim_host *s, xen_pfn_t mfn);

#endif
