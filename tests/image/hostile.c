/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hostile kernel images: each case is a control image (which must load)
 * with one defect, and must be rejected with a negative code and a one-line
 * message naming the input and the offending field, without crashing.
 * Every case runs in a forked child, so a crash (or a sanitizer report, or
 * a leak found at the child's exit) fails that case and the suite goes on;
 * the child's rusage gives the peak RSS of the decompression-bomb cases.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pvbuild.h"
#include "tap.h"
#include "hostile_util.h"
#include "util/xenabi.h"

enum op { OP_MEM, OP_FILE, OP_RAMDISK, OP_DECOMPRESS };

struct req {
    enum op op;
    const char *name;              /* the name passed (or the path) */
    const struct buf *in;
    struct pvb_limits limits;
    bool keep_compressed;
    enum pvb_compression comp;     /* OP_DECOMPRESS */
    const struct buf *elf;         /* the ELF a control must yield */
};

#define LOG_MAX 4096

struct outcome {
    int rc;
    pvb_error err;
    struct pvb_guest g;
    struct pvb_image_segment seg[4];
    size_t elf_len;
    bool elf_same;                 /* pvb_image_elf() == the ELF we built */
    bool seg_same;                 /* segment data == the ELF's bytes */
    bool name_same;
    uint64_t out_len;
    uint64_t rd_size, rd_file_size;
    int rd_comp;
    bool rd_decompressed;
    unsigned nwarn, nwarn_named;
    char log[LOG_MAX];
    char warnings[LOG_MAX];        /* the warnings alone */
};

struct result {
    bool ran;                      /* the child reported and exited 0 */
    int status;
    long maxrss_kb;
    struct outcome o;
};

/* ------------------------------------------------------------ the child */

static const char *child_name;

static void collect(void *opaque, enum pvb_log_level level, const char *msg)
{
    struct outcome *o = opaque;
    size_t used = strlen(o->log);
    if (level == PVB_LOG_WARNING) {
        size_t w = strlen(o->warnings);
        o->nwarn++;
        if (strstr(msg, child_name))
            o->nwarn_named++;
        snprintf(o->warnings + w, LOG_MAX - w, "%s%s", w ? " | " : "", msg);
    }
    /* One line, so that it can be shown as a TAP diagnostic. */
    snprintf(o->log + used, LOG_MAX - used, "%s[%d] %s", used ? " | " : "",
             (int)level, msg);
}

static void child_run(const struct req *q, struct outcome *o)
{
    pvb_logger lg = { collect, o };
    pvb_image *img = NULL;

    child_name = q->name;
    memset(&o->err, 0, sizeof o->err);
    switch (q->op) {
    case OP_MEM:
    case OP_FILE: {
        struct pvb_image_opts opts = { .version = PVB_IMAGE_OPTS_VERSION, .limits = q->limits, .log = &lg };
        if (q->op == OP_MEM)
            o->rc = pvb_image_open_mem(q->name, q->in->data, q->in->len, &opts,
                                       &img, &o->err);
        else
            o->rc = pvb_image_open_file(q->name, &opts, &img, &o->err);
        if (o->rc == 0 && img) {
            const struct pvb_guest *g = pvb_image_guest(img);
            o->g = *g;
            o->g.segments = NULL;
            for (size_t i = 0; i < g->nr_segments && i < 4; i++)
                o->seg[i] = g->segments[i];
            const char *n = pvb_image_name(img);
            o->name_same = n && strcmp(n, q->name) == 0;
            const void *elf = pvb_image_elf(img, &o->elf_len);
            if (q->elf) {
                o->elf_same = elf && o->elf_len == q->elf->len &&
                              memcmp(elf, q->elf->data, o->elf_len) == 0;
                o->seg_same = g->nr_segments > 0;
                for (size_t i = 0; i < g->nr_segments; i++) {
                    const void *d = pvb_image_segment_data(img, i);
                    const struct pvb_image_segment *s = &g->segments[i];
                    if (!d || s->offset + s->filesz > q->elf->len ||
                        memcmp(d, q->elf->data + s->offset, s->filesz) != 0)
                        o->seg_same = false;
                }
            }
        }
        pvb_image_close(img);
        break;
    }
    case OP_RAMDISK: {
        struct pvb_ramdisk_opts opts = { .version = PVB_RAMDISK_OPTS_VERSION, .limits = q->limits,
                                         .keep_compressed = q->keep_compressed,
                                         .log = &lg };
        pvb_ramdisk *rd = NULL;
        o->rc = pvb_ramdisk_open_mem(q->name, q->in->data, q->in->len, &opts,
                                     &rd, &o->err);
        if (o->rc == 0 && rd) {
            o->rd_size = pvb_ramdisk_size(rd);
            o->rd_file_size = pvb_ramdisk_file_size(rd);
            o->rd_comp = pvb_ramdisk_compression(rd);
            o->rd_decompressed = pvb_ramdisk_decompressed(rd);
            o->elf_same = q->elf && o->rd_size == q->elf->len &&
                          memcmp(pvb_ramdisk_data(rd), q->elf->data, q->elf->len) == 0;
        }
        pvb_ramdisk_close(rd);
        break;
    }
    case OP_DECOMPRESS: {
        void *out = NULL;
        size_t out_len = 0;
        o->rc = pvb_decompress(q->comp, q->in->data, q->in->len, &q->limits,
                               q->name, &out, &out_len, &o->err);
        o->out_len = out_len;
        if (o->rc == 0 && q->elf)
            o->elf_same = out_len == q->elf->len &&
                          memcmp(out, q->elf->data, out_len) == 0;
        free(out);
        break;
    }
    }
}

/*
 * With PVB_HOSTILE_DUMP=DIR each case's input is also written to
 * DIR/OP-NAME: the fuzz targets' seed corpora (tests/fuzz/mkseeds.sh).
 * Inputs over 1 MiB (the 4 GiB bomb) are left out: a fuzzer would only
 * truncate them.
 */
static void dump_input(const struct req *q)
{
    static const char *const prefix[] = { "mem", "file", "ramdisk", "decompress" };
    const char *dir = getenv("PVB_HOSTILE_DUMP");
    if (!dir || !q->in || q->in->len > (1u << 20))
        return;
    const char *base = strrchr(q->name, '/');
    char path[512];
    snprintf(path, sizeof path, "%s/%s-%s", dir, prefix[q->op],
             base ? base + 1 : q->name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(q->in->data, 1, q->in->len, f) != q->in->len || fclose(f)) {
        perror(path);
        exit(99);
    }
}

static void run_one(const struct req *q, struct result *r)
{
    int fd[2];
    dump_input(q);
    memset(r, 0, sizeof *r);
    if (pipe(fd) != 0) {
        perror("pipe");
        exit(99);
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(99);
    }
    if (pid == 0) {
        static struct outcome o;
        close(fd[0]);
        alarm(300);     /* a hang is a failure too */
        child_run(q, &o);
        const char *p = (const char *)&o;
        size_t left = sizeof o;
        while (left) {
            ssize_t n = write(fd[1], p, left);
            if (n <= 0)
                _exit(98);
            p += n;
            left -= (size_t)n;
        }
        close(fd[1]);
        exit(0);    /* exit(), not _exit(): LeakSanitizer checks the child */
    }
    close(fd[1]);
    size_t got = 0;
    char *p = (char *)&r->o;
    ssize_t n;
    while (got < sizeof r->o && (n = read(fd[0], p + got, sizeof r->o - got)) > 0)
        got += (size_t)n;
    close(fd[0]);
    struct rusage ru;
    if (wait4(pid, &r->status, 0, &ru) != pid) {
        perror("wait4");
        exit(99);
    }
    r->maxrss_kb = ru.ru_maxrss;
    r->ran = got == sizeof r->o && WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0;
}

/*
 * Every ELF given in memory is also opened from a file, where the image is
 * a view holding only the bytes the ELF reader looks at (lib/image/
 * elfview.c): the outcome must be the same, down to the error, the
 * warnings and each segment's bytes, with the path in place of the name.
 */
static unsigned diff_cases, diff_failed;
static char tmpdir[] = "/tmp/pvb-hostile-XXXXXX";

/* s with each `from` replaced by `to`, into out. */
static void replace_all(const char *s, const char *from, const char *to,
                        char *out, size_t len)
{
    size_t fl = strlen(from), used = 0;
    out[0] = 0;
    while (*s && used + 1 < len) {
        if (fl && strncmp(s, from, fl) == 0) {
            used += (size_t)snprintf(out + used, len - used, "%s", to);
            s += fl;
        } else {
            out[used++] = *s++;
            out[used] = 0;
        }
        if (used >= len)
            break;
    }
}

static bool same_outcome(const struct outcome *m, const struct outcome *f,
                         const char *name, const char *path, char *why, size_t len)
{
    static char msg[sizeof f->err.msg + 512], log[LOG_MAX + 4096];
    replace_all(f->err.msg, path, name, msg, sizeof msg);
    replace_all(f->warnings, path, name, log, sizeof log);
    struct pvb_guest gm = m->g, gf = f->g;
    const char *d = m->rc != f->rc ? "rc"
                    : strcmp(m->err.msg, msg) ? "error"
                    : memcmp(&gm, &gf, sizeof gm) ? "guest"
                    : memcmp(m->seg, f->seg, sizeof m->seg) ? "segments"
                    : m->elf_len != f->elf_len || m->elf_same != f->elf_same ? "ELF bytes"
                    : m->seg_same != f->seg_same ? "segment bytes"
                    : m->nwarn != f->nwarn || strcmp(m->warnings, log) ? "warnings"
                    : NULL;
    if (d)
        snprintf(why, len, "%s differs (memory rc %d \"%.200s\", file rc %d \"%.200s\")",
                 d, m->rc, m->err.msg, f->rc, msg);
    return !d;
}

static void run(const struct req *q, struct result *r)
{
    run_one(q, r);
    if (q->op != OP_MEM || q->in->len < 4 || memcmp(q->in->data, ELFMAG, SELFMAG) != 0)
        return;
    char path[sizeof tmpdir + 64], why[1024];
    snprintf(path, sizeof path, "%s/diff-%u.elf", tmpdir, diff_cases);
    FILE *fp = fopen(path, "wb");
    bool wrote = fp && fwrite(q->in->data, 1, q->in->len, fp) == q->in->len;
    if (fp && fclose(fp) != 0)
        wrote = false;
    static struct result fr;
    struct req fq = *q;
    fq.op = OP_FILE;
    fq.name = path;
    if (wrote)
        run_one(&fq, &fr);
    diff_cases++;
    if (!wrote || !r->ran || !fr.ran ||
        !same_outcome(&r->o, &fr.o, q->name, path, why, sizeof why)) {
        diff_failed++;
        diag("%s: opened from a file: %s", q->name,
             !wrote ? "cannot write it" : !fr.ran ? "the child failed" :
             !r->ran ? "(the memory case failed)" : why);
    }
    unlink(path);
}

/* ----------------------------------------------------------- assertions */

static unsigned cases_run, cases_failed;

static bool survived(const char *label, const struct result *r)
{
    if (ok(r->ran, "%s: survives", label))
        return true;
    if (WIFSIGNALED(r->status))
        diag("%s: child killed by signal %d", label, WTERMSIG(r->status));
    else
        diag("%s: child exit status %d (sanitizer report or leak on stderr)",
             label, WEXITSTATUS(r->status));
    return false;
}

/* The message names `name` and one of the NULL-terminated alternatives. */
static bool names(const char *label, const struct req *q, const struct outcome *o,
                  const char *const *alts)
{
    const char *m = o->err.msg;
    bool field = false;
    char want[256] = "";
    for (const char *const *a = alts; *a; a++) {
        if (strcasestr(m, *a))
            field = true;
        snprintf(want + strlen(want), sizeof want - strlen(want), "%s\"%s\"",
                 a == alts ? "" : " or ", *a);
    }
    bool oneline = m[0] && !strchr(m, '\n');
    return ok(oneline && strstr(m, q->name) && field,
              "%s: message names \"%s\" and %s", label, q->name, want);
}

#define ALTS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static struct result *expect_reject(const char *label, const struct req *q,
                                    int want_code, const char *const *alts)
{
    static struct result r;
    bool good = true;
    cases_run++;
    run(q, &r);
    if (!survived(label, &r)) {
        cases_failed++;
        return &r;
    }
    diag("%s: rc %d, \"%s\"", label, r.o.rc, r.o.err.msg);
    if (want_code)
        good &= ok(r.o.rc == want_code && r.o.err.code == want_code,
                   "%s: rejected with %d (got rc %d, err.code %d)", label,
                   want_code, r.o.rc, r.o.err.code);
    else
        good &= ok(r.o.rc < 0 && r.o.err.code == r.o.rc,
                   "%s: rejected with a negative code (rc %d, err.code %d)",
                   label, r.o.rc, r.o.err.code);
    good &= names(label, q, &r.o, alts);
    if (!good)
        cases_failed++;
    return &r;
}

