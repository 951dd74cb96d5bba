/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Image builders for the hostile-image tests (see hostile_util.h). */
#include "hostile_util.h"

#include <byteswap.h>
#include <elf.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/xenabi.h"

static void *xmalloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p) {
        perror("calloc");
        exit(99);
    }
    return p;
}

struct buf buf_dup(const void *data, size_t len)
{
    struct buf b = { xmalloc(len), len };
    if (len)
        memcpy(b.data, data, len);
    return b;
}

void buf_free(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

void put_le16(uint8_t *p, uint16_t v)
{
    p[0] = v & 0xff;
    p[1] = v >> 8;
}

void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (v >> (8 * i)) & 0xff;
}

/* ------------------------------------------------------------------ ELF */

/* Fields are written in the file's byte order. */
static bool big;
static uint16_t o16(uint16_t v) { return big ? bswap_16(v) : v; }
static uint32_t o32(uint32_t v) { return big ? bswap_32(v) : v; }
static uint64_t o64(uint64_t v) { return big ? bswap_64(v) : v; }

struct note {
    unsigned type;
    const char *str;       /* string note, or NULL for a number */
    uint64_t num;
    unsigned numsz;        /* 4 or 8 */
};

static size_t align4(size_t n) { return (n + 3) & ~(size_t)3; }

/* Append one "Xen" note at p; returns its size. */
static size_t put_note(uint8_t *p, const struct note *n, bool unterminated)
{
    Elf64_Nhdr h;   /* Elf32_Nhdr has the same layout */
    uint8_t desc[128];
    size_t dlen;

    if (n->str) {
        dlen = strlen(n->str) + (unterminated ? 0 : 1);
        memcpy(desc, n->str, dlen);
    } else if (n->numsz == 8) {
        uint64_t v = o64(n->num);
        dlen = 8;
        memcpy(desc, &v, 8);
    } else {
        uint32_t v = o32((uint32_t)n->num);
        dlen = n->numsz;
        memcpy(desc, &v, dlen);
    }
    h.n_namesz = o32(4);
    h.n_descsz = o32((uint32_t)dlen);
    h.n_type = o32(n->type);
    memcpy(p, &h, sizeof h);
    memcpy(p + sizeof h, "Xen", 4);
    memcpy(p + sizeof h + 4, desc, dlen);
    return sizeof h + 4 + align4(dlen);
}

struct built_elf make_elf(const struct elf_opts *o)
{
    bool is64 = o->cls != 32;
    struct built_elf e;
    uint64_t vbase = is64 ? CTL_VBASE64 : CTL_VBASE32;
    unsigned numsz = is64 ? 8 : 4;

    big = o->big_endian;
    e.vbase = vbase;
    e.text_vaddr = vbase + CTL_PADDR;
    e.entry = e.text_vaddr + CTL_ENTRY_OFF;
    e.hcall = e.text_vaddr + CTL_HCALL_OFF;

