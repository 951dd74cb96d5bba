/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The builder's way into a ramdisk that may still be in its file. */
#ifndef PVB_IMAGE_RAMDISK_H
#define PVB_IMAGE_RAMDISK_H

#include "pvbuild.h"

/*
 * Copy the ramdisk's pvb_ramdisk_size() bytes to dst: from memory, or
 * straight from its file (from its mapping when it has one) when it was
 * not read at open; log says at debug level which.
 */
int ramdisk_copy(const pvb_ramdisk *rd, void *dst, const pvb_logger *log,
                 pvb_error *err);

/* The file (or the name given to pvb_ramdisk_open_mem), for messages. */
const char *ramdisk_name(const pvb_ramdisk *rd);

#endif
