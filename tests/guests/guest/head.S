/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The entry point (the ENTRY note).  The builder starts us with rsi =
 * start_info and rsp = the top of the boot stack page; both go to
 * guest_main as they were, and C runs on a stack of our own.
 */
	.section .note.GNU-stack, "", @progbits

	.section .text.head, "ax", @progbits
	.code64
	.globl	_start
_start:
	movq	%rsi, %rdi		/* guest_main(rsi, rsp) */
	movq	%rsp, %rsi
	leaq	stack_top(%rip), %rsp
	cld
	call	guest_main
1:	jmp	1b

	.section .bss, "aw", @nobits
	.balign	4096
stack:
	.skip	16384
stack_top:
