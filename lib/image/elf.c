/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel ELF through elfutils libelf: segments, Xen notes (or the
 * legacy __xen_guest string), then the addresses as libxenguest's libelf
 * derives them (elf_xen_addr_calc_check), with the same checks.  libelf
 * parses the headers; every offset and size it hands back is still checked
 * here against the bytes we were given before anything is read.
 */
#include "image/elf.h"
#include "util/alloc.h"
#include "image/notes.h"
#include "util/error.h"
#include "util/xenabi.h"

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Caps against hostile images (Xen's hardened libelf has the same notes cap). */
#define MAX_PHDRS 65536
#define MAX_SHDRS 65536
#define MAX_NOTES 65536
#define MAX_GUEST_STRING 4096

struct area {
    uint64_t start, end;        /* file offsets of a note area already read */
};

struct loader {
    const char *name;
    const unsigned char *data;
    size_t len;
    Elf *elf;
    struct pvb_guest *g;
    const pvb_logger *log;
    pvb_error *err;
    uint64_t addr_mask;         /* UINT32_MAX for a 32-bit guest */
    unsigned nr_notes;          /* every note read, any owner */
    unsigned xen_notes;         /* well-formed notes of owner "Xen" */
    struct area *areas;
    size_t nr_areas;
};

static const char *class_name(unsigned c, char *buf, size_t size)
{
    switch (c) {
    case ELFCLASS32: return "ELFCLASS32";
    case ELFCLASS64: return "ELFCLASS64";
    }
    snprintf(buf, size, "class %u", c);
    return buf;
}

static const char *machine_name(unsigned m, char *buf, size_t size)
{
    switch (m) {
    case EM_386:     snprintf(buf, size, "EM_386 (%u)", m); break;
    case EM_X86_64:  snprintf(buf, size, "EM_X86_64 (%u)", m); break;
    case EM_AARCH64: snprintf(buf, size, "EM_AARCH64 (%u)", m); break;
    case EM_ARM:     snprintf(buf, size, "EM_ARM (%u)", m); break;
    default:         snprintf(buf, size, "machine %u", m); break;
    }
    return buf;
}

static int libelf_fail(struct loader *ld, const char *what)
{
    return fail(ld->err, -ENOEXEC, "%s: %s: %s", ld->name, what,
                elf_errmsg(-1));
}

/* [off, off + size) inside the file, without overflow. */
static bool in_file(const struct loader *ld, uint64_t off, uint64_t size)
{
    return off <= ld->len && size <= ld->len - off;
}

/* ---------------------------------------------------------- header */

static int check_ident(struct loader *ld)
{
    const unsigned char *id = ld->data;

    if (ld->len < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG) != 0)
        return fail(ld->err, -ENOEXEC, "%s: not an ELF file (size 0x%zx)",
                    ld->name, ld->len);
    if (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64)
        return fail(ld->err, -ENOEXEC, "%s: ELF e_ident class %u is neither "
                    "ELFCLASS32 nor ELFCLASS64", ld->name, id[EI_CLASS]);
    if (id[EI_DATA] != ELFDATA2LSB)
        return fail(ld->err, -ENOEXEC, "%s: ELF e_ident data encoding %u is not "
                    "ELFDATA2LSB (x86 is little endian)", ld->name, id[EI_DATA]);
    if (id[EI_VERSION] != EV_CURRENT)
        return fail(ld->err, -ENOEXEC, "%s: ELF e_ident version %u is not "
                    "EV_CURRENT (%u)", ld->name, id[EI_VERSION], EV_CURRENT);
    return 0;
}

/* The header fields that place the two tables, whatever the class. */
struct tables {
    size_t ehdr_size, phdr_size, shdr_size;
    uint64_t phoff, shoff;
    unsigned phentsize, phnum, shentsize, shnum;
};

static void read_tables(const struct loader *ld, struct tables *t)
{
    if (ld->data[EI_CLASS] == ELFCLASS64) {
        Elf64_Ehdr e;
        memcpy(&e, ld->data, sizeof e);
        *t = (struct tables){ sizeof e, sizeof(Elf64_Phdr), sizeof(Elf64_Shdr),
                              e.e_phoff, e.e_shoff, e.e_phentsize, e.e_phnum,
                              e.e_shentsize, e.e_shnum };
    } else {
        Elf32_Ehdr e;
        memcpy(&e, ld->data, sizeof e);
        *t = (struct tables){ sizeof e, sizeof(Elf32_Phdr), sizeof(Elf32_Shdr),
                              e.e_phoff, e.e_shoff, e.e_phentsize, e.e_phnum,
                              e.e_shentsize, e.e_shnum };
    }
}

