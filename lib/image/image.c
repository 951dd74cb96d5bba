/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A kernel image: sniff the container (ELF, bzImage, whole-file
 * compression), get at the ELF bytes, and hand them to the ELF reader.
 */
#include "image/bzimage.h"
#include "image/cache.h"
#include "image/elfview.h"
#include "image/image_impl.h"
#include "util/alloc.h"
#include "image/decompress.h"
#include "image/elf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/phase.h"
#include "util/opts.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pvb_image *image_alloc(const char *name)
{
    pvb_image *img = mem_calloc(1, sizeof *img);
    if (!img)
        return NULL;
    img->fd = -1;
    img->name = mem_strdup(name ? name : "kernel");
    if (!img->name) {
        free(img);
        return NULL;
    }
    pthread_mutex_init(&img->lock, NULL);
    return img;
}

/* Back to an image of no file (a view that could not be read). */
static void drop_file(pvb_image *img)
{
    if (img->fd >= 0)
        close(img->fd);
    img->fd = -1;
    if (img->is_view) {
        elfview_free(img->elf, img->elf_len);
        img->elf = NULL;
        img->elf_len = 0;
    }
    img->is_view = img->full = img->check_digest = false;
    free(img->file);
    img->file = NULL;
}

/*
 * The ELF at offset of fd (owned by the image from now on) as a view;
 * want_view: the digest its reading must give (a cache entry's), or NULL.
 */
static int open_view(pvb_image *img, int fd, const char *file, uint64_t offset,
                     size_t len, const uint64_t *want_view, pvb_error *err)
{
    img->fd = fd;
    img->fd_offset = offset;
    img->file = mem_strdup(file);
    if (!img->file)
        return fail(err, -ENOMEM, "%s: out of memory", img->name);
    if (fstat(fd, &img->st) < 0)
        return fail(err, -errno, "%s: cannot stat: %s", file, strerror(errno));
    struct elfview_src src = { .fd = fd, .base = offset };
    unsigned char *view;
    uint64_t d[2];
    int rc = elfview_read(&src, file, len, &view, d, err);
    if (rc < 0)
        return rc;
    img->elf = view;
    img->elf_len = len;
    img->is_view = true;
    if (want_view && (d[0] != want_view[0] || d[1] != want_view[1]))
        return fail(err, -ESTALE, "%s: its headers' and notes' digest does not "
                    "match", file);
    return 0;
}

static bool is_elf(const void *data, size_t len)
{
    return len >= 4 && memcmp(data, "\177ELF", 4) == 0;
}

const char *pvb_format_name(enum pvb_image_format f)
{
    switch (f) {
    case PVB_FORMAT_ELF:        return "elf";
    case PVB_FORMAT_BZIMAGE:    return "bzimage";
    case PVB_FORMAT_COMPRESSED: return "compressed-elf";
    }
    return "unknown";
}

/* Decompress `in` into img->elf; the payload must then be an ELF. */
static int unpack(pvb_image *img, enum pvb_compression comp, const void *in,
                  size_t in_len, const char *where, const struct pvb_limits *lim,
                  pvb_error *err)
{
    char what[PVB_ERROR_MAX / 2];
    snprintf(what, sizeof what, "%s: %s %s", img->name,
             pvb_compression_name(comp), where);
    int rc = pvb_decompress(comp, in, in_len, lim, what, &img->elf,
                            &img->elf_len, err);
    if (rc < 0)
        return rc;
    if (!is_elf(img->elf, img->elf_len))
        return fail(err, -ENOEXEC, "%s: decompressed %s is not an ELF file",
                    what, where);
    return 0;
}

static int copy_elf(pvb_image *img, const void *data, size_t len, pvb_error *err)
{
    img->elf = mem_malloc(len);
    if (!img->elf)
        return fail(err, -ENOMEM, "%s: cannot allocate 0x%zx bytes", img->name, len);
    memcpy(img->elf, data, len);
    img->elf_len = len;
    return 0;
}

