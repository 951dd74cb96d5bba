/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "util/file.h"
#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <unistd.h>

static const char *file_type(mode_t m)
{
    if (S_ISDIR(m))  return "a directory";
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISSOCK(m)) return "a socket";
    if (S_ISCHR(m))  return "a character device";
    if (S_ISBLK(m))  return "a block device";
    return "an unusual file";
}

int open_regular_file(const char *path, uint64_t max_size, int *fd_r,
                      uint64_t *size, pvb_error *err)
{
    struct stat st;
    if (!path)
        return fail(err, -EINVAL, "no file name given (NULL path)");
    /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        /* A socket cannot be opened at all (ENXIO): say what it is. */
        if (e == ENXIO && stat(path, &st) == 0 && !S_ISREG(st.st_mode))
            return fail(err, -EINVAL, "%s: not a regular file (%s)", path,
                        file_type(st.st_mode));
        return fail(err, -e, "%s: cannot open: %s", path, strerror(e));
    }
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return fail(err, -e, "%s: cannot stat: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return fail(err, -EINVAL, "%s: not a regular file (%s)", path,
                    file_type(st.st_mode));
    }
    if ((uint64_t)st.st_size > max_size) {
        close(fd);
        return fail(err, -EFBIG, "%s: file size 0x%llx exceeds the limit 0x%llx",
                    path, (unsigned long long)st.st_size,
                    (unsigned long long)max_size);
    }
    *fd_r = fd;
    *size = (uint64_t)st.st_size;
    return 0;
}

int read_file_at(int fd, const char *path, uint64_t offset, void *buf,
                 size_t len, pvb_error *err)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(fd, (char *)buf + got, len - got,
                          (off_t)(offset + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            return fail(err, -e, "%s: read failed at offset 0x%llx: %s", path,
                        (unsigned long long)(offset + got),
                        n < 0 ? strerror(e) : "file shrank while reading");
        }
        got += (size_t)n;
    }
    return 0;
}

/* Below this a handful of faults cost less than the call. */
#define PREFAULT_MIN (256 * 1024)

