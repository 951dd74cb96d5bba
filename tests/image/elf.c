/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ELF reader (lib/image/elf.c, notes.c, features.c) on ELF files built
 * at test time (tests/data/mkguest.sh) and on Debian's kernel.  Expected
 * values come from binutils' readelf (tests/image/elf-readelf.sh), from
 * the guests' sources (tests/data/guest/guest.h, whose addresses the
 * linker ASSERTs) and from Xen's features.h (tests/image/elf-features.sh).
 * Malformed images are real guests with one field changed.
 *
 * Run directly: top_srcdir=/path/to/src ./tests/image/elf
 */
#define _GNU_SOURCE /* memmem */
#include "tap.h"
#include "kernel.h"
#include "image/elf.h"
#include "image/notes.h"
#include "util/xenabi.h"
#include "data/guest/guest.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define BIT(t) (UINT64_C(1) << (t))

static const char *srcdir;
static char tmpdir[] = "/tmp/pvb-elf-test-XXXXXX";
static bool have_tmpdir;

static void cleanup(void)
{
    if (have_tmpdir) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            diag("could not remove %s", tmpdir);
    }
}

static void bail(const char *why)
{
    printf("Bail out! %s\n", why);
    exit(1);
}

/* ------------------------------------------------------------ files */

struct file {
    unsigned char *data;
    size_t len;
    bool mapped;
};

static void path_of(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
}

/* Mapped read-only: a write by the reader (or libelf) would fault. */
static struct file map_file(const char *path)
{
    struct file f = { 0 };
    struct stat st;
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) < 0)
        bail("cannot open a test file");
    f.len = (size_t)st.st_size;
    f.data = mmap(NULL, f.len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (f.data == MAP_FAILED)
        bail("cannot map a test file");
    f.mapped = true;
    return f;
}

/* A private copy, to corrupt. */
static struct file copy_of(const char *name)
{
    char path[512];
    path_of(path, sizeof path, name);
    struct file m = map_file(path);
    struct file f = { malloc(m.len), m.len, false };
    if (!f.data)
        bail("out of memory");
    memcpy(f.data, m.data, m.len);
    munmap(m.data, m.len);
    return f;
}

static void file_free(struct file *f)
{
    if (f->mapped)
        munmap(f->data, f->len);
    else
        free(f->data);
    f->data = NULL;
}

/* ------------------------------------------------------------ loading */

#define MAX_LOG 64

struct logcap {
    int n;
    char msg[MAX_LOG][1024];
};

static void capture(void *opaque, enum pvb_log_level level, const char *msg)
{
    struct logcap *c = opaque;
    if (level > PVB_LOG_WARNING)
        return;
    diag("warning: %s", msg);
    if (c->n < MAX_LOG)
        snprintf(c->msg[c->n++], sizeof c->msg[0], "%s", msg);
}

static int logged(const struct logcap *c, const char *needle)
{
    int hits = 0;
    for (int i = 0; i < c->n; i++)
        if (strstr(c->msg[i], needle))
            hits++;
    return hits;
}

struct result {
    int rc;
    pvb_error err;
    struct pvb_guest g;
    struct pvb_image_segment *segs;
    struct logcap log;
};

static struct result *load(const char *name, const void *data, size_t len)
{
    struct result *r = calloc(1, sizeof *r);
    if (!r)
        bail("out of memory");
    pvb_logger lg = { capture, &r->log };
    r->rc = elf_load(name, data, len, &r->g, &r->segs, &lg, &r->err);
    if (r->rc < 0)
        diag("%s: error: %s", name, r->err.msg);
    return r;
}

static void result_free(struct result *r)
{
    free(r->segs);
    free(r);
}

/* ------------------------------------------------------- readelf facts */

#define MAX_NOTES 64
#define MAX_SYMS 64

struct rnote {
    char owner[32];
    long type;                  /* -1: readelf named it in a way we don't map */
    size_t size;
    unsigned char desc[512];
    size_t desc_len;
};

struct facts {
    uint64_t entry;
    int nload;
    struct pvb_image_segment load[16];
    int pt_note;
    int nnote;
    struct rnote note[MAX_NOTES];
    int nsym;
    struct { char name[64]; uint64_t value; } sym[MAX_SYMS];
    char guest_string[4096];
};

static struct facts *readelf_facts(const char *path, bool syms)
{
    char cmd[1024], line[8192];
    struct facts *f = calloc(1, sizeof *f);
    if (!f)
        bail("out of memory");
    snprintf(cmd, sizeof cmd, "'%s/tests/image/elf-readelf.sh' '%s'%s", srcdir,
             path, syms ? " --syms" : "");
    FILE *p = popen(cmd, "r");
    if (!p)
        bail("cannot run elf-readelf.sh");
    while (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = '\0';
        char *save, *kw = strtok_r(line, " ", &save);
        if (!kw)
            continue;
        if (!strcmp(kw, "entry")) {
            f->entry = strtoull(strtok_r(NULL, " ", &save), NULL, 16);
        } else if (!strcmp(kw, "load") && f->nload < 16) {
            struct pvb_image_segment *s = &f->load[f->nload++];
            s->offset = strtoull(strtok_r(NULL, " ", &save), NULL, 16);
            s->elf_vaddr = strtoull(strtok_r(NULL, " ", &save), NULL, 16);
            s->paddr = strtoull(strtok_r(NULL, " ", &save), NULL, 16);
            s->filesz = strtoull(strtok_r(NULL, " ", &save), NULL, 16);
            s->memsz = strtoull(strtok_r(NULL, " ", &save), NULL, 16);
            s->flags = (uint32_t)strtoul(strtok_r(NULL, " ", &save), NULL, 10);
        } else if (!strcmp(kw, "pt_note")) {
            f->pt_note = atoi(strtok_r(NULL, " ", &save));
        } else if (!strcmp(kw, "note") && f->nnote < MAX_NOTES) {
            struct rnote *n = &f->note[f->nnote++];
            snprintf(n->owner, sizeof n->owner, "%s", strtok_r(NULL, " ", &save));
            const char *t = strtok_r(NULL, " ", &save);
            n->type = strcmp(t, "?") ? (long)strtoul(t, NULL, 16) : -1;
            n->size = strtoul(strtok_r(NULL, " ", &save), NULL, 16);
            for (char *h; (h = strtok_r(NULL, " ", &save)) &&
                          n->desc_len < sizeof n->desc;)
                n->desc[n->desc_len++] = (unsigned char)strtoul(h, NULL, 16);
        } else if (!strcmp(kw, "sym") && f->nsym < MAX_SYMS) {
            snprintf(f->sym[f->nsym].name, sizeof f->sym[0].name, "%s",
                     strtok_r(NULL, " ", &save));
            f->sym[f->nsym++].value = strtoull(strtok_r(NULL, " ", &save), NULL, 16);
        } else if (!strcmp(kw, "guest_string")) {
            snprintf(f->guest_string, sizeof f->guest_string, "%s", save);
        }
    }
    if (pclose(p) != 0)
        bail("elf-readelf.sh failed");
    return f;
}

static uint64_t sym(const struct facts *f, const char *name)
{
    for (int i = 0; i < f->nsym; i++)
        if (!strcmp(f->sym[i].name, name))
            return f->sym[i].value;
    diag("readelf shows no symbol %s", name);
    return UINT64_C(0xdeadbeefdeadbeef);
}

/* A "KEY=number" of readelf's view of the __xen_guest string. */
static uint64_t guest_string_num(const struct facts *f, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "%s=", key);
    for (const char *p = f->guest_string; (p = strstr(p, pat)); p++)
        if (p == f->guest_string || p[-1] == ',')
            return strtoull(p + strlen(pat), NULL, 0);
    diag("readelf's __xen_guest string has no %s", key);
    return UINT64_C(0xdeadbeefdeadbeef);
}

static uint64_t le(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    while (n--)
        v = (v << 8) | p[n];
    return v;
}