/*
 * `owned`: data is a malloc'd buffer the image may keep (a plain ELF is
 * then used where it lies instead of copied).  Either way the caller frees
 * data unless img->elf == data afterwards.
 */
static int open_container(pvb_image *img, const void *data, size_t len, bool owned,
                          const struct pvb_limits *lim, pvb_error *err)
{
    struct pvb_guest *g = &img->guest;
    const unsigned char *p = data;

    g->file_size = len;
    g->payload_size = len;
    if (len == 0)
        return fail(err, -ENOEXEC, "%s: empty file", img->name);

    if (is_elf(data, len)) {
        g->format = PVB_FORMAT_ELF;
        if (owned) {
            img->elf = (void *)data;
            img->elf_len = len;
            return 0;
        }
        return copy_elf(img, data, len, err);
    }

    if (bzimage_detect(data, len)) {
        struct bzimage_payload pl;
        int rc = bzimage_payload(img->name, data, len, &pl, err);
        if (rc < 0)
            return rc;
        g->format = PVB_FORMAT_BZIMAGE;
        g->bzimage_version = pl.version;
        g->payload_size = pl.length;
        const void *payload = p + pl.offset;
        if (is_elf(payload, pl.length))
            return copy_elf(img, payload, pl.length, err);
        g->compression = pvb_compression_sniff(payload, pl.length);
        if (g->compression == PVB_COMP_NONE)
            return fail(err, -ENOEXEC,
                        "%s: bzImage payload at 0x%llx has an unknown format "
                        "(magic %02x %02x %02x %02x)", img->name,
                        (unsigned long long)pl.offset, p[pl.offset],
                        pl.length > 1 ? p[pl.offset + 1] : 0,
                        pl.length > 2 ? p[pl.offset + 2] : 0,
                        pl.length > 3 ? p[pl.offset + 3] : 0);
        return unpack(img, g->compression, payload, pl.length, "payload", lim, err);
    }

    g->compression = pvb_compression_sniff(data, len);
    if (g->compression != PVB_COMP_NONE) {
        g->format = PVB_FORMAT_COMPRESSED;
        return unpack(img, g->compression, data, len, "file", lim, err);
    }
    return fail(err, -ENOEXEC,
                "%s: not an ELF file, a bzImage or a compressed kernel "
                "(magic %02x %02x %02x %02x)", img->name, p[0],
                len > 1 ? p[1] : 0, len > 2 ? p[2] : 0, len > 3 ? p[3] : 0);
}

/*
 * A cache hit keeps what decoding the kernel again takes, should the
 * entry's segments prove bad as they are read: the compressed input (the
 * caller's buffer when owned, else a copy), the limits, the cache.
 */
/* What a hit needs to decode its kernel again and rewrite the entry. */
static int keep_cache(pvb_image *img, size_t len, const struct pvb_limits *lim,
                      const struct kcache *kc, pvb_error *err)
{
    img->cache_dir = mem_strdup(kc->dir);
    if (!img->cache_dir)
        return fail(err, -ENOMEM, "%s: out of memory", img->name);
    img->input_len = len;
    img->lim = *lim;
    img->kc = *kc;
    img->kc.dir = img->cache_dir;
    img->kc.log = NULL;
    return 0;
}

static int keep_for_decoding(pvb_image *img, const void *data, size_t len,
                             bool owned, const struct pvb_limits *lim,
                             const struct kcache *kc, pvb_error *err)
{
    img->input = owned ? (void *)data : mem_malloc(len ? len : 1);
    if (!img->input)
        return fail(err, -ENOMEM, "%s: out of memory", img->name);
    if (!owned)
        memcpy(img->input, data, len);
    return keep_cache(img, len, lim, kc, err);
}

/* Same facts, wherever the ELF came from. */
static bool same_facts(const pvb_image *a, const pvb_image *b)
{
    struct pvb_guest ga = a->guest, gb = b->guest;
    if (ga.nr_segments != gb.nr_segments ||
        memcmp(a->segments, b->segments, ga.nr_segments * sizeof *a->segments) != 0)
        return false;
    ga.segments = gb.segments = NULL;
    return memcmp(&ga, &gb, sizeof ga) == 0;
}

