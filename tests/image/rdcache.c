/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rdcache DIR RAMDISK.gz KERNEL.gz: the cache of gunzipped ramdisks
 * (lib/image/ramdisk.c over lib/image/cache.c).  A miss gunzips and
 * writes one entry; a hit reads back the very bytes a fresh gunzip gives
 * (from a mapping of the entry when root wrote it);
 * an entry altered, cut short or made for other limits is never used (one
 * warning, gunzipped again, written anew); a version-1 options struct and
 * keep_compressed use no cache; and the same gzip file opened as a
 * ramdisk and as a kernel gets two entries, never the other's.
 */
#include "tap.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pvbuild.h"

#define CACHELOG_HIT "the gunzipped ramdisk, read back"
#include "cachelog.h"

static pvb_ramdisk *open_rd(const char *path, const struct pvb_ramdisk_opts *o)
{
    pvb_ramdisk *rd = NULL;
    pvb_error err = { 0 };
    if (pvb_ramdisk_open_file(path, o, &rd, &err) < 0) {
        diag("%s: %s", path, err.msg);
        return NULL;
    }
    return rd;
}

static bool same(const pvb_ramdisk *a, const pvb_ramdisk *b)
{
    const void *da = pvb_ramdisk_data(a), *db = pvb_ramdisk_data(b);
    return a && b && da && db && pvb_ramdisk_size(a) == pvb_ramdisk_size(b) &&
           memcmp(da, db, (size_t)pvb_ramdisk_size(a)) == 0 &&
           pvb_ramdisk_decompressed(a) && pvb_ramdisk_decompressed(b);
}

/* Entries named *suffix in dir: how many; the last one's path. */
static unsigned entries(const char *dir, const char *suffix, char *one, size_t len)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    unsigned n = 0;
    size_t sl = strlen(suffix);
    while (d && (de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l <= sl || strcmp(de->d_name + l - sl, suffix) != 0)
            continue;
        if (one)
            snprintf(one, len, "%s/%s", dir, de->d_name);
        n++;
    }
    if (d)
        closedir(d);
    return n;
}

/* Change one byte of a file at offset. */
static void poke(const char *path, off_t at)
{
    int fd = open(path, O_RDWR);
    unsigned char c = 0;
    if (fd >= 0 && pread(fd, &c, 1, at) == 1) {
        c ^= 0x5a;
        if (pwrite(fd, &c, 1, at) != 1)
            diag("poke %s: write failed", path);
    }
    if (fd >= 0)
        close(fd);
}

/* An entry spoiled by `how`: one warning saying `word`, the right bytes,
 * and the next open hits the entry written anew. */
