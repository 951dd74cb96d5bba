/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one decompression entry point: bytes in, bytes out, under a size cap.
 *
 * A table maps each pvb_compression to one decode function over its
 * library.  The streaming libraries (zlib, libbz2, liblzma, libzstd, LZ4F)
 * share one driver that owns the output buffer; the block formats whose
 * container the libraries do not parse (lzop, the lz4 legacy frame) are
 * walked here block by block.
 *
 * The output cap is enforced by never handing a decoder room beyond it:
 * the buffer grows geometrically up to the cap and no further.  When the
 * buffer is full the driver offers a one-byte probe instead, so a stream
 * that ends exactly at the cap still succeeds, while one that wants a
 * single byte more fails with -EFBIG without anything being allocated or
 * written past the cap.
 *
 * A bomb must not cost the cap in memory either: once a stream has produced
 * more than 16 times its input (kernels compress 3:1 to 9:1), the driver
 * drops what it kept and only counts the rest.  A stream that then ends
 * under the cap is decoded a second time into a buffer of exactly the size
 * counted; one that passes the cap fails having held a few MiB at most.
 */
#include "image/decompress.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bzlib.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

struct pvb_limits limits_resolve(const struct pvb_limits *given)
{
    struct pvb_limits l = { 0, 0 };

    if (given)
        l = *given;
    if (l.max_output == 0)
        l.max_output = PVB_DEFAULT_MAX_OUTPUT;
    if (l.max_decoder_mem == 0)
        l.max_decoder_mem = PVB_DEFAULT_MAX_DECODER_MEM;
    return l;
}

/* ------------------------------------------------------------ one job */

struct job {
    const uint8_t *in;
    size_t in_len;
    size_t pos;                 /* input consumed so far */

    uint8_t *out;
    size_t len;                 /* bytes produced */
    size_t cap;                 /* bytes allocated */
    size_t max;                 /* the output cap, clamped to what malloc takes */
    uint64_t max_output;        /* the cap as given, for messages */
    uint64_t max_decoder_mem;

    size_t keep_limit;          /* past this many bytes, only count (see top) */
    size_t exact;               /* the size counted by a first pass, or 0 */

    lzma_allocator lzma_alloc;  /* liblzma's, populating what it will write */

    const char *what;
    const char *codec;
    pvb_error *err;
};

/* run_stream's word that the stream fits but must be decoded again. */
#define DECODE_AGAIN 1

#define MIN_ALLOC ((size_t)64 << 10)

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

static int too_big(struct job *j)
{
    return fail(j->err, -EFBIG, "%s: %s decompressed size exceeds the limit 0x%llx",
                j->what, j->codec, (unsigned long long)j->max_output);
}

static int truncated(struct job *j)
{
    return fail(j->err, -EINVAL, "%s: %s stream truncated after 0x%zx bytes of input",
                j->what, j->codec, j->in_len);
}

static int corrupt(struct job *j, const char *detail)
{
    return fail(j->err, -EINVAL, "%s: %s data corrupt near input offset 0x%zx: %s",
                j->what, j->codec, j->pos, detail);
}

static int no_memory(struct job *j, const char *detail)
{
    return fail(j->err, -ENOMEM, "%s: %s decoder out of memory: %s",
                j->what, j->codec, detail);
}

static int set_capacity(struct job *j, size_t cap)
{
    uint8_t *p = mem_realloc(j->out, cap ? cap : 1);

    if (!p)
        return fail(j->err, -ENOMEM,
                    "%s: %s cannot allocate 0x%zx bytes for the decompressed data",
                    j->what, j->codec, cap);
    j->out = p;
    j->cap = cap;
    return 0;
}

/* First allocation: a trusted-up-to-the-cap guess of the output size. */
static int out_start(struct job *j, uint64_t hint)
{
    size_t cap = hint && hint <= SIZE_MAX ? (size_t)hint : MIN_ALLOC;

    int r;
    /* The decoder writes all of a known or trusted size: fault it in at
     * once (a doubling's spare half is left to fault on use). */
    if (j->exact) {
        if ((r = set_capacity(j, j->exact)) == 0)
            mem_prefault(j->out, j->cap);
        return r;
    }

    /* A lying header must not buy a huge allocation for a tiny input. */
    if (j->in_len < SIZE_MAX / 1024 && cap > j->in_len * 1024 + MIN_ALLOC)
        cap = j->in_len * 1024 + MIN_ALLOC;
    if (cap < MIN_ALLOC)
        cap = MIN_ALLOC;
    if ((r = set_capacity(j, min_size(cap, j->max))) == 0 && hint)
        mem_prefault(j->out, j->cap);
    return r;
}

/*
 * Make room for `want` more bytes if the cap allows, at least doubling so
 * that growth stays linear overall.  -EFBIG only when no byte fits.
 */