void mem_prefault(void *buf, size_t len)
{
#ifdef MADV_POPULATE_WRITE
    long pg = sysconf(_SC_PAGESIZE);
    if (!buf || len < PREFAULT_MIN || pg <= 0)
        return;
    uintptr_t a = ((uintptr_t)buf + (uintptr_t)pg - 1) & ~((uintptr_t)pg - 1);
    uintptr_t e = ((uintptr_t)buf + len) & ~((uintptr_t)pg - 1);
    if (e > a)
        (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#else
    (void)buf;
    (void)len;
#endif
}

int read_open_file(int fd, const char *path, uint64_t size, void **data,
                   pvb_error *err)
{
    if (size > SIZE_MAX - 1)
        return fail(err, -EFBIG, "%s: file size 0x%llx does not fit in memory",
                    path, (unsigned long long)size);
    unsigned char *buf = mem_malloc(size ? (size_t)size : 1);
    if (!buf)
        return fail(err, -ENOMEM, "%s: cannot allocate 0x%llx bytes", path,
                    (unsigned long long)size);
    mem_prefault(buf, (size_t)size);
    int rc = read_file_at(fd, path, 0, buf, (size_t)size, err);
    if (rc < 0) {
        free(buf);
        return rc;
    }
    *data = buf;
    return 0;
}

int read_whole_file(const char *path, uint64_t max_size, void **data,
                    size_t *len, pvb_error *err)
{
    uint64_t size;
    int fd;
    int rc = open_regular_file(path, max_size, &fd, &size, err);
    if (rc < 0)
        return rc;
    rc = read_open_file(fd, path, size, data, err);
    close(fd);
    if (rc == 0)
        *len = (size_t)size;
    return rc;
}

/* Filesystems whose files only this machine changes. */
static bool local_filesystem(int fd)
{
    static const unsigned long local[] = {
        EXT4_SUPER_MAGIC, XFS_SUPER_MAGIC, BTRFS_SUPER_MAGIC, TMPFS_MAGIC,
        RAMFS_MAGIC, OVERLAYFS_SUPER_MAGIC, SQUASHFS_MAGIC, F2FS_SUPER_MAGIC,
        EROFS_SUPER_MAGIC_V1,
    };
    struct statfs fs;
    if (fstatfs(fd, &fs) < 0)
        return false;
    for (size_t i = 0; i < sizeof local / sizeof local[0]; i++)
        if ((unsigned long)fs.f_type == local[i])
            return true;
    return false;
}

/* Pages in the window whose middle file_map_apart aims at. */
#define APART_PAGES 64

/*
 * A free range of n + APART_PAGES pages reserved with PROT_NONE, and
 * within it the page-aligned address B for a mapping of n bytes whose
 * byte `key` is APART_PAGES / 2 pages, modulo APART_PAGES, from peer's
 * page; the rest of the reservation unmapped again (it has no page table
 * entries, so that costs nothing).  NULL when nothing could be reserved.
 */
static void *place_apart(size_t n, uint64_t key, const void *peer, size_t pg)
{
    size_t span = ((n + pg - 1) / pg) * pg, extra = APART_PAGES * pg;
    if (span > SIZE_MAX - extra)
        return NULL;
    unsigned char *r = mmap(NULL, span + extra, PROT_NONE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (r == MAP_FAILED)
        return NULL;
    uintptr_t rp = (uintptr_t)r / pg, want = (uintptr_t)peer / pg + APART_PAGES / 2;
    uintptr_t skip = (want - (uintptr_t)(key / pg) - rp) % APART_PAGES;
    unsigned char *b = r + skip * pg;
    if (skip)
        munmap(r, skip * pg);
    if (extra - skip * pg)
        munmap(b + span, extra - skip * pg);
    return b;
}

const char *file_map(int fd, uint64_t offset, size_t len, struct file_mapping *m)
{
    return file_map_apart(fd, offset, len, offset, NULL, m);
}

const char *file_map_apart(int fd, uint64_t offset, size_t len, uint64_t key,
                           const void *peer, struct file_mapping *m)
{
    struct stat st;
    long pg = sysconf(_SC_PAGESIZE);
    *m = (struct file_mapping){ 0 };
    if (fstat(fd, &st) < 0)
        return strerror(errno);
    if (st.st_uid != 0)
        return "it is not owned by root";
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return "its group or others may write it";
    if (!local_filesystem(fd))
        return "it is not on a local filesystem";
    if (pg <= 0 || len == 0)
        return "nothing to map";
    uint64_t start = offset & ~(uint64_t)(pg - 1);
    size_t n = (size_t)(offset - start) + len;
    void *at = peer && key >= start ? place_apart(n, key - start, peer, (size_t)pg) : NULL;
    void *base = mmap(at, n, PROT_READ, MAP_PRIVATE | (at ? MAP_FIXED : 0), fd,
                      (off_t)start);
    if (base == MAP_FAILED) {
        int e = errno;
        if (at)
            munmap(at, n);
        return strerror(e);
    }
    *m = (struct file_mapping){ base, n, (const unsigned char *)base + (offset - start) };
    return NULL;
}

void file_unmap(struct file_mapping *m)
{
    if (m->base)
        munmap(m->base, m->len);
    *m = (struct file_mapping){ 0 };
}

int file_map_populate(const unsigned char *p, size_t len)
{
#ifdef MADV_POPULATE_READ
    long pg = sysconf(_SC_PAGESIZE);
    if (pg <= 0)
        return -EINVAL;
    uintptr_t a = (uintptr_t)p & ~((uintptr_t)pg - 1);
    if (madvise((void *)a, (size_t)((uintptr_t)p + len - a), MADV_POPULATE_READ) < 0)
        return -errno;
    return 0;
#else
    (void)p, (void)len;
    return -EOPNOTSUPP;
#endif
}
