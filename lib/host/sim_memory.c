/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulated machine's memory.
 *
 * All of machine memory is one memfd, ftruncate'd to the machine's size:
 * a frame nobody wrote costs nothing, a freed frame's range is punched
 * out (zeroing it and giving the RAM back).  map() mmaps the memfd at the
 * frames' offsets, one mmap per run of consecutive machine frames, so a
 * 2 MiB extent is one call and separate views share the same bytes.
 *
 * Frames are handed out scattered: 2 MiB chunks in a seeded permutation
 * order, 4 KiB frames at a seeded stride inside a chunk.  Chunk 0 is never
 * handed out (mfn 0 stays invalid, as on Xen).  The bookkeeping is a
 * 4-byte record per chunk plus a bit per frame, both in MAP_NORESERVE
 * memory touched only where frames are in use.
 */
#define _GNU_SOURCE
#include "host/sim_internal.h"
#include "util/alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/error.h"

#define FRAME_BYTES PVB_PAGE_SIZE
#define CHUNK_BYTES (FRAME_BYTES << SIM_CHUNK_SHIFT)
/* 2^48 bytes: mfns below 2^36 keep the bookkeeping within a few GiB of VA. */
#define MACHINE_MAX (UINT64_C(1) << 48)

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t mix(uint64_t seed, uint64_t a, uint64_t b)
{
    uint64_t st = seed ^ (a * UINT64_C(0xd6e8feb86659fd93)) ^ b;
    return splitmix64(&st);
}

/* A bijection on [0, perm_mask]: affine maps and an xorshift, keyed by the seed. */
static uint64_t permute(const struct sim_memory *m, uint64_t x)
{
    for (int r = 0; r < 2; r++) {
        x = (x * m->perm_mul[r] + m->perm_add[r]) & m->perm_mask;
        x ^= x >> m->perm_shift;
    }
    return x;
}

/*
 * The k-th never-used chunk (k in 1..nr_chunks-1).  Cycle-walking the
 * permutation until it lands in range keeps it a bijection on the valid
 * chunks, and skips chunk 0.
 */
static uint64_t fresh_chunk(const struct sim_memory *m, uint64_t k)
{
    uint64_t x = permute(m, k);
    while (x == 0 || x >= m->nr_chunks)
        x = permute(m, x);
    return x;
}

