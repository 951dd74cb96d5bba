/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The initial ramdisk: loaded as it is, or gunzipped first as Xen 4.17's
 * libxenguest does (only gzip: the guest kernel unpacks the rest itself).
 *
 * A gunzipped ramdisk is kept in the cache the options name (cache.h),
 * keyed by the gzip file's bytes: the same ramdisk is then read back, its
 * digest checked, instead of gunzipped again (0.06 s of a 0.7 s create
 * in a PV dom0 under QEMU for a 1 MB busybox ramdisk).
 *
 * A ramdisk loaded as it is stays in its file until the build copies it
 * into the guest: its size comes from fstat, so a ramdisk the guest cannot
 * hold is refused by the layout before a byte of it is read, and the
 * bytes are never held twice (once on the heap, once in the guest).
 *
 * A file only root can write on a local filesystem (file_map) is
 * mapped rather than read, as the kernel is (image_load.c): in a Xen PV
 * dom0 under QEMU the kernel's copy inside pread and the faults on a
 * fresh buffer cost more than a mapping read in at once and a memcpy.
 * It is made at the first copy, apart from where the bytes go
 * (file_map_apart: the memcpy otherwise can take 3-4 times as long under
 * QEMU).  The mappings stay until pvb_ramdisk_close, because unmapping clears
 * each PTE through the hypervisor while an exiting process drops its
 * page tables whole.
 */
#include "image/cache.h"
#include "image/decompress.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"
#include "util/opts.h"
#include "image/ramdisk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pvb_ramdisk {
    void *data;              /* NULL while the bytes are only in the file;
                              * in `entry` when that is mapped */
    int fd;                  /* the open file, or -1 */
    struct file_mapping file;  /* fd's bytes, mapped at the first copy */
    const char *not_mapped;  /* or why they may not be, for the debug log */
    struct file_mapping gz;  /* the gzip file unpacked at the open */
    struct file_mapping entry; /* the cache entry data was read back from */
    char *path;              /* or the name it was given, for messages */
    uint64_t size;
    uint64_t file_size;
    enum pvb_compression compression;
    bool decompressed;
};

/* The cache the options name; a version-1 struct ends before it. */
static struct kcache cache_of(const struct pvb_ramdisk_opts *opts)
{
    bool v2 = opts && opts->version >= 2;
    return (struct kcache){
        .dir = v2 ? opts->cache_dir : NULL,
        .kind = KCACHE_RAMDISK,
        .max_bytes = v2 && opts->cache_max_bytes ? opts->cache_max_bytes
                                                 : PVB_DEFAULT_CACHE_MAX,
        .log = opts ? opts->log : NULL,
    };
}

/*
 * The ramdisk gunzipped before: 1 with *out filled (its digest checked;
 * in *m when the entry is mapped, else on the heap), 0 on a miss or a
 * bad entry (warned about; kc->path is then where the fresh one goes).
 */
static int read_back(struct kcache *kc, const void *gz, size_t len,
                     const struct pvb_limits *lim, void **out, size_t *out_len,
                     struct file_mapping *m)
{
    struct kcache_hit hit;
    if (kcache_lookup(kc, gz, len, lim, &hit) != 1)
        return 0;
    const char *why = NULL;
    const unsigned char *bytes = NULL;
    void *buf = NULL;
    if (!hit.elf_len)
        why = "it is empty";
    else if (!file_map(hit.fd, hit.offset, hit.elf_len, m) &&
             file_map_populate(m->at, hit.elf_len) == 0)
        bytes = m->at;
    else {
        file_unmap(m);
        if (!(buf = mem_malloc(hit.elf_len)))
            why = "no memory to read it";
        else {
            /* Page by page, each first touch is a fault through Xen. */
            mem_prefault(buf, hit.elf_len);
            if (read_file_at(hit.fd, kc->path, hit.offset, buf, hit.elf_len, NULL) < 0)
                why = "it cannot be read";
            bytes = buf;
        }
    }
    if (!why) {
        uint64_t d[2];
        kcache_elf_digest(bytes, hit.elf_len, d);
        if (d[0] != hit.digest[0] || d[1] != hit.digest[1])
            why = "its bytes do not match its digest";
    }
    close(hit.fd);
    if (why) {
        free(buf);
        file_unmap(m);
        log_warn(kc->log, "cache: %s: %s; ignored, gunzipping the ramdisk again",
                 kc->path, why);
        return 0;
    }
    *out = (void *)bytes;
    *out_len = hit.elf_len;
    return 1;
}