/*
 * The kernel file of a hit, read again to decode it: only if its bytes
 * still hash as they did at the open (else the entry's facts, which the
 * image has handed out, may not be this file's).
 */
static int read_input_again(const pvb_image *img, void **data, size_t *len,
                            pvb_error *err)
{
    int rc = read_whole_file(img->input_path, img->lim.max_output, data, len, err);
    if (rc < 0)
        return rc;
    uint64_t h[2];
    kcache_input_hash(*data, *len, h);
    if (*len != img->input_len || h[0] != img->input_hash[0] ||
        h[1] != img->input_hash[1]) {
        free(*data);
        *data = NULL;
        return fail(err, -ESTALE, "%s: the file changed since the kernel was "
                    "opened; open it again", img->input_path);
    }
    return 0;
}

/* A hit from a kernel file keeps the file's name, not its bytes. */
static int keep_path_for_decoding(pvb_image *img, const char *path, size_t len,
                                  const uint64_t hash[2], const struct pvb_limits *lim,
                                  const struct kcache *kc, pvb_error *err)
{
    img->input_path = mem_strdup(path);
    if (!img->input_path)
        return fail(err, -ENOMEM, "%s: out of memory", img->name);
    img->input_hash[0] = hash[0];
    img->input_hash[1] = hash[1];
    return keep_cache(img, len, lim, kc, err);
}

int image_decode_again(pvb_image *img, const pvb_logger *log, const char *why,
                       pvb_error *err)
{
    char file[sizeof img->kc.path], reason[PVB_ERROR_MAX];
    snprintf(file, sizeof file, "%s", img->file ? img->file : img->name);
    snprintf(reason, sizeof reason, "%s", why);    /* why may be err's */
    why = reason;
    log_warn(log, "cache: %s: %s; ignored, decoding the kernel again", file, why);
    unlink(file);
    void *input = img->input;
    size_t input_len = img->input_len;
    int rc = 0;
    if (!input && img->input_path)
        rc = read_input_again(img, &input, &input_len, err);
    else if (!input)
        rc = fail(err, -ESTALE, "%s: cache entry %s: %s", img->name, file, why);
    if (rc < 0)
        return rc;

    pvb_image *fresh = image_alloc(img->name);
    if (!fresh) {
        if (input != img->input)
            free(input);
        return fail(err, -ENOMEM, "%s: out of memory", img->name);
    }
    rc = open_container(fresh, input, input_len, false, &img->lim, err);
    if (rc == 0) {
        fresh->guest.elf_size = fresh->elf_len;
        rc = elf_load(fresh->name, fresh->elf, fresh->elf_len, &fresh->guest,
                      &fresh->segments, NULL, err);
    }
    if (rc == 0 && !same_facts(img, fresh))
        rc = fail(err, -ESTALE, "%s: cache entry %s described another kernel than "
                  "the file decodes to: open the kernel again", img->name, file);
    if (rc == 0) {
        struct kcache_container box = {
            .format = fresh->guest.format,
            .compression = fresh->guest.compression,
            .payload_size = fresh->guest.payload_size,
            .bzimage_version = fresh->guest.bzimage_version,
        };
        img->kc.log = log;
        kcache_store(&img->kc, fresh->elf, fresh->elf_len, &box);
        img->kc.log = NULL;
        drop_file(img);
        img->elf = fresh->elf;
        img->elf_len = fresh->elf_len;
        fresh->elf = NULL;
    }
    pvb_image_close(fresh);
    if (input != img->input)
        free(input);
    return rc;
}

