/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pvb_verify: read a built domain back from the host and check the PV
 * boot ABI (see docs: pv-boot-abi.md).  The reading is in gather.c, the
 * checks in check_*.c; this file runs them in order.
 */
#include "verify/verify.h"
#include "util/alloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

typedef int check_fn(struct verify *v, pvb_error *err);

static check_fn *const checks[] = {
    check_vcpu_context,
    check_start_info_magic,
    check_pagetables_readonly,
    check_p2m_mapped_writable,
    check_p2m_matches_mapping,
    check_p2m_frames,
    check_registers,
    check_padding,
    check_start_info_fields,
};

static void verify_free(struct verify *v)
{
    p2m_reader_fini(&v->p2m);
    ptread_close(&v->pt);
    frameset_free(&v->tables);
    mfnvec_free(&v->l1s);
    mfnvec_free(&v->map_tables);
    mfnvec_free(&v->p2m_data);
    mfnvec_free(&v->p2m_tables);
    free(v);
}

static int read_domain(struct verify *v, pvb_error *err)
{
    pvb_host *h = v->h;
    int rc = h->ops->domain_info(h, v->domid, &v->info, err);
    if (rc)
        return fail_prefix(err, rc, "verify");
    rc = h->ops->get_vcpu_context(h, v->domid, 0, &v->ctx, err);
    if (rc)
        return fail_prefix(err, rc, "verify: vCPU 0");
    rc = ptread_open(&v->pt, h, v->domid, xen_cr3_to_pfn_x86_64(v->ctx.ctrlreg[3]), err);
    if (!rc)
        rc = gather_tables(v, err);
    if (rc)
        return rc;
    gather_start_info(v);
    gather_virt_base(v);
    rc = gather_initial_mapping(v, err);
    if (!rc)
        rc = gather_p2m_range(v, err);
    return rc;
}

int pvb_verify(pvb_host *h, uint32_t domid, const struct pvb_guest *guest,
               struct pvb_verify_report **out, pvb_error *err)
{
    if (!out)
        return fail(err, -EINVAL, "verify: domain %u: out is NULL", domid);
    *out = NULL;
    if (!h)
        return fail(err, -EINVAL, "verify: domain %u: no host (NULL)", domid);
    struct pvb_verify_report *report = mem_calloc(1, sizeof *report);
    struct verify *v = report ? mem_calloc(1, sizeof *v) : NULL;
    if (!v) {
        free(report);
        return fail(err, -ENOMEM, "verify: domain %u: out of memory", domid);
    }
    v->h = h;
    v->domid = domid;
    v->guest = guest;
    v->report = report;
    frameset_init(&v->tables);
    mfnvec_init(&v->l1s);
    mfnvec_init(&v->map_tables);
    mfnvec_init(&v->p2m_data);
    mfnvec_init(&v->p2m_tables);

    int rc = read_domain(v, err);
    report->ok = true;
    for (size_t i = 0; !rc && i < sizeof checks / sizeof checks[0]; i++)
        rc = checks[i](v, err);
    if (v->pt.host_failure.code) {
        pvb_error *hf = &v->pt.host_failure;
        rc = fail(err, hf->code, "verify: domain %u could not be read: %s",
                  domid, hf->msg);
    }
    verify_free(v);
    if (rc) {
        free(report);
        return rc;
    }
    *out = report;
    return 0;
}