static int out_grow(struct job *j, size_t want)
{
    size_t room = j->cap - j->len;
    size_t cap;

    if (room >= want)
        return 0;
    if (j->cap >= j->max)
        return room ? 0 : too_big(j);
    cap = j->cap > j->max / 2 ? j->max : j->cap * 2;
    if (want > j->max - j->len)
        cap = j->max;
    else if (cap < j->len + want)
        cap = j->len + want;
    return set_capacity(j, cap);
}

/* ------------------------------------------------- streaming decoders */

/*
 * One call into a streaming decoder: decode from j->in + j->pos (advancing
 * j->pos) into dst[0..room).  *end is set once the stream (and any further
 * members it continues into) is complete; the rest of the input is ignored.
 */
typedef int stream_step(struct job *j, void *state, uint8_t *dst, size_t room,
                        size_t *produced, bool *end);

static int run_stream(struct job *j, stream_step *step, void *state)
{
    uint8_t scratch[1 << 16];
    bool counting = false;

    for (;;) {
        uint8_t probe;
        if (!counting && j->len >= j->keep_limit && j->len < j->max) {
            counting = true;
            free(j->out);
            j->out = NULL;
            j->cap = 0;
        }
        bool probing = !counting && j->len == j->cap;
        uint8_t *dst = counting ? scratch : probing ? &probe : j->out + j->len;
        size_t room = counting ? sizeof scratch : probing ? 1 : j->cap - j->len;
        size_t produced = 0, before = j->pos;
        bool end = false;
        int r = step(j, state, dst, room, &produced, &end);

        if (r < 0)
            return r;
        if (counting && produced > j->max - j->len)
            return too_big(j);
        if (probing && produced) {
            r = out_grow(j, 1);
            if (r < 0)
                return r;
            j->out[j->len] = probe;
        }
        j->len += produced;
        if (end)
            return counting ? DECODE_AGAIN : 0;
        if (!produced && j->pos == before) {
            if (j->pos >= j->in_len)
                return truncated(j);
            return corrupt(j, "decoder makes no progress");
        }
    }
}

static bool next_is(const struct job *j, const void *magic, size_t n)
{
    return j->in_len - j->pos >= n && memcmp(j->in + j->pos, magic, n) == 0;
}

static const uint8_t gzip_magic[] = { 0x1f, 0x8b };
static const uint8_t bzip2_magic[] = { 'B', 'Z', 'h' };
static const uint8_t xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
static const uint8_t lzop_magic[] = { 0x89, 'L', 'Z', 'O', 0x00, 0x0d, 0x0a, 0x1a, 0x0a };
static const uint8_t lz4_legacy_magic[] = { 0x02, 0x21, 0x4c, 0x18 };
static const uint8_t lz4_frame_magic[] = { 0x04, 0x22, 0x4d, 0x18 };
static const uint8_t zstd_magic[] = { 0x28, 0xb5, 0x2f, 0xfd };

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           (uint32_t)p[3];
}

/* Skippable frames (zstd and LZ4F share the range) may sit between frames. */
static bool next_is_skippable(const struct job *j)
{
    return j->in_len - j->pos >= 4 && (le32(j->in + j->pos) & 0xfffffff0u) == 0x184d2a50u;
}

/* gzip: members concatenate, as `gzip -dc` reads them. */

static int gzip_step(struct job *j, void *state, uint8_t *dst, size_t room,
                     size_t *produced, bool *end)
{
    z_stream *zs = state;
    size_t avail = min_size(j->in_len - j->pos, UINT_MAX);
    int r;

    zs->next_in = (Bytef *)(uintptr_t)(j->in + j->pos);
    zs->avail_in = (uInt)avail;
    zs->next_out = dst;
    zs->avail_out = (uInt)min_size(room, UINT_MAX);
    r = inflate(zs, Z_NO_FLUSH);
    j->pos += avail - zs->avail_in;
    *produced = (size_t)(zs->next_out - dst);
    switch (r) {
    case Z_OK:
    case Z_BUF_ERROR:           /* no progress; the driver judges */
        return 0;
    case Z_STREAM_END:
        if (next_is(j, gzip_magic, sizeof gzip_magic)) {
            if (inflateReset(zs) != Z_OK)
                return corrupt(j, "cannot restart zlib for the next member");
        } else {
            *end = true;
        }
        return 0;
    case Z_MEM_ERROR:
        return no_memory(j, "zlib");
    case Z_NEED_DICT:
        return corrupt(j, "stream needs a preset dictionary");
    default:
        return corrupt(j, zs->msg ? zs->msg : "zlib error");
    }
}

static int decode_gzip(struct job *j)
{
    z_stream zs;
    int r;

    /* ISIZE, the last 4 bytes, is the size modulo 2^32 of a lone member. */
    r = out_start(j, j->in_len >= 18 ? le32(j->in + j->in_len - 4) : 0);
    if (r < 0)
        return r;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return no_memory(j, "zlib inflateInit2 failed");
    r = run_stream(j, gzip_step, &zs);
    inflateEnd(&zs);
    return r;
}

/* bzip2: streams concatenate, as `bzip2 -dc` reads them. */

