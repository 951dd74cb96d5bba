/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "image/elfview.h"
#include "image/cache.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Read first: the ELF header and, in any kernel, the program headers. */
#define HEAD_BYTES 4096u

/* What the view must hold, built up as the headers are read. */
struct plan {
    const struct elfview_src *src;
    const char *name;
    struct kcache_stream digest;   /* of each piece read, with its place */
    unsigned char *view;
    uint64_t len;
    bool whole;                 /* something unusual: read it all */
    pvb_error *err;
};

/* Bytes [off, off + size) of the ELF, cut at its end, into the view. */
static int fetch(struct plan *p, uint64_t off, uint64_t size)
{
    if (off >= p->len || size == 0)
        return 0;
    if (size > p->len - off)
        size = p->len - off;
    if (p->src->mem) {
        memcpy(p->view + off, p->src->mem + off, (size_t)size);
    } else {
        int rc = read_file_at(p->src->fd, p->name, p->src->base + off,
                              p->view + off, (size_t)size, p->err);
        if (rc < 0)
            return rc;
    }
    uint64_t where[2] = { off, size };
    kcache_stream_add(&p->digest, where, sizeof where);
    kcache_stream_add(&p->digest, p->view + off, (size_t)size);
    return 0;
}

/* The header fields both classes have, widened. */
struct hdr {
    bool is64;
    uint64_t phoff, shoff;
    uint64_t phentsize, phnum, shentsize, shnum, shstrndx;
};

struct sect {
    uint32_t name, type;
    uint64_t offset, size, link, info;
};

static void get_sect(const struct hdr *h, const unsigned char *at, struct sect *s)
{
    if (h->is64) {
        Elf64_Shdr sh;
        memcpy(&sh, at, sizeof sh);
        *s = (struct sect){ sh.sh_name, sh.sh_type, sh.sh_offset, sh.sh_size,
                            sh.sh_link, sh.sh_info };
    } else {
        Elf32_Shdr sh;
        memcpy(&sh, at, sizeof sh);
        *s = (struct sect){ sh.sh_name, sh.sh_type, sh.sh_offset, sh.sh_size,
                            sh.sh_link, sh.sh_info };
    }
}

/* The number of whole entries of `entsize` at off that lie in the file. */
static uint64_t entries_in_file(const struct plan *p, uint64_t off,
                                uint64_t entsize, uint64_t n)
{
    if (entsize == 0 || off >= p->len)
        return 0;
    uint64_t room = (p->len - off) / entsize;
    return n < room ? n : room;
}

static int read_header(struct plan *p, struct hdr *h)
{
    const unsigned char *v = p->view;
    if (p->len < EI_NIDENT || v[EI_DATA] != ELFDATA2LSB ||
        (v[EI_CLASS] != ELFCLASS32 && v[EI_CLASS] != ELFCLASS64)) {
        p->whole = true;        /* the reader refuses it; it gets every byte */
        return 0;
    }
    h->is64 = v[EI_CLASS] == ELFCLASS64;
    if (h->is64 && p->len >= sizeof(Elf64_Ehdr)) {
        Elf64_Ehdr e;
        memcpy(&e, v, sizeof e);
        *h = (struct hdr){ true, e.e_phoff, e.e_shoff, e.e_phentsize, e.e_phnum,
                           e.e_shentsize, e.e_shnum, e.e_shstrndx };
    } else if (!h->is64 && p->len >= sizeof(Elf32_Ehdr)) {
        Elf32_Ehdr e;
        memcpy(&e, v, sizeof e);
        *h = (struct hdr){ false, e.e_phoff, e.e_shoff, e.e_phentsize, e.e_phnum,
                           e.e_shentsize, e.e_shnum, e.e_shstrndx };
    } else {
        p->whole = true;
        return 0;
    }
    size_t phsize = h->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
    size_t shsize = h->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
    if ((h->phnum && h->phentsize != phsize) || (h->shoff && h->shentsize != shsize)) {
        p->whole = true;
        return 0;
    }
    /* Counts past 16 bits live in section 0 (PN_XNUM, SHN_XINDEX). */
    if (h->shoff && entries_in_file(p, h->shoff, shsize, 1) == 1) {
        int rc = fetch(p, h->shoff, shsize);
        if (rc < 0)
            return rc;
        struct sect s0;
        get_sect(h, p->view + h->shoff, &s0);
        if (h->phnum == PN_XNUM)
            h->phnum = s0.info;
        if (h->shnum == 0)
            h->shnum = s0.size;
        if (h->shstrndx == SHN_XINDEX)
            h->shstrndx = s0.link;
    }
    if (!h->shoff)
        h->shnum = 0;
    h->phnum = entries_in_file(p, h->phoff, phsize, h->phnum);
    h->shnum = entries_in_file(p, h->shoff, shsize, h->shnum);
    int rc = fetch(p, h->phoff, h->phnum * phsize);
    if (rc == 0)
        rc = fetch(p, h->shoff, h->shnum * shsize);
    return rc;
}

