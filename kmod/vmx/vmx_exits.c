// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMX exit handlers, in a table indexed by basic exit reason. Each decodes
 * what the exit reported (read into vx->exit by vmx_vcpu_enter(), while
 * the VMCS was current) and hands the work to the core. Section numbers
 * refer to the Intel SDM, volume 3C.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/ratelimit.h>
#include <asm/trapnr.h>

#include "vmx.h"

/* Exit qualification of a control-register access (table 28-3). */
#define CR_QUAL_NUM(q)		((q) & 0xf)
#define CR_QUAL_TYPE(q)		(((q) >> 4) & 3)
#define CR_QUAL_REG(q)		(((q) >> 8) & 0xf)
#define CR_QUAL_LMSW_DATA(q)	(((q) >> 16) & 0xffff)
enum { CR_MOV_TO, CR_MOV_FROM, CR_CLTS, CR_LMSW };

/* Exit qualification of an I/O instruction (table 28-5). */
#define IO_QUAL_SIZE(q)		(((q) & 7) + 1)
#define IO_QUAL_IN		BIT(3)
#define IO_QUAL_STRING		BIT(4)
#define IO_QUAL_PORT(q)		((q) >> 16)

static int exit_nothing(struct hospes_vcpu *vcpu)
{
	return 1;
}

/* A host interrupt ended the guest's turn; it is taken on the way out. */
static int exit_intr(struct hospes_vcpu *vcpu)
{
	vcpu->stats.intr_exits++;
	return 1;
}

/*
 * Only NMIs come here: no exception is intercepted. vmx_vcpu_enter() has
 * already handed the NMI to the host's handler.
 */