static void spoiled(const char *how, const char *path, const struct pvb_ramdisk_opts *o,
                    const pvb_ramdisk *ref, const char *entry, const char *word)
{
    reset_log();
    pvb_ramdisk *rd = open_rd(path, o);
    ok(same(rd, ref) && nr_hits == 0, "%s: the ramdisk is gunzipped again, right", how);
    ok(nr_warnings == 1 && strstr(warned, entry) && strstr(warned, word),
       "%s: one warning names the entry and says '%s' (%s)", how, word, warned);
    pvb_ramdisk_close(rd);
    reset_log();
    rd = open_rd(path, o);
    ok(same(rd, ref) && nr_hits == 1 && nr_warnings == 0,
       "%s: written anew, the next open hits it", how);
    pvb_ramdisk_close(rd);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: rdcache DIR RAMDISK.gz KERNEL.gz\n");
        return 2;
    }
    const char *dir = argv[1], *gz = argv[2], *kgz = argv[3];
    struct pvb_ramdisk_opts o = PVB_RAMDISK_OPTS_INIT;
    o.log = &logger;
    o.cache_dir = dir;
    char entry[4096];

    struct pvb_ramdisk_opts plain = PVB_RAMDISK_OPTS_INIT;
    pvb_ramdisk *ref = open_rd(gz, &plain);
    if (!ok(ref && pvb_ramdisk_decompressed(ref) && pvb_ramdisk_size(ref) >
            pvb_ramdisk_file_size(ref), "%s: gunzipped without a cache", gz))
        return done_testing();

    reset_log();
    pvb_ramdisk *rd = open_rd(gz, &o);
    ok(same(rd, ref) && nr_hits == 0 && nr_warnings == 0,
       "a miss gunzips the ramdisk, no warning");
    pvb_ramdisk_close(rd);
    ok(entries(dir, ".rd", entry, sizeof entry) == 1 && entries(dir, ".elf", NULL, 0) == 0,
       "one ramdisk entry written, no kernel entry (%s)", entry);
    struct stat st = { 0 };
    int src = stat(entry, &st);
    ok(src == 0 && (uint64_t)st.st_size == pvb_ramdisk_size(ref) + 4096,
       "the entry is a page of header and the gunzipped bytes (%lld bytes)",
       (long long)st.st_size);

    reset_log();
    rd = open_rd(gz, &o);
    ok(same(rd, ref) && nr_hits == 1 && nr_warnings == 0,
       "the second open reads the entry back: byte-identical to a fresh gunzip");
    /* The entry is root's alone when root wrote it: mapped, not read. */
    if (geteuid() == 0)
        ok(strstr(hit_line, "read back from a mapping of it") != NULL,
           "... as root, from a mapping of the entry (%s)", hit_line);
    else
        printf("ok %d # SKIP not run as root: the entry is not root's alone\n",
               ++tap_n);
    pvb_ramdisk_close(rd);

    /* Never used when wrong: a byte of the data, of the header, cut short. */
    poke(entry, 4096 + (off_t)pvb_ramdisk_size(ref) / 2);
    spoiled("a byte of its data changed", gz, &o, ref, entry, "do not match its digest");
    poke(entry, 40);
    spoiled("a byte of its header changed", gz, &o, ref, entry, "header");
    if (truncate(entry, 4096 + (off_t)pvb_ramdisk_size(ref) - 1) == 0)
        spoiled("cut short by a byte", gz, &o, ref, entry, "truncated");

    /* Other limits: another key, so another entry, and no warning. */
    struct pvb_ramdisk_opts lim = o;
    lim.limits.max_output = pvb_ramdisk_size(ref) + 1;
    reset_log();
    rd = open_rd(gz, &lim);
    ok(same(rd, ref) && nr_hits == 0 && nr_warnings == 0 &&
       entries(dir, ".rd", NULL, 0) == 2, "other limits: a miss, a second entry");
    pvb_ramdisk_close(rd);

    /* What does not ask for the cache gets none. */
    char other[4096];
    snprintf(other, sizeof other, "%s-v1", dir);
    struct pvb_ramdisk_opts v1 = o;
    v1.version = 1;               /* its struct ends before cache_dir */
    v1.cache_dir = other;
    rd = open_rd(gz, &v1);
    ok(same(rd, ref) && access(other, F_OK) != 0,
       "a version-1 options struct: gunzipped, no cache directory made");
    pvb_ramdisk_close(rd);
    struct pvb_ramdisk_opts keep = o;
    keep.keep_compressed = true;
    keep.cache_dir = other;
    rd = open_rd(gz, &keep);
    ok(rd && !pvb_ramdisk_decompressed(rd) && access(other, F_OK) != 0,
       "keep_compressed: loaded as it is, nothing cached");
    pvb_ramdisk_close(rd);

    /* One gzip file, as a ramdisk and as a kernel: two entries, each its own. */
    reset_log();
    rd = open_rd(kgz, &o);
    ok(rd && nr_hits == 0 && nr_warnings == 0, "%s as a ramdisk: a miss", kgz);
    pvb_ramdisk_close(rd);
    struct pvb_image_opts io = PVB_IMAGE_OPTS_INIT;
    io.log = &logger;
    io.cache_dir = dir;
    pvb_image *img = NULL;
    pvb_error err = { 0 };
    reset_log();
    int rc = pvb_image_open_file(kgz, &io, &img, &err);
    ok(rc == 0 && nr_warnings == 0 && entries(dir, ".elf", NULL, 0) == 1,
       "%s as a kernel: its own entry, no warning about the ramdisk's (%s)", kgz,
       rc < 0 ? err.msg : warned);
    pvb_image_close(img);
    reset_log();
    rd = open_rd(kgz, &o);
    ok(rd && nr_hits == 1 && nr_warnings == 0 && entries(dir, ".rd", NULL, 0) == 3,
       "%s as a ramdisk again: its ramdisk entry hits", kgz);
    pvb_ramdisk_close(rd);

    pvb_ramdisk_close(ref);
    return done_testing();
}
