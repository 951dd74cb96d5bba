/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "image/cache.h"
#include "image/elfview.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Bump when the entry layout or what the key covers changes. */
#define ENTRY_VERSION 3
#define ENTRY_MAGIC "PVBKCACH"
/* The ELF starts on a page of its own, so the mapping hands it out aligned. */
#define ENTRY_DATA_OFFSET 4096
/* A writer that died leaves its temporary file; others clear it later. */
#define STALE_TMP_SECONDS 600

struct entry_header {
    char magic[8];
    uint32_t version;
    uint32_t data_offset;
    uint64_t key[2];
    uint64_t input_size;
    uint64_t max_output, max_decoder_mem;
    uint64_t elf_size;
    uint64_t elf_digest[2];      /* of the whole ELF (kcache_elf_digest) */
    uint64_t view_digest[2];     /* what a view of it reads (elfview.h) */
    uint64_t payload_size;
    uint32_t format, compression;
    uint32_t bzimage_version;
    uint32_t reserved;
    uint64_t header_digest[2];   /* of everything above */
};

/* ------------------------------------------------------------------ hash */

/*
 * Four independent multiply-rotate lanes over 8-byte words (the round of
 * the xxHash family): a pass runs near memory speed, which matters
 * because every hit checks its whole entry.  Not cryptographic: the key
 * also carries the input's size, and entries come only from this
 * builder's own decodes in a directory only its owner may write.
 */
#define P1 UINT64_C(0x9E3779B185EBCA87)
#define P2 UINT64_C(0xC2B2AE3D27D4EB4F)
#define P3 UINT64_C(0x165667B19E3779F9)

static inline uint64_t rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static inline uint64_t rd64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t lane(uint64_t acc, uint64_t in)
{
    return rotl(acc + in * P2, 31) * P1;
}

static uint64_t avalanche(uint64_t h)
{
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    return h ^ (h >> 32);
}

/* The hash in steps, so that a read can be checked chunk by chunk. */
struct khash {
    uint64_t v[4];
};

static void khash_init(struct khash *k, uint64_t seed)
{
    k->v[0] = seed + P1 + P2;
    k->v[1] = seed + P2;
    k->v[2] = seed;
    k->v[3] = seed - P1;
}

/* Whole 32-byte blocks only. */
static void khash_blocks(struct khash *k, const unsigned char *p, size_t blocks)
{
    uint64_t v0 = k->v[0], v1 = k->v[1], v2 = k->v[2], v3 = k->v[3];
    for (size_t i = 0; i < blocks; i++, p += 32) {
        v0 = lane(v0, rd64(p));
        v1 = lane(v1, rd64(p + 8));
        v2 = lane(v2, rd64(p + 16));
        v3 = lane(v3, rd64(p + 24));
    }
    k->v[0] = v0, k->v[1] = v1, k->v[2] = v2, k->v[3] = v3;
}

/* The last len % 32 bytes at p, and the total length. */
static void khash_final(struct khash *k, const unsigned char *p, size_t len,
                        uint64_t out[2])
{
    unsigned char tail[32] = { 0 };
    memcpy(tail, p, len % 32);
    khash_blocks(k, tail, 1);
    uint64_t v0 = k->v[0], v1 = k->v[1], v2 = k->v[2], v3 = k->v[3];
    uint64_t a = rotl(v0, 1) + rotl(v1, 7) + rotl(v2, 12) + rotl(v3, 18);
    uint64_t b = rotl(v0, 18) ^ rotl(v1, 12) ^ rotl(v2, 7) ^ rotl(v3, 1);
    out[0] = avalanche(a ^ (uint64_t)len * P3);
    out[1] = avalanche((b + P1) ^ (uint64_t)len * P1 ^ out[0]);
}

void kcache_hash(const void *data, size_t len, uint64_t seed, uint64_t out[2])
{
    struct khash k;
    khash_init(&k, seed);
    khash_blocks(&k, data, len / 32);
    khash_final(&k, (const unsigned char *)data + len / 32 * 32, len, out);
}

static void header_digest(const struct entry_header *h, uint64_t out[2])
{
    kcache_hash(h, offsetof(struct entry_header, header_digest), P3, out);
}

