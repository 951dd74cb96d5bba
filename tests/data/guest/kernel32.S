/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny i386 (PAE) Xen PV "kernel" for the ELF reader's tests: 4-byte
 * numeric notes, no PADDR_OFFSET note (it defaults to 0).  With LEGACY it
 * has a __xen_guest string instead of notes.
 */
#include <xen/elfnote.h>
#include <xen/features.h>
#include "guest.h"

	.section .note.GNU-stack, "", @progbits

	.section .text, "ax", @progbits
	.code32
	.globl startup_32, xen_entry, hypercall_page
startup_32:			/* e_entry */
	hlt
	jmp	startup_32
	.org	G_ENTRY_OFFSET, 0x90
xen_entry:			/* the ENTRY note / VIRT_ENTRY */
	hlt
	jmp	xen_entry
	.org	G_HCALL_OFFSET, 0x90
hypercall_page:
	.fill	0x1000, 1, 0xcc
	.org	G_TEXT_SIZE, 0x90

	.section .rodata, "a", @progbits
	.asciz	"pvbuild test guest (i386)"

	.section .data, "aw", @progbits
	.fill	G_DATA_SIZE, 1, 0x5a

	.section .bss, "aw", @nobits
	.skip	G_BSS_SIZE

#ifdef LEGACY
	.section __xen_guest, "", @progbits
	.ascii	"GUEST_OS=", G_GUEST_OS
	.ascii	",XEN_VER=", G_XEN_VERSION
	.ascii	",VIRT_BASE=", G_STR(L32_VIRT_BASE)
	.ascii	",ELF_PADDR_OFFSET=", G_STR(L32_PADDR_OFFSET)
	.ascii	",VIRT_ENTRY=", G_STR(L32_VIRT_ENTRY)
	.ascii	",HYPERCALL_PAGE=", G_STR(L32_HYPERCALL_PFN)
	.ascii	",PAE=", G_STR(L32_PAE)
	.ascii	",LOADER=", G_LOADER
	.ascii	",FEATURES=", G_STR(L32_FEATURES)
	.ascii	",BSD_SYMTAB"
	.byte	0
#else
	.section .note.Xen, "a", @note
	ELFNOTE(XEN_ELFNOTE_GUEST_OS, .asciz G_GUEST_OS)
	ELFNOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz G32_GUEST_VERSION)
	ELFNOTE(XEN_ELFNOTE_XEN_VERSION, .asciz G_XEN_VERSION)
	ELFNOTE(XEN_ELFNOTE_VIRT_BASE, .long G32_VIRT_BASE)
	ELFNOTE(XEN_ELFNOTE_ENTRY, .long xen_entry)
	ELFNOTE(XEN_ELFNOTE_FEATURES, .asciz G32_FEATURES)
	ELFNOTE(XEN_ELFNOTE_SUPPORTED_FEATURES, .long G32_SUPPORTED_FEATURES)
	ELFNOTE(XEN_ELFNOTE_PAE_MODE, .asciz G_PAE_MODE)
	ELFNOTE(XEN_ELFNOTE_LOADER, .asciz G_LOADER)
	ELFNOTE(XEN_ELFNOTE_L1_MFN_VALID, .long G32_L1_MFN_VALID)
	ELFNOTE(XEN_ELFNOTE_HV_START_LOW, .long G32_HV_START_LOW)
	ELFNOTE(XEN_ELFNOTE_MOD_START_PFN, .long G32_MOD_START_PFN)
#endif