/* One Xen note as readelf shows it, against what the reader recorded. */
static void check_note(const char *what, const struct rnote *n,
                       const struct pvb_guest *g)
{
    const char *tn = pvb_note_name((unsigned)n->type);
    char s[600];
    size_t len = strnlen((const char *)n->desc, n->desc_len);
    memcpy(s, n->desc, len);
    s[len] = '\0';

    ok(n->desc_len == n->size, "%s: readelf printed all 0x%zx bytes of %s",
       what, n->size, tn ? tn : "?");
    switch (n->type) {
    case XEN_ELFNOTE_ENTRY: is_u64(g->entry, le(n->desc, n->desc_len),
                                   "%s: ENTRY as readelf -n", what); break;
    case XEN_ELFNOTE_HYPERCALL_PAGE: is_u64(g->hypercall_page, le(n->desc, n->desc_len),
                                            "%s: HYPERCALL_PAGE as readelf -n", what); break;
    case XEN_ELFNOTE_VIRT_BASE: is_u64(g->virt_base, le(n->desc, n->desc_len),
                                       "%s: VIRT_BASE as readelf -n", what); break;
    case XEN_ELFNOTE_PADDR_OFFSET: is_u64(g->paddr_offset, le(n->desc, n->desc_len),
                                          "%s: PADDR_OFFSET as readelf -n", what); break;
    case XEN_ELFNOTE_HV_START_LOW: is_u64(g->hv_start_low, le(n->desc, n->desc_len),
                                          "%s: HV_START_LOW as readelf -n", what); break;
    case XEN_ELFNOTE_SUSPEND_CANCEL: is_u64(g->suspend_cancel, le(n->desc, n->desc_len),
                                            "%s: SUSPEND_CANCEL as readelf -n", what); break;
    case XEN_ELFNOTE_INIT_P2M: is_u64(g->init_p2m, le(n->desc, n->desc_len),
                                      "%s: INIT_P2M as readelf -n", what); break;
    case XEN_ELFNOTE_MOD_START_PFN: is_u64(g->mod_start_pfn, le(n->desc, n->desc_len),
                                           "%s: MOD_START_PFN as readelf -n", what); break;
    case XEN_ELFNOTE_PHYS32_ENTRY: is_u64(g->phys32_entry, le(n->desc, n->desc_len),
                                          "%s: PHYS32_ENTRY as readelf -n", what); break;
    case XEN_ELFNOTE_SUPPORTED_FEATURES:
        is_u64(g->supported_features, le(n->desc, 4),
               "%s: SUPPORTED_FEATURES as readelf -n", what);
        break;
    case XEN_ELFNOTE_L1_MFN_VALID:
        if (n->desc_len == 16) {
            is_u64(g->l1_mfn_valid_count, 2, "%s: L1_MFN_VALID has 2 numbers", what);
            is_u64(g->l1_mfn_valid[0], le(n->desc, 8), "%s: L1_MFN_VALID first number", what);
            is_u64(g->l1_mfn_valid[1], le(n->desc + 8, 8), "%s: L1_MFN_VALID second number",
                   what);
        } else {
            is_u64(g->l1_mfn_valid_count, 1, "%s: L1_MFN_VALID has 1 number", what);
            is_u64(g->l1_mfn_valid[0], le(n->desc, n->desc_len),
                   "%s: L1_MFN_VALID value", what);
        }
        break;
    case XEN_ELFNOTE_XEN_VERSION: is_str(g->xen_version, s, "%s: XEN_VERSION as readelf -n", what); break;
    case XEN_ELFNOTE_GUEST_OS: is_str(g->guest_os, s, "%s: GUEST_OS as readelf -n", what); break;
    case XEN_ELFNOTE_GUEST_VERSION: is_str(g->guest_version, s, "%s: GUEST_VERSION as readelf -n", what); break;
    case XEN_ELFNOTE_LOADER: is_str(g->loader, s, "%s: LOADER as readelf -n", what); break;
    case XEN_ELFNOTE_PAE_MODE: is_str(g->pae_mode, s, "%s: PAE_MODE as readelf -n", what); break;
    case XEN_ELFNOTE_BSD_SYMTAB: is_str(g->bsd_symtab, s, "%s: BSD_SYMTAB as readelf -n", what); break;
    case XEN_ELFNOTE_FEATURES: is_str(g->features, s, "%s: FEATURES as readelf -n", what); break;
    case XEN_ELFNOTE_INFO: break;   /* a legacy string: checked by the caller */
    default: ok(0, "%s: readelf shows Xen note type %ld that the test does not know",
                what, n->type);
    }
}

/*
 * Everything readelf says about the file against the reader's results:
 * e_entry, the PT_LOADs, every Xen note, the set of note types, and the
 * virtual addresses derived from readelf's p_paddr.  `extra` are note bits
 * set by other means (the legacy string, an INFO note).
 */
static void check_readelf(const char *what, const struct facts *f,
                          const struct result *r, uint64_t extra)
{
    const struct pvb_guest *g = &r->g;
    uint64_t seen = 0;

    is_u64(g->elf_entry, f->entry, "%s: e_entry as readelf -h", what);
    is_u64(g->nr_segments, f->nload, "%s: as many segments as readelf -l's PT_LOADs",
           what);
    ok(g->segments == r->segs, "%s: g->segments is the returned array", what);
    uint64_t lo = UINT64_MAX, hi = 0;
    for (int i = 0; i < f->nload && (size_t)i < g->nr_segments; i++) {
        const struct pvb_image_segment *e = &f->load[i], *s = &r->segs[i];
        if (!ok(s->paddr == e->paddr && s->elf_vaddr == e->elf_vaddr &&
                s->offset == e->offset && s->filesz == e->filesz &&
                s->memsz == e->memsz && s->flags == e->flags,
                "%s: PT_LOAD %d as readelf -l", what, i))
            diag("got paddr 0x%" PRIx64 " vaddr 0x%" PRIx64 " off 0x%" PRIx64
                 " filesz 0x%" PRIx64 " memsz 0x%" PRIx64 " flags %u; readelf "
                 "0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%"
                 PRIx64 " %u", s->paddr, s->elf_vaddr, s->offset, s->filesz,
                 s->memsz, s->flags, e->paddr, e->elf_vaddr, e->offset,
                 e->filesz, e->memsz, e->flags);
        if (e->paddr < lo)
            lo = e->paddr;
        if (e->paddr + e->memsz > hi)
            hi = e->paddr + e->memsz;
    }
    for (int i = 0; i < f->nnote; i++) {
        const struct rnote *n = &f->note[i];
        if (strcmp(n->owner, "Xen"))
            continue;
        if (!ok(n->type >= 0, "%s: readelf's type of Xen note %d is known", what, i))
            continue;
        seen |= BIT(n->type);
        check_note(what, n, g);
    }
    is_u64(g->notes_seen, seen | extra,
           "%s: notes_seen holds the Xen note types readelf -n shows", what);

    uint64_t mask = g->elf_class == 32 ? UINT32_MAX : UINT64_MAX;
    uint64_t off = (g->virt_base - g->paddr_offset) & mask;
    is_u64(g->paddr_start, lo, "%s: paddr_start is readelf's lowest p_paddr", what);
    is_u64(g->paddr_end, hi, "%s: paddr_end is readelf's highest p_paddr + p_memsz",
           what);
    is_u64(g->virt_kstart, (lo + off) & mask,
           "%s: virt_kstart = lowest p_paddr + VIRT_BASE - PADDR_OFFSET", what);
    is_u64(g->virt_kend, (hi + off) & mask,
           "%s: virt_kend = highest p_paddr + p_memsz + VIRT_BASE - PADDR_OFFSET",
           what);
    bool vaddrs = true;
    for (int i = 0; i < f->nload && (size_t)i < g->nr_segments; i++)
        vaddrs &= r->segs[i].vaddr == ((f->load[i].paddr + off) & mask);
    ok(vaddrs, "%s: every segment's vaddr = p_paddr + VIRT_BASE - PADDR_OFFSET", what);
}

static bool build_guests(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s/tests/data/mkguest.sh' '%s'", srcdir, tmpdir);
    return system(cmd) == 0;
}

/* ---------------------------------------------------------- feature names */

static void test_feature_names(void)
{
    char cmd[512], name[128];
    unsigned bit, n = 0;
    bool names_ok = true, bits_ok = true;

    snprintf(cmd, sizeof cmd, "'%s/tests/image/elf-features.sh'", srcdir);
    FILE *p = popen(cmd, "r");
    if (!p)
        bail("cannot run elf-features.sh");
    while (fscanf(p, "%127s %u", name, &bit) == 2) {
        n++;
        const char *got = pvb_feature_name(bit);
        if (!got || strcmp(got, name)) {
            diag("bit %u: features.h says %s, pvb_feature_name %s", bit, name,
                 got ? got : "(null)");
            names_ok = false;
        }
        if (pvb_feature_from_name(name) != (int)bit) {
            diag("%s: features.h says bit %u, pvb_feature_from_name %d", name,
                 bit, pvb_feature_from_name(name));
            bits_ok = false;
        }
    }
    ok(pclose(p) == 0 && n >= 18, "features.h lists %u XENFEAT_ bits", n);
    ok(names_ok, "pvb_feature_name gives features.h's name for every bit");
    ok(bits_ok, "pvb_feature_from_name gives features.h's bit for every name");
    ok(pvb_feature_name(n) == NULL && pvb_feature_name(1000) == NULL,
       "no name beyond the header's bits");
    is_u64(pvb_feature_from_name("no_such_feature"), (uint64_t)-1,
           "an unknown name gives -1");
    is_u64(pvb_feature_from_name("XENFEAT_dom0"), (uint64_t)-1,
           "names are without the XENFEAT_ prefix");
    is_u64(pvb_feature_from_name(NULL), (uint64_t)-1, "NULL gives -1");
}

