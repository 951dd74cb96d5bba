/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The decompressed-kernel cache, through pvb_image_open_file: a hit gives
 * the very bytes a fresh decode gives; an entry cut short, altered in its
 * contents or in its header is never used (a fresh decode, a good entry
 * again; a warning when the open finds it); a directory that cannot be written is a warning; the
 * entries stay under the cap, the least recently used going first.
 * Usage: cache DIR KERNEL... (compressed kernels; the first three at least
 * small; Debian's kernel may follow).
 */
#include "tap.h"
#include "pvbuild.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CACHELOG_HIT "the decoded kernel (its headers and notes checked"
#include "cachelog.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static pvb_image *open_with(const char *path, const char *dir, uint64_t cap)
{
    struct pvb_image_opts o = { .version = PVB_IMAGE_OPTS_VERSION, .log = &logger, .cache_dir = dir,
                                .cache_max_bytes = cap };
    pvb_image *img = NULL;
    pvb_error err = { 0 };
    if (pvb_image_open_file(path, &o, &img, &err) < 0) {
        diag("%s: %s", path, err.msg);
        return NULL;
    }
    return img;
}

/* Same ELF bytes and the same facts from the container. */
static bool same(const pvb_image *a, const pvb_image *b)
{
    size_t la, lb;
    const void *ea = pvb_image_elf(a, &la), *eb = pvb_image_elf(b, &lb);
    const struct pvb_guest *ga = pvb_image_guest(a), *gb = pvb_image_guest(b);
    return la == lb && memcmp(ea, eb, la) == 0 && ga->format == gb->format &&
           ga->compression == gb->compression && ga->file_size == gb->file_size &&
           ga->payload_size == gb->payload_size && ga->elf_size == gb->elf_size &&
           ga->bzimage_version == gb->bzimage_version && ga->entry == gb->entry &&
           ga->nr_segments == gb->nr_segments;
}

/* The entries in dir: how many, their bytes, the only/last one's path. */
static unsigned entries(const char *dir, uint64_t *bytes, char *one, size_t len)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    unsigned n = 0;
    *bytes = 0;
    while (d && (de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 4 || strcmp(de->d_name + l - 4, ".elf") != 0)
            continue;
        struct stat st;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (stat(p, &st) == 0)
            *bytes += (uint64_t)st.st_size;
        if (one)
            snprintf(one, len, "%s", p);
        n++;
    }
    if (d)
        closedir(d);
    return n;
}

static void wipe(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        char p[4096];
        if (de->d_name[0] == '.' && (!de->d_name[1] || de->d_name[1] == '.'))
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
}

/* Change one byte of a file at offset (from the end when negative). */
static void poke(const char *path, long off)
{
    int fd = open(path, O_RDWR);
    struct stat st;
    unsigned char c = 0;
    if (fd < 0 || fstat(fd, &st) < 0)
        return;
    off_t at = off < 0 ? st.st_size + off : off;
    if (pread(fd, &c, 1, at) == 1) {
        c ^= 0x5a;
        if (pwrite(fd, &c, 1, at) != 1)
            diag("poke %s: write failed", path);
    }
    close(fd);
}

/* After a bad entry: it was written again, and the next open hits it. */
static void next_open_hits(const char *what, const char *kernel, const char *dir,
                           const pvb_image *ref)
{
    reset_log();
    pvb_image *img = open_with(kernel, dir, 0);
    ok(img && same(img, ref) && nr_hits == 1 && nr_warnings == 0,
       "%s: the entry was written again and the next open hits it", what);
    pvb_image_close(img);
}

/* A bad entry: warned about, not used, replaced by a good one. */
static void bad_entry(const char *what, const char *kernel, const char *dir,
                      const pvb_image *ref, const char *entry, const char *word)
{
    reset_log();
    pvb_image *img = open_with(kernel, dir, 0);
    ok(img && same(img, ref) && nr_hits == 0,
       "%s: the entry is not used; a fresh decode gives the kernel", what);
    ok(nr_warnings == 1 && strstr(warned, entry) && strstr(warned, word),
       "%s: one warning names the entry and says '%s' (%s)", what, word, warned);
    pvb_image_close(img);
    next_open_hits(what, kernel, dir, ref);
}

