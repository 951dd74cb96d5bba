/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An image's segments into the guest: from memory, or from the kernel's
 * file straight into the guest's frames (one copy, not two), a cache
 * entry's bytes checked against its digest on the way and decoded again
 * from the kernel when they do not match.
 */
#define _GNU_SOURCE /* SEEK_DATA, SEEK_HOLE */
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
        uint64_t d[2];
        kcache_elf_digest(img->elf, img->elf_len, d);
        if (d[0] != img->digest[0] || d[1] != img->digest[1])
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

/* Where a cache entry's ELF has data: [start, end) in ELF offsets. */
struct extent {
    uint64_t start, end;
};

static int push_extent(struct extent **v, size_t *n, size_t *cap,
                       uint64_t start, uint64_t end)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 32;
        struct extent *p = mem_realloc(*v, c * sizeof *p);
        if (!p)
            return -ENOMEM;
        *v = p;
        *cap = c;
    }
    (*v)[(*n)++] = (struct extent){ start, end };
    return 0;
}

/*
 * The entry's data extents, from SEEK_DATA/SEEK_HOLE.  The rest is holes,
 * which read as zeros: kcache_store leaves one for each zero page.  A
 * filesystem that cannot tell says the whole file is data.
 */
static int data_extents(const pvb_image *img, struct extent **out, size_t *nr,
                        pvb_error *err)
{
    uint64_t pos = 0, len = img->elf_len, base = img->fd_offset;
    size_t n = 0, cap = 0;
    struct extent *v = NULL;
    int rc = 0;
    while (pos < len && rc == 0) {
        off_t d = lseek(img->fd, (off_t)(base + pos), SEEK_DATA);
        if (d < 0 && errno == ENXIO)
            break;              /* holes to the end */
        off_t h = d < 0 ? -1 : lseek(img->fd, d, SEEK_HOLE);
        if (d < 0 || h < 0) {   /* no SEEK_DATA here: all of it is data */
            rc = push_extent(&v, &n, &cap, pos, len);
            break;
        }
        uint64_t ds = (uint64_t)d - base;
        uint64_t he = (uint64_t)h - base < len ? (uint64_t)h - base : len;
        if (ds >= len)
            break;
        rc = push_extent(&v, &n, &cap, ds, he);
        pos = he;
    }
    if (rc < 0) {
        free(v);
        return fail(err, -ENOMEM, "%s: out of memory", img->name);
    }
    *out = v;
    *nr = n;
    return 0;
}

/*
 * What a hole stands for, in the guest: zeros.  Fresh frames are not
 * always zero (Xen does not scrub what a live guest gave back), so each
 * page is looked at and only a page that is not zero is written.
 */
static void make_zero(unsigned char *p, uint64_t len)
{
    while (len) {
        size_t n = len < KCACHE_PAGE ? (size_t)len : KCACHE_PAGE;
        if (!kcache_is_zero(p, n))
            memset(p, 0, n);
        p += n;
        len -= n;
    }
}

/*
 * The file's bytes under the segments mapped, when the file may be mapped
 * (file_map): a plain ELF's whole span, a cache entry's data
 * extents only (a hole's page would be made, zero, just to be read).  In
 * a Xen PV dom0 under QEMU the kernel's copy in pread (rep movsb,
 * emulated byte by byte) takes 0.25-0.45 s for Debian's 60 MB vmlinux;
 * the mapping, read in, 0.09-0.28 s and the memcpy 0.06-0.11 s, placed
 * apart from the guest's frames (file_map_apart; 0.20-0.27 s where the
 * kernel put it).  The mapping stays until the image
 * is closed: unmapping clears each PTE through the hypervisor, while a
 * process that exits drops its page tables whole.  Nothing mapped (the
 * bytes are then read) when it cannot be done; the reason is logged.
 */
static void map_segments(pvb_image *img, const struct extent *ext, size_t nr,
                         unsigned char *const *dst, const pvb_logger *log)
{
    uint64_t lo = UINT64_MAX, hi = 0;
    size_t big = 0;
    for (size_t k = 0; k < img->guest.nr_segments; k++) {
        const struct pvb_image_segment *s = &img->segments[k];
        if (!s->filesz)
            continue;
        if (s->offset < lo)
            lo = s->offset;
        if (s->offset + s->filesz > hi)
            hi = s->offset + s->filesz;
        if (s->filesz > img->segments[big].filesz)
            big = k;
    }
    if (hi <= lo)
        return;
    if (!img->map.base) {
        const char *why = file_map_apart(img->fd, img->fd_offset + lo, (size_t)(hi - lo),
                                         img->fd_offset + img->segments[big].offset,
                                         dst[big], &img->map);
        int rc = 0;
        for (size_t k = 0; !why && rc == 0 && k < (ext ? nr : 1); k++) {
            uint64_t a = ext ? ext[k].start : lo, b = ext ? ext[k].end : hi;
            a = a > lo ? a : lo;
            b = b < hi ? b : hi;
            if (a < b)
                rc = file_map_populate(img->map.at + (a - lo), (size_t)(b - a));
        }
        if (why || rc < 0) {
            file_unmap(&img->map);
            log_debug(log, "%s: segments read, not mapped: %s", img->file,
                      why ? why : strerror(-rc));
            return;
        }
        img->map_lo = lo;
        img->map_hi = hi;
    }
    log_debug(log, "%s: segments copied from a mapping of the file", img->file);
}