/* Beyond the headers, what the reader reads: notes and names. */
static int fetch_notes_and_names(struct plan *p, const struct hdr *h)
{
    for (uint64_t i = 0; i < h->phnum; i++) {
        const unsigned char *at = p->view + h->phoff + i * h->phentsize;
        int rc = 0;
        if (h->is64) {
            Elf64_Phdr ph;
            memcpy(&ph, at, sizeof ph);
            if (ph.p_type == PT_NOTE)
                rc = fetch(p, ph.p_offset, ph.p_filesz);
        } else {
            Elf32_Phdr ph;
            memcpy(&ph, at, sizeof ph);
            if (ph.p_type == PT_NOTE)
                rc = fetch(p, ph.p_offset, ph.p_filesz);
        }
        if (rc < 0)
            return rc;
    }

    /* shnum is 0 unless the table lies in the file. */
    const unsigned char *shdrs = h->shnum ? p->view + h->shoff : p->view;
    struct sect names = { 0 };
    if (h->shstrndx < h->shnum) {
        get_sect(h, shdrs + h->shstrndx * h->shentsize, &names);
        if (names.type != SHT_NOBITS) {
            int rc = fetch(p, names.offset, names.size);
            if (rc < 0)
                return rc;
        } else {
            names.size = 0;
        }
    }
    for (uint64_t i = 0; i < h->shnum; i++) {
        struct sect s;
        get_sect(h, shdrs + i * h->shentsize, &s);
        if (s.type == SHT_NOBITS)
            continue;
        bool want = s.type == SHT_NOTE;
        if (!want && names.offset < p->len && s.name < names.size &&
            s.name < p->len - names.offset) {
            static const char xen_guest[] = "__xen_guest";
            const char *n = (const char *)p->view + names.offset + s.name;
            size_t room = p->len - names.offset - s.name;
            want = room >= sizeof xen_guest &&
                   memcmp(n, xen_guest, sizeof xen_guest) == 0;
        }
        if (want) {
            int rc = fetch(p, s.offset, s.size);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

static int fill_view(struct plan *p)
{
    struct hdr h = { 0 };
    int rc = fetch(p, 0, HEAD_BYTES);
    if (rc == 0)
        rc = read_header(p, &h);
    if (rc < 0)
        return rc;
    if (p->whole)
        return fetch(p, 0, p->len);
    return fetch_notes_and_names(p, &h);
}

int elfview_read(const struct elfview_src *src, const char *name, size_t len,
                 unsigned char **view, uint64_t digest[2], pvb_error *err)
{
    *view = NULL;
    if (len == 0)
        return fail(err, -ENOEXEC, "%s: empty file", name);
    /* MAP_NORESERVE: a view is mostly pages that are never touched. */
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        return fail(err, -ENOMEM, "%s: cannot map 0x%zx bytes: %s", name, len,
                    strerror(errno));
    struct plan p = { .src = src, .name = name, .view = m, .len = len, .err = err };
    kcache_stream_init(&p.digest);
    int rc = fill_view(&p);
    if (rc < 0) {
        munmap(m, len);
        return rc;
    }
    kcache_stream_digest(&p.digest, digest);
    *view = m;
    return 0;
}

int elfview_digest(const void *mem, size_t len, uint64_t digest[2], pvb_error *err)
{
    struct elfview_src src = { .fd = -1, .mem = mem };
    unsigned char *view;
    int rc = elfview_read(&src, "ELF", len, &view, digest, err);
    if (rc == 0)
        elfview_free(view, len);
    return rc;
}

int elfview_fill(int fd, const char *name, uint64_t base, unsigned char *view,
                 size_t len, pvb_error *err)
{
    return read_file_at(fd, name, base, view, len, err);
}

void elfview_free(unsigned char *view, size_t len)
{
    if (view)
        munmap(view, len);
}