/* --------------------------------------------------------- good guests */

static void test_guest64(void)
{
    char path[512];
    path_of(path, sizeof path, "guest64");
    struct file fl = map_file(path);
    struct result *r = load("guest64", fl.data, fl.len);
    struct facts *f = readelf_facts(path, true);
    const struct pvb_guest *g = &r->g;

    if (ok(r->rc == 0, "guest64 loads")) {
        check_readelf("guest64", f, r, 0);
        is_u64(f->pt_note, 1, "guest64: readelf sees a PT_NOTE");
        is_u64(g->elf_class, 64, "guest64: ELFCLASS64");
        is_u64(g->elf_machine, EM_X86_64, "guest64: EM_X86_64");
        is_u64(g->virt_base, G64_VIRT_BASE, "guest64: VIRT_BASE as the source");
        is_u64(g->paddr_offset, G64_PADDR_OFFSET, "guest64: PADDR_OFFSET as the source");
        is_u64(g->entry, G64_KSTART + G_ENTRY_OFFSET, "guest64: ENTRY as the source");
        is_u64(g->entry, sym(f, "xen_entry"), "guest64: ENTRY is symbol xen_entry");
        is_u64(g->elf_entry, sym(f, "phys_startup_64"),
               "guest64: e_entry is symbol phys_startup_64");
        is_u64(g->elf_entry, G64_PHYS_START, "guest64: e_entry is physical, as Linux");
        is_u64(g->init_p2m, G64_INIT_P2M, "guest64: INIT_P2M as the source");
        is_u64(g->hv_start_low, G64_HV_START_LOW, "guest64: HV_START_LOW as the source");
        is_u64(g->mod_start_pfn, G64_MOD_START_PFN, "guest64: MOD_START_PFN");
        is_u64(g->suspend_cancel, G64_SUSPEND_CANCEL, "guest64: SUSPEND_CANCEL");
        is_u64(g->l1_mfn_valid[0], G64_L1_MFN_0, "guest64: L1_MFN_VALID first number");
        is_u64(g->l1_mfn_valid[1], G64_L1_MFN_1, "guest64: L1_MFN_VALID second number");
        is_u64(g->phys32_entry, sym(f, "pvh_start") - G64_VIRT_BASE,
               "guest64: PHYS32_ENTRY is pvh_start's physical address");
        is_u64(g->supported_features, G64_SUPPORTED_FEATURES,
               "guest64: SUPPORTED_FEATURES as the source");
        is_u64(g->features_supported, G64_FEATURES_SUPPORTED,
               "guest64: FEATURES names the source's features");
        is_u64(g->features_required, G64_FEATURES_REQUIRED,
               "guest64: FEATURES' '!' entries are required");
        is_str(g->features, G64_FEATURES, "guest64: FEATURES without NUL (as Linux) read whole");
        is_str(g->guest_os, G_GUEST_OS, "guest64: GUEST_OS from Xen, not the Linux-owned note");
        is_str(g->guest_version, G64_GUEST_VERSION, "guest64: GUEST_VERSION");
        is_str(g->xen_version, G_XEN_VERSION, "guest64: XEN_VERSION");
        is_str(g->loader, G_LOADER, "guest64: LOADER from Xen, not the XenX-owned note");
        is_str(g->pae_mode, G_PAE_MODE, "guest64: PAE_MODE");
        is_str(g->bsd_symtab, G64_BSD_SYMTAB, "guest64: BSD_SYMTAB");
        ok(!pvb_guest_has_note(g, XEN_ELFNOTE_HYPERCALL_PAGE) && g->hypercall_page == 0,
           "guest64: no HYPERCALL_PAGE");
        is_u64(g->virt_kstart, G64_KSTART, "guest64: virt_kstart as the source");
        is_u64(g->virt_kstart, sym(f, "_text"), "guest64: virt_kstart is symbol _text");
        is_u64(g->virt_kend, G64_KSTART + G_KERNEL_SIZE, "guest64: virt_kend as the source");
        is_u64(g->virt_kend, sym(f, "_end"), "guest64: virt_kend is symbol _end");
        is_u64(g->nr_segments, G_NR_LOADS, "guest64: %d PT_LOADs", G_NR_LOADS);
        if (g->nr_segments == G_NR_LOADS) {
            const struct pvb_image_segment *d = &r->segs[G_NR_LOADS - 1];
            is_u64(d->memsz - d->filesz, G_BSS_SIZE, "guest64: the .bss is p_memsz - p_filesz");
            is_u64(r->segs[0].vaddr, G64_KSTART, "guest64: segment 0 loads at virt_kstart");
        }
        is_u64(g->notes_skipped, 0, "guest64: no note skipped");
        is_u64(r->log.n, 0, "guest64: no warning");
        ok(!g->legacy_guest_info, "guest64: not legacy");
    }
    result_free(r);
    free(f);
    file_free(&fl);
}

static void test_guest64_hcall(void)
{
    char path[512];
    path_of(path, sizeof path, "guest64-hcall");
    struct file fl = map_file(path);
    struct result *r = load("guest64-hcall", fl.data, fl.len);
    struct facts *f = readelf_facts(path, true);
    const struct pvb_guest *g = &r->g;

    is_u64(f->pt_note, 0, "guest64-hcall: readelf sees no PT_NOTE (sections only)");
    if (ok(r->rc == 0, "guest64-hcall loads")) {
        /* GUEST_VERSION comes from the INFO note's legacy string. */
        check_readelf("guest64-hcall", f, r, BIT(XEN_ELFNOTE_GUEST_VERSION));
        ok(pvb_guest_has_note(g, XEN_ELFNOTE_INFO), "guest64-hcall: INFO seen");
        is_str(g->guest_version, G64_INFO_GUEST_VER,
               "guest64-hcall: INFO \"" G64_INFO_STRING "\" sets the guest version");
        ok(pvb_guest_has_note(g, XEN_ELFNOTE_HYPERCALL_PAGE),
           "guest64-hcall: HYPERCALL_PAGE seen");
        is_u64(g->hypercall_page, sym(f, "hypercall_page"),
               "guest64-hcall: HYPERCALL_PAGE is symbol hypercall_page");
        is_u64(g->hypercall_page, G64_KSTART + G_HCALL_OFFSET,
               "guest64-hcall: HYPERCALL_PAGE as the source");
        ok(!g->legacy_guest_info, "guest64-hcall: INFO does not make it legacy");
        is_u64(r->log.n, 0, "guest64-hcall: no warning");
    }
    result_free(r);
    free(f);
    file_free(&fl);
}

static void test_guest32(void)
{
    char path[512];
    path_of(path, sizeof path, "guest32");
    struct file fl = map_file(path);
    struct result *r = load("guest32", fl.data, fl.len);
    struct facts *f = readelf_facts(path, true);
    const struct pvb_guest *g = &r->g;

    if (ok(r->rc == 0, "guest32 loads")) {
        check_readelf("guest32", f, r, 0);
        is_u64(g->elf_class, 32, "guest32: ELFCLASS32");
        is_u64(g->elf_machine, EM_386, "guest32: EM_386");
        is_u64(g->virt_base, G32_VIRT_BASE, "guest32: VIRT_BASE (4-byte note)");
        ok(!pvb_guest_has_note(g, XEN_ELFNOTE_PADDR_OFFSET) && g->paddr_offset == 0,
           "guest32: no PADDR_OFFSET note: 0, as with notes libxenguest assumes");
        is_u64(g->entry, sym(f, "xen_entry"), "guest32: ENTRY is symbol xen_entry");
        is_u64(g->entry, G32_KSTART + G_ENTRY_OFFSET, "guest32: ENTRY as the source");
        is_u64(g->elf_entry, G32_PHYS_START, "guest32: e_entry is physical");
        is_u64(g->virt_kstart, G32_KSTART, "guest32: virt_kstart as the source");
        is_u64(g->virt_kend, sym(f, "_end"), "guest32: virt_kend is symbol _end");
        is_u64(g->hv_start_low, G32_HV_START_LOW, "guest32: HV_START_LOW");
        is_u64(g->mod_start_pfn, G32_MOD_START_PFN, "guest32: MOD_START_PFN");
        is_u64(g->l1_mfn_valid_count, 1, "guest32: one L1_MFN_VALID number");
        is_u64(g->l1_mfn_valid[0], G32_L1_MFN_VALID, "guest32: L1_MFN_VALID value");
        is_u64(g->supported_features, G32_SUPPORTED_FEATURES, "guest32: SUPPORTED_FEATURES");
        is_u64(g->features_supported, G32_FEATURES_SUPPORTED, "guest32: FEATURES supported");
        is_u64(g->features_required, G32_FEATURES_REQUIRED, "guest32: FEATURES required");
        is_str(g->guest_version, G32_GUEST_VERSION, "guest32: GUEST_VERSION");
        is_str(g->pae_mode, G_PAE_MODE, "guest32: PAE_MODE");
        is_u64(r->log.n, 0, "guest32: no warning");
    }
    result_free(r);
    free(f);
    file_free(&fl);
}

