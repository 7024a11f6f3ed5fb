/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvguest: the entry point.
 *
 * The loader enters here in 64-bit mode (linux/hospes_pv.h): RDI = the
 * start-info page, identity-mapped paging, interrupts off, RSP somewhere
 * in RAM below the image. We clear .bss (our stack is in it; the loader's
 * stack is not touched meanwhile), switch to our own stack and call
 * start_kernel(start_info), which never returns.
 */
	.section .text.head, "ax"
	.code64
	.globl _start
	.type _start, @function
_start:
	cli
	cld
	movq	%rdi, %r12			/* start-info, kept across */

	movq	$__bss_start, %rdi
	movq	$__bss_end, %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb

	movq	$boot_stack_top, %rsp
	xorl	%ebp, %ebp			/* end of the frame chain */
	movq	%r12, %rdi
	call	start_kernel
1:	cli
	hlt
	jmp	1b
	.size _start, . - _start

	/* A guard page below the stack, left unmapped by mm_init. */
	.section .bss.stack, "aw", @nobits
	.balign	4096
	.globl stack_guard, boot_stack_bottom, boot_stack_top
stack_guard:
	.skip	4096
boot_stack_bottom:
	.skip	65536
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
