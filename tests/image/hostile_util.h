/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Builders for the hostile-image tests: a tiny valid kernel (ELF64 x86_64
 * or ELF32 i386 with Xen notes), bzImage wrappers and compressed payloads.
 * Each hostile case starts from one of these and breaks exactly one thing,
 * so the control images (which must load) prove the defect is the cause.
 */
#ifndef PVB_TESTS_HOSTILE_UTIL_H
#define PVB_TESTS_HOSTILE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
    uint8_t *data;
    size_t len;
};

/*
 * Control ELF layout (both classes): text PT_LOAD, data PT_LOAD, PT_NOTE
 * running to the very end of the file, so a note read past its bounds is
 * a read past the end of the buffer.
 */
#define CTL_TEXT_OFF     0x1000
#define CTL_TEXT_SIZE    0x2000
#define CTL_DATA_OFF     0x3000
#define CTL_DATA_FILESZ  0x800
#define CTL_DATA_MEMSZ   0x2000
#define CTL_NOTE_OFF     0x3800
#define CTL_PADDR        UINT64_C(0x1000000)
#define CTL_VBASE64      UINT64_C(0xffffffff80000000)
#define CTL_VBASE32      UINT64_C(0xc0000000)
#define CTL_ENTRY_OFF    0x40      /* from the start of text */
#define CTL_HCALL_OFF    0x1000    /* hypercall page, inside text */
#define CTL_PH_TEXT      0
#define CTL_PH_DATA      1
#define CTL_PH_NOTE      2
#define CTL_PHNUM        3

struct elf_opts {
    int cls;                  /* 64 or 32 */
    bool big_endian;          /* the whole file in ELFDATA2MSB */
    bool last_unterminated;   /* last note (GUEST_VERSION) without its NUL */
    bool bad_desc_size;       /* SUSPEND_CANCEL with a 3-byte descriptor */
};

struct built_elf {
    struct buf b;
    size_t last_nhdr_off;     /* file offset of the last note's header */
    uint64_t vbase, text_vaddr, entry, hcall;
};

struct built_elf make_elf(const struct elf_opts *o);

/* A bzImage around `payload`; setup_sects 0 means 4 (as the boot protocol). */
struct bzimage_opts {
    uint8_t setup_sects;
    uint16_t version;
    uint32_t pm_pad;          /* bytes of protected-mode code before the payload */
    uint32_t tail;            /* bytes after the payload */
};
struct built_bz {
    struct buf b;
    size_t payload_pos;       /* file offset of the payload */
};
struct built_bz make_bzimage(const struct buf *payload, const struct bzimage_opts *o);

void put_le16(uint8_t *p, uint16_t v);
void put_le32(uint8_t *p, uint32_t v);

struct buf buf_dup(const void *data, size_t len);
void buf_free(struct buf *b);

/* Compression with the libraries. */
struct buf gzip_buf(const struct buf *in);
struct buf xz_buf(const struct buf *in);
/* `nbytes` zeros streamed through deflate (gzip wrapper): a bomb. */
struct buf gzip_zeros(uint64_t nbytes);
/* Compression with a real tool: `cmd` reads stdin, writes stdout. */
struct buf tool_compress(const char *cmd, const struct buf *in, const char *tmpdir);
/* The standard output of a shell command line (empty if it failed). */
struct buf tool_output(const char *line);
/*
 * Rewrite the LZMA2 dictionary-size byte of an xz stream's first block
 * header (fixing the header's CRC32); false if the header is not as expected.
 */
bool xz_patch_dict(struct buf *xz, uint8_t dict_props);

/* Write a buffer to dir/name; returns the malloc'd path. */
char *write_file(const char *dir, const char *name, const struct buf *b);

#endif
