/*
 * The initial ramdisk: loaded as it is, or gunzipped first as Xen 4.17's
 * libxenguest does (only gzip: the guest kernel unpacks the rest itself).
 */
#include "image/decompress.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pvb_ramdisk {
    void *data;
    uint64_t size;
    uint64_t file_size;
    enum pvb_compression compression;
    bool decompressed;
};

int pvb_ramdisk_open_mem(const char *name, const void *data, size_t len,
                         const struct pvb_ramdisk_opts *opts, pvb_ramdisk **out,
                         pvb_error *err)
{
    struct pvb_limits lim = limits_resolve(opts ? &opts->limits : NULL);
    bool keep = opts && opts->keep_compressed;
    int rc;

    *out = NULL;
    if (!name)
        name = "ramdisk";
    if (len == 0)
        return fail(err, -EINVAL, "%s: ramdisk is empty", name);
    pvb_ramdisk *rd = mem_calloc(1, sizeof *rd);
    if (!rd)
        return fail(err, -ENOMEM, "%s: out of memory", name);
    rd->file_size = len;
    rd->compression = pvb_compression_sniff(data, len);

    if (rd->compression == PVB_COMP_GZIP && !keep) {
        char what[PVB_ERROR_MAX / 2];
        size_t out_len;
        snprintf(what, sizeof what, "%s: gzip ramdisk", name);
        rc = pvb_decompress(PVB_COMP_GZIP, data, len, &lim, what, &rd->data,
                            &out_len, err);
        if (rc < 0) {
            free(rd);
            return rc;
        }
        rd->size = out_len;
        rd->decompressed = true;
        log_info(opts ? opts->log : NULL,
                 "%s: gzip ramdisk 0x%zx bytes unpacked to 0x%zx bytes", name,
                 len, out_len);
    } else {
        if (len > lim.max_output) {
            free(rd);
            return fail(err, -EFBIG, "%s: ramdisk size 0x%zx exceeds the limit 0x%llx",
                        name, len, (unsigned long long)lim.max_output);
        }
        rd->data = mem_malloc(len);
        if (!rd->data) {
            free(rd);
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
    void *data;
    size_t len;

    *out = NULL;
    int rc = read_whole_file(path, lim.max_output, &data, &len, err);
    if (rc < 0)
        return rc;
    rc = pvb_ramdisk_open_mem(path, data, len, opts, out, err);
    free(data);
    return rc;
}

void pvb_ramdisk_close(pvb_ramdisk *rd)
{
    if (!rd)
        return;
    free(rd->data);
    free(rd);
}

const void *pvb_ramdisk_data(const pvb_ramdisk *rd) { return rd->data; }
uint64_t pvb_ramdisk_size(const pvb_ramdisk *rd) { return rd->size; }
uint64_t pvb_ramdisk_file_size(const pvb_ramdisk *rd) { return rd->file_size; }
enum pvb_compression pvb_ramdisk_compression(const pvb_ramdisk *rd) { return rd->compression; }
bool pvb_ramdisk_decompressed(const pvb_ramdisk *rd) { return rd->decompressed; }
