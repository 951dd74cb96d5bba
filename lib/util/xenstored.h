/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef PVB_UTIL_XENSTORED_H
#define PVB_UTIL_XENSTORED_H

#include <stdbool.h>

/*
 * Whether xenstored's socket in dom0 answers.  xs_open() and libxl fall
 * back to /dev/xen/xenbus, whose requests wait forever when no xenstored
 * runs, so every xenstore user asks this first.
 */
bool xenstored_socket_answers(void);

/* A connection to that socket (xs_daemon_socket()), or -errno. */
int xenstored_connect(void);

#endif
