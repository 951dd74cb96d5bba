/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal helpers shared by the build-config readers. */
#ifndef PVB_CONFIG_CONFIG_H
#define PVB_CONFIG_CONFIG_H

#include <stddef.h>
#include "pvbuild.h"

/*
 * A short, printable rendering of a user-given value for an error message:
 * control characters become '?', and long values are cut with "...", so
 * that a message stays on one line.  Returns buf.
 */
const char *printable_value(const char *value, char *buf, size_t size);

#define PRINTABLE_MAX 80

#endif