int pvb_ramdisk_open_mem(const char *name, const void *data, size_t len,
                         const struct pvb_ramdisk_opts *opts, pvb_ramdisk **out,
                         pvb_error *err)
{
    struct pvb_limits lim = limits_resolve(opts ? &opts->limits : NULL);
    bool keep = opts && opts->keep_compressed;
    int rc;

    if (!out)
        return fail(err, -EINVAL, "pvb_ramdisk_open_mem: out is NULL");
    *out = NULL;
    if ((rc = OPTS_CHECK(opts, "pvb_ramdisk_opts", PVB_RAMDISK_OPTS_VERSION, err)) < 0)
        return rc;
    if (!data && len)
        return fail(err, -EINVAL, "pvb_ramdisk_open_mem: data is NULL");
    if (!name)
        name = "ramdisk";
    if (len == 0)
        return fail(err, -EINVAL, "%s: ramdisk is empty", name);
    pvb_ramdisk *rd = mem_calloc(1, sizeof *rd);
    if (!rd)
        return fail(err, -ENOMEM, "%s: out of memory", name);
    rd->fd = -1;
    rd->path = mem_strdup(name);
    if (!rd->path) {
        free(rd);
        return fail(err, -ENOMEM, "%s: out of memory", name);
    }
    rd->file_size = len;
    rd->compression = pvb_compression_sniff(data, len);

    if (rd->compression == PVB_COMP_GZIP && !keep) {
        char what[PVB_ERROR_MAX / 2];
        size_t out_len;
        struct kcache kc = cache_of(opts);
        snprintf(what, sizeof what, "%s: gzip ramdisk", name);
        if (read_back(&kc, data, len, &lim, &rd->data, &out_len, &rd->entry)) {
            log_info(kc.log, "cache: %s: the gunzipped ramdisk, read back%s", kc.path,
                     rd->entry.base ? " from a mapping of it" : "");
        } else {
            rc = pvb_decompress(PVB_COMP_GZIP, data, len, &lim, what, &rd->data,
                                &out_len, err);
            if (rc < 0) {
                pvb_ramdisk_close(rd);
                return rc;
            }
            struct kcache_container box = { .compression = PVB_COMP_GZIP,
                                             .payload_size = len };
            if (out_len)
                kcache_store(&kc, rd->data, out_len, &box);
        }
        rd->size = out_len;
        rd->decompressed = true;
        log_info(opts ? opts->log : NULL,
                 "%s: gzip ramdisk 0x%zx bytes unpacked to 0x%zx bytes", name,
                 len, out_len);
    } else {
        if (len > lim.max_output) {
            pvb_ramdisk_close(rd);
            return fail(err, -EFBIG, "%s: ramdisk size 0x%zx exceeds the limit 0x%llx",
                        name, len, (unsigned long long)lim.max_output);
        }
        rd->data = mem_malloc(len);
        if (!rd->data) {
            pvb_ramdisk_close(rd);
            return fail(err, -ENOMEM, "%s: cannot allocate 0x%zx bytes", name, len);
        }
        memcpy(rd->data, data, len);
        rd->size = len;
    }
    *out = rd;
    return 0;
}

