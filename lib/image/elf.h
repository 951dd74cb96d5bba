/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The kernel ELF, read through elfutils libelf. */
#ifndef PVB_IMAGE_ELF_H
#define PVB_IMAGE_ELF_H

#include <stddef.h>
#include "pvbuild.h"

/*
 * Parse the ELF at data/len (already decompressed): class and machine,
 * PT_LOAD segments (bounds-checked against len), Xen notes from PT_NOTE
 * segments and SHT_NOTE sections, or the legacy __xen_guest section.
 * Fills the ELF and note fields of *g (format/compression fields are the
 * caller's), applies libxenguest's defaults and computes virt_kstart/kend,
 * entry and each segment's load vaddr.  *segs is malloc'd (g->segments
 * points at it; the caller frees it).  `name` names the file in errors.
 */
int elf_load(const char *name, const void *data, size_t len,
             struct pvb_guest *g, struct pvb_image_segment **segs,
             const pvb_logger *log, pvb_error *err);

#endif