    /* Linux's notes, in its order; GUEST_VERSION last (the victim note). */
    const struct note notes[] = {
        { XEN_ELFNOTE_GUEST_OS, "linux", 0, 0 },
        { XEN_ELFNOTE_XEN_VERSION, "xen-3.0", 0, 0 },
        { XEN_ELFNOTE_VIRT_BASE, NULL, vbase, numsz },
        { XEN_ELFNOTE_PADDR_OFFSET, NULL, 0, numsz },
        { XEN_ELFNOTE_ENTRY, NULL, e.entry, numsz },
        { XEN_ELFNOTE_HYPERCALL_PAGE, NULL, e.hcall, numsz },
        { XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb", 0, 0 },
        { XEN_ELFNOTE_PAE_MODE, "yes", 0, 0 },
        { XEN_ELFNOTE_LOADER, "generic", 0, 0 },
        { XEN_ELFNOTE_SUSPEND_CANCEL, NULL, 1, o->bad_desc_size ? 3 : 4 },
        /* 8 characters: unterminated, its last byte is the file's last. */
        { XEN_ELFNOTE_GUEST_VERSION, "2.6.3200", 0, 0 },
    };
    size_t nn = sizeof notes / sizeof notes[0];

    uint8_t *p = xmalloc(CTL_NOTE_OFF + 4096);
    size_t pos = CTL_NOTE_OFF;
    for (size_t i = 0; i < nn; i++) {
        if (i == nn - 1)
            e.last_nhdr_off = pos;
        pos += put_note(p + pos, &notes[i], i == nn - 1 && o->last_unterminated);
    }
    size_t note_len = pos - CTL_NOTE_OFF;

    /* Text and data: a pattern, so segment contents can be compared. */
    for (size_t i = CTL_TEXT_OFF; i < CTL_DATA_OFF + CTL_DATA_FILESZ; i++)
        p[i] = (uint8_t)(i * 7 + (i >> 8));

    struct { uint32_t type, flags; uint64_t off, paddr, filesz, memsz, align; } ph[CTL_PHNUM] = {
        { PT_LOAD, PF_R | PF_X, CTL_TEXT_OFF, CTL_PADDR, CTL_TEXT_SIZE, CTL_TEXT_SIZE, 0x1000 },
        { PT_LOAD, PF_R | PF_W, CTL_DATA_OFF, CTL_PADDR + CTL_TEXT_SIZE,
          CTL_DATA_FILESZ, CTL_DATA_MEMSZ, 0x1000 },
        { PT_NOTE, PF_R, CTL_NOTE_OFF, 0, note_len, note_len, 4 },
    };

    if (is64) {
        Elf64_Ehdr h;
        memset(&h, 0, sizeof h);
        memcpy(h.e_ident, ELFMAG, SELFMAG);
        h.e_ident[EI_CLASS] = ELFCLASS64;
        h.e_ident[EI_DATA] = big ? ELFDATA2MSB : ELFDATA2LSB;
        h.e_ident[EI_VERSION] = EV_CURRENT;
        h.e_ident[EI_OSABI] = ELFOSABI_SYSV;
        h.e_type = o16(ET_EXEC);
        h.e_machine = o16(EM_X86_64);
        h.e_version = o32(EV_CURRENT);
        h.e_entry = o64(e.entry);
        h.e_phoff = o64(sizeof h);
        h.e_ehsize = o16(sizeof h);
        h.e_phentsize = o16(sizeof(Elf64_Phdr));
        h.e_phnum = o16(CTL_PHNUM);
        h.e_shentsize = o16(sizeof(Elf64_Shdr));
        memcpy(p, &h, sizeof h);
        for (int i = 0; i < CTL_PHNUM; i++) {
            Elf64_Phdr x = {
                .p_type = o32(ph[i].type), .p_flags = o32(ph[i].flags),
                .p_offset = o64(ph[i].off),
                .p_vaddr = o64(ph[i].type == PT_LOAD ? ph[i].paddr + vbase : 0),
                .p_paddr = o64(ph[i].paddr), .p_filesz = o64(ph[i].filesz),
                .p_memsz = o64(ph[i].memsz), .p_align = o64(ph[i].align),
            };
            memcpy(p + sizeof h + i * sizeof x, &x, sizeof x);
        }
    } else {
        Elf32_Ehdr h;
        memset(&h, 0, sizeof h);
        memcpy(h.e_ident, ELFMAG, SELFMAG);
        h.e_ident[EI_CLASS] = ELFCLASS32;
        h.e_ident[EI_DATA] = big ? ELFDATA2MSB : ELFDATA2LSB;
        h.e_ident[EI_VERSION] = EV_CURRENT;
        h.e_type = o16(ET_EXEC);
        h.e_machine = o16(EM_386);
        h.e_version = o32(EV_CURRENT);
        h.e_entry = o32((uint32_t)e.entry);
        h.e_phoff = o32(sizeof h);
        h.e_ehsize = o16(sizeof h);
        h.e_phentsize = o16(sizeof(Elf32_Phdr));
        h.e_phnum = o16(CTL_PHNUM);
        h.e_shentsize = o16(sizeof(Elf32_Shdr));
        memcpy(p, &h, sizeof h);
        for (int i = 0; i < CTL_PHNUM; i++) {
            Elf32_Phdr x = {
                .p_type = o32(ph[i].type), .p_flags = o32(ph[i].flags),
                .p_offset = o32((uint32_t)ph[i].off),
                .p_vaddr = o32((uint32_t)(ph[i].type == PT_LOAD ? ph[i].paddr + vbase : 0)),
                .p_paddr = o32((uint32_t)ph[i].paddr),
                .p_filesz = o32((uint32_t)ph[i].filesz),
                .p_memsz = o32((uint32_t)ph[i].memsz),
                .p_align = o32((uint32_t)ph[i].align),
            };
            memcpy(p + sizeof h + i * sizeof x, &x, sizeof x);
        }
    }
    big = false;

    /* An unterminated last note ends the file without padding. */
    size_t len = pos;
    if (o->last_unterminated)
        len = e.last_nhdr_off + sizeof(Elf64_Nhdr) + 4 + 8;
    e.b = buf_dup(p, len);
    free(p);
    return e;
}

/* -------------------------------------------------------------- bzImage */

struct built_bz make_bzimage(const struct buf *payload, const struct bzimage_opts *o)
{
    unsigned sects = o->setup_sects ? o->setup_sects : 4;
    size_t pm = (size_t)(sects + 1) * 512;
    size_t len = pm + o->pm_pad + payload->len + o->tail;
    struct built_bz r;
    uint8_t *p = xmalloc(len);

    /* Real-mode setup: filler code bytes, then the header fields. */
    memset(p, 0x90, pm);
    memset(p + 0x1f1, 0, 0x270 - 0x1f1);
    p[0x1f1] = o->setup_sects;
    put_le32(p + 0x1f4, (uint32_t)((len - pm + 15) / 16));  /* syssize */
    put_le16(p + 0x1fe, 0xaa55);                              /* boot_flag */
    p[0x200] = 0xeb;                                          /* jump */
    p[0x201] = 0x66;
    memcpy(p + 0x202, "HdrS", 4);
    put_le16(p + 0x206, o->version);
    p[0x211] = 0x01;                                          /* LOADED_HIGH */
    put_le32(p + 0x214, 0x100000);                            /* code32_start */
    put_le32(p + 0x230, 0x200000);                            /* kernel_alignment */
    p[0x234] = 1;                                             /* relocatable */
    put_le32(p + 0x248, o->pm_pad);                           /* payload_offset */
    put_le32(p + 0x24c, (uint32_t)payload->len);              /* payload_length */
    put_le32(p + 0x260, 0x1000000);                           /* init_size */

