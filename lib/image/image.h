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
 * entry's digest; an entry changed since it was opened fails the load
 * (and is removed), as does a file that changed size or time.
 */
int image_copy_segments(const pvb_image *img, unsigned char *const *dst,
                        pvb_error *err);

#endif
