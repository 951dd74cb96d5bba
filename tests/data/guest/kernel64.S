/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny x86_64 Xen PV "kernel" for the ELF reader's tests.  It never runs:
 * what matters is its ELF shape and the Xen notes it announces.
 *
 * Variants (mkguest.sh passes -D...):
 *   (none)               notes in .note.Xen, also a PT_NOTE segment
 *   WITH_HYPERCALL_PAGE  adds HYPERCALL_PAGE and an INFO note
 *   NO_PT_NOTE           (linker script) notes only in SHT_NOTE sections
 *   LEGACY               no notes: a __xen_guest section string instead
 *   BAD_NOTES            malformed notes among good ones
 *   MANY_NOTES           more notes than Xen's libelf accepts
 */
#include <xen/elfnote.h>
#include <xen/features.h>
#include "guest.h"

	.section .note.GNU-stack, "", @progbits

	.section .text, "ax", @progbits
	.code64
	.globl startup_64, pvh_start, xen_entry, hypercall_page
startup_64:			/* e_entry */
	hlt
	jmp	startup_64
	.org	G_PVH_OFFSET, 0x90
pvh_start:			/* PHYS32_ENTRY */
	hlt
	.org	G_ENTRY_OFFSET, 0x90
xen_entry:			/* the ENTRY note */
	hlt
	jmp	xen_entry
	.org	G_HCALL_OFFSET, 0x90
hypercall_page:
	.fill	0x1000, 1, 0xcc
	.org	G_TEXT_SIZE, 0x90

	.section .rodata, "a", @progbits
	.asciz	"pvbuild test guest (x86_64)"

	.section .data, "aw", @progbits
	.fill	G_DATA_SIZE, 1, 0x5a

	.section .bss, "aw", @nobits
	.skip	G_BSS_SIZE

#ifdef LEGACY
	/* As 2.6.18-xen wrote it: not allocated, NUL terminated. */
	.section __xen_guest, "", @progbits
	.ascii	"GUEST_OS=", G_GUEST_OS
	.ascii	",GUEST_VER=", G_STR(L64_GUEST_VER)
	.ascii	",XEN_VER=", G_XEN_VERSION
	.ascii	",VIRT_BASE=", G_STR(L64_VIRT_BASE)
	.ascii	",HYPERCALL_PAGE=", G_STR(L64_HYPERCALL_PFN)
	.ascii	",LOADER=", G_LOADER
	.ascii	",FEATURES=", G_STR(L64_FEATURES)
	.byte	0
#else

	.section .note.Xen, "a", @note
	ELFNOTE(XEN_ELFNOTE_GUEST_OS, .asciz G_GUEST_OS)
	ELFNOTE(XEN_ELFNOTE_XEN_VERSION, .asciz G_XEN_VERSION)
	ELFNOTE(XEN_ELFNOTE_VIRT_BASE, .quad G64_VIRT_BASE)
	ELFNOTE(XEN_ELFNOTE_PADDR_OFFSET, .quad G64_PADDR_OFFSET)
	ELFNOTE(XEN_ELFNOTE_ENTRY, .quad xen_entry)
	ELFNOTE(XEN_ELFNOTE_MOD_START_PFN, .long G64_MOD_START_PFN)

#ifdef BAD_NOTES
	/* 1: a number of 3 bytes */
	ELFNOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .byte 1, 2, 3)
	/* 2: a bitmap of 2 bytes */
	ELFNOTE(XEN_ELFNOTE_SUPPORTED_FEATURES, .short 1)
	/* 3: owner name "Xen" without its NUL (namesz 3) */
	.balign 4
	.long	3, 4, XEN_ELFNOTE_GUEST_VERSION
	.ascii	"Xen"
	.balign 4
	.asciz	"bad"
	/* 4: a string note with an empty descriptor */
	ELFNOTE(XEN_ELFNOTE_PAE_MODE, )
	/* 5: L1_MFN_VALID of 12 bytes */
	ELFNOTE(XEN_ELFNOTE_L1_MFN_VALID, .long 1, 1, 1)
	/* 6: a string longer than the 4 KiB cap */
	ELFNOTE(XEN_ELFNOTE_GUEST_VERSION, .fill 5000, 1, 0x61; .byte 0)
	/* 7: an INFO string with a bad number */
	ELFNOTE(XEN_ELFNOTE_INFO, .asciz "VIRT_BASE=0xzz")
	/* good ones between the bad */
	ELFNOTE(XEN_ELFNOTE_FEATURES, .asciz BAD_FEATURES)
	ELFNOTE(XEN_ELFNOTE_LOADER, .asciz G_LOADER)
	/* 8: descsz runs far past the area: reading stops here */
	.balign 4
	.long	4, BAD_HUGE_DESCSZ, XEN_ELFNOTE_INIT_P2M
	.asciz	"Xen"
	.quad	0
	/* never read */
	ELFNOTE(XEN_ELFNOTE_INIT_P2M, .quad G64_INIT_P2M)
#else /* !BAD_NOTES */

#ifdef WITH_HYPERCALL_PAGE
	ELFNOTE(XEN_ELFNOTE_INFO, .asciz G64_INFO_STRING)
	ELFNOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page)
#else
	ELFNOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz G64_GUEST_VERSION)
#endif
	ELFNOTE(XEN_ELFNOTE_INIT_P2M, .quad G64_INIT_P2M)
	/* As Linux: .ascii, no NUL; the descriptor's size ends the string. */
	ELFNOTE(XEN_ELFNOTE_FEATURES, .ascii G64_FEATURES)
	ELFNOTE(XEN_ELFNOTE_SUPPORTED_FEATURES, .long G64_SUPPORTED_FEATURES)
	ELFNOTE(XEN_ELFNOTE_PAE_MODE, .asciz G_PAE_MODE)
	ELFNOTE(XEN_ELFNOTE_LOADER, .asciz G_LOADER)
	ELFNOTE(XEN_ELFNOTE_BSD_SYMTAB, .asciz G64_BSD_SYMTAB)
	ELFNOTE(XEN_ELFNOTE_L1_MFN_VALID, .quad G64_L1_MFN_0, G64_L1_MFN_1)
	ELFNOTE(XEN_ELFNOTE_SUSPEND_CANCEL, .long G64_SUSPEND_CANCEL)
	ELFNOTE(XEN_ELFNOTE_HV_START_LOW, .quad G64_HV_START_LOW)
	NOTE(G64_OTHER_OWNER, XEN_ELFNOTE_GUEST_OS, .asciz G64_OTHER_GUEST_OS)
	NOTE(G64_XENISH_OWNER, XEN_ELFNOTE_LOADER, .asciz G64_XENISH_LOADER)
	/* Last on purpose: the tests corrupt the last note's descsz. */
	ELFNOTE(XEN_ELFNOTE_PHYS32_ENTRY, .quad pvh_start - G64_VIRT_BASE)

	/* A second note section outside PT_NOTE, repeating one note. */
	.section .note.Xen.extra, "a", @note
	ELFNOTE(XEN_ELFNOTE_VIRT_BASE, .quad G64_VIRT_BASE)
#endif /* !BAD_NOTES */

#ifdef MANY_NOTES
	/* Empty notes (no name, no descriptor), 12 bytes each, not loaded. */
	.section .note.many, "", @note
	.rept	MANY_NOTES_COUNT
	.long	0, 0, 0
	.endr
#endif
#endif /* !LEGACY */
