/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The x86 boot protocol's setup header (Documentation/x86/boot.rst): only
 * what a PV builder needs, which is where the compressed kernel sits.
 */
#include "image/bzimage.h"
#include "util/error.h"

#include <errno.h>
#include <string.h>

#define HDR_SETUP_SECTS    0x1f1
#define HDR_MAGIC          0x202
#define HDR_VERSION        0x206
#define HDR_PAYLOAD_OFFSET 0x248
#define HDR_PAYLOAD_LENGTH 0x24c
#define HDR_END            0x250
/* payload_offset/length appeared in protocol 2.08. */
#define MIN_VERSION        0x0208

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

bool bzimage_detect(const void *data, size_t len)
{
    return len >= HDR_MAGIC + 4 &&
           memcmp((const char *)data + HDR_MAGIC, "HdrS", 4) == 0;
}

int bzimage_payload(const char *name, const void *data, size_t len,
                    struct bzimage_payload *out, pvb_error *err)
{
    const unsigned char *p = data;

    if (len < HDR_END)
        return fail(err, -ENOEXEC,
                    "%s: bzImage setup header truncated: file size 0x%zx, "
                    "header needs 0x%x bytes", name, len, HDR_END);
    if (!bzimage_detect(data, len))
        return fail(err, -ENOEXEC, "%s: no bzImage \"HdrS\" signature at 0x%x",
                    name, HDR_MAGIC);

    uint16_t version = (uint16_t)(p[HDR_VERSION] | p[HDR_VERSION + 1] << 8);
    if (version < MIN_VERSION)
        return fail(err, -ENOEXEC,
                    "%s: bzImage boot protocol version %u.%02u is older than "
                    "the required 2.08 (no payload_offset)",
                    name, version >> 8, version & 0xff);

    /* A zero setup_sects means 4, for historical boot loaders. */
    unsigned setup_sects = p[HDR_SETUP_SECTS] ? p[HDR_SETUP_SECTS] : 4;
    uint64_t setup_end = ((uint64_t)setup_sects + 1) * 512;
    uint64_t offset = setup_end + le32(p + HDR_PAYLOAD_OFFSET);
    uint64_t length = le32(p + HDR_PAYLOAD_LENGTH);

    if (setup_end > len)
        return fail(err, -ENOEXEC,
                    "%s: bzImage setup_sects %u puts the protected-mode code at "
                    "0x%llx, past end of file (size 0x%zx)", name, setup_sects,
                    (unsigned long long)setup_end, len);
    if (offset >= len)
        return fail(err, -ENOEXEC,
                    "%s: bzImage payload_offset 0x%x puts the payload at 0x%llx, "
                    "past end of file (size 0x%zx)", name,
                    le32(p + HDR_PAYLOAD_OFFSET), (unsigned long long)offset, len);
    if (length == 0)
        return fail(err, -ENOEXEC, "%s: bzImage payload_length is 0", name);
    if (length > len - offset)
        return fail(err, -ENOEXEC,
                    "%s: bzImage payload_length 0x%llx at offset 0x%llx runs past "
                    "end of file (size 0x%zx)", name, (unsigned long long)length,
                    (unsigned long long)offset, len);

    out->version = version;
    out->offset = offset;
    out->length = length;
    return 0;
}
