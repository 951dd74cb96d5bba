/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Xen's guest notes (xen/elfnote.h) and the legacy __xen_guest string, into
 * struct pvb_guest.  A malformed note is skipped with a warning rather than
 * failing the image: real kernels carry odd notes, and one bad note should
 * not hide the good ones.
 */
#include "image/notes.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/xenabi.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Xen's hardened libelf caps strings at 4 KiB; so do we. */
#define NOTE_STRING_MAX 4096
/* A feature name longer than this cannot be one of features.h's. */
#define FEATURE_NAME_MAX 64

static const char *note_label(unsigned type, char *buf, size_t size)
{
    const char *n = pvb_note_name(type);
    if (n)
        snprintf(buf, size, "%s (type %u)", n, type);
    else
        snprintf(buf, size, "type 0x%x", type);
    return buf;
}

static void mark_seen(struct pvb_guest *g, unsigned type)
{
    if (type < 64)
        g->notes_seen |= UINT64_C(1) << type;
}

/* Copy a string of n bytes (no NUL among them) into a PVB_NOTE_STR_MAX field. */
static void copy_string(const char *name, const char *what, char *dst,
                        const char *src, size_t n, const pvb_logger *log)
{
    if (n >= PVB_NOTE_STR_MAX) {
        log_warn(log, "%s: %s is 0x%zx bytes long; kept its first %d bytes",
                 name, what, n, PVB_NOTE_STR_MAX - 1);
        n = PVB_NOTE_STR_MAX - 1;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static uint64_t read_le(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = n; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

void xen_features_parse(const char *name, const char *s, struct pvb_guest *g,
                        const pvb_logger *log)
{
    while (*s) {
        size_t n = strcspn(s, "|");
        const char *tok = s;
        s += n;
        if (*s == '|')
            s++;
        if (n == 0)
            continue;

        bool required = tok[0] == '!';
        const char *fname = required ? tok + 1 : tok;
        size_t flen = required ? n - 1 : n;
        char buf[FEATURE_NAME_MAX];
        int bit = -1;
        if (flen < sizeof buf) {
            memcpy(buf, fname, flen);
            buf[flen] = '\0';
            bit = pvb_feature_from_name(buf);
        }
        if (bit < 0 || bit >= 32) {
            /* libxenguest refuses a kernel that requires an unknown feature. */
            log_warn(log, "%s: FEATURES names %s feature \"%.*s\" that Xen's "
                     "features.h does not know; %s", name,
                     required ? "a required" : "an unknown", (int)(flen > 80 ? 80 : flen),
                     fname, required ? "the kernel cannot be built" : "ignored");
            if (required && !g->features_required_unknown[0]) {
                size_t keep = flen < sizeof g->features_required_unknown
                                  ? flen : sizeof g->features_required_unknown - 1;
                memcpy(g->features_required_unknown, fname, keep);
                g->features_required_unknown[keep] = '\0';
            }
            continue;
        }
        g->features_supported |= UINT32_C(1) << bit;
        if (required)
            g->features_required |= UINT32_C(1) << bit;
    }
}

/* ------------------------------------------------------------ notes */

static bool is_string_note(unsigned type)
{
    switch (type) {
    case XEN_ELFNOTE_INFO:
    case XEN_ELFNOTE_XEN_VERSION:
    case XEN_ELFNOTE_GUEST_OS:
    case XEN_ELFNOTE_GUEST_VERSION:
    case XEN_ELFNOTE_LOADER:
    case XEN_ELFNOTE_PAE_MODE:
    case XEN_ELFNOTE_FEATURES:
    case XEN_ELFNOTE_BSD_SYMTAB:
        return true;
    }
    return false;
}

static char *string_field(struct pvb_guest *g, unsigned type)
{
    switch (type) {
    case XEN_ELFNOTE_XEN_VERSION:   return g->xen_version;
    case XEN_ELFNOTE_GUEST_OS:      return g->guest_os;
    case XEN_ELFNOTE_GUEST_VERSION: return g->guest_version;
    case XEN_ELFNOTE_LOADER:        return g->loader;
    case XEN_ELFNOTE_PAE_MODE:      return g->pae_mode;
    case XEN_ELFNOTE_FEATURES:      return g->features;
    case XEN_ELFNOTE_BSD_SYMTAB:    return g->bsd_symtab;
    }
    return NULL;
}

const char *pvb_guest_note_string(const struct pvb_guest *g, unsigned type)
{
    return g ? string_field((struct pvb_guest *)g, type) : NULL;
}

static int parse_guest_info(const char *name, const char *what, const char *s,
                            size_t len, struct pvb_guest *g,
                            const pvb_logger *log, pvb_error *err);

static void record_string(const char *name, const char *label, unsigned type,
                          const char *desc, size_t len, struct pvb_guest *g,
                          const pvb_logger *log)
{
    char what[96];
    /* Linux writes FEATURES with .ascii: the descriptor's size ends it. */
    size_t n = strnlen(desc, len);

    if (len > NOTE_STRING_MAX) {
        log_warn(log, "%s: Xen note %s: descriptor of 0x%zx bytes exceeds the "
                 "string limit 0x%x; skipped", name, label, len, NOTE_STRING_MAX);
        g->notes_skipped++;
        return;
    }
    if (len == 0) {
        log_warn(log, "%s: Xen note %s: empty descriptor, want a string; "
                 "skipped", name, label);
        g->notes_skipped++;
        return;
    }

    if (type == XEN_ELFNOTE_INFO) {
        /* Parse into a copy so that a bad string leaves *g as it was. */
        struct pvb_guest tmp = *g;
        pvb_error e = { 0 };
        if (parse_guest_info(name, "Xen note INFO", desc, n, &tmp, log, &e) < 0) {
            log_warn(log, "%s; note skipped", e.msg);
            g->notes_skipped++;
            return;
        }
        *g = tmp;
        mark_seen(g, type);
        return;
    }

    snprintf(what, sizeof what, "Xen note %s", label);
    copy_string(name, what, string_field(g, type), desc, n, log);
    if (type == XEN_ELFNOTE_FEATURES) {
        /* The whole string, even if the stored copy had to be cut. */
        char full[NOTE_STRING_MAX + 1];
        memcpy(full, desc, n);
        full[n] = '\0';
        xen_features_parse(name, full, g, log);
    }
    mark_seen(g, type);
}

void xen_note_record(const char *name, unsigned type, const void *desc,
                     size_t desc_len, struct pvb_guest *g, const pvb_logger *log)
{
    const unsigned char *d = desc;
    char label[48];
    uint64_t v = 0;

    note_label(type, label, sizeof label);
    if (type > XEN_ELFNOTE_MAX) {
        log_debug(log, "%s: Xen note %s is not one of xen/elfnote.h's; ignored",
                  name, label);
        return;
    }
    if (is_string_note(type)) {
        record_string(name, label, type, desc, desc_len, g, log);
        return;
    }

    switch (type) {
    case XEN_ELFNOTE_L1_MFN_VALID:
        /* One or two maddr_t-sized numbers (elfnote.h speaks of mask/value
         * pairs), kept in file order. */
        if (desc_len == 4 || desc_len == 8) {
            g->l1_mfn_valid[0] = read_le(d, desc_len);
            g->l1_mfn_valid[1] = 0;
            g->l1_mfn_valid_count = 1;
        } else if (desc_len == 16) {
            g->l1_mfn_valid[0] = read_le(d, 8);
            g->l1_mfn_valid[1] = read_le(d + 8, 8);
            g->l1_mfn_valid_count = 2;
        } else {
            log_warn(log, "%s: Xen note %s: descriptor of %zu bytes, want 4, 8 "
                     "or 16; skipped", name, label, desc_len);
            g->notes_skipped++;
            return;
        }
        mark_seen(g, type);
        return;

    case XEN_ELFNOTE_SUPPORTED_FEATURES:
        /* One 32-bit word per submap; features.h has XENFEAT_NR_SUBMAPS. */
        if (desc_len < 4 || desc_len % 4) {
            log_warn(log, "%s: Xen note %s: descriptor of %zu bytes, want a "
                     "multiple of 4; skipped", name, label, desc_len);
            g->notes_skipped++;
            return;
        }
        g->supported_features = (uint32_t)read_le(d, 4);
        mark_seen(g, type);
        return;
    }

    if (desc_len != 4 && desc_len != 8) {
        log_warn(log, "%s: Xen note %s: descriptor of %zu bytes, want a 4- or "
                 "8-byte number; skipped", name, label, desc_len);
        g->notes_skipped++;
        return;
    }
    v = read_le(d, desc_len);

    switch (type) {
    case XEN_ELFNOTE_ENTRY:          g->entry = v; break;
    case XEN_ELFNOTE_HYPERCALL_PAGE: g->hypercall_page = v; break;
    case XEN_ELFNOTE_VIRT_BASE:      g->virt_base = v; break;
    case XEN_ELFNOTE_PADDR_OFFSET:   g->paddr_offset = v; break;
    case XEN_ELFNOTE_HV_START_LOW:   g->hv_start_low = v; break;
    case XEN_ELFNOTE_SUSPEND_CANCEL: g->suspend_cancel = v; break;
    case XEN_ELFNOTE_INIT_P2M:       g->init_p2m = v; break;
    case XEN_ELFNOTE_MOD_START_PFN:  g->mod_start_pfn = v; break;
    case XEN_ELFNOTE_PHYS32_ENTRY:   g->phys32_entry = v; break;  /* PVH only */
    default:
        return;
    }
    mark_seen(g, type);
}

/* ------------------------------------------------- __xen_guest string */

/* Keys of the legacy string, and the note each one stands for. */
static const struct {
    const char *key;
    unsigned type;
} legacy_keys[] = {
    { "GUEST_OS", XEN_ELFNOTE_GUEST_OS },
    { "GUEST_VER", XEN_ELFNOTE_GUEST_VERSION },
    { "XEN_VER", XEN_ELFNOTE_XEN_VERSION },
    { "LOADER", XEN_ELFNOTE_LOADER },
    { "PAE", XEN_ELFNOTE_PAE_MODE },
    { "BSD_SYMTAB", XEN_ELFNOTE_BSD_SYMTAB },
    { "FEATURES", XEN_ELFNOTE_FEATURES },
    { "VIRT_BASE", XEN_ELFNOTE_VIRT_BASE },
    { "VIRT_ENTRY", XEN_ELFNOTE_ENTRY },
    { "ELF_PADDR_OFFSET", XEN_ELFNOTE_PADDR_OFFSET },
    { "HYPERCALL_PAGE", XEN_ELFNOTE_HYPERCALL_PAGE },
};

static int parse_number(const char *name, const char *label, const char *val,
                        uint64_t *out, pvb_error *err)
{
    char *end;
    errno = 0;
    /* strtoull would quietly accept "-1" and leading blanks. */
    if (val[0] < '0' || val[0] > '9')
        goto bad;
    unsigned long long v = strtoull(val, &end, 0);
    if (errno || *end)
        goto bad;
    *out = v;
    return 0;
bad:
    return fail(err, -EINVAL, "%s: %s value \"%.64s\" is not a 64-bit number",
                name, label, val);
}

static int parse_item(const char *name, const char *what, const char *key,
                      size_t key_len, const char *val, bool has_val,
                      struct pvb_guest *g, uint64_t *hcall_pfn, bool *have_hcall,
                      const pvb_logger *log, pvb_error *err)
{
    char label[96];
    unsigned type = ~0u;
    uint64_t v = 0;
    int rc;

    for (size_t i = 0; i < sizeof legacy_keys / sizeof legacy_keys[0]; i++)
        if (strlen(legacy_keys[i].key) == key_len &&
            memcmp(legacy_keys[i].key, key, key_len) == 0)
            type = legacy_keys[i].type;
    if (type == ~0u) {
        log_warn(log, "%s: %s key \"%.*s\" is not one Xen knows; ignored", name,
                 what, (int)(key_len > 64 ? 64 : key_len), key);
        return 0;
    }
    snprintf(label, sizeof label, "%s %.*s", what, (int)key_len, key);

    switch (type) {
    case XEN_ELFNOTE_BSD_SYMTAB:
        /* In the legacy string the key's presence is the flag. */
        copy_string(name, label, g->bsd_symtab, "yes", 3, log);
        break;
    case XEN_ELFNOTE_VIRT_BASE:
    case XEN_ELFNOTE_ENTRY:
    case XEN_ELFNOTE_PADDR_OFFSET:
    case XEN_ELFNOTE_HYPERCALL_PAGE:
        if (!has_val)
            return fail(err, -EINVAL, "%s: %s has no value", name, label);
        rc = parse_number(name, label, val, &v, err);
        if (rc < 0)
            return rc;
        if (type == XEN_ELFNOTE_VIRT_BASE)
            g->virt_base = v;
        else if (type == XEN_ELFNOTE_ENTRY)
            g->entry = v;
        else if (type == XEN_ELFNOTE_PADDR_OFFSET)
            g->paddr_offset = v;
        else {
            /* A page number, relative to VIRT_BASE (elfnote.h). */
            if (v > UINT64_MAX >> PVB_PAGE_SHIFT)
                return fail(err, -ERANGE, "%s: %s page number 0x%llx is too "
                            "large", name, label, (unsigned long long)v);
            *hcall_pfn = v;
            *have_hcall = true;
        }
        break;
    default:
        copy_string(name, label, string_field(g, type), val, strlen(val), log);
        if (type == XEN_ELFNOTE_FEATURES)
            xen_features_parse(name, val, g, log);
        break;
    }
    mark_seen(g, type);
    return 0;
}

static int parse_guest_info(const char *name, const char *what, const char *s,
                            size_t len, struct pvb_guest *g,
                            const pvb_logger *log, pvb_error *err)
{
    uint64_t hcall_pfn = 0;
    bool have_hcall = false;
    char *copy;
    int rc = 0;

    if (len > NOTE_STRING_MAX)
        return fail(err, -E2BIG, "%s: %s string of 0x%zx bytes exceeds the limit "
                    "0x%x", name, what, len, NOTE_STRING_MAX);
    len = strnlen(s, len);
    copy = mem_malloc(len + 1);
    if (!copy)
        return fail(err, -ENOMEM, "%s: %s: out of memory", name, what);
    memcpy(copy, s, len);
    copy[len] = '\0';

    for (char *item = copy, *next; item && rc == 0; item = next) {
        next = strchr(item, ',');
        if (next)
            *next++ = '\0';
        if (!*item)
            continue;
        char *eq = strchr(item, '=');
        size_t key_len = eq ? (size_t)(eq - item) : strlen(item);
        rc = parse_item(name, what, item, key_len, eq ? eq + 1 : "", eq != NULL,
                        g, &hcall_pfn, &have_hcall, log, err);
    }
    free(copy);
    if (rc < 0)
        return rc;

    if (have_hcall)
        g->hypercall_page = g->virt_base + (hcall_pfn << PVB_PAGE_SHIFT);
    return 0;
}

int xen_guest_string_parse(const char *name, const char *s, size_t len,
                           struct pvb_guest *g, const pvb_logger *log,
                           pvb_error *err)
{
    return parse_guest_info(name, "__xen_guest", s, len, g, log, err);
}

int pvb_guest_note_value(const struct pvb_guest *g, unsigned type, uint64_t *value)
{
    uint64_t v;

    if (!g || !value)
        return -EINVAL;
    switch (type) {
    case XEN_ELFNOTE_ENTRY:              v = g->entry; break;
    case XEN_ELFNOTE_HYPERCALL_PAGE:     v = g->hypercall_page; break;
    case XEN_ELFNOTE_VIRT_BASE:          v = g->virt_base; break;
    case XEN_ELFNOTE_PADDR_OFFSET:       v = g->paddr_offset; break;
    case XEN_ELFNOTE_HV_START_LOW:       v = g->hv_start_low; break;
    case XEN_ELFNOTE_L1_MFN_VALID:       v = g->l1_mfn_valid[0]; break;
    case XEN_ELFNOTE_SUSPEND_CANCEL:     v = g->suspend_cancel; break;
    case XEN_ELFNOTE_INIT_P2M:           v = g->init_p2m; break;
    case XEN_ELFNOTE_MOD_START_PFN:      v = g->mod_start_pfn; break;
    case XEN_ELFNOTE_SUPPORTED_FEATURES: v = g->supported_features; break;
    case XEN_ELFNOTE_PHYS32_ENTRY:       v = g->phys32_entry; break;
    default:
        return -EINVAL;
    }
    *value = 0;
    if (!pvb_guest_has_note(g, type))
        return -ENOENT;
    *value = v;
    return 0;
}
