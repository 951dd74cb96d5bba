/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xl's cpus=, cpus_soft= and vnuma= into pvb_config's texts (see
 * pvbuild.h): a string as written; a list's items joined so that the
 * library's one parser reads what libxlutil read.
 */
#include "config/config.h"
#include "config/xl.h"
#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct text {
    char *s;
    size_t len;
};

static int append(struct text *t, const char *s, size_t n, pvb_error *err)
{
    char *p = mem_realloc(t->s, t->len + n + 1);
    if (!p)
        return fail(err, -ENOMEM, "out of memory");
    memcpy(p + t->len, s, n);
    t->len += n;
    p[t->len] = '\0';
    t->s = p;
    return 0;
}

/* A list item as text; it must not hold the separators the joined text uses. */
static int item_text(struct xl_reader *rd, const char *key, XLU_ConfigValue *val,
                     const char *forbidden, const char **out)
{
    char *s = NULL;
    if (xlu_cfg_value_type(val) != XLU_STRING ||
        xlu_cfg_value_get_string(rd->xc, val, &s, 1) || !s)
        return fail(rd->err, -EINVAL, "%s: %s: list items must be strings", rd->path,
                    key);
    if (strpbrk(s, forbidden)) {
        char shown[PRINTABLE_MAX];
        return fail(rd->err, -EINVAL, "%s: %s: item \"%s\" holds one of \"%s\"", rd->path,
                    key, printable_value(s, shown, sizeof shown), forbidden);
    }
    *out = s;
    return 0;
}

/* cpus= / cpus_soft=: "LIST" as is; ["A", "B"] as "A;B;". */
static int get_cpus(struct xl_reader *rd, const char *key, char **out)
{
    const char *s;
    XLU_ConfigList *list;
    int count, r;
    struct text t = { 0 };

    if (xlu_cfg_get_string(rd->xc, key, &s, 1) == 0) {
        if (strchr(s, ';'))
            return fail(rd->err, -EINVAL, "%s: %s: a ';' is not part of a cpu list",
                        rd->path, key);
        return pvb_config_set_string(out, s, rd->err) < 0
                   ? fail_prefix(rd->err, -ENOMEM, rd->path) : 0;
    }
    if (xlu_cfg_get_list(rd->xc, key, &list, &count, 1))
        return 0;   /* absent */
    if (count == 0)
        return fail(rd->err, -EINVAL, "%s: %s: an empty list", rd->path, key);
    for (int i = 0; i < count; i++) {
        if ((r = item_text(rd, key, xlu_cfg_get_listitem2(list, i), ";", &s)) < 0 ||
            (r = append(&t, s, strlen(s), rd->err)) < 0 ||
            (r = append(&t, ";", 1, rd->err)) < 0) {
            free(t.s);
            return r == -ENOMEM ? fail_prefix(rd->err, r, rd->path) : r;
        }
    }
    free(*out);
    *out = t.s;
    return 0;
}

/* vnuma=[["pnode=0", "size=512", ...], [...]]: items by ' ', vnodes by ';'. */
static int get_vnuma(struct xl_reader *rd, char **out)
{
    XLU_ConfigList *list, *node;
    int count, r = 0;
    struct text t = { 0 };

    if (xlu_cfg_get_list(rd->xc, "vnuma", &list, &count, 1)) {
        const char *s;
        if (xlu_cfg_get_string(rd->xc, "vnuma", &s, 1) == 0)
            return fail(rd->err, -EINVAL, "%s: vnuma must be a list of vnodes, each a "
                        "list like [\"pnode=0\", \"size=512\", \"vcpus=0\"]", rd->path);
        return 0;
    }
    for (int i = 0; i < count && r == 0; i++) {
        XLU_ConfigValue *val = xlu_cfg_get_listitem2(list, i);
        int items;
        if (xlu_cfg_value_type(val) != XLU_LIST ||
            xlu_cfg_value_get_list(rd->xc, val, &node, 1)) {
            r = fail(rd->err, -EINVAL, "%s: vnuma: vnode %d must be a list like "
                     "[\"pnode=0\", \"size=512\", \"vcpus=0\"]", rd->path, i);
            break;
        }
        if (i)
            r = append(&t, ";", 1, rd->err);
        for (items = 0; r == 0 && xlu_cfg_get_listitem2(node, items); items++) {
            const char *s;
            r = item_text(rd, "vnuma", xlu_cfg_get_listitem2(node, items), "; ", &s);
            if (r == 0 && items)
                r = append(&t, " ", 1, rd->err);
            if (r == 0)
                r = append(&t, s, strlen(s), rd->err);
        }
    }
    if (r == 0 && !t.s)
        r = fail(rd->err, -EINVAL, "%s: vnuma: an empty list", rd->path);
    if (r < 0) {
        free(t.s);
        return r == -ENOMEM ? fail_prefix(rd->err, r, rd->path) : r;
    }
    free(*out);
    *out = t.s;
    return 0;
}

int xl_get_numa_values(struct xl_reader *rd, struct xl_values *v)
{
    int r;
    if ((r = get_cpus(rd, "cpus", &v->cfg.cpus)) < 0 ||
        (r = get_cpus(rd, "cpus_soft", &v->cfg.cpus_soft)) < 0 ||
        (r = get_vnuma(rd, &v->cfg.vnuma)) < 0)
        return r;
    /* The rules the library checks, named against the file. */
    struct pvb_config c;
    pvb_config_init(&c);
    c.name = v->cfg.name;
    c.memory_mib = v->cfg.memory_mib;
    c.vcpus = v->cfg.vcpus;
    c.max_vcpus = v->cfg.max_vcpus;
    c.cpus = v->cfg.cpus;
    c.cpus_soft = v->cfg.cpus_soft;
    /* vnuma='s sums and vCPUs need memory and vcpus: when the file leaves
     * them to the caller, the plan checks them. */
    c.vnuma = v->has_memory && (v->has_vcpus || v->has_maxvcpus) ? v->cfg.vnuma : NULL;
    r = pvb_config_check(&c, rd->err);
    return r < 0 ? fail_prefix(rd->err, r, rd->path) : 0;
}