/* Section 0 holds the real counts when they overflow the header's fields. */
static bool section0(const struct loader *ld, const struct tables *t,
                     uint64_t *sh_size, uint32_t *sh_info)
{
    if (t->shoff == 0 || !in_file(ld, t->shoff, t->shdr_size))
        return false;
    if (ld->data[EI_CLASS] == ELFCLASS64) {
        Elf64_Shdr sh;
        memcpy(&sh, ld->data + t->shoff, sizeof sh);
        *sh_size = sh.sh_size;
        *sh_info = sh.sh_info;
    } else {
        Elf32_Shdr sh;
        memcpy(&sh, ld->data + t->shoff, sizeof sh);
        *sh_size = sh.sh_size;
        *sh_info = sh.sh_info;
    }
    return true;
}

/*
 * Both header tables inside the file, with the entry sizes of this class,
 * as Xen's libelf insists (elf_init), and with messages that name the
 * field: libelf would only say "invalid ELF file data".
 */
static int check_tables(struct loader *ld)
{
    struct tables t;
    uint64_t sh_size = 0, phnum, shnum;
    uint32_t sh_info = 0;
    const char *cls = ld->data[EI_CLASS] == ELFCLASS64 ? "ELF64" : "ELF32";

    if (ld->len < (ld->data[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Ehdr)
                                                    : sizeof(Elf32_Ehdr)))
        return fail(ld->err, -ENOEXEC, "%s: ELF header truncated: file size 0x%zx "
                    "is less than the 0x%zx bytes of an %s header", ld->name,
                    ld->len, ld->data[EI_CLASS] == ELFCLASS64 ?
                    sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr), cls);
    read_tables(ld, &t);
    bool have0 = section0(ld, &t, &sh_size, &sh_info);

    phnum = t.phnum;
    if (t.phnum == PN_XNUM) {
        if (!have0)
            return fail(ld->err, -ENOEXEC, "%s: ELF e_phnum is PN_XNUM but there "
                        "is no section 0 to hold the count (e_shoff 0x%llx)",
                        ld->name, (unsigned long long)t.shoff);
        phnum = sh_info;
    }
    if (phnum && t.phentsize != t.phdr_size)
        return fail(ld->err, -ENOEXEC, "%s: ELF e_phentsize %u is not the %zu "
                    "bytes of an %s program header", ld->name, t.phentsize,
                    t.phdr_size, cls);
    if (phnum > MAX_PHDRS)
        return fail(ld->err, -E2BIG, "%s: ELF has %llu program headers, more "
                    "than the limit %d", ld->name, (unsigned long long)phnum,
                    MAX_PHDRS);
    if (!in_file(ld, t.phoff, phnum * t.phdr_size))
        return fail(ld->err, -ENOEXEC, "%s: ELF e_phoff 0x%llx + e_phnum %llu * "
                    "e_phentsize %u runs past end of file (size 0x%zx)", ld->name,
                    (unsigned long long)t.phoff, (unsigned long long)phnum,
                    t.phentsize, ld->len);

    shnum = t.shnum;
    if (t.shnum == 0 && t.shoff != 0) {
        if (!have0)
            return fail(ld->err, -ENOEXEC, "%s: ELF e_shoff 0x%llx: section 0 "
                        "runs past end of file (size 0x%zx)", ld->name,
                        (unsigned long long)t.shoff, ld->len);
        shnum = sh_size;
    }
    if (shnum == 0)
        return 0;
    if (t.shentsize != t.shdr_size)
        return fail(ld->err, -ENOEXEC, "%s: ELF e_shentsize %u is not the %zu "
                    "bytes of an %s section header", ld->name, t.shentsize,
                    t.shdr_size, cls);
    if (shnum > MAX_SHDRS)
        return fail(ld->err, -E2BIG, "%s: ELF has %llu section headers, more "
                    "than the limit %d", ld->name, (unsigned long long)shnum,
                    MAX_SHDRS);
    if (!in_file(ld, t.shoff, shnum * t.shdr_size))
        return fail(ld->err, -ENOEXEC, "%s: ELF e_shoff 0x%llx + e_shnum %llu * "
                    "e_shentsize %u runs past end of file (size 0x%zx)", ld->name,
                    (unsigned long long)t.shoff, (unsigned long long)shnum,
                    t.shentsize, ld->len);
    return 0;
}