static int bzip2_step(struct job *j, void *state, uint8_t *dst, size_t room,
                      size_t *produced, bool *end)
{
    bz_stream *bz = state;
    size_t avail = min_size(j->in_len - j->pos, UINT_MAX);
    int r;

    bz->next_in = (char *)(uintptr_t)(j->in + j->pos);
    bz->avail_in = (unsigned)avail;
    bz->next_out = (char *)dst;
    bz->avail_out = (unsigned)min_size(room, UINT_MAX);
    r = BZ2_bzDecompress(bz);
    j->pos += avail - bz->avail_in;
    *produced = (size_t)((uint8_t *)bz->next_out - dst);
    switch (r) {
    case BZ_OK:
        return 0;
    case BZ_STREAM_END:
        if (next_is(j, bzip2_magic, sizeof bzip2_magic)) {
            BZ2_bzDecompressEnd(bz);
            memset(bz, 0, sizeof *bz);
            if (BZ2_bzDecompressInit(bz, 0, 0) != BZ_OK)
                return no_memory(j, "cannot restart libbz2 for the next stream");
        } else {
            *end = true;
        }
        return 0;
    case BZ_MEM_ERROR:
        return no_memory(j, "libbz2");
    case BZ_DATA_ERROR_MAGIC:
        return corrupt(j, "bad bzip2 magic");
    case BZ_DATA_ERROR:
        return corrupt(j, "integrity check failed (bad block or CRC mismatch)");
    default:
        return corrupt(j, "libbz2 error");
    }
}

static int decode_bzip2(struct job *j)
{
    bz_stream bz;
    int r = out_start(j, 0);

    if (r < 0)
        return r;
    memset(&bz, 0, sizeof bz);
    if (BZ2_bzDecompressInit(&bz, 0, 0) != BZ_OK)
        return no_memory(j, "BZ2_bzDecompressInit failed");
    r = run_stream(j, bzip2_step, &bz);
    BZ2_bzDecompressEnd(&bz);
    return r;
}

/* xz and legacy lzma, both through liblzma under the decoder memory limit. */

/*
 * liblzma's dictionary (32 MiB for Linux's xz) is written end to end for a
 * kernel-sized output.  Faulting it in page by page cost 8,200 faults in a
 * PV dom0, each through the hypervisor; populated at once it costs a
 * fraction.  Only as much as the expected output is populated: a small
 * stream with a large declared dictionary touches no more than it writes.
 */
static void *lzma_prefault_alloc(void *opaque, size_t nmemb, size_t size)
{
    const struct job *j = opaque;
    if (size && nmemb > SIZE_MAX / size)
        return NULL;
    size_t n = nmemb * size;
    void *p = mem_malloc(n ? n : 1);
    if (p)
        mem_prefault(p, min_size(n, j->cap));
    return p;
}

static void lzma_prefault_free(void *opaque, void *ptr)
{
    (void)opaque;
    free(ptr);
}

static int lzma_decoder_init(struct job *j, lzma_stream *ls, bool xz)
{
    /* In the job: liblzma keeps the pointer until lzma_end. */
    j->lzma_alloc = (lzma_allocator){ lzma_prefault_alloc, lzma_prefault_free, j };
    ls->allocator = &j->lzma_alloc;
    lzma_ret r = xz ? lzma_stream_decoder(ls, j->max_decoder_mem, 0)
                    : lzma_alone_decoder(ls, j->max_decoder_mem);

    return r == LZMA_OK ? 0 : no_memory(j, "liblzma decoder initialisation failed");
}

static int lzma_step_common(struct job *j, lzma_stream *ls, uint8_t *dst,
                            size_t room, size_t *produced, lzma_ret *ret)
{
    ls->next_in = j->in + j->pos;
    ls->avail_in = j->in_len - j->pos;
    ls->next_out = dst;
    ls->avail_out = room;
    *ret = lzma_code(ls, LZMA_RUN);
    j->pos = (size_t)(ls->next_in - j->in);
    *produced = (size_t)(ls->next_out - dst);
    switch (*ret) {
    case LZMA_OK:
    case LZMA_BUF_ERROR:
    case LZMA_STREAM_END:
        return 0;
    case LZMA_MEMLIMIT_ERROR:
        return fail(j->err, -ENOMEM,
                    "%s: %s decoder needs 0x%llx bytes of memory, over the limit 0x%llx"
                    " (max_decoder_mem)",
                    j->what, j->codec, (unsigned long long)lzma_memusage(ls),
                    (unsigned long long)j->max_decoder_mem);
    case LZMA_MEM_ERROR:
        return no_memory(j, "liblzma");
    case LZMA_FORMAT_ERROR:
        return corrupt(j, "not a valid header");
    case LZMA_OPTIONS_ERROR:
        return corrupt(j, "unsupported options in the header");
    case LZMA_DATA_ERROR:
        return corrupt(j, "compressed data is corrupt");
    default:
        return corrupt(j, "liblzma error");
    }
}

