/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An ELF file seen without its loaded bytes.  The ELF reader (elf.c)
 * takes a whole file in memory, but a kernel is 60-70 MB and nearly all of
 * it is PT_LOAD bytes that only the build needs, which it reads from the
 * file straight into the guest's frames.  A view is an anonymous mapping
 * the size of the ELF that holds every byte the reader looks at (the ELF
 * header, the program and section header tables, the notes, the section
 * name table and any __xen_guest section) and nothing else: the pages it
 * never touches cost nothing.  In a Xen PV dom0 each page of a fresh
 * buffer is a fault through the hypervisor: reading Debian's 66 MB kernel
 * into one took 0.67 s under QEMU.  Its view once also held every byte
 * outside the PT_LOAD segments, 6 MB of padding in Debian's kernel, 1,540
 * faults and 0.06 s; now it is a few pages.
 */
#ifndef PVB_IMAGE_ELFVIEW_H
#define PVB_IMAGE_ELFVIEW_H

#include <stddef.h>
#include <stdint.h>
#include "pvbuild.h"

/* Where the ELF's bytes are: an open file (at base), or memory. */
struct elfview_src {
    int fd;
    uint64_t base;
    const unsigned char *mem;   /* non-NULL: read from here instead */
};

/*
 * The view of the len-byte ELF at src, in a new mapping (*view, freed with
 * elfview_free), and the digest of what was read for it (the cache keeps
 * it, so that a hit is checked without reading the segments).  Errors
 * name `name`.
 */
int elfview_read(const struct elfview_src *src, const char *name, size_t len,
                 unsigned char **view, uint64_t digest[2], pvb_error *err);

/* The digest elfview_read gives for the len-byte ELF at mem. */
int elfview_digest(const void *mem, size_t len, uint64_t digest[2], pvb_error *err);

/* The rest of the ELF into the view: afterwards it is the whole file. */
int elfview_fill(int fd, const char *name, uint64_t base, unsigned char *view,
                 size_t len, pvb_error *err);

void elfview_free(unsigned char *view, size_t len);

#endif