/* Notes: a malformed note may be skipped with a warning, or rejected. */
static void expect_skip_or_reject(const char *label, const struct req *q,
                                  const char *const *alts, const struct built_elf *e)
{
    struct result r;
    cases_run++;
    run(q, &r);
    if (!survived(label, &r)) {
        cases_failed++;
        return;
    }
    if (r.o.rc < 0) {
        diag("%s: rejected, rc %d, \"%s\", log: %s", label, r.o.rc, r.o.err.msg,
             r.o.log);
        bool good = ok(r.o.err.code == r.o.rc, "%s: err.code matches rc", label);
        /* The field may be named by the warning that skipped the note. */
        bool in_log = false;
        for (const char *const *a = alts; *a; a++)
            in_log |= r.o.nwarn_named > 0 && strcasestr(r.o.log, *a) != NULL;
        if (in_log)
            good &= ok(r.o.err.msg[0] && strstr(r.o.err.msg, q->name) &&
                       !strchr(r.o.err.msg, '\n'),
                       "%s: message names \"%s\", a warning names the field",
                       label, q->name);
        else
            good &= names(label, q, &r.o, alts);
        if (!good)
            cases_failed++;
        return;
    }
    diag("%s: accepted, notes_skipped %u, log: %s", label, r.o.g.notes_skipped, r.o.log);
    bool good = ok(r.o.rc == 0, "%s: accepted (rc %d)", label, r.o.rc);
    good &= ok(r.o.g.notes_skipped > 0, "%s: notes_skipped %u > 0", label,
               r.o.g.notes_skipped);
    bool field = false;
    for (const char *const *a = alts; *a; a++)
        field |= strcasestr(r.o.log, *a) != NULL;
    good &= ok(r.o.nwarn_named > 0 && field,
               "%s: a warning naming \"%s\" and the note went to the logger",
               label, q->name);
    /* Only the broken note is lost: the ones before it were read. */
    good &= ok(strcmp(r.o.g.guest_os, "linux") == 0 && r.o.g.entry == e->entry &&
               r.o.g.hypercall_page == e->hcall,
               "%s: the other notes were read (guest_os \"%s\", entry 0x%" PRIx64 ")",
               label, r.o.g.guest_os, r.o.g.entry);
    if (!good)
        cases_failed++;
}