static int xz_step(struct job *j, void *state, uint8_t *dst, size_t room,
                   size_t *produced, bool *end)
{
    lzma_stream *ls = state;
    lzma_ret ret;
    int r = lzma_step_common(j, ls, dst, room, produced, &ret);

    if (r < 0 || ret != LZMA_STREAM_END)
        return r;
    /* Stream padding: null bytes in multiples of four, then maybe a stream. */
    size_t p = j->pos;
    while (j->in_len - p >= 4 && le32(j->in + p) == 0)
        p += 4;
    if (j->in_len - p >= sizeof xz_magic && memcmp(j->in + p, xz_magic, sizeof xz_magic) == 0) {
        j->pos = p;
        lzma_end(ls);
        *ls = (lzma_stream)LZMA_STREAM_INIT;
        return lzma_decoder_init(j, ls, true);
    }
    *end = true;
    return 0;
}

/*
 * The uncompressed size an xz stream's index gives, or 0: read from the
 * stream footer at the end of the input, or 4 bytes before it (Linux
 * appends the size after a bzImage's payload).  Only a hint for the first
 * allocation (out_start bounds it); the decoder still checks everything.
 */
static uint64_t xz_size_hint(const struct job *j)
{
    for (size_t tail = 0; tail <= 4; tail += 4) {
        if (j->in_len < 2 * LZMA_STREAM_HEADER_SIZE + tail)
            break;
        const uint8_t *footer = j->in + j->in_len - tail - LZMA_STREAM_HEADER_SIZE;
        lzma_stream_flags flags;
        if (lzma_stream_footer_decode(&flags, footer) != LZMA_OK ||
            flags.backward_size > (lzma_vli)(footer - j->in) - LZMA_STREAM_HEADER_SIZE)
            continue;
        const uint8_t *index = footer - flags.backward_size;
        lzma_index *idx = NULL;
        uint64_t memlimit = 1 << 20;
        size_t pos = 0;
        if (lzma_index_buffer_decode(&idx, &memlimit, NULL, index, &pos,
                                     (size_t)flags.backward_size) != LZMA_OK)
            continue;
        uint64_t size = lzma_index_uncompressed_size(idx);
        lzma_index_end(idx, NULL);
        return size;
    }
    return 0;
}

static int decode_xz(struct job *j)
{
    lzma_stream ls = LZMA_STREAM_INIT;
    int r = out_start(j, xz_size_hint(j));

    if (r >= 0)
        r = lzma_decoder_init(j, &ls, true);
    if (r >= 0)
        r = run_stream(j, xz_step, &ls);
    lzma_end(&ls);
    return r;
}

static int lzma_alone_step(struct job *j, void *state, uint8_t *dst, size_t room,
                           size_t *produced, bool *end)
{
    lzma_ret ret;
    int r = lzma_step_common(j, state, dst, room, produced, &ret);

    *end = r == 0 && ret == LZMA_STREAM_END;
    return r;
}

/* The legacy header: properties byte, dictionary size, uncompressed size. */
#define LZMA_HEADER_SIZE 13

static int decode_lzma(struct job *j)
{
    lzma_stream ls = LZMA_STREAM_INIT;
    uint64_t hint = 0;
    int r;

    if (j->in_len >= LZMA_HEADER_SIZE) {
        uint64_t size = le32(j->in + 5) | (uint64_t)le32(j->in + 9) << 32;
        if (size != UINT64_MAX)
            hint = size;
    }
    r = out_start(j, hint);
    if (r >= 0)
        r = lzma_decoder_init(j, &ls, false);
    if (r >= 0)
        r = run_stream(j, lzma_alone_step, &ls);
    lzma_end(&ls);
    return r;
}

/* zstd: frames (and skippable frames) concatenate, as `zstd -dc` reads them. */

struct zstd_state {
    ZSTD_DCtx *dctx;
    size_t frame_start;
};

/* RFC 8878 3.1.1.1: the window a frame asks for, for the error message. */
static uint64_t zstd_frame_window(const uint8_t *p, size_t n)
{
    if (n < 6)
        return 0;
    if (p[4] & 0x20) {          /* single segment: the window is the content */
        unsigned long long s = ZSTD_getFrameContentSize(p, n);
        return s == ZSTD_CONTENTSIZE_UNKNOWN || s == ZSTD_CONTENTSIZE_ERROR ? 0 : s;
    }
    uint64_t base = UINT64_C(1) << (10 + (p[5] >> 3));
    return base + base / 8 * (p[5] & 7);
}

static int zstd_window_log_max(uint64_t mem)
{
    ZSTD_bounds b = ZSTD_dParam_getBounds(ZSTD_d_windowLogMax);
    int log = 0;

    while (log < 63 && (UINT64_C(1) << (log + 1)) <= mem)
        log++;
    if (log < b.lowerBound)
        log = b.lowerBound;
    if (log > b.upperBound)
        log = b.upperBound;
    return log;
}

