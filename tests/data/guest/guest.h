/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The test guests' announced values, shared by the assembly and linker
 * scripts that write them (kernel64.S, kernel32.S, *.lds.S) and the tests
 * that expect them (tests/image/elf.c).  The linker scripts ASSERT the
 * addresses below, so a change in the sources that moves a symbol fails
 * the build instead of the test.
 *
 * Values used inside the legacy __xen_guest strings are written as plain
 * literals: the assembly stringifies them.
 */
#ifndef PVB_TEST_GUEST_H
#define PVB_TEST_GUEST_H

/* Strings every guest carries (libxenguest insists on the first three). */
#define G_GUEST_OS      "linux"
#define G_XEN_VERSION   "xen-3.0"
#define G_LOADER        "generic"
#define G_PAE_MODE      "yes"

/* Layout common to all guests, from the kernel's lowest address. */
#define G_ENTRY_OFFSET  0x100       /* xen_entry: the ENTRY note's target */
#define G_PVH_OFFSET    0x80        /* pvh_start: PHYS32_ENTRY's target */
#define G_HCALL_OFFSET  0x1000      /* hypercall_page */
#define G_TEXT_SIZE     0x2000      /* .text, one segment */
#define G_DATA_SIZE     0x1000      /* .data, file-backed */
#define G_BSS_SIZE      0x3000      /* .bss: p_memsz > p_filesz */
#define G_KERNEL_SIZE   0x7000      /* text, rodata+notes page, data, bss */
#define G_NR_LOADS      3           /* text (R X), rodata (R), data+bss (RW) */

/* ---------------------------------------------- guest64 (ELF notes) */
#define G64_VIRT_BASE       0xffffffff80000000
#define G64_PADDR_OFFSET    0x0
#define G64_PHYS_START      0x1000000   /* lowest p_paddr, as Linux */
#define G64_KSTART          (G64_VIRT_BASE + G64_PHYS_START)
#define G64_INIT_P2M        0x8000000000
#define G64_HV_START_LOW    0xffff800000000000
#define G64_MOD_START_PFN   1
#define G64_SUSPEND_CANCEL  1
/* L1_MFN_VALID: two numbers (elfnote.h: a mask/value pair), kept in file
 * order; different here so that a mix-up shows (Linux writes 1, 1). */
#define G64_L1_MFN_0        0x1
#define G64_L1_MFN_1        0x3
#define G64_GUEST_VERSION   "pvbuild-test-64"
#define G64_BSD_SYMTAB      "no"
#define G64_FEATURES \
    "!writable_page_tables|pae_pgdir_above_4gb|writable_descriptor_tables"
#define G64_FEATURES_SUPPORTED ((1 << XENFEAT_writable_page_tables) | \
                                (1 << XENFEAT_pae_pgdir_above_4gb) | \
                                (1 << XENFEAT_writable_descriptor_tables))
#define G64_FEATURES_REQUIRED  (1 << XENFEAT_writable_page_tables)
#define G64_SUPPORTED_FEATURES ((1 << XENFEAT_writable_page_tables) | \
                                (1 << XENFEAT_dom0) | \
                                (1 << XENFEAT_linux_rsdp_unrestricted))
/* The guest64-hcall variant names its version through an INFO note. */
#define G64_INFO_STRING     "GUEST_VER=info-2.6"
#define G64_INFO_GUEST_VER  "info-2.6"
/* A non-Xen note that reuses a Xen type number: must be ignored. */
#define G64_OTHER_OWNER     "Linux"
#define G64_OTHER_GUEST_OS  "not-xen"
/* An owner that only starts with "Xen": not Xen's either. */
#define G64_XENISH_OWNER    "XenX"
#define G64_XENISH_LOADER   "not-generic"

