/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest descriptions for the layout tests, written out by hand from what
 * the kernels announce (pv-boot-abi.md lists Debian 12's notes).
 */
#ifndef PVB_TESTS_LAYOUT_GUESTS_H
#define PVB_TESTS_LAYOUT_GUESTS_H

#include "pvbuild.h"
#include "plan_copy.h"
#include "util/xenabi.h"

#include <errno.h>
#include <string.h>

#define NOTE(t) (UINT64_C(1) << (t))

/*
 * Debian 12's 6.1.0 kernel: VIRT_BASE 0xffffffff80000000, the image from
 * 0xffffffff81000000 for 0x3a00 pages, MOD_START_PFN 1, INIT_P2M
 * 0x8000000000, HV_START_LOW 0xffff800000000000, no HYPERCALL_PAGE.
 */
static inline void guest_debian(struct pvb_guest *g)
{
    memset(g, 0, sizeof *g);
    g->format = PVB_FORMAT_BZIMAGE;
    g->elf_class = 64;
    g->elf_machine = 62; /* EM_X86_64 */
    g->virt_base = UINT64_C(0xffffffff80000000);
    g->virt_kstart = UINT64_C(0xffffffff81000000);
    g->virt_kend = g->virt_kstart + (UINT64_C(0x3a00) << 12);
    g->entry = UINT64_C(0xffffffff830791c0);
    g->elf_entry = UINT64_C(0x30791c0);
    g->init_p2m = UINT64_C(0x8000000000);
    g->mod_start_pfn = 1;
    g->hv_start_low = UINT64_C(0xffff800000000000);
    g->supported_features = 0x8801;
    g->notes_seen = NOTE(XEN_ELFNOTE_VIRT_BASE) | NOTE(XEN_ELFNOTE_PADDR_OFFSET) |
                    NOTE(XEN_ELFNOTE_ENTRY) | NOTE(XEN_ELFNOTE_HV_START_LOW) |
                    NOTE(XEN_ELFNOTE_MOD_START_PFN) | NOTE(XEN_ELFNOTE_INIT_P2M) |
                    NOTE(XEN_ELFNOTE_GUEST_OS) | NOTE(XEN_ELFNOTE_SUPPORTED_FEATURES);
    strcpy(g->guest_os, "linux");
    strcpy(g->xen_version, "xen-3.0");
    strcpy(g->loader, "generic");
}

/* The same kernel as it was before INIT_P2M and MOD_START_PFN existed. */
static inline void guest_old_linux(struct pvb_guest *g)
{
    guest_debian(g);
    g->notes_seen &= ~(NOTE(XEN_ELFNOTE_INIT_P2M) | NOTE(XEN_ELFNOTE_MOD_START_PFN));
    g->init_p2m = 0;
    g->mod_start_pfn = 0;
}

/* A small non-Linux kernel loaded at virt_base itself (a Mini-OS shape). */
static inline void guest_small(struct pvb_guest *g, uint64_t virt_base,
                               uint64_t pages)
{
    memset(g, 0, sizeof *g);
    g->format = PVB_FORMAT_ELF;
    g->elf_class = 64;
    g->elf_machine = 62;
    g->virt_base = virt_base;
    g->virt_kstart = virt_base;
    g->virt_kend = virt_base + pages * 4096;
    g->entry = virt_base;
    g->notes_seen = NOTE(XEN_ELFNOTE_VIRT_BASE) | NOTE(XEN_ELFNOTE_ENTRY) |
                    NOTE(XEN_ELFNOTE_GUEST_OS) | NOTE(XEN_ELFNOTE_MOD_START_PFN) |
                    NOTE(XEN_ELFNOTE_INIT_P2M);
    g->mod_start_pfn = 1;
    g->init_p2m = UINT64_C(0x10000000000);
    strcpy(g->guest_os, "Mini-OS");
}

/* A 32-bit PAE Linux: virt_base 0xc0000000, Xen's compat area from 0xf5800000. */
static inline void guest_pae(struct pvb_guest *g)
{
    memset(g, 0, sizeof *g);
    g->format = PVB_FORMAT_ELF;
    g->elf_class = 32;
    g->elf_machine = 3; /* EM_386 */
    g->virt_base = UINT64_C(0xc0000000);
    g->virt_kstart = UINT64_C(0xc1000000);
    g->virt_kend = g->virt_kstart + (UINT64_C(0x800) << 12);
    g->entry = UINT64_C(0xc1001000);
    g->hv_start_low = UINT64_C(0xf5800000);
    g->init_p2m = UINT64_C(0x8000000000);
    g->notes_seen = NOTE(XEN_ELFNOTE_VIRT_BASE) | NOTE(XEN_ELFNOTE_ENTRY) |
                    NOTE(XEN_ELFNOTE_HV_START_LOW) | NOTE(XEN_ELFNOTE_GUEST_OS) |
                    NOTE(XEN_ELFNOTE_INIT_P2M);
    strcpy(g->guest_os, "linux");
}

/* pvb_plan_make with a cleared error, so messages never go stale. */
static inline int make_plan(const struct pvb_guest *g, const struct pvb_config *cfg,
                            uint64_t ramdisk, struct pvb_plan *p, pvb_error *err)
{
    memset(err, 0, sizeof *err);
    return test_plan_make(g, cfg, ramdisk, p, err);
}

static inline void config_mib(struct pvb_config *cfg, uint64_t mib)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->memory_mib = mib;
}

static inline const struct pvb_plan_segment *
seg(const struct pvb_plan *p, enum pvb_plan_seg_kind kind)
{
    static const struct pvb_plan_segment none;
    const struct pvb_plan_segment *s = pvb_plan_segment(p, kind);
    return s ? s : &none;
}

#endif