static int zstd_step(struct job *j, void *state, uint8_t *dst, size_t room,
                     size_t *produced, bool *end)
{
    struct zstd_state *zs = state;
    ZSTD_inBuffer in = { j->in, j->in_len, j->pos };
    ZSTD_outBuffer out = { dst, room, 0 };
    size_t r = ZSTD_decompressStream(zs->dctx, &out, &in);

    j->pos = in.pos;
    *produced = out.pos;
    if (ZSTD_isError(r)) {
        uint64_t window_limit = UINT64_C(1) << zstd_window_log_max(j->max_decoder_mem);
        switch (ZSTD_getErrorCode(r)) {
        case ZSTD_error_frameParameter_windowTooLarge:
            return fail(j->err, -ENOMEM,
                        "%s: %s frame window 0x%llx exceeds the limit 0x%llx (max_decoder_mem)",
                        j->what, j->codec,
                        (unsigned long long)zstd_frame_window(j->in + zs->frame_start,
                                                              j->in_len - zs->frame_start),
                        (unsigned long long)window_limit);
        case ZSTD_error_memory_allocation:
            return no_memory(j, "libzstd");
        default:
            return corrupt(j, ZSTD_getErrorName(r));
        }
    }
    if (r == 0) {               /* a frame is complete and flushed */
        zs->frame_start = j->pos;
        *end = !next_is(j, zstd_magic, sizeof zstd_magic) && !next_is_skippable(j);
    }
    return 0;
}

static int decode_zstd(struct job *j)
{
    struct zstd_state zs = { NULL, 0 };
    unsigned long long size = ZSTD_getFrameContentSize(j->in, j->in_len);
    int r = out_start(j, size == ZSTD_CONTENTSIZE_UNKNOWN ||
                         size == ZSTD_CONTENTSIZE_ERROR ? 0 : size);

    if (r < 0)
        return r;
    zs.dctx = ZSTD_createDCtx();
    if (!zs.dctx)
        return no_memory(j, "ZSTD_createDCtx failed");
    int log = zstd_window_log_max(j->max_decoder_mem);
    if (ZSTD_isError(ZSTD_DCtx_setParameter(zs.dctx, ZSTD_d_windowLogMax, log)))
        r = fail(j->err, -EINVAL, "%s: zstd: libzstd refuses the window limit 2^%d",
                 j->what, log);
    else
        r = run_stream(j, zstd_step, &zs);
    ZSTD_freeDCtx(zs.dctx);
    return r;
}

/* The modern LZ4 frame, through LZ4F; frames concatenate as with `lz4 -dc`. */

static int lz4f_step(struct job *j, void *state, uint8_t *dst, size_t room,
                     size_t *produced, bool *end)
{
    size_t out = room, in = j->in_len - j->pos;
    size_t r = LZ4F_decompress(state, dst, &out, j->in + j->pos, &in, NULL);

    j->pos += in;
    *produced = out;
    if (LZ4F_isError(r))
        return corrupt(j, LZ4F_getErrorName(r));
    if (r == 0)
        *end = !next_is(j, lz4_frame_magic, sizeof lz4_frame_magic) && !next_is_skippable(j);
    return 0;
}

static int decode_lz4_frame(struct job *j)
{
    LZ4F_dctx *dctx;
    int r = out_start(j, 0);

    if (r < 0)
        return r;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION)))
        return no_memory(j, "LZ4F_createDecompressionContext failed");
    r = run_stream(j, lz4f_step, dctx);
    LZ4F_freeDecompressionContext(dctx);
    return r;
}

/* --------------------------------------------------- lz4 legacy frame */

/*
 * The legacy frame (Linux bzImages, `lz4 -l`): the magic, then blocks of
 * a 32-bit little-endian compressed size and an LZ4 block decoding to at
 * most 8 MiB.  There is no end mark: as lz4 itself does, a size word too
 * large for any block (such as the kernel's appended vmlinux size) ends
 * the stream, and the magic again starts a new one.
 */
#define LZ4_LEGACY_BLOCK ((size_t)8 << 20)
#define LZ4_LEGACY_BOUND ((size_t)LZ4_COMPRESSBOUND(LZ4_LEGACY_BLOCK))

static int decode_lz4_legacy(struct job *j)
{
    int r = out_start(j, 0);

    if (r < 0)
        return r;
    j->pos = sizeof lz4_legacy_magic;
    while (j->in_len - j->pos >= 4) {
        size_t size = le32(j->in + j->pos);

        if (size == le32(lz4_legacy_magic)) {
            j->pos += 4;
            continue;
        }
        if (size == 0 || size > LZ4_LEGACY_BOUND)
            break;
        if (size > j->in_len - j->pos - 4)
            return truncated(j);
        j->pos += 4;
        r = out_grow(j, LZ4_LEGACY_BLOCK);
        if (r < 0)
            return r;

        const char *src = (const char *)j->in + j->pos;
        char *dst = (char *)j->out + j->len;
        size_t room = min_size(j->cap - j->len, LZ4_LEGACY_BLOCK);
        int n = LZ4_decompress_safe(src, dst, (int)size, (int)room);

        if (n < 0) {
            /*
             * Short of room only when the cap cut it: decoding exactly up
             * to the cap tells a block that runs past it from a bad one.
             */
            if (room < LZ4_LEGACY_BLOCK &&
                LZ4_decompress_safe_partial(src, dst, (int)size, (int)room,
                                            (int)room) == (int)room)
                return too_big(j);
            return corrupt(j, "invalid lz4 block");
        }
        j->len += (size_t)n;
        j->pos += size;
    }
    return 0;
}

