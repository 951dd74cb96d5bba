/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: every decompressor and the ramdisk loader.  Two bytes pick
 * what to do, the rest is the stream:
 *   [0] bits 0-2: the output cap (the default 1 GiB, or 1 byte up to
 *       64 MiB); bit 3: a 1 MiB decoder-memory cap; bit 4: keep a gzip
 *       ramdisk compressed
 *   [1] the codec, % 10: an enum pvb_compression value 0..7, 8 (one past
 *       the last), or 9: the one pvb_compression_sniff names
 * One codec a run (each costs a decoder set up, tens of ms under ASan);
 * then the ramdisk loader on the same bytes.  A success must respect the
 * cap, and a ramdisk must hold what pvb_decompress makes of the bytes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define NAME "fuzz-stream"

static const uint64_t caps[8] = {
    0,                          /* the default, 1 GiB */
    1, 64, 4096, 65536,
    UINT64_C(1) << 20,
    UINT64_C(16) << 20,
    UINT64_C(64) << 20,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t sel = data[0], which = data[1] % 10;
    data += 2;
    size -= 2;

    struct pvb_limits lim = {
        .max_output = caps[sel & 7],
        .max_decoder_mem = (sel & 0x08) ? UINT64_C(1) << 20 : 0,
    };
    uint64_t cap = lim.max_output ? lim.max_output : PVB_DEFAULT_MAX_OUTPUT;
    pvb_error err;

    enum pvb_compression sniffed = pvb_compression_sniff(data, size);
    if ((unsigned)sniffed > PVB_COMP_ZSTD)
        fuzz_die("sniff returned %d", (int)sniffed);
    fuzz_touch(pvb_compression_name(sniffed), 1);

    /* What the ramdisk loader should match: gzip is unpacked. */
    void *gz_out = NULL;
    size_t gz_len = 0;
    int gz_rc = -1;
    int c = which == 9 ? (int)sniffed : which;
    bool gz_too = sniffed == PVB_COMP_GZIP && c != PVB_COMP_GZIP;

    for (int pass = 0; pass < 1 + gz_too; pass++, c = PVB_COMP_GZIP) {
        void *out = NULL;
        size_t out_len = 0;
        memset(&err, 0, sizeof err);
        int rc = pvb_decompress((enum pvb_compression)c, data, size, &lim,
                                NAME, &out, &out_len, &err);
        if (rc < 0) {
            if (out || out_len)
                fuzz_die("failed pvb_decompress(%d) left output %p/%zu", c,
                         out, out_len);
            fuzz_check_error("pvb_decompress", rc, &err, NAME);
            continue;
        }
        if (rc != 0 || (!out && out_len))
            fuzz_die("pvb_decompress(%d) returned %d, output %p/%zu", c, rc,
                     out, out_len);
        if (out_len > cap)
            fuzz_die("pvb_decompress(%d) made 0x%zx bytes over the cap 0x%llx",
                     c, out_len, (unsigned long long)cap);
        fuzz_touch(out, out_len);
        if (c == PVB_COMP_GZIP) {
            gz_out = out;
            gz_len = out_len;
            gz_rc = 0;
        } else {
            free(out);
        }
    }

    struct pvb_ramdisk_opts ro = {
        .version = PVB_RAMDISK_OPTS_VERSION,
        .limits = lim,
        .keep_compressed = (sel & 0x10) != 0,
        .log = &fuzz_logger,
    };
    pvb_ramdisk *rd = NULL;
    memset(&err, 0, sizeof err);
    int rc = pvb_ramdisk_open_mem(NAME, data, size, &ro, &rd, &err);
    if (rc < 0) {
        if (rd)
            fuzz_die("failed ramdisk open left a ramdisk behind");
        fuzz_check_error("pvb_ramdisk_open_mem", rc, &err, NAME);
    } else {
        bool unpack = sniffed == PVB_COMP_GZIP && !ro.keep_compressed;
        const void *d = pvb_ramdisk_data(rd);
        uint64_t n = pvb_ramdisk_size(rd);
        if (pvb_ramdisk_file_size(rd) != size ||
            pvb_ramdisk_compression(rd) != sniffed ||
            pvb_ramdisk_decompressed(rd) != unpack)
            fuzz_die("ramdisk: file size 0x%llx (0x%zx), compression %d (%d), "
                     "decompressed %d (%d)",
                     (unsigned long long)pvb_ramdisk_file_size(rd), size,
                     (int)pvb_ramdisk_compression(rd), (int)sniffed,
                     (int)pvb_ramdisk_decompressed(rd), (int)unpack);
        if (unpack ? gz_rc != 0 || n != gz_len || memcmp(d, gz_out, n) != 0
                   : n != size || memcmp(d, data, n) != 0)
            fuzz_die("ramdisk: 0x%llx bytes loaded, not what pvb_decompress "
                     "or the file holds", (unsigned long long)n);
        pvb_ramdisk_close(rd);
    }
    free(gz_out);
    return 0;
}