/* The cache the options name (dir NULL: none), before any lookup. */
static struct kcache cache_of(const struct pvb_image_opts *opts)
{
    return (struct kcache){
        .dir = opts ? opts->cache_dir : NULL,
        .max_bytes = opts && opts->cache_max_bytes ? opts->cache_max_bytes
                                                   : PVB_DEFAULT_CACHE_MAX,
        .log = opts ? opts->log : NULL,
    };
}

/* A lookup's hit as the image's ELF: a view, the entry's headers and notes
 * checked against its view digest. */
static int view_hit(pvb_image *img, const struct kcache *kc,
                    const struct kcache_hit *hit, pvb_error *verr)
{
    img->cached = true;
    img->check_digest = true;
    img->digest[0] = hit->digest[0];
    img->digest[1] = hit->digest[1];
    return open_view(img, hit->fd, kc->path, hit->offset, hit->elf_len,
                     hit->view_digest, verr);
}

/* The hit taken (rc 0) or refused with a warning, the image as before. */
static void end_hit(pvb_image *img, const struct kcache *kc,
                    const struct kcache_hit *hit, size_t input_len,
                    const pvb_logger *log, int rc, const pvb_error *verr)
{
    if (rc < 0) {
        log_warn(log, "cache: %s; ignored, decoding the kernel again", verr->msg);
        drop_file(img);
        img->cached = false;
        return;
    }
    log_info(log, "cache: %s: the decoded kernel (its headers and notes "
             "checked; its segments are checked as they load)", kc->path);
    struct pvb_guest *g = &img->guest;
    g->file_size = input_len;
    g->format = hit->box.format;
    g->compression = hit->box.compression;
    g->payload_size = hit->box.payload_size;
    g->bzimage_version = hit->box.bzimage_version;
}

/*
 * looked_up: the cache was already asked for these bytes and missed
 * (open_cached_file); what it set up is where the decode is kept.
 */
static int image_open(const char *name, const void *data, size_t len, bool owned,
                      const struct pvb_image_opts *opts, const struct kcache *looked_up,
                      struct phase *ph, pvb_image **out, pvb_error *err)
{
    struct pvb_limits lim = limits_resolve(opts ? &opts->limits : NULL);
    const pvb_logger *log = opts ? opts->log : NULL;
    int rc;

    if (!out)
        return fail(err, -EINVAL, "pvb_image_open_mem: out is NULL");
    *out = NULL;
    if ((rc = OPTS_CHECK(opts, "pvb_image_opts", PVB_IMAGE_OPTS_VERSION, err)) < 0)
        return rc;
    if (!data && len)
        return fail(err, -EINVAL, "%s: data is NULL", name ? name : "kernel");
    pvb_image *img = image_alloc(name);
    if (!img)
        return fail(err, -ENOMEM, "%s: out of memory", name ? name : "kernel");

    struct kcache kc = looked_up ? *looked_up : cache_of(opts);
    struct kcache_hit hit = { .fd = -1 };
    if (looked_up) {
        ;                       /* asked already: a miss, kept in kc */
    } else if (kc.dir && !is_elf(data, len)) {
        if (kcache_lookup(&kc, data, len, &lim, &hit) == 1) {
            pvb_error verr;
            int hrc = view_hit(img, &kc, &hit, &verr);
            if (hrc == 0)
                hrc = keep_for_decoding(img, data, len, owned, &lim, &kc, &verr);
            end_hit(img, &kc, &hit, len, log, hrc, &verr);
        }
        phase_end(ph, "cache");
    } else {
        kc.dir = NULL;
    }

