/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Debian's own kernel, read by the image loader, planned like the
 * reference build of docs/pv-boot-abi.md (Xen 4.17 libxenguest, 256 MiB, a
 * ramdisk of 0x1e4c10 bytes as loaded).  The layout's shape is derived
 * from the kernel's own size, whatever its build; when the kernel has the
 * reference build's size (0x3a00 pages), the whole table must come out.
 */
#include "tap.h"
#include "plan_copy.h"
#include "kernel.h"
#include "pvbuild.h"

#include <stdlib.h>

#define REFERENCE_KERNEL_PAGES 0x3a00

int main(void)
{
    const char *path = test_kernel();
    struct pvb_config cfg = { .memory_mib = 256 };
    struct pvb_plan p;
    pvb_error err = { 0 };
    pvb_image *img = NULL;

    if (!path) {
        printf("1..0 # SKIP no Debian kernel (scripts/find-kernel --fetch)\n");
        return 0;
    }
    int rc = pvb_image_open_file(path, NULL, &img, &err);
    if (!ok(rc == 0, "%s opens (%s)", path, err.msg))
        return done_testing();
    const struct pvb_guest *g = pvb_image_guest(img);
    rc = test_plan_make(g, &cfg, 0x1e4c10, &p, &err);
    is_u64(rc, 0, "planned (%s)", err.msg);
    ok(p.p2m_outside && p.p2m_from_note, "P->M outside, at the kernel's INIT_P2M");
    is_u64(p.si.mfn_list, 0x8000000000, "mfn_list 0x8000000000");
    is_u64(p.virt_base, 0xffffffff80000000, "virt_base");
    is_u64(p.vcpu.rip, g->entry, "rip = the kernel's entry");
    is_u64(p.si.flags, 0x8, "flags 0x8");
    is_u64(pvb_plan_segment(&p, PVB_SEG_KERNEL)->pfn, 0x1000, "kernel at pfn 0x1000");

    /* The shape: each element right after the one before it. */
    const struct pvb_plan_segment *k = pvb_plan_segment(&p, PVB_SEG_KERNEL);
    const struct pvb_plan_segment *pt = pvb_plan_segment(&p, PVB_SEG_PAGETABLES);
    const struct pvb_plan_segment *rd = pvb_plan_segment(&p, PVB_SEG_RAMDISK);
    is_u64(p.start_info_pfn, k->pfn + k->pages, "start_info right after the kernel");
    is_u64(p.xenstore_pfn, p.start_info_pfn + 1, "xenstore after start_info");
    is_u64(p.console_pfn, p.start_info_pfn + 2, "console after xenstore");
    is_u64(pt->pfn, p.start_info_pfn + 3, "page tables after the console");
    is_u64(p.boot_stack_pfn, pt->pfn + p.si.nr_pt_frames, "boot stack after the tables");
    is_u64(p.virt_pgtab_end % (4 << 20), 0, "virt_pgtab_end on a 4 MiB boundary");
    ok(p.virt_pgtab_end - p.virt_base >= ((p.boot_stack_pfn + 1) << 12) + (512 << 10),
       "512 KiB of mapped padding after the stack");
    ok(rd && !rd->mapped && rd->pfn == (p.virt_pgtab_end - p.virt_base) >> 12,
       "ramdisk unmapped, at virt_pgtab_end's pfn");
    is_u64(rd ? rd->pages : 0, 0x1e5, "ramdisk 0x1e5 pages");
    is_u64(p.si.first_p2m_pfn, rd ? rd->pfn + rd->pages : 0, "P->M list after the ramdisk");
    is_u64(p.si.nr_p2m_frames, 0x83, "nr_p2m_frames 0x83 (256 MiB: 0x80 + 3 tables)");
    is_u64(p.vcpu.rsp, p.virt_base + ((p.boot_stack_pfn + 1) << 12), "rsp: top of the stack");
    is_u64(p.vcpu.rsi, p.virt_base + (p.start_info_pfn << 12), "rsi: start_info");

    if (k->pages == REFERENCE_KERNEL_PAGES) {
        is_u64(pvb_plan_segment(&p, PVB_SEG_KERNEL)->pages, 0x3a00, "kernel 0x3a00 pages");
        is_u64(p.start_info_pfn, 0x4a00, "start_info 0x4a00");
        is_u64(p.xenstore_pfn, 0x4a01, "xenstore 0x4a01");
        is_u64(p.console_pfn, 0x4a02, "console 0x4a02");
        is_u64(pvb_plan_segment(&p, PVB_SEG_PAGETABLES)->pfn, 0x4a03, "page tables 0x4a03");
        is_u64(p.si.nr_pt_frames, 0x29, "0x29 page tables");
        is_u64(p.boot_stack_pfn, 0x4a2c, "boot stack 0x4a2c");
        is_u64(p.virt_pgtab_end, 0xffffffff84c00000, "virt_pgtab_end");
        is_u64(pvb_plan_segment(&p, PVB_SEG_RAMDISK)->pfn, 0x4c00, "ramdisk 0x4c00");
        is_u64(pvb_plan_segment(&p, PVB_SEG_RAMDISK)->pages, 0x1e5, "ramdisk 0x1e5 pages");
        is_u64(p.si.first_p2m_pfn, 0x4de5, "first_p2m_pfn 0x4de5");
        is_u64(p.si.nr_p2m_frames, 0x83, "nr_p2m_frames 0x83");
        is_u64(p.vcpu.rsp, 0xffffffff84a2d000, "rsp");
        is_u64(p.vcpu.rsi, 0xffffffff84a00000, "rsi");
    } else {
        diag("%s: 0x%llx kernel pages, not the reference build's 0x%x: its exact "
             "figures not compared", path, (unsigned long long)k->pages,
             REFERENCE_KERNEL_PAGES);
    }
    pvb_image_close(img);
    return done_testing();
}
