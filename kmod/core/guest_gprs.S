/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's general-purpose registers in the world switches of both
 * backends, which include this file (svm_vmenter.S, vmx_vmenter.S; it
 * builds nothing by itself): their offsets in the u64 array the core
 * keeps them in (enum hospes_gpr, the hardware's order, which the C side
 * checks with BUILD_BUG_ON), and the moves between that array and the
 * registers. RAX and RSP are not moved here: VMRUN takes both
 * from the VMCB, VM entry takes RSP from the VMCS, and RAX holds the
 * array's address while the others move.
 */
#ifndef HOSPES_GUEST_GPRS_S
#define HOSPES_GUEST_GPRS_S

#define GPR(n)	((n) * 8)
#define RAX	GPR(0)
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

/* Load the guest's RCX, RDX, RBX, RBP, RSI, RDI and R8-R15 from gprs. */
.macro LOAD_GUEST_GPRS gprs:req
	mov	RCX(\gprs), %rcx
	mov	RDX(\gprs), %rdx
	mov	RBX(\gprs), %rbx
	mov	RBP(\gprs), %rbp
	mov	RSI(\gprs), %rsi
	mov	RDI(\gprs), %rdi
	mov	R8(\gprs), %r8
	mov	R9(\gprs), %r9
	mov	R10(\gprs), %r10
	mov	R11(\gprs), %r11
	mov	R12(\gprs), %r12
	mov	R13(\gprs), %r13
	mov	R14(\gprs), %r14
	mov	R15(\gprs), %r15
.endm

/* Store them back after the exit. */
.macro STORE_GUEST_GPRS gprs:req
	mov	%rcx, RCX(\gprs)
	mov	%rdx, RDX(\gprs)
	mov	%rbx, RBX(\gprs)
	mov	%rbp, RBP(\gprs)
	mov	%rsi, RSI(\gprs)
	mov	%rdi, RDI(\gprs)
	mov	%r8, R8(\gprs)
	mov	%r9, R9(\gprs)
	mov	%r10, R10(\gprs)
	mov	%r11, R11(\gprs)
	mov	%r12, R12(\gprs)
	mov	%r13, R13(\gprs)
	mov	%r14, R14(\gprs)
	mov	%r15, R15(\gprs)
.endm

/*
 * Leave no guest value in a register for speculation to use, not even in
 * those about to be reloaded from the stack: a cache miss on the reload
 * could let speculation run on the guest's value meanwhile.
 */
.macro CLEAR_GUEST_GPRS
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
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
.endm

#endif /* HOSPES_GUEST_GPRS_S */
