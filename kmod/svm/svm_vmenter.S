/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SVM world switch.
 *
 * void hospes_svm_vmrun(unsigned long vmcb_pa, u64 *gprs,
 *			 unsigned long host_save_pa);
 *
 * Contract:
 *  - Called with host interrupts disabled and GIF set.
 *  - gprs[] is indexed in hardware order (RAX=0, RCX=1, ... R15=15, as enum
 *    hospes_gpr). RAX and RSP are not taken from it: VMRUN loads and
 *    #VMEXIT stores them in the VMCB. All other guest GPRs are loaded
 *    before VMRUN and stored back after #VMEXIT.
 *  - The host's FS, GS, TR, LDTR, KernelGSBase and SYSCALL/SYSENTER MSRs,
 *    which VMRUN does not switch, are saved with VMSAVE to host_save_pa and
 *    restored with VMLOAD; the guest's are moved with VMLOAD/VMSAVE on its
 *    VMCB. Between the two, GIF is clear, so no interrupt or NMI can run on
 *    the guest's GS base.
 *  - Host RFLAGS.IF is set across VMRUN, so (with V_INTR_MASKING) a host
 *    interrupt exits the guest; GIF=0 keeps it pending until the host state
 *    is back. Returns with interrupts disabled and GIF set: the interrupt
 *    is taken when the caller enables interrupts.
 */
#include <linux/linkage.h>
#include <asm/nospec-branch.h>

#define GPR(n)	((n) * 8)
#define RCX	GPR(1)
#define RDX	GPR(2)
#define RBX	GPR(3)
#define RBP	GPR(5)
#define RSI	GPR(6)
#define RDI	GPR(7)
#define R8	GPR(8)
#define R9	GPR(9)
#define R10	GPR(10)
#define R11	GPR(11)
#define R12	GPR(12)
#define R13	GPR(13)
#define R14	GPR(14)
#define R15	GPR(15)

/* Stack slots after the pushes below. */
#define SLOT_VMCB	0
#define SLOT_GPRS	8
#define SLOT_HOST	16

	.section .text, "ax"

SYM_FUNC_START(hospes_svm_vmrun)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdx
	push	%rsi
	push	%rdi

	mov	%rdx, %rax
	vmsave	%rax
	clgi
	mov	SLOT_VMCB(%rsp), %rax
	vmload	%rax

	mov	%rsi, %rax
	mov	RCX(%rax), %rcx
	mov	RDX(%rax), %rdx
	mov	RBX(%rax), %rbx
	mov	RBP(%rax), %rbp
	mov	RSI(%rax), %rsi
	mov	RDI(%rax), %rdi
	mov	R8(%rax), %r8
	mov	R9(%rax), %r9
	mov	R10(%rax), %r10
	mov	R11(%rax), %r11
	mov	R12(%rax), %r12
	mov	R13(%rax), %r13
	mov	R14(%rax), %r14
	mov	R15(%rax), %r15

	/* VMRUN saves host RAX; it comes back holding the VMCB address. */
	mov	SLOT_VMCB(%rsp), %rax
	sti
	vmrun	%rax
	cli

	mov	SLOT_GPRS(%rsp), %rax
	mov	%rcx, RCX(%rax)
	mov	%rdx, RDX(%rax)
	mov	%rbx, RBX(%rax)
	mov	%rbp, RBP(%rax)
	mov	%rsi, RSI(%rax)
	mov	%rdi, RDI(%rax)
	mov	%r8, R8(%rax)
	mov	%r9, R9(%rax)
	mov	%r10, R10(%rax)
	mov	%r11, R11(%rax)
	mov	%r12, R12(%rax)
	mov	%r13, R13(%rax)
	mov	%r14, R14(%rax)
	mov	%r15, R15(%rax)

	/* Leave no guest value in a register for speculation to use. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%ebx, %ebx
	xor	%ebp, %ebp
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	/* The guest may have filled the return stack buffer: refill it. */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RETPOLINE

	mov	SLOT_VMCB(%rsp), %rax
	vmsave	%rax
	mov	SLOT_HOST(%rsp), %rax
	vmload	%rax

	add	$24, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	stgi
	RET
SYM_FUNC_END(hospes_svm_vmrun)
