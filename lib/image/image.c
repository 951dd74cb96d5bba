/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A kernel image: sniff the container (ELF, bzImage, whole-file
 * compression), get at the ELF bytes, and hand them to the ELF reader.
 */
#include "image/bzimage.h"
#include "image/cache.h"
#include "util/alloc.h"
#include "image/decompress.h"
#include "image/elf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/phase.h"
#include "util/opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pvb_image {
    char *name;
    void *elf;               /* owned: decompressed, or a copy of the file */
    size_t elf_len;
    struct pvb_guest guest;
    struct pvb_image_segment *segments;
    bool cached;             /* elf came from the cache */
};

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

static int image_open(const char *name, const void *data, size_t len, bool owned,
                      const struct pvb_image_opts *opts, struct phase *ph,
                      pvb_image **out, pvb_error *err)
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
    pvb_image *img = mem_calloc(1, sizeof *img);
    if (!img)
        return fail(err, -ENOMEM, "%s: out of memory", name);
    img->name = mem_strdup(name ? name : "kernel");
    if (!img->name) {
        free(img);
        return fail(err, -ENOMEM, "%s: out of memory", name);
    }

    struct kcache kc = {
        .dir = opts ? opts->cache_dir : NULL,
        .max_bytes = opts && opts->cache_max_bytes ? opts->cache_max_bytes
                                                   : PVB_DEFAULT_CACHE_MAX,
        .log = log,
    };
    struct kcache_hit hit = { 0 };
    if (kc.dir && !is_elf(data, len)) {
        if (kcache_lookup(&kc, data, len, &lim, &hit) == 1) {
            struct pvb_guest *g = &img->guest;
            img->cached = true;
            img->elf = hit.elf;
            img->elf_len = hit.elf_len;
            g->file_size = len;
            g->format = hit.box.format;
            g->compression = hit.box.compression;
            g->payload_size = hit.box.payload_size;
            g->bzimage_version = hit.box.bzimage_version;
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
    return image_open(name, data, len, false, opts, &ph, out, err);
}

int pvb_image_open_file(const char *path, const struct pvb_image_opts *opts,
                        pvb_image **out, pvb_error *err)
{
    struct pvb_limits lim = limits_resolve(opts ? &opts->limits : NULL);
    void *data;
    size_t len;

    if (!out)
        return fail(err, -EINVAL, "pvb_image_open_file: out is NULL");
    struct phase ph;
    phase_begin(&ph, opts ? opts->log : NULL);
    *out = NULL;
    int vrc = OPTS_CHECK(opts, "pvb_image_opts", PVB_IMAGE_OPTS_VERSION, err);
    if (vrc < 0)
        return vrc;
    /* The file itself is bounded by the same cap as what it unpacks to. */
    int rc = read_whole_file(path, lim.max_output, &data, &len, err);
    if (rc < 0)
        return rc;
    phase_end(&ph, "read");
    rc = image_open(path, data, len, true, opts, &ph, out, err);
    /* A plain ELF file's buffer now belongs to the image. */
    if (rc < 0 || pvb_image_elf(*out, NULL) != data)
        free(data);
    return rc;
}

void pvb_image_close(pvb_image *img)
{
    if (!img)
        return;
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
    if (len)
        *len = img ? img->elf_len : 0;
    return img ? img->elf : NULL;
}

const void *pvb_image_segment_data(const pvb_image *img, size_t i)
{
    if (!img || i >= img->guest.nr_segments)
        return NULL;
    return (const char *)img->elf + img->segments[i].offset;
}
