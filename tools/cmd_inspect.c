/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pvbuild inspect: what a kernel image is and what its Xen notes ask for. */
#include "cli.h"
#include "json.h"

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

static void json_features(struct json *j, const char *key, uint32_t map)
{
    json_array(j, key);
    for (unsigned bit = 0; bit < 32; bit++) {
        char tmp[16];
        if (map >> bit & 1)
            json_string(j, NULL, feature_label(bit, tmp));
    }
    json_array_end(j);
}

static void json_opt_hex(struct json *j, const struct pvb_guest *g,
                         const char *key, unsigned type, uint64_t v)
{
    if (pvb_guest_has_note(g, type))
        json_hex(j, key, v);
    else
        json_null(j, key);
}

/* A numeric note's value (the library knows which notes are numbers). */
static uint64_t note_number(const struct pvb_guest *g, unsigned type)
{
    uint64_t v = 0;
    pvb_guest_note_value(g, type, &v);
    return v;
}

static void print_json(const char *path, const struct pvb_guest *g)
{
    struct json j;
    char fl[4];

    json_start(&j, stdout);
    json_object(&j, NULL);
    json_string(&j, "file", path);
    json_string(&j, "format", pvb_format_name(g->format));
    json_string(&j, "compression", pvb_compression_name(g->compression));
    if (g->bzimage_version) {
        char v[16];
        snprintf(v, sizeof v, "%u.%02u", g->bzimage_version >> 8,
                 g->bzimage_version & 0xff);
        json_string(&j, "boot_protocol", v);
    } else {
        json_null(&j, "boot_protocol");
    }
    json_uint(&j, "file_size", g->file_size);
    json_uint(&j, "compressed_size", g->payload_size);
    json_uint(&j, "decompressed_size", g->elf_size);
    json_uint(&j, "elf_class", (uint64_t)g->elf_class);
    json_string(&j, "elf_machine", machine_name(g->elf_machine));
    json_hex(&j, "entry", g->entry);
    json_hex(&j, "elf_entry", g->elf_entry);
    json_hex(&j, "virt_base", g->virt_base);
    json_hex(&j, "paddr_offset", g->paddr_offset);
    json_hex(&j, "virt_kstart", g->virt_kstart);
    json_hex(&j, "virt_kend", g->virt_kend);
    json_opt_hex(&j, g, "init_p2m", XEN_ELFNOTE_INIT_P2M, g->init_p2m);
    json_opt_hex(&j, g, "hypercall_page", XEN_ELFNOTE_HYPERCALL_PAGE,
                 g->hypercall_page);
    json_opt_hex(&j, g, "mod_start_pfn", XEN_ELFNOTE_MOD_START_PFN,
                 g->mod_start_pfn);
    json_opt_hex(&j, g, "hv_start_low", XEN_ELFNOTE_HV_START_LOW, g->hv_start_low);
    json_bool(&j, "legacy_guest_info", g->legacy_guest_info);
    json_uint(&j, "notes_skipped", g->notes_skipped);

    json_object(&j, "features");
    json_string(&j, "string", g->features[0] ? g->features : NULL);
    json_features(&j, "supported", g->features_supported);
    json_features(&j, "required", g->features_required);
    json_object_end(&j);

    if (pvb_guest_has_note(g, XEN_ELFNOTE_SUPPORTED_FEATURES))
        json_features(&j, "supported_features", g->supported_features);
    else
        json_null(&j, "supported_features");

    json_object(&j, "notes");
    for (unsigned t = 0; t < 64; t++) {
        const char *name = pvb_note_name(t);
        if (!name || !pvb_guest_has_note(g, t))
            continue;
        if (pvb_guest_note_string(g, t))
            json_string(&j, name, pvb_guest_note_string(g, t));
        else
            json_hex(&j, name, note_number(g, t));
    }
    json_object_end(&j);

    json_array(&j, "segments");
    for (size_t i = 0; i < g->nr_segments; i++) {
        const struct pvb_image_segment *s = &g->segments[i];
        flags_str(s->flags, fl);
        json_object(&j, NULL);
        json_hex(&j, "paddr", s->paddr);
        json_hex(&j, "vaddr", s->vaddr);
        json_hex(&j, "offset", s->offset);
        json_hex(&j, "filesz", s->filesz);
        json_hex(&j, "memsz", s->memsz);
        json_string(&j, "flags", fl);
        json_object_end(&j);
    }
    json_array_end(&j);
    json_object_end(&j);
    json_finish(&j);
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
    if (json)
        print_json(path, pvb_image_guest(img));
    else
        print_text(path, pvb_image_guest(img));
    pvb_image_close(img);
    return fflush(stdout) == 0 ? 0 : 1;
}
