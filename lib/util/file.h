/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading whole input files, bounded, never blocking on what is no file. */
#ifndef PVB_UTIL_FILE_H
#define PVB_UTIL_FILE_H

#include <stddef.h>
#include <stdint.h>
#include "pvbuild.h"

/*
 * Open `path` for reading, and keep it open only if it is a regular file
 * of at most `max_size` bytes (*fd, *size).  It is opened with O_NONBLOCK
 * so that a FIFO, socket or device given by mistake is refused at once
 * instead of waiting for a writer or being read without end; the size
 * comes from fstat, before a byte is read.
 */
int open_regular_file(const char *path, uint64_t max_size, int *fd,
                      uint64_t *size, pvb_error *err);

/* Read exactly len bytes at offset of an open file; errors name `path`. */
int read_file_at(int fd, const char *path, uint64_t offset, void *buf,
                 size_t len, pvb_error *err);

/* All `size` bytes of the open file fd into a new malloc'd buffer. */
int read_open_file(int fd, const char *path, uint64_t size, void **data,
                   pvb_error *err);

/*
 * Read all of `path` into a new malloc'd buffer.  Anything but a regular
 * file, and files larger than `max_size`, are refused before anything is
 * read.
 */
int read_whole_file(const char *path, uint64_t max_size, void **data,
                    size_t *len, pvb_error *err);

/*
 * Fault in the pages of a large buffer about to be written (a file read,
 * a decoder's output) with one madvise(MADV_POPULATE_WRITE), instead of
 * one page fault per page as the copy first touches each.  In a Xen PV
 * dom0 every such fault is a trip through the hypervisor (0.4-0.6 s for a
 * 66 MB kernel under QEMU's emulation).  Best effort: small buffers and
 * kernels without the advice (before Linux 5.14) are left as they are.
 */
void mem_prefault(void *buf, size_t len);

/*
 * A file's bytes mapped read-only: the whole mapping (base, len, for
 * munmap) and the first byte asked for (at).  All zero when none.
 */
struct file_mapping {
    void *base;
    size_t len;
    const unsigned char *at;
};

/*
 * [offset, offset + len) of the open file fd mapped into *m, nothing read
 * yet, when it may be mapped rather than read: a file that shrinks under
 * a mapping kills the process with SIGBUS at the next touch, where a read
 * would fail with an error.  So only a file nobody but root can write
 * (owned by root, not writable by its group or others, ACL users
 * included: they count in the group bits) on a local filesystem (no other
 * machine truncates it).  NULL when mapped, else why not (a static string,
 * for an informational message) with *m zeroed.
 */
const char *file_map(int fd, uint64_t offset, size_t len, struct file_mapping *m);

/*
 * file_map, placed so that the file's byte `key` lies 32 pages (modulo
 * 64) away from `peer`, the address it will be copied to.  Under QEMU's
 * emulated CPU (TCG) a copy between two addresses a multiple of its TLB's
 * size apart (a power of two, 64 entries or more) evicts its own
 * translations at every access: 60 MiB from a buffer into a mapping of a
 * domain's frames took 0.21-0.31 s at such a distance (0 or 1 pages) and
 * 0.05-0.09 s at any other in dom0 of the e2e machine.  On hardware the
 * placement changes nothing.
 * Placed as file_map would when no free range could be reserved.
 */
const char *file_map_apart(int fd, uint64_t offset, size_t len, uint64_t key,
                           const void *peer, struct file_mapping *m);

/* Unmap *m if it is mapped, and zero it. */
void file_unmap(struct file_mapping *m);

/*
 * The pages under [p, p + len) of such a mapping read in at once
 * (MADV_POPULATE_READ, Linux 5.14), so that a page that cannot be read
 * fails here with a negative errno instead of as SIGBUS at its first
 * touch; -EOPNOTSUPP before 5.14.  The caller reads the file instead.
 */
int file_map_populate(const unsigned char *p, size_t len);

#endif
