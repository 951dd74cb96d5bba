/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The small toolstack around pvb_build: a domain from nothing to paused. */
#include "build/build.h"
#include "util/phase.h"
#include "util/opts.h"
#include "config/resolve.h"
#include "image/features.h"
#include "image/ramdisk.h"

#include <errno.h>
#include <string.h>

/* What libxl adds on top of maxmem for a PV domain (LIBXL_MAXMEM_CONSTANT). */
#define MAXMEM_SLACK_MIB 1

/* The files the caller passed must be the ones the config names. */
static int check_same(const char *what, const char *cfg_path, const char *given,
                      pvb_error *err)
{
    if (cfg_path && given && strcmp(cfg_path, given) != 0)
        return fail(err, -EINVAL, "config names %s %s but the %s given is %s",
                    what, cfg_path, what, given);
    return 0;
}

/* img/rd as given, or opened from cfg->kernel/ramdisk (then *own_* set). */
static int open_inputs(const struct pvb_config *cfg, const pvb_image **img,
                       const pvb_ramdisk **rd, const struct pvb_domain_opts *opts,
                       pvb_image **own_img, pvb_ramdisk **own_rd, pvb_error *err)
{
    int rc;

    if (*img && (rc = check_same("kernel", cfg->kernel, pvb_image_name(*img), err)) < 0)
        return rc;
    if (*rd && (rc = check_same("ramdisk", cfg->ramdisk, ramdisk_name(*rd), err)) < 0)
        return rc;
    if (!*img) {
        if (!cfg->kernel)
            return fail(err, -EINVAL, "config: no kernel named, and no image given");
        if ((rc = pvb_image_open_file(cfg->kernel, opts ? opts->image : NULL,
                                      own_img, err)) < 0)
            return rc;
        *img = *own_img;
    }
    if (!*rd && cfg->ramdisk) {
        if ((rc = pvb_ramdisk_open_file(cfg->ramdisk, opts ? opts->ramdisk : NULL,
                                        own_rd, err)) < 0)
            return rc;
        *rd = *own_rd;
    }
    return 0;
}

/* Domain, event channels, build; the domain goes again on any failure. */
static int create_and_build(pvb_host *h, const struct pvb_config *cfg,
                            const struct config_values *v, const pvb_image *img,
                            const pvb_ramdisk *rd, const struct pvb_plan *plan,
                            const struct pvb_domain_opts *opts,
                            struct pvb_domain *dom, pvb_error *err)
{
    struct pvb_empty_domain_opts dc = {
        .version = PVB_EMPTY_DOMAIN_OPTS_VERSION,
        .name = cfg->name,
        .max_vcpus = v->max_vcpus,
        .max_mib = v->maxmem_mib < UINT64_MAX ? v->maxmem_mib + MAXMEM_SLACK_MIB
                                              : v->maxmem_mib,
    };
    struct pvb_build_opts bp = {
        .version = PVB_BUILD_OPTS_VERSION,
        .backend_domid = opts ? opts->backend_domid : 0,
        .log = opts ? opts->log : NULL,
        .progress = opts ? opts->progress : NULL,
        .progress_opaque = opts ? opts->progress_opaque : NULL,
    };
    pvb_error ignored;
    int rc;

    struct phase ph;
    phase_begin(&ph, bp.log);
    if ((rc = pvb_domain_create_empty(h, &dc, &dom->domid, err)) < 0)
        return rc;
    if ((rc = pvb_evtchn_alloc_unbound(h, dom->domid, bp.backend_domid,
                                       &bp.console_evtchn, err)) == 0 &&
        (rc = pvb_evtchn_alloc_unbound(h, dom->domid, bp.backend_domid,
                                       &bp.store_evtchn, err)) == 0)
        phase_end(&ph, "domain-create");
    if (rc < 0 ||
        (rc = pvb_build(h, dom->domid, img, rd, plan, &bp, &dom->build, err)) < 0) {
        /* Left named in dom->domid if it will not go, for the caller to retry. */
        if (host_domain_destroy(h, dom->domid, &ignored) < 0)
            fail_append(err, "; domain %u could not be destroyed: %s", dom->domid,
                        ignored.msg);
        else
            dom->domid = 0;
        return rc;
    }
    dom->console_evtchn = bp.console_evtchn;
    dom->store_evtchn = bp.store_evtchn;
    return 0;
}

