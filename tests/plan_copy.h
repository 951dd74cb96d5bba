/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tests read plans and reports field by field in structs of their
 * own: these call the public functions (which allocate) and copy what
 * they return.  Only the tests may copy them: they are built with the
 * library, so the sizes agree.
 */
#ifndef PVB_TESTS_PLAN_COPY_H
#define PVB_TESTS_PLAN_COPY_H

#include <string.h>
#include "pvbuild.h"

static inline int test_plan_make(const struct pvb_guest *g,
                                 const struct pvb_config *cfg, uint64_t ramdisk,
                                 struct pvb_plan *p, pvb_error *err)
{
    struct pvb_plan *made = NULL;
    int rc = pvb_plan_make(g, cfg, ramdisk, &made, err);
    memset(p, 0, sizeof *p);
    if (rc == 0)
        memcpy(p, made, sizeof *p);
    pvb_free(made);
    return rc;
}

static inline int test_verify(pvb_host *h, uint32_t domid,
                              const struct pvb_guest *g,
                              struct pvb_verify_report *r, pvb_error *err)
{
    struct pvb_verify_report *got = NULL;
    int rc = pvb_verify(h, domid, g, &got, err);
    memset(r, 0, sizeof *r);
    if (rc == 0)
        memcpy(r, got, sizeof *r);
    pvb_free(got);
    return rc;
}

/*
 * pvb_domain_create with the plan made first (and kept in *plan), as the
 * CLI does; a config or image the plan refuses goes to pvb_domain_create
 * with no plan, so the error is the one a caller of it sees.
 */
static inline int test_domain_create(pvb_host *h, const struct pvb_config *cfg,
                                     const pvb_image *img, const pvb_ramdisk *rd,
                                     struct pvb_plan *plan,
                                     const struct pvb_domain_opts *opts,
                                     struct pvb_domain *dom, pvb_error *err)
{
    struct pvb_plan *made = NULL;
    memset(plan, 0, sizeof *plan);
    if (img && pvb_plan_make(pvb_image_guest(img), cfg,
                             rd ? pvb_ramdisk_size(rd) : 0, &made, NULL) == 0)
        memcpy(plan, made, sizeof *plan);
    int rc = pvb_domain_create(h, cfg, img, rd, made, opts, dom, err);
    pvb_free(made);
    return rc;
}

#endif
