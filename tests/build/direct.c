/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A kernel opened from a file (a plain ELF, or a cache entry) is read for
 * its headers and notes only, and its segments go from the file straight
 * into the guest's frames at build time.  This proves, on the simulated
 * host, for a small test kernel and Debian's own:
 * - the image says exactly what the same bytes opened in memory say;
 * - the guest's kernel frames hold the very bytes (and zeros to memsz);
 * - a cache hit builds the same guest, also when another open hit the
 *   same entry after it (two creates of one kernel at once);
 * - a cache entry altered in its segments (its time put back, so only the
 *   digest can tell) still builds the right guest: the build warns, naming
 *   it, decodes the kernel again and writes the entry anew; the same for
 *   the accessors; one altered in its headers is refused at the open; a
 *   hit whose kernel file changed since the open fails such a build;
 * - a plain ELF that grows or shrinks after the open fails the build
 *   with an error naming it, never SIGBUS, also once its segments have
 *   been mapped;
 * - a plain ELF only root can write is copied from a mapping of the file
 *   (when the test runs as root), and so is a cache hit's data; one its
 *   group may write is read instead; all build the same guest;
 * - the accessors still hand out every byte (the view is made whole);
 * - a cache entry has a hole for each zero page of the ELF and data
 *   elsewhere; a hit builds the right guest even when the host hands out
 *   frames that are not zero (Xen does not scrub what a live guest gave
 *   back), and a byte written into a hole is caught by the digest.
 */
#define _GNU_SOURCE /* SEEK_DATA, SEEK_HOLE */
#include "common.h"
#include "plan_copy.h"
#include "proxy_host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

static unsigned hits, warnings, mapped, unmapped;
static char warned[1024], not_mapped[1024];

static void count_reset(void)
{
    mapped = unmapped = 0;
    not_mapped[0] = '\0';
}

static void grab(void *opaque, enum pvb_log_level level, const char *msg)
{
    (void)opaque;
    if (level == PVB_LOG_DEBUG && strstr(msg, "segments copied from a mapping"))
        mapped++;
    if (level == PVB_LOG_DEBUG && strstr(msg, "segments read, not mapped: ")) {
        unmapped++;
        snprintf(not_mapped, sizeof not_mapped, "%s", msg);
    }
    if (level == PVB_LOG_INFO && strstr(msg, "the decoded kernel (its headers and notes checked"))
        hits++;
    if (level == PVB_LOG_WARNING) {
        warnings++;
        snprintf(warned, sizeof warned, "%s", msg);
    }
}
static const pvb_logger logger = { grab, NULL };

static pvb_image *open_path(const char *path, const char *cache, pvb_error *err)
{
    struct pvb_image_opts o = { .version = PVB_IMAGE_OPTS_VERSION, .log = &logger,
                                .cache_dir = cache };
    pvb_image *img = NULL;
    if (pvb_image_open_file(path, &o, &img, err) < 0)
        return NULL;
    return img;
}

static bool write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    bool good = f && fwrite(data, 1, len, f) == len;
    return (f && fclose(f) == 0) && good;
}

static bool write_gz(const char *path, const void *data, size_t len)
{
    gzFile f = gzopen(path, "wb9");
    bool good = f && gzwrite(f, data, (unsigned)len) == (int)len;
    return (f && gzclose(f) == Z_OK) && good;
}

/* The facts two images give, pointers aside. */
static bool same_guest(const pvb_image *a, const pvb_image *b)
{
    struct pvb_guest ga = *pvb_image_guest(a), gb = *pvb_image_guest(b);
    if (ga.nr_segments != gb.nr_segments ||
        memcmp(ga.segments, gb.segments, ga.nr_segments * sizeof *ga.segments) != 0)
        return false;
    ga.segments = gb.segments = NULL;
    /* Where the ELF came from may differ (file or container): */
    ga.format = gb.format;
    ga.compression = gb.compression;
    ga.file_size = gb.file_size;
    ga.payload_size = gb.payload_size;
    ga.bzimage_version = gb.bzimage_version;
    return memcmp(&ga, &gb, sizeof ga) == 0;
}

