/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vnuma= as xl.cfg(5) writes it: per vnode "pnode=N", "size=MiB",
 * "vcpus=LIST" and optionally "vdistances=D0,D1,..".  A guest's memory is
 * cut into the vnodes in order, so vnode i's pfns follow vnode i-1's.
 */
#include "config/config.h"
#include "config/cpuspec.h"
#include "config/vnuma.h"
#include "util/error.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A decimal number filling [s, end) up to max. */
static bool whole_number(const char *s, const char *end, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (s == end)
        return false;
    for (; s < end; s++) {
        if (*s < '0' || *s > '9' || v > (max - (uint64_t)(*s - '0')) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return true;
}

static int distances(unsigned i, const char *s, const char *end,
                     struct pvb_plan_vnode *v, unsigned *count, pvb_error *err)
{
    unsigned n = 0;
    while (s < end) {
        const char *comma = memchr(s, ',', (size_t)(end - s));
        const char *tend = comma ? comma : end;
        uint64_t d;
        if (n >= PVB_PLAN_MAX_VNODES || !whole_number(s, tend, 255, &d))
            return fail(err, -EINVAL, "vnuma: vnode %u: vdistances must be up to %u "
                        "numbers of 0 to 255", i, PVB_PLAN_MAX_VNODES);
        v->distances[n++] = (unsigned)d;
        s = comma ? comma + 1 : end;
    }
    *count = n;
    return 0;
}

static int one_vnode(unsigned i, const char *s, const char *end, unsigned max_vcpus,
                     struct pvb_plan_vnode *v, unsigned *nr_dist, pvb_error *err)
{
    bool has_pnode = false, has_size = false, has_vcpus = false;
    struct cpu_set_space vspace = { .nr = max_vcpus };
    char what[32];
    snprintf(what, sizeof what, "vnuma: vnode %u: vcpus", i);
    *nr_dist = 0;
    while (s < end) {
        while (s < end && *s == ' ')
            s++;
        const char *sp = memchr(s, ' ', (size_t)(end - s));
        const char *iend = sp ? sp : end;
        const char *eq = memchr(s, '=', (size_t)(iend - s));
        if (s == iend)
            break;
        if (!eq)
            return fail(err, -EINVAL, "vnuma: vnode %u: \"%.*s\" is not KEY=VALUE", i,
                        (int)(iend - s), s);
        size_t klen = (size_t)(eq - s);
        const char *val = eq + 1;
        uint64_t n;
        int rc;
        if (klen == 5 && memcmp(s, "pnode", 5) == 0) {
            if (!whole_number(val, iend, UINT32_MAX, &n))
                return fail(err, -EINVAL, "vnuma: vnode %u: pnode \"%.*s\" is not a "
                            "number", i, (int)(iend - val), val);
            v->pnode = (unsigned)n;
            has_pnode = true;
        } else if (klen == 4 && memcmp(s, "size", 4) == 0) {
            if (!whole_number(val, iend, PVB_PLAN_MAX_MEMORY_MIB, &n) || n == 0)
                return fail(err, -EINVAL, "vnuma: vnode %u: size \"%.*s\" must be 1 to "
                            "%" PRIu64 " MiB", i, (int)(iend - val), val,
                            (uint64_t)PVB_PLAN_MAX_MEMORY_MIB);
            v->pages = n << 8;
            has_size = true;
        } else if (klen == 5 && memcmp(s, "vcpus", 5) == 0) {
            if ((rc = cpuspec_parse(what, val, (size_t)(iend - val), &vspace, v->vcpus,
                                    err)) < 0)
                return rc;
            has_vcpus = true;
        } else if (klen == 10 && memcmp(s, "vdistances", 10) == 0) {
            if ((rc = distances(i, val, iend, v, nr_dist, err)) < 0)
                return rc;
        } else {
            return fail(err, -EINVAL, "vnuma: vnode %u: unknown item \"%.*s\" (pnode, "
                        "size, vcpus, vdistances)", i, (int)klen, s);
        }
        s = iend;
    }
    if (!has_pnode || !has_size || !has_vcpus)
        return fail(err, -EINVAL, "vnuma: vnode %u: no %s= (each vnode needs pnode, "
                    "size and vcpus)", i, !has_pnode ? "pnode" : !has_size ? "size"
                                                                  : "vcpus");
    return 0;
}

int vnuma_parse(const char *text, uint64_t memory_mib, unsigned max_vcpus,
                struct pvb_plan_vnode *vn, unsigned *nr, pvb_error *err)
{
    unsigned n = 0, nr_dist[PVB_PLAN_MAX_VNODES];
    uint64_t pfn = 0;
    int rc;

    *nr = 0;
    if (max_vcpus > PVB_PLAN_MAX_CPUS)
        return fail(err, -EINVAL, "vnuma: %u vCPUs, more than the %u it takes",
                    max_vcpus, PVB_PLAN_MAX_CPUS);
    for (const char *p = text; *p;) {
        const char *semi = strchr(p, ';');
        const char *end = semi ? semi : p + strlen(p);
        if (n >= PVB_PLAN_MAX_VNODES)
            return fail(err, -EINVAL, "vnuma: more than %u vnodes", PVB_PLAN_MAX_VNODES);
        memset(&vn[n], 0, sizeof vn[n]);
        if ((rc = one_vnode(n, p, end, max_vcpus, &vn[n], &nr_dist[n], err)) < 0)
            return rc;
        vn[n].pfn = pfn;
        pfn += vn[n].pages;
        n++;
        p = semi ? semi + 1 : end;
    }
    if (n == 0)
        return fail(err, -EINVAL, "vnuma: no vnode given");
    if (pfn != memory_mib << 8)
        return fail(err, -EINVAL, "vnuma: the vnodes' sizes sum to %" PRIu64 " MiB; "
                    "they must sum to memory, %" PRIu64 " MiB", pfn >> 8, memory_mib);
    for (unsigned c = 0; c < max_vcpus; c++) {
        int owner = -1;
        for (unsigned i = 0; i < n; i++) {
            if (!cpumap_test(vn[i].vcpus, c))
                continue;
            if (owner >= 0)
                return fail(err, -EINVAL, "vnuma: vCPU %u is in vnodes %d and %u", c,
                            owner, i);
            owner = (int)i;
        }
        if (owner < 0)
            return fail(err, -EINVAL, "vnuma: vCPU %u is in no vnode (every one of "
                        "the %u must be in one)", c, max_vcpus);
    }
    for (unsigned i = 0; i < n; i++) {
        if (nr_dist[i] && nr_dist[i] != n)
            return fail(err, -EINVAL, "vnuma: vnode %u: %u vdistances for %u vnodes",
                        i, nr_dist[i], n);
        for (unsigned j = 0; !nr_dist[i] && j < n; j++)
            vn[i].distances[j] = i == j ? VNUMA_LOCAL_DISTANCE : VNUMA_REMOTE_DISTANCE;
    }
    *nr = n;
    return 0;
}
