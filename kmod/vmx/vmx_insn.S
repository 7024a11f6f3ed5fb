/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMX instructions hospes uses, one small function each, so that no C
 * file carries inline assembly. The world switch is in vmx_vmenter.S.
 *
 * A VMX instruction reports VMfailInvalid with CF=1 and VMfailValid with
 * ZF=1 (Intel SDM vol. 3C, 31.2); "jbe" catches both. The functions return
 * 0 on success, 1 (VMX_FAIL) on VMfail and 2 (VMX_FAULT) if the instruction
 * faulted, say with #UD on a CPU where VMX is already off: the exception
 * table turns that into a return value instead of an oops.
 *
 * Arguments as in the C declarations in vmx.h: memory operands (VMXON,
 * VMCLEAR, VMPTRLD: the physical address; INVEPT, INVVPID: the 128-bit
 * descriptor) are passed by pointer.
 */
#include <linux/linkage.h>
#include <asm/asm.h>

/* Define name() running insn, with the return convention above. */
.macro VMX_OP name:req, insn:req
SYM_FUNC_START(\name)
.Linsn_\@:
	\insn
	jbe	.Lfail_\@
	xor	%eax, %eax
	RET
.Lfail_\@:
	mov	$1, %eax
	RET
.Lfault_\@:
	mov	$2, %eax
	RET
	_ASM_EXTABLE(.Linsn_\@, .Lfault_\@)
SYM_FUNC_END(\name)
.endm

	.section .text, "ax"

/* int hospes_vmxon(const u64 *vmxon_pa) */
VMX_OP hospes_vmxon, "vmxon (%rdi)"
/* int hospes_vmxoff(void) */
VMX_OP hospes_vmxoff, "vmxoff"
/* int hospes_vmclear(const u64 *vmcs_pa) */
VMX_OP hospes_vmclear, "vmclear (%rdi)"
/* int hospes_vmptrld(const u64 *vmcs_pa) */
VMX_OP hospes_vmptrld, "vmptrld (%rdi)"
/* int hospes_vmwrite(unsigned long field, unsigned long value) */
VMX_OP hospes_vmwrite, "vmwrite %rsi, %rdi"
/* int hospes_invept(unsigned long type, const u64 desc[2]) */
VMX_OP hospes_invept, "invept (%rsi), %rdi"
/* int hospes_invvpid(unsigned long type, const u64 desc[2]) */
VMX_OP hospes_invvpid, "invvpid (%rsi), %rdi"

/*
 * void hospes_lldt(unsigned int selector)
 *
 * VM exit leaves LDTR null (27.5.2); a task with an LDT gets it back.
 * Not VMX, but the kernel offers no non-paravirt LLDT a module can use.
 */
SYM_FUNC_START(hospes_lldt)
	lldt	%di
	RET
SYM_FUNC_END(hospes_lldt)

/*
 * unsigned long hospes_vmread(unsigned long field)
 *
 * The field's value, or 0 if VMREAD fails or faults: it leaves the
 * destination alone then.
 */
SYM_FUNC_START(hospes_vmread)
	xor	%eax, %eax
.Lvmread:
	vmread	%rdi, %rax
	RET
.Lvmread_fault:
	xor	%eax, %eax
	RET
	_ASM_EXTABLE(.Lvmread, .Lvmread_fault)
SYM_FUNC_END(hospes_vmread)
