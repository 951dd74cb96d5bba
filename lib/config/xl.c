/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An xl domain config file (xl.cfg(5)) -> a pvb_config, with Xen's own
 * parser, libxlutil, so that a file means to pvbuild what it means to xl.
 */
#include "config/config.h"
#include "util/alloc.h"
#include "config/xl.h"
#include "util/error.h"
#include "util/file.h"
#include "util/opts.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxlutil.h>

/* Far above any real config; libxlutil takes the length as an int. */
#define XL_CONFIG_MAX_SIZE (UINT64_C(1) << 20)

/* A growing ", "-separated list of key names. */
struct key_list {
    char *text;
    size_t len;
};

static int key_list_add(struct key_list *l, const char *key)
{
    size_t n = strlen(key);
    char *t = mem_realloc(l->text, l->len + n + 3);
    if (!t)
        return -ENOMEM;
    l->text = t;
    if (l->len) {
        memcpy(t + l->len, ", ", 2);
        l->len += 2;
    }
    memcpy(t + l->len, key, n + 1);
    l->len += n;
    return 0;
}

/*
 * The keys the text assigns, against the key table: what the policy
 * refuses, and one warning per kind of key nobody here acts on.
 */
static int check_keys(const char *path, const char *text, size_t len,
                      enum xl_key_policy policy, bool ignore_unsupported,
                      const pvb_logger *log, pvb_error *err)
{
    struct key_list ignored = { 0 }, unsupported = { 0 };
    char **keys;
    size_t nr;
    int r = 0;

    if (xl_assigned_keys(text, len, &keys, &nr) < 0)
        return fail(err, -ENOMEM, "%s: listing its keys: out of memory", path);
    for (size_t i = 0; i < nr && r == 0; i++) {
        const struct xl_key *k = xl_key_find(keys[i]);
        if (policy == XL_KEYS_BUILD) {
            if (!k || k->cls != XL_KEY_BUILD)
                r = key_list_add(&ignored, keys[i]);
            continue;
        }
        if (!k) {
            const char *near = xl_key_nearest(keys[i]);
            if (near)
                log_warn(log, "%s: unknown key %s (did you mean %s?); "
                         "ignoring it", path, keys[i], near);
            else
                log_warn(log, "%s: unknown key %s (xl.cfg(5) has none like "
                         "it); ignoring it", path, keys[i]);
        } else if (k->cls == XL_KEY_UNSUPPORTED) {
            r = key_list_add(&unsupported, keys[i]);
        } else if (k->cls == XL_KEY_IGNORED) {
            r = key_list_add(&ignored, keys[i]);
        }
    }
    if (r < 0) {
        r = fail(err, -ENOMEM, "%s: listing its keys: out of memory", path);
    } else if (unsupported.len && !ignore_unsupported) {
        r = fail(err, -ENOTSUP, "%s: unsupported key%s %s: pvbuild cannot "
                 "give a domain %s", path, strchr(unsupported.text, ',') ?
                 "s" : "", unsupported.text,
                 strchr(unsupported.text, ',') ? "these" : "this");
    } else {
        if (unsupported.len)
            log_warn(log, "%s: ignoring unsupported keys: %s", path,
                     unsupported.text);
        if (ignored.len)
            log_warn(log, "%s: ignoring keys pvbuild does not act on: %s",
                     path, ignored.text);
    }
    free(ignored.text);
    free(unsupported.text);
    xl_free_keys(keys, nr);
    return r;
}

/*
 * libxlutil's report of a failed parse, as one line.  Its lines read
 * "PATH:LINE: message"; a LINE past the file's own lines is an override.
 */
static int parse_failure(const char *path, const char *report, int e,
                         size_t file_lines, const char *const *overrides,
                         size_t nr_overrides, pvb_error *err)
{
    char shown[PRINTABLE_MAX];
    size_t plen = strlen(path);

    if (!report || !*report)
        return fail(err, -e, "%s: cannot parse: %s", path, strerror(e));

    size_t line_len = strcspn(report, "\n");
    const char *python = strstr(report, "looks like it contains Python")
                             ? " (xl config files are not Python)" : "";
    if (strncmp(report, path, plen) == 0 && report[plen] == ':') {
        char *end;
        unsigned long lineno = strtoul(report + plen + 1, &end, 10);
        if (end != report + plen + 1 && *end == ':' && lineno > file_lines &&
            lineno - file_lines - 1 < nr_overrides) {
            const char *msg = end + 1;
            while (*msg == ' ')
                msg++;
            return fail(err, -EINVAL, "%s: override \"%s\": %.*s%s", path,
                        printable_value(overrides[lineno - file_lines - 1],
                                        shown, sizeof shown),
                        (int)(line_len - (size_t)(msg - report)), msg, python);
        }
        return fail(err, -EINVAL, "%.*s%s", (int)line_len, report, python);
    }
    return fail(err, -EINVAL, "%s: %.*s%s", path, (int)line_len, report,
                python);
}

