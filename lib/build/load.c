/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the builder copies into the guest: the kernel's segments, the
 * ramdisk, start_info and the zeroed rings and boot stack.
 */
#include "build/build.h"
#include "image/decompress.h"
#include "image/image.h"
#include "util/alloc.h"
#include "image/ramdisk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int map_segment(struct build *b, enum pvb_plan_seg_kind kind,
                       const struct pvb_plan_segment **seg, unsigned char **p,
                       pvb_error *err)
{
    *seg = pvb_plan_segment(b->plan, kind);
    if (!*seg)
        return fail(err, -EINVAL, "build: the plan has no %s segment",
                    kind == PVB_SEG_KERNEL ? "kernel" : "ramdisk");
    *p = build_map_pfns(b, (*seg)->pfn, (*seg)->pages,
                        HOST_MAP_READ | HOST_MAP_WRITE, err);
    return *p ? 0 : (err ? err->code : -EIO);
}

int load_kernel(struct build *b, const pvb_image *img, pvb_error *err)
{
    const struct pvb_guest *g = pvb_image_guest(img);
    const struct pvb_plan_segment *seg;
    unsigned char *p;
    int rc = map_segment(b, PVB_SEG_KERNEL, &seg, &p, err);
    if (rc < 0)
        return rc;

    /* The kernel segment starts at the page holding virt_kstart. */
    uint64_t base = b->plan->virt_base + seg->pfn * PVB_PAGE_SIZE;
    uint64_t size = seg->pages * PVB_PAGE_SIZE;
    unsigned char **dst = mem_calloc(g->nr_segments ? g->nr_segments : 1, sizeof *dst);
    if (!dst) {
        build_unmap(b, p, seg->pages);
        return fail(err, -ENOMEM, "%s: out of memory", pvb_image_name(img));
    }
    for (size_t i = 0; i < g->nr_segments && rc == 0; i++) {
        const struct pvb_image_segment *s = &g->segments[i];
        if (s->vaddr < base || s->vaddr - base > size || s->memsz > size - (s->vaddr - base))
            rc = fail(err, -EINVAL, "%s: ELF segment %zu at 0x%llx+0x%llx lies "
                      "outside the kernel's pages 0x%llx+0x%llx",
                      pvb_image_name(img), i, (unsigned long long)s->vaddr,
                      (unsigned long long)s->memsz, (unsigned long long)base,
                      (unsigned long long)size);
        else
            dst[i] = p + (s->vaddr - base);
    }
    /* Straight from the kernel's file when it is one: one copy, not two. */
    if (rc == 0)
        rc = image_copy_segments(img, dst, b->log, err);
    for (size_t i = 0; i < g->nr_segments && rc == 0; i++) {
        const struct pvb_image_segment *s = &g->segments[i];
        memset(dst[i] + s->filesz, 0, s->memsz - s->filesz);
    }
    free(dst);
    if (rc < 0)
        build_unmap(b, p, seg->pages);
    else
        build_unmap_late(b, p, seg->pages);
    return rc;
}

int load_ramdisk(struct build *b, const pvb_ramdisk *rd, pvb_error *err)
{
    const struct pvb_plan_segment *seg;
    unsigned char *p;
    if (!rd)
        return 0;
    int rc = map_segment(b, PVB_SEG_RAMDISK, &seg, &p, err);
    if (rc < 0)
        return rc;
    uint64_t size = pvb_ramdisk_size(rd);
    rc = ramdisk_copy(rd, p, b->log, err);
    if (rc < 0) {
        build_unmap(b, p, seg->pages);
        return rc;
    }
    memset(p + size, 0, seg->pages * PVB_PAGE_SIZE - size);
    build_unmap_late(b, p, seg->pages);
    return 0;
}

static void zero_page(struct build *b, uint64_t pfn, pvb_error *err, int *rc)
{
    if (*rc < 0)
        return;
    void *p = build_map_pfns(b, pfn, 1, HOST_MAP_READ | HOST_MAP_WRITE, err);
    if (!p) {
        *rc = err ? err->code : -EIO;
        return;
    }
    memset(p, 0, PVB_PAGE_SIZE);
    build_unmap(b, p, 1);
}

int write_start_info(struct build *b,
                     const struct pvb_build_opts *bp, xen_pfn_t shared_info_mfn,
                     pvb_error *err)
{
    const struct pvb_plan *plan = b->plan;
    int rc = 0;

    zero_page(b, plan->xenstore_pfn, err, &rc);
    zero_page(b, plan->console_pfn, err, &rc);
    zero_page(b, plan->boot_stack_pfn, err, &rc);
    if (rc < 0)
        return rc;

    start_info_x86_64_t *si = build_map_pfns(b, plan->start_info_pfn, 1,
                                             HOST_MAP_READ | HOST_MAP_WRITE, err);
    if (!si)
        return err ? err->code : -EIO;
    memset(si, 0, PVB_PAGE_SIZE);
    snprintf(si->magic, sizeof si->magic, "xen-3.0-x86_64");
    si->nr_pages = plan->si.nr_pages;
    si->shared_info = (uint64_t)shared_info_mfn << PVB_PAGE_SHIFT;
    si->flags = plan->si.flags;
    build_mfn(b, plan->xenstore_pfn, &si->store_mfn, NULL);
    si->store_evtchn = bp->store_evtchn;
    build_mfn(b, plan->console_pfn, &si->console.domU.mfn, NULL);
    si->console.domU.evtchn = bp->console_evtchn;
    si->pt_base = plan->si.pt_base;
    si->nr_pt_frames = plan->si.nr_pt_frames;
    si->mfn_list = plan->si.mfn_list;
    si->mod_start = plan->si.mod_start;
    si->mod_len = plan->si.mod_len;
    si->first_p2m_pfn = plan->si.first_p2m_pfn;
    si->nr_p2m_frames = plan->si.nr_p2m_frames;
    /* The plan holds it cut to start_info's size (with a warning). */
    memcpy(si->cmd_line, plan->cmdline, sizeof si->cmd_line);
    si->cmd_line[sizeof si->cmd_line - 1] = 0;
    build_unmap(b, si, 1);
    return 0;
}