static int decode_lz4(struct job *j)
{
    if (next_is(j, lz4_legacy_magic, sizeof lz4_legacy_magic))
        return decode_lz4_legacy(j);
    if (next_is(j, lz4_frame_magic, sizeof lz4_frame_magic))
        return decode_lz4_frame(j);
    if (j->in_len < 4)
        return truncated(j);
    return fail(j->err, -EINVAL, "%s: lz4 magic 0x%08x is neither the legacy frame (0x184c2102)"
                " nor the LZ4 frame (0x184d2204)",
                j->what, le32(j->in));
}

/* ---------------------------------------------------------------- lzop */

/* Facts of the lzop file format (lzop 1.04, conf.h). */
#define LZOP_MIN_VERSION     0x0900
#define LZOP_FIELDS_VERSION  0x0940     /* adds version_needed, level, mtime_high */
#define LZOP_MAX_VERSION     0x1040     /* the newest format lzop writes */
#define LZOP_MAX_BLOCK       ((uint32_t)64 << 20)
#define LZOP_ADLER32_D  0x00000001u
#define LZOP_ADLER32_C  0x00000002u
#define LZOP_EXTRA      0x00000040u
#define LZOP_CRC32_D    0x00000100u
#define LZOP_CRC32_C    0x00000200u
#define LZOP_FILTER     0x00000800u
#define LZOP_H_CRC32    0x00001000u
#define LZOP_KNOWN_FLAGS 0xfff03fffu    /* flags, character set and OS fields */

static int lzop_need(struct job *j, size_t n)
{
    return j->in_len - j->pos < n ? truncated(j) : 0;
}

static int lzop_u8(struct job *j, uint32_t *v)
{
    int r = lzop_need(j, 1);
    if (r == 0)
        *v = j->in[j->pos++];
    return r;
}

static int lzop_u16(struct job *j, uint32_t *v)
{
    int r = lzop_need(j, 2);
    if (r == 0) {
        *v = (uint32_t)j->in[j->pos] << 8 | j->in[j->pos + 1];
        j->pos += 2;
    }
    return r;
}

static int lzop_u32(struct job *j, uint32_t *v)
{
    int r = lzop_need(j, 4);
    if (r == 0) {
        *v = be32(j->in + j->pos);
        j->pos += 4;
    }
    return r;
}

static int lzop_check(struct job *j, bool crc, const uint8_t *p, size_t n,
                      uint32_t want, const char *part)
{
    uint32_t got = crc ? lzo_crc32(0, p, n) : lzo_adler32(1, p, n);

    if (got == want)
        return 0;
    return fail(j->err, -EINVAL, "%s: lzo %s %s 0x%08x does not match the stored 0x%08x",
                j->what, part, crc ? "crc32" : "adler32", got, want);
}

static int lzop_header(struct job *j, uint32_t *flags)
{
    uint32_t version, lib_version, needed = 0, method, level, mode, mtime, namelen, sum;
    size_t start = j->pos;
    int r;

    if ((r = lzop_u16(j, &version)) || (r = lzop_u16(j, &lib_version)))
        return r;
    if (version < LZOP_MIN_VERSION)
        return fail(j->err, -EINVAL, "%s: lzo header version 0x%04x is older than 0x%04x",
                    j->what, version, LZOP_MIN_VERSION);
    if (version >= LZOP_FIELDS_VERSION) {
        if ((r = lzop_u16(j, &needed)))
            return r;
        if (needed > LZOP_MAX_VERSION)
            return fail(j->err, -EINVAL,
                        "%s: lzo header version_needed_to_extract 0x%04x is newer than 0x%04x",
                        j->what, needed, LZOP_MAX_VERSION);
    }
    if ((r = lzop_u8(j, &method)))
        return r;
    /* 1, 2, 3: LZO1X-1, LZO1X-1(15), LZO1X-999, all read by lzo1x_decompress. */
    if (method < 1 || method > 3)
        return fail(j->err, -EINVAL, "%s: lzo header method %u is not an LZO1X method (1-3)",
                    j->what, method);
    if (version >= LZOP_FIELDS_VERSION && (r = lzop_u8(j, &level)))
        return r;
    if ((r = lzop_u32(j, flags)))
        return r;
    if (*flags & ~LZOP_KNOWN_FLAGS)
        return fail(j->err, -EINVAL, "%s: lzo header flags 0x%08x has unknown bits 0x%08x",
                    j->what, *flags, *flags & ~LZOP_KNOWN_FLAGS);
    if (*flags & LZOP_FILTER)
        return fail(j->err, -EINVAL,
                    "%s: lzo header flags 0x%08x ask for a filter, which is not supported",
                    j->what, *flags);
    if ((r = lzop_u32(j, &mode)) || (r = lzop_u32(j, &mtime)))
        return r;
    if (version >= LZOP_FIELDS_VERSION && (r = lzop_u32(j, &mtime)))
        return r;
    if ((r = lzop_u8(j, &namelen)) || (r = lzop_need(j, namelen)))
        return r;
    j->pos += namelen;

    size_t end = j->pos;
    if ((r = lzop_u32(j, &sum)) ||
        (r = lzop_check(j, *flags & LZOP_H_CRC32, j->in + start, end - start, sum, "header")))
        return r;
    if (*flags & LZOP_EXTRA) {
        uint32_t extra_len;
        start = j->pos;
        if ((r = lzop_u32(j, &extra_len)) || (r = lzop_need(j, extra_len)))
            return r;
        j->pos += extra_len;
        end = j->pos;
        if ((r = lzop_u32(j, &sum)) ||
            (r = lzop_check(j, *flags & LZOP_H_CRC32, j->in + start, end - start, sum,
                            "extra field")))
            return r;
    }
    return 0;
}