/* The kernel's frames, found through the guest's own P->M list. */
static bool kernel_frames_match(pvb_host *h, const struct pvb_plan *plan,
                                const struct pvb_domain *dom, const pvb_image *ref,
                                char *why, size_t len)
{
    const struct pvb_guest *g = pvb_image_guest(ref);
    const struct pvb_plan_segment *ks = pvb_plan_segment(plan, PVB_SEG_KERNEL);
    uint64_t base = plan->virt_base + ks->pfn * PVB_PAGE_SIZE;
    pvb_error err;
    xen_pfn_t *mfns = calloc(ks->pages, sizeof *mfns);
    for (uint64_t i = 0; mfns && i < ks->pages; i++)
        mfns[i] = guest_p2m_entry(h, plan, dom, ks->pfn + i);
    if (!mfns) {
        snprintf(why, len, "out of memory");
        return false;
    }
    const unsigned char *p = h->ops->map(h, dom->domid, HOST_MAP_READ, ks->pages, mfns, &err);
    free(mfns);
    if (!p) {
        snprintf(why, len, "cannot map the kernel: %.120s", err.msg);
        return false;
    }
    bool good = true;
    for (size_t i = 0; i < g->nr_segments && good; i++) {
        const struct pvb_image_segment *s = &g->segments[i];
        const unsigned char *d = p + (s->vaddr - base);
        if (memcmp(d, pvb_image_segment_data(ref, i), s->filesz) != 0) {
            snprintf(why, len, "segment %zu: bytes differ", i);
            good = false;
        }
        for (uint64_t k = s->filesz; k < s->memsz && good; k++)
            if (d[k]) {
                snprintf(why, len, "segment %zu: byte 0x%llx past filesz not zero", i,
                         (unsigned long long)k);
                good = false;
            }
    }
    h->ops->unmap(h, (void *)p, ks->pages);
    if (good)
        snprintf(why, len, "%zu segments", g->nr_segments);
    return good;
}

/* Fresh frames full of 0xa5: what a host that does not scrub hands out. */
static void dirty(struct pvb_host *inner, uint32_t d, unsigned order, long nr,
                  const xen_pfn_t *first)
{
    size_t per = (size_t)1 << order;
    xen_pfn_t *m = calloc(per, sizeof *m);
    for (long i = 0; m && i < nr; i++) {
        for (size_t k = 0; k < per; k++)
            m[k] = first[i] + k;
        pvb_error e;
        unsigned char *p = inner->ops->map(inner, d, HOST_MAP_READ | HOST_MAP_WRITE,
                                           per, m, &e);
        if (p) {
            memset(p, 0xa5, per * PVB_PAGE_SIZE);
            inner->ops->unmap(inner, p, per);
        }
    }
    free(m);
}

static long dirty_populate(struct pvb_host *h, uint32_t d, unsigned o, size_t n,
                           xen_pfn_t *x, pvb_error *e)
{
    long r = INNER(h)->ops->populate(INNER(h), d, o, n, x, e);
    if (r > 0)
        dirty(INNER(h), d, o, r, x);
    return r;
}

static long dirty_populate_node(struct pvb_host *h, uint32_t d, unsigned node,
                                unsigned o, size_t n, xen_pfn_t *x, pvb_error *e)
{
    long r = INNER(h)->ops->populate_node(INNER(h), d, node, o, n, x, e);
    if (r > 0)
        dirty(INNER(h), d, o, r, x);
    return r;
}

static void build_and_compare_on(const char *what, const pvb_image *img,
                                 const pvb_image *ref, bool dirty_frames);

/* Build img on a fresh sim host; compare its kernel frames with ref's. */
static void build_and_compare(const char *what, const pvb_image *img, const pvb_image *ref)
{
    build_and_compare_on(what, img, ref, false);
}