static const uint64_t legacy64_bits =
    BIT(XEN_ELFNOTE_GUEST_OS) | BIT(XEN_ELFNOTE_GUEST_VERSION) |
    BIT(XEN_ELFNOTE_XEN_VERSION) | BIT(XEN_ELFNOTE_VIRT_BASE) |
    BIT(XEN_ELFNOTE_HYPERCALL_PAGE) | BIT(XEN_ELFNOTE_LOADER) |
    BIT(XEN_ELFNOTE_FEATURES);

static void test_legacy64(void)
{
    char path[512];
    path_of(path, sizeof path, "legacy64");
    struct file fl = map_file(path);
    struct result *r = load("legacy64", fl.data, fl.len);
    struct facts *f = readelf_facts(path, true);
    const struct pvb_guest *g = &r->g;

    ok(f->guest_string[0] != '\0', "legacy64: readelf -p shows a __xen_guest string");
    if (ok(r->rc == 0, "legacy64 loads")) {
        check_readelf("legacy64", f, r, legacy64_bits);
        ok(g->legacy_guest_info, "legacy64: facts from __xen_guest");
        is_u64(g->virt_base, guest_string_num(f, "VIRT_BASE"),
               "legacy64: VIRT_BASE as readelf's string");
        is_u64(g->virt_base, L64_VIRT_BASE, "legacy64: VIRT_BASE as the source");
        is_u64(g->paddr_offset, g->virt_base,
               "legacy64: no ELF_PADDR_OFFSET: it defaults to VIRT_BASE");
        is_u64(g->hypercall_page,
               g->virt_base + (guest_string_num(f, "HYPERCALL_PAGE") << 12),
               "legacy64: HYPERCALL_PAGE is a page number from VIRT_BASE");
        is_u64(g->hypercall_page, sym(f, "hypercall_page"),
               "legacy64: HYPERCALL_PAGE is symbol hypercall_page");
        is_u64(g->entry, g->elf_entry, "legacy64: no VIRT_ENTRY: entry is e_entry");
        is_u64(g->entry, sym(f, "startup_64"), "legacy64: entry is symbol startup_64");
        is_u64(g->virt_kstart, L64_KSTART, "legacy64: virt_kstart as the source");
        is_u64(g->virt_kend, sym(f, "_end"), "legacy64: virt_kend is symbol _end");
        ok(g->nr_segments > 0 && r->segs[0].vaddr == r->segs[0].paddr,
           "legacy64: p_paddr held the virtual address");
        is_str(g->guest_os, G_GUEST_OS, "legacy64: GUEST_OS");
        is_str(g->guest_version, G_STR(L64_GUEST_VER), "legacy64: GUEST_VER");
        is_str(g->xen_version, G_XEN_VERSION, "legacy64: XEN_VER");
        is_str(g->loader, G_LOADER, "legacy64: LOADER");
        is_str(g->features, G_STR(L64_FEATURES), "legacy64: FEATURES string");
        is_u64(g->features_supported, L64_FEATURES_SUPPORTED, "legacy64: FEATURES supported");
        is_u64(g->features_required, L64_FEATURES_REQUIRED, "legacy64: FEATURES required");
        is_u64(r->log.n, 0, "legacy64: no warning");
    }
    result_free(r);
    free(f);
    file_free(&fl);
}

static void test_legacy32(void)
{
    char path[512];
    path_of(path, sizeof path, "legacy32");
    struct file fl = map_file(path);
    struct result *r = load("legacy32", fl.data, fl.len);
    struct facts *f = readelf_facts(path, true);
    const struct pvb_guest *g = &r->g;
    uint64_t bits = BIT(XEN_ELFNOTE_GUEST_OS) | BIT(XEN_ELFNOTE_XEN_VERSION) |
                    BIT(XEN_ELFNOTE_VIRT_BASE) | BIT(XEN_ELFNOTE_PADDR_OFFSET) |
                    BIT(XEN_ELFNOTE_ENTRY) | BIT(XEN_ELFNOTE_HYPERCALL_PAGE) |
                    BIT(XEN_ELFNOTE_PAE_MODE) | BIT(XEN_ELFNOTE_LOADER) |
                    BIT(XEN_ELFNOTE_FEATURES) | BIT(XEN_ELFNOTE_BSD_SYMTAB);

    if (ok(r->rc == 0, "legacy32 loads")) {
        check_readelf("legacy32", f, r, bits);
        ok(g->legacy_guest_info, "legacy32: facts from __xen_guest");
        is_u64(g->elf_class, 32, "legacy32: ELFCLASS32");
        is_u64(g->virt_base, guest_string_num(f, "VIRT_BASE"),
               "legacy32: VIRT_BASE as readelf's string");
        is_u64(g->paddr_offset, guest_string_num(f, "ELF_PADDR_OFFSET"),
               "legacy32: ELF_PADDR_OFFSET as readelf's string");
        is_u64(g->entry, guest_string_num(f, "VIRT_ENTRY"),
               "legacy32: VIRT_ENTRY as readelf's string");
        is_u64(g->entry, sym(f, "xen_entry"), "legacy32: VIRT_ENTRY is symbol xen_entry");
        ok(g->entry != g->elf_entry, "legacy32: VIRT_ENTRY wins over e_entry");
        is_u64(g->hypercall_page, sym(f, "hypercall_page"),
               "legacy32: HYPERCALL_PAGE is symbol hypercall_page");
        is_u64(g->virt_kstart, L32_KSTART, "legacy32: virt_kstart as the source");
        is_str(g->pae_mode, G_STR(L32_PAE), "legacy32: PAE value kept as written");
        is_str(g->bsd_symtab, "yes", "legacy32: BSD_SYMTAB present means yes");
        is_u64(logged(&r->log, "BSD_SYMTAB"), 1,
               "legacy32: a warning says the symbol table is not loaded");
        is_u64(g->features_required, L32_FEATURES_REQUIRED, "legacy32: FEATURES required");
    }
    result_free(r);
    free(f);
    file_free(&fl);
}

/* ------------------------------------------------------- malformed notes */

