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

#include "../core/guest_gprs.S"

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
	LOAD_GUEST_GPRS %rax

	/* VMRUN saves host RAX; it comes back holding the VMCB address. */
	mov	SLOT_VMCB(%rsp), %rax
	sti
	vmrun	%rax
	cli

	mov	SLOT_GPRS(%rsp), %rax
	STORE_GUEST_GPRS %rax
	CLEAR_GUEST_GPRS

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