static int exit_exception_nmi(struct hospes_vcpu *vcpu)
{
	const struct vmx_exit_info *e = &to_vmx(vcpu)->exit;

	if ((e->intr_info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
		return exit_intr(vcpu);
	pr_warn_ratelimited("unexpected VMX exception exit, interruption info %#x\n",
			    e->intr_info);
	return hospes_exit_internal_error(vcpu,
					  HOSPES_INTERNAL_ERROR_UNHANDLED_EXIT,
					  EXIT_REASON_EXCEPTION_NMI,
					  e->intr_info);
}

static int exit_irq_window(struct hospes_vcpu *vcpu)
{
	to_vmx(vcpu)->cpu_based &= ~CPU_BASED_INTR_WINDOW_EXITING;
	return hospes_exit_irq_window(vcpu);
}

/* Instructions hospes does not offer the guest raise #UD, as without VMX. */
static int exit_ud(struct hospes_vcpu *vcpu)
{
	return hospes_exit_ud(vcpu);
}

/*
 * The exit reports the length of the instructions that exit
 * unconditionally or by a control (28.2.5): no decoding needed.
 */
static unsigned int insn_len(struct hospes_vcpu *vcpu)
{
	return to_vmx(vcpu)->exit.insn_len;
}

/* Instructions that are harmless to drop (cache flushes). */
static int exit_skip(struct hospes_vcpu *vcpu)
{
	return hospes_skip_insn(vcpu, insn_len(vcpu));
}

static int exit_cpuid(struct hospes_vcpu *vcpu)
{
	return hospes_exit_cpuid(vcpu, insn_len(vcpu));
}

static int exit_hlt(struct hospes_vcpu *vcpu)
{
	return hospes_exit_hlt(vcpu, insn_len(vcpu));
}

static int exit_vmcall(struct hospes_vcpu *vcpu)
{
	return hospes_exit_hypercall(vcpu, insn_len(vcpu));
}

static int exit_rdmsr(struct hospes_vcpu *vcpu)
{
	return hospes_exit_msr(vcpu, false, insn_len(vcpu));
}

static int exit_wrmsr(struct hospes_vcpu *vcpu)
{
	return hospes_exit_msr(vcpu, true, insn_len(vcpu));
}

static int exit_io(struct hospes_vcpu *vcpu)
{
	u64 q = to_vmx(vcpu)->exit.qual;

	return hospes_exit_io(vcpu, IO_QUAL_PORT(q), IO_QUAL_SIZE(q),
			      q & IO_QUAL_IN, q & IO_QUAL_STRING,
			      vcpu->rip + insn_len(vcpu));
}

static int exit_triple_fault(struct hospes_vcpu *vcpu)
{
	return hospes_exit_shutdown(vcpu);
}

/*
 * The guest touched a debug register for the first time: let it have DR0-3
 * and DR6, switched on every entry from now on (DR7 is in the VMCS), and
 * run the instruction again.
 */
static int exit_dr(struct hospes_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);

	vx->owns_debug_regs = true;
	vx->cpu_based &= ~CPU_BASED_MOV_DR_EXITING;
	return 1;
}

/*
 * A control-register access that exited: a write to a CR0 or CR4 bit the
 * guest does not own (24.6.6), or CR3 and CR8, which exit whole. The
 * qualification names the register: nothing to decode.
 */
static int exit_cr(struct hospes_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u64 q = vx->exit.qual, val, cr0;
	bool mode64 = hospes_ops->cpu_mode(vcpu) == HOSPES_MODE_64;
	unsigned int cr = CR_QUAL_NUM(q), reg = CR_QUAL_REG(q);
	int ret = 0;

	switch (CR_QUAL_TYPE(q)) {
	case CR_MOV_TO:
		/* Outside 64-bit mode, the operand is 32 bits wide. */
		val = mode64 ? vcpu->gpr[reg] : (u32)vcpu->gpr[reg];
		if (cr == 0)
			ret = vmx_set_cr0(vcpu, val);
		else if (cr == 3)
			ret = vmx_set_cr3(vcpu, val);
		else if (cr == 4)
			ret = vmx_set_cr4(vcpu, val);
		else if (cr == 8 && !(val >> 4))
			vx->cr8 = val;
		else if (cr == 8)
			ret = -EINVAL;
		else
			goto unhandled;
		break;
	case CR_MOV_FROM:
		if (cr == 3) {
			vmx_vcpu_get(vx);
			val = vmcs_read(GUEST_CR3);
			vmx_vcpu_put(vx);
		} else if (cr == 8) {
			val = vx->cr8;
		} else {
			goto unhandled;
		}
		vcpu->gpr[reg] = mode64 ? val : (u32)val;
		break;
	case CR_CLTS:
	case CR_LMSW:
		vmx_vcpu_get(vx);
		cr0 = vmx_guest_cr0();
		vmx_vcpu_put(vx);
		if (CR_QUAL_TYPE(q) == CR_CLTS)
			cr0 &= ~X86_CR0_TS;
		else	/* LMSW sets PE but cannot clear it */
			cr0 = (cr0 & ~0xeULL) | (CR_QUAL_LMSW_DATA(q) & 0xf);
		ret = vmx_set_cr0(vcpu, cr0);
		break;
	}
	if (ret) {
		vmx_inject_exception(vcpu, X86_TRAP_GP, true, 0);
		return 1;
	}
	return hospes_skip_insn(vcpu, insn_len(vcpu));

unhandled:
	pr_warn_ratelimited("unexpected VMX CR access exit, qualification %#llx\n",
			    q);
	return hospes_exit_internal_error(vcpu,
					  HOSPES_INTERNAL_ERROR_UNHANDLED_EXIT,
					  EXIT_REASON_CR_ACCESS, q);
}

/*
 * The qualification (table 28-7) says whether the access was a write, and
 * whether it was the CPU's walk of the guest's page tables rather than the
 * access to the address they translate.
 */
static int exit_ept_violation(struct hospes_vcpu *vcpu)
{
	const struct vmx_exit_info *e = &to_vmx(vcpu)->exit;
	bool walk = (e->qual & EPT_VIOLATION_GVA_IS_VALID) &&
		    !(e->qual & EPT_VIOLATION_GVA_TRANSLATED);

	return hospes_handle_tdp_fault(vcpu, e->gpa,
				       e->qual & EPT_VIOLATION_ACC_WRITE, walk);
}

/* hospes's own tables are malformed: a bug, not the guest's doing. */
static int exit_ept_misconfig(struct hospes_vcpu *vcpu)
{
	const struct vmx_exit_info *e = &to_vmx(vcpu)->exit;

	pr_err_ratelimited("EPT misconfiguration at GPA %#llx\n", e->gpa);
	return hospes_exit_internal_error(vcpu, HOSPES_INTERNAL_ERROR_BAD_MEMORY,
					  e->gpa, EXIT_REASON_EPT_MISCONFIG);
}

static int (*const vmx_exit_handlers[])(struct hospes_vcpu *vcpu) = {
	[EXIT_REASON_EXCEPTION_NMI]	= exit_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = exit_intr,
	[EXIT_REASON_TRIPLE_FAULT]	= exit_triple_fault,
	[EXIT_REASON_INIT_SIGNAL]	= exit_nothing,
	[EXIT_REASON_INTERRUPT_WINDOW]	= exit_irq_window,
	[EXIT_REASON_CPUID]		= exit_cpuid,
	[EXIT_REASON_HLT]		= exit_hlt,
	[EXIT_REASON_INVD]		= exit_skip,
	[EXIT_REASON_RDPMC]		= hospes_exit_rdpmc,
	[EXIT_REASON_VMCALL]		= exit_vmcall,
	/* No nested VMX: VMCLEAR ... VMXON (19-27) are #UD. */
	[EXIT_REASON_VMCLEAR ... EXIT_REASON_VMON] = exit_ud,
	[EXIT_REASON_CR_ACCESS]		= exit_cr,
	[EXIT_REASON_DR_ACCESS]		= exit_dr,
	[EXIT_REASON_IO_INSTRUCTION]	= exit_io,
	[EXIT_REASON_MSR_READ]		= exit_rdmsr,
	[EXIT_REASON_MSR_WRITE]		= exit_wrmsr,
	[EXIT_REASON_MWAIT_INSTRUCTION]	= exit_ud,
	[EXIT_REASON_MONITOR_INSTRUCTION] = exit_ud,
	[EXIT_REASON_EPT_VIOLATION]	= exit_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG]	= exit_ept_misconfig,
	/* The time slice (vmx_slice_us) ran out: nothing to do but go on. */
	[EXIT_REASON_PREEMPTION_TIMER]	= exit_nothing,
	[EXIT_REASON_INVEPT]		= exit_ud,
	[EXIT_REASON_INVVPID]		= exit_ud,
	[EXIT_REASON_WBINVD]		= exit_skip,
	[EXIT_REASON_XSETBV]		= exit_ud,
};

