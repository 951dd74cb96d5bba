/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The version macros of pvbuild.h against configure's version and against
 * the shared library this program runs with (it links libpvbuild.so, not
 * the convenience library the other tests use).
 */
#include <pvbuild.h>

#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Options structs: an unknown version is refused, saying which it knows. */
static void test_opts_version(void)
{
    struct pvb_image_opts io = PVB_IMAGE_OPTS_INIT;
    pvb_image *img = NULL;
    pvb_error err = { 0 };
    char want[200];

    ok(io.version == PVB_IMAGE_OPTS_VERSION, "PVB_IMAGE_OPTS_INIT sets the version");
    io.version = 9;
    ok(pvb_image_open_mem("k", "x", 1, &io, &img, &err) == -EINVAL && !img,
       "version 9 of pvb_image_opts is refused");
    snprintf(want, sizeof want, "pvb_image_opts: version 9 is not known to "
             "libpvbuild %s (it knows 1)", pvb_version());
    is_str(err.msg, want, "the message names the struct, both versions");
    io.version = 0;
    ok(pvb_image_open_mem("k", "x", 1, &io, &img, &err) == -EINVAL,
       "version 0 (a struct not initialised with its _INIT) is refused");
    struct pvb_ramdisk_opts ro = { .limits = { 0 } };
    pvb_ramdisk *rd = NULL;
    ok(pvb_ramdisk_open_mem("r", "x", 1, &ro, &rd, &err) == -EINVAL && !rd &&
       strstr(err.msg, "pvb_ramdisk_opts: version 0") != NULL,
       "pvb_ramdisk_opts without a version: %s", err.msg);
    struct pvb_xl_opts xo = { .version = PVB_XL_OPTS_VERSION + 1 };
    struct pvb_config cfg;
    pvb_config_init(&cfg);
    ok(pvb_config_read_xl(&cfg, "/nonexistent", &xo, &err) == -EINVAL &&
       strstr(err.msg, "pvb_xl_opts: version 2") != NULL,
       "pvb_xl_opts of a later version: %s", err.msg);
    ok(pvb_image_open_mem("k", "x", 1, NULL, &img, &err) == -ENOEXEC,
       "NULL options are the defaults (the image is then judged: %s)", err.msg);
}

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
    test_opts_version();
    return done_testing();
}