    rc = img->cached ? 0 : open_container(img, data, len, owned, &lim, err);
    if (rc == 0 && !img->cached)
        phase_end(ph, img->guest.compression != PVB_COMP_NONE ? "decompress"
                                                               : "copy");
    if (rc == 0) {
        img->guest.elf_size = img->elf_len;
        rc = elf_load(img->name, img->elf, img->elf_len, &img->guest,
                      &img->segments, log, err);
    }
    if (rc == 0)
        phase_end(ph, "elf");
    /* Only what decoded to a kernel the reader takes is kept. */
    if (rc == 0 && !img->cached && img->guest.compression != PVB_COMP_NONE) {
        struct kcache_container box = {
            .format = img->guest.format,
            .compression = img->guest.compression,
            .payload_size = img->guest.payload_size,
            .bzimage_version = img->guest.bzimage_version,
        };
        kcache_store(&kc, img->elf, img->elf_len, &box);
        if (kc.dir)
            phase_end(ph, "cache-write");
    }
    if (rc < 0) {
        if (img->elf == data)
            img->elf = NULL;    /* the caller's to free */
        if (img->input == data)
            img->input = NULL;
        pvb_image_close(img);
        return rc;
    }
    *out = img;
    return 0;
}

int pvb_image_open_mem(const char *name, const void *data, size_t len,
                       const struct pvb_image_opts *opts, pvb_image **out,
                       pvb_error *err)
{
    struct phase ph;
    phase_begin(&ph, opts ? opts->log : NULL);
    return image_open(name, data, len, false, opts, NULL, &ph, out, err);
}

/* A plain ELF file: read as a view, its segments left in the file. */
static int open_elf_file(const char *path, int fd, uint64_t size,
                         const struct pvb_image_opts *opts, struct phase *ph,
                         pvb_image **out, pvb_error *err)
{
    pvb_image *img = image_alloc(path);
    if (!img) {
        close(fd);
        return fail(err, -ENOMEM, "%s: out of memory", path);
    }
    int rc = open_view(img, fd, path, 0, (size_t)size, NULL, err);
    if (rc == 0) {
        phase_end(ph, "read");
        struct pvb_guest *g = &img->guest;
        g->format = PVB_FORMAT_ELF;
        g->file_size = g->payload_size = g->elf_size = size;
        rc = elf_load(img->name, img->elf, img->elf_len, g, &img->segments,
                      opts ? opts->log : NULL, err);
    }
    if (rc < 0) {
        pvb_image_close(img);
        return rc;
    }
    phase_end(ph, "elf");
    *out = img;
    return 0;
}

/*
 * A compressed kernel file, a cache given: its bytes are hashed through
 * one small buffer and, on a hit, never held (Debian's 8 MB bzImage read
 * into a buffer of its size cost 0.05 s in a PV dom0, 2,000 of its pages
 * faulted in through Xen); the file is read again only if the entry
 * proves bad at the build.  1: *out is the hit; 0: a miss, *kc is the
 * cache image_open keeps the decode in; < 0: the file cannot be read.
 */
static int open_cached_file(const char *path, int fd, uint64_t size,
                            const struct pvb_image_opts *opts, struct kcache *kc,
                            struct phase *ph, pvb_image **out, pvb_error *err)
{
    enum { CHUNK = 1 << 20 };
    struct pvb_limits lim = limits_resolve(&opts->limits);
    struct kcache_stream st;
    uint64_t h[2];
    int rc = 0;

    if (size > SIZE_MAX)
        return fail(err, -EFBIG, "%s: file size 0x%llx does not fit in memory",
                    path, (unsigned long long)size);
    unsigned char *buf = mem_malloc(CHUNK);
    if (!buf)
        return fail(err, -ENOMEM, "%s: out of memory", path);
    mem_prefault(buf, CHUNK);
    kcache_input_init(&st);
    for (uint64_t off = 0; off < size && rc == 0; off += CHUNK) {
        size_t n = size - off < CHUNK ? (size_t)(size - off) : CHUNK;
        rc = read_file_at(fd, path, off, buf, n, err);
        if (rc == 0)
            kcache_stream_add(&st, buf, n);
    }
    free(buf);
    if (rc < 0)
        return rc;
    kcache_stream_digest(&st, h);
    phase_end(ph, "read");