/* ------------------------------------------------------------ directory */

/* Each kind's entry name and the words its messages use. */
static const struct kind {
    const char *suffix, *what, *decoded, *redo, *mismatch;
} kinds[] = {
    [KCACHE_KERNEL] = { ".elf", "kernel", "decoded kernel", "decoding the kernel",
                        "made for another kernel or other limits" },
    [KCACHE_RAMDISK] = { ".rd", "ramdisk", "gunzipped ramdisk",
                         "gunzipping the ramdisk",
                         "made for another ramdisk or other limits" },
};

static const char *what(const struct kcache *c) { return kinds[c->kind].what; }
static const char *decoded(const struct kcache *c) { return kinds[c->kind].decoded; }
static const char *redo(const struct kcache *c) { return kinds[c->kind].redo; }

/*
 * Only a directory its owner alone may write is trusted: anyone else who
 * could plant an entry would choose the kernel a domain boots.  Missing is
 * fine (the store makes it).  Returns 0, or -1 after a warning.
 */
static int dir_usable(struct kcache *c)
{
    struct stat st;
    if (stat(c->dir, &st) < 0) {
        if (errno == ENOENT)
            return 0;
        log_warn(c->log, "cache: %s: %s; the %s cache is not used",
                 c->dir, strerror(errno), what(c));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        log_warn(c->log, "cache: %s is not a directory; the %s cache is "
                 "not used", c->dir, what(c));
        return -1;
    }
    if (st.st_uid != geteuid()) {
        log_warn(c->log, "cache: %s belongs to uid %u, not to this user (uid "
                 "%u); the %s cache is not used", c->dir,
                 (unsigned)st.st_uid, (unsigned)geteuid(), what(c));
        return -1;
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        log_warn(c->log, "cache: %s is writable by others than its owner "
                 "(mode %04o); the %s cache is not used", c->dir,
                 (unsigned)(st.st_mode & 07777), what(c));
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- lookup */

/* The key: the input's hash (kcache_input_init), its size, the limits. */
static void entry_key(const uint64_t h[2], size_t len, const struct pvb_limits *lim,
                      enum kcache_kind kind, uint64_t key[2])
{
    /* A kernel's key is what it was before ramdisks were cached: their
     * entries stay good. */
    uint64_t words[6] = { h[0], h[1], len, lim->max_output, lim->max_decoder_mem,
                          ENTRY_VERSION | (uint64_t)kind << 32 };
    kcache_hash(words, sizeof words, P1, key);
}

/* Why an entry's header is refused, or NULL when it is good. */
static const char *header_check(const struct kcache *c,
                                const struct entry_header *h, uint64_t size,
                                size_t in_len, const struct pvb_limits *lim)
{
    uint64_t d[2];

    if (memcmp(h->magic, ENTRY_MAGIC, 8) != 0)
        return "not a cache entry (bad magic)";
    header_digest(h, d);
    if (d[0] != h->header_digest[0] || d[1] != h->header_digest[1])
        return "its header's digest does not match";
    if (h->version != ENTRY_VERSION || h->data_offset != ENTRY_DATA_OFFSET)
        return "written by another version of pvbuild";
    if (h->key[0] != c->key[0] || h->key[1] != c->key[1] ||
        h->input_size != in_len || h->max_output != lim->max_output ||
        h->max_decoder_mem != lim->max_decoder_mem)
        return kinds[c->kind].mismatch;
    if (h->elf_size != size - ENTRY_DATA_OFFSET)
        return size - ENTRY_DATA_OFFSET < h->elf_size ? "truncated"
                                                      : "longer than its header says";
    if (h->elf_size > SIZE_MAX || h->elf_size > lim->max_output)
        return "larger than the decoding limit";
    return NULL;
}

/* ---------------------------------------------------------- stream hash */

static void stream_init(struct kcache_stream *st, uint64_t seed)
{
    struct khash k;
    memset(st, 0, sizeof *st);
    khash_init(&k, seed);
    memcpy(st->v, k.v, sizeof k.v);
}

void kcache_stream_init(struct kcache_stream *st)
{
    stream_init(st, P2);
}

void kcache_input_init(struct kcache_stream *st)
{
    stream_init(st, ENTRY_VERSION);
}

void kcache_input_hash(const void *in, size_t len, uint64_t out[2])
{
    kcache_hash(in, len, ENTRY_VERSION, out);
}

void kcache_stream_add(struct kcache_stream *st, const void *data, size_t len)
{
    const unsigned char *p = data;
    struct khash k;
    memcpy(k.v, st->v, sizeof k.v);
    st->total += len;
    if (st->ntail) {
        size_t take = 32 - st->ntail < len ? 32 - st->ntail : len;
        memcpy(st->tail + st->ntail, p, take);
        st->ntail += take;
        p += take;
        len -= take;
        if (st->ntail == 32) {
            khash_blocks(&k, st->tail, 1);
            st->ntail = 0;
        }
    }
    if (!st->ntail) {
        khash_blocks(&k, p, len / 32);
        memcpy(st->tail, p + len / 32 * 32, len % 32);
        st->ntail = len % 32;
    }
    memcpy(st->v, k.v, sizeof k.v);
}

bool kcache_is_zero(const void *p, size_t len)
{
    const unsigned char *b = p;
    uint64_t acc = 0;
    /* Words in blocks, checked per block: a page of data is told at once. */
    while (len >= 64) {
        for (int i = 0; i < 8; i++)
            acc |= rd64(b + 8 * i);
        if (acc)
            return false;
        b += 64;
        len -= 64;
    }
    while (len--)
        acc |= *b++;
    return acc == 0;
}

void kcache_stream_page(struct kcache_stream *st, uint64_t index,
                        const void *page, size_t len)
{
    if (kcache_is_zero(page, len))
        return;
    kcache_stream_add(st, &index, sizeof index);
    kcache_stream_add(st, page, len);
}

void kcache_elf_digest(const void *elf, size_t len, uint64_t out[2])
{
    struct kcache_stream st;
    const unsigned char *p = elf;
    kcache_stream_init(&st);
    for (size_t off = 0, i = 0; off < len; off += KCACHE_PAGE, i++)
        kcache_stream_page(&st, i, p + off, len - off < KCACHE_PAGE ? len - off : KCACHE_PAGE);
    kcache_stream_digest(&st, out);
}

void kcache_stream_digest(struct kcache_stream *st, uint64_t out[2])
{
    struct khash k;
    memcpy(k.v, st->v, sizeof k.v);
    khash_final(&k, st->tail, (size_t)st->total, out);
}

bool kcache_stream_matches(struct kcache_stream *st)
{
    uint64_t d[2];
    kcache_stream_digest(st, d);
    return d[0] == st->want[0] && d[1] == st->want[1];
}

int kcache_lookup(struct kcache *c, const void *in, size_t len,
                  const struct pvb_limits *lim, struct kcache_hit *hit)
{
    uint64_t h[2];
    kcache_input_hash(in, len, h);
    return kcache_lookup_hashed(c, h, len, lim, hit);
}

int kcache_lookup_hashed(struct kcache *c, const uint64_t input_hash[2], size_t len,
                         const struct pvb_limits *lim, struct kcache_hit *hit)
{
    memset(hit, 0, sizeof *hit);
    hit->fd = -1;
    if (!c->dir)
        return 0;
    if (dir_usable(c) < 0) {
        c->dir = NULL;
        return 0;
    }
    entry_key(input_hash, len, lim, c->kind, c->key);
    c->input_size = len;
    c->max_output = lim->max_output;
    c->max_decoder_mem = lim->max_decoder_mem;
    int n = snprintf(c->path, sizeof c->path, "%s/%016" PRIx64 "%016" PRIx64 "%s",
                     c->dir, c->key[0], c->key[1], kinds[c->kind].suffix);
    if (n < 0 || (size_t)n >= sizeof c->path) {
        log_warn(c->log, "cache: %s: the directory's name is too long; the "
                 "%s cache is not used", c->dir, what(c));
        c->dir = NULL;
        return 0;
    }

    int fd = open(c->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (errno != ENOENT)
            log_warn(c->log, "cache: %s: %s; %s", c->path, strerror(errno),
                     redo(c));
        return 0;
    }
    struct stat st;
    struct entry_header h;
    const char *why = NULL;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
        why = "not a regular file";
    else if ((uint64_t)st.st_size < ENTRY_DATA_OFFSET)
        why = "shorter than its header";
    else if (pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h)
        why = "its header cannot be read";
    else
        why = header_check(c, &h, (uint64_t)st.st_size, len, lim);
    /*
     * Eviction takes the least recently used, by access time.  Not the
     * modification time: an image viewing this entry compares that with
     * what it saw at its open to tell a file rewritten under it, and a
     * second create hitting the entry meanwhile is no such thing.
     */
    if (!why)
        futimens(fd, (const struct timespec[2]){ { 0, UTIME_NOW }, { 0, UTIME_OMIT } });
    if (why) {
        close(fd);
        log_warn(c->log, "cache: %s: %s; ignored, %s again", c->path, why,
                 redo(c));
        return 0;
    }
    hit->fd = fd;
    hit->offset = ENTRY_DATA_OFFSET;
    hit->elf_len = (size_t)h.elf_size;
    hit->digest[0] = h.elf_digest[0];
    hit->digest[1] = h.elf_digest[1];
    hit->view_digest[0] = h.view_digest[0];
    hit->view_digest[1] = h.view_digest[1];
    hit->box.format = h.format;
    hit->box.compression = h.compression;
    hit->box.payload_size = h.payload_size;
    hit->box.bzimage_version = (uint16_t)h.bzimage_version;
    return 1;
}

/* ----------------------------------------------------------------- store */

struct old_entry {
    char name[80];
    struct timespec used;      /* access time (kcache_lookup_hashed) */
    uint64_t size;
};

static int older_first(const void *a, const void *b)
{
    const struct old_entry *x = a, *y = b;
    if (x->used.tv_sec != y->used.tv_sec)
        return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
    if (x->used.tv_nsec != y->used.tv_nsec)
        return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Kernels and ramdisks share the directory and its cap. */
static bool is_entry_name(const char *n)
{
    if (strlen(n) <= 32 || strspn(n, "0123456789abcdef") != 32)
        return false;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        if (strcmp(n + 32, kinds[k].suffix) == 0)
            return true;
    return false;
}

/* Remove the least recently used entries until the rest fit the cap. */
static void evict(struct kcache *c, const char *keep)
{
    DIR *d = opendir(c->dir);
    struct old_entry *e = NULL;
    size_t n = 0, cap = 0;
    uint64_t total = 0;
    struct dirent *de;
    time_t now = time(NULL);

    if (!d)
        return;
    while ((de = readdir(d))) {
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
            !S_ISREG(st.st_mode))
            continue;
        if (strncmp(de->d_name, ".tmp-", 5) == 0) {
            if (now - st.st_mtime > STALE_TMP_SECONDS)
                unlinkat(dirfd(d), de->d_name, 0);
            continue;
        }
        if (!is_entry_name(de->d_name))
            continue;
        total += (uint64_t)st.st_size;
        if (strcmp(de->d_name, keep) == 0)
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct old_entry *ne = mem_realloc(e, ncap * sizeof *e);
            if (!ne)
                break;
            e = ne;
            cap = ncap;
        }
        snprintf(e[n].name, sizeof e[n].name, "%s", de->d_name);
        e[n].used = st.st_atim;
        e[n].size = (uint64_t)st.st_size;
        n++;
    }
    /* qsort's array may not be NULL, even for no entries. */
    if (n)
        qsort(e, n, sizeof *e, older_first);
    for (size_t i = 0; i < n && total > c->max_bytes; i++) {
        if (unlinkat(dirfd(d), e[i].name, 0) == 0) {
            total -= e[i].size;
            log_info(c->log, "cache: %s/%s: removed, the cache is over its "
                     "%" PRIu64 " bytes", c->dir, e[i].name, c->max_bytes);
        }
    }
    free(e);
    closedir(d);
}

static int write_all_at(int fd, const void *buf, size_t len, off_t at)
{
    const char *p = buf;
    while (len) {
        ssize_t w = pwrite(fd, p, len, at);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        at += w;
        len -= (size_t)w;
    }
    return 0;
}

/*
 * The ELF after the header, its zero pages left as holes: writing them
 * cost as much as the rest in a PV dom0, and the build need not read them
 * back.  A filesystem without holes stores zeros instead; the entry reads
 * the same.
 */
static int write_sparse(int fd, const unsigned char *elf, size_t len)
{
    size_t run = 0;             /* start of the pages not written yet */
    for (size_t off = 0; off < len; off += KCACHE_PAGE) {
        size_t n = len - off < KCACHE_PAGE ? len - off : KCACHE_PAGE;
        if (!kcache_is_zero(elf + off, n))
            continue;
        if (off > run &&
            write_all_at(fd, elf + run, off - run, (off_t)(ENTRY_DATA_OFFSET + run)) < 0)
            return -1;
        run = off + n;
    }
    if (len > run &&
        write_all_at(fd, elf + run, len - run, (off_t)(ENTRY_DATA_OFFSET + run)) < 0)
        return -1;
    return ftruncate(fd, (off_t)(ENTRY_DATA_OFFSET + len));
}

void kcache_store(struct kcache *c, const void *elf, size_t elf_len,
                  const struct kcache_container *box)
{
    if (!c->dir)
        return;
    if ((uint64_t)elf_len + ENTRY_DATA_OFFSET > c->max_bytes) {
        log_info(c->log, "cache: the %s (%zu bytes) is larger than "
                 "the cache's cap of %" PRIu64 " bytes; not cached", decoded(c),
                 elf_len, c->max_bytes);
        return;
    }
    if (mkdir(c->dir, 0700) < 0 && errno != EEXIST) {
        log_warn(c->log, "cache: cannot create %s: %s; the %s is not cached",
                 c->dir, strerror(errno), what(c));
        return;
    }
    if (dir_usable(c) < 0)
        return;

    static const char pad[ENTRY_DATA_OFFSET];
    struct entry_header h = { .version = ENTRY_VERSION,
                              .data_offset = ENTRY_DATA_OFFSET };
    memcpy(h.magic, ENTRY_MAGIC, 8);
    h.key[0] = c->key[0];
    h.key[1] = c->key[1];
    h.elf_size = elf_len;
    h.format = box->format;
    h.compression = box->compression;
    h.payload_size = box->payload_size;
    h.bzimage_version = box->bzimage_version;
    kcache_elf_digest(elf, elf_len, h.elf_digest);
    pvb_error verr;
    if (c->kind == KCACHE_KERNEL &&
        elfview_digest(elf, elf_len, h.view_digest, &verr) < 0) {
        log_warn(c->log, "cache: %s; the kernel is not cached", verr.msg);
        return;
    }
    h.input_size = c->input_size;
    h.max_output = c->max_output;
    h.max_decoder_mem = c->max_decoder_mem;
    header_digest(&h, h.header_digest);

    char tmp[sizeof c->path];
    if (snprintf(tmp, sizeof tmp, "%s/.tmp-XXXXXX", c->dir) >= (int)sizeof tmp)
        return;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        log_warn(c->log, "cache: cannot write in %s: %s; the %s is not "
                 "cached", c->dir, strerror(errno), what(c));
        return;
    }
    /*
     * No fsync: an entry cut short by a crash fails its size or digest
     * check and is decoded again, so the cache need not wait for the disk.
     */
    int rc = write_all_at(fd, &h, sizeof h, 0) < 0 ||
             write_all_at(fd, pad, ENTRY_DATA_OFFSET - sizeof h, sizeof h) < 0 ||
             write_sparse(fd, elf, elf_len) < 0 ? -1 : 0;
    int e = errno;
    if (close(fd) < 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    if (rc < 0) {
        unlink(tmp);
        log_warn(c->log, "cache: writing %s: %s; the %s is not cached",
                 tmp, strerror(e), what(c));
        return;
    }
    if (rename(tmp, c->path) < 0) {
        log_warn(c->log, "cache: renaming %s to %s: %s; the %s is not "
                 "cached", tmp, c->path, strerror(errno), what(c));
        unlink(tmp);
        return;
    }
    log_info(c->log, "cache: %s: the %s, kept for next time", c->path, decoded(c));
    evict(c, strrchr(c->path, '/') + 1);
}