/*
 * The file's text, newline-terminated, then one line per override: xl
 * create appends them the same way, so a later assignment wins.
 */
static int build_text(const char *path, const char *data, size_t len,
                      const char *const *overrides, size_t nr_overrides,
                      char **text_r, size_t *text_len, size_t *file_lines,
                      char **ovr_keys, bool *ovr_add, pvb_error *err)
{
    char **lines = mem_calloc(nr_overrides ? nr_overrides : 1, sizeof *lines);
    size_t total = len + 2, lines_in_file = 0; /* newline, NUL */
    int r = 0;

    if (!lines)
        return fail(err, -ENOMEM, "%s: out of memory", path);
    for (size_t i = 0; i < len; i++)
        lines_in_file += data[i] == '\n';
    bool add_newline = len && data[len - 1] != '\n';
    lines_in_file += add_newline;

    for (size_t i = 0; i < nr_overrides; i++) {
        r = xl_override_line(overrides[i], &lines[i], &ovr_keys[i], &ovr_add[i],
                             err);
        if (r < 0) {
            fail_prefix(err, r, path);
            goto out;
        }
        total += strlen(lines[i]) + 1;
    }
    if (total > INT_MAX) {
        r = fail(err, -EFBIG, "%s: config text with overrides is 0x%zx "
                 "bytes, more than libxlutil takes", path, total);
        goto out;
    }
    char *text = mem_malloc(total), *o = text;
    if (!text) {
        r = fail(err, -ENOMEM, "%s: out of memory", path);
        goto out;
    }
    memcpy(o, data, len);
    o += len;
    if (add_newline)
        *o++ = '\n';
    for (size_t i = 0; i < nr_overrides; i++) {
        size_t n = strlen(lines[i]);
        memcpy(o, lines[i], n);
        o += n;
        *o++ = '\n';
    }
    *o = '\0';
    *text_r = text;
    *text_len = (size_t)(o - text);
    *file_lines = lines_in_file;
out:
    for (size_t i = 0; i < nr_overrides; i++)
        free(lines[i]);
    free(lines);
    return r;
}

static void commit_string(char **field, char **value)
{
    free(*field);
    *field = *value;
    *value = NULL;
}

static void commit(struct pvb_config *cfg, struct xl_values *v)
{
    if (v->has_name)
        commit_string(&cfg->name, &v->cfg.name);
    if (v->has_kernel)
        commit_string(&cfg->kernel, &v->cfg.kernel);
    if (v->has_ramdisk)
        commit_string(&cfg->ramdisk, &v->cfg.ramdisk);
    if (v->has_cmdline)
        commit_string(&cfg->cmdline, &v->cfg.cmdline);
    if (v->has_memory)
        cfg->memory_mib = v->cfg.memory_mib;
    if (v->has_maxmem)
        cfg->maxmem_mib = v->cfg.maxmem_mib;
    if (v->has_vcpus)
        cfg->vcpus = v->cfg.vcpus;
    if (v->has_maxvcpus)
        cfg->max_vcpus = v->cfg.max_vcpus;
    if (v->has_p2m) {
        cfg->p2m = v->cfg.p2m;
        cfg->p2m_vaddr = v->cfg.p2m_vaddr;
    }
    if (v->cfg.on_poweroff)
        commit_string(&cfg->on_poweroff, &v->cfg.on_poweroff);
    if (v->cfg.on_reboot)
        commit_string(&cfg->on_reboot, &v->cfg.on_reboot);
    if (v->cfg.on_watchdog)
        commit_string(&cfg->on_watchdog, &v->cfg.on_watchdog);
    if (v->cfg.on_crash)
        commit_string(&cfg->on_crash, &v->cfg.on_crash);
    if (v->cfg.cpus)
        commit_string(&cfg->cpus, &v->cfg.cpus);
    if (v->cfg.cpus_soft)
        commit_string(&cfg->cpus_soft, &v->cfg.cpus_soft);
    if (v->cfg.vnuma)
        commit_string(&cfg->vnuma, &v->cfg.vnuma);
}

void xl_file_close(struct xl_file *f)
{
    if (!f)
        return;
    xlu_cfg_destroy(f->xc);
    if (f->report)
        fclose(f->report);
    free(f->report_buf);
    memset(f, 0, sizeof *f);
}