static void test_badnotes(void)
{
    char path[512];
    path_of(path, sizeof path, "badnotes64");
    struct file fl = map_file(path);
    struct result *r = load("badnotes64", fl.data, fl.len);
    const struct pvb_guest *g = &r->g;
    static const char *const expect[] = {
        "badnotes64: Xen note HYPERCALL_PAGE (type 2): descriptor of 3 bytes, "
            "want a 4- or 8-byte number; skipped",
        "badnotes64: Xen note SUPPORTED_FEATURES (type 17): descriptor of 2 "
            "bytes, want a multiple of 4; skipped",
        "owner name \"Xen\" not NUL-terminated within namesz 3; skipped",
        "badnotes64: Xen note PAE_MODE (type 9): empty descriptor",
        "badnotes64: Xen note L1_MFN_VALID (type 13): descriptor of 12 bytes",
        "badnotes64: Xen note GUEST_VERSION (type 7): descriptor of 0x1389 bytes "
            "exceeds the string limit 0x1000; skipped",
        "badnotes64: Xen note INFO VIRT_BASE value \"0xzz\" is not a 64-bit "
            "number; note skipped",
        "descsz 0x7ffffff0) runs past the end of the note area",
        "badnotes64: FEATURES names an unknown feature \"no_such_feature\"",
        "badnotes64: FEATURES names a required feature \"also_unknown\"",
    };

    if (ok(r->rc == 0, "badnotes64 loads despite its bad notes")) {
        is_u64(g->notes_skipped, BAD_NR_SKIPPED, "badnotes64: %d notes skipped",
               BAD_NR_SKIPPED);
        for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
            is_u64(logged(&r->log, expect[i]), 1, "badnotes64: warned \"%s\"", expect[i]);
        bool named = true;
        for (int i = 0; i < r->log.n; i++)
            named &= !strncmp(r->log.msg[i], "badnotes64: ", 12);
        ok(named, "badnotes64: every warning names the file");
        is_u64(g->notes_seen,
               BIT(XEN_ELFNOTE_GUEST_OS) | BIT(XEN_ELFNOTE_XEN_VERSION) |
               BIT(XEN_ELFNOTE_VIRT_BASE) | BIT(XEN_ELFNOTE_PADDR_OFFSET) |
               BIT(XEN_ELFNOTE_ENTRY) | BIT(XEN_ELFNOTE_MOD_START_PFN) |
               BIT(XEN_ELFNOTE_FEATURES) | BIT(XEN_ELFNOTE_LOADER),
               "badnotes64: only the good notes are seen; none after the broken one");
        is_u64(g->virt_base, G64_VIRT_BASE, "badnotes64: the bad INFO left VIRT_BASE alone");
        ok(g->hypercall_page == 0 && g->supported_features == 0 &&
           g->l1_mfn_valid_count == 0 && g->guest_version[0] == '\0' &&
           g->pae_mode[0] == '\0' && g->init_p2m == 0,
           "badnotes64: skipped notes left no values");
        is_str(g->loader, G_LOADER, "badnotes64: the good LOADER");
        is_u64(g->features_supported, BAD_FEATURES_SUPPORTED,
               "badnotes64: known features kept, unknown dropped");
        is_u64(g->features_required, BAD_FEATURES_REQUIRED,
               "badnotes64: known required feature kept");
    }
    result_free(r);
    file_free(&fl);

    path_of(path, sizeof path, "manynotes64");
    fl = map_file(path);
    r = load("manynotes64", fl.data, fl.len);
    is_u64(r->rc, -E2BIG, "manynotes64: %d notes are refused", MANY_NOTES_COUNT);
    is_str(r->err.msg, "manynotes64: more than 65536 ELF notes",
           "manynotes64: the error names the cap");
    ok(r->g.segments == NULL && r->segs == NULL, "manynotes64: no segments on error");
    result_free(r);
    file_free(&fl);
}

/* ------------------------------------------------- corrupted headers */

static Elf64_Ehdr *eh64(struct file *f) { return (Elf64_Ehdr *)f->data; }
static Elf32_Ehdr *eh32(struct file *f) { return (Elf32_Ehdr *)f->data; }
static Elf64_Phdr *ph64(struct file *f, int i)
{
    return (Elf64_Phdr *)(f->data + eh64(f)->e_phoff) + i;
}
static Elf32_Phdr *ph32(struct file *f, int i)
{
    return (Elf32_Phdr *)(f->data + eh32(f)->e_phoff) + i;
}

/* Section i's header fields, for either class. */
struct shdr {
    uint32_t name, type;
    uint64_t offset, size;
    void *raw;
};

static int nr_sections(struct file *f)
{
    return f->data[EI_CLASS] == ELFCLASS64 ? eh64(f)->e_shnum : eh32(f)->e_shnum;
}

static struct shdr shdr_at(struct file *f, int i)
{
    if (f->data[EI_CLASS] == ELFCLASS64) {
        Elf64_Shdr *sh = (Elf64_Shdr *)(f->data + eh64(f)->e_shoff) + i;
        return (struct shdr){ sh->sh_name, sh->sh_type, sh->sh_offset, sh->sh_size, sh };
    }
    Elf32_Shdr *sh = (Elf32_Shdr *)(f->data + eh32(f)->e_shoff) + i;
    return (struct shdr){ sh->sh_name, sh->sh_type, sh->sh_offset, sh->sh_size, sh };
}

static Elf64_Shdr *section64(struct file *f, const char *name)
{
    int strndx = eh64(f)->e_shstrndx;
    const char *strtab = (const char *)f->data + shdr_at(f, strndx).offset;
    for (int i = 0; i < nr_sections(f); i++)
        if (!strcmp(strtab + shdr_at(f, i).name, name))
            return shdr_at(f, i).raw;
    bail("test guest lacks a section");
    return NULL;
}

/* Call fn on every Xen note of `type` (-1: any) in every SHT_NOTE section. */
static int each_note(struct file *f, long type,
                     void (*fn)(Elf64_Nhdr *n, unsigned char *desc, void *arg),
                     void *arg)
{
    int hits = 0;
    for (int i = 0; i < nr_sections(f); i++) {
        struct shdr sh = shdr_at(f, i);
        if (sh.type != SHT_NOTE || sh.offset + sh.size > f->len)
            continue;
        size_t off = sh.offset, end = off + sh.size;
        /* Elf32_Nhdr and Elf64_Nhdr are the same three 32-bit words. */
        while (off + sizeof(Elf64_Nhdr) <= end) {
            Elf64_Nhdr *n = (Elf64_Nhdr *)(f->data + off);
            unsigned char *name = f->data + off + sizeof *n;
            unsigned char *desc = name + ((n->n_namesz + 3) & ~3u);
            size_t next = (size_t)(desc - f->data) + ((n->n_descsz + 3) & ~3u);
            if (next > end)
                break;
            if ((type < 0 || n->n_type == type) && n->n_namesz == 4 &&
                !memcmp(name, "Xen", 4)) {
                fn(n, desc, arg);
                hits++;
            }
            off = next;
        }
    }
    if (!hits)
        bail("test guest lacks a note");
    return hits;
}

static void set_desc64(Elf64_Nhdr *n, unsigned char *desc, void *arg)
{
    uint64_t v = *(uint64_t *)arg;
    memcpy(desc, &v, n->n_descsz < 8 ? n->n_descsz : 8);
}
static void set_type(Elf64_Nhdr *n, unsigned char *desc, void *arg)
{
    (void)desc;
    n->n_type = *(unsigned *)arg;
}
static void set_string(Elf64_Nhdr *n, unsigned char *desc, void *arg)
{
    memcpy(desc, arg, strlen(arg) + 1 <= n->n_descsz ? strlen(arg) + 1 : n->n_descsz);
}
static void rename_owner(Elf64_Nhdr *n, unsigned char *desc, void *arg)
{
    (void)desc;
    (void)arg;
    ((unsigned char *)(n + 1))[2] = 'o';    /* "Xen" -> "Xeo" */
}
static void remember(Elf64_Nhdr *n, unsigned char *desc, void *arg)
{
    (void)desc;
    *(Elf64_Nhdr **)arg = n;
}

static void expect_error(struct file *f, const char *name, int code,
                         const char *want, bool exact, const char *what)
{
    struct result *r = load(name, f->data, f->len);
    is_u64(r->rc, code, "%s: fails with %d", what, code);
    if (exact)
        is_str(r->err.msg, want, "%s: error message", what);
    else if (!ok(strstr(r->err.msg, want) != NULL, "%s: error says \"%s\"", what, want))
        diag("got \"%s\"", r->err.msg);
    ok(!strncmp(r->err.msg, name, strlen(name)) && !strchr(r->err.msg, '\n'),
       "%s: one line, naming the file", what);
    ok(r->segs == NULL && r->g.segments == NULL && r->g.nr_segments == 0,
       "%s: nothing left allocated", what);
    result_free(r);
}

