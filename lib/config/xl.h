/* Internal interfaces of the xl config reader. */
#ifndef PVB_CONFIG_XL_H
#define PVB_CONFIG_XL_H

#include <stdbool.h>
#include <stddef.h>
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
/* Whether xl_get_values reads `key`. */
bool xl_is_known_key(const char *key);

int xl_get_values(struct xl_reader *rd, struct xl_values *v,
                  char **ovr_keys, const bool *ovr_add, size_t nr_ovr);

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

#endif