    /* Protected-mode code around the payload. */
    memset(p + pm, 0xcc, o->pm_pad);
    memcpy(p + pm + o->pm_pad, payload->data, payload->len);
    memset(p + pm + o->pm_pad + payload->len, 0xcc, o->tail);

    r.b.data = p;
    r.b.len = len;
    r.payload_pos = pm + o->pm_pad;
    return r;
}

/* ---------------------------------------------------------- compression */

struct buf gzip_buf(const struct buf *in)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        exit(99);
    size_t cap = deflateBound(&z, in->len) + 64;
    uint8_t *out = xmalloc(cap);
    z.next_in = in->data;
    z.avail_in = (uInt)in->len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        exit(99);
    struct buf r = { out, z.total_out };
    deflateEnd(&z);
    return r;
}

struct buf gzip_zeros(uint64_t nbytes)
{
    static const uint8_t zeros[1 << 20];
    z_stream z;
    memset(&z, 0, sizeof z);
    /* Run-length matching finds the 258-byte repeats as well as level 9. */
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_RLE) != Z_OK)
        exit(99);
    size_t cap = (size_t)(nbytes / 1000) + (1 << 20);
    uint8_t *out = xmalloc(cap);
    z.next_out = out;
    z.avail_out = (uInt)cap;
    uint64_t left = nbytes;
    int rc;
    do {
        size_t n = left < sizeof zeros ? (size_t)left : sizeof zeros;
        z.next_in = (Bytef *)zeros;
        z.avail_in = (uInt)n;
        left -= n;
        rc = deflate(&z, left ? Z_NO_FLUSH : Z_FINISH);
        if (z.avail_in || (rc != Z_OK && rc != Z_STREAM_END)) {
            fprintf(stderr, "gzip_zeros: deflate rc %d\n", rc);
            exit(99);
        }
    } while (left);
    if (rc != Z_STREAM_END)
        exit(99);
    struct buf r = { out, z.total_out };
    deflateEnd(&z);
    return r;
}

struct buf xz_buf(const struct buf *in)
{
    size_t cap = lzma_stream_buffer_bound(in->len);
    uint8_t *out = xmalloc(cap);
    size_t pos = 0;
    /* CRC32 check, as Linux's bzImage xz payloads. */
    if (lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, in->data, in->len,
                                out, &pos, cap) != LZMA_OK)
        exit(99);
    struct buf r = { out, pos };
    return r;
}

char *write_file(const char *dir, const char *name, const struct buf *b)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = xmalloc(n);
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || (b->len && fwrite(b->data, 1, b->len, f) != b->len) || fclose(f)) {
        perror(path);
        exit(99);
    }
    return path;
}

static struct buf read_all(FILE *f)
{
    size_t cap = 1 << 16, len = 0;
    uint8_t *p = xmalloc(cap);
    size_t n;
    while ((n = fread(p + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            p = realloc(p, cap *= 2);
            if (!p)
                exit(99);
        }
    }
    struct buf r = { p, len };
    return r;
}

struct buf tool_output(const char *line)
{
    FILE *f = popen(line, "r");
    if (!f) {
        perror(line);
        exit(99);
    }
    struct buf r = read_all(f);
    int st = pclose(f);
    if (st != 0 || r.len == 0) {
        fprintf(stderr, "%s: exit status %d\n", line, st);
        buf_free(&r);
    }
    return r;
}

struct buf tool_compress(const char *cmd, const struct buf *in, const char *tmpdir)
{
    char *path = write_file(tmpdir, "tool-input", in);
    size_t n = strlen(cmd) + strlen(path) + 16;
    char *line = xmalloc(n);
    snprintf(line, n, "%s < '%s'", cmd, path);
    struct buf r = tool_output(line);
    remove(path);
    free(path);
    free(line);
    return r;
}

bool xz_patch_dict(struct buf *xz, uint8_t dict_props)
{
    /* Stream header (12 bytes), then the first block header. */
    if (xz->len < 12 + 8)
        return false;
    uint8_t *h = xz->data + 12;
    size_t hsize = ((size_t)h[0] + 1) * 4;
    if (12 + hsize > xz->len)
        return false;
    /* One filter, LZMA2 (id 0x21), 1 byte of properties: the dictionary. */
    for (size_t i = 2; i + 2 < hsize - 4; i++) {
        if (h[i] == 0x21 && h[i + 1] == 0x01) {
            h[i + 2] = dict_props;
            put_le32(h + hsize - 4, lzma_crc32(h, hsize - 4, 0));
            return true;
        }
    }
    return false;
}
