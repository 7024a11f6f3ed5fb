// SPDX-License-Identifier: GPL-2.0-only
/*
 * SVM exit handlers, in a table indexed by exit code. Each decodes what
 * the VMCB says about the exit and hands the work to the core.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>

#include "svm.h"

/* Nested page fault error code bits (EXITINFO1, 15.25.6). */
#define NPF_WRITE	BIT_ULL(1)
#define NPF_RSVD	BIT_ULL(3)
#define NPF_GUEST_PAGE	BIT_ULL(33)	/* walking the guest's page tables */

/*
 * The length of the intercepted instruction: the CPU says it when it has
 * NRIPS (next RIP saved); otherwise it is decoded from guest memory.
 */
static int insn_len(struct hospes_vcpu *vcpu)
{
	if (svm_has_nrips)
		return to_svm(vcpu)->vmcb->control.next_rip - vcpu->rip;
	return hospes_insn_length(vcpu);
}

static int undecodable(struct hospes_vcpu *vcpu, int err)
{
	return hospes_exit_internal_error(vcpu, HOSPES_INTERNAL_ERROR_EMULATION,
					  vcpu->rip, -err);
}

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

static int exit_vintr(struct hospes_vcpu *vcpu)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->int_ctl &= ~(V_IRQ_MASK | V_IGN_TPR_MASK | V_INTR_PRIO_MASK);
	svm_clear_intercept(c, INTERCEPT_VINTR);
	return hospes_exit_irq_window(vcpu);
}

/* Instructions hospes does not offer the guest raise #UD, as without SVM. */
static int exit_ud(struct hospes_vcpu *vcpu)
{
	return hospes_exit_ud(vcpu);
}

/* Instructions that are harmless to drop (cache flushes). */
static int exit_skip(struct hospes_vcpu *vcpu)
{
	int len = insn_len(vcpu);

	return len < 0 ? undecodable(vcpu, len) : hospes_skip_insn(vcpu, len);
}

static int exit_cpuid(struct hospes_vcpu *vcpu)
{
	int len = insn_len(vcpu);

	return len < 0 ? undecodable(vcpu, len) : hospes_exit_cpuid(vcpu, len);
}

static int exit_hlt(struct hospes_vcpu *vcpu)
{
	int len = insn_len(vcpu);

	return len < 0 ? undecodable(vcpu, len) : hospes_exit_hlt(vcpu, len);
}

static int exit_vmmcall(struct hospes_vcpu *vcpu)
{
	int len = insn_len(vcpu);

	return len < 0 ? undecodable(vcpu, len) :
	       hospes_exit_hypercall(vcpu, len);
}

static int exit_msr(struct hospes_vcpu *vcpu)
{
	bool write = to_svm(vcpu)->vmcb->control.exit_info_1;
	int len = insn_len(vcpu);

	return len < 0 ? undecodable(vcpu, len) :
	       hospes_exit_msr(vcpu, write, len);
}

/* EXITINFO1 describes the access, EXITINFO2 holds the next RIP (15.10.2). */
static int exit_io(struct hospes_vcpu *vcpu)
{
	const struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;
	u32 info = c->exit_info_1;

	return hospes_exit_io(vcpu, info >> 16,
			      (info & SVM_IOIO_SIZE_MASK) >> SVM_IOIO_SIZE_SHIFT,
			      info & SVM_IOIO_TYPE_MASK,
			      info & SVM_IOIO_STR_MASK, c->exit_info_2);
}

static int exit_shutdown(struct hospes_vcpu *vcpu)
{
	return hospes_exit_shutdown(vcpu);
}

/*
 * The guest touched DR0-3 for the first time: let it have them, switched
 * on every entry from now on, and run the instruction again.
 */
static int exit_dr(struct hospes_vcpu *vcpu)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	int i;

	sv->owns_debug_regs = true;
	for (i = 0; i < 4; i++) {
		svm_clear_intercept(&sv->vmcb->control, INTERCEPT_DR0_READ + i);
		svm_clear_intercept(&sv->vmcb->control, INTERCEPT_DR0_WRITE + i);
	}
	return 1;
}

static int exit_npf(struct hospes_vcpu *vcpu)
{
	const struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	/* A reserved bit in hospes's own tables: a bug, not the guest's doing. */
	if (c->exit_info_1 & NPF_RSVD) {
		pr_err_ratelimited("NPT entry for GPA %#llx has reserved bits set\n",
				   c->exit_info_2);
		return hospes_exit_internal_error(vcpu,
						  HOSPES_INTERNAL_ERROR_BAD_MEMORY,
						  c->exit_info_2, c->exit_info_1);
	}
	return hospes_handle_tdp_fault(vcpu, c->exit_info_2,
				       c->exit_info_1 & NPF_WRITE,
				       c->exit_info_1 & NPF_GUEST_PAGE);
}

static int (*const svm_exit_handlers[])(struct hospes_vcpu *vcpu) = {
	[SVM_EXIT_READ_DR0 ... SVM_EXIT_READ_DR3]	= exit_dr,
	[SVM_EXIT_WRITE_DR0 ... SVM_EXIT_WRITE_DR3]	= exit_dr,
	[SVM_EXIT_INTR]		= exit_intr,
	[SVM_EXIT_NMI]		= exit_intr,
	[SVM_EXIT_SMI]		= exit_nothing,
	[SVM_EXIT_VINTR]	= exit_vintr,
	[SVM_EXIT_CPUID]	= exit_cpuid,
	[SVM_EXIT_RDPMC]	= hospes_exit_rdpmc,
	[SVM_EXIT_INVD]		= exit_skip,
	[SVM_EXIT_HLT]		= exit_hlt,
	[SVM_EXIT_INVLPGA]	= exit_ud,
	[SVM_EXIT_IOIO]		= exit_io,
	[SVM_EXIT_MSR]		= exit_msr,
	[SVM_EXIT_SHUTDOWN]	= exit_shutdown,
	[SVM_EXIT_VMRUN]	= exit_ud,
	[SVM_EXIT_VMMCALL]	= exit_vmmcall,
	[SVM_EXIT_VMLOAD]	= exit_ud,
	[SVM_EXIT_VMSAVE]	= exit_ud,
	[SVM_EXIT_STGI]		= exit_ud,
	[SVM_EXIT_CLGI]		= exit_ud,
	[SVM_EXIT_SKINIT]	= exit_ud,
	[SVM_EXIT_WBINVD]	= exit_skip,
	[SVM_EXIT_MONITOR]	= exit_ud,
	[SVM_EXIT_MWAIT]	= exit_ud,
	[SVM_EXIT_MWAIT_COND]	= exit_ud,
	[SVM_EXIT_XSETBV]	= exit_ud,
	[SVM_EXIT_RDPRU]	= exit_ud,
	[SVM_EXIT_NPF]		= exit_npf,
};

int svm_handle_exit(struct hospes_vcpu *vcpu)
{
	const struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;
	u32 code = c->exit_code;

	if (code == SVM_EXIT_ERR)
		return hospes_exit_internal_error(vcpu,
						  HOSPES_INTERNAL_ERROR_ENTRY_FAILED,
						  code, 0);
	if (code < ARRAY_SIZE(svm_exit_handlers) && svm_exit_handlers[code])
		return svm_exit_handlers[code](vcpu);

	pr_warn_ratelimited("unhandled SVM exit %#x (info %#llx %#llx)\n",
			    code, c->exit_info_1, c->exit_info_2);
	return hospes_exit_internal_error(vcpu,
					  HOSPES_INTERNAL_ERROR_UNHANDLED_EXIT,
					  code, c->exit_info_1);
}
