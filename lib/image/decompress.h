/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal side of the one decompression entry point (pvb_decompress). */
#ifndef PVB_IMAGE_DECOMPRESS_H
#define PVB_IMAGE_DECOMPRESS_H

#include "pvbuild.h"

/* Limits with the defaults applied (0 -> default, PVB_UNLIMITED stays). */
struct pvb_limits limits_resolve(const struct pvb_limits *given);

#endif