static int decode_lzo(struct job *j)
{
    uint32_t flags;
    int r;

    if (lzo_init() != LZO_E_OK)
        return fail(j->err, -EINVAL, "%s: lzo: liblzo2 failed to initialise", j->what);
    if (!next_is(j, lzop_magic, sizeof lzop_magic))
        return j->in_len < sizeof lzop_magic ? truncated(j)
               : fail(j->err, -EINVAL, "%s: lzo: no lzop magic", j->what);
    j->pos = sizeof lzop_magic;
    if ((r = lzop_header(j, &flags)) || (r = out_start(j, 0)))
        return r;

    for (unsigned block = 0;; block++) {
        uint32_t dst_len, src_len;

        if ((r = lzop_u32(j, &dst_len)))
            return r;
        if (dst_len == 0)
            return 0;           /* the end mark; what follows is not ours */
        if (dst_len > LZOP_MAX_BLOCK)
            return fail(j->err, -EINVAL,
                        "%s: lzo block %u uncompressed size 0x%x exceeds the lzop block limit 0x%x",
                        j->what, block, dst_len, LZOP_MAX_BLOCK);
        if ((r = lzop_u32(j, &src_len)))
            return r;
        if (src_len == 0 || src_len > dst_len)
            return fail(j->err, -EINVAL,
                        "%s: lzo block %u compressed size 0x%x is invalid"
                        " for uncompressed size 0x%x",
                        j->what, block, src_len, dst_len);
        /* Either or both checksum kinds; adler32 is stored first. */
        uint32_t d_adler = 0, d_crc = 0, c_adler = 0, c_crc = 0;
        bool packed = src_len < dst_len;   /* else stored as it is */
        if ((flags & LZOP_ADLER32_D && (r = lzop_u32(j, &d_adler))) ||
            (flags & LZOP_CRC32_D && (r = lzop_u32(j, &d_crc))) ||
            (packed && flags & LZOP_ADLER32_C && (r = lzop_u32(j, &c_adler))) ||
            (packed && flags & LZOP_CRC32_C && (r = lzop_u32(j, &c_crc))) ||
            (r = lzop_need(j, src_len)))
            return r;

        char label[48];
        const uint8_t *src = j->in + j->pos;
        snprintf(label, sizeof label, "block %u compressed data", block);
        if ((packed && flags & LZOP_ADLER32_C &&
             (r = lzop_check(j, false, src, src_len, c_adler, label))) ||
            (packed && flags & LZOP_CRC32_C &&
             (r = lzop_check(j, true, src, src_len, c_crc, label))))
            return r;
        if (dst_len > j->max - j->len)
            return too_big(j);
        if ((r = out_grow(j, dst_len)))
            return r;

        uint8_t *dst = j->out + j->len;
        if (packed) {
            lzo_uint got = dst_len;
            int lr = lzo1x_decompress_safe(src, src_len, dst, &got, NULL);
            if (lr != LZO_E_OK || got != dst_len) {
                char detail[96];
                snprintf(detail, sizeof detail,
                         "block %u does not decode"
                         " (liblzo2 error %d after 0x%lx of 0x%x bytes)",
                         block, lr, (unsigned long)got, dst_len);
                return corrupt(j, detail);
            }
        } else {
            memcpy(dst, src, dst_len);
        }
        snprintf(label, sizeof label, "block %u", block);
        if ((flags & LZOP_ADLER32_D &&
             (r = lzop_check(j, false, dst, dst_len, d_adler, label))) ||
            (flags & LZOP_CRC32_D && (r = lzop_check(j, true, dst, dst_len, d_crc, label))))
            return r;
        j->len += dst_len;
        j->pos += src_len;
    }
}

/* ---------------------------------------------------------- the table */

struct codec {
    const char *name;
    int (*decode)(struct job *j);
};

