/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "util/opts.h"
#include "util/error.h"

#include <errno.h>

int opts_check(const char *name, unsigned int version, unsigned int known,
               pvb_error *err)
{
    if (version >= 1 && version <= known)
        return 0;
    return fail(err, -EINVAL, "%s: version %u is not known to libpvbuild %s "
                "(it knows %u)", name, version, pvb_version(), known);
}