static void *reserve(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

int sim_memory_init(struct sim_memory *m, uint64_t bytes, uint64_t seed,
                    unsigned nr_nodes, pvb_error *err)
{
    memset(m, 0, sizeof *m);
    m->fd = -1;
    if (bytes == 0)
        bytes = SIM_DEFAULT_MACHINE_BYTES;
    if (bytes % CHUNK_BYTES || bytes < 2 * CHUNK_BYTES || bytes > MACHINE_MAX)
        return fail(err, -EINVAL,
                    "sim: machine_bytes 0x%" PRIx64 " must be a multiple of 2 MiB "
                    "between 4 MiB and 0x%" PRIx64, bytes, MACHINE_MAX);

    m->nr_frames = bytes / FRAME_BYTES;
    m->nr_chunks = m->nr_frames >> SIM_CHUNK_SHIFT;
    m->nr_nodes = nr_nodes ? nr_nodes : 1;
    if (m->nr_nodes > HOST_MAX_NODES || m->nr_chunks % m->nr_nodes ||
        m->nr_chunks / m->nr_nodes < 2)
        return fail(err, -EINVAL, "sim: nr_nodes %u: machine_bytes 0x%" PRIx64 " must "
                    "split into that many equal nodes of 2 MiB multiples, at least 4 MiB "
                    "each, and nodes are at most %u", nr_nodes, bytes, HOST_MAX_NODES);
    m->node_chunks = m->nr_chunks / m->nr_nodes;
    m->seed = seed;
    m->fresh_next = 1;

    unsigned bits = 1;
    while ((UINT64_C(1) << bits) < m->nr_chunks)
        bits++;
    m->perm_mask = (UINT64_C(1) << bits) - 1;
    m->perm_shift = bits / 2 + 1;
    uint64_t st = seed;
    for (int r = 0; r < 2; r++) {
        m->perm_mul[r] = (splitmix64(&st) | 1) & m->perm_mask;
        if (m->perm_mul[r] == 1)        /* the identity would not scatter */
            m->perm_mul[r] = UINT64_C(0x5bd1e995) & m->perm_mask;
        m->perm_mul[r] |= 1;
        m->perm_add[r] = splitmix64(&st) & m->perm_mask;
    }

    m->fd = memfd_create("pvbuild-sim-machine", MFD_CLOEXEC);
    if (m->fd < 0)
        return fail(err, -errno, "sim: memfd_create for machine memory failed: %s",
                    strerror(errno));
    if (ftruncate(m->fd, (off_t)bytes) < 0) {
        int e = errno;
        sim_memory_fini(m);
        return fail(err, -e, "sim: sizing machine memory to 0x%" PRIx64 " bytes failed: %s",
                    bytes, strerror(e));
    }

    m->chunks_bytes = m->nr_chunks * sizeof *m->chunks;
    m->bitmap_bytes = m->nr_chunks * SIM_BITMAP_WORDS * sizeof(uint64_t);
    m->chunks = reserve(m->chunks_bytes);
    m->bitmap = reserve(m->bitmap_bytes);
    m->cap_free = m->nr_chunks;
    m->free_chunks = reserve(m->cap_free * sizeof *m->free_chunks);
    if (!m->chunks || !m->bitmap || !m->free_chunks) {
        int e = errno;
        sim_memory_fini(m);
        return fail(err, -e, "sim: reserving bookkeeping for 0x%" PRIx64 " frames failed: %s",
                    bytes / FRAME_BYTES, strerror(e));
    }
    return 0;
}

void sim_memory_fini(struct sim_memory *m)
{
    if (m->chunks)
        munmap(m->chunks, m->chunks_bytes);
    if (m->bitmap)
        munmap(m->bitmap, m->bitmap_bytes);
    if (m->free_chunks)
        munmap(m->free_chunks, m->cap_free * sizeof *m->free_chunks);
    if (m->fd >= 0)
        close(m->fd);
    memset(m, 0, sizeof *m);
    m->fd = -1;
}

static uint64_t *chunk_bits(const struct sim_memory *m, uint64_t c)
{
    return &m->bitmap[c * SIM_BITMAP_WORDS];
}

bool sim_frame_is(const struct sim_memory *m, xen_pfn_t mfn, uint32_t domid)
{
    if (mfn >= m->nr_frames)
        return false;
    uint64_t c = mfn >> SIM_CHUNK_SHIFT;
    const struct sim_chunk *ch = &m->chunks[c];
    if (ch->owner != domid || ch->used == 0)
        return false;
    if (ch->used == SIM_CHUNK_FRAMES)
        return true;
    unsigned off = mfn & (SIM_CHUNK_FRAMES - 1);
    return (chunk_bits(m, c)[off / 64] >> (off % 64)) & 1;
}

uint32_t sim_frame_owner(struct pvb_host *h, xen_pfn_t mfn)
{
    const struct sim_memory *m = &sim_host_of(h)->mem;
    if (mfn >= m->nr_frames)
        return 0;
    uint32_t owner = m->chunks[mfn >> SIM_CHUNK_SHIFT].owner;
    return owner && sim_frame_is(m, mfn, owner) ? owner : 0;
}

const char *sim_owner_text(struct sim_host *s, xen_pfn_t mfn, char *buf, size_t len)
{
    if (mfn >= s->mem.nr_frames)
        return "beyond machine memory";
    uint32_t owner = sim_frame_owner(&s->base, mfn);
    if (!owner)
        return "a free frame";
    snprintf(buf, len, "owned by domain %u", owner);
    return buf;
}

static unsigned node_of(const struct sim_memory *m, uint64_t c)
{
    return (unsigned)(c / m->node_chunks);
}

static void count_use(struct sim_memory *m, uint64_t c, int64_t frames)
{
    m->in_use += (uint64_t)frames;
    m->node_in_use[node_of(m, c)] += (uint64_t)frames;
}

uint64_t sim_node_free_pages(const struct sim_memory *m, unsigned n)
{
    /* Chunk 0 (node 0's first) is never handed out. */
    uint64_t frames = m->node_chunks * SIM_CHUNK_FRAMES - (n == 0 ? SIM_CHUNK_FRAMES : 0);
    return frames - m->node_in_use[n];
}

uint64_t sim_free_pages(const struct sim_memory *m)
{
    return m->nr_frames - SIM_CHUNK_FRAMES - m->in_use;
}

uint64_t sim_machine_frames(struct pvb_host *h)
{
    return sim_host_of(h)->mem.nr_frames;
}

/* A reused chunk of node n's list, at a seeded position so it stays scattered. */
static uint64_t take_listed(struct sim_memory *m, unsigned n)
{
    uint32_t *list = m->free_chunks + n * m->node_chunks;
    size_t i = mix(m->seed, m->node_free[n], m->fresh_next) % m->node_free[n];
    uint64_t c = list[i];
    list[i] = list[--m->node_free[n]];
    return c;
}

/* Each node's list has room for all its chunks: giving one back cannot fail. */
static void give_back_chunk(struct sim_memory *m, uint64_t c)
{
    unsigned n = node_of(m, c);
    m->free_chunks[n * m->node_chunks + m->node_free[n]++] = (uint32_t)c;
}

/*
 * Take a whole free chunk (of `node`, or of any with SIM_ANY_NODE): a
 * reused one if any, else the next fresh one.  Fresh chunks of other
 * nodes met on the way go to their nodes' lists.
 */
static int take_chunk(struct sim_memory *m, unsigned node, uint64_t *chunk)
{
    for (unsigned n = 0; n < m->nr_nodes; n++) {
        if ((node == SIM_ANY_NODE || node == n) && m->node_free[n]) {
            *chunk = take_listed(m, n);
            return 0;
        }
    }
    while (m->fresh_next < m->nr_chunks) {
        uint64_t c = fresh_chunk(m, m->fresh_next++);
        if (node == SIM_ANY_NODE || node_of(m, c) == node) {
            *chunk = c;
            return 0;
        }
        give_back_chunk(m, c);
    }
    return -ENOSPC;
}

static void punch(struct sim_memory *m, xen_pfn_t mfn, uint64_t count)
{
    /* Cannot fail on a memfd for a valid range; the frames are then zero. */
    (void)fallocate(m->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                    (off_t)(mfn * FRAME_BYTES), (off_t)(count * FRAME_BYTES));
}

static int push_chunk(uint32_t **list, size_t *nr, size_t *cap, uint64_t c)
{
    if (*nr == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        uint32_t *p = mem_realloc(*list, ncap * sizeof *p);
        if (!p)
            return -ENOMEM;
        *list = p;
        *cap = ncap;
    }
    (*list)[(*nr)++] = (uint32_t)c;
    return 0;
}

static int list_partial(struct sim_domain *d, uint64_t c)
{
    return push_chunk(&d->partial, &d->nr_partial, &d->cap_partial, c);
}

/* Hand chunk c to d; remembered so that destroy need not scan the machine. */
static int claim_chunk(struct sim_memory *m, struct sim_domain *d, uint64_t c,
                       unsigned used)
{
    if (push_chunk(&d->taken, &d->nr_taken, &d->cap_taken, c)) {
        give_back_chunk(m, c);
        return -ENOMEM;
    }
    struct sim_chunk *ch = &m->chunks[c];
    ch->owner = (uint16_t)d->domid;
    ch->used = used;
    count_use(m, c, used);
    ch->listed = 0;
    ch->dirty = 0;
    return 0;
}

int sim_alloc_extent(struct sim_memory *m, struct sim_domain *d, unsigned node,
                     xen_pfn_t avoid, xen_pfn_t *mfn)
{
    uint64_t c;
    if (take_chunk(m, node, &c))
        return -ENOSPC;
    if ((c << SIM_CHUNK_SHIFT) == avoid) {
        /* pfn == mfn would hide a mix-up: take another, return this one. */
        uint64_t c2;
        int rc = take_chunk(m, node, &c2);
        give_back_chunk(m, c);
        if (rc)
            return -ENOSPC;
        c = c2;
    }
    if (claim_chunk(m, d, c, SIM_CHUNK_FRAMES))
        return -ENOMEM;
    *mfn = c << SIM_CHUNK_SHIFT;
    return 0;
}

/*
 * A free frame of chunk c, other than `avoid`, visited in a seeded
 * order (an odd stride modulo 512), starting where the count of used
 * frames points, which in a chunk without holes is always free.
 */
static int pick_in_chunk(const struct sim_memory *m, uint64_t c, xen_pfn_t avoid)
{
    uint64_t h = mix(m->seed, c, 0x51);
    unsigned stride = (unsigned)(h & (SIM_CHUNK_FRAMES - 1)) | 1;
    if (stride == 1 || stride == SIM_CHUNK_FRAMES - 1)
        stride = 0x9d;
    unsigned start = (unsigned)(h >> 32) & (SIM_CHUNK_FRAMES - 1);
    const uint64_t *bits = chunk_bits(m, c);
    unsigned used = m->chunks[c].used;

    for (unsigned j = used; j < used + SIM_CHUNK_FRAMES; j++) {
        unsigned off = (start + stride * j) & (SIM_CHUNK_FRAMES - 1);
        if ((bits[off / 64] >> (off % 64)) & 1)
            continue;
        if ((c << SIM_CHUNK_SHIFT) + off == avoid)
            continue;
        return (int)off;
    }
    return -1;
}

int sim_alloc_frame(struct sim_memory *m, struct sim_domain *d, unsigned node,
                    xen_pfn_t avoid, xen_pfn_t *mfn)
{
    for (;;) {
        while (d->nr_partial) {
            uint64_t c = d->partial[d->nr_partial - 1];
            struct sim_chunk *ch = &m->chunks[c];
            /* Another node's spare frames wait; this node gets a chunk of its own. */
            if (node != SIM_ANY_NODE && node_of(m, c) != node && ch->owner == d->domid &&
                ch->used < SIM_CHUNK_FRAMES)
                break;
            if (ch->owner != d->domid) {        /* stale: freed since */
                d->nr_partial--;
                continue;
            }
            if (ch->used == SIM_CHUNK_FRAMES) {
                ch->listed = 0;
                d->nr_partial--;
                continue;
            }
            int off = pick_in_chunk(m, c, avoid);
            if (off < 0)
                break;                          /* only `avoid` is left here */
            chunk_bits(m, c)[off / 64] |= UINT64_C(1) << (off % 64);
            ch->bits = 1;
            count_use(m, c, 1);
            if (++ch->used == SIM_CHUNK_FRAMES) {
                ch->listed = 0;
                d->nr_partial--;
            }
            *mfn = (c << SIM_CHUNK_SHIFT) + (unsigned)off;
            return 0;
        }
        uint64_t c;
        if (take_chunk(m, node, &c))
            return -ENOSPC;
        if (claim_chunk(m, d, c, 0))
            return -ENOMEM;
        if (list_partial(d, c)) {
            d->nr_taken--;
            memset(&m->chunks[c], 0, sizeof m->chunks[c]);
            give_back_chunk(m, c);
            return -ENOMEM;
        }
        m->chunks[c].listed = 1;
    }
}

static void free_whole_chunk(struct sim_memory *m, uint64_t c)
{
    struct sim_chunk *ch = &m->chunks[c];
    count_use(m, c, -(int64_t)ch->used);
    if (ch->dirty)
        punch(m, c << SIM_CHUNK_SHIFT, SIM_CHUNK_FRAMES);
    /* Chunks only ever handed out whole never touch their bitmap page. */
    if (ch->bits)
        memset(chunk_bits(m, c), 0, SIM_BITMAP_WORDS * sizeof(uint64_t));
    memset(ch, 0, sizeof *ch);
    give_back_chunk(m, c);
}

int sim_free_frames(struct sim_memory *m, struct sim_domain *d,
                    size_t count, const xen_pfn_t *mfns, pvb_error *err)
{
    xen_pfn_t run = 0;
    uint64_t run_len = 0;

    for (size_t i = 0; i < count; i++) {
        xen_pfn_t mfn = mfns[i];
        if (!sim_frame_is(m, mfn, d->domid)) {
            if (run_len)
                punch(m, run, run_len);
            return fail(err, -EINVAL,
                        "sim: domain %u: release of mfn 0x%" PRIx64 " (entry %zu of %zu) "
                        "refused: the domain does not own it", d->domid,
                        (uint64_t)mfn, i, count);
        }
        uint64_t c = mfn >> SIM_CHUNK_SHIFT;
        unsigned off = mfn & (SIM_CHUNK_FRAMES - 1);
        struct sim_chunk *ch = &m->chunks[c];
        uint64_t *bits = chunk_bits(m, c);
        if (ch->used == SIM_CHUNK_FRAMES)       /* bits are only kept for partial chunks */
            for (unsigned w = 0; w < SIM_BITMAP_WORDS; w++)
                bits[w] = ~UINT64_C(0);
        ch->bits = 1;
        bits[off / 64] &= ~(UINT64_C(1) << (off % 64));
        ch->used--;
        count_use(m, c, -1);
        d->nr_pages--;

        if (ch->used == 0) {
            free_whole_chunk(m, c);
            continue;
        }
        if (ch->dirty) {
            if (run_len && mfn == run + run_len) {
                run_len++;
            } else {
                if (run_len)
                    punch(m, run, run_len);
                run = mfn;
                run_len = 1;
            }
        }
        /* Without a listing the spare frames wait until the chunk empties. */
        if (!ch->listed && list_partial(d, c) == 0)
            ch->listed = 1;
    }
    if (run_len)
        punch(m, run, run_len);
    return 0;
}

void sim_free_domain_frames(struct sim_memory *m, struct sim_domain *d)
{
    for (size_t i = 0; i < d->nr_taken; i++)
        if (m->chunks[d->taken[i]].owner == d->domid)
            free_whole_chunk(m, d->taken[i]);
    d->nr_taken = 0;
    d->nr_partial = 0;
}

void sim_mark_dirty(struct sim_memory *m, xen_pfn_t mfn, uint64_t count)
{
    uint64_t first = mfn >> SIM_CHUNK_SHIFT;
    uint64_t last = (mfn + count - 1) >> SIM_CHUNK_SHIFT;
    for (uint64_t c = first; c <= last; c++)
        if (!m->chunks[c].dirty)
            m->chunks[c].dirty = 1;
}

int sim_read_frame(struct sim_memory *m, xen_pfn_t mfn, void *buf)
{
    size_t done = 0;
    while (done < FRAME_BYTES) {
        ssize_t n = pread(m->fd, (char *)buf + done, FRAME_BYTES - done,
                          (off_t)(mfn * FRAME_BYTES + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -errno : -EIO;
        done += (size_t)n;
    }
    return 0;
}

int sim_write_frame(struct sim_memory *m, xen_pfn_t mfn, const void *buf)
{
    size_t done = 0;
    sim_mark_dirty(m, mfn, 1);
    while (done < FRAME_BYTES) {
        ssize_t n = pwrite(m->fd, (const char *)buf + done, FRAME_BYTES - done,
                           (off_t)(mfn * FRAME_BYTES + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -errno : -EIO;
        done += (size_t)n;
    }
    return 0;
}
