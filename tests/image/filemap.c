/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * file_map_apart: a mapping of a file placed so that a chosen byte lies
 * 32 pages (modulo 64) away from the address it will be copied to.  For
 * many peers and keys: the relation holds, the bytes are the file's, and
 * nothing of the reservation it was carved from stays mapped beside it
 * (no PROT_NONE page within 64 pages of it in /proc/self/maps), nor the
 * mapping itself after file_unmap.  A file others may
 * write is refused as file_map refuses it, with nothing left mapped.
 * As root only (file_map maps nothing else); otherwise the refusal of a
 * file root does not own is what is checked.
 */
#include "tap.h"
#include "util/file.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_PAGES 300

static char path[] = "/tmp/pvb-filemap-XXXXXX";

/* Bytes of [lo, hi) mapped, and of those PROT_NONE ones, per /proc/self/maps. */
static void mapped_in(uintptr_t lo, uintptr_t hi, size_t *any, size_t *none)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512], perms[8];
    unsigned long a, b;
    *any = *none = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "%lx-%lx %7s", &a, &b, perms) == 3 && a < hi && b > lo) {
            size_t n = (size_t)((b < hi ? b : hi) - (a > lo ? a : lo));
            *any += n;
            if (strncmp(perms, "---", 3) == 0)
                *none += n;
        }
    if (f)
        fclose(f);
}

/* A file file_map may not map: refused for `want`, nothing mapped. */
static void refused(int fd, size_t size, const void *peer, const char *want,
                    const char *what)
{
    struct file_mapping m;
    const char *why = file_map_apart(fd, 0, size, 0, peer, &m);
    is_str(why, want, "%s is refused", what);
    ok(!m.base, "%s: nothing is mapped", what);
}

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    size_t size = (size_t)FILE_PAGES * (size_t)pg;
    unsigned char *bytes = malloc(size);
    int fd = mkstemp(path);
    if (!bytes || fd < 0 || pg <= 0) {
        ok(0, "set-up: a %zu-byte file in /tmp", size);
        return done_testing();
    }
    for (size_t i = 0; i < size; i++)
        bytes[i] = (unsigned char)(i * 7 + i / 4096);
    ok(write(fd, bytes, size) == (ssize_t)size && fchmod(fd, 0644) == 0,
       "set-up: %s written, mode 0644", path);

    struct file_mapping m;
    if (geteuid() != 0) {
        refused(fd, size, bytes, "it is not owned by root", "not root: a file root does not own");
        goto out;
    }

    /* Peers at every page offset of a 64-page window and beyond; keys at
     * the mapping's start, inside it, and a mapping that starts mid-page. */
    static const unsigned peer_pages[] = { 0, 1, 2, 31, 32, 33, 63, 64, 65, 100, 255 };
    static const uint64_t offsets[] = { 0, 4096, 12345 };
    unsigned bad_place = 0, bad_bytes = 0, bad_left = 0, bad_gone = 0, tries = 0;
    for (size_t o = 0; o < sizeof offsets / sizeof offsets[0]; o++)
        for (size_t p = 0; p < sizeof peer_pages / sizeof peer_pages[0]; p++)
            for (uint64_t key = offsets[o]; key < size; key += 37 * (uint64_t)pg + 99) {
                const unsigned char *peer = bytes + (size_t)peer_pages[p] * 4096 + 17;
                size_t len = size - (size_t)offsets[o] - 5;
                const char *why = file_map_apart(fd, offsets[o], len, key, peer, &m);
                tries++;
                if (why) {
                    ok(0, "offset %llu, key %llu: not mapped: %s",
                       (unsigned long long)offsets[o], (unsigned long long)key, why);
                    continue;
                }
                const unsigned char *at_key = m.at + (key - offsets[o]);
                uintptr_t d = (uintptr_t)at_key / (uintptr_t)pg - (uintptr_t)peer / (uintptr_t)pg;
                bad_place += d % 64 != 32;
                bad_bytes += memcmp(m.at, bytes + offsets[o], len) != 0;
                uintptr_t lo = (uintptr_t)m.base, hi = lo + m.len, w = 64 * (uintptr_t)pg;
                size_t any, none;
                mapped_in(lo - w, hi + w, &any, &none);
                bad_left += none != 0;
                file_unmap(&m);
                mapped_in(lo, hi, &any, &none);
                bad_gone += any != 0;
            }
    ok(tries > 100, "%u placements tried", tries);
    is_u64(bad_place, 0, "each key lies 32 pages (mod 64) from its peer");
    is_u64(bad_bytes, 0, "each mapping holds the file's bytes");
    is_u64(bad_left, 0, "no PROT_NONE page of a reservation stays beside a mapping");
    is_u64(bad_gone, 0, "file_unmap unmaps it all");

    /* Without a peer it is file_map. */
    ok(!file_map_apart(fd, 0, size, 0, NULL, &m) && m.base && !memcmp(m.at, bytes, size),
       "no peer: mapped as file_map maps");
    file_unmap(&m);

    ok(fchmod(fd, 0664) == 0, "set-up: the file made group-writable");
    refused(fd, size, bytes, "its group or others may write it", "a group-writable file");
out:
    unlink(path);
    close(fd);
    free(bytes);
    return done_testing();
}
