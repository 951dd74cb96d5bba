/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The values pvbuild acts on, from a parsed xl config (xl.cfg(5)). */
#include "config/config.h"
#include "util/alloc.h"
#include "config/xl.h"
#include "util/error.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest memory size in MiB whose byte count fits in 64 bits. */
#define MEMORY_MIB_MAX (UINT64_MAX >> 20)

/* A single string value; *value NULL when the key is absent. */
static int get_string(struct xl_reader *rd, const char *key,
                      const char **value)
{
    *value = NULL;
    int e = xlu_cfg_get_string(rd->xc, key, value, 1);
    if (e == ESRCH) {
        *value = NULL;
        return 0;
    }
    if (e)
        return fail(rd->err, -EINVAL, "%s: %s must be a single value, "
                    "not a list", rd->path, key);
    return 0;
}

/* A number in [min, max]; *present false when the key is absent. */
static int get_number(struct xl_reader *rd, const char *key, long min,
                      unsigned long long max, const char *unit,
                      unsigned long long *out, bool *present)
{
    char shown[PRINTABLE_MAX];
    const char *text;
    long l;

    *present = false;
    int e = xlu_cfg_get_long(rd->xc, key, &l, 1);
    if (e == ESRCH)
        return 0;
    if (e) {
        if (xlu_cfg_get_string(rd->xc, key, &text, 1))
            return fail(rd->err, -EINVAL, "%s: %s must be a number, not a "
                        "list", rd->path, key);
        printable_value(text, shown, sizeof shown);
        if (e == ERANGE)
            return fail(rd->err, -ERANGE, "%s: %s \"%s\" is out of range",
                        rd->path, key, shown);
        char *end;
        errno = 0;
        (void)strtol(text, &end, 0);
        if (!errno && *text && !*end)
            return fail(rd->err, -EINVAL, "%s: %s: += cannot be used with "
                        "numbers", rd->path, key);
        return fail(rd->err, -EINVAL, "%s: %s \"%s\" is not a number",
                    rd->path, key, shown);
    }
    if (l < min || (unsigned long long)l > max)
        return fail(rd->err, -ERANGE, "%s: %s %ld%s is out of range: must be "
                    "%ld to %llu%s", rd->path, key, l, unit, min, max, unit);
    *out = (unsigned long long)l;
    *present = true;
    return 0;
}

/* type= (xl.cfg(5)) or the older builder=; only PV is built here. */
static int check_type(struct xl_reader *rd)
{
    char shown[PRINTABLE_MAX];
    const char *type, *builder;
    int r;

    if ((r = get_string(rd, "type", &type)) < 0 ||
        (r = get_string(rd, "builder", &builder)) < 0)
        return r;
    if (type && strcmp(type, "pv") != 0)
        return fail(rd->err, -ENOTSUP, "%s: type \"%s\" is not supported: "
                    "pvbuild builds PV guests only", rd->path,
                    printable_value(type, shown, sizeof shown));
    /* "generic" is xl's name for the PV builder, "linux" xend's. */
    if (builder && strcmp(builder, "generic") != 0 &&
        strcmp(builder, "linux") != 0)
        return fail(rd->err, -ENOTSUP, "%s: builder \"%s\" is not supported: "
                    "pvbuild builds PV guests only", rd->path,
                    printable_value(builder, shown, sizeof shown));
    return 0;
}

/* The path as written, or joined to the config file's directory. */
static char *resolve_path(const char *config_path, const char *value,
                          bool relative_to_cwd)
{
    const char *slash = strrchr(config_path, '/');
    if (value[0] == '/' || relative_to_cwd || !slash)
        return mem_strdup(value);
    size_t dir_len = slash == config_path ? 0 : (size_t)(slash - config_path);
    size_t n = dir_len + 1 + strlen(value) + 1;
    char *joined = mem_malloc(n);
    if (joined)
        snprintf(joined, n, "%.*s/%s", (int)dir_len, config_path, value);
    return joined;
}

/*
 * Whether the value of `key` was set by a KEY=VALUE override: overrides
 * follow the file, so such a one replaces the file's value (a later += only
 * appends to it).  A path typed on the command line is relative to the
 * current directory; a path from the file is relative to the file.
 */
static bool set_by_override(const char *key, char **ovr_keys,
                            const bool *ovr_add, size_t nr)
{
    for (size_t i = 0; i < nr; i++)
        if (!ovr_add[i] && strcmp(ovr_keys[i], key) == 0)
            return true;
    return false;
}

/* An empty value is an error, or with empty_clears (ramdisk="") no file. */
static int get_path(struct xl_reader *rd, const char *key, bool empty_clears,
                    bool from_cwd, char **out, bool *present)
{
    const char *value;
    int r = get_string(rd, key, &value);
    if (r < 0)
        return r;
    *present = value != NULL;
    if (!value)
        return 0;
    if (!*value)
        return empty_clears ? 0 : fail(rd->err, -EINVAL, "%s: %s is an empty "
                                       "path", rd->path, key);
    *out = resolve_path(rd->path, value, from_cwd);
    if (!*out)
        return fail(rd->err, -ENOMEM, "%s: %s: out of memory", rd->path, key);
    return 0;
}