/* Peak RSS of the child that ran a decompression-bomb case. */
static void rss_below(const char *label, const struct result *r, long limit_kb)
{
    if (!ok(r->ran && r->maxrss_kb < limit_kb, "%s: peak RSS %ld KiB < %ld KiB",
            label, r->maxrss_kb, limit_kb))
        cases_failed++;
}

struct want {
    enum pvb_image_format format;
    enum pvb_compression comp;
    int cls;
    uint16_t bz_version;
    const struct built_elf *e;
    uint64_t payload_size;       /* 0: not checked */
};

static struct result *expect_load(const char *label, const struct req *q,
                                  const struct want *w)
{
    static struct result r;
    const struct outcome *o = &r.o;
    const struct pvb_guest *g = &r.o.g;
    bool good = true;
    cases_run++;
    run(q, &r);
    if (!survived(label, &r)) {
        cases_failed++;
        return &r;
    }
    if (!ok(o->rc == 0, "%s: loads (rc %d)", label, o->rc)) {
        diag("%s: \"%s\"", label, o->err.msg);
        cases_failed++;
        return &r;
    }
    good &= ok(g->format == w->format && g->compression == w->comp,
               "%s: format %d compression %d (want %d %d)", label, g->format,
               g->compression, w->format, w->comp);
    good &= ok(g->elf_class == w->cls &&
               g->elf_machine == (w->cls == 64 ? EM_X86_64 : EM_386),
               "%s: ELF class %d machine %d", label, g->elf_class, g->elf_machine);
    good &= ok(g->file_size == q->in->len && g->elf_size == w->e->b.len,
               "%s: file_size 0x%" PRIx64 " elf_size 0x%" PRIx64, label,
               g->file_size, g->elf_size);
    if (w->payload_size)
        good &= ok(g->payload_size == w->payload_size, "%s: payload_size 0x%" PRIx64
                   " (want 0x%" PRIx64 ")", label, g->payload_size, w->payload_size);
    good &= ok(g->bzimage_version == w->bz_version, "%s: bzimage_version 0x%x",
               label, g->bzimage_version);
    good &= ok(o->elf_same && o->seg_same && o->name_same,
               "%s: ELF bytes, segment bytes and name as built (%d %d %d)", label,
               o->elf_same, o->seg_same, o->name_same);
    good &= ok(g->nr_segments == 2 && o->seg[0].paddr == CTL_PADDR &&
               o->seg[0].filesz == CTL_TEXT_SIZE &&
               o->seg[1].filesz == CTL_DATA_FILESZ && o->seg[1].memsz == CTL_DATA_MEMSZ &&
               o->seg[0].vaddr == w->e->text_vaddr,
               "%s: two PT_LOAD segments as built", label);
    good &= ok(g->entry == w->e->entry && g->virt_base == w->e->vbase &&
               g->hypercall_page == w->e->hcall,
               "%s: entry 0x%" PRIx64 " virt_base 0x%" PRIx64 " hypercall 0x%" PRIx64,
               label, g->entry, g->virt_base, g->hypercall_page);
    good &= ok(strcmp(g->guest_os, "linux") == 0 &&
               strcmp(g->guest_version, "2.6.3200") == 0 &&
               strcmp(g->loader, "generic") == 0 &&
               pvb_guest_has_note(g, XEN_ELFNOTE_SUSPEND_CANCEL) &&
               g->suspend_cancel == 1,
               "%s: notes read (guest_os \"%s\" guest_version \"%s\")", label,
               g->guest_os, g->guest_version);
    good &= ok(g->notes_skipped == 0 && o->nwarn == 0,
               "%s: no note skipped, no warning (%u, %u)", label, g->notes_skipped,
               o->nwarn);
    if (!good)
        cases_failed++;
    return &r;
}