    *kc = cache_of(opts);
    struct kcache_hit hit = { .fd = -1 };
    if (kcache_lookup_hashed(kc, h, (size_t)size, &lim, &hit) != 1) {
        phase_end(ph, "cache");
        return 0;
    }
    pvb_image *img = image_alloc(path);
    if (!img) {
        close(hit.fd);
        return fail(err, -ENOMEM, "%s: out of memory", path);
    }
    pvb_error verr;
    int hrc = view_hit(img, kc, &hit, &verr);
    if (hrc == 0)
        hrc = keep_path_for_decoding(img, path, (size_t)size, h, &lim, kc, &verr);
    end_hit(img, kc, &hit, (size_t)size, opts->log, hrc, &verr);
    phase_end(ph, "cache");
    if (!img->cached) {
        pvb_image_close(img);
        return 0;
    }
    img->guest.elf_size = img->elf_len;
    rc = elf_load(img->name, img->elf, img->elf_len, &img->guest, &img->segments,
                  opts->log, err);
    if (rc < 0) {
        pvb_image_close(img);
        return rc;
    }
    phase_end(ph, "elf");
    *out = img;
    return 1;
}

int pvb_image_open_file(const char *path, const struct pvb_image_opts *opts,
                        pvb_image **out, pvb_error *err)
{
    struct pvb_limits lim = limits_resolve(opts ? &opts->limits : NULL);
    unsigned char magic[4];
    uint64_t size;
    int fd;

    if (!out)
        return fail(err, -EINVAL, "pvb_image_open_file: out is NULL");
    struct phase ph;
    phase_begin(&ph, opts ? opts->log : NULL);
    *out = NULL;
    int vrc = OPTS_CHECK(opts, "pvb_image_opts", PVB_IMAGE_OPTS_VERSION, err);
    if (vrc < 0)
        return vrc;
    /* The file itself is bounded by the same cap as what it unpacks to. */
    int rc = open_regular_file(path, lim.max_output, &fd, &size, err);
    if (rc < 0)
        return rc;
    if (size >= sizeof magic &&
        (rc = read_file_at(fd, path, 0, magic, sizeof magic, err)) == 0 &&
        is_elf(magic, sizeof magic))
        return open_elf_file(path, fd, size, opts, &ph, out, err);

    /* Anything else is decoded (or refused) from its bytes in memory. */
    struct kcache kc, *looked_up = NULL;
    if (rc == 0 && opts && opts->cache_dir) {
        rc = open_cached_file(path, fd, size, opts, &kc, &ph, out, err);
        if (rc == 1) {
            close(fd);
            return 0;
        }
        if (rc == 0)
            looked_up = &kc;
    }
    void *data = NULL;
    if (rc == 0)
        rc = read_open_file(fd, path, size, &data, err);
    close(fd);
    if (rc < 0)
        return rc;
    phase_end(&ph, "read");
    rc = image_open(path, data, (size_t)size, true, opts, looked_up, &ph, out, err);
    /* Whatever the image did not keep is freed here. */
    if (rc < 0 || ((*out)->elf != data && (*out)->input != data))
        free(data);
    return rc;
}

void pvb_image_close(pvb_image *img)
{
    if (!img)
        return;
    file_unmap(&img->map);
    drop_file(img);
    free(img->input);
    free(img->input_path);
    free(img->cache_dir);
    pthread_mutex_destroy(&img->lock);
    free(img->segments);
    free(img->elf);
    free(img->name);
    free(img);
}

/* The accessors answer NULL (0 bytes) for a NULL image rather than crash. */
const struct pvb_guest *pvb_image_guest(const pvb_image *img)
{
    return img ? &img->guest : NULL;
}

const char *pvb_image_name(const pvb_image *img)
{
    return img ? img->name : NULL;
}

const void *pvb_image_elf(const pvb_image *img, size_t *len)
{
    bool good = img && image_make_whole(img);
    if (len)
        *len = good ? img->elf_len : 0;
    return good ? img->elf : NULL;
}

const void *pvb_image_segment_data(const pvb_image *img, size_t i)
{
    if (!img || i >= img->guest.nr_segments || !image_make_whole(img))
        return NULL;
    return (const char *)img->elf + img->segments[i].offset;
}
