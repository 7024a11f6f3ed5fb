/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvguest: interrupt and exception entry, and the trip to CPL3.
 *
 * isr_stubs: 256 stubs, 16 bytes apart (desc.c computes gate addresses
 * from that). Each pushes a zero error code where the CPU pushes none, then
 * its vector, and jumps to trap_common, which saves the general registers
 * as a struct trap_frame (desc.h), calls trap_dispatch(frame) and returns
 * with iretq. The frame is 22 quadwords on a 16-byte aligned CPU frame, so
 * the stack is 16-byte aligned again at the call.
 */
#define SEL_KERNEL_CS	0x08
#define SEL_KERNEL_DS	0x10
#define SEL_USER_DS	(0x18 | 3)
#define SEL_USER_CS	(0x20 | 3)

	.text
	.balign	16
	.globl isr_stubs
isr_stubs:
	.set	vec, 0
	.rept	256
	.balign	16
	/* Vectors with an error code: #DF #TS #NP #SS #GP #PF #AC #CP #VC #SX */
	.if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	pushq	$vec
	.else
	pushq	$0
	pushq	$vec
	.endif
	jmp	trap_common
	.set	vec, vec + 1
	.endr

trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	call	trap_dispatch
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp			/* vector, error code */
	iretq

/*
 * long user_call(void (*fn)(void), uint64_t arg, void *stack_top)
 *
 * Saves the callee-saved registers, points TSS.RSP0 below them and irets
 * to fn at CPL3 with RDI = arg and interrupts off. The way back is
 * trap_dispatch: on int $0x80 (or an exception) from CPL3 it rewrites the
 * frame to iret to user_call_return at CPL0, with RAX the result.
 */
	.globl user_call, user_call_return
	.type user_call, @function
user_call:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, user_saved_rsp(%rip)
	movq	%rsp, tss+4(%rip)		/* TSS.RSP0 */
	pushq	$SEL_USER_DS
	pushq	%rdx
	pushq	$0x2				/* RFLAGS: IF=0 */
	pushq	$SEL_USER_CS
	pushq	%rdi
	movq	%rsi, %rdi
	iretq
user_call_return:
	movl	$SEL_KERNEL_DS, %ecx		/* iret to CPL3 nulled these */
	movl	%ecx, %ds
	movl	%ecx, %es
	movq	user_saved_rsp(%rip), %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret
	.size user_call, . - user_call

	.bss
	.balign	8
	.globl user_saved_rsp
user_saved_rsp:
	.quad	0


/*
 * user_hypercall: CPL3 code for badcalls. RDI points to a struct
 * { nr, args[5], insn } (programs/badcalls.c); makes that hypercall with
 * the instruction insn names and hands RAX back with int $0x80.
 */
	.text
	.globl user_hypercall
	.type user_hypercall, @function
user_hypercall:
	movq	%rdi, %rbx
	movq	0(%rbx), %rax
	movq	8(%rbx), %rdi
	movq	16(%rbx), %rsi
	movq	24(%rbx), %rdx
	movq	32(%rbx), %r10
	movq	40(%rbx), %r8
	cmpq	$1, 48(%rbx)
	je	1f
	vmmcall
	jmp	2f
1:	vmcall
2:	int	$0x80
	ud2
	.size user_hypercall, . - user_hypercall

	.section .note.GNU-stack, "", @progbits