static void test_bad_headers(void)
{
    struct file f;
    char want[512];

    f = copy_of("guest64");
    eh64(&f)->e_machine = EM_386;
    expect_error(&f, "g64-i386", -ENOEXEC,
                 "g64-i386: ELF ELFCLASS64 with e_machine EM_386 (3) is not an x86 "
                 "PV kernel (want ELFCLASS64 with EM_X86_64 or ELFCLASS32 with EM_386)",
                 true, "ELFCLASS64 with EM_386");
    eh64(&f)->e_machine = EM_AARCH64;
    expect_error(&f, "g64-arm", -ENOEXEC, "ELFCLASS64 with e_machine EM_AARCH64 (183)",
                 false, "ELFCLASS64 with EM_AARCH64");
    eh64(&f)->e_machine = EM_X86_64;
    f.data[EI_DATA] = ELFDATA2MSB;
    expect_error(&f, "g64-msb", -ENOEXEC, "data encoding 2 is not ELFDATA2LSB",
                 false, "big-endian e_ident");
    f.data[EI_DATA] = ELFDATA2LSB;
    f.data[EI_CLASS] = 7;
    expect_error(&f, "g64-class", -ENOEXEC, "class 7 is neither ELFCLASS32 nor ELFCLASS64",
                 false, "unknown ELF class");
    f.data[EI_CLASS] = ELFCLASS64;
    f.data[EI_VERSION] = 9;
    expect_error(&f, "g64-ver", -ENOEXEC, "e_ident version 9 is not EV_CURRENT",
                 false, "unknown ELF version");
    f.data[EI_VERSION] = EV_CURRENT;
    memcpy(f.data, "\177ELG", 4);
    expect_error(&f, "g64-magic", -ENOEXEC, "not an ELF file", false, "bad magic");
    memcpy(f.data, ELFMAG, SELFMAG);
    {
        struct file t = { f.data, 10, false };
        expect_error(&t, "g64-short", -ENOEXEC, "g64-short: not an ELF file (size 0xa)",
                     true, "a file shorter than e_ident");
        t.len = 0x30;
        expect_error(&t, "g64-hdr", -ENOEXEC, "g64-hdr: ELF header truncated: file "
                     "size 0x30 is less than the 0x40 bytes of an ELF64 header", true,
                     "a file shorter than the ELF header");
    }
    eh64(&f)->e_phnum = 0xfff0;
    snprintf(want, sizeof want, "g64-phnum: ELF e_phoff 0x40 + e_phnum 65520 * "
             "e_phentsize 56 runs past end of file (size 0x%zx)", f.len);
    expect_error(&f, "g64-phnum", -ENOEXEC, want, true,
                 "e_phnum 0xfff0 past the end of file");
    /* PN_XNUM: the count is section 0's sh_info, here 0. */
    eh64(&f)->e_phnum = PN_XNUM;
    expect_error(&f, "g64-xnum", -ENOEXEC, "g64-xnum: ELF has no loadable PT_LOAD "
                 "program header (0 program headers)", true, "e_phnum PN_XNUM, sh_info 0");
    uint64_t shoff = eh64(&f)->e_shoff;
    eh64(&f)->e_shoff = 0;
    expect_error(&f, "g64-xnum0", -ENOEXEC, "g64-xnum0: ELF e_phnum is PN_XNUM but "
                 "there is no section 0 to hold the count (e_shoff 0x0)", true,
                 "e_phnum PN_XNUM without a section table");
    eh64(&f)->e_shoff = shoff;
    eh64(&f)->e_phnum = 4;
    eh64(&f)->e_phoff = UINT64_MAX - 0x40;
    expect_error(&f, "g64-phoff", -ENOEXEC, "g64-phoff: ELF e_phoff 0xffffffffffffffbf "
                 "+ e_phnum 4 * e_phentsize 56 runs past end of file", false,
                 "e_phoff + table size wrapping");
    eh64(&f)->e_phoff = sizeof(Elf64_Ehdr);
    eh64(&f)->e_phentsize = 0x20;
    expect_error(&f, "g64-phent", -ENOEXEC, "g64-phent: ELF e_phentsize 32 is not the 56 "
                 "bytes of an ELF64 program header", true, "e_phentsize wrong");
    eh64(&f)->e_phentsize = sizeof(Elf64_Phdr);
    eh64(&f)->e_shentsize = 0x20;
    expect_error(&f, "g64-shent", -ENOEXEC, "g64-shent: ELF e_shentsize 32 is not the 64 "
                 "bytes of an ELF64 section header", true, "e_shentsize wrong");
    eh64(&f)->e_shentsize = sizeof(Elf64_Shdr);
    eh64(&f)->e_shoff = f.len - 0x10;
    snprintf(want, sizeof want, "g64-shoff: ELF e_shoff 0x%zx + e_shnum %u * e_shentsize "
             "64 runs past end of file (size 0x%zx)", f.len - 0x10, eh64(&f)->e_shnum, f.len);
    expect_error(&f, "g64-shoff", -ENOEXEC, want, true, "section table past end of file");
    eh64(&f)->e_shoff = shoff;
    {
        struct result *ok_again = load("g64-restored", f.data, f.len);
        is_u64(ok_again->rc, 0, "the restored copy loads again (the cases above changed "
               "one field each)");
        result_free(ok_again);
    }
    file_free(&f);

    f = copy_of("guest32");
    eh32(&f)->e_machine = EM_X86_64;
    expect_error(&f, "g32-x86_64", -ENOEXEC,
                 "ELF ELFCLASS32 with e_machine EM_X86_64 (62) is not an x86 PV kernel",
                 false, "ELFCLASS32 with EM_X86_64");
    eh32(&f)->e_machine = EM_386;
    ph32(&f, 2)->p_paddr = 0xfffff000;
    snprintf(want, sizeof want, "g32-wrap: ELF program header 2: p_paddr 0xfffff000 + "
             "p_memsz 0x%x wraps around the 32-bit address space", ph32(&f, 2)->p_memsz);
    expect_error(&f, "g32-wrap", -ENOEXEC, want, true, "ELF32 p_paddr + p_memsz past 4 GiB");
    file_free(&f);
}

static void test_bad_segments(void)
{
    struct file f = copy_of("guest64");
    Elf64_Phdr *p0 = ph64(&f, 0), *p1 = ph64(&f, 1), *p2 = ph64(&f, 2);
    Elf64_Phdr save;
    char want[512];

    save = *p1;
    p1->p_memsz = p1->p_filesz - 1;
    snprintf(want, sizeof want, "filesz: ELF program header 1: p_filesz 0x%llx exceeds "
             "p_memsz 0x%llx", (unsigned long long)p1->p_filesz,
             (unsigned long long)p1->p_memsz);
    expect_error(&f, "filesz", -ENOEXEC, want, true, "p_filesz > p_memsz");
    *p1 = save;

    save = *p2;
    p2->p_offset = f.len - 0x10;
    snprintf(want, sizeof want, "pasteof: ELF program header 2: p_offset 0x%llx + "
             "p_filesz 0x%llx runs past end of file (size 0x%zx)",
             (unsigned long long)p2->p_offset, (unsigned long long)p2->p_filesz, f.len);
    expect_error(&f, "pasteof", -ENOEXEC, want, true, "segment past end of file");
    p2->p_offset = UINT64_MAX - 0xfff;
    snprintf(want, sizeof want, "wrapoff: ELF program header 2: p_offset 0x%llx + "
             "p_filesz 0x%llx runs past end of file (size 0x%zx)",
             (unsigned long long)p2->p_offset, (unsigned long long)p2->p_filesz, f.len);
    expect_error(&f, "wrapoff", -ENOEXEC, want, true, "p_offset + p_filesz overflowing");
    *p2 = save;

    save = *p2;
    p2->p_paddr = p0->p_paddr + 0x1000;
    snprintf(want, sizeof want, "overlap: PT_LOAD segments 0 and 2 overlap: physical "
             "[0x%llx, 0x%llx) and [0x%llx, 0x%llx)", (unsigned long long)p0->p_paddr,
             (unsigned long long)(p0->p_paddr + p0->p_memsz),
             (unsigned long long)p2->p_paddr,
             (unsigned long long)(p2->p_paddr + p2->p_memsz));
    expect_error(&f, "overlap", -ENOEXEC, want, true, "overlapping physical ranges");
    p2->p_paddr = UINT64_MAX - 0xfff;
    expect_error(&f, "pwrap", -ENOEXEC, "wraps around the 64-bit address space", false,
                 "p_paddr + p_memsz wrapping");
    p2->p_paddr = save.p_paddr;
    p2->p_vaddr = UINT64_MAX - 0xfff;
    expect_error(&f, "vwrap", -ENOEXEC, "p_vaddr 0xfffffffffffff000 + p_memsz 0x4000 "
                 "wraps around the 64-bit address space", false, "p_vaddr + p_memsz wrapping");
    *p2 = save;

    for (int i = 0; i < eh64(&f)->e_phnum; i++)
        if (ph64(&f, i)->p_type == PT_LOAD)
            ph64(&f, i)->p_type = PT_NULL;
    expect_error(&f, "noload", -ENOEXEC, "noload: ELF has no loadable PT_LOAD program "
                 "header (4 program headers)", true, "no PT_LOAD");
    file_free(&f);

    /* A PT_NOTE past the end: warned; the section still has the notes. */
    f = copy_of("guest64");
    for (int i = 0; i < eh64(&f)->e_phnum; i++)
        if (ph64(&f, i)->p_type == PT_NOTE)
            ph64(&f, i)->p_offset = f.len;
    struct result *r = load("notepast", f.data, f.len);
    ok(r->rc == 0, "PT_NOTE past end of file: still loads (from SHT_NOTE)");
    is_u64(logged(&r->log, "PT_NOTE program header 3: p_offset"), 1,
           "PT_NOTE past end of file: warned");
    is_u64(r->g.virt_base, G64_VIRT_BASE, "PT_NOTE past end of file: notes from the section");
    result_free(r);
    file_free(&f);

    /* Some binutils wrote p_offset 0 for PT_NOTE: libxenguest skips those. */
    f = copy_of("guest64");
    for (int i = 0; i < eh64(&f)->e_phnum; i++)
        if (ph64(&f, i)->p_type == PT_NOTE)
            ph64(&f, i)->p_offset = 0;
    r = load("noteoff0", f.data, f.len);
    ok(r->rc == 0 && r->log.n == 0 && r->g.notes_skipped == 0,
       "PT_NOTE with p_offset 0: ignored quietly, notes from SHT_NOTE");
    result_free(r);
    file_free(&f);
}

