/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A guest kernel's description as JSON (pvbuild inspect --json). */
#include "util/error.h"
#include "util/json.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>

static const char *machine_name(int m)
{
    return m == EM_X86_64 ? "x86_64" : m == EM_386 ? "i386" : "unknown";
}

/* Named features of a bitmap; "bitN" for one xen/features.h does not name. */
static void features(struct json *j, const char *key, uint32_t map)
{
    json_array(j, key);
    for (unsigned bit = 0; bit < 32; bit++) {
        char tmp[16];
        const char *name = pvb_feature_name(bit);
        if (!(map >> bit & 1))
            continue;
        if (!name) {
            snprintf(tmp, sizeof tmp, "bit%u", bit);
            name = tmp;
        }
        json_string(j, NULL, name);
    }
    json_array_end(j);
}

static void opt_hex(struct json *j, const struct pvb_guest *g, const char *key,
                    unsigned type, uint64_t v)
{
    if (pvb_guest_has_note(g, type))
        json_hex(j, key, v);
    else
        json_null(j, key);
}

static void notes(struct json *j, const struct pvb_guest *g)
{
    json_object(j, "notes");
    for (unsigned t = 0; t < 64; t++) {
        const char *name = pvb_note_name(t);
        const char *str = pvb_guest_note_string(g, t);
        uint64_t v = 0;
        if (!name || !pvb_guest_has_note(g, t))
            continue;
        if (str) {
            json_string_n(j, name, str, PVB_NOTE_STR_MAX);
        } else {
            pvb_guest_note_value(g, t, &v);
            json_hex(j, name, v);
        }
    }
    json_object_end(j);
}

static void segments(struct json *j, const struct pvb_guest *g)
{
    json_array(j, "segments");
    for (size_t i = 0; g->segments && i < g->nr_segments; i++) {
        const struct pvb_image_segment *s = &g->segments[i];
        char fl[4] = { s->flags & PF_R ? 'R' : '-', s->flags & PF_W ? 'W' : '-',
                       s->flags & PF_X ? 'X' : '-', 0 };
        json_object(j, NULL);
        json_hex(j, "paddr", s->paddr);
        json_hex(j, "vaddr", s->vaddr);
        json_hex(j, "offset", s->offset);
        json_hex(j, "filesz", s->filesz);
        json_hex(j, "memsz", s->memsz);
        json_string(j, "flags", fl);
        json_object_end(j);
    }
    json_array_end(j);
}

int pvb_guest_json(const struct pvb_guest *g, const char *file, char **out,
                   pvb_error *err)
{
    if (out)
        *out = NULL;
    if (!g || !out)
        return fail(err, -EINVAL, "the guest as JSON: %s is NULL",
                    !g ? "the guest" : "the output pointer");
    struct json j;

    json_begin(&j);
    json_object(&j, NULL);
    json_string(&j, "file", file);
    json_string(&j, "format", pvb_format_name(g->format));
    json_string(&j, "compression", pvb_compression_name(g->compression));
    if (g->bzimage_version) {
        char v[16];
        snprintf(v, sizeof v, "%u.%02u", g->bzimage_version >> 8u,
                 g->bzimage_version & 0xffu);
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
    opt_hex(&j, g, "init_p2m", XEN_ELFNOTE_INIT_P2M, g->init_p2m);
    opt_hex(&j, g, "hypercall_page", XEN_ELFNOTE_HYPERCALL_PAGE, g->hypercall_page);
    opt_hex(&j, g, "mod_start_pfn", XEN_ELFNOTE_MOD_START_PFN, g->mod_start_pfn);
    opt_hex(&j, g, "hv_start_low", XEN_ELFNOTE_HV_START_LOW, g->hv_start_low);
    json_bool(&j, "legacy_guest_info", g->legacy_guest_info);
    json_uint(&j, "notes_skipped", g->notes_skipped);

    json_object(&j, "features");
    if (g->features[0])
        json_string_n(&j, "string", g->features, sizeof g->features);
    else
        json_null(&j, "string");
    features(&j, "supported", g->features_supported);
    features(&j, "required", g->features_required);
    json_object_end(&j);
    if (pvb_guest_has_note(g, XEN_ELFNOTE_SUPPORTED_FEATURES))
        features(&j, "supported_features", g->supported_features);
    else
        json_null(&j, "supported_features");

    notes(&j, g);
    segments(&j, g);
    json_object_end(&j);
    return json_end(&j, "the guest", out, err);
}