static int open_elf(struct loader *ld)
{
    GElf_Ehdr eh;
    char b1[32], b2[32];
    int rc = check_ident(ld);
    if (rc == 0)
        rc = check_tables(ld);
    if (rc < 0)
        return rc;

    if (elf_version(EV_CURRENT) == EV_NONE)
        return libelf_fail(ld, "libelf refuses EV_CURRENT");
    /* libelf does not write to the image (the tests give it read-only
     * mappings); the cast is only its API's. */
    ld->elf = elf_memory((char *)ld->data, ld->len);
    if (!ld->elf)
        return libelf_fail(ld, "libelf cannot read the ELF");
    if (elf_kind(ld->elf) != ELF_K_ELF)
        return fail(ld->err, -ENOEXEC, "%s: libelf does not see an ELF object",
                    ld->name);
    if (!gelf_getehdr(ld->elf, &eh))
        return libelf_fail(ld, "ELF header");
    if (eh.e_version != EV_CURRENT)
        return fail(ld->err, -ENOEXEC, "%s: ELF e_version %u is not EV_CURRENT",
                    ld->name, (unsigned)eh.e_version);

    unsigned cls = ld->data[EI_CLASS];
    if (!(cls == ELFCLASS64 && eh.e_machine == EM_X86_64) &&
        !(cls == ELFCLASS32 && eh.e_machine == EM_386))
        return fail(ld->err, -ENOEXEC, "%s: ELF %s with e_machine %s is not an "
                    "x86 PV kernel (want ELFCLASS64 with EM_X86_64 or ELFCLASS32 "
                    "with EM_386)", ld->name, class_name(cls, b1, sizeof b1),
                    machine_name(eh.e_machine, b2, sizeof b2));

    ld->g->elf_class = cls == ELFCLASS64 ? 64 : 32;
    ld->g->elf_machine = eh.e_machine;
    ld->g->elf_entry = eh.e_entry;
    ld->addr_mask = cls == ELFCLASS64 ? UINT64_MAX : UINT32_MAX;
    return 0;
}

/* -------------------------------------------------------- segments */

static int cmp_paddr(const void *a, const void *b)
{
    const struct pvb_image_segment *x = *(const struct pvb_image_segment *const *)a;
    const struct pvb_image_segment *y = *(const struct pvb_image_segment *const *)b;
    return x->paddr < y->paddr ? -1 : x->paddr > y->paddr;
}

/* Loadable as libxenguest sees it: PT_LOAD with at least one of R, W, X. */
static bool loadable(const GElf_Phdr *ph)
{
    return ph->p_type == PT_LOAD && (ph->p_flags & (PF_R | PF_W | PF_X));
}

static int check_load(struct loader *ld, size_t i, const GElf_Phdr *ph)
{
    const char *bits = ld->addr_mask == UINT64_MAX ? "64" : "32";

    if (!in_file(ld, ph->p_offset, ph->p_filesz))
        return fail(ld->err, -ENOEXEC, "%s: ELF program header %zu: p_offset "
                    "0x%llx + p_filesz 0x%llx runs past end of file (size 0x%zx)",
                    ld->name, i, (unsigned long long)ph->p_offset,
                    (unsigned long long)ph->p_filesz, ld->len);
    if (ph->p_filesz > ph->p_memsz)
        return fail(ld->err, -ENOEXEC, "%s: ELF program header %zu: p_filesz "
                    "0x%llx exceeds p_memsz 0x%llx", ld->name, i,
                    (unsigned long long)ph->p_filesz,
                    (unsigned long long)ph->p_memsz);
    if (ph->p_paddr > ld->addr_mask || ph->p_memsz > ld->addr_mask - ph->p_paddr)
        return fail(ld->err, -ENOEXEC, "%s: ELF program header %zu: p_paddr "
                    "0x%llx + p_memsz 0x%llx wraps around the %s-bit address "
                    "space", ld->name, i, (unsigned long long)ph->p_paddr,
                    (unsigned long long)ph->p_memsz, bits);
    if (ph->p_vaddr > ld->addr_mask || ph->p_memsz > ld->addr_mask - ph->p_vaddr)
        return fail(ld->err, -ENOEXEC, "%s: ELF program header %zu: p_vaddr "
                    "0x%llx + p_memsz 0x%llx wraps around the %s-bit address "
                    "space", ld->name, i, (unsigned long long)ph->p_vaddr,
                    (unsigned long long)ph->p_memsz, bits);
    return 0;
}

