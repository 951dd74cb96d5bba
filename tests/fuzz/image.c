/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the kernel image loader on arbitrary bytes.  The input is
 * the whole file (ELF, bzImage or a compressed ELF); a loaded image is
 * read back through every public accessor, and what it reports must hold
 * together: segments inside the ELF, segment data equal to the ELF's
 * bytes, string notes terminated, extents ordered.  An ELF is also opened
 * from a file (a memfd), where the image is a view of only the bytes the
 * reader looks at: it must say what memory says.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

#define NAME "fuzz-image"

static void check_guest(const pvb_image *img)
{
    const struct pvb_guest *g = pvb_image_guest(img);
    size_t elf_len = 0;
    const unsigned char *elf = pvb_image_elf(img, &elf_len);

    if (!g || !elf)
        fuzz_die("loaded image without guest (%p) or ELF (%p)", (void *)g,
                 (const void *)elf);
    if (strcmp(pvb_image_name(img), NAME) != 0)
        fuzz_die("image name \"%s\"", pvb_image_name(img));
    if (g->elf_size != elf_len)
        fuzz_die("elf_size 0x%llx but the ELF is 0x%zx bytes",
                 (unsigned long long)g->elf_size, elf_len);
    fuzz_touch(elf, elf_len);
    if (g->elf_class != 32 && g->elf_class != 64)
        fuzz_die("elf_class %d", g->elf_class);
    if (g->payload_size > g->file_size)
        fuzz_die("payload 0x%llx larger than the file 0x%llx",
                 (unsigned long long)g->payload_size,
                 (unsigned long long)g->file_size);
    fuzz_touch(pvb_format_name(g->format), 1);
    fuzz_touch(pvb_compression_name(g->compression), 1);

    for (size_t i = 0; i < g->nr_segments; i++) {
        const struct pvb_image_segment *s = &g->segments[i];
        const unsigned char *d = pvb_image_segment_data(img, i);
        if (s->filesz > s->memsz)
            fuzz_die("segment %zu: filesz 0x%llx > memsz 0x%llx", i,
                     (unsigned long long)s->filesz, (unsigned long long)s->memsz);
        if (s->offset > elf_len || s->filesz > elf_len - s->offset)
            fuzz_die("segment %zu: offset 0x%llx + filesz 0x%llx past the ELF "
                     "(0x%zx)", i, (unsigned long long)s->offset,
                     (unsigned long long)s->filesz, elf_len);
        if (s->filesz && (!d || memcmp(d, elf + s->offset, s->filesz) != 0))
            fuzz_die("segment %zu: data differs from the ELF's bytes", i);
        if (s->paddr < g->paddr_start || s->paddr + s->memsz > g->paddr_end)
            fuzz_die("segment %zu: paddr outside [paddr_start, paddr_end)", i);
    }
    if (g->nr_segments && g->virt_kstart > g->virt_kend)
        fuzz_die("virt_kstart 0x%llx > virt_kend 0x%llx",
                 (unsigned long long)g->virt_kstart,
                 (unsigned long long)g->virt_kend);

    for (unsigned t = 0; t < 70; t++) {
        const char *s = pvb_guest_note_string(g, t);
        if (s)
            fuzz_touch_str(s, PVB_NOTE_STR_MAX);
        const char *n = pvb_note_name(t);
        if (n)
            fuzz_touch_str(n, 64);
        (void)pvb_guest_has_note(g, t);
    }
    for (unsigned bit = 0; bit < 32; bit++) {
        const char *f = pvb_feature_name(bit);
        if (((g->features_supported | g->features_required) >> bit & 1) && !f)
            fuzz_die("feature bit %u set but has no name", bit);
        if (f && pvb_feature_from_name(f) != (int)bit)
            fuzz_die("feature %s does not map back to bit %u", f, bit);
    }
    if (g->features_required & ~g->features_supported)
        fuzz_die("required features 0x%x not among the supported 0x%x",
                 g->features_required, g->features_supported);
    const char *strs[] = { g->guest_os, g->guest_version, g->xen_version,
                           g->loader, g->pae_mode, g->bsd_symtab, g->features };
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
        fuzz_touch_str(strs[i], PVB_NOTE_STR_MAX);
}

/* The same bytes as a file: the same outcome, the same guest. */
static void check_file(const uint8_t *data, size_t size,
                       const struct pvb_image_opts *opts, int mem_rc,
                       const pvb_image *mem_img)
{
    int fd = memfd_create("fuzz-image", MFD_CLOEXEC);
    if (fd < 0)
        return;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    pvb_image *img = NULL;
    pvb_error err = { 0 };
    int rc = -1;
    if (write(fd, data, size) == (ssize_t)size)
        rc = pvb_image_open_file(path, opts, &img, &err);
    else
        rc = mem_rc;    /* could not write it: nothing to compare */
    close(fd);
    if (rc != mem_rc)
        fuzz_die("the ELF from a file: rc %d, from memory %d (%s)", rc, mem_rc,
                 rc < 0 ? err.msg : "");
    if (img && mem_img) {
        struct pvb_guest a = *pvb_image_guest(img), b = *pvb_image_guest(mem_img);
        if (a.nr_segments != b.nr_segments ||
            memcmp(a.segments, b.segments, a.nr_segments * sizeof *a.segments))
            fuzz_die("the ELF from a file: other segments than from memory");
        a.segments = b.segments = NULL;
        if (memcmp(&a, &b, sizeof a) != 0)
            fuzz_die("the ELF from a file: another guest than from memory");
    }
    pvb_image_close(img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pvb_image_opts opts = {
        .version = PVB_IMAGE_OPTS_VERSION,
        .limits = { .max_output = fuzz_output_cap(size) },
        .log = &fuzz_logger,
    };
    pvb_image *img = NULL;
    pvb_error err = { 0 };

    int rc = pvb_image_open_mem(NAME, data, size, &opts, &img, &err);
    if (size >= 4 && memcmp(data, "\177ELF", 4) == 0)
        check_file(data, size, &opts, rc, img);
    if (rc < 0) {
        if (img)
            fuzz_die("failed open left an image behind");
        fuzz_check_error("pvb_image_open_mem", rc, &err, NAME);
        return 0;
    }
    if (rc != 0 || !img)
        fuzz_die("pvb_image_open_mem returned %d and image %p", rc, (void *)img);
    check_guest(img);
    pvb_image_close(img);
    return 0;
}
