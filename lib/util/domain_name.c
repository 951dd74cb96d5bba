/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Xen keeps no name; xenstore's name node would hold a long one, but xl's
 * list, our pvb_domain_entry and a monitor's messages would each show it
 * differently cut.  One limit, refused where a name is given, keeps every
 * place that shows a name showing all of it.
 */
#include "util/domain_name.h"
#include "util/error.h"

#include <errno.h>
#include <string.h>

int domain_name_check(const char *what, const char *name, pvb_error *err)
{
    if (!name)
        return 0;
    size_t len = strlen(name);
    if (len < PVB_DOMAIN_NAME_MAX)
        return 0;
    return fail(err, -EINVAL, "%s: name \"%.*s...\" is %zu bytes, above the limit "
                "of %d", what, (int)domain_name_prefix(name, 24), name, len,
                PVB_DOMAIN_NAME_MAX - 1);
}

size_t domain_name_prefix(const char *name, size_t max)
{
    size_t len = strnlen(name, max + 1);
    if (len <= max)
        return len;
    /* Back off over continuation bytes (10xxxxxx) to a sequence's start. */
    len = max;
    while (len > 0 && ((unsigned char)name[len] & 0xc0) == 0x80)
        len--;
    return len;
}