/* Segments may not share physical memory: each is copied whole. */
static int check_overlaps(struct loader *ld, struct pvb_image_segment *segs,
                          size_t n)
{
    const struct pvb_image_segment **order = mem_malloc(n * sizeof *order);
    int rc = 0;

    if (!order)
        return fail(ld->err, -ENOMEM, "%s: out of memory", ld->name);
    for (size_t i = 0; i < n; i++)
        order[i] = &segs[i];
    qsort(order, n, sizeof *order, cmp_paddr);

    /* Sorted by start, a segment overlaps another iff it overlaps the
     * furthest-reaching one before it. */
    const struct pvb_image_segment *reach = NULL;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct pvb_image_segment *s = order[i];
        if (s->memsz == 0)
            continue;
        if (reach && s->paddr < reach->paddr + reach->memsz) {
            size_t a = (size_t)(reach - segs), b = (size_t)(s - segs);
            if (a > b) {
                size_t t = a;
                a = b;
                b = t;
            }
            rc = fail(ld->err, -ENOEXEC, "%s: PT_LOAD segments %zu and %zu "
                      "overlap: physical [0x%llx, 0x%llx) and [0x%llx, 0x%llx)",
                      ld->name, a, b, (unsigned long long)segs[a].paddr,
                      (unsigned long long)(segs[a].paddr + segs[a].memsz),
                      (unsigned long long)segs[b].paddr,
                      (unsigned long long)(segs[b].paddr + segs[b].memsz));
        }
        if (!reach || s->paddr + s->memsz > reach->paddr + reach->memsz)
            reach = s;
    }
    free(order);
    return rc;
}

static int read_segments(struct loader *ld, struct pvb_image_segment **out)
{
    struct pvb_guest *g = ld->g;
    size_t phnum, n = 0;
    GElf_Phdr ph;

    /* check_tables has bounded the table; libelf reads it. */
    if (elf_getphdrnum(ld->elf, &phnum) != 0)
        return libelf_fail(ld, "ELF program headers");

    for (size_t i = 0; i < phnum; i++) {
        if (!gelf_getphdr(ld->elf, (int)i, &ph))
            return libelf_fail(ld, "ELF program header");
        if (loadable(&ph))
            n++;
    }
    if (n == 0)
        return fail(ld->err, -ENOEXEC, "%s: ELF has no loadable PT_LOAD program "
                    "header (%zu program headers)", ld->name, phnum);

    struct pvb_image_segment *segs = mem_calloc(n, sizeof *segs);
    if (!segs)
        return fail(ld->err, -ENOMEM, "%s: out of memory", ld->name);
    *out = segs;

    size_t k = 0;
    for (size_t i = 0; i < phnum; i++) {
        if (!gelf_getphdr(ld->elf, (int)i, &ph))
            return libelf_fail(ld, "ELF program header");
        if (!loadable(&ph))
            continue;
        int rc = check_load(ld, i, &ph);
        if (rc < 0)
            return rc;
        segs[k] = (struct pvb_image_segment){
            .paddr = ph.p_paddr,
            .elf_vaddr = ph.p_vaddr,
            .offset = ph.p_offset,
            .filesz = ph.p_filesz,
            .memsz = ph.p_memsz,
            .flags = ph.p_flags,
        };
        if (k == 0 || ph.p_paddr < g->paddr_start)
            g->paddr_start = ph.p_paddr;
        if (k == 0 || ph.p_paddr + ph.p_memsz > g->paddr_end)
            g->paddr_end = ph.p_paddr + ph.p_memsz;
        k++;
    }
    g->nr_segments = n;
    g->segments = segs;
    return check_overlaps(ld, segs, n);
}

/* ----------------------------------------------------------- notes */

