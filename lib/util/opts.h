/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one check of an options struct's version, for every public call. */
#ifndef PVB_UTIL_OPTS_H
#define PVB_UTIL_OPTS_H

#include "pvbuild.h"

/*
 * 0 when `version` is one this library knows (1 .. known), else -EINVAL
 * with "NAME: version V is not known to libpvbuild X.Y.Z (it knows K)":
 * a program built against newer headers must not have its new fields
 * silently ignored.
 */
int opts_check(const char *name, unsigned int version, unsigned int known,
               pvb_error *err);

/* opts_check for a struct that may be NULL (NULL: all defaults). */
#define OPTS_CHECK(opts, name, known, err) \
    ((opts) ? opts_check((name), (opts)->version, (known), (err)) : 0)

#endif
