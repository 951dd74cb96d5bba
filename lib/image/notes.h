/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Xen's guest notes (xen/elfnote.h) and the legacy __xen_guest string. */
#ifndef PVB_IMAGE_NOTES_H
#define PVB_IMAGE_NOTES_H

#include <stddef.h>
#include "pvbuild.h"

/*
 * Record one note of owner "Xen" into *g.  A descriptor of the wrong size
 * or shape is skipped with a warning (g->notes_skipped counts it).
 */
void xen_note_record(const char *name, unsigned type, const void *desc,
                     size_t desc_len, struct pvb_guest *g, const pvb_logger *log);

/* Parse a "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0x..." string. */
int xen_guest_string_parse(const char *name, const char *s, size_t len,
                           struct pvb_guest *g, const pvb_logger *log,
                           pvb_error *err);

/* Parse a FEATURES string ("a|!b|c") into the two bitmaps of *g. */
void xen_features_parse(const char *name, const char *s, struct pvb_guest *g,
                        const pvb_logger *log);

#endif
