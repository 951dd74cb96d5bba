/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Linux bzImage (x86 boot protocol) setup header: finding the payload. */
#ifndef PVB_IMAGE_BZIMAGE_H
#define PVB_IMAGE_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pvbuild.h"

struct bzimage_payload {
    uint16_t version;        /* boot protocol, e.g. 0x020f */
    uint64_t offset;         /* of the payload in the file */
    uint64_t length;
};

/* True when the file carries the "HdrS" setup-header signature. */
bool bzimage_detect(const void *data, size_t len);

/* Locate and bounds-check the payload; errors name `name` and the field. */
int bzimage_payload(const char *name, const void *data, size_t len,
                    struct bzimage_payload *out, pvb_error *err);

#endif
