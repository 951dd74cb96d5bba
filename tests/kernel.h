/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Debian's kernel for the tests, found the way scripts/find-kernel finds
 * it (installed in /boot, else in the quick start's cache): the harness
 * puts its answer in PVBUILD_KERNEL; run by hand, a test asks the script.
 */
#ifndef PVB_TESTS_KERNEL_H
#define PVB_TESTS_KERNEL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kernel's path, or NULL when the machine has none. */
static inline const char *test_kernel(void)
{
    static char path[4096];
    const char *env = getenv("PVBUILD_KERNEL");
    const char *top = getenv("top_srcdir");
    char cmd[4200];
    FILE *p;

    if (env)
        return *env ? env : NULL;
    snprintf(cmd, sizeof cmd, "'%s/scripts/find-kernel' --quiet", top ? top : ".");
    if (!(p = popen(cmd, "r")))
        return NULL;
    if (!fgets(path, sizeof path, p))
        path[0] = 0;
    pclose(p);
    path[strcspn(path, "\n")] = 0;
    return path[0] ? path : NULL;
}

#endif
