/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Linker script of the i386 test guests (see kernel32.S for variants). */
#include "guest.h"

#ifdef LEGACY
#define KSTART          L32_KSTART
#define LOAD_OFFSET     (L32_VIRT_BASE - L32_PADDR_OFFSET)
#define ENTRY_SYMBOL    startup_32
#else
#define KSTART          G32_KSTART
#define LOAD_OFFSET     G32_VIRT_BASE
#define ENTRY_SYMBOL    phys_startup_32
#endif

OUTPUT_FORMAT("elf32-i386")
OUTPUT_ARCH(i386)
ENTRY(ENTRY_SYMBOL)

PHDRS
{
	text PT_LOAD FLAGS(5);
	rodata PT_LOAD FLAGS(4);
	data PT_LOAD FLAGS(6);
#ifndef LEGACY
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
#ifndef LEGACY
	.note.Xen : AT(ADDR(.note.Xen) - LOAD_OFFSET) { *(.note.Xen) } :rodata :note
#endif
	. = ALIGN(0x1000);
	.data : AT(ADDR(.data) - LOAD_OFFSET) { *(.data) } :data
	.bss : AT(ADDR(.bss) - LOAD_OFFSET) { *(.bss) } :data
	_end = .;
	phys_startup_32 = startup_32 - LOAD_OFFSET;
	/DISCARD/ : { *(.comment) *(.note.gnu.property) }
}

ASSERT(startup_32 == KSTART, "startup_32 moved")
ASSERT(xen_entry == KSTART + G_ENTRY_OFFSET, "xen_entry moved: fix guest.h")
ASSERT(hypercall_page == KSTART + G_HCALL_OFFSET, "hypercall_page moved: fix guest.h")
#ifdef LEGACY
ASSERT(xen_entry == L32_VIRT_ENTRY, "L32_VIRT_ENTRY does not name xen_entry: fix guest.h")
ASSERT(hypercall_page == L32_VIRT_BASE + (L32_HYPERCALL_PFN << 12),
       "L32_HYPERCALL_PFN does not name hypercall_page: fix guest.h")
#endif
ASSERT(_end == KSTART + G_KERNEL_SIZE, "kernel size changed: fix guest.h")
