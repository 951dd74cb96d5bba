/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pvb_build: carry a layout plan out on a host, undoing it all on failure. */
#include "build/build.h"
#include "image/features.h"
#include "image/ramdisk.h"
#include "util/phase.h"
#include "util/opts.h"

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
    /* Before the frames go back: a failed build keeps no mapping. */
    build_unmap_kept(b);
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

/* The plan must be the one pvb_plan_make made for this kernel and ramdisk. */
static int check_plan(const pvb_image *img, const pvb_ramdisk *rd,
                      const struct pvb_plan *plan, pvb_error *err)
{
    const struct pvb_guest *g = pvb_image_guest(img);
    uint64_t rd_size = rd ? pvb_ramdisk_size(rd) : 0;

    if (plan->kernel_elf_size != g->elf_size || plan->kernel_entry != g->entry ||
        plan->kernel_virt_kend != g->virt_kend || plan->virt_base != g->virt_base)
        return fail(err, -EINVAL, "%s: the plan was made for another kernel "
                    "(entry 0x%llx, 0x%llx ELF bytes; this one has entry 0x%llx, "
                    "0x%llx bytes): make it with pvb_plan_make for this image",
                    pvb_image_name(img), (unsigned long long)plan->kernel_entry,
                    (unsigned long long)plan->kernel_elf_size,
                    (unsigned long long)g->entry, (unsigned long long)g->elf_size);
    if (plan->ramdisk_size != rd_size)
        return fail(err, -EINVAL, "%s: the plan was made for a ramdisk of 0x%llx "
                    "bytes, this one has 0x%llx", rd ? ramdisk_name(rd) : "ramdisk",
                    (unsigned long long)plan->ramdisk_size,
                    (unsigned long long)rd_size);
    return 0;
}

/* What the domain must be before the build touches it. */
static int check_domain(uint32_t domid, const struct host_domain_info *info,
                        const struct pvb_plan *plan, pvb_error *err)
{
    if (info->nr_pages)
        return fail(err, -EEXIST, "domain %u already has %llu pages: pvb_build "
                    "needs an empty domain", domid,
                    (unsigned long long)info->nr_pages);
    if (info->max_pages < plan->nr_pages)
        return fail(err, -ENOSPC, "domain %u: max_pages %llu is below the "
                    "plan's %llu pages (%llu MiB): raise it before pvb_build",
                    domid, (unsigned long long)info->max_pages,
                    (unsigned long long)plan->nr_pages,
                    (unsigned long long)plan->memory_mib);
    if (info->max_vcpus == 0)
        return fail(err, -EINVAL, "domain %u has no vCPU: pvb_build needs at "
                    "least one (set max vCPUs first)", domid);
    if (info->address_size != 0 && info->address_size != 64)
        return fail(err, -EINVAL, "domain %u: address size is %u: pvb_build "
                    "builds 64-bit guests (unset or 64)", domid,
                    info->address_size);
    return 0;
}

int pvb_build(pvb_host *h, uint32_t domid, const pvb_image *img,
              const pvb_ramdisk *rd, const struct pvb_plan *plan,
              const struct pvb_build_opts *params,
              struct pvb_build_result *result, pvb_error *err)
{
    struct host_domain_info info;
    struct pvb_build_opts none = { .version = PVB_BUILD_OPTS_VERSION };
    int rc;

    if (!h || !img || !plan)
        return fail(err, -EINVAL, "pvb_build: domain %u: %s is NULL", domid,
                    !h ? "the host" : !img ? "the image" : "the plan");
    if ((rc = OPTS_CHECK(params, "pvb_build_opts", PVB_BUILD_OPTS_VERSION, err)) < 0)
        return rc;
    if (!params)
        params = &none;

    const struct host_ops *ops = h->ops;
    struct build b = {
        .host = h, .domid = domid, .plan = plan, .log = params->log,
        .progress = params->progress, .progress_opaque = params->progress_opaque,
    };
    struct phase ph;
    phase_begin(&ph, b.log);
    if ((rc = check_guest(img, err)) < 0 || (rc = check_plan(img, rd, plan, err)) < 0)
        return rc;
    uint32_t features;
    if ((rc = ops->features(h, &features, err)) < 0 ||
        (rc = guest_features_check(pvb_image_guest(img), pvb_image_name(img),
                                   true, features, err)) < 0)
        return rc;
    if ((rc = ops->domain_info(h, domid, &info, err)) < 0 ||
        (rc = check_domain(domid, &info, plan, err)) < 0)
        return rc;
    for (unsigned i = 0; i < plan->nr_warnings; i++)
        log_warn(b.log, "%s", plan->warnings[i]);

    if ((rc = ops->set_address_size(h, domid, 64, err)) < 0 ||
        (rc = apply_affinity(&b, info.max_vcpus, err)) < 0)
        return rc;
    phase_end(&ph, "checks");

    if ((rc = claim_memory(&b, err)) < 0)
        return rc;
    rc = populate_all(&b, err);
    /* As libxenguest: what is populated is the domain's; the rest goes back. */
    claim_release(&b);
    if (rc < 0)
        return undo_after(&b, rc, err);
    phase_end(&ph, "populate");
    if ((rc = load_kernel(&b, img, err)) < 0 ||
        (rc = load_ramdisk(&b, rd, err)) < 0)
        return undo_after(&b, rc, err);
    phase_end(&ph, "load");
    if ((rc = write_start_info(&b, params, info.shared_info_mfn, err)) < 0)
        return undo_after(&b, rc, err);
    phase_end(&ph, "start-info");
    if ((rc = write_pagetables(&b, err)) < 0)
        return undo_after(&b, rc, err);
    phase_end(&ph, "tables");
    if ((rc = boot_setup(&b, params, info.max_vcpus, info.shared_info_mfn, err)) < 0)
        return undo_after(&b, rc, err);
    phase_end(&ph, "boot");

    if (result) {
        memset(result, 0, sizeof *result);
        build_mfn(&b, plan->console_pfn, &result->console_mfn, NULL);
        build_mfn(&b, plan->xenstore_pfn, &result->store_mfn, NULL);
        result->l4_mfn = b.l4_mfn;
        result->shared_info_mfn = info.shared_info_mfn;
    }
    window_free(&b.low);
    window_free(&b.seg);
    build_hand_kept(&b);
    return 0;
}