static int cmp_area(const void *a, const void *b)
{
    const struct area *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * Sort the PT_NOTE areas by start and turn each end into the furthest end
 * so far, so that a section's coverage is one binary search even with
 * tens of thousands of areas.
 */
static void index_areas(struct loader *ld)
{
    if (ld->nr_areas == 0)
        return;
    qsort(ld->areas, ld->nr_areas, sizeof *ld->areas, cmp_area);
    for (size_t i = 1; i < ld->nr_areas; i++)
        if (ld->areas[i].end < ld->areas[i - 1].end)
            ld->areas[i].end = ld->areas[i - 1].end;
}

/* Is [start, end) inside an area some PT_NOTE already covered? */
static bool area_seen(const struct loader *ld, uint64_t start, uint64_t end)
{
    size_t lo = 0, hi = ld->nr_areas;
    while (lo < hi) {           /* first area starting after `start` */
        size_t mid = lo + (hi - lo) / 2;
        if (ld->areas[mid].start <= start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && ld->areas[lo - 1].end >= end;
}

static int remember_area(struct loader *ld, uint64_t start, uint64_t end)
{
    struct area *a = mem_realloc(ld->areas, (ld->nr_areas + 1) * sizeof *a);
    if (!a)
        return fail(ld->err, -ENOMEM, "%s: out of memory", ld->name);
    ld->areas = a;
    a[ld->nr_areas++] = (struct area){ start, end };
    return 0;
}

static bool all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* Tell why gelf_getnote gave up on the note at `off`. */
static void warn_broken_area(struct loader *ld, const char *where,
                             const Elf_Data *d, size_t off)
{
    size_t left = d->d_size - off;
    if (left < sizeof(GElf_Nhdr)) {
        log_warn(ld->log, "%s: %s: note at offset 0x%zx: only 0x%zx bytes left, "
                 "less than a note header; stopped reading this note area",
                 ld->name, where, off, left);
    } else {
        GElf_Nhdr nh;
        memcpy(&nh, (const char *)d->d_buf + off, sizeof nh);
        log_warn(ld->log, "%s: %s: note at offset 0x%zx (type 0x%x, namesz 0x%x, "
                 "descsz 0x%x) runs past the end of the note area (size 0x%zx); "
                 "stopped reading this note area", ld->name, where, off,
                 (unsigned)nh.n_type, (unsigned)nh.n_namesz,
                 (unsigned)nh.n_descsz, d->d_size);
    }
    ld->g->notes_skipped++;
}

static int read_note_area(struct loader *ld, const char *where, Elf_Data *d)
{
    struct pvb_guest *g = ld->g;
    size_t off = 0;

    while (off < d->d_size) {
        GElf_Nhdr nh;
        size_t name_off, desc_off;
        const unsigned char *base = d->d_buf;

        /* Zero padding after the last note is not a note. */
        if (d->d_size - off < sizeof nh && all_zero(base + off, d->d_size - off))
            break;
        if (ld->nr_notes >= MAX_NOTES)
            return fail(ld->err, -E2BIG, "%s: more than %d ELF notes", ld->name,
                        MAX_NOTES);
        ld->nr_notes++;

        size_t next = gelf_getnote(d, off, &nh, &name_off, &desc_off);
        if (next == 0 || next <= off) {
            warn_broken_area(ld, where, d, off);
            break;
        }
        const char *name = (const char *)base + name_off;
        if (nh.n_namesz > 0 && !memchr(name, '\0', nh.n_namesz)) {
            log_warn(ld->log, "%s: %s: note at offset 0x%zx (type 0x%x): owner "
                     "name \"%.*s\" not NUL-terminated within namesz %u; skipped",
                     ld->name, where, off, (unsigned)nh.n_type,
                     (int)(nh.n_namesz > 32 ? 32 : nh.n_namesz), name,
                     (unsigned)nh.n_namesz);
            g->notes_skipped++;
        } else if (nh.n_namesz == 4 && memcmp(name, "Xen", 4) == 0) {
            unsigned skipped = g->notes_skipped;
            xen_note_record(ld->name, nh.n_type, base + desc_off, nh.n_descsz,
                            g, ld->log);
            if (g->notes_skipped == skipped)
                ld->xen_notes++;
        }
        off = next;
    }
    return 0;
}

static int read_note_segments(struct loader *ld)
{
    size_t phnum;
    GElf_Phdr ph;
    char where[64];

    if (elf_getphdrnum(ld->elf, &phnum) != 0)
        return libelf_fail(ld, "ELF program headers");
    for (size_t i = 0; i < phnum; i++) {
        if (!gelf_getphdr(ld->elf, (int)i, &ph))
            return libelf_fail(ld, "ELF program header");
        if (ph.p_type != PT_NOTE || ph.p_filesz == 0)
            continue;
        snprintf(where, sizeof where, "PT_NOTE program header %zu", i);
        /* Some binutils wrote p_offset 0 for note segments (as libxenguest). */
        if (ph.p_offset == 0) {
            log_debug(ld->log, "%s: %s has p_offset 0; ignored", ld->name, where);
            continue;
        }
        if (!in_file(ld, ph.p_offset, ph.p_filesz)) {
            log_warn(ld->log, "%s: %s: p_offset 0x%llx + p_filesz 0x%llx runs "
                     "past end of file (size 0x%zx); its notes are ignored",
                     ld->name, where, (unsigned long long)ph.p_offset,
                     (unsigned long long)ph.p_filesz, ld->len);
            ld->g->notes_skipped++;
            continue;
        }
        Elf_Data *d = elf_getdata_rawchunk(ld->elf, (int64_t)ph.p_offset,
                                           ph.p_filesz, ph.p_align == 8 ?
                                           ELF_T_NHDR8 : ELF_T_NHDR);
        if (!d) {
            log_warn(ld->log, "%s: %s: libelf cannot read it: %s; its notes are "
                     "ignored", ld->name, where, elf_errmsg(-1));
            ld->g->notes_skipped++;
            continue;
        }
        int rc = remember_area(ld, ph.p_offset, ph.p_offset + ph.p_filesz);
        if (rc == 0)
            rc = read_note_area(ld, where, d);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int section_count(struct loader *ld, size_t *n)
{
    if (elf_getshdrnum(ld->elf, n) != 0)
        return libelf_fail(ld, "ELF section headers");
    if (*n > MAX_SHDRS)
        return fail(ld->err, -E2BIG, "%s: ELF has %zu section headers, more "
                    "than the limit %d", ld->name, *n, MAX_SHDRS);
    return 0;
}

static const char *section_name(struct loader *ld, const GElf_Shdr *sh)
{
    size_t stridx;
    if (elf_getshdrstrndx(ld->elf, &stridx) != 0)
        return NULL;
    return elf_strptr(ld->elf, stridx, sh->sh_name);
}

/* Notes in SHT_NOTE sections that no PT_NOTE segment already covered. */
static int read_note_sections(struct loader *ld)
{
    size_t n;
    char where[96];
    int rc = section_count(ld, &n);
    if (rc < 0)
        return rc;

    index_areas(ld);
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(ld->elf, scn));) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh))
            return libelf_fail(ld, "ELF section header");
        if (sh.sh_type != SHT_NOTE || sh.sh_size == 0)
            continue;
        const char *sname = section_name(ld, &sh);
        snprintf(where, sizeof where, "SHT_NOTE section %zu (%.40s)",
                 elf_ndxscn(scn), sname ? sname : "?");
        if (!in_file(ld, sh.sh_offset, sh.sh_size)) {
            log_warn(ld->log, "%s: %s: sh_offset 0x%llx + sh_size 0x%llx runs "
                     "past end of file (size 0x%zx); its notes are ignored",
                     ld->name, where, (unsigned long long)sh.sh_offset,
                     (unsigned long long)sh.sh_size, ld->len);
            ld->g->notes_skipped++;
            continue;
        }
        if (area_seen(ld, sh.sh_offset, sh.sh_offset + sh.sh_size))
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        if (!d || (d->d_type != ELF_T_NHDR && d->d_type != ELF_T_NHDR8)) {
            log_warn(ld->log, "%s: %s: libelf cannot read it: %s; its notes are "
                     "ignored", ld->name, where, d ? "not note data" :
                     elf_errmsg(-1));
            ld->g->notes_skipped++;
            continue;
        }
        rc = read_note_area(ld, where, d);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The pre-notes kernels' "GUEST_OS=linux,XEN_VER=xen-3.0,..." section. */
static int read_xen_guest(struct loader *ld, bool *found)
{
    size_t n;
    int rc = section_count(ld, &n);
    if (rc < 0)
        return rc;

    *found = false;
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(ld->elf, scn));) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh))
            return libelf_fail(ld, "ELF section header");
        const char *sname = section_name(ld, &sh);
        if (!sname || strcmp(sname, "__xen_guest") != 0)
            continue;
        if (sh.sh_type == SHT_NOBITS || !in_file(ld, sh.sh_offset, sh.sh_size))
            return fail(ld->err, -ENOEXEC, "%s: __xen_guest section: sh_offset "
                        "0x%llx + sh_size 0x%llx runs past end of file (size "
                        "0x%zx)", ld->name, (unsigned long long)sh.sh_offset,
                        (unsigned long long)sh.sh_size, ld->len);
        const char *s = (const char *)ld->data + sh.sh_offset;
        size_t len = strnlen(s, sh.sh_size);
        if (len > MAX_GUEST_STRING)
            return fail(ld->err, -E2BIG, "%s: __xen_guest string of 0x%zx bytes "
                        "exceeds the limit 0x%x", ld->name, len, MAX_GUEST_STRING);
        rc = xen_guest_string_parse(ld->name, s, len, ld->g, ld->log, ld->err);
        if (rc < 0)
            return rc;
        *found = true;
        ld->g->legacy_guest_info = true;
        return 0;
    }
    return 0;
}

