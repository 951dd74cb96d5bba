/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Xen's public ABI, from /usr/include/xen: every struct and constant the
 * builder shares with Xen comes from here, never re-declared.
 */
#ifndef PVB_UTIL_XENABI_H
#define PVB_UTIL_XENABI_H

#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1
#endif
#include <stdint.h>
#include <xen/xen.h>
#include <xen/elfnote.h>
#include <xen/features.h>
#include <xen/grant_table.h>
#include <xen/event_channel.h>
#include <xen/foreign/x86_64.h>

#define PVB_PAGE_SHIFT 12
#define PVB_PAGE_SIZE  (UINT64_C(1) << PVB_PAGE_SHIFT)

#endif