const char *xl_file_last_report(struct xl_file *f)
{
    if (!f->report || fflush(f->report) != 0 || !f->report_buf)
        return "";
    if (f->report_len <= f->report_from)
        return "";
    char *buf = f->report_buf + f->report_from;
    size_t n = f->report_len - f->report_from;
    while (n && buf[n - 1] == '\n')
        buf[--n] = '\0';
    while (n && buf[n - 1] != '\n')
        n--;
    return buf + n;
}

int pvb_config_read_xl(struct pvb_config *cfg, const char *path,
                       const struct pvb_xl_opts *opts, pvb_error *err)
{
    int rc = OPTS_CHECK(opts, "pvb_xl_opts", PVB_XL_OPTS_VERSION, err);
    if (rc < 0)
        return rc;
    return xl_read(cfg, path, opts ? opts->overrides : NULL,
                   opts ? opts->nr_overrides : 0, XL_KEYS_BUILD, false,
                   opts ? opts->log : NULL, NULL, err);
}

int xl_read(struct pvb_config *cfg, const char *path,
            const char *const *overrides, size_t nr_overrides,
            enum xl_key_policy policy, bool ignore_unsupported,
            const pvb_logger *log, struct xl_file *file, pvb_error *err)
{
    struct xl_values v = { 0 };
    struct xl_reader rd = { .path = path, .err = err };
    char *data = NULL, *text = NULL, *report_buf = NULL;
    char **ovr_keys = NULL;
    bool *ovr_add = NULL;
    size_t len, text_len = 0, file_lines = 0, report_len = 0;
    FILE *report = NULL;
    int r;

    if (file)
        memset(file, 0, sizeof *file);
    if (!cfg || !path || (nr_overrides && !overrides))
        return fail(err, -EINVAL, "pvb_config_read_xl: missing argument");

    r = read_whole_file(path, XL_CONFIG_MAX_SIZE, (void **)&data, &len, err);
    if (r < 0)
        return r;

    ovr_keys = mem_calloc(nr_overrides ? nr_overrides : 1, sizeof *ovr_keys);
    ovr_add = mem_calloc(nr_overrides ? nr_overrides : 1, sizeof *ovr_add);
    if (!ovr_keys || !ovr_add) {
        r = fail(err, -ENOMEM, "%s: out of memory", path);
        goto out;
    }
    r = build_text(path, data, len, overrides, nr_overrides, &text, &text_len,
                   &file_lines, ovr_keys, ovr_add, err);
    if (r < 0)
        goto out;
    r = xl_check_text(path, text, text_len, file_lines, overrides, err);
    if (r < 0)
        goto out;

    /* libxlutil reports to a FILE: keep that off the caller's stderr. */
    report = mem_fail_injected() ? NULL
           : file ? open_memstream(&file->report_buf, &file->report_len)
                  : open_memstream(&report_buf, &report_len);
    if (!report) {
        int e = errno;
        r = fail(err, -e, "%s: cannot open a report stream: %s", path,
                 strerror(e));
        goto out;
    }
    rd.xc = xlu_cfg_init(report, path);
    if (!rd.xc) {
        r = fail(err, -ENOMEM, "%s: out of memory", path);
        goto out;
    }
    int e = xlu_cfg_readdata(rd.xc, text, (int)text_len);
    if (e) {
        fflush(report);
        r = parse_failure(path, file ? file->report_buf : report_buf, e,
                          file_lines, overrides,
                          nr_overrides, err);
        goto out;
    }

    r = xl_get_values(&rd, &v, ovr_keys, ovr_add, nr_overrides);
    if (r < 0)
        goto out;
    r = check_keys(path, text, text_len, policy, ignore_unsupported, log,
                   err);
    if (r < 0)
        goto out;
    if (v.cmdline_overrode)
        log_warn(log, "%s: ignoring %s in favour of cmdline", path,
                 v.cmdline_overrode);
    commit(cfg, &v);
    if (file) {
        /* The caller reads on; its reports come after these. */
        fflush(report);
        file->xc = rd.xc;
        file->report = report;
        file->report_from = file->report_len;
        rd.xc = NULL;
        report = NULL;
    }

out:
    pvb_config_free(&v.cfg);
    xlu_cfg_destroy(rd.xc);
    if (report)
        fclose(report);
    free(report_buf);
    if (file && !file->xc) {
        free(file->report_buf);
        file->report_buf = NULL;
    }
    for (size_t i = 0; ovr_keys && i < nr_overrides; i++)
        free(ovr_keys[i]);
    free(ovr_keys);
    free(ovr_add);
    free(text);
    free(data);
    return r;
}
