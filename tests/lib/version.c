/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The version macros of pvbuild.h against configure's version and against
 * the shared library this program runs with (it links libpvbuild.so, not
 * the convenience library the other tests use).
 */
#include <pvbuild.h>

#include "tap.h"

#include <stdio.h>
#include <string.h>

int main(void)
{
    char parts[64];

    snprintf(parts, sizeof parts, "%d.%d.%d", PVB_VERSION_MAJOR,
             PVB_VERSION_MINOR, PVB_VERSION_PATCH);
    is_str(parts, PACKAGE_VERSION, "MAJOR.MINOR.PATCH is configure's version");
    is_str(PVB_VERSION, PACKAGE_VERSION, "PVB_VERSION is configure's version");
    ok(pvb_version() != NULL, "pvb_version() is not NULL");
    is_str(pvb_version(), PVB_VERSION, "the library runs the headers' version");
    is_u64(PVB_VERSION_NUMBER,
           (uint64_t)(PVB_VERSION_MAJOR * 65536 + PVB_VERSION_MINOR * 256 +
                      PVB_VERSION_PATCH), "PVB_VERSION_NUMBER is 0x00MMmmpp");
    ok(PVB_VERSION_AT_LEAST(PVB_VERSION_MAJOR, PVB_VERSION_MINOR, PVB_VERSION_PATCH),
       "at least itself");
    ok(!PVB_VERSION_AT_LEAST(PVB_VERSION_MAJOR, PVB_VERSION_MINOR, PVB_VERSION_PATCH + 1),
       "not at least the next patch release");
    ok(PVB_VERSION_AT_LEAST(0, 0, 0), "at least 0.0.0");
#if PVB_VERSION_NUMBER < 0x000100
    ok(0, "usable in #if: 0.1.0 or later");
#else
    ok(1, "usable in #if: 0.1.0 or later");
#endif
    return done_testing();
}