/* -------------------------------------------------------------- helpers */

static struct req mem(const char *name, const struct buf *b)
{
    struct req q = { .op = OP_MEM, .name = name, .in = b };
    return q;
}

static Elf64_Ehdr *eh64(struct buf *b) { return (Elf64_Ehdr *)b->data; }
static Elf64_Phdr *ph64(struct buf *b, int i)
{
    return (Elf64_Phdr *)(b->data + sizeof(Elf64_Ehdr)) + i;
}

static struct buf copy(const struct buf *b) { return buf_dup(b->data, b->len); }

static const struct bzimage_opts bz_default = { 3, 0x020f, 0x200, 0x100 };

static pid_t parent;

static void cleanup(void)
{
    char cmd[64];
    if (getpid() != parent)     /* the forked cases exit too */
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
}

/* ----------------------------------------------------------------- main */

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 99;
    }
    parent = getpid();
    atexit(cleanup);

    struct elf_opts o64 = { .cls = 64 }, o32 = { .cls = 32 };
    struct built_elf e64 = make_elf(&o64), e32 = make_elf(&o32);
    struct buf gz = gzip_buf(&e64.b), xz = xz_buf(&e64.b);
    struct built_bz bzgz = make_bzimage(&gz, &bz_default);
    struct built_bz bzxz = make_bzimage(&xz, &bz_default);
    struct req q;
    struct want w;

    /* ---------------- 29: controls (the images every case breaks) */
    q = mem("ctl.elf64", &e64.b);
    q.elf = &e64.b;
    w = (struct want){ PVB_FORMAT_ELF, PVB_COMP_NONE, 64, 0, &e64, 0 };
    expect_load("29a control ELF64", &q, &w);

    q = mem("ctl.elf32", &e32.b);
    q.elf = &e32.b;
    w = (struct want){ PVB_FORMAT_ELF, PVB_COMP_NONE, 32, 0, &e32, 0 };
    expect_load("29b control ELF32 i386", &q, &w);

    q = mem("ctl.bzimage-gzip", &bzgz.b);
    q.elf = &e64.b;
    w = (struct want){ PVB_FORMAT_BZIMAGE, PVB_COMP_GZIP, 64, 0x020f, &e64, gz.len };
    expect_load("29c control bzImage gzip", &q, &w);

    q = mem("ctl.bzimage-xz", &bzxz.b);
    q.elf = &e64.b;
    w = (struct want){ PVB_FORMAT_BZIMAGE, PVB_COMP_XZ, 64, 0x020f, &e64, xz.len };
    expect_load("29d control bzImage xz", &q, &w);

    struct bzimage_opts bz0 = bz_default;
    bz0.setup_sects = 0;
    struct built_bz bz0gz = make_bzimage(&gz, &bz0);
    q = mem("ctl.bzimage-sects0", &bz0gz.b);
    q.elf = &e64.b;
    w = (struct want){ PVB_FORMAT_BZIMAGE, PVB_COMP_GZIP, 64, 0x020f, &e64, gz.len };
    expect_load("29e control bzImage setup_sects 0 (means 4)", &q, &w);

    q = mem("ctl.vmlinux.gz", &gz);
    q.elf = &e64.b;
    w = (struct want){ PVB_FORMAT_COMPRESSED, PVB_COMP_GZIP, 64, 0, &e64, gz.len };
    expect_load("29f control whole-file gzip ELF", &q, &w);

    char *ctl_path = write_file(tmpdir, "ctl.bzimage", &bzgz.b);
    q = (struct req){ .op = OP_FILE, .name = ctl_path, .in = &bzgz.b, .elf = &e64.b };
    w = (struct want){ PVB_FORMAT_BZIMAGE, PVB_COMP_GZIP, 64, 0x020f, &e64, gz.len };
    expect_load("29g control bzImage by file", &q, &w);

    /* Each codec, compressed by the real tool: controls for case 25. */
    static const struct { const char *tag, *cmd, *fast; enum pvb_compression c; } tools[] = {
        { "gzip", "gzip -9 -n -c", "gzip -1 -n -c", PVB_COMP_GZIP },
        { "bzip2", "bzip2 -9 -c", "bzip2 -1 -c", PVB_COMP_BZIP2 },
        { "lzma", "lzma -9 -c", "lzma -0 -c", PVB_COMP_LZMA },
        { "xz", "xz --check=crc32 -9 -c", "xz --check=crc32 -0 -c", PVB_COMP_XZ },
        { "lzo", "lzop -9 -c", "lzop -1 -c", PVB_COMP_LZO },
        { "lz4", "lz4 -l -9 -c", "lz4 -l -1 -c", PVB_COMP_LZ4 },
        { "zstd", "zstd -19 -q -c", "zstd -1 -q -c", PVB_COMP_ZSTD },
    };
    struct buf tooled[7];
    for (int i = 0; i < 7; i++) {
        char label[96], name[64];
        tooled[i] = tool_compress(tools[i].cmd, &e64.b, tmpdir);
        if (!ok(tooled[i].len > 0, "%s compresses the control ELF", tools[i].cmd))
            continue;
        struct built_bz bz = make_bzimage(&tooled[i], &bz_default);
        snprintf(label, sizeof label, "29h control bzImage %s (%s)", tools[i].tag,
                 tools[i].cmd);
        snprintf(name, sizeof name, "ctl.bzimage-%s", tools[i].tag);
        q = mem(name, &bz.b);
        q.elf = &e64.b;
        w = (struct want){ PVB_FORMAT_BZIMAGE, tools[i].c, 64, 0x020f, &e64,
                           tooled[i].len };
        expect_load(label, &q, &w);
        buf_free(&bz.b);
    }

    struct buf b;

    /* ---------------- 1-6: formats */
    b = buf_dup("", 0);
    q = mem("k01.empty", &b);
    expect_reject("01 empty file", &q, 0, ALTS("empty", "size 0", "0 bytes", "too small", "short", "truncated"));
    char *empty_path = write_file(tmpdir, "k01.empty-file", &b);
    q = (struct req){ .op = OP_FILE, .name = empty_path, .in = &b };
    expect_reject("01b empty file by path", &q, 0, ALTS("empty", "size 0", "0 bytes", "too small", "short", "truncated"));
    buf_free(&b);

    char missing[128];
    snprintf(missing, sizeof missing, "%s/no-such-kernel", tmpdir);
    b = buf_dup("", 0);
    q = (struct req){ .op = OP_FILE, .name = missing, .in = &b };
    expect_reject("01c missing file", &q, -ENOENT, ALTS("no such", "open"));
    buf_free(&b);

    b = buf_dup(e64.b.data, 40);
    q = mem("k02.trunc-ehdr", &b);
    expect_reject("02 truncated ELF header", &q, 0, ALTS("ELF header", "e_ehsize", "truncated", "too small", "short"));
    buf_free(&b);

    b = copy(&e64.b);
    b.data[EI_MAG1] = 'X';
    q = mem("k03.bad-magic", &b);
    expect_reject("03 bad ELF magic (unknown format)", &q, 0, ALTS("format", "magic", "unknown", "recogni"));
    buf_free(&b);

    b = copy(&e64.b);
    eh64(&b)->e_machine = EM_386;
    q = mem("k04.class64-em386", &b);
    expect_reject("04 ELFCLASS64 with EM_386", &q, 0, ALTS("e_machine", "EM_386", "machine"));
    buf_free(&b);

    b = copy(&e32.b);
    ((Elf32_Ehdr *)b.data)->e_machine = EM_X86_64;
    q = mem("k05.class32-emx86_64", &b);
    expect_reject("05 ELFCLASS32 with EM_X86_64", &q, 0, ALTS("e_machine", "EM_X86_64", "machine"));
    buf_free(&b);

    struct elf_opts obe = { .cls = 64, .big_endian = true };
    struct built_elf ebe = make_elf(&obe);
    q = mem("k06.big-endian", &ebe.b);
    expect_reject("06 big-endian ELF64 x86_64", &q, 0, ALTS("endian", "EI_DATA", "ELFDATA", "MSB", "byte order"));

    /* ---------------- 7-8: program header table */
    b = copy(&e64.b);
    eh64(&b)->e_phoff = b.len + 0x100;
    q = mem("k07.phoff", &b);
    expect_reject("07 e_phoff past EOF", &q, 0, ALTS("e_phoff"));
    buf_free(&b);

    b = copy(&e64.b);
    eh64(&b)->e_phnum = 0xfff0;
    q = mem("k08.phnum", &b);
    expect_reject("08 e_phnum huge (table past EOF)", &q, 0, ALTS("e_phnum"));
    buf_free(&b);

    b = copy(&e64.b);
    eh64(&b)->e_phnum = PN_XNUM;
    q = mem("k08b.phnum-xnum", &b);
    expect_reject("08b e_phnum PN_XNUM without section 0", &q, 0, ALTS("e_phnum", "PN_XNUM", "sh_info", "section"));
    buf_free(&b);

    b = copy(&e64.b);
    eh64(&b)->e_phoff = UINT64_MAX - 0x40;
    q = mem("k08c.phoff-wrap", &b);
    expect_reject("08c e_phoff + table size wraps", &q, 0, ALTS("e_phoff", "e_phnum"));
    buf_free(&b);

    b = copy(&e64.b);
    eh64(&b)->e_phentsize = 0x20;
    q = mem("k08d.phentsize", &b);
    expect_reject("08d e_phentsize not sizeof(Elf64_Phdr)", &q, 0, ALTS("e_phentsize"));
    buf_free(&b);

    /* ---------------- 9-16: PT_LOAD segments */
    b = copy(&e64.b);
    ph64(&b, CTL_PH_DATA)->p_offset = b.len + 0x1000;
    q = mem("k09.p_offset", &b);
    expect_reject("09 PT_LOAD p_offset past EOF", &q, 0, ALTS("p_offset"));
    buf_free(&b);

    b = copy(&e64.b);
    ph64(&b, CTL_PH_DATA)->p_filesz = CTL_DATA_MEMSZ;   /* 0x3000 + 0x2000 > EOF */
    q = mem("k10.p_filesz", &b);
    expect_reject("10 p_offset+p_filesz past EOF", &q, 0, ALTS("p_filesz"));
    buf_free(&b);

    /* 0x3000 + (2^64 - 0x800) wraps to 0x2800: inside the file. */
    b = copy(&e64.b);
    ph64(&b, CTL_PH_DATA)->p_filesz = UINT64_C(0) - 0x800;
    ph64(&b, CTL_PH_DATA)->p_memsz = UINT64_C(0) - 0x800;
    q = mem("k11.filesz-wrap", &b);
    expect_reject("11 p_offset+p_filesz wraps 2^64", &q, 0, ALTS("p_filesz", "p_offset", "p_memsz"));
    buf_free(&b);

    b = copy(&e64.b);
    ph64(&b, CTL_PH_DATA)->p_offset = UINT64_C(0) - 0x800;
    q = mem("k11b.offset-wrap", &b);
    expect_reject("11b p_offset near 2^64 (sum wraps to 0)", &q, 0, ALTS("p_offset", "p_filesz"));
    buf_free(&b);

    b = copy(&e64.b);
    ph64(&b, CTL_PH_DATA)->p_memsz = CTL_DATA_FILESZ / 2;
    q = mem("k12.filesz-gt-memsz", &b);
    expect_reject("12 p_filesz > p_memsz", &q, 0, ALTS("p_memsz", "p_filesz"));
    buf_free(&b);

    b = copy(&e64.b);
    ph64(&b, CTL_PH_DATA)->p_paddr = UINT64_C(0) - 0x1000;
    q = mem("k13.paddr-wrap", &b);
    expect_reject("13 p_paddr+p_memsz wraps", &q, 0, ALTS("p_paddr", "p_memsz"));
    buf_free(&b);

    b = copy(&e64.b);
    ph64(&b, CTL_PH_DATA)->p_paddr = CTL_PADDR + 0x1000;
    ph64(&b, CTL_PH_DATA)->p_vaddr = e64.text_vaddr + 0x1000;
    q = mem("k14.overlap", &b);
    expect_reject("14 two overlapping PT_LOADs", &q, 0, ALTS("overlap"));
    buf_free(&b);

    b = copy(&e64.b);
    ph64(&b, CTL_PH_TEXT)->p_type = PT_NULL;
    ph64(&b, CTL_PH_DATA)->p_type = PT_NULL;
    q = mem("k15.no-load", &b);
    expect_reject("15 no PT_LOAD", &q, 0, ALTS("PT_LOAD", "no load", "segment"));
    buf_free(&b);

    /* The ENTRY note wins over e_entry: both point past the kernel. */
    b = copy(&e64.b);
    {
        uint64_t bad = e64.text_vaddr + 0x100000;
        eh64(&b)->e_entry = bad;
        /* ENTRY is the 5th note; find it by walking the notes. */
        size_t pos = CTL_NOTE_OFF;
        while (pos < e64.last_nhdr_off) {
            Elf64_Nhdr *n = (Elf64_Nhdr *)(b.data + pos);
            if (n->n_type == XEN_ELFNOTE_ENTRY)
                memcpy(b.data + pos + sizeof *n + 4, &bad, 8);
            pos += sizeof *n + 4 + ((n->n_descsz + 3) & ~3u);
        }
    }
    q = mem("k16.entry", &b);
    expect_reject("16 entry outside the kernel", &q, 0, ALTS("entry"));
    buf_free(&b);

    /* ---------------- 17-18: notes */
    b = copy(&e64.b);
    ((Elf64_Nhdr *)(b.data + e64.last_nhdr_off))->n_descsz = 0xfffffff0;
    q = mem("k17.n_descsz", &b);
    expect_skip_or_reject("17 PT_NOTE with huge n_descsz", &q, ALTS("descsz"), &e64);
    buf_free(&b);

    b = copy(&e64.b);
    ((Elf64_Nhdr *)(b.data + e64.last_nhdr_off))->n_namesz = 0xfffffff0;
    q = mem("k17b.n_namesz", &b);
    expect_skip_or_reject("17b PT_NOTE with huge n_namesz", &q, ALTS("namesz"), &e64);
    buf_free(&b);

    b = copy(&e64.b);
    ((Elf64_Nhdr *)(b.data + e64.last_nhdr_off))->n_descsz = 16;  /* 4 past EOF */
    q = mem("k17c.n_descsz-by-4", &b);
    expect_skip_or_reject("17c last note's n_descsz 4 bytes past PT_NOTE", &q, ALTS("descsz"), &e64);
    buf_free(&b);

    struct elf_opts obad = { .cls = 64, .bad_desc_size = true };
    struct built_elf ebad = make_elf(&obad);
    q = mem("k17d.desc-size", &ebad.b);
    expect_skip_or_reject("17d SUSPEND_CANCEL with a 3-byte descriptor", &q, ALTS("SUSPEND_CANCEL"), &e64);

    /* A string note whose last byte is the file's last byte, no NUL. */
    struct elf_opts ount = { .cls = 64, .last_unterminated = true };
    struct built_elf eunt = make_elf(&ount);
    {
        struct result r;
        q = mem("k17e.unterminated", &eunt.b);
        cases_run++;
        run(&q, &r);
        if (survived("17e unterminated GUEST_VERSION at EOF", &r)) {
            diag("17e: rc %d \"%s\" guest_version \"%s\" skipped %u", r.o.rc,
                 r.o.err.msg, r.o.g.guest_version, r.o.g.notes_skipped);
            if (!ok(r.o.rc < 0 ? strstr(r.o.err.msg, q.name) != NULL
                               : (strcmp(r.o.g.guest_version, "2.6.3200") == 0 ||
                                  (r.o.g.notes_skipped > 0 && r.o.nwarn_named > 0)),
                    "17e: rejected naming the file, or read as \"2.6.3200\", or skipped with a warning"))
                cases_failed++;
        } else {
            cases_failed++;
        }
    }

    b = copy(&e64.b);
    ph64(&b, CTL_PH_NOTE)->p_offset = b.len + 0x1000;
    q = mem("k18.note-offset", &b);
    expect_skip_or_reject("18 PT_NOTE p_offset past EOF", &q, ALTS("p_offset"), &e64);
    buf_free(&b);

    b = copy(&e64.b);
    ph64(&b, CTL_PH_NOTE)->p_filesz += 0x1000;
    q = mem("k18b.note-filesz", &b);
    expect_skip_or_reject("18b PT_NOTE p_filesz past EOF", &q, ALTS("p_filesz"), &e64);
    buf_free(&b);

    /* ---------------- 19-23, 27: bzImage header and payload */
    b = buf_dup(bzgz.b.data, 0x240);
    q = mem("k19.bz-trunc", &b);
    expect_reject("19 bzImage truncated in the setup header", &q, 0, ALTS("setup header", "payload_offset", "truncated", "header"));
    buf_free(&b);

    b = copy(&bzgz.b);
    put_le16(b.data + 0x206, 0x0207);
    q = mem("k20.bz-0207", &b);
    expect_reject("20 bzImage protocol 0x0207", &q, 0,
                  ALTS("version 2.07", "version 0x0207", "version 0x207",
                       "protocol 2.07", "protocol 0x0207", "protocol 0x207"));
    buf_free(&b);

    b = copy(&bzgz.b);
    put_le32(b.data + 0x248, (uint32_t)b.len);
    q = mem("k21.bz-payload-offset", &b);
    expect_reject("21 bzImage payload_offset past EOF", &q, 0, ALTS("payload_offset"));
    buf_free(&b);

    b = copy(&bzgz.b);
    put_le32(b.data + 0x248, 0xfffffff0);
    q = mem("k21b.bz-payload-offset-wrap", &b);
    expect_reject("21b bzImage payload_offset near 2^32", &q, 0, ALTS("payload_offset"));
    buf_free(&b);

    b = copy(&bzgz.b);
    put_le32(b.data + 0x24c, (uint32_t)(gz.len + 0x100 + 1));  /* 1 past EOF */
    q = mem("k22.bz-payload-length", &b);
    expect_reject("22 bzImage payload_length past EOF", &q, 0, ALTS("payload_length"));
    buf_free(&b);

    b = copy(&bzgz.b);
    put_le32(b.data + 0x24c, 0xffffffff);
    q = mem("k22b.bz-payload-length-max", &b);
    expect_reject("22b bzImage payload_length 0xffffffff", &q, 0, ALTS("payload_length"));
    buf_free(&b);

    b = copy(&bzgz.b);
    b.data[0x1f1] = 0xff;    /* setup is 256 sectors: 128 KiB, past EOF */
    q = mem("k22c.bz-setup-sects", &b);
    expect_reject("22c bzImage setup_sects past EOF", &q, 0, ALTS("setup_sects", "payload_offset", "payload_length"));
    buf_free(&b);

    b = copy(&bzgz.b);
    for (size_t i = 0; i < gz.len; i++)
        b.data[bzgz.payload_pos + i] = (uint8_t)(0x41 + i % 23);   /* text, no magic */
    q = mem("k23.bz-payload-unknown", &b);
    expect_reject("23 bzImage payload not compressed (unknown magic)", &q, 0, ALTS("payload", "compress", "magic", "format"));
    buf_free(&b);

    b = copy(&bzgz.b);
    put_le32(b.data + 0x24c, 0);
    q = mem("k27.bz-payload-empty", &b);
    expect_reject("27 bzImage zero-length payload", &q, 0, ALTS("payload_length", "payload"));
    buf_free(&b);

    /* ---------------- 25-26: broken compressed streams */
    {
        struct buf half = buf_dup(xz.data, xz.len / 2);
        struct built_bz bz = make_bzimage(&half, &bz_default);
        q = mem("k25.bz-xz-truncated", &bz.b);
        expect_reject("25 bzImage truncated xz payload", &q, 0, ALTS("xz"));
        buf_free(&bz.b);
        buf_free(&half);
    }
    for (int i = 0; i < 7; i++) {
        char label[96], name[64];
        if (!tooled[i].len)
            continue;
        struct buf half = buf_dup(tooled[i].data, tooled[i].len / 2);
        struct built_bz bz = make_bzimage(&half, &bz_default);
        snprintf(label, sizeof label, "25b bzImage truncated %s payload (%s)",
                 tools[i].tag, tools[i].cmd);
        snprintf(name, sizeof name, "k25b.bz-%s-truncated", tools[i].tag);
        q = mem(name, &bz.b);
        expect_reject(label, &q, 0, ALTS(tools[i].tag, pvb_compression_name(tools[i].c)));
        buf_free(&bz.b);
        buf_free(&half);
    }

    b = copy(&bzgz.b);
    b.data[bzgz.payload_pos + gz.len - 8] ^= 0x01;    /* gzip CRC32 trailer */
    q = mem("k26.bz-gzip-crc", &b);
    expect_reject("26 bzImage gzip payload with a wrong CRC", &q, 0, ALTS("gzip"));
    buf_free(&b);

    b = copy(&gz);
    b.data[gz.len - 8] ^= 0x01;
    q = mem("k26b.vmlinux-crc.gz", &b);
    expect_reject("26b whole-file gzip with a wrong CRC", &q, 0, ALTS("gzip"));
    buf_free(&b);

    /* ---------------- 24: the gzip bomb, and 28 on the ramdisk side */
    struct buf bomb = gzip_zeros(UINT64_C(4) << 30);
    diag("gzip bomb: 4 GiB of zeros in %zu bytes", bomb.len);
    ok(bomb.len > 1000000 && bomb.len < 8000000, "gzip bomb built (%zu bytes)", bomb.len);
    struct built_bz bzbomb = make_bzimage(&bomb, &bz_default);
