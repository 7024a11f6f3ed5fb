/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMX world switch.
 *
 * int hospes_vmx_vmrun(u64 *gprs, unsigned long launched);
 *
 * Contract:
 *  - Called with host interrupts disabled, the vCPU's VMCS current on this
 *    CPU, and every VMCS field but HOST_RSP ready for VM entry. HOST_RIP
 *    must be hospes_vmx_vmexit.
 *  - gprs[] is indexed in hardware order (RAX=0, RCX=1, ... R15=15, as enum
 *    hospes_gpr). RSP is not taken from it: VM entry loads it, with RIP and
 *    RFLAGS, from the VMCS guest-state area, and VM exit stores it there
 *    (Intel SDM vol. 3C, 27.3.3 and 28.3). All other guest GPRs, RAX
 *    included, are loaded before entry and stored back after the exit.
 *  - launched != 0 enters with VMRESUME, else with VMLAUNCH.
 *  - HOST_RSP is written here, with the stack pointer the exit resumes on.
 *    VM exit restores nothing else of the caller's registers: the
 *    callee-saved ones come back from the stack.
 *  - Returns 0 after a VM exit, including one that reports a failed VM
 *    entry (exit reason bit 31), and 1 if VMLAUNCH or VMRESUME itself
 *    failed (VMfail: the error is in VM_INSTRUCTION_ERROR). Returns with
 *    interrupts disabled: VM exit clears RFLAGS.IF (28.5.3), and a host
 *    interrupt that caused the exit is taken when the caller enables them.
 *  - Before entry, CPU buffers are cleared where the kernel asks for it
 *    (MDS); after the exit, guest values are cleared from the registers and
 *    the return stack buffer is refilled, so the guest's return
 *    predictions do not reach the host.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include <asm/segment.h>
#include <asm/unwind_hints.h>

#include "../core/guest_gprs.S"
#include "vmx.h"

/* Stack slots after the pushes below: HOST_RSP points at SLOT_GPRS. */
#define SLOT_GPRS	0
#define SLOT_LAUNCHED	8

	.section .text, "ax"

SYM_FUNC_START(hospes_vmx_vmrun)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rsi
	push	%rdi

	/* The exit comes back on this stack, with gprs on top. */
	mov	$HOSPES_VMX_HOST_RSP, %eax
	vmwrite	%rsp, %rax
	jbe	.Lfail

	mov	%rdi, %rax
	LOAD_GUEST_GPRS %rax

	/* VERW clobbers ZF: before the test, which MOV leaves alone. */
	VM_CLEAR_CPU_BUFFERS
	cmpq	$0, SLOT_LAUNCHED(%rsp)
	mov	RAX(%rax), %rax
	/* What the exit below finds: the stack as it is here. */
	UNWIND_HINT_SAVE
	jne	.Lresume
	vmlaunch
	jmp	.Lfail
.Lresume:
	vmresume
	jmp	.Lfail

SYM_INNER_LABEL(hospes_vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	push	%rax
	mov	SLOT_GPRS + 8(%rsp), %rax
	STORE_GUEST_GPRS %rax
	pop	%rcx
	mov	%rcx, RAX(%rax)

	/* The guest may have filled the return stack buffer: refill it. */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
			   X86_FEATURE_RSB_VMEXIT_LITE
	CLEAR_BRANCH_HISTORY_VMEXIT
	xor	%eax, %eax
	jmp	.Lout

.Lfail:
	mov	$1, %eax

.Lout:
	CLEAR_GUEST_GPRS

	add	$16, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(hospes_vmx_vmrun)

/*
 * void hospes_vmx_do_nmi(void)
 *
 * With "NMI exiting", an NMI that arrives in the guest is consumed by the
 * VM exit (28.2.2 reports it; nothing is left pending) and NMIs stay
 * blocked until the next IRET. Hand it to the kernel's NMI handler as the
 * CPU would have: on this stack, through an interrupt frame (6.14.2: RSP
 * aligned to 16, then SS, RSP, RFLAGS, CS, RIP), whose IRET unblocks NMIs.
 * Called with interrupts disabled, right after the exit.
 */
SYM_FUNC_START(hospes_vmx_do_nmi)
	push	%rbp
	mov	%rsp, %rbp
	and	$-16, %rsp
	push	$__KERNEL_DS
	push	%rbp
	pushf
	push	$__KERNEL_CS
	call	asm_exc_nmi_noist
	leave
	RET
SYM_FUNC_END(hospes_vmx_do_nmi)