static void test_bad_notes_patched(void)
{
    struct file f;
    struct result *r;
    uint64_t v;
    unsigned t;
    char want[512];

    /* The last note's descsz made huge: reading stops, the rest stands. */
    f = copy_of("guest64");
    Elf64_Nhdr *last = NULL;
    each_note(&f, XEN_ELFNOTE_PHYS32_ENTRY, remember, &last);
    last->n_descsz = 0xfffffff0;
    r = load("hugedesc", f.data, f.len);
    ok(r->rc == 0, "descsz 0xfffffff0 on the last note: still loads");
    is_u64(logged(&r->log, "(type 0x12, namesz 0x4, descsz 0xfffffff0) runs past the end "
                  "of the note area"), 1, "descsz huge: warned, naming the note");
    is_u64(r->g.notes_skipped, 1, "descsz huge: one note skipped");
    ok(!pvb_guest_has_note(&r->g, XEN_ELFNOTE_PHYS32_ENTRY) &&
       pvb_guest_has_note(&r->g, XEN_ELFNOTE_HV_START_LOW),
       "descsz huge: that note lost, the ones before kept");
    result_free(r);
    file_free(&f);

    /* A sections-only guest whose note section ends inside its last note. */
    f = copy_of("guest64-hcall");
    section64(&f, ".note.Xen")->sh_size -= 6;
    r = load("truncated", f.data, f.len);
    ok(r->rc == 0, "note section cut inside its last note: still loads");
    is_u64(logged(&r->log, "truncated: SHT_NOTE section"), 1,
           "truncated note: warned, naming the section");
    is_u64(logged(&r->log, "stopped reading this note area"), 1,
           "truncated note: says reading stopped");
    ok(!pvb_guest_has_note(&r->g, XEN_ELFNOTE_PHYS32_ENTRY) &&
       pvb_guest_has_note(&r->g, XEN_ELFNOTE_HYPERCALL_PAGE),
       "truncated note: the cut note lost, the others kept");
    result_free(r);
    file_free(&f);

    f = copy_of("guest64");
    v = G64_KSTART + G_KERNEL_SIZE;
    each_note(&f, XEN_ELFNOTE_ENTRY, set_desc64, &v);
    snprintf(want, sizeof want, "entry: entry 0x%llx (ENTRY) lies outside the kernel "
             "[0x%llx, 0x%llx)", (unsigned long long)v, (unsigned long long)G64_KSTART,
             (unsigned long long)(G64_KSTART + G_KERNEL_SIZE));
    expect_error(&f, "entry", -ENOEXEC, want, true, "ENTRY at virt_kend");
    file_free(&f);

    f = copy_of("guest64");
    t = 0x100;
    each_note(&f, XEN_ELFNOTE_VIRT_BASE, set_type, &t);
    expect_error(&f, "novbase", -ENOEXEC,
                 "novbase: PADDR_OFFSET 0x0 is set but VIRT_BASE is not", true,
                 "PADDR_OFFSET without VIRT_BASE");
    file_free(&f);

    f = copy_of("guest64");
    v = G64_PHYS_START + 0x1000;
    each_note(&f, XEN_ELFNOTE_PADDR_OFFSET, set_desc64, &v);
    expect_error(&f, "vbase", -ENOEXEC, "VIRT_BASE 0xffffffff80000000 lies above the "
                 "kernel's virtual start 0xffffffff7ffff000", false,
                 "VIRT_BASE above virt_kstart");
    file_free(&f);

    f = copy_of("guest64");
    v = G64_KSTART + 0x2000;
    each_note(&f, XEN_ELFNOTE_INIT_P2M, set_desc64, &v);
    expect_error(&f, "p2m", -ENOEXEC, "INIT_P2M 0xffffffff81002000 lies inside the kernel",
                 false, "INIT_P2M inside the kernel");
    file_free(&f);

    f = copy_of("guest64-hcall");
    v = G64_KSTART - 0x1000;
    each_note(&f, XEN_ELFNOTE_HYPERCALL_PAGE, set_desc64, &v);
    expect_error(&f, "hcall", -ENOEXEC, "HYPERCALL_PAGE 0xffffffff80fff000 is not a "
                 "page-aligned page inside the kernel", false, "HYPERCALL_PAGE below the kernel");
    v = G64_KSTART + G_HCALL_OFFSET + 0x10;
    each_note(&f, XEN_ELFNOTE_HYPERCALL_PAGE, set_desc64, &v);
    expect_error(&f, "hcall", -ENOEXEC, "HYPERCALL_PAGE 0xffffffff81001010 is not a "
                 "page-aligned", false, "HYPERCALL_PAGE not page aligned");
    file_free(&f);

    f = copy_of("guest64");
    each_note(&f, XEN_ELFNOTE_XEN_VERSION, set_string, "xen-2.0");
    expect_error(&f, "xenver", -ENOEXEC, "xenver: XEN_VERSION \"xen-2.0\": Xen loads only "
                 "images built for \"xen-3.0\"", true, "XEN_VERSION not xen-3.0");
    file_free(&f);

    f = copy_of("guest64");
    each_note(&f, XEN_ELFNOTE_GUEST_OS, set_string, "minix");
    each_note(&f, XEN_ELFNOTE_LOADER, set_string, "special");
    expect_error(&f, "os", -ENOEXEC, "GUEST_OS \"minix\" and LOADER \"special\"", false,
                 "neither Linux nor the generic loader");
    file_free(&f);

    f = copy_of("guest64");
    each_note(&f, -1, rename_owner, NULL);
    expect_error(&f, "noxen", -ENOEXEC, "noxen: not a Xen PV kernel: no Xen ELF notes and "
                 "no __xen_guest section", true, "no Xen notes at all");
    file_free(&f);

    /*
     * 32-bit arithmetic: PADDR_OFFSET above VIRT_BASE makes the offset
     * "negative", which only works modulo 4 GiB.  guest32's HV_START_LOW
     * note becomes a PADDR_OFFSET of 0xf0000000 and every p_paddr moves up
     * by as much: the kernel must come out where it was.
     */
    f = copy_of("guest32");
    t = XEN_ELFNOTE_PADDR_OFFSET;
    each_note(&f, XEN_ELFNOTE_HV_START_LOW, set_type, &t);
    v = 0xf0000000;
    each_note(&f, XEN_ELFNOTE_PADDR_OFFSET, set_desc64, &v);
    for (int i = 0; i < eh32(&f)->e_phnum; i++)
        if (ph32(&f, i)->p_type == PT_LOAD)
            ph32(&f, i)->p_paddr += 0xf0000000;
    r = load("g32-neg", f.data, f.len);
    if (ok(r->rc == 0, "ELF32 with PADDR_OFFSET above VIRT_BASE loads")) {
        is_u64(r->g.virt_kstart, G32_KSTART, "ELF32: virt_kstart computed modulo 4 GiB");
        is_u64(r->g.virt_kend, G32_KSTART + G_KERNEL_SIZE,
               "ELF32: virt_kend computed modulo 4 GiB");
        is_u64(r->segs[0].vaddr, G32_KSTART, "ELF32: segment vaddr computed modulo 4 GiB");
    }
    result_free(r);
    file_free(&f);

    /* The legacy string with a broken number. */
    f = copy_of("legacy64");
    Elf64_Shdr *xg = section64(&f, "__xen_guest");
    char *s = memmem(f.data + xg->sh_offset, xg->sh_size, "VIRT_BASE=0x", 12);
    if (!s)
        bail("legacy64 string lacks VIRT_BASE");
    s[12] = 'g';
    expect_error(&f, "legacybad", -EINVAL, "legacybad: __xen_guest VIRT_BASE value "
                 "\"0xgfffffff80000000\" is not a 64-bit number", true,
                 "__xen_guest with a bad number");
    file_free(&f);
}

/* --------------------------------------------------- parsers directly */

