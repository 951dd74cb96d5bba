/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Linker script of the x86_64 test guests (see kernel64.S for variants). */
#include "guest.h"

#ifdef LEGACY
/* Old kernels put virtual addresses in p_paddr (ELF_PADDR_OFFSET = VIRT_BASE). */
#define KSTART          L64_KSTART
#define LOAD_OFFSET     0
#define ENTRY_SYMBOL    startup_64
#else
#define KSTART          G64_KSTART
#define LOAD_OFFSET     (G64_VIRT_BASE - G64_PADDR_OFFSET)
/* As Linux: e_entry is the physical address of the entry code. */
#define ENTRY_SYMBOL    phys_startup_64
#endif

#if defined(LEGACY) || defined(NO_PT_NOTE)
#define NOTE_SEGMENT
#else
#define NOTE_SEGMENT :note
#endif

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(ENTRY_SYMBOL)

PHDRS
{
	text PT_LOAD FLAGS(5);
	rodata PT_LOAD FLAGS(4);
	data PT_LOAD FLAGS(6);
#if !defined(LEGACY) && !defined(NO_PT_NOTE)
	note PT_NOTE FLAGS(4);
#endif
}

SECTIONS
{
	. = KSTART;
	_text = .;
	.text : AT(ADDR(.text) - LOAD_OFFSET) { *(.text) } :text
	. = ALIGN(0x1000);
	.rodata : AT(ADDR(.rodata) - LOAD_OFFSET) { *(.rodata) } :rodata
	.note.Xen : AT(ADDR(.note.Xen) - LOAD_OFFSET) { *(.note.Xen) } :rodata NOTE_SEGMENT
	.note.Xen.extra : AT(ADDR(.note.Xen.extra) - LOAD_OFFSET) { *(.note.Xen.extra) } :rodata
	. = ALIGN(0x1000);
	.data : AT(ADDR(.data) - LOAD_OFFSET) { *(.data) } :data
	.bss : AT(ADDR(.bss) - LOAD_OFFSET) { *(.bss) } :data
	_end = .;
	phys_startup_64 = startup_64 - LOAD_OFFSET;
	/DISCARD/ : { *(.comment) *(.note.gnu.property) }
}

ASSERT(startup_64 == KSTART, "startup_64 moved")
ASSERT(xen_entry == KSTART + G_ENTRY_OFFSET, "xen_entry moved: fix guest.h")
ASSERT(pvh_start == KSTART + G_PVH_OFFSET, "pvh_start moved: fix guest.h")
ASSERT(hypercall_page == KSTART + G_HCALL_OFFSET, "hypercall_page moved: fix guest.h")
#ifdef LEGACY
ASSERT(hypercall_page == L64_VIRT_BASE + (L64_HYPERCALL_PFN << 12),
       "L64_HYPERCALL_PFN does not name hypercall_page: fix guest.h")
#endif
#ifndef BAD_NOTES
ASSERT(_end == KSTART + G_KERNEL_SIZE, "kernel size changed: fix guest.h")
#endif