/* libxenguest's elf_xen_note_check: whom it agrees to load. */
static int check_guest_kind(struct loader *ld)
{
    const struct pvb_guest *g = ld->g;

    if (strncmp(g->loader, "generic", 7) != 0 &&
        strncmp(g->guest_os, "linux", 5) != 0)
        return fail(ld->err, -ENOEXEC, "%s: GUEST_OS \"%s\" and LOADER \"%s\": "
                    "only Linux kernels or images for the generic loader can be "
                    "loaded", ld->name, g->guest_os, g->loader);
    if (strncmp(g->xen_version, "xen-3.0", 7) != 0)
        return fail(ld->err, -ENOEXEC, "%s: XEN_VERSION \"%s\": Xen loads only "
                    "images built for \"xen-3.0\"", ld->name, g->xen_version);
    return 0;
}

/* ------------------------------------------------------- addresses */

static int check_fits(struct loader *ld, unsigned type, const char *what,
                      uint64_t v)
{
    if (pvb_guest_has_note(ld->g, type) && v > ld->addr_mask)
        return fail(ld->err, -ERANGE, "%s: %s 0x%llx does not fit a 32-bit "
                    "guest", ld->name, what, (unsigned long long)v);
    return 0;
}

static int compute_addresses(struct loader *ld, struct pvb_image_segment *segs)
{
    struct pvb_guest *g = ld->g;
    const uint64_t m = ld->addr_mask;
    int rc;

    if (pvb_guest_has_note(g, XEN_ELFNOTE_PADDR_OFFSET) &&
        !pvb_guest_has_note(g, XEN_ELFNOTE_VIRT_BASE))
        return fail(ld->err, -ENOEXEC, "%s: PADDR_OFFSET 0x%llx is set but "
                    "VIRT_BASE is not", ld->name,
                    (unsigned long long)g->paddr_offset);
    if ((rc = check_fits(ld, XEN_ELFNOTE_VIRT_BASE, "VIRT_BASE", g->virt_base)) ||
        (rc = check_fits(ld, XEN_ELFNOTE_PADDR_OFFSET, "PADDR_OFFSET",
                         g->paddr_offset)) ||
        (rc = check_fits(ld, XEN_ELFNOTE_ENTRY, "ENTRY", g->entry)) ||
        (rc = check_fits(ld, XEN_ELFNOTE_HYPERCALL_PAGE, "HYPERCALL_PAGE",
                         g->hypercall_page)))
        return rc;

    if (!pvb_guest_has_note(g, XEN_ELFNOTE_VIRT_BASE))
        g->virt_base = 0;
    /* The legacy string's paddr held virtual addresses: offset = virt_base. */
    if (!pvb_guest_has_note(g, XEN_ELFNOTE_PADDR_OFFSET))
        g->paddr_offset = g->legacy_guest_info ? g->virt_base : 0;
    if (!pvb_guest_has_note(g, XEN_ELFNOTE_ENTRY))
        g->entry = g->elf_entry;

    uint64_t virt_offset = (g->virt_base - g->paddr_offset) & m;
    g->virt_kstart = (g->paddr_start + virt_offset) & m;
    g->virt_kend = (g->paddr_end + virt_offset) & m;

    if (g->virt_kstart > g->virt_kend)
        return fail(ld->err, -ENOEXEC, "%s: the kernel's virtual start 0x%llx "
                    "lies above its end 0x%llx (p_paddr 0x%llx..0x%llx + VIRT_BASE "
                    "0x%llx - PADDR_OFFSET 0x%llx)", ld->name,
                    (unsigned long long)g->virt_kstart,
                    (unsigned long long)g->virt_kend,
                    (unsigned long long)g->paddr_start,
                    (unsigned long long)g->paddr_end,
                    (unsigned long long)g->virt_base,
                    (unsigned long long)g->paddr_offset);
    if (g->virt_base > g->virt_kstart)
        return fail(ld->err, -ENOEXEC, "%s: VIRT_BASE 0x%llx lies above the "
                    "kernel's virtual start 0x%llx (lowest p_paddr 0x%llx, "
                    "PADDR_OFFSET 0x%llx)", ld->name,
                    (unsigned long long)g->virt_base,
                    (unsigned long long)g->virt_kstart,
                    (unsigned long long)g->paddr_start,
                    (unsigned long long)g->paddr_offset);
    if (g->entry < g->virt_kstart || g->entry >= g->virt_kend)
        return fail(ld->err, -ENOEXEC, "%s: entry 0x%llx (%s) lies outside the "
                    "kernel [0x%llx, 0x%llx)", ld->name,
                    (unsigned long long)g->entry,
                    pvb_guest_has_note(g, XEN_ELFNOTE_ENTRY) ? "ENTRY" : "e_entry",
                    (unsigned long long)g->virt_kstart,
                    (unsigned long long)g->virt_kend);
    if (pvb_guest_has_note(g, XEN_ELFNOTE_HYPERCALL_PAGE) &&
        (g->hypercall_page & (PVB_PAGE_SIZE - 1) ||
         g->hypercall_page < g->virt_kstart || g->hypercall_page >= g->virt_kend ||
         g->virt_kend - g->hypercall_page < PVB_PAGE_SIZE))
        return fail(ld->err, -ENOEXEC, "%s: HYPERCALL_PAGE 0x%llx is not a "
                    "page-aligned page inside the kernel [0x%llx, 0x%llx)",
                    ld->name, (unsigned long long)g->hypercall_page,
                    (unsigned long long)g->virt_kstart,
                    (unsigned long long)g->virt_kend);
    if (pvb_guest_has_note(g, XEN_ELFNOTE_INIT_P2M) &&
        g->init_p2m >= g->virt_kstart && g->init_p2m < g->virt_kend)
        return fail(ld->err, -ENOEXEC, "%s: INIT_P2M 0x%llx lies inside the "
                    "kernel [0x%llx, 0x%llx)", ld->name,
                    (unsigned long long)g->init_p2m,
                    (unsigned long long)g->virt_kstart,
                    (unsigned long long)g->virt_kend);

    for (size_t i = 0; i < g->nr_segments; i++)
        segs[i].vaddr = (segs[i].paddr + virt_offset) & m;
    return 0;
}

/* ------------------------------------------------------------ load */

static int load(struct loader *ld, struct pvb_image_segment **segs)
{
    struct pvb_guest *g = ld->g;
    int rc;

    if ((rc = open_elf(ld)) < 0 || (rc = read_segments(ld, segs)) < 0 ||
        (rc = read_note_segments(ld)) < 0 || (rc = read_note_sections(ld)) < 0)
        return rc;

    if (ld->xen_notes == 0) {
        bool legacy;
        if ((rc = read_xen_guest(ld, &legacy)) < 0)
            return rc;
        if (!legacy)
            return fail(ld->err, -ENOEXEC, "%s: not a Xen PV kernel: no Xen ELF "
                        "notes and no __xen_guest section%s", ld->name,
                        g->notes_skipped ? " (malformed notes were skipped)" : "");
    }
    if ((rc = check_guest_kind(ld)) < 0)
        return rc;
    if (strcmp(g->bsd_symtab, "yes") == 0)
        log_warn(ld->log, "%s: the kernel asks for its symbol table (BSD_SYMTAB); "
                 "it is not loaded", ld->name);
    return compute_addresses(ld, *segs);
}

int elf_load(const char *name, const void *data, size_t len,
             struct pvb_guest *g, struct pvb_image_segment **segs,
             const pvb_logger *log, pvb_error *err)
{
    /* Fields before elf_class are the container's, set by the caller. */
    struct pvb_guest keep = *g;
    memset(g, 0, sizeof *g);
    g->format = keep.format;
    g->compression = keep.compression;
    g->file_size = keep.file_size;
    g->payload_size = keep.payload_size;
    g->elf_size = keep.elf_size;
    g->bzimage_version = keep.bzimage_version;

    struct loader ld = {
        .name = name ? name : "kernel",
        .data = data,
        .len = data ? len : 0,
        .g = g,
        .log = log,
        .err = err,
    };
    *segs = NULL;
    int rc = load(&ld, segs);
    if (ld.elf)
        elf_end(ld.elf);
    free(ld.areas);
    if (rc < 0) {
        free(*segs);
        *segs = NULL;
        g->segments = NULL;
        g->nr_segments = 0;
    }
    return rc;
}