int pvb_domain_create(pvb_host *h, const struct pvb_config *cfg,
                      const pvb_image *img, const pvb_ramdisk *rd,
                      const struct pvb_plan *plan,
                      const struct pvb_domain_opts *opts,
                      struct pvb_domain *dom, pvb_error *err)
{
    struct config_values v;
    pvb_image *own_img = NULL;
    pvb_ramdisk *own_rd = NULL;
    struct pvb_plan *own_plan = NULL;
    int rc;

    if (!dom)
        return fail(err, -EINVAL, "pvb_domain_create: dom is NULL");
    memset(dom, 0, sizeof *dom);
    if (!h)
        return fail(err, -EINVAL, "pvb_domain_create: the host is NULL");
    if ((rc = OPTS_CHECK(opts, "pvb_domain_opts", PVB_DOMAIN_OPTS_VERSION, err)) < 0 ||
        (rc = config_resolve(cfg, &v, err)) < 0 ||
        (rc = open_inputs(cfg, &img, &rd, opts, &own_img, &own_rd, err)) < 0)
        goto out;
    if (!plan) {
        /* The kernel's own refusals first, naming its file, as pvb_build would. */
        uint32_t features;
        if ((rc = h->ops->features(h, &features, err)) < 0 ||
            (rc = guest_features_check(pvb_image_guest(img), pvb_image_name(img),
                                       true, features, err)) < 0)
            goto out;
        rc = pvb_plan_make(pvb_image_guest(img), cfg, rd ? pvb_ramdisk_size(rd) : 0,
                           &own_plan, err);
        if (rc == 0)
            rc = pvb_plan_place_numa(own_plan, h, err);
        if (rc < 0) {
            if (rd && rc == -ENOSPC && err && strncmp(err->msg, "ramdisk of", 10) == 0)
                fail_prefix(err, rc, ramdisk_name(rd));
            goto out;
        }
        plan = own_plan;
    }
    rc = create_and_build(h, cfg, &v, img, rd, plan, opts, dom, err);
out:
    pvb_free(own_plan);
    pvb_ramdisk_close(own_rd);
    pvb_image_close(own_img);
    return rc;
}

int pvb_domain_destroy(pvb_host *h, uint32_t domid, pvb_error *err)
{
    if (!h)
        return fail(err, -EINVAL, "pvb_domain_destroy: domain %u: the host is NULL", domid);
    return host_domain_destroy(h, domid, err);
}

int pvb_domain_unpause(pvb_host *h, uint32_t domid, pvb_error *err)
{
    if (!h)
        return fail(err, -EINVAL, "pvb_domain_unpause: domain %u: the host is NULL", domid);
    return host_unpause(h, domid, err);
}

int pvb_domain_introduce(pvb_host *h, const struct pvb_domain *dom,
                         const struct pvb_config *cfg, uint32_t backend_domid,
                         pvb_error *err)
{
    struct config_values v;
    if (!h || !dom || !cfg)
        return fail(err, -EINVAL, "pvb_domain_introduce: %s is NULL",
                    !h ? "the host" : !dom ? "dom" : "cfg");
    int rc = config_resolve(cfg, &v, err);
    if (rc < 0)
        return rc;
    struct host_introduce in = {
        .name = cfg->name,
        .backend_domid = backend_domid,
        .store_mfn = dom->build.store_mfn,
        .console_mfn = dom->build.console_mfn,
        .store_evtchn = dom->store_evtchn,
        .console_evtchn = dom->console_evtchn,
        .memory_kib = v.memory_mib * 1024,
        .maxmem_kib = v.maxmem_mib * 1024,
        .vcpus = v.vcpus,
    };
    return h->ops->introduce(h, dom->domid, &in, err);
}

int pvb_domain_state(pvb_host *h, uint32_t domid, struct pvb_domain_state *st,
                     pvb_error *err)
{
    struct host_domain_info info;
    if (!h || !st)
        return fail(err, -EINVAL, "pvb_domain_state: domain %u: %s is NULL", domid,
                    !h ? "the host" : "st");
    int rc = h->ops->domain_info(h, domid, &info, err);
    if (rc < 0)
        return rc;
    memset(st, 0, sizeof *st);
    st->nr_pages = info.nr_pages;
    st->max_pages = info.max_pages;
    st->paused = info.paused;
    st->shutdown = info.shutdown;
    st->dying = info.dying;
    st->shutdown_reason = info.shutdown_reason;
    return 0;
}