int pvb_ramdisk_open_file(const char *path, const struct pvb_ramdisk_opts *opts,
                          pvb_ramdisk **out, pvb_error *err)
{
    struct pvb_limits lim = limits_resolve(opts ? &opts->limits : NULL);
    unsigned char magic[8] = { 0 };
    uint64_t size;
    int fd, rc;

    if (!out)
        return fail(err, -EINVAL, "pvb_ramdisk_open_file: out is NULL");
    *out = NULL;
    if ((rc = OPTS_CHECK(opts, "pvb_ramdisk_opts", PVB_RAMDISK_OPTS_VERSION, err)) < 0)
        return rc;
    if (!path)
        return fail(err, -EINVAL, "pvb_ramdisk_open_file: no path");
    rc = open_regular_file(path, lim.max_output, &fd, &size, err);
    if (rc < 0)
        return rc;
    if (size == 0) {
        close(fd);
        return fail(err, -EINVAL, "%s: ramdisk is empty", path);
    }
    size_t head = size < sizeof magic ? (size_t)size : sizeof magic;
    rc = read_file_at(fd, path, 0, magic, head, err);
    if (rc < 0)
        goto fail;
    enum pvb_compression comp = pvb_compression_sniff(magic, head);
    if (comp == PVB_COMP_GZIP && !(opts && opts->keep_compressed)) {
        /* Its loaded size is known only by unpacking it.  read_open_file
         * populates the buffer at once: page by page, each is a fault
         * through Xen in a PV dom0. */
        void *data = NULL;
        struct file_mapping gz;
        if (!file_map(fd, 0, (size_t)size, &gz) &&
            file_map_populate(gz.at, (size_t)size) == 0)
            data = (void *)gz.at;
        else {
            file_unmap(&gz);
            rc = read_open_file(fd, path, size, &data, err);
        }
        close(fd);
        if (rc == 0)
            rc = pvb_ramdisk_open_mem(path, data, (size_t)size, opts, out, err);
        /* Its bytes are no longer needed, but unmapped at the close. */
        if (rc == 0 && gz.base)
            (*out)->gz = gz;
        else if (gz.base)
            file_unmap(&gz);
        else
            free(data);
        return rc;
    }

    pvb_ramdisk *rd = mem_calloc(1, sizeof *rd);
    if (!rd || !(rd->path = mem_strdup(path))) {
        free(rd);
        rc = fail(err, -ENOMEM, "%s: out of memory", path);
        goto fail;
    }
    rd->fd = fd;
    rd->size = rd->file_size = size;
    rd->compression = comp;
    *out = rd;
    return 0;
fail:
    close(fd);
    return rc;
}

void pvb_ramdisk_close(pvb_ramdisk *rd)
{
    if (!rd)
        return;
    if (rd->fd >= 0)
        close(rd->fd);
    free(rd->path);
    if (!rd->entry.base)
        free(rd->data);
    file_unmap(&rd->file);
    file_unmap(&rd->gz);
    file_unmap(&rd->entry);
    free(rd);
}

const char *ramdisk_name(const pvb_ramdisk *rd)
{
    return rd->path;
}

int ramdisk_copy(const pvb_ramdisk *rd, void *dst, const pvb_logger *log,
                 pvb_error *err)
{
    pvb_ramdisk *w = (pvb_ramdisk *)rd;   /* one thread at a time (pvbuild.h) */
    if (rd->data) {
        memcpy(dst, rd->data, (size_t)rd->size);
        return 0;
    }
    if (!rd->file.base && !rd->not_mapped)
        w->not_mapped = file_map_apart(rd->fd, 0, (size_t)rd->size, 0, dst, &w->file);
    /* A page that cannot be read in (the file was cut short since) fails
     * the populate, and the read below then says what happened. */
    const char *why = rd->not_mapped;
    if (rd->file.base) {
        int rc = file_map_populate(rd->file.at, (size_t)rd->size);
        if (rc == 0) {
            log_debug(log, "%s: ramdisk copied from a mapping of the file", rd->path);
            memcpy(dst, rd->file.at, (size_t)rd->size);
            return 0;
        }
        why = strerror(-rc);
    }
    log_debug(log, "%s: ramdisk read, not mapped: %s", rd->path, why);
    return read_file_at(rd->fd, rd->path, 0, dst, (size_t)rd->size, err);
}

/* Read on first use: the object is opaque, the bytes are its value. */
const void *pvb_ramdisk_data(const pvb_ramdisk *rd)
{
    pvb_ramdisk *w = (pvb_ramdisk *)rd;
    if (!w)
        return NULL;
    if (!w->data && w->fd >= 0) {
        void *buf = w->size <= SIZE_MAX ? mem_malloc((size_t)w->size) : NULL;
        if (!buf || ramdisk_copy(w, buf, NULL, NULL) < 0) {
            free(buf);
            return NULL;
        }
        w->data = buf;
    }
    return w->data;
}
/* A NULL ramdisk is no ramdisk: 0 bytes, not compressed. */
uint64_t pvb_ramdisk_size(const pvb_ramdisk *rd) { return rd ? rd->size : 0; }
uint64_t pvb_ramdisk_file_size(const pvb_ramdisk *rd) { return rd ? rd->file_size : 0; }
enum pvb_compression pvb_ramdisk_compression(const pvb_ramdisk *rd)
{
    return rd ? rd->compression : PVB_COMP_NONE;
}
bool pvb_ramdisk_decompressed(const pvb_ramdisk *rd) { return rd && rd->decompressed; }