static void build_and_compare_on(const char *what, const pvb_image *img,
                                 const pvb_image *ref, bool dirty_frames)
{
    struct proxy_host px;
    struct pvb_domain_opts dopts = PVB_DOMAIN_OPTS_INIT;
    dopts.log = &logger;
    pvb_host *h = NULL;
    pvb_error err = { 0 };
    struct pvb_config cfg;
    struct pvb_plan plan;
    struct pvb_domain dom = { 0 };
    char why[256] = "";

    pvb_config_init(&cfg);
    cfg.memory_mib = 256;
    int rc = pvb_host_sim_open(NULL, &h, &err);
    pvb_host *use = h;
    if (rc == 0 && dirty_frames) {
        proxy_init(&px, h);
        px.ops.populate = dirty_populate;
        if (px.ops.populate_node)
            px.ops.populate_node = dirty_populate_node;
        use = &px.base;
    }
    if (rc == 0)
        rc = test_domain_create(use, &cfg, img, NULL, &plan, &dopts, &dom, &err);
    if (!ok(rc == 0, "%s: builds on sim", what))
        diag("%s", err.msg);
    if (rc == 0) {
        ok(kernel_frames_match(h, &plan, &dom, ref, why, sizeof why),
           "%s: the guest's kernel frames hold the ELF's bytes, zeros to memsz (%s)",
           what, why);
        pvb_domain_destroy(h, dom.domid, &err);
    }
    pvb_host_close(h);
    pvb_config_free(&cfg);
}

/* A build that must fail with `word` in its error, leaving nothing. */
static void build_fails(const char *what, const pvb_image *img, const char *word,
                        const char *name)
{
    pvb_host *h = NULL;
    pvb_error err = { 0 };
    struct pvb_config cfg;
    struct pvb_plan plan;
    struct pvb_domain dom = { 0 };

    pvb_config_init(&cfg);
    cfg.memory_mib = 256;
    if (pvb_host_sim_open(NULL, &h, &err) < 0) {
        ok(0, "%s: sim host: %s", what, err.msg);
        return;
    }
    uint64_t frames = sim_frames_in_use(h);
    int rc = test_domain_create(h, &cfg, img, NULL, &plan, NULL, &dom, &err);
    ok(rc < 0 && strstr(err.msg, word) && strstr(err.msg, name) && !strchr(err.msg, '\n'),
       "%s: the build fails, one line naming the file: %s", what, err.msg);
    ok(sim_live_domains(h) == 0 && sim_live_views(h) == 0 &&
       sim_frames_in_use(h) == frames,
       "%s: no domain, mapping or frame left", what);
    pvb_host_close(h);
    pvb_config_free(&cfg);
}

/* Change the byte at off, keeping the file's times (only a digest can see it). */
static bool poke_keep_time(const char *path, off_t off)
{
    struct stat st;
    unsigned char c = 0;
    int fd = open(path, O_RDWR);
    bool good = fd >= 0 && fstat(fd, &st) == 0 && pread(fd, &c, 1, off) == 1;
    c ^= 0xa5;
    good = good && pwrite(fd, &c, 1, off) == 1;
    struct timespec t[2] = { st.st_atim, st.st_mtim };
    good = good && futimens(fd, t) == 0;
    if (fd >= 0)
        close(fd);
    return good;
}

static bool cache_entry(const char *dir, char *out, size_t len)
{
    char cmd[2200];
    snprintf(cmd, sizeof cmd, "ls %s/*.elf 2>/dev/null", dir);
    FILE *p = popen(cmd, "r");
    bool good = p && fgets(out, (int)len, p);
    if (p)
        pclose(p);
    if (good)
        out[strcspn(out, "\n")] = 0;
    return good;
}

