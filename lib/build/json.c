/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A built domain as JSON (pvbuild create --json): the plan's segments,
 * start_info as the builder wrote it (load.c), vCPU 0 (boot.c), the
 * verifier's verdict and the caller's timings.
 */
#include "layout/layout.h"
#include "util/error.h"
#include "util/json.h"
#include "util/opts.h"
#include "verify/json.h"

#include <errno.h>

static void timings_member(struct json *j, const struct pvb_domain_json_opts *o)
{
    if (!o || !o->timings || !o->nr_timings)
        return;
    json_object(j, "timings");
    for (size_t i = 0; i < o->nr_timings; i++)
        json_seconds(j, o->timings[i].name ? o->timings[i].name : "unnamed",
                     o->timings[i].seconds);
    json_object_end(j);
}

int pvb_domain_json(const char *host, const struct pvb_domain *dom,
                    const struct pvb_plan *plan,
                    const struct pvb_domain_json_opts *opts, char **out,
                    pvb_error *err)
{
    int rc;
    if (out)
        *out = NULL;
    if (!host || !dom || !plan || !out)
        return fail(err, -EINVAL, "the domain as JSON: %s is NULL",
                    !host ? "the host kind" : !dom ? "the domain" :
                    !plan ? "the plan" : "the output pointer");
    if ((rc = OPTS_CHECK(opts, "pvb_domain_json_opts",
                         PVB_DOMAIN_JSON_OPTS_VERSION, err)) < 0)
        return rc;
    const struct pvb_plan_start_info *si = &plan->si;
    const struct pvb_build_result *b = &dom->build;
    struct json j;

    json_begin(&j);
    json_object(&j, NULL);
    json_string(&j, "host", host);
    json_uint(&j, "domid", dom->domid);
    json_uint(&j, "memory_mib", plan->memory_mib);
    json_hex(&j, "virt_base", plan->virt_base);
    json_hex(&j, "virt_pgtab_end", plan->virt_pgtab_end);
    json_string(&j, "p2m", plan->p2m_outside ? "outside" : "inside");
    plan_json_segments(&j, plan);

    json_object(&j, "start_info");
    json_string(&j, "magic", "xen-3.0-x86_64");
    json_hex(&j, "nr_pages", si->nr_pages);
    json_hex(&j, "shared_info", b->shared_info_mfn << PAGE_SHIFT);
    json_hex(&j, "flags", si->flags);
    json_hex(&j, "store_mfn", b->store_mfn);
    json_uint(&j, "store_evtchn", dom->store_evtchn);
    json_hex(&j, "console.domU.mfn", b->console_mfn);
    json_uint(&j, "console.domU.evtchn", dom->console_evtchn);
    json_hex(&j, "pt_base", si->pt_base);
    json_hex(&j, "nr_pt_frames", si->nr_pt_frames);
    json_hex(&j, "mfn_list", si->mfn_list);
    json_hex(&j, "mod_start", si->mod_start);
    json_hex(&j, "mod_len", si->mod_len);
    json_string_n(&j, "cmd_line", plan->cmdline, sizeof plan->cmdline);
    json_hex(&j, "first_p2m_pfn", si->first_p2m_pfn);
    json_hex(&j, "nr_p2m_frames", si->nr_p2m_frames);
    json_object_end(&j);

    plan_json_numa(&j, plan);
    plan_json_affinity(&j, plan);
    json_object(&j, "vcpu0");
    json_hex(&j, "rip", plan->vcpu.rip);
    json_hex(&j, "rsp", plan->vcpu.rsp);
    json_hex(&j, "rsi", plan->vcpu.rsi);
    json_hex(&j, "cr3", b->l4_mfn << PAGE_SHIFT);
    json_object_end(&j);

    verify_json_member(&j, opts ? opts->verify : NULL);
    timings_member(&j, opts);
    json_object_end(&j);
    return json_end(&j, "the domain", out, err);
}