/*
 * The CPU refused the guest state (26.3, 26.8): say what it saw, for
 * whoever set that state up.
 */
static void report_entry_failure(struct hospes_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u64 cr0, cr4, efer;
	u32 entry, cs_ar, ss_ar, tr_ar, intr_state;

	static DEFINE_RATELIMIT_STATE(rs, DEFAULT_RATELIMIT_INTERVAL,
				      DEFAULT_RATELIMIT_BURST);

	if (!__ratelimit(&rs))
		return;
	vmx_vcpu_get(vx);
	cr0 = vmcs_read(GUEST_CR0);
	cr4 = vmcs_read(GUEST_CR4);
	efer = vmcs_read(GUEST_IA32_EFER);
	entry = vmcs_read(VM_ENTRY_CONTROLS);
	cs_ar = vmcs_read(GUEST_CS_AR_BYTES);
	ss_ar = vmcs_read(GUEST_SS_AR_BYTES);
	tr_ar = vmcs_read(GUEST_TR_AR_BYTES);
	intr_state = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);
	vmx_vcpu_put(vx);
	pr_warn("VM entry failed: reason %#x qualification %#llx; CR0 %#llx CR4 %#llx EFER %#llx entry controls %#x\n",
		vx->exit.reason, vx->exit.qual, cr0, cr4, efer, entry);
	pr_warn("  RIP %#llx RFLAGS %#llx CS AR %#x SS AR %#x TR AR %#x interruptibility %#x injecting %#x\n",
		vcpu->rip, vcpu->rflags, cs_ar, ss_ar, tr_ar, intr_state,
		vx->inject);
}

/*
 * internal.data of HOSPES_INTERNAL_ERROR_ENTRY_FAILED: for a VM-entry
 * failure the CPU reports as an exit, the exit reason (bit 31 set) and
 * the qualification; for VMLAUNCH/VMRESUME failing outright (VMfail), the
 * VM-instruction error number (below 2^31) and 0.
 */
int vmx_handle_exit(struct hospes_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	const struct vmx_exit_info *e = &vx->exit;
	u32 basic = e->reason & 0xffff;

	if (vx->not_entered) {
		/* Clear the VMCS where it is active; the next entry loads it. */
		vmx_clear_remote(vx);
		vx->not_entered = false;
		return 1;
	}
	if (vx->vmfail) {
		pr_warn_ratelimited("VMLAUNCH/VMRESUME failed: VM-instruction error %u\n",
				    e->insn_error);
		return hospes_exit_internal_error(vcpu,
						  HOSPES_INTERNAL_ERROR_ENTRY_FAILED,
						  e->insn_error, 0);
	}
	if (e->reason & VMX_EXIT_REASONS_FAILED_VMENTRY) {
		report_entry_failure(vcpu);
		return hospes_exit_internal_error(vcpu,
						  HOSPES_INTERNAL_ERROR_ENTRY_FAILED,
						  e->reason, e->qual);
	}
	if (basic < ARRAY_SIZE(vmx_exit_handlers) && vmx_exit_handlers[basic])
		return vmx_exit_handlers[basic](vcpu);

	pr_warn_ratelimited("unhandled VMX exit %u (qualification %#llx)\n",
			    basic, e->qual);
	return hospes_exit_internal_error(vcpu,
					  HOSPES_INTERNAL_ERROR_UNHANDLED_EXIT,
					  basic, e->qual);
}
