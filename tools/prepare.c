/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What create and create -n share: the kernel, the ramdisk and the one
 * plan made for them, so the plan a dry run prints is the plan built.
 */
#include "prepare.h"
#include "cli.h"
#include "timings.h"

int prepare(const struct pvb_config *cfg, const struct prepare_opts *po,
            struct prepared *p)
{
    struct timings none = { .on = false };
    struct timings *tm = po->tm ? po->tm : &none;
    struct pvb_image_opts io = PVB_IMAGE_OPTS_INIT;
    struct pvb_ramdisk_opts ro = PVB_RAMDISK_OPTS_INIT;
    pvb_error err = { 0 };

    io.log = po->log;
    io.cache_dir = po->cache_dir;
    ro.log = po->log;
    ro.keep_compressed = po->keep_compressed;
    ro.cache_dir = po->cache_dir;
    *p = (struct prepared){ 0 };
    timings_reset(tm);
    /* The config's own rules (vnuma= sums, cpu lists) name no file: say
     * them as they are, before a kernel is read for nothing. */
    if (pvb_config_check(cfg, &err) < 0) {
        cli_error("%s", err.msg);
        return 1;
    }
    if (pvb_image_open_file(cfg->kernel, &io, &p->img, &err) < 0) {
        cli_error("%s", err.msg);
        return 1;
    }
    /* The library timed the image's phases itself. */
    timings_reset(tm);
    if (cfg->ramdisk) {
        if (pvb_ramdisk_open_file(cfg->ramdisk, &ro, &p->rd, &err) < 0) {
            cli_error("%s", err.msg);
            return 1;
        }
        timings_mark(tm, "ramdisk");
    }
    if (pvb_plan_make(pvb_image_guest(p->img), cfg,
                      p->rd ? pvb_ramdisk_size(p->rd) : 0, &p->plan, &err) < 0) {
        /* The plan knows sizes, not files: name them. */
        if (cfg->ramdisk)
            cli_error("%s, ramdisk %s: %s", cfg->kernel, cfg->ramdisk, err.msg);
        else
            cli_error("%s: %s", cfg->kernel, err.msg);
        return 1;
    }
    timings_mark(tm, "plan");
    return 0;
}

void prepared_free(struct prepared *p)
{
    pvb_free(p->plan);
    pvb_ramdisk_close(p->rd);
    pvb_image_close(p->img);
    *p = (struct prepared){ 0 };
}
