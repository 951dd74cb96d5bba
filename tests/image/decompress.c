/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pvb_decompress against the real compressors: every stream here is made
 * at test time by gzip, bzip2, xz, lzop, lz4 or zstd (or, for the 4 GiB
 * gzip bomb, by zlib itself), and every decoded byte is compared with the
 * original input.
 */
#include "tap.h"
#include "kernel.h"
#include "pvbuild.h"
#include "image/bzimage.h"
#include "image/decompress.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#define MiB ((size_t)1 << 20)

static char tmpdir[] = "/tmp/pvb-decompress-XXXXXX";

static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    char path[512];

    if (!d)
        return;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
    rmdir(tmpdir);
}

/* Run a shell command inside the temporary directory; true on exit 0. */
static bool sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool sh(const char *fmt, ...)
{
    char cmd[2048];
    int n = snprintf(cmd, sizeof cmd, "cd '%s' && ", tmpdir);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(cmd + n, sizeof cmd - n, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    if (st != 0)
        diag("command failed (status %d): %s", st, cmd);
    return st == 0;
}

/* Same, for a command expected to fail: no noise when it does. */
static bool sh_fails(const char *cmd)
{
    char full[1024];

    snprintf(full, sizeof full, "cd '%s' && %s", tmpdir, cmd);
    return system(full) != 0;
}

/* Output of a shell command (in the temporary directory) as a number. */
static long long sh_number(const char *cmd)
{
    char full[1024];
    long long v = -1;

    snprintf(full, sizeof full, "cd '%s' && %s", tmpdir, cmd);
    FILE *p = popen(full, "r");
    if (!p)
        return -1;
    if (fscanf(p, "%lld", &v) != 1)
        v = -1;
    pclose(p);
    return v;
}

/* `name` is in the temporary directory unless it is absolute. */
static void *read_all(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(name[0] == '/' ? name : path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *b = realloc(buf, cap *= 2);
            if (!b) {
                free(buf);
                buf = NULL;
            }
            buf = b;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static bool write_all(const char *name, const void *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool good = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && good;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int dec(enum pvb_compression c, const void *in, size_t len, uint64_t max_out,
               uint64_t max_mem, const char *what, void **out, size_t *out_len,
               pvb_error *err)
{
    struct pvb_limits l = { max_out, max_mem };
    memset(err, 0, sizeof *err);
    return pvb_decompress(c, in, len, &l, what, out, out_len, err);
}

/* ---------------------------------------------------------- peak RSS */

/* Linux can reset the high-water mark getrusage reports (clear_refs "5"). */
static bool reset_peak_rss(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f)
        return false;
    bool good = fputs("5", f) >= 0;
    return fclose(f) == 0 && good;
}

static uint64_t peak_rss(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (uint64_t)ru.ru_maxrss * 1024;
}

static const uint64_t bomb_cap = 64 * MiB;

/* A bomb must fail with -EFBIG at the cap, and memory must stay near it. */
static void check_bomb(const char *label, enum pvb_compression c, const void *bomb,
                       size_t len, uint64_t bomb_size)
{
    pvb_error err;
    void *out = (void *)1;
    size_t out_len = 1;
    char want[128];
    bool reset = reset_peak_rss();
    uint64_t before = peak_rss();

    int r = dec(c, bomb, len, bomb_cap, 0, label, &out, &out_len, &err);
    uint64_t after = peak_rss();

    is_u64((uint64_t)-r, EFBIG, "%s (0x%zx bytes -> 0x%llx) stopped with -EFBIG at a 64 MiB cap",
           label, len, (unsigned long long)bomb_size);
    snprintf(want, sizeof want, "%s: %s decompressed size exceeds the limit 0x%llx", label,
             pvb_compression_name(c), (unsigned long long)bomb_cap);
    is_str(err.msg, want, "%s: the error names the codec and the limit", label);
    ok(out == NULL && out_len == 0, "%s: no output is returned", label);
    diag("%s: peak RSS %llu MiB (from %llu MiB%s)", label,
         (unsigned long long)(after >> 20), (unsigned long long)(before >> 20),
         reset ? ", peak reset before" : ", peak not resettable");
    /*
     * The output buffer is the cap.  An allocator whose realloc copies
     * (ASan, valgrind) holds the old and new buffers at once and may keep
     * the old ones resident (ASan's quarantine): allow twice the cap, and
     * a little for the decoder.  Without a resettable peak the whole
     * peak counts.
     */
    uint64_t allowance = 2 * bomb_cap + 32 * MiB;
    uint64_t growth = after - (reset ? before : 0);
    ok(growth < allowance && growth < bomb_size / 2,
       "%s: peak RSS grew by %llu MiB (allowed %llu), well below the bomb's %llu MiB", label,
       (unsigned long long)(growth >> 20), (unsigned long long)(allowance >> 20),
       (unsigned long long)(bomb_size >> 20));
}

/*
 * 4 GiB of zeros as one gzip member, made quickly: zlib compresses 1 MiB
 * of zeros once, closed with a full flush so that the segment is
 * byte-aligned and does not refer back; the member repeats it, ends with
 * an empty final block and carries the CRC and size of all the zeros.
 */
static uint8_t *gzip_zero_bomb(uint64_t size, size_t *len)
{
    static uint8_t zeros[1 << 20];
    uint8_t seg[8192];
    z_stream zs;

    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    zs.next_in = zeros;
    zs.avail_in = sizeof zeros;
    zs.next_out = seg;
    zs.avail_out = sizeof seg;
    int r = deflate(&zs, Z_FULL_FLUSH);
    size_t seg_len = sizeof seg - zs.avail_out;
    uint8_t tail[16];
    zs.next_out = tail;
    zs.avail_out = sizeof tail;
    int r2 = deflate(&zs, Z_FINISH);            /* the empty final block */
    size_t tail_len = sizeof tail - zs.avail_out;
    deflateEnd(&zs);
    if (r != Z_OK || zs.avail_in || r2 != Z_STREAM_END)
        return NULL;

    uint64_t n = size / sizeof zeros;
    uint32_t crc1 = crc32(0, zeros, sizeof zeros), crc = 0;
    uint8_t *b = malloc(10 + n * seg_len + tail_len + 8);
    if (!b)
        return NULL;
    static const uint8_t header[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
    size_t p = 0;
    memcpy(b, header, sizeof header);
    p += sizeof header;
    for (uint64_t i = 0; i < n; i++) {
        memcpy(b + p, seg, seg_len);
        p += seg_len;
        crc = crc32_combine(crc, crc1, sizeof zeros);
    }
    memcpy(b + p, tail, tail_len);
    p += tail_len;
    for (int i = 0; i < 4; i++)
        b[p++] = (uint8_t)(crc >> (8 * i));
    for (int i = 0; i < 4; i++)
        b[p++] = (uint8_t)(size >> (8 * i));
    *len = p;
    return b;
}

static void test_bombs(void)
{
    size_t len;
    uint8_t *b;

    /* The construction, checked by gzip itself on a 16 MiB instance. */
    b = gzip_zero_bomb(16 * MiB, &len);
    ok(b && write_all("small-bomb.gz", b, len), "16 MiB gzip zero stream built with zlib");
    free(b);
    is_u64(sh_number("gzip -dc small-bomb.gz | wc -c"), 16 * MiB,
           "gzip -dc reads 16 MiB from the zlib-built stream");
    is_u64(sh_number("gzip -dc small-bomb.gz | tr -d '\\000' | wc -c"), 0,
           "... all of them zeros");

    b = gzip_zero_bomb((uint64_t)4 << 30, &len);
    ok(b != NULL, "4 GiB gzip bomb built with zlib (0x%zx bytes)", b ? len : 0);
    if (b)
        check_bomb("bomb.gz", PVB_COMP_GZIP, b, len, (uint64_t)4 << 30);
    free(b);

    uint64_t xsize = 512 * MiB;
    ok(sh("head -c %llu /dev/zero | xz -0 -T1 -c > bomb.xz", (unsigned long long)xsize),
       "xz compresses 512 MiB of zeros");
    b = read_all("bomb.xz", &len);
    if (b)
        check_bomb("bomb.xz", PVB_COMP_XZ, b, len, xsize);
    free(b);

    /* zstd: a little over 1 GiB, to cross the default cap by 4 KiB. */
    uint64_t zsize = ((uint64_t)1 << 30) + 4096;
    ok(sh("head -c %llu /dev/zero | zstd -q -1 -c > bomb.zst", (unsigned long long)zsize),
       "zstd compresses 1 GiB + 4 KiB of zeros");
    b = read_all("bomb.zst", &len);
    if (b) {
        check_bomb("bomb.zst", PVB_COMP_ZSTD, b, len, zsize);

        pvb_error err;
        void *out;
        size_t out_len;
        int r = dec(PVB_COMP_ZSTD, b, len, 0, 0, "bomb.zst", &out, &out_len, &err);
        is_u64((uint64_t)-r, EFBIG, "default limits: the 1 GiB + 4 KiB zstd stream is refused");
        ok(strstr(err.msg, "exceeds the limit 0x40000000") != NULL,
           "... at the default 1 GiB cap: %s", err.msg);

        r = dec(PVB_COMP_ZSTD, b, len, PVB_UNLIMITED, 0, "bomb.zst", &out, &out_len, &err);
        ok(r == 0, "PVB_UNLIMITED output: the 1 GiB + 4 KiB zstd stream decodes (%s)",
           r ? err.msg : "ok");
        is_u64(out_len, zsize, "... to its full size");
        bool zero = r == 0;
        for (size_t i = 0; zero && i < out_len; i += 4096) {
            static const uint8_t z[4096];
            zero = memcmp((uint8_t *)out + i, z, out_len - i < 4096 ? out_len - i : 4096) == 0;
        }
        ok(zero, "... all zeros");
        if (r == 0)
            free(out);
    }
    free(b);
}

/* ---------------------------------------------------------- test data */

/* A few MB of real binaries, generated text, noise and zeros. */
static uint8_t *make_data(size_t *len)
{
    static const char *const files[] = { "/bin/sh", "/bin/bash", "/usr/bin/gzip" };
    static const char *const words[] = {
        "xen", "domain", "builder", "page", "table", "hypercall", "kernel",
        "payload", "initrd", "grant", "event", "channel", "vcpu", "memory",
    };
    size_t cap = 10 * MiB, n = 0;
    uint8_t *d = malloc(cap);
    uint32_t x = 12345;

    if (!d)
        return NULL;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        FILE *f = fopen(files[i], "rb");
        if (f) {
            n += fread(d + n, 1, 3 * MiB - n / 2, f);
            fclose(f);
        }
    }
    while (n < 8 * MiB) {
        x = x * 1103515245 + 12345;
        n += (size_t)snprintf((char *)d + n, cap - n, "%u: the %s maps %u %s pages\n",
                              x >> 20, words[(x >> 8) % 14], (x >> 4) & 0xfff,
                              words[(x >> 12) % 14]);
    }
    for (size_t i = 0; i < 512 * 1024; i++) {
        x = x * 1103515245 + 12345;
        d[n++] = (uint8_t)(x >> 24);
    }
    memset(d + n, 0, 1 * MiB);
    n += 1 * MiB;
    *len = n;
    return d;
}

/* ------------------------------------------------------------- codecs */

struct variant {
    const char *file;
    const char *cmd;                 /* writes `file` from `data` */
    enum pvb_compression c;
    bool checksummed;                /* a flipped byte must be detected */
};

static const struct variant variants[] = {
    { "data.gz", "gzip -c -n -9 data > data.gz", PVB_COMP_GZIP, true },
    { "data.bz2", "bzip2 -c -9 data > data.bz2", PVB_COMP_BZIP2, true },
    /* As Linux's scripts/xz_wrap.sh does for an x86 kernel. */
    { "data.xz", "xz -c -T1 --check=crc32 --x86 --lzma2=preset=3,dict=32MiB data > data.xz",
      PVB_COMP_XZ, true },
    { "data.lzma", "xz -c --format=lzma -3 data > data.lzma", PVB_COMP_LZMA, false },
    { "data.lzo", "lzop -c data > data.lzo", PVB_COMP_LZO, true },
    { "data-crc.lzo", "lzop -c -7 --crc32 data > data-crc.lzo", PVB_COMP_LZO, true },
    { "data.lz4", "lz4 -q -l -9 -c data > data.lz4", PVB_COMP_LZ4, false },
    { "data-frame.lz4", "lz4 -q -c data > data-frame.lz4", PVB_COMP_LZ4, true },
    { "data.zst", "zstd -q -3 -c data > data.zst", PVB_COMP_ZSTD, true },
};

static void check_error(int r, int want, const pvb_error *err, const char *what,
                        const char *needle, const char *label)
{
    char prefix[256];

    snprintf(prefix, sizeof prefix, "%s: ", what);
    if (!ok(r == want && starts_with(err->msg, prefix) && strstr(err->msg, needle) &&
            !strchr(err->msg, '\n'), "%s", label))
        diag("r=%d want %d, message \"%s\"", r, want, err->msg);
}

static void test_variant(const struct variant *v, const uint8_t *data, size_t len)
{
    size_t clen, out_len;
    uint8_t *comp, *copy;
    void *out;
    pvb_error err;
    int r;
    char want[160];

    if (!ok(sh("%s", v->cmd), "%s: made by `%s`", v->file, v->cmd))
        return;
    comp = read_all(v->file, &clen);
    if (!ok(comp && clen > 16, "%s: %zu bytes", v->file, clen))
        return;

    is_u64(pvb_compression_sniff(comp, clen), v->c, "%s: sniffed as %s", v->file,
           pvb_compression_name(v->c));

    r = dec(v->c, comp, clen, 0, 0, v->file, &out, &out_len, &err);
    ok(r == 0 && out_len == len && memcmp(out, data, len) == 0,
       "%s: decodes to the original 0x%zx bytes (%s)", v->file, len, r ? err.msg : "ok");
    if (r == 0)
        free(out);

    /* Exactly at the cap still succeeds; one byte under it does not. */
    r = dec(v->c, comp, clen, len, 0, v->file, &out, &out_len, &err);
    ok(r == 0 && out_len == len && memcmp(out, data, len) == 0,
       "%s: decodes with max_output equal to its size (%s)", v->file, r ? err.msg : "ok");
    if (r == 0)
        free(out);
    out = (void *)1;
    r = dec(v->c, comp, clen, len - 1, 0, v->file, &out, &out_len, &err);
    snprintf(want, sizeof want, "decompressed size exceeds the limit 0x%zx", len - 1);
    check_error(r, -EFBIG, &err, v->file, want, "... and fails with -EFBIG one byte below");
    ok(out == NULL, "... leaving no output");

    /* Linux appends the vmlinux size to the payload (size_append). */
    copy = malloc(clen + 4);
    memcpy(copy, comp, clen);
    for (int i = 0; i < 4; i++)
        copy[clen + i] = (uint8_t)(len >> (8 * i));
    r = dec(v->c, copy, clen + 4, 0, 0, v->file, &out, &out_len, &err);
    ok(r == 0 && out_len == len && memcmp(out, data, len) == 0,
       "%s: a 4-byte size trailer after the stream is ignored (%s)", v->file,
       r ? err.msg : "ok");
    if (r == 0)
        free(out);

    /* Truncation: half the stream, and all of it but the last byte. */
    size_t cuts[] = { clen / 2, clen - 1 };
    for (int i = 0; i < 2; i++) {
        char label[128];
        r = dec(v->c, comp, cuts[i], 0, 0, v->file, &out, &out_len, &err);
        snprintf(want, sizeof want, "stream truncated after 0x%zx bytes of input", cuts[i]);
        snprintf(label, sizeof label, "%s: cut to 0x%zx bytes: truncated", v->file, cuts[i]);
        check_error(r, -EINVAL, &err, v->file, want, label);
    }

    /* Corruption: one flipped byte in the middle of the compressed data. */
    memcpy(copy, comp, clen);
    copy[clen / 2] ^= 0x55;
    r = dec(v->c, copy, clen, 0, 0, v->file, &out, &out_len, &err);
    if (v->checksummed) {
        check_error(r, -EINVAL, &err, v->file, pvb_compression_name(v->c),
                    "a flipped byte is rejected with -EINVAL naming the codec");
    } else {
        /* No checksum in this format: it may decode, but not to the original. */
        ok(r != 0 || out_len != len || memcmp(out, data, len) != 0,
           "%s: a flipped byte does not go unnoticed (%s)", v->file,
           r ? err.msg : "decoded to different bytes");
        if (r == 0)
            free(out);
    }
    r = dec(v->c, comp, 0, 0, 0, v->file, &out, &out_len, &err);
    check_error(r, -EINVAL, &err, v->file, "truncated after 0x0 bytes",
                "empty input is a truncated stream");
    free(copy);
    free(comp);
}

/* Large-dictionary streams against max_decoder_mem. */
static void test_decoder_memory(const uint8_t *data)
{
    size_t clen, out_len;
    uint8_t *comp;
    void *out;
    pvb_error err;
    int r;

    static const struct {
        const char *cmd, *file;
        enum pvb_compression c;
    } big[] = {
        { "head -c 200000 data | xz -c -T1 --lzma2=dict=512MiB > big.xz", "big.xz",
          PVB_COMP_XZ },
        { "head -c 200000 data | xz -c --format=lzma --lzma1=dict=512MiB > big.lzma",
          "big.lzma", PVB_COMP_LZMA },
    };
    for (size_t i = 0; i < 2; i++) {
        if (!ok(sh("%s", big[i].cmd), "`%s`", big[i].cmd))
            continue;
        comp = read_all(big[i].file, &clen);
        r = dec(big[i].c, comp, clen, 0, 64 * MiB, big[i].file, &out, &out_len, &err);
        check_error(r, -ENOMEM, &err, big[i].file, "over the limit 0x4000000 (max_decoder_mem)",
                    "a 512 MiB dictionary is refused under a 64 MiB decoder limit");
        r = dec(big[i].c, comp, clen, 0, 0, big[i].file, &out, &out_len, &err);
        check_error(r, -ENOMEM, &err, big[i].file, "over the limit 0x10000000 (max_decoder_mem)",
                    "... and under the default 256 MiB");
        r = dec(big[i].c, comp, clen, 0, PVB_UNLIMITED, big[i].file, &out, &out_len, &err);
        ok(r == 0 && out_len == 200000 && memcmp(out, data, 200000) == 0,
           "%s: decodes with PVB_UNLIMITED decoder memory (%s)", big[i].file,
           r ? err.msg : "ok");
        if (r == 0)
            free(out);
        r = dec(big[i].c, comp, clen, 0, 1024 * MiB, big[i].file, &out, &out_len, &err);
        ok(r == 0 && out_len == 200000, "%s: decodes with a 1 GiB decoder limit", big[i].file);
        if (r == 0)
            free(out);
        free(comp);
    }

    /* zstd --long=30 on a pipe: the frame asks for a 1 GiB window. */
    if (ok(sh("head -c 200000 data | zstd -q --long=30 -c > big.zst"), "zstd --long=30")) {
        ok(sh_fails("zstd -q -dc big.zst > /dev/null 2>&1") &&
           sh("zstd -q -dc --memory=1024MB big.zst > /dev/null"),
           "zstd itself needs --memory=1024MB for it");
        comp = read_all("big.zst", &clen);
        r = dec(PVB_COMP_ZSTD, comp, clen, 0, 0, "big.zst", &out, &out_len, &err);
        check_error(r, -ENOMEM, &err, "big.zst",
                    "frame window 0x40000000 exceeds the limit 0x10000000 (max_decoder_mem)",
                    "big.zst: refused under the default decoder limit");
        r = dec(PVB_COMP_ZSTD, comp, clen, 0, PVB_UNLIMITED, "big.zst", &out, &out_len, &err);
        ok(r == 0 && out_len == 200000 && memcmp(out, data, 200000) == 0,
           "big.zst: decodes with PVB_UNLIMITED decoder memory (%s)", r ? err.msg : "ok");
        if (r == 0)
            free(out);
        free(comp);
    }
}

/* Several gzip members read as one, as `gzip -dc` does. */
static void test_gzip_members(const uint8_t *data, size_t len)
{
    size_t clen, ref_len, out_len;
    void *out;
    pvb_error err;

    ok(sh("head -c 100000 data | gzip -c > multi.gz && tail -c 300000 data | gzip -c -1 >> multi.gz"
          " && gzip -dc multi.gz > multi.ref && printf 'junk after the members' >> multi.gz"),
       "two gzip members, then junk");
    uint8_t *comp = read_all("multi.gz", &clen);
    uint8_t *ref = read_all("multi.ref", &ref_len);
    int r = dec(PVB_COMP_GZIP, comp, clen, 0, 0, "multi.gz", &out, &out_len, &err);
    ok(r == 0 && out_len == ref_len && ref_len == 400000 &&
       memcmp(out, ref, ref_len) == 0 && memcmp(out, data, 100000) == 0 &&
       memcmp((uint8_t *)out + 100000, data + len - 300000, 300000) == 0,
       "multi.gz: both members decode, the junk is ignored (%s)", r ? err.msg : "ok");
    if (r == 0)
        free(out);
    free(comp);
    free(ref);
}

static void test_sniff_and_names(const uint8_t *data)
{
    static const struct {
        enum pvb_compression c;
        const char *name;
    } names[] = {
        { PVB_COMP_NONE, "none" }, { PVB_COMP_GZIP, "gzip" }, { PVB_COMP_BZIP2, "bzip2" },
        { PVB_COMP_LZMA, "lzma" }, { PVB_COMP_XZ, "xz" }, { PVB_COMP_LZO, "lzo" },
        { PVB_COMP_LZ4, "lz4" }, { PVB_COMP_ZSTD, "zstd" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        is_str(pvb_compression_name(names[i].c), names[i].name, "name of compression %d",
               (int)names[i].c);
    is_str(pvb_compression_name((enum pvb_compression)99), "unknown", "name of 99");

    /* Real uncompressed files are not taken for a stream. */
    is_u64(pvb_compression_sniff(data, 4096), PVB_COMP_NONE, "an ELF binary sniffs as none");
    is_u64(pvb_compression_sniff(data + 8 * MiB - 4096, 4096), PVB_COMP_NONE,
           "text sniffs as none");
    is_u64(pvb_compression_sniff(data, 0), PVB_COMP_NONE, "nothing sniffs as none");
    is_u64(pvb_compression_sniff(NULL, 0), PVB_COMP_NONE, "NULL sniffs as none");
    is_u64(pvb_compression_sniff("BZh", 3), PVB_COMP_NONE, "\"BZh\" alone is not bzip2");
    is_u64(pvb_compression_sniff("BZhello world", 13), PVB_COMP_NONE,
           "\"BZhello\" is not bzip2");

    /* Every dictionary size xz's presets write is a legacy lzma header. */
    for (int preset = 0; preset <= 9; preset += 3) {
        size_t n;
        uint8_t *h;
        ok(sh("head -c 1000 data | xz --format=lzma -%d -c > hdr.lzma", preset),
           "xz --format=lzma -%d", preset);
        h = read_all("hdr.lzma", &n);
        is_u64(pvb_compression_sniff(h, n), PVB_COMP_LZMA, "... sniffs as lzma");
        if (h && n > 5) {
            h[1] ^= 1;      /* a dictionary size no lzma encoder writes */
            is_u64(pvb_compression_sniff(h, n), PVB_COMP_NONE,
                   "... but not with an odd dictionary size");
            h[1] ^= 1;
            h[0] = 225;     /* lc/lp/pb out of range */
            is_u64(pvb_compression_sniff(h, n), PVB_COMP_NONE,
                   "... nor with properties byte 225");
        }
        free(h);
    }

    pvb_error err;
    void *out;
    size_t out_len;
    struct pvb_limits l = { 0, 0 }, got = limits_resolve(&l);
    is_u64(got.max_output, PVB_DEFAULT_MAX_OUTPUT, "limits_resolve: 0 output -> 1 GiB");
    is_u64(got.max_decoder_mem, PVB_DEFAULT_MAX_DECODER_MEM, "limits_resolve: 0 memory -> 256 MiB");
    got = limits_resolve(NULL);
    is_u64(got.max_output, PVB_DEFAULT_MAX_OUTPUT, "limits_resolve(NULL): defaults");
    l.max_output = PVB_UNLIMITED;
    l.max_decoder_mem = 12345;
    got = limits_resolve(&l);
    ok(got.max_output == PVB_UNLIMITED && got.max_decoder_mem == 12345,
       "limits_resolve keeps PVB_UNLIMITED and given values");

    int r = pvb_decompress(PVB_COMP_NONE, data, 100, NULL, "plain", &out, &out_len, &err);
    check_error(r, -EINVAL, &err, "plain", "none", "PVB_COMP_NONE has no decompressor");
    r = pvb_decompress((enum pvb_compression)99, data, 100, NULL, "odd", &out, &out_len, &err);
    check_error(r, -EINVAL, &err, "odd", "99", "compression 99 is refused");
    r = pvb_decompress(PVB_COMP_GZIP, data, 4096, NULL, "vmlinux", &out, &out_len, &err);
    check_error(r, -EINVAL, &err, "vmlinux", "gzip", "an ELF given as gzip is refused");
    r = pvb_decompress(PVB_COMP_XZ, data, 4096, NULL, "vmlinux", &out, &out_len, &err);
    check_error(r, -EINVAL, &err, "vmlinux", "xz", "an ELF given as xz is refused");
    r = pvb_decompress(PVB_COMP_LZ4, data, 4096, NULL, "vmlinux", &out, &out_len, &err);
    check_error(r, -EINVAL, &err, "vmlinux", "lz4", "an ELF given as lz4 is refused");
    r = pvb_decompress(PVB_COMP_LZO, data, 4096, NULL, "vmlinux", &out, &out_len, &err);
    check_error(r, -EINVAL, &err, "vmlinux", "lzo", "an ELF given as lzo is refused");
}

/*
 * lzop header and block fields, on lzop's own output for the file "data":
 * the header is 34 bytes of fields up to the name length, the 4-byte name,
 * a 4-byte adler32; the first block's sizes follow at offset 42.
 */
static void test_lzop_fields(void)
{
    size_t clen, out_len;
    uint8_t *comp = read_all("data.lzo", &clen);
    void *out;
    pvb_error err;
    int r;

    if (!ok(comp && clen > 60 && comp[33] == 4 && memcmp(comp + 34, "data", 4) == 0,
            "data.lzo: the header names \"data\""))
        goto out;
    uint8_t save = comp[15];
    comp[15] = 9;                               /* method */
    r = dec(PVB_COMP_LZO, comp, clen, 0, 0, "data.lzo", &out, &out_len, &err);
    check_error(r, -EINVAL, &err, "data.lzo", "method 9 is not an LZO1X method",
                "lzo: a method other than LZO1X is refused");
    comp[15] = save;
    comp[29] ^= 1;                              /* mtime_high, under the checksum */
    r = dec(PVB_COMP_LZO, comp, clen, 0, 0, "data.lzo", &out, &out_len, &err);
    check_error(r, -EINVAL, &err, "data.lzo", "lzo header adler32",
                "lzo: a header changed under its checksum is refused");
    comp[29] ^= 1;
    memcpy(comp + 42, "\x04\x00\x00\x01", 4);   /* dst_len 64 MiB + 1 */
    r = dec(PVB_COMP_LZO, comp, clen, 0, 0, "data.lzo", &out, &out_len, &err);
    check_error(r, -EINVAL, &err, "data.lzo",
                "block 0 uncompressed size 0x4000001 exceeds the lzop block limit 0x4000000",
                "lzo: a block over 64 MiB is refused");
    memcpy(comp + 42, "\x00\x00\x00\x10", 4);   /* dst_len below src_len */
    r = dec(PVB_COMP_LZO, comp, clen, 0, 0, "data.lzo", &out, &out_len, &err);
    check_error(r, -EINVAL, &err, "data.lzo", "block 0 compressed size",
                "lzo: a block larger compressed than uncompressed is refused");
out:
    free(comp);
}

/* Debian's kernel: its payload, and the vmlinux size Linux appends to it. */
static void test_debian_kernel(void)
{
    const char *kernel = test_kernel();

    if (!kernel) {
        printf("ok %d # SKIP no Debian kernel (scripts/find-kernel --fetch)\n", ++tap_n);
        return;
    }
    size_t len, ref_len, out_len;
    uint8_t *file = read_all(kernel, &len);
    struct bzimage_payload pl;
    pvb_error err = { 0, "" };
    void *out;

    if (!ok(file && bzimage_payload(kernel, file, len, &pl, &err) == 0 && pl.length > 4,
            "%s: bzImage payload found %s", kernel, err.msg)) {
        free(file);
        return;
    }
    const uint8_t *payload = file + pl.offset;
    enum pvb_compression c = pvb_compression_sniff(payload, pl.length);
    ok(c != PVB_COMP_NONE, "%s: payload sniffed as %s", kernel, pvb_compression_name(c));
    ok(write_all("payload", payload, pl.length), "payload written");

    int r = dec(c, payload, pl.length, 0, 0, kernel, &out, &out_len, &err);
    uint32_t appended = (uint32_t)payload[pl.length - 4] | (uint32_t)payload[pl.length - 3] << 8 |
                        (uint32_t)payload[pl.length - 2] << 16 |
                        (uint32_t)payload[pl.length - 1] << 24;
    ok(r == 0 && out_len == appended && memcmp(out, "\177ELF", 4) == 0,
       "%s: payload decodes to an ELF of the 0x%x bytes the build appended (%s)", kernel,
       appended, r ? err.msg : "ok");

    /* The codec's own tool reads only the first stream, as we do. */
    static const char *const tools[] = {
        [PVB_COMP_GZIP] = "gzip -dc", [PVB_COMP_BZIP2] = "bzip2 -dc",
        [PVB_COMP_LZMA] = "xz -dc --single-stream", [PVB_COMP_XZ] = "xz -dc --single-stream",
        [PVB_COMP_LZO] = "lzop -dc", [PVB_COMP_LZ4] = "lz4 -dc", [PVB_COMP_ZSTD] = "zstd -dc",
    };
    uint8_t *ref = NULL;
    if (c != PVB_COMP_NONE && sh("%s payload > vmlinux 2>/dev/null; test -s vmlinux", tools[c]))
        ref = read_all("vmlinux", &ref_len);
    ok(r == 0 && ref && ref_len == out_len && memcmp(ref, out, out_len) == 0,
       "%s: same bytes as `%s`", kernel, tools[c] ? tools[c] : "?");
    if (r == 0)
        free(out);
    free(ref);
    free(file);
}

int main(void)
{
    size_t len = 0;
    uint8_t *data;

    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    atexit(remove_tmpdir);

    /* First, while the process is small, so the peak RSS tells something. */
    test_bombs();

    data = make_data(&len);
    if (!ok(data && write_all("data", data, len), "0x%zx bytes of test data", data ? len : 0))
        return done_testing();
    test_sniff_and_names(data);
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
        test_variant(&variants[i], data, len);
    test_lzop_fields();
    test_decoder_memory(data);
    test_gzip_members(data, len);
    free(data);
    test_debian_kernel();
    return done_testing();
}
