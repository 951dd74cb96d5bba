/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Xen ELF notes (xen/elfnote.h) the builder reads.  GUEST_OS "linux"
 * puts the guest under the builder's Linux rules for the P->M list; no
 * HYPERCALL_PAGE (hypercalls use `syscall`, see main.c).
 *
 * Variants: -DINIT_P2M=ADDR adds the INIT_P2M note (P->M list outside the
 * initial mapping, at ADDR).
 */
#include <xen/elfnote.h>

/* name "Xen", type, descriptor: one 4-byte aligned ELF note. */
#define ELFNOTE(type, desc...)		\
	.balign	4;			\
	.long	2f - 1f;		\
	.long	4f - 3f;		\
	.long	type;			\
1:	.asciz	"Xen";			\
2:	.balign	4;			\
3:	desc;				\
4:	.balign	4

	.section .note.GNU-stack, "", @progbits

	.section .note.Xen, "a", @note
	ELFNOTE(XEN_ELFNOTE_GUEST_OS, .asciz "linux")
	ELFNOTE(XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0")
	ELFNOTE(XEN_ELFNOTE_LOADER, .asciz "generic")
	ELFNOTE(XEN_ELFNOTE_VIRT_BASE, .quad guest_virt_base)
	ELFNOTE(XEN_ELFNOTE_PADDR_OFFSET, .quad 0)
	ELFNOTE(XEN_ELFNOTE_ENTRY, .quad _start)
	ELFNOTE(XEN_ELFNOTE_FEATURES, .asciz "!writable_page_tables")
	/* A module goes unmapped, its pfn in mod_start (as Linux). */
	ELFNOTE(XEN_ELFNOTE_MOD_START_PFN, .long 1)
#ifdef INIT_P2M
	ELFNOTE(XEN_ELFNOTE_INIT_P2M, .quad INIT_P2M)
#endif
