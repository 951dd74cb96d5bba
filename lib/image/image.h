/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the build asks of an image beyond the public accessors: its
 * segments' bytes put where the guest wants them.  An image opened from
 * a file (a plain ELF, or a cache entry) keeps the file open and reads
 * the segments from it straight into the destination, so the kernel is
 * copied once, file to guest, instead of file to heap to guest.
 */
#ifndef PVB_IMAGE_IMAGE_H
#define PVB_IMAGE_IMAGE_H

#include "pvbuild.h"

/*
 * Segment i's file bytes (filesz of them) into dst[i], for every segment.
 * From a cache entry, the bytes put in place are checked against the
 * entry's digest; an entry that fails it is decoded again (a warning
 * through log) and written anew.  A plain ELF file that changed size or
 * time since the open fails with -ESTALE.
 */
int image_copy_segments(const pvb_image *img, unsigned char *const *dst,
                        const pvb_logger *log, pvb_error *err);

#endif