#ifdef __SANITIZE_ADDRESS__
    /* ASan's shadow memory and quarantine roughly double what a run holds. */
    const long rss_limit_kb = 512 * 1024;
#else
    const long rss_limit_kb = 256 * 1024;
#endif
    struct result *r;

    q = mem("k24.bz-gzip-bomb", &bzbomb.b);
    r = expect_reject("24 bzImage gzip bomb, default cap", &q, -EFBIG, ALTS("limit"));
    rss_below("24", r, rss_limit_kb);

    q = mem("k24b.vmlinux-bomb.gz", &bomb);
    r = expect_reject("24b whole-file gzip bomb, default cap", &q, -EFBIG, ALTS("limit"));
    rss_below("24b", r, rss_limit_kb);

    q = mem("k24c.bz-gzip-bomb-16M", &bzbomb.b);
    q.limits.max_output = 16 << 20;
    r = expect_reject("24c bzImage gzip bomb, 16 MiB cap", &q, -EFBIG, ALTS("limit"));
    rss_below("24c", r, rss_limit_kb);

    q = (struct req){ .op = OP_DECOMPRESS, .name = "k24d.decompress-bomb", .in = &bomb,
                      .comp = PVB_COMP_GZIP, .limits = { .max_output = 64 << 20 } };
    expect_reject("24d pvb_decompress gzip bomb, 64 MiB cap", &q, -EFBIG, ALTS("limit"));

    /* The cap at the boundary: the control's ELF fits exactly, not one byte less. */
    q = mem("k24e.cap-exact", &bzgz.b);
    q.elf = &e64.b;
    q.limits.max_output = e64.b.len;
    w = (struct want){ PVB_FORMAT_BZIMAGE, PVB_COMP_GZIP, 64, 0x020f, &e64, gz.len };
    expect_load("24e control bzImage with max_output == ELF size", &q, &w);
    q = mem("k24f.cap-minus-one", &bzgz.b);
    q.limits.max_output = e64.b.len - 1;
    expect_reject("24f control bzImage with max_output == ELF size - 1", &q, -EFBIG, ALTS("limit"));

    /* Every codec's decoder under the cap: 64 MiB of zeros by the real tool. */
    for (int i = 0; i < 7; i++) {
        char label[128], name[64], line[128];
        snprintf(line, sizeof line, "head -c 64M /dev/zero | %s", tools[i].fast);
        struct buf zb = tool_output(line);
        if (!ok(zb.len > 0, "%s: a %s bomb of %zu bytes", line, tools[i].tag, zb.len))
            continue;
        struct built_bz bz = make_bzimage(&zb, &bz_default);
        snprintf(label, sizeof label, "24g bzImage %s bomb (64 MiB of zeros), 8 MiB cap",
                 tools[i].tag);
        snprintf(name, sizeof name, "k24g.bz-%s-bomb", tools[i].tag);
        q = mem(name, &bz.b);
        q.limits.max_output = 8 << 20;
        r = expect_reject(label, &q, -EFBIG, ALTS("limit"));
        rss_below(label, r, rss_limit_kb);
        buf_free(&bz.b);
        buf_free(&zb);
    }

    /* Decoder memory: dictionaries/windows announced far over max_decoder_mem. */
    if (tooled[2].len > 13) {
        b = copy(&tooled[2]);
        put_le32(b.data + 1, 0xc0000000);      /* .lzma header: a 3 GiB dictionary */
        struct built_bz bz = make_bzimage(&b, &bz_default);
        q = mem("k24h.bz-lzma-dict-3G", &bz.b);
        expect_reject("24h bzImage lzma payload announcing a 3 GiB dictionary", &q, 0,
                      ALTS("max_decoder_mem"));
        buf_free(&bz.b);
        buf_free(&b);
    }
    if (tooled[3].len) {
        b = copy(&tooled[3]);
        if (ok(xz_patch_dict(&b, 40), "xz block header found and patched")) {
            struct built_bz bz = make_bzimage(&b, &bz_default);
            q = mem("k24h.bz-xz-dict-4G", &bz.b);
            expect_reject("24h bzImage xz payload announcing a 4 GiB dictionary", &q, 0,
                          ALTS("max_decoder_mem"));
            buf_free(&bz.b);
        }
        buf_free(&b);

        struct built_bz bz = make_bzimage(&tooled[3], &bz_default);
        q = mem("k24i.bz-xz-decmem-1M", &bz.b);
        q.limits.max_decoder_mem = 1 << 20;    /* xz -9: a 64 MiB dictionary */
        expect_reject("24i control bzImage xz -9 with max_decoder_mem 1 MiB", &q, 0,
                      ALTS("max_decoder_mem"));
        buf_free(&bz.b);
    }
    {
        /* Without a content size the frame header carries a window descriptor. */
        struct buf zs = tool_compress("zstd -19 -q -c --no-content-size", &e64.b, tmpdir);
        if (ok(zs.len > 6 && !(zs.data[4] & 0x20),
               "zstd --no-content-size: a frame with a window descriptor")) {
            struct built_bz bz = make_bzimage(&zs, &bz_default);
            q = mem("ctl.bzimage-zstd-window", &bz.b);
            q.elf = &e64.b;
            w = (struct want){ PVB_FORMAT_BZIMAGE, PVB_COMP_ZSTD, 64, 0x020f, &e64, zs.len };
            expect_load("29i control bzImage zstd with a window descriptor", &q, &w);
            buf_free(&bz.b);

            zs.data[5] = (31 - 10) << 3;       /* window 2 GiB */
            bz = make_bzimage(&zs, &bz_default);
            q = mem("k24h.bz-zstd-window-2G", &bz.b);
            expect_reject("24h bzImage zstd payload announcing a 2 GiB window", &q, 0,
                          ALTS("max_decoder_mem", "window"));
            buf_free(&bz.b);
        }
        buf_free(&zs);
    }

    q = (struct req){ .op = OP_RAMDISK, .name = "k28.initrd-bomb.gz", .in = &bomb,
                      .limits = { .max_output = 64 << 20 } };
    r = expect_reject("28 ramdisk gzip bomb, 64 MiB cap", &q, -EFBIG, ALTS("limit"));
    rss_below("28", r, rss_limit_kb);

    /* Controls for 28: the same file kept compressed, and a good gzip ramdisk. */
    {
        struct result rr;
        q = (struct req){ .op = OP_RAMDISK, .name = "k28b.initrd-bomb-kept.gz", .in = &bomb,
                          .limits = { .max_output = 64 << 20 }, .keep_compressed = true };
        cases_run++;
        run(&q, &rr);
        if (!survived("28b ramdisk bomb kept compressed", &rr) ||
            !ok(rr.o.rc == 0 && rr.o.rd_size == bomb.len && !rr.o.rd_decompressed &&
                rr.o.rd_comp == PVB_COMP_GZIP,
                "28b: loads as is (rc %d, size %" PRIu64 ", \"%s\")", rr.o.rc,
                rr.o.rd_size, rr.o.err.msg))
            cases_failed++;

        q = (struct req){ .op = OP_RAMDISK, .name = "k28c.initrd.gz", .in = &gz,
                          .limits = { .max_output = 64 << 20 }, .elf = &e64.b };
        cases_run++;
        run(&q, &rr);
        if (!survived("28c gzip ramdisk under the cap", &rr) ||
            !ok(rr.o.rc == 0 && rr.o.rd_decompressed && rr.o.elf_same &&
                rr.o.rd_file_size == gz.len,
                "28c: decompressed (rc %d, size %" PRIu64 ", \"%s\")", rr.o.rc,
                rr.o.rd_size, rr.o.err.msg))
            cases_failed++;
    }

    diag("%u cases, %u failed", cases_run, cases_failed);
    ok(diff_cases >= 20 && diff_failed == 0, "each of the %u ELF inputs opened from a "
       "file gives what it gives in memory (rc, error, warnings, guest, bytes): %u "
       "differ", diff_cases, diff_failed);

    buf_free(&bzbomb.b);
    buf_free(&bomb);
    for (int i = 0; i < 7; i++)
        buf_free(&tooled[i]);
    buf_free(&e64.b);
    buf_free(&e32.b);
    buf_free(&ebe.b);
    buf_free(&ebad.b);
    buf_free(&eunt.b);
    buf_free(&gz);
    buf_free(&xz);
    buf_free(&bzgz.b);
    buf_free(&bzxz.b);
    buf_free(&bz0gz.b);
    free(ctl_path);
    free(empty_path);
    return done_testing();
}