/*
 * A byte of the entry's ELF changed: refused at the open when it is one
 * the open reads (headers, notes), else found when the bytes are read
 * (here by pvb_image_elf); either way the image's bytes are the right
 * ones, decoded again, and the entry is written anew.
 */
static void bad_bytes(const char *what, const char *kernel, const char *dir,
                      const pvb_image *ref, const char *entry)
{
    reset_log();
    pvb_image *img = open_with(kernel, dir, 0);
    ok(img && same(img, ref), "%s: the image's bytes are the kernel's (decoded "
       "again%s)", what, nr_hits ? " as they were read" : " at the open");
    ok(nr_warnings == 0 || (nr_warnings == 1 && strstr(warned, entry)),
       "%s: a warning at the open names the entry, if any (%s)", what, warned);
    pvb_image_close(img);
    next_open_hits(what, kernel, dir, ref);
}

static void check_kernel(const char *kernel, const char *dir, bool abuse)
{
    double t0 = now();
    pvb_image *ref = open_with(kernel, NULL, 0);
    double t_plain = now() - t0;
    if (!ok(ref != NULL, "%s: opens without a cache", kernel))
        return;
    wipe(dir);
    uint64_t bytes;
    char entry[4096] = "";

    reset_log();
    t0 = now();
    pvb_image *img = open_with(kernel, dir, 0);
    double t_miss = now() - t0;
    ok(img && same(img, ref) && nr_hits == 0 && nr_warnings == 0,
       "%s: a miss decodes it, no warning", kernel);
    pvb_image_close(img);
    size_t elf_len;
    pvb_image_elf(ref, &elf_len);
    ok(entries(dir, &bytes, entry, sizeof entry) == 1 && bytes == elf_len + 4096,
       "one entry of the ELF's 0x%zx bytes and a 4 KiB header was written", elf_len);
    struct stat st;
    ok(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700 &&
       stat(entry, &st) == 0 && (st.st_mode & 0077) == 0,
       "the directory is 0700 and the entry is its owner's only");

    reset_log();
    t0 = now();
    img = open_with(kernel, dir, 0);
    double t_hit = now() - t0;
    ok(img && nr_hits == 1 && nr_warnings == 0, "%s: the second open hits (%s)",
       kernel, hit_line);
    ok(img && same(img, ref), "%s: a hit is byte-identical to a fresh decode "
       "(0x%zx bytes) and gives the same container facts", kernel, elf_len);
    /*
     * The image must not lean on the entry's file: cut it to nothing while
     * the image is open (a mapping of it would now raise SIGBUS on the
     * next touch) and read every byte the image hands out.
     */
    if (abuse && img && truncate(entry, 0) == 0)
        ok(same(img, ref), "%s: the entry cut to 0 bytes while the image is "
           "open: every byte still reads, and matches", kernel);
    pvb_image_close(img);
    if (abuse) {
        /* Cut to nothing above: refused, decoded and written again. */
        bad_entry("emptied", kernel, dir, ref, entry, "shorter than its header");
    }
    diag("BENCH: %s: open without cache %.3f s, first (decode + write) %.3f s, "
         "cached %.3f s", kernel, t_plain, t_miss, t_hit);

    /* Either side of the first 1 MiB, which is read and hashed at once. */
    if (elf_len > (1u << 20) + 1) {
        poke(entry, 4096 + (1l << 20) - 1);
        bad_bytes("the last byte of the first 1 MiB changed", kernel, dir, ref, entry);
        poke(entry, 4096 + (1l << 20));
        bad_bytes("the first byte after the first 1 MiB changed", kernel, dir, ref,
                  entry);
    }
    if (abuse) {
        size_t mid = 4096 + elf_len / 2;
        poke(entry, (long)mid);
        bad_bytes("a byte in the middle changed", kernel, dir, ref, entry);
        poke(entry, -1);
        bad_bytes("the last byte changed", kernel, dir, ref, entry);
        poke(entry, 4096 + 0x18);   /* e_entry */
        bad_entry("the ELF header's e_entry changed", kernel, dir, ref, entry,
                  "headers' and notes' digest");
        if (truncate(entry, (off_t)(4096 + elf_len - 100)) == 0)
            bad_entry("cut short by 100 bytes", kernel, dir, ref, entry, "truncated");
        if (truncate(entry, 100) == 0)
            bad_entry("cut inside its header", kernel, dir, ref, entry, "header");
        poke(entry, 72);    /* in the header's fields */
        bad_entry("a header field changed", kernel, dir, ref, entry, "header's digest");
        FILE *f = fopen(entry, "a");
        if (f) {
            fputs("more", f);
            fclose(f);
        }
        bad_entry("bytes appended", kernel, dir, ref, entry, "longer");
        /* Something that is no file where the entry goes: never read (a
         * FIFO would block a reader without O_NONBLOCK). */
        if (unlink(entry) == 0 && mkfifo(entry, 0600) == 0)
            bad_entry("a FIFO in its place", kernel, dir, ref, entry,
                      "not a regular file");
    }
    pvb_image_close(ref);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: cache DIR SMALL1 SMALL2 SMALL3 [KERNEL...]\n");
        return 2;
    }
    const char *top = argv[1];
    char dir[2048];
    if (strlen(top) > 1000)
        return 2;
    snprintf(dir, sizeof dir, "%s/cache", top);

    check_kernel(argv[2], dir, true);
    for (int i = 5; i < argc; i++)
        check_kernel(argv[i], dir, false);

    /* A cap that holds two of the small entries: the oldest goes. */
    wipe(dir);
    uint64_t bytes, one;
    pvb_image *img = open_with(argv[2], dir, 0);
    pvb_image_close(img);
    entries(dir, &one, NULL, 0);
    uint64_t cap = 2 * one + one / 2;
    for (int i = 2; i < 5; i++) {
        img = open_with(argv[i], dir, cap);
        ok(img != NULL, "cap %llu: %s opens", (unsigned long long)cap, argv[i]);
        pvb_image_close(img);
        if (i == 3) {
            /* argv[2] used again: argv[3] is now the least recently used. */
            struct timespec pause = { 0, 20 * 1000 * 1000 };
            nanosleep(&pause, NULL);
            reset_log();
            img = open_with(argv[2], dir, cap);
            ok(nr_hits == 1, "cap: %s hits again", argv[2]);
            pvb_image_close(img);
            nanosleep(&pause, NULL);
        }
    }
    unsigned n = entries(dir, &bytes, NULL, 0);
    ok(n == 2 && bytes <= cap, "cap: %u entries of %llu bytes kept under the cap of "
       "%llu", n, (unsigned long long)bytes, (unsigned long long)cap);
    reset_log();
    img = open_with(argv[2], dir, cap);
    pvb_image_close(img);
    ok(nr_hits == 1, "cap: the recently used %s stayed", argv[2]);
    reset_log();
    img = open_with(argv[3], dir, cap);
    pvb_image_close(img);
    ok(nr_hits == 0, "cap: the least recently used %s went", argv[3]);

    /* Directories the cache cannot use: warnings, never failures. */
    char file[2048], bad[4096];
    snprintf(file, sizeof file, "%s/plainfile", top);
    FILE *f = fopen(file, "w");
    if (f)
        fclose(f);
    snprintf(bad, sizeof bad, "%s/cache", file);
    reset_log();
    img = open_with(argv[2], bad, 0);
    ok(img != NULL && nr_warnings == 1 && strstr(warned, bad),
       "a cache directory that cannot be made: the kernel opens, one warning (%s)",
       warned);
    pvb_image_close(img);

    snprintf(bad, sizeof bad, "%s/shared", top);
    mkdir(bad, 0700);
    chmod(bad, 0777);
    reset_log();
    img = open_with(argv[2], bad, 0);
    ok(img != NULL && nr_warnings == 1 && strstr(warned, "writable by others than its owner"),
       "a directory anyone may write: not used, one warning (%s)", warned);
    ok(entries(bad, &bytes, NULL, 0) == 0, "nothing was written to it");
    pvb_image_close(img);

    snprintf(bad, sizeof bad, "%s/readonly", top);
    mkdir(bad, 0700);
    if (geteuid() == 0) {
        /* root writes anywhere: a directory of another user's instead. */
        if (chown(bad, 65534, 65534) < 0)
            diag("chown %s: failed", bad);
    } else {
        chmod(bad, 0500);
    }
    reset_log();
    img = open_with(argv[2], bad, 0);
    ok(img != NULL && nr_warnings == 1 && strstr(warned, bad),
       "a directory this user cannot write: the kernel opens, one warning (%s)",
       warned);
    pvb_image_close(img);
    chmod(bad, 0700);
    return done_testing();
}