static void test_parsers(void)
{
    struct logcap cap = { 0 };
    pvb_logger lg = { capture, &cap };
    struct pvb_guest g;
    pvb_error err = { 0 };
    char longname[300];

    memset(&g, 0, sizeof g);
    xen_features_parse("feat", "dom0||!writable_page_tables|bogus|", &g, &lg);
    is_u64(g.features_supported, BIT(XENFEAT_dom0) | BIT(XENFEAT_writable_page_tables),
           "features: supported bits, empty entries ignored");
    is_u64(g.features_required, BIT(XENFEAT_writable_page_tables), "features: required bit");
    is_u64(logged(&cap, "feat: FEATURES names an unknown feature \"bogus\""), 1,
           "features: unknown name warned");
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    cap.n = 0;
    xen_features_parse("feat", longname, &g, &lg);
    is_u64(cap.n, 1, "features: a 299-byte name is one warning");

    memset(&g, 0, sizeof g);
    const char *s1 = "HYPERCALL_PAGE=0x2,VIRT_BASE=0x100000,FOO=bar,BSD_SYMTAB,PAE=yes";
    cap.n = 0;
    is_u64(xen_guest_string_parse("gs", s1, strlen(s1), &g, &lg, &err), 0,
           "guest string: parses");
    is_u64(g.virt_base, 0x100000, "guest string: VIRT_BASE");
    is_u64(g.hypercall_page, 0x102000,
           "guest string: HYPERCALL_PAGE is VIRT_BASE + pfn * 4096, whatever the order");
    is_str(g.bsd_symtab, "yes", "guest string: BSD_SYMTAB");
    is_str(g.pae_mode, "yes", "guest string: PAE");
    is_u64(logged(&cap, "gs: __xen_guest key \"FOO\" is not one Xen knows; ignored"), 1,
           "guest string: unknown key warned");
    const char *s2 = "VIRT_BASE=-1";
    is_u64(xen_guest_string_parse("gs", s2, strlen(s2), &g, &lg, &err), -EINVAL,
           "guest string: a negative number is refused");
    const char *s3 = "GUEST_OS=linux,VIRT_BASE";
    is_u64(xen_guest_string_parse("gs", s3, strlen(s3), &g, &lg, &err), -EINVAL,
           "guest string: a number key without a value is refused");
    is_str(err.msg, "gs: __xen_guest VIRT_BASE has no value", "guest string: says so");
    const char *s4 = "VIRT_BASE=0x1000,HYPERCALL_PAGE=0x10000000000000";
    is_u64(xen_guest_string_parse("gs", s4, strlen(s4), &g, &lg, &err), -ERANGE,
           "guest string: a page number overflowing is refused");
    memset(&g, 0, sizeof g);
    const char *s5 = "GUEST_OS=linux,LOADER=generic";
    is_u64(xen_guest_string_parse("gs", s5, 11, &g, &lg, &err), 0,
           "guest string: len bounds the string");
    is_str(g.guest_os, "li", "guest string: nothing read past len");

    memset(&g, 0, sizeof g);
    const unsigned char num8[8] = { 0x00, 0x10, 0, 0, 0, 0, 0, 0x80 };
    xen_note_record("n", XEN_ELFNOTE_INIT_P2M, num8, 8, &g, &lg);
    is_u64(g.init_p2m, UINT64_C(0x8000000000001000), "note: 8-byte little-endian number");
    xen_note_record("n", XEN_ELFNOTE_MOD_START_PFN, num8, 4, &g, &lg);
    is_u64(g.mod_start_pfn, 0x1000, "note: 4-byte number");
    uint64_t before = g.notes_seen;
    cap.n = 0;
    xen_note_record("n", 0x1000001, num8, 8, &g, &lg);
    ok(g.notes_seen == before && g.notes_skipped == 0 && cap.n == 0,
       "note: a type outside elfnote.h's guest notes is ignored quietly");
    char big[300];
    memset(big, 'x', sizeof big);
    big[sizeof big - 1] = '\0';
    xen_note_record("n", XEN_ELFNOTE_GUEST_VERSION, big, sizeof big, &g, &lg);
    is_u64(strlen(g.guest_version), PVB_NOTE_STR_MAX - 1,
           "note: a 299-byte string is kept to the field's size");
    is_u64(logged(&cap, "kept its first 255 bytes"), 1, "note: the cut is warned");
    char feat[300];
    memset(feat, 'b', sizeof feat);
    memcpy(feat + sizeof feat - 6, "|dom0", 6);
    cap.n = 0;
    xen_note_record("n", XEN_ELFNOTE_FEATURES, feat, sizeof feat, &g, &lg);
    ok(g.features_supported & BIT(XENFEAT_dom0),
       "note: a FEATURES string longer than the field is parsed whole");
    is_u64(cap.n, 2, "note: warned about the cut and the unknown name");
    xen_note_record("n", XEN_ELFNOTE_ENTRY, num8, 8, &g, NULL);
    ok(pvb_guest_has_note(&g, XEN_ELFNOTE_ENTRY), "note: a NULL logger is fine");
}

/* ------------------------------------------------------ Debian's kernel */

static void test_debian(void)
{
    char out[512];
    const char *kernel = test_kernel();

    if (!kernel) {
        printf("ok %d # SKIP no Debian kernel (scripts/find-kernel --fetch)\n", ++tap_n);
        return;
    }
    char cmd[1024];
    path_of(out, sizeof out, "vmlinux");
    snprintf(cmd, sizeof cmd, "'%s/tests/image/elf-vmlinux.sh' '%s' '%s'", srcdir,
             kernel, out);
    if (!ok(system(cmd) == 0, "%s: ELF extracted with od, tail, head and xz", kernel))
        return;
    struct file fl = map_file(out);
    struct result *r = load(kernel, fl.data, fl.len);
    struct facts *f = readelf_facts(out, false);
    const struct pvb_guest *g = &r->g;
    if (ok(r->rc == 0, "%s: loads", kernel)) {
        check_readelf("debian", f, r, 0);
        /* Values from docs/pv-boot-abi.md (Debian 12's 6.1 kernel). */
        is_u64(g->elf_class, 64, "debian: ELFCLASS64");
        is_u64(g->virt_base, UINT64_C(0xffffffff80000000), "debian: VIRT_BASE");
        is_u64(g->paddr_offset, 0, "debian: PADDR_OFFSET");
        is_u64(g->hv_start_low, UINT64_C(0xffff800000000000), "debian: HV_START_LOW");
        is_u64(g->mod_start_pfn, 1, "debian: MOD_START_PFN");
        is_u64(g->supported_features, 0x8801, "debian: SUPPORTED_FEATURES");
        is_u64(g->init_p2m, UINT64_C(0x8000000000), "debian: INIT_P2M");
        ok(!pvb_guest_has_note(g, XEN_ELFNOTE_HYPERCALL_PAGE), "debian: no HYPERCALL_PAGE");
        is_u64(g->virt_kstart, UINT64_C(0xffffffff81000000), "debian: virt_kstart");
        ok(g->entry > g->virt_kstart && g->entry < g->virt_kend,
           "debian: ENTRY 0x%" PRIx64 " inside the kernel", g->entry);
        is_u64(g->features_required, BIT(XENFEAT_writable_page_tables),
               "debian: FEATURES requires writable_page_tables");
        is_u64(g->notes_skipped, 0, "debian: no note skipped");
        is_u64(r->log.n, 0, "debian: no warning");
        /* Its per-cpu segment has p_vaddr 0: the load address comes from p_paddr. */
        bool percpu = false;
        for (size_t i = 0; i < g->nr_segments; i++)
            if (r->segs[i].elf_vaddr == 0 &&
                r->segs[i].vaddr == r->segs[i].paddr + g->virt_base)
                percpu = true;
        ok(percpu, "debian: the p_vaddr 0 segment loads at p_paddr + VIRT_BASE");
    }
    result_free(r);
    free(f);
    file_free(&fl);
    unlink(out);
}

int main(void)
{
    srcdir = getenv("top_srcdir");
    if (!srcdir)
        bail("top_srcdir is not set (run through make check, or set it)");
    if (!mkdtemp(tmpdir))
        bail("mkdtemp failed");
    have_tmpdir = true;
    atexit(cleanup);

    test_feature_names();
    test_parsers();
    if (!ok(build_guests(), "tests/data/mkguest.sh builds the test guests"))
        bail("cannot build the test guests");
    test_guest64();
    test_guest64_hcall();
    test_guest32();
    test_legacy64();
    test_legacy32();
    test_badnotes();
    test_bad_headers();
    test_bad_segments();
    test_bad_notes_patched();
    test_debian();
    return done_testing();
}
