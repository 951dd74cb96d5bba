/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pvb_build: carry a layout plan out on a host, undoing it all on failure. */
#include "build/build.h"
#include "image/features.h"
#include "image/ramdisk.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int check_guest(const pvb_image *img, pvb_error *err)
{
    const struct pvb_guest *g = pvb_image_guest(img);
    if (g->elf_class != 64)
        return fail(err, -EOPNOTSUPP, "%s: ELF class %d: pvbuild builds 64-bit "
                    "(x86_64) PV guests only", pvb_image_name(img), g->elf_class);
    return 0;
}

static void undo(struct build *b)
{
    pvb_error ignored;
    if (b->pinned) {
        if (b->host->ops->unpin(b->host, b->domid, b->l4_mfn, &ignored) < 0)
            b->undo_failed = true;
        b->pinned = false;
    }
    release_all(b);
}

/* The first failure is the error; a failed undo is said after it. */
static int undo_after(struct build *b, int rc, pvb_error *err)
{
    undo(b);
    if (b->undo_failed)
        fail_append(err, "; undoing the build failed too: domain %u may keep "
                    "frames until it is destroyed", b->domid);
    return rc;
}

int pvb_build(pvb_host *h, uint32_t domid, const pvb_image *img,
              const pvb_ramdisk *rd, const struct pvb_config *cfg,
              const struct pvb_build_params *params, struct pvb_plan *plan,
              struct pvb_build_result *result, pvb_error *err)
{
    const struct host_ops *ops = h->ops;
    struct host_domain_info info;
    struct build b = {
        .host = h, .domid = domid, .plan = plan,
        .log = params ? params->log : NULL,
        .progress = params ? params->progress : NULL,
        .progress_opaque = params ? params->progress_opaque : NULL,
    };
    struct pvb_build_params none = { 0 };
    int rc;

    if (!params)
        params = &none;
    if ((rc = check_guest(img, err)) < 0)
        return rc;
    uint32_t features;
    if ((rc = ops->features(h, &features, err)) < 0 ||
        (rc = guest_features_check(pvb_image_guest(img), pvb_image_name(img),
                                   true, features, err)) < 0)
        return rc;
    uint64_t memory = cfg->memory_mib ? cfg->memory_mib : PVB_DEFAULT_MEMORY_MIB;
    if (rd && memory < (UINT64_C(1) << 44) && pvb_ramdisk_size(rd) >= memory << 20)
        return fail(err, -ENOSPC, "%s: ramdisk of 0x%llx bytes (%llu MiB) does "
                    "not fit in the guest's memory of %llu MiB",
                    ramdisk_name(rd), (unsigned long long)pvb_ramdisk_size(rd),
                    (unsigned long long)(pvb_ramdisk_size(rd) >> 20),
                    (unsigned long long)memory);
    rc = pvb_plan_make(pvb_image_guest(img), cfg, rd ? pvb_ramdisk_size(rd) : 0,
                       plan, err);
    if (rc < 0)
        return rc;
    for (unsigned i = 0; i < plan->nr_warnings; i++)
        log_warn(b.log, "%s", plan->warnings[i]);

    if ((rc = ops->domain_info(h, domid, &info, err)) < 0)
        return rc;
    if ((rc = ops->set_address_size(h, domid, 64, err)) < 0)
        return rc;

    if ((rc = claim_memory(&b, err)) < 0)
        return rc;
    rc = numa_place(&b, plan, err);
    if (rc == 0)
        rc = populate_all(&b, err);
    /* As libxenguest: what is populated is the domain's; the rest goes back. */
    claim_release(&b);
    if (rc < 0 ||
        (rc = load_kernel(&b, img, err)) < 0 ||
        (rc = load_ramdisk(&b, rd, err)) < 0 ||
        (rc = write_start_info(&b, cfg, params, info.shared_info_mfn, err)) < 0 ||
        (rc = write_pagetables(&b, err)) < 0 ||
        (rc = boot_setup(&b, params, cfg->max_vcpus ? cfg->max_vcpus :
                         cfg->vcpus ? cfg->vcpus : 1, info.shared_info_mfn, err)) < 0)
        return undo_after(&b, rc, err);

    if (result) {
        memset(result, 0, sizeof *result);
        build_mfn(&b, plan->console_pfn, &result->console_mfn, NULL);
        build_mfn(&b, plan->xenstore_pfn, &result->store_mfn, NULL);
        result->l4_mfn = b.l4_mfn;
        result->shared_info_mfn = info.shared_info_mfn;
    }
    window_free(&b.low);
    window_free(&b.seg);
    return 0;
}
