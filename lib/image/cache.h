/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The decompressed-kernel cache: a directory of ELF images decoded
 * before, named by a hash of the kernel file's bytes, the decoding limits
 * and the entry format's version.  An entry is one file: a header (what
 * the container said, the key again, the ELF's size and digest) and the
 * ELF bytes, with a hole where a 4 KiB page of the ELF is all zeros
 * (about half of Debian's kernel: its bss, brk and alignment padding), so
 * that neither the writer nor the build moves those bytes.  The digest
 * covers the pages that are not zero, each with its index: the same
 * whether the filesystem kept the holes or wrote the zeros.  Entries are
 * written under a temporary name and renamed.  A lookup checks the header (its own digest, the key, the
 * sizes); the image then checks what it reads of the ELF's headers and
 * notes against the entry's view digest, and the build checks the
 * segments it reads into the guest against the digest of the whole ELF.
 * An entry that fails any of these is ignored with a warning, the kernel
 * is decoded again and the entry written anew.  Reading the whole entry
 * at the lookup cost 0.24 s of a 1.4 s create in a PV dom0 under QEMU.
 *
 * A gunzipped ramdisk (KCACHE_RAMDISK) takes the same layout with no view
 * digest, its own key and name; ramdisk.c reads it back whole and checks
 * its digest at the open (a ramdisk is a few MB, not a kernel's 66).
 */
#ifndef PVB_IMAGE_CACHE_H
#define PVB_IMAGE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pvbuild.h"

/* What an entry holds; part of its key and its name. */
enum kcache_kind {
    KCACHE_KERNEL = 0,         /* a kernel's ELF, decoded (NAME.elf) */
    KCACHE_RAMDISK = 1,        /* a gzip ramdisk, gunzipped (NAME.rd) */
};

struct kcache {
    const char *dir;           /* NULL: no cache */
    enum kcache_kind kind;
    uint64_t max_bytes;
    const pvb_logger *log;
    /* Set by kcache_lookup for kcache_store: */
    uint64_t key[2];
    uint64_t input_size, max_output, max_decoder_mem;
    char path[4096];           /* the entry's name */
};

/* What the container said about the ELF inside it. */
struct kcache_container {
    uint32_t format;           /* enum pvb_image_format */
    uint32_t compression;      /* enum pvb_compression */
    uint64_t payload_size;
    uint16_t bzimage_version;
};

/* A hit: the entry, open (the caller closes fd), its header checked. */
struct kcache_hit {
    int fd;
    uint64_t offset;           /* where the ELF starts in the entry */
    size_t elf_len;
    uint64_t digest[2];        /* of the ELF's bytes */
    uint64_t view_digest[2];   /* of what a view of them reads */
    struct kcache_container box;
};

/*
 * Look `in` up; 1 with *hit filled, 0 on a miss (c->path is then where
 * kcache_store will write).  Never fails: a cache that cannot be read or
 * holds a bad entry is a warning through c->log and a miss.
 */
int kcache_lookup(struct kcache *c, const void *in, size_t len,
                  const struct pvb_limits *lim, struct kcache_hit *hit);
/* The same for an input hashed in pieces: a kcache_stream begun with
 * kcache_input_init, fed every byte, its kcache_stream_digest. */
int kcache_lookup_hashed(struct kcache *c, const uint64_t input_hash[2], size_t len,
                         const struct pvb_limits *lim, struct kcache_hit *hit);

/* Keep a fresh decode for next time (after a miss); failures warn only. */
void kcache_store(struct kcache *c, const void *elf, size_t elf_len,
                  const struct kcache_container *box);

/* The hash the cache keys and checks with (not cryptographic). */
void kcache_hash(const void *data, size_t len, uint64_t seed, uint64_t out[2]);

/* An entry's digest over bytes that come in pieces, checked at the end. */
struct kcache_stream {
    uint64_t v[4];
    unsigned char tail[32];
    size_t ntail;
    uint64_t total;
    uint64_t want[2];          /* the digest the bytes must have */
};
void kcache_stream_init(struct kcache_stream *st);
/* The hash of a kernel file's bytes that its key is made of: in pieces
 * (kcache_input_init) or at once, the same. */
void kcache_input_init(struct kcache_stream *st);
void kcache_input_hash(const void *in, size_t len, uint64_t out[2]);
/* The ELF's page `index` (len bytes: a page, or less for the last one);
 * a page of zeros adds nothing. */
#define KCACHE_PAGE 4096u
void kcache_stream_page(struct kcache_stream *st, uint64_t index,
                        const void *page, size_t len);
bool kcache_is_zero(const void *p, size_t len);
/* An entry's digest of a whole ELF in memory: its pages, as above. */
void kcache_elf_digest(const void *elf, size_t len, uint64_t out[2]);
void kcache_stream_add(struct kcache_stream *st, const void *data, size_t len);
void kcache_stream_digest(struct kcache_stream *st, uint64_t out[2]);
bool kcache_stream_matches(struct kcache_stream *st);

#endif
