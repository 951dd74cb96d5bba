/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal interfaces of the xl config reader. */
#ifndef PVB_CONFIG_XL_H
#define PVB_CONFIG_XL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <libxlutil.h>
#include "pvbuild.h"

struct xl_reader {
    const char *path;          /* the config file, as named in messages */
    XLU_Config *xc;            /* parsed */
    pvb_error *err;
};

/* What the config sets; `has_*` says whether it set it at all. */
struct xl_values {
    bool has_name, has_kernel, has_ramdisk, has_cmdline;
    bool has_memory, has_maxmem, has_vcpus, has_maxvcpus, has_p2m;
    const char *cmdline_overrode; /* "root", "extra" or both, if cmdline won */
    struct pvb_config cfg;     /* the strings are owned here until commit */
};

/*
 * Read and check every value pvbuild acts on.  ovr_keys/ovr_add describe
 * the KEY=VALUE / KEY+=VALUE overrides, which decide how relative paths
 * are taken.
 */
/* What pvbuild does with a key xl.cfg(5) knows (xl_key_table.c). */
enum xl_key_class {
    XL_KEY_BUILD,        /* read by xl_get_values: the build config */
    XL_KEY_VM,           /* read by lib/toolstack: devices, on_* actions */
    XL_KEY_IGNORED,      /* means nothing for a PV domain pvbuild builds */
    XL_KEY_UNSUPPORTED,  /* asks for what pvbuild cannot give: refused */
};
struct xl_key {
    const char *name;
    enum xl_key_class cls;
};
/* The key's entry, or NULL when xl does not know the key. */
const struct xl_key *xl_key_find(const char *name);
/* The known key nearest to `name` (a few edits at most), or NULL. */
const char *xl_key_nearest(const char *name);
/* Whether xl_get_values reads `key` (its class is XL_KEY_BUILD). */
bool xl_is_known_key(const char *key);

int xl_get_values(struct xl_reader *rd, struct xl_values *v,
                  char **ovr_keys, const bool *ovr_add, size_t nr_ovr);
/* cpus=, cpus_soft=, vnuma= (xl_numa.c); called by xl_get_values. */
int xl_get_numa_values(struct xl_reader *rd, struct xl_values *v);

/*
 * The keys assigned (with = or +=) in an xl config text that libxlutil has
 * already accepted, as a malloc'd array of malloc'd names, sorted and
 * without duplicates.
 */
int xl_assigned_keys(const char *text, size_t len, char ***keys,
                     size_t *nr_keys);
void xl_free_keys(char **keys, size_t nr_keys);

/*
 * One "KEY=VALUE" (or "KEY+=VALUE") command-line override as a single line
 * of xl config text (no newline), in a new malloc'd string.
 * key_r/op_add_r (if not NULL) receive the key, malloc'd, and whether the
 * operator is +=.
 */
int xl_override_line(const char *override, char **line, char **key_r,
                     bool *op_add_r, pvb_error *err);

/* Far above any real line; a longer one is refused. */
#define XL_CONFIG_MAX_LINE 16384

/*
 * Refuse a NUL byte or a line longer than XL_CONFIG_MAX_LINE in the text
 * handed to libxlutil (the file's file_lines lines, then one line per
 * override), naming the file and line, or the override.
 */
int xl_check_text(const char *path, const char *text, size_t len,
                  size_t file_lines, const char *const *overrides,
                  pvb_error *err);

/*
 * How a reader treats the keys it does not read itself.
 * XL_KEYS_BUILD (pvb_config_read_xl): one warning listing them all.
 * XL_KEYS_VM (lib/toolstack): device and on_* keys are the caller's; an
 * unsupported key is an error (a warning with ignore_unsupported); an
 * unknown key is a warning naming the nearest known key; keys that mean
 * nothing here, one warning listing them.
 */
enum xl_key_policy { XL_KEYS_BUILD, XL_KEYS_VM };

/* A parsed config kept for further reads (lib/toolstack's). */
struct xl_file {
    XLU_Config *xc;
    FILE *report;              /* libxlutil reports here (xlu_disk_parse) */
    char *report_buf;
    size_t report_len;
    size_t report_from;        /* where the caller's reports begin */
};
void xl_file_close(struct xl_file *f);
/* The last line libxlutil reported, "" if none (valid until the next). */
const char *xl_file_last_report(struct xl_file *f);

/*
 * pvb_config_read_xl with a key policy; with file non-NULL the parsed
 * config is kept there on success (xl_file_close frees it).
 */
int xl_read(struct pvb_config *cfg, const char *path,
            const char *const *overrides, size_t nr_overrides,
            enum xl_key_policy policy, bool ignore_unsupported,
            const pvb_logger *log, struct xl_file *file, pvb_error *err);

#endif
