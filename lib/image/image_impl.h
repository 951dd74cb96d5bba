/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The inside of an image, shared by image.c (open) and image_load.c. */
#ifndef PVB_IMAGE_IMAGE_IMPL_H
#define PVB_IMAGE_IMAGE_IMPL_H

#include "image/cache.h"
#include "image/image.h"
#include "util/file.h"

#include <pthread.h>
#include <stdbool.h>
#include <sys/stat.h>

struct pvb_image {
    char *name;
    void *elf;               /* owned: decompressed, a copy, or a view */
    size_t elf_len;
    struct pvb_guest guest;
    struct pvb_image_segment *segments;
    bool cached;             /* elf came from the cache */
    /*
     * Opened from a file (a plain ELF or a cache entry): elf is a view
     * (elfview.h) and the segments are read from fd when they are needed,
     * straight into the guest; `full` once the accessors made the view
     * whole.  The lock guards those changes of a const image.
     */
    bool is_view, full;
    int fd;
    uint64_t fd_offset;      /* where the ELF starts in fd */
    char *file;              /* fd's name for messages */
    struct stat st;          /* fd at open: a file changed since is refused */
    /* The file under the segments, ELF offsets [map_lo, map_hi), mapped
     * (map_segments) until the close. */
    struct file_mapping map;
    uint64_t map_lo, map_hi;
    /*
     * A cache hit: the digest of the whole ELF, checked over the bytes as
     * they are read, and what it takes to decode the kernel again when
     * they do not match (the compressed input, the limits, the cache).
     */
    bool check_digest;
    uint64_t digest[2];
    void *input;
    size_t input_len;
    /* Or, for a hit from a kernel file, the file and the hash its bytes
     * had at the open (kcache_input_init): it is read again only then. */
    char *input_path;
    uint64_t input_hash[2];
    struct pvb_limits lim;
    struct kcache kc;
    char *cache_dir;         /* kc.dir's own copy */
    pthread_mutex_t lock;
};

/*
 * The cache entry behind img proved bad (`why`): warn, decode the kernel
 * from its input again, make that the image's ELF (it must give the same
 * facts the entry gave) and write the entry anew.  The lock is held.
 */
int image_decode_again(pvb_image *img, const pvb_logger *log, const char *why,
                       pvb_error *err);

/* A view made whole (see pvb_image_elf); false when it cannot be. */
bool image_make_whole(const pvb_image *img);

#endif
