/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An image's segments into the guest: from memory, or from the kernel's
 * file straight into the guest's frames (one copy, not two), a cache
 * entry's bytes checked against its digest on the way and decoded again
 * from the kernel when they do not match.
 */
#include "image/elfview.h"
#include "image/image_impl.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The whole view, a cache entry's digest checked; the lock is held. */
static int make_whole_locked(pvb_image *img, const pvb_logger *log, pvb_error *err)
{
    if (!img->is_view || img->full)
        return 0;
    pvb_error ferr;
    int rc = elfview_fill(img->fd, img->file, img->fd_offset, img->elf,
                          img->elf_len, &ferr);
    if (rc == 0 && img->check_digest) {
        struct kcache_stream st;
        kcache_stream_init(&st);
        st.want[0] = img->digest[0];
        st.want[1] = img->digest[1];
        kcache_stream_add(&st, img->elf, img->elf_len);
        if (!kcache_stream_matches(&st))
            return image_decode_again(img, log, "its contents' digest does not "
                                      "match", err);
    }
    if (rc < 0) {
        if (img->check_digest)
            return image_decode_again(img, log, ferr.msg, err);
        if (err)
            *err = ferr;
        return rc;
    }
    img->full = true;
    return 0;
}

bool image_make_whole(const pvb_image *cimg)
{
    pvb_image *img = (pvb_image *)cimg;    /* the lock makes it one change */
    pthread_mutex_lock(&img->lock);
    int rc = make_whole_locked(img, NULL, NULL);
    pthread_mutex_unlock(&img->lock);
    return rc == 0;
}

static int by_offset(const void *a, const void *b)
{
    const struct pvb_image_segment *x = *(const struct pvb_image_segment *const *)a;
    const struct pvb_image_segment *y = *(const struct pvb_image_segment *const *)b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Bytes [from, to) of the ELF read only to be hashed (headers, gaps). */
static int hash_file_range(const pvb_image *img, struct kcache_stream *st,
                           uint64_t from, uint64_t to, pvb_error *err)
{
    unsigned char buf[16384];
    while (from < to) {
        size_t n = to - from < sizeof buf ? (size_t)(to - from) : sizeof buf;
        int rc = read_file_at(img->fd, img->file, img->fd_offset + from, buf, n, err);
        if (rc < 0)
            return rc;
        kcache_stream_add(st, buf, n);
        from += n;
    }
    return 0;
}

/*
 * The entry's digest over the bytes as they now lie in the guest, in the
 * file's order, with what lies between the segments read again: whether
 * they are the bytes the entry was written with.
 */
static int loaded_bytes_match(const pvb_image *img, unsigned char *const *dst,
                              const struct pvb_image_segment **order, bool *match,
                              pvb_error *err)
{
    const struct pvb_image_segment *segs = img->segments;
    struct kcache_stream st;
    uint64_t pos = 0;
    int rc = 0;

    kcache_stream_init(&st);
    st.want[0] = img->digest[0];
    st.want[1] = img->digest[1];
    for (size_t k = 0; k < img->guest.nr_segments && rc == 0; k++) {
        const struct pvb_image_segment *s = order[k];
        if (s->filesz == 0)
            continue;
        rc = hash_file_range(img, &st, pos, s->offset, err);
        kcache_stream_add(&st, dst[s - segs], (size_t)s->filesz);
        pos = s->offset + s->filesz;
    }
    if (rc == 0)
        rc = hash_file_range(img, &st, pos, img->elf_len, err);
    *match = rc == 0 && kcache_stream_matches(&st);
    return rc;
}

/* The file as it was opened, or why not: the view describes that one. */
static const char *changed(const pvb_image *img, char *why, size_t len)
{
    struct stat now;
    if (fstat(img->fd, &now) < 0)
        snprintf(why, len, "cannot stat: %s", strerror(errno));
    else if (now.st_size != img->st.st_size ||
             now.st_mtim.tv_sec != img->st.st_mtim.tv_sec ||
             now.st_mtim.tv_nsec != img->st.st_mtim.tv_nsec)
        snprintf(why, len, "the file changed since the kernel was opened (size "
                 "0x%llx, now 0x%llx)", (unsigned long long)img->st.st_size,
                 (unsigned long long)now.st_size);
    else
        return NULL;
    return why;
}

/* The segments in file order; NULL if a cache entry's overlap (never in a
 * kernel: those then take the whole-view way). */
static const struct pvb_image_segment **file_order(const pvb_image *img, bool *overlap)
{
    size_t n = img->guest.nr_segments;
    const struct pvb_image_segment **order = mem_calloc(n ? n : 1, sizeof *order);
    uint64_t end = 0;
    *overlap = false;
    if (!order)
        return NULL;
    for (size_t i = 0; i < n; i++)
        order[i] = &img->segments[i];
    qsort(order, n, sizeof *order, by_offset);
    for (size_t k = 0; k < n; k++) {
        if (!order[k]->filesz)
            continue;
        if (order[k]->offset < end)
            *overlap = true;
        end = order[k]->offset + order[k]->filesz;
    }
    return order;
}

static int copy_direct(pvb_image *img, unsigned char *const *dst,
                       const pvb_logger *log, bool *done, pvb_error *err)
{
    char why[160];
    *done = false;
    if (changed(img, why, sizeof why)) {
        if (img->check_digest)
            return image_decode_again(img, log, why, err);
        return fail(err, -ESTALE, "%s: %s; open it again", img->file, why);
    }
    bool overlap;
    const struct pvb_image_segment **order = file_order(img, &overlap);
    if (!order)
        return fail(err, -ENOMEM, "%s: out of memory", img->name);
    if (overlap && img->check_digest) {
        free(order);
        return 0;
    }
    int rc = 0;
    for (size_t k = 0; k < img->guest.nr_segments && rc == 0; k++) {
        const struct pvb_image_segment *s = order[k];
        rc = read_file_at(img->fd, img->file, img->fd_offset + s->offset,
                          dst[s - img->segments], (size_t)s->filesz, err);
    }
    bool match = true;
    if (rc == 0 && img->check_digest)
        rc = loaded_bytes_match(img, dst, order, &match, err);
    free(order);
    if (rc < 0 && img->check_digest)
        return image_decode_again(img, log, err ? err->msg : "a read failed", err);
    if (rc == 0 && !match)
        return image_decode_again(img, log, "its contents' digest does not match",
                                  err);
    *done = rc == 0;
    return rc;
}

int image_copy_segments(const pvb_image *cimg, unsigned char *const *dst,
                        const pvb_logger *log, pvb_error *err)
{
    pvb_image *img = (pvb_image *)cimg;    /* the lock makes it one change */
    const struct pvb_image_segment *segs = img->segments;
    bool done = false;
    int rc = 0;

    pthread_mutex_lock(&img->lock);
    if (img->is_view && !img->full)
        rc = copy_direct(img, dst, log, &done, err);
    if (rc == 0 && !done)
        rc = make_whole_locked(img, log, err);
    for (size_t i = 0; rc == 0 && !done && i < img->guest.nr_segments; i++)
        memcpy(dst[i], (const char *)img->elf + segs[i].offset, segs[i].filesz);
    pthread_mutex_unlock(&img->lock);
    return rc;
}
