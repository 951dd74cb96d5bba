/*
 * Debian's own kernel, read by the image loader, planned like the
 * reference build of pv-boot-abi.md (Xen 4.17 libxenguest, 256 MiB, a
 * ramdisk of 0x1e4c10 bytes as loaded): the whole table must come out.
 * The numbers are those of linux-image 6.1.0-56-amd64; another build has
 * another size, and then only the shape is checked.
 */
#include "tap.h"
#include "pvbuild.h"

#include <stdlib.h>
#include <unistd.h>

#define REFERENCE_KERNEL "/boot/vmlinuz-6.1.0-56-amd64"

int main(void)
{
    const char *path = getenv("PVB_DEBIAN_KERNEL");
    struct pvb_config cfg = { .memory_mib = 256 };
    struct pvb_plan p;
    pvb_error err = { 0 };
    pvb_image *img = NULL;

    if (!path)
        path = REFERENCE_KERNEL;
    if (access(path, R_OK) != 0) {
        printf("1..0 # SKIP %s not readable\n", path);
        return 0;
    }
    int rc = pvb_image_open_file(path, NULL, &img, &err);
    if (!ok(rc == 0, "%s opens (%s)", path, err.msg))
        return done_testing();
    const struct pvb_guest *g = pvb_image_guest(img);
    rc = pvb_plan_make(g, &cfg, 0x1e4c10, &p, &err);
    is_u64(rc, 0, "planned (%s)", err.msg);
    ok(p.p2m_outside && p.p2m_from_note, "P->M outside, at the kernel's INIT_P2M");
    is_u64(p.si.mfn_list, 0x8000000000, "mfn_list 0x8000000000");
    is_u64(p.virt_base, 0xffffffff80000000, "virt_base");
    is_u64(p.vcpu.rip, g->entry, "rip = the kernel's entry");
    is_u64(p.si.flags, 0x8, "flags 0x8");
    is_u64(pvb_plan_segment(&p, PVB_SEG_KERNEL)->pfn, 0x1000, "kernel at pfn 0x1000");

    if (strcmp(path, REFERENCE_KERNEL) == 0) {
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
        diag("%s is not %s: reference numbers not compared", path, REFERENCE_KERNEL);
    }
    pvb_image_close(img);
    return done_testing();
}