/* len bytes at the ELF's offset `off`: from the mapping if it has them. */
static int elf_bytes(const pvb_image *img, uint64_t off, void *dst, size_t len,
                     pvb_error *err)
{
    if (img->map.base && off >= img->map_lo && off <= img->map_hi &&
        len <= img->map_hi - off) {
        memcpy(dst, img->map.at + (off - img->map_lo), len);
        return 0;
    }
    return read_file_at(img->fd, img->file, img->fd_offset + off, dst, len, err);
}

/* A segment's bytes: its data extents read, its holes made zero. */
static int copy_extents(const pvb_image *img, const struct pvb_image_segment *s,
                        unsigned char *dst, const struct extent *ext, size_t nr,
                        pvb_error *err)
{
    uint64_t pos = s->offset, end = s->offset + s->filesz;
    for (size_t k = 0; k < nr && pos < end; k++) {
        if (ext[k].end <= pos)
            continue;
        if (ext[k].start >= end)
            break;
        uint64_t from = ext[k].start > pos ? ext[k].start : pos;
        uint64_t to = ext[k].end < end ? ext[k].end : end;
        make_zero(dst + (pos - s->offset), from - pos);
        int rc = elf_bytes(img, from, dst + (from - s->offset), (size_t)(to - from), err);
        if (rc < 0)
            return rc;
        pos = to;
    }
    make_zero(dst + (pos - s->offset), end - pos);
    return 0;
}

/*
 * The entry's digest over the ELF's pages as they now are: a page in a
 * hole is zero and adds nothing, a page inside a segment is read from the
 * guest, any other (headers, section names) from the file.  Whether they
 * are the bytes the entry was written with.
 */
static int loaded_bytes_match(const pvb_image *img, unsigned char *const *dst,
                              const struct pvb_image_segment **order,
                              const struct extent *ext, size_t nr, bool *match,
                              pvb_error *err)
{
    const struct pvb_image_segment *segs = img->segments;
    size_t nsegs = img->guest.nr_segments, j = 0, k = 0;
    unsigned char buf[KCACHE_PAGE];
    struct kcache_stream st;
    uint64_t index = 0;

    kcache_stream_init(&st);
    st.want[0] = img->digest[0];
    st.want[1] = img->digest[1];
    for (uint64_t from = 0; from < img->elf_len; from += KCACHE_PAGE, index++) {
        uint64_t to = img->elf_len - from < KCACHE_PAGE ? img->elf_len : from + KCACHE_PAGE;
        while (k < nr && ext[k].end <= from)
            k++;
        if (k == nr || ext[k].start >= to)
            continue;           /* a hole: zeros */
        while (j < nsegs && (order[j]->filesz == 0 ||
                             order[j]->offset + order[j]->filesz <= from))
            j++;
        const unsigned char *page;
        if (j < nsegs && order[j]->offset <= from &&
            to <= order[j]->offset + order[j]->filesz) {
            page = dst[order[j] - segs] + (from - order[j]->offset);
        } else {
            int rc = read_file_at(img->fd, img->file, img->fd_offset + from, buf,
                                  (size_t)(to - from), err);
            if (rc < 0)
                return rc;
            page = buf;
        }
        kcache_stream_page(&st, index, page, (size_t)(to - from));
    }
    *match = kcache_stream_matches(&st);
    return 0;
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
    bool match = true;
    if (img->check_digest) {
        /* A cache entry: its holes are not read (see kcache_store). */
        struct extent *ext = NULL;
        size_t nr = 0;
        rc = data_extents(img, &ext, &nr, err);
        if (rc == 0)
            map_segments(img, ext, nr, dst, log);
        for (size_t k = 0; k < img->guest.nr_segments && rc == 0; k++)
            rc = copy_extents(img, order[k], dst[order[k] - img->segments], ext, nr, err);
        if (rc == 0)
            rc = loaded_bytes_match(img, dst, order, ext, nr, &match, err);
        free(ext);
    } else {
        map_segments(img, NULL, 0, dst, log);
        for (size_t k = 0; k < img->guest.nr_segments && rc == 0; k++) {
            const struct pvb_image_segment *s = order[k];
            rc = elf_bytes(img, s->offset, dst[s - img->segments], (size_t)s->filesz, err);
        }
    }
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