/* ---------------------------------------------- guest32 (ELF notes) */
#define G32_VIRT_BASE       0xc0000000
#define G32_PHYS_START      0x100000
#define G32_KSTART          (G32_VIRT_BASE + G32_PHYS_START)
#define G32_HV_START_LOW    0xf5800000
#define G32_MOD_START_PFN   1
#define G32_L1_MFN_VALID    0x1         /* one 4-byte value, no mask */
#define G32_GUEST_VERSION   "pvbuild-test-32"
#define G32_FEATURES \
    "writable_page_tables|writable_descriptor_tables|!pae_pgdir_above_4gb"
#define G32_FEATURES_SUPPORTED ((1 << XENFEAT_writable_page_tables) | \
                                (1 << XENFEAT_writable_descriptor_tables) | \
                                (1 << XENFEAT_pae_pgdir_above_4gb))
#define G32_FEATURES_REQUIRED  (1 << XENFEAT_pae_pgdir_above_4gb)
#define G32_SUPPORTED_FEATURES ((1 << XENFEAT_writable_page_tables) | \
                                (1 << XENFEAT_direct_mapped))   /* bit 17 */

/* ------------------------------- legacy64 (__xen_guest, no notes) */
/* No ELF_PADDR_OFFSET: it defaults to VIRT_BASE, so p_paddr == p_vaddr. */
#define L64_VIRT_BASE       0xffffffff80000000
#define L64_PHYS_START      0x200000
#define L64_KSTART          (L64_VIRT_BASE + L64_PHYS_START)
#define L64_HYPERCALL_PFN   0x201       /* (L64_PHYS_START + G_HCALL_OFFSET) >> 12 */
#define L64_GUEST_VER       2.6
#define L64_FEATURES        writable_page_tables|!writable_descriptor_tables
#define L64_FEATURES_SUPPORTED ((1 << XENFEAT_writable_page_tables) | \
                                (1 << XENFEAT_writable_descriptor_tables))
#define L64_FEATURES_REQUIRED  (1 << XENFEAT_writable_descriptor_tables)

/* ------------------------------- legacy32 (__xen_guest, no notes) */
#define L32_VIRT_BASE       0xc0000000
#define L32_PADDR_OFFSET    0x0
#define L32_PHYS_START      0x100000
#define L32_KSTART          (L32_VIRT_BASE + L32_PHYS_START)
#define L32_VIRT_ENTRY      0xc0100100  /* L32_KSTART + G_ENTRY_OFFSET */
#define L32_HYPERCALL_PFN   0x101
#define L32_PAE             yes[extended-cr3]
#define L32_FEATURES        writable_page_tables|!pae_pgdir_above_4gb
#define L32_FEATURES_SUPPORTED ((1 << XENFEAT_writable_page_tables) | \
                                (1 << XENFEAT_pae_pgdir_above_4gb))
#define L32_FEATURES_REQUIRED  (1 << XENFEAT_pae_pgdir_above_4gb)

/* ------------------------------------- badnotes64 (malformed notes) */
#define BAD_FEATURES "writable_page_tables|no_such_feature|!dom0|!also_unknown"
#define BAD_FEATURES_SUPPORTED ((1 << XENFEAT_writable_page_tables) | \
                                (1 << XENFEAT_dom0))
#define BAD_FEATURES_REQUIRED  (1 << XENFEAT_dom0)
#define BAD_NR_SKIPPED      8           /* see kernel64.S */
#define BAD_HUGE_DESCSZ     0x7ffffff0

/* ------------------------------------ manynotes64 (note count cap) */
#define MANY_NOTES_COUNT    65537

#define G_STR_(x) #x
#define G_STR(x) G_STR_(x)

#ifdef __ASSEMBLER__
/* One ELF note; `...` is the descriptor's directives. */
#define NOTE(owner, type, ...)        \
    .balign 4;                        \
    .long 2f - 1f;                    \
    .long 4f - 3f;                    \
    .long type;                       \
1:  .asciz owner;                     \
2:  .balign 4;                        \
3:  __VA_ARGS__;                      \
4:  .balign 4
#define ELFNOTE(type, ...) NOTE("Xen", type, __VA_ARGS__)
#endif

#endif
