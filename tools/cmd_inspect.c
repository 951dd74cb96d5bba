/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pvbuild inspect: what a kernel image is and what its Xen notes ask for. */
#include "cli.h"
#include "report.h"

#include <elf.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <xen/elfnote.h>

static void inspect_usage(FILE *f)
{
    fputs("Usage: pvbuild inspect [--json] [--max-output=SIZE] KERNEL\n"
          "  --json             print one JSON object (keys documented in pvbuild(1))\n"
          "  --max-output=SIZE  decompression cap (default 1G; 0 = default)\n", f);
}

static const char *machine_name(int m)
{
    return m == EM_X86_64 ? "x86_64" : m == EM_386 ? "i386" : "unknown";
}

static void flags_str(uint32_t flags, char out[4])
{
    out[0] = flags & PF_R ? 'R' : '-';
    out[1] = flags & PF_W ? 'W' : '-';
    out[2] = flags & PF_X ? 'X' : '-';
    out[3] = 0;
}

/* A feature's name, or "bitN" for one xen/features.h does not name. */
static const char *feature_label(unsigned bit, char tmp[16])
{
    const char *n = pvb_feature_name(bit);
    if (n)
        return n;
    snprintf(tmp, 16, "bit%u", bit);
    return tmp;
}

/* Feature names of a bitmap, '|'-separated. */
static void feature_list(uint32_t map, char *out, size_t len)
{
    size_t used = 0;
    out[0] = 0;
    for (unsigned bit = 0; bit < 32; bit++) {
        char tmp[16];
        if (!(map >> bit & 1))
            continue;
        int w = snprintf(out + used, len - used, "%s%s", used ? "|" : "",
                         feature_label(bit, tmp));
        if (w < 0 || (size_t)w >= len - used)
            break;
        used += (size_t)w;
    }
}

/* A numeric note's value (the library knows which notes are numbers). */
static uint64_t note_number(const struct pvb_guest *g, unsigned type)
{
    uint64_t v = 0;
    pvb_guest_note_value(g, type, &v);
    return v;
}

static void print_text(const char *path, const struct pvb_guest *g)
{
    char buf[512];

    printf("%s\n", path);
    if (g->bzimage_version)
        printf("  format:        %s (boot protocol %u.%02u)\n",
               pvb_format_name(g->format), g->bzimage_version >> 8,
               g->bzimage_version & 0xff);
    else
        printf("  format:        %s\n", pvb_format_name(g->format));
    if (g->compression != PVB_COMP_NONE)
        printf("  compression:   %s, 0x%" PRIx64 " -> 0x%" PRIx64 " bytes\n",
               pvb_compression_name(g->compression), g->payload_size, g->elf_size);
    else
        printf("  compression:   none, 0x%" PRIx64 " bytes of ELF\n", g->elf_size);
    printf("  ELF:           %d-bit %s, e_entry 0x%" PRIx64 "\n", g->elf_class,
           machine_name(g->elf_machine), g->elf_entry);
    printf("  kernel:        0x%" PRIx64 "-0x%" PRIx64 " (paddr 0x%" PRIx64
           "-0x%" PRIx64 "), entry 0x%" PRIx64 "\n", g->virt_kstart,
           g->virt_kend, g->paddr_start, g->paddr_end, g->entry);
    printf("  virt_base:     0x%" PRIx64 ", paddr_offset 0x%" PRIx64 "\n",
           g->virt_base, g->paddr_offset);
    if (pvb_guest_has_note(g, XEN_ELFNOTE_INIT_P2M))
        printf("  init_p2m:      0x%" PRIx64 " (P->M list outside the kernel "
               "mapping)\n", g->init_p2m);
    else
        printf("  init_p2m:      none (P->M list inside the kernel mapping)\n");

    printf("  segments:\n    %-18s %-18s %-10s %-10s %-10s %s\n", "vaddr",
           "paddr", "offset", "filesz", "memsz", "flags");
    for (size_t i = 0; i < g->nr_segments; i++) {
        const struct pvb_image_segment *s = &g->segments[i];
        char fl[4];
        flags_str(s->flags, fl);
        printf("    0x%016" PRIx64 " 0x%016" PRIx64 " 0x%-8" PRIx64 " 0x%-8"
               PRIx64 " 0x%-8" PRIx64 " %s\n", s->vaddr, s->paddr, s->offset,
               s->filesz, s->memsz, fl);
    }

    printf("  Xen notes%s:\n", g->legacy_guest_info ? " (from __xen_guest)" : "");
    for (unsigned t = 0; t < 64; t++) {
        const char *name = pvb_note_name(t);
        if (!name || !pvb_guest_has_note(g, t))
            continue;
        if (t == XEN_ELFNOTE_FEATURES) {
            char sup[256], req[256];
            feature_list(g->features_supported, sup, sizeof sup);
            feature_list(g->features_required, req, sizeof req);
            printf("    %-19s \"%s\"\n    %-19s supported: %s; required: %s\n",
                   name, g->features, "", sup[0] ? sup : "none",
                   req[0] ? req : "none");
        } else if (t == XEN_ELFNOTE_SUPPORTED_FEATURES) {
            feature_list(g->supported_features, buf, sizeof buf);
            printf("    %-19s 0x%x (%s)\n", name, g->supported_features,
                   buf[0] ? buf : "none");
        } else if (pvb_guest_note_string(g, t)) {
            printf("    %-19s \"%s\"\n", name, pvb_guest_note_string(g, t));
        } else {
            printf("    %-19s 0x%" PRIx64 "\n", name, note_number(g, t));
        }
    }
    if (g->notes_skipped)
        printf("  %u malformed note(s) skipped\n", g->notes_skipped);
}

int cmd_inspect(int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "max-output", required_argument, NULL, 'm' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    struct pvb_image_opts io = { .version = PVB_IMAGE_OPTS_VERSION,
                               .log = &cli_logger };
    bool json = false;
    int c;

    while ((c = getopt_long(argc, argv, "jm:vh", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            json = true;
            break;
        case 'm':
            if (cli_parse_size(optarg, &io.limits.max_output) < 0) {
                cli_error("inspect: --max-output: '%s' is not a size", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'v':
            cli_verbosity++;
            break;
        case 'h':
            inspect_usage(stdout);
            return 0;
        default:
            inspect_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        inspect_usage(stderr);
        return EXIT_USAGE;
    }

    const char *path = argv[optind];
    pvb_image *img;
    pvb_error err = { 0 };
    if (pvb_image_open_file(path, &io, &img, &err) < 0) {
        cli_error("%s", err.msg);
        return 1;
    }
    int status = 0;
    if (json) {
        char *text;
        int rc = pvb_guest_json(pvb_image_guest(img), path, &text, &err);
        status = cli_print_json(rc, text, &err);
    } else {
        print_text(path, pvb_image_guest(img));
    }
    pvb_image_close(img);
    return fflush(stdout) == 0 ? status : 1;
}