static const struct codec codecs[] = {
    [PVB_COMP_NONE]  = { "none", NULL },
    [PVB_COMP_GZIP]  = { "gzip", decode_gzip },
    [PVB_COMP_BZIP2] = { "bzip2", decode_bzip2 },
    [PVB_COMP_LZMA]  = { "lzma", decode_lzma },
    [PVB_COMP_XZ]    = { "xz", decode_xz },
    [PVB_COMP_LZO]   = { "lzo", decode_lzo },
    [PVB_COMP_LZ4]   = { "lz4", decode_lz4 },
    [PVB_COMP_ZSTD]  = { "zstd", decode_zstd },
};

#define NR_CODECS (sizeof codecs / sizeof codecs[0])

const char *pvb_compression_name(enum pvb_compression c)
{
    return (unsigned)c < NR_CODECS ? codecs[c].name : "unknown";
}

/*
 * The legacy lzma header has no magic.  Accept it only as liblzma's own
 * format detection does: valid lc/lp/pb, a dictionary size of 2^n or
 * 2^n + 2^(n-1), and an uncompressed size that is unknown or below 256 GiB.
 */
static bool looks_like_lzma(const uint8_t *p, size_t len)
{
    if (len < LZMA_HEADER_SIZE || p[0] >= 9 * 5 * 5)
        return false;

    uint32_t dict = le32(p + 1);
    if (dict == 0)
        return false;
    while (!(dict & 1))
        dict >>= 1;
    if (dict != 1 && dict != 3)
        return false;

    uint64_t size = le32(p + 5) | (uint64_t)le32(p + 9) << 32;
    return size == UINT64_MAX || size < (UINT64_C(1) << 38);
}

enum pvb_compression pvb_compression_sniff(const void *data, size_t len)
{
    static const struct {
        const uint8_t *magic;
        size_t len;
        enum pvb_compression c;
    } magics[] = {
        { gzip_magic, sizeof gzip_magic, PVB_COMP_GZIP },
        { bzip2_magic, sizeof bzip2_magic, PVB_COMP_BZIP2 },
        { xz_magic, sizeof xz_magic, PVB_COMP_XZ },
        { lzop_magic, sizeof lzop_magic, PVB_COMP_LZO },
        { lz4_legacy_magic, sizeof lz4_legacy_magic, PVB_COMP_LZ4 },
        { lz4_frame_magic, sizeof lz4_frame_magic, PVB_COMP_LZ4 },
        { zstd_magic, sizeof zstd_magic, PVB_COMP_ZSTD },
    };
    const uint8_t *p = data;

    if (!p)
        return PVB_COMP_NONE;
    for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++) {
        if (len < magics[i].len || memcmp(p, magics[i].magic, magics[i].len) != 0)
            continue;
        /* "BZh" is printable: insist on the block size digit as well. */
        if (magics[i].c == PVB_COMP_BZIP2 && (len < 4 || p[3] < '1' || p[3] > '9'))
            continue;
        return magics[i].c;
    }
    return looks_like_lzma(p, len) ? PVB_COMP_LZMA : PVB_COMP_NONE;
}

int pvb_decompress(enum pvb_compression c, const void *in, size_t in_len,
                   const struct pvb_limits *limits, const char *what,
                   void **out, size_t *out_len, pvb_error *err)
{
    struct pvb_limits l = limits_resolve(limits);
    struct job j;
    int r;

    if (!what)
        what = "input";
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!out || !out_len || (!in && in_len))
        return fail(err, -EINVAL, "%s: pvb_decompress called without input or output", what);
    if ((unsigned)c >= NR_CODECS || !codecs[c].decode)
        return fail(err, -EINVAL, "%s: no decompressor for compression %s (%d)",
                    what, pvb_compression_name(c), (int)c);

    memset(&j, 0, sizeof j);
    j.in = in ? in : (const uint8_t *)"";
    j.in_len = in_len;
    j.max_output = l.max_output;
    j.max = l.max_output > PTRDIFF_MAX ? PTRDIFF_MAX : (size_t)l.max_output;
    j.max_decoder_mem = l.max_decoder_mem;
    j.what = what;
    j.codec = codecs[c].name;
    j.err = err;
    j.keep_limit = in_len < (SIZE_MAX - (1 << 20)) / 16 ? in_len * 16 + (1 << 20) : SIZE_MAX;

    r = codecs[c].decode(&j);
    if (r == DECODE_AGAIN) {
        j.exact = j.len;
        j.keep_limit = SIZE_MAX;
        j.pos = j.len = j.cap = 0;
        free(j.out);
        j.out = NULL;
        r = codecs[c].decode(&j);
    }
    if (r < 0) {
        free(j.out);
        return r;
    }
    if (j.cap > j.len) {
        void *p = mem_realloc(j.out, j.len ? j.len : 1);
        if (p)                  /* a failed shrink keeps the larger block */
            j.out = p;
    }
    *out = j.out;
    *out_len = j.len;
    return 0;
}