/* xl's rule: cmdline wins; else "root=ROOT EXTRA", "root=ROOT" or "EXTRA". */
static int get_cmdline(struct xl_reader *rd, struct xl_values *v)
{
    const char *cmdline, *root, *extra;
    int r;

    if ((r = get_string(rd, "cmdline", &cmdline)) < 0 ||
        (r = get_string(rd, "root", &root)) < 0 ||
        (r = get_string(rd, "extra", &extra)) < 0)
        return r;
    v->has_cmdline = cmdline || root || extra;
    if (!v->has_cmdline)
        return 0;

    size_t n;
    if (cmdline) {
        v->cmdline_overrode = root && extra ? "root and extra"
                              : root        ? "root"
                              : extra       ? "extra"
                                            : NULL;
        n = strlen(cmdline) + 1;
    } else {
        n = (root ? strlen("root=") + strlen(root) : 0) +
            (root && extra ? 1 : 0) + (extra ? strlen(extra) : 0) + 1;
    }
    char *s = mem_malloc(n);
    if (!s)
        return fail(rd->err, -ENOMEM, "%s: cmdline: out of memory", rd->path);
    if (cmdline)
        snprintf(s, n, "%s", cmdline);
    else
        snprintf(s, n, "%s%s%s%s", root ? "root=" : "", root ? root : "",
                 root && extra ? " " : "", extra ? extra : "");
    v->cfg.cmdline = s;
    return 0;
}

int xl_get_values(struct xl_reader *rd, struct xl_values *v,
                  char **ovr_keys, const bool *ovr_add, size_t nr_ovr)
{
    unsigned long long memory = 0, maxmem = 0, vcpus = 0, maxvcpus = 0;
    const char *s;
    int r;

    if ((r = check_type(rd)) < 0)
        return r;

    if ((r = get_string(rd, "name", &s)) < 0)
        return r;
    if (s) {
        v->has_name = true;
        if (pvb_config_set_string(&v->cfg.name, s, rd->err) < 0)
            return fail_prefix(rd->err, -ENOMEM, rd->path);
    }

    if ((r = get_path(rd, "kernel", false,
                      set_by_override("kernel", ovr_keys, ovr_add, nr_ovr),
                      &v->cfg.kernel, &v->has_kernel)) < 0 ||
        (r = get_path(rd, "ramdisk", true,
                      set_by_override("ramdisk", ovr_keys, ovr_add, nr_ovr),
                      &v->cfg.ramdisk, &v->has_ramdisk)) < 0)
        return r;

    if ((r = get_cmdline(rd, v)) < 0)
        return r;

    if ((r = get_number(rd, "memory", 1, MEMORY_MIB_MAX, " MiB", &memory,
                        &v->has_memory)) < 0 ||
        (r = get_number(rd, "maxmem", 1, MEMORY_MIB_MAX, " MiB", &maxmem,
                        &v->has_maxmem)) < 0 ||
        (r = get_number(rd, "vcpus", 1, UINT_MAX, "", &vcpus,
                        &v->has_vcpus)) < 0 ||
        (r = get_number(rd, "maxvcpus", 1, UINT_MAX, "", &maxvcpus,
                        &v->has_maxvcpus)) < 0)
        return r;
    if (v->has_memory && v->has_maxmem && memory > maxmem)
        return fail(rd->err, -EINVAL, "%s: memory %llu MiB exceeds maxmem "
                    "%llu MiB", rd->path, memory, maxmem);
    if (v->has_vcpus && v->has_maxvcpus && vcpus > maxvcpus)
        return fail(rd->err, -EINVAL, "%s: vcpus %llu exceeds maxvcpus %llu",
                    rd->path, vcpus, maxvcpus);
    v->cfg.memory_mib = memory;
    v->cfg.maxmem_mib = maxmem;
    v->cfg.vcpus = (unsigned)vcpus;
    v->cfg.max_vcpus = (unsigned)maxvcpus;

    /* A number (p2m_vaddr = 0x8000000000) reaches us as its text. */
    if ((r = get_string(rd, "p2m_vaddr", &s)) < 0)
        return r;
    if (s) {
        v->has_p2m = true;
        r = pvb_p2m_parse(s, &v->cfg.p2m, &v->cfg.p2m_vaddr, rd->err);
        if (r < 0) {
            char what[PVB_ERROR_MAX];
            snprintf(what, sizeof what, "%s: p2m_vaddr", rd->path);
            return fail_prefix(rd->err, r, what);
        }
    }

    /* The lifecycle actions stay text here: lib/toolstack reads them with
     * libxl, which the config reader does not link. */
    static const struct { const char *key; size_t off; } actions[] = {
        { "on_poweroff", offsetof(struct pvb_config, on_poweroff) },
        { "on_reboot", offsetof(struct pvb_config, on_reboot) },
        { "on_watchdog", offsetof(struct pvb_config, on_watchdog) },
        { "on_crash", offsetof(struct pvb_config, on_crash) },
    };
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
        if ((r = get_string(rd, actions[i].key, &s)) < 0)
            return r;
        if (s && pvb_config_set_string((char **)((char *)&v->cfg + actions[i].off),
                                       s, rd->err) < 0)
            return fail_prefix(rd->err, -ENOMEM, rd->path);
    }
    return xl_get_numa_values(rd, v);
}