/* Does this filesystem keep holes?  A file with one written past its end. */
static bool holes_kept(const char *dir)
{
    char path[2100];
    snprintf(path, sizeof path, "%s/holes-probe", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    bool kept = fd >= 0 && pwrite(fd, "x", 1, 1 << 20) == 1 &&
                lseek(fd, 0, SEEK_DATA) >= (off_t)4096;
    if (fd >= 0)
        close(fd);
    unlink(path);
    return kept;
}

/*
 * An entry holds a hole at each zero page of the ELF and data at every
 * other page: *zero_pages counts the holes.  Each page is asked of the
 * file with SEEK_DATA.
 */
static bool entry_holes_match(const char *entry, const unsigned char *elf, size_t len,
                              size_t *zero_pages, char *why, size_t wlen)
{
    int fd = open(entry, O_RDONLY);
    bool good = fd >= 0;
    *zero_pages = 0;
    for (size_t off = 0; good && off < len; off += 4096) {
        size_t n = len - off < 4096 ? len - off : 4096;
        bool zero = true;
        for (size_t k = 0; k < n && zero; k++)
            zero = elf[off + k] == 0;
        off_t d = lseek(fd, (off_t)(4096 + off), SEEK_DATA);
        bool data = d == (off_t)(4096 + off);
        if (zero == data) {
            snprintf(why, wlen, "page 0x%zx: %s, but the entry has %s there", off / 4096,
                     zero ? "zeros" : "data", data ? "data" : "a hole");
            good = false;
        }
        *zero_pages += zero;
    }
    if (fd >= 0)
        close(fd);
    return good;
}

/* The ELF offset of a zero page inside a segment, or 0 if none. */
static uint64_t zero_page_in_segment(const pvb_image *ref)
{
    const struct pvb_guest *g = pvb_image_guest(ref);
    for (size_t i = 0; i < g->nr_segments; i++) {
        const struct pvb_image_segment *s = &g->segments[i];
        const unsigned char *d = pvb_image_segment_data(ref, i);
        uint64_t first = (s->offset + 4095) / 4096 * 4096;
        for (uint64_t off = first; off + 4096 <= s->offset + s->filesz; off += 4096) {
            const unsigned char *p = d + (off - s->offset);
            size_t k = 0;
            while (k < 4096 && !p[k])
                k++;
            if (k == 4096)
                return off;
        }
    }
    return 0;
}

static void check_kernel(const char *label, const void *elf, size_t elf_len,
                         const char *dir)
{
    char raw[2048], gz[2048], cache[2048], entry[2200];
    pvb_error err = { 0 };
    snprintf(raw, sizeof raw, "%s/%s.elf", dir, label);
    snprintf(gz, sizeof gz, "%s/%s.gz", dir, label);
    snprintf(cache, sizeof cache, "%s/%s-cache", dir, label);

    pvb_image *ref = NULL;
    if (!ok(pvb_image_open_mem(label, elf, elf_len, NULL, &ref, &err) == 0,
            "%s: opens from memory (0x%zx bytes)", label, elf_len)) {
        diag("%s", err.msg);
        return;
    }
    if (!ok(write_file(raw, elf, elf_len) && write_gz(gz, elf, elf_len),
            "%s: written as a plain ELF and gzipped", label))
        goto out;

    /* A plain ELF file. */
    pvb_image *img = open_path(raw, NULL, &err);
    if (ok(img != NULL, "%s: plain ELF opens from its file", label)) {
        ok(same_guest(img, ref), "%s: the file gives the facts memory gives "
           "(notes, entry, %zu segments)", label, pvb_image_guest(ref)->nr_segments);
        build_and_compare(label, img, ref);
        build_and_compare_on("plain ELF, onto frames full of 0xa5", img, ref, true);
        /* The accessors make the view whole; a build after them still works. */
        size_t len = 0;
        const void *e = pvb_image_elf(img, &len);
        ok(e && len == elf_len && memcmp(e, elf, len) == 0,
           "%s: pvb_image_elf hands out every byte of the file", label);
        build_and_compare("after the accessors", img, ref);
        pvb_image_close(img);
    } else {
        diag("%s", err.msg);
    }

    /* Mapped only when nobody but root can change the file under it. */
    struct stat st;
    bool root_only = stat(raw, &st) == 0 && st.st_uid == 0 &&
                     !(st.st_mode & (S_IWGRP | S_IWOTH));
    img = open_path(raw, NULL, &err);
    count_reset();
    if (img)
        build_and_compare("plain ELF, root's alone", img, ref);
    if (root_only)
        ok(mapped == 1 && unmapped == 0,
           "%s: a plain ELF only root can write is copied from a mapping (%u "
           "mapped, %u read: %s)", label, mapped, unmapped, not_mapped);
    else
        printf("ok %d # SKIP %s: not run as root, no file here is root's alone\n",
               ++tap_n, label);
    if (img && chmod(raw, 0664) == 0) {
        /* The mode is no part of "changed since": the image still builds. */
        count_reset();
        build_and_compare("plain ELF mapped before, now group-writable", img, ref);
        ok(mapped == (root_only ? 1 : 0),
           "%s: a mapping made stays the image's (%u mapped)", label, mapped);
        pvb_image_close(img);
        img = open_path(raw, NULL, &err);
        count_reset();
        if (img)
            build_and_compare("plain ELF its group may write", img, ref);
        ok(mapped == 0 && unmapped == 1 && strstr(not_mapped, raw) &&
           strstr(not_mapped, root_only ? "its group or others may write it"
                                        : "not owned by root"),
           "%s: a plain ELF others may write is read, not mapped: %s", label,
           not_mapped);
        chmod(raw, 0644);
    }
    pvb_image_close(img);
    /* Cut short after a build mapped it: refused, the mapping never touched. */
    img = open_path(raw, NULL, &err);
    if (img) {
        build_and_compare("plain ELF before it is cut", img, ref);
        if (truncate(raw, 4096) == 0)
            build_fails("plain ELF cut after a build mapped it", img, "changed since", raw);
    }
    pvb_image_close(img);
    write_file(raw, elf, elf_len);

    /* The file grows, or is cut short, between open and build. */
    img = open_path(raw, NULL, &err);
    FILE *f = fopen(raw, "ab");
    if (f) {
        fputs("more", f);
        fclose(f);
    }
    if (img)
        build_fails("plain ELF grown after the open", img, "changed since", raw);
    pvb_image_close(img);
    write_file(raw, elf, elf_len);
    img = open_path(raw, NULL, &err);
    if (img && truncate(raw, 100) == 0)
        build_fails("plain ELF cut to 100 bytes after the open", img, "changed since", raw);
    pvb_image_close(img);

    /* A cache entry: miss, then a hit that builds the same guest. */
    hits = 0;
    img = open_path(gz, cache, &err);
    pvb_image_close(img);
    img = open_path(gz, cache, &err);
    if (ok(img && hits == 1 && cache_entry(cache, entry, sizeof entry),
           "%s: the second open hits the cache", label)) {
        ok(same_guest(img, ref), "%s: the hit gives the facts memory gives", label);
        count_reset();
        build_and_compare("from the cache", img, ref);
        if (root_only)
            ok(mapped == 1 && unmapped == 0, "%s: a hit's data extents are copied "
               "from a mapping of the entry (root's alone) (%u mapped, %u read: %s)",
               label, mapped, unmapped, not_mapped);
        build_and_compare_on("from the cache, onto frames full of 0xa5", img, ref, true);
        char why[200] = "";
        size_t zero_pages = 0;
        if (holes_kept(dir)) {
            bool match = entry_holes_match(entry, elf, elf_len, &zero_pages, why,
                                           sizeof why);
            ok(match, "%s: the entry has a hole at each of the ELF's %zu zero pages "
               "and data at the rest %s", label, zero_pages, why);
        }
        else
            printf("ok %d # SKIP %s: this filesystem keeps no holes\n", ++tap_n, label);
    }
    pvb_image_close(img);

    /* Two creates of the kernel at once: the second one's open, a hit
     * too, must not look like the entry changed to the first one's build. */
    img = open_path(gz, cache, &err);
    /* File times tick with the kernel's coarse clock (a jiffy: up to 10 ms):
     * a second open sooner could leave them unchanged and prove nothing. */
    struct timespec pause = { 0, 20 * 1000 * 1000 };
    nanosleep(&pause, NULL);
    hits = 0;
    pvb_image *other = open_path(gz, cache, &err);
    ok(img && other && hits == 1, "%s: a second open hits the entry the first one "
       "opened", label);
    count_reset();
    warnings = 0;
    warned[0] = '\0';
    if (img)
        build_and_compare("the first one, built after the second open", img, ref);
    ok(warnings == 0, "%s: and it builds from the entry, no warning%s%s", label,
       warnings ? ": " : "", warned);
    pvb_image_close(other);
    pvb_image_close(img);

    /* A byte written into a hole inside a segment: the digest tells. */
    uint64_t hole = zero_page_in_segment(ref);
    if (hole && cache_entry(cache, entry, sizeof entry) &&
        poke_keep_time(entry, (off_t)(4096 + hole + 100))) {
        hits = warnings = 0;
        img = open_path(gz, cache, &err);
        if (img)
            build_and_compare("cache entry with a byte in a hole", img, ref);
        ok(img && hits == 1 && warnings == 1 && strstr(warned, "digest does not match"),
           "%s: a byte written into the hole at 0x%llx is caught at the build (%s)",
           label, (unsigned long long)hole, warned);
        pvb_image_close(img);
    }

    /* Altered in a segment, its time put back: only the digest tells. */
    const struct pvb_image_segment *s0 = &pvb_image_guest(ref)->segments[0];
    off_t mid = (off_t)(4096 + s0->offset + s0->filesz / 2);
    if (poke_keep_time(entry, mid)) {
        hits = warnings = 0;
        img = open_path(gz, cache, &err);
        ok(img && hits == 1 && warnings == 0, "%s: an entry altered in a segment "
           "passes the lookup (its header and notes are whole)", label);
        if (img)
            build_and_compare("cache entry altered in a segment", img, ref);
        ok(warnings == 1 && strstr(warned, entry) && strstr(warned, "digest does not "
           "match; ignored, decoding the kernel again"), "%s: the build warned once, "
           "naming the entry (%s)", label, warned);
        pvb_image_close(img);
        hits = warnings = 0;
        img = open_path(gz, cache, &err);
        ok(img && hits == 1 && warnings == 0 && same_guest(img, ref),
           "%s: the entry was written anew: the next open hits it", label);
        build_and_compare("the entry written anew", img, ref);
        pvb_image_close(img);
    }

    /* The accessors check the digest too, and decode again. */
    img = open_path(gz, cache, &err);
    if (img && cache_entry(cache, entry, sizeof entry) && poke_keep_time(entry, mid)) {
        size_t len = 0;
        const void *e = pvb_image_elf(img, &len);
        ok(e && len == elf_len && memcmp(e, elf, len) == 0 &&
           pvb_image_segment_data(img, 0) != NULL,
           "%s: an entry altered in a segment: the accessors still give every "
           "right byte (decoded again)", label);
    }
    pvb_image_close(img);

    /* Altered in its ELF header: refused at the open. */
    if (cache_entry(cache, entry, sizeof entry) && poke_keep_time(entry, 4096 + 0x18)) {
        hits = warnings = 0;
        img = open_path(gz, cache, &err);
        ok(img && hits == 0 && warnings == 1 && strstr(warned, "headers' and notes' "
           "digest does not match") && same_guest(img, ref), "%s: an entry altered "
           "in its ELF header is refused at the open, the kernel decoded again (%s)",
           label, warned);
        pvb_image_close(img);
    }
    /*
     * A hit keeps the kernel file's name, not its bytes: when the entry
     * proves bad at the build and the file changed since the open, the
     * build cannot decode what it opened, and says so.
     */
    hits = 0;
    img = open_path(gz, cache, &err);
    if (img && hits == 1 && cache_entry(cache, entry, sizeof entry) &&
        poke_keep_time(entry, mid)) {
        FILE *g = fopen(gz, "ab");
        if (g) {
            fputs("more", g);
            fclose(g);
        }
        build_fails("kernel file changed after a hit, its entry bad", img,
                    "changed since the kernel was opened", gz);
        write_gz(gz, elf, elf_len);
    } else {
        ok(0, "%s: a hit to alter (%s)", label, err.msg);
    }
    pvb_image_close(img);

out:
    pvb_image_close(ref);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char dir[1024], rm[1100];
    snprintf(dir, sizeof dir, "%s/pvb-direct-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        printf("Bail out! mkdtemp %s: %s\n", dir, strerror(errno));
        return 1;
    }
    pvb_image *t = make_test_kernel(&(struct test_kernel){ .init_p2m = true,
        .init_p2m_addr = UINT64_C(0x8000000000), .text_bytes = 0x23456 });
    size_t len = 0;
    const void *elf = t ? pvb_image_elf(t, &len) : NULL;
    if (ok(elf != NULL, "the test kernel"))
        check_kernel("test-kernel", elf, len, dir);
    pvb_image_close(t);

    const char *kernel = debian_kernel();
    if (kernel) {
        pvb_error err;
        pvb_image *d = NULL;
        if (ok(pvb_image_open_file(kernel, NULL, &d, &err) == 0, "open %s", kernel)) {
            elf = pvb_image_elf(d, &len);
            check_kernel("debian", elf, len, dir);
        } else {
            diag("%s", err.msg);
        }
        pvb_image_close(d);
    } else {
        diag("no Debian kernel here: the test kernel only");
    }
    snprintf(rm, sizeof rm, "rm -rf '%s'", dir);
    if (system(rm) != 0)
        diag("could not remove %s", dir);
    return done_testing();
}
