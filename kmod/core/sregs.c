// SPDX-License-Identifier: GPL-2.0-only
/*
 * The architectural rules on control registers, EFER and a few MSR values
 * that hold on any x86 CPU, AMD or Intel. Both backends check what
 * userspace (SET_SREGS, SET_MSRS) or an emulated guest instruction wants
 * against these, before the hardware gets to refuse it.
 */
#include <asm/cpufeature.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "hospes.h"

/* CR4 bits a guest may hold: the architectural base plus host features. */
u64 hospes_cr4_allowed(void)
{
	u64 allowed = X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE |
		      X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE |
		      X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;

	if (boot_cpu_has(X86_FEATURE_UMIP))
		allowed |= X86_CR4_UMIP;
	if (boot_cpu_has(X86_FEATURE_FSGSBASE))
		allowed |= X86_CR4_FSGSBASE;
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		allowed |= X86_CR4_OSXSAVE;
	if (boot_cpu_has(X86_FEATURE_SMEP))
		allowed |= X86_CR4_SMEP;
	if (boot_cpu_has(X86_FEATURE_SMAP))
		allowed |= X86_CR4_SMAP;
	if (boot_cpu_has(X86_FEATURE_LA57))
		allowed |= X86_CR4_LA57;
	return allowed;
}

#define EFER_ALLOWED	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX | EFER_FFXSR)

bool hospes_efer_valid(u64 efer)
{
	if (efer & ~EFER_ALLOWED)
		return false;
	if ((efer & EFER_NX) && !boot_cpu_has(X86_FEATURE_NX))
		return false;
	if ((efer & EFER_FFXSR) && !boot_cpu_has(X86_FEATURE_FXSR_OPT))
		return false;
	return true;
}

/*
 * The checks a CPU makes on a new control-register state, made up front:
 * what MOV to CR0/CR4 and WRMSR EFER would refuse (#GP), and what VMRUN and
 * VM entry would refuse in the guest state.
 */
int hospes_sregs_check(const struct hospes_sregs *s)
{
	if (s->cr0 >> 32 || s->cr4 & ~hospes_cr4_allowed() ||
	    !hospes_efer_valid(s->efer))
		return -EINVAL;
	if ((s->cr0 & X86_CR0_NW) && !(s->cr0 & X86_CR0_CD))
		return -EINVAL;
	if ((s->cr0 & X86_CR0_PG) && !(s->cr0 & X86_CR0_PE))
		return -EINVAL;
	if (s->cr3 >> 52 || s->cr8 > 15)
		return -EINVAL;
	if ((s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG)) {
		if (!(s->cr4 & X86_CR4_PAE))
			return -EINVAL;
		if (s->cs.l && s->cs.db)
			return -EINVAL;
	}
	/* LMA is the CPU's verdict on LME and PG, not a free choice. */
	if (!!(s->efer & EFER_LMA) !=
	    ((s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG)))
		return -EINVAL;
	return 0;
}

bool hospes_pat_valid(u64 pat)
{
	int i;

	/* Each byte a memory type: 0 UC, 1 WC, 4 WT, 5 WP, 6 WB, 7 UC-. */
	for (i = 0; i < 8; i++) {
		u8 type = pat >> (8 * i);

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

/*
 * What WRMSR refuses: a non-canonical linear address, reserved bits, a
 * memory type that does not exist.
 */
bool hospes_msr_value_valid(u32 index, u64 data)
{
	switch (index) {
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_KERNEL_GS_BASE:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		return (s64)(data << 16) >> 16 == (s64)data;
	case MSR_SYSCALL_MASK:
		return !(data >> 32);	/* bits 63:32 are reserved */
	case MSR_IA32_CR_PAT:
		return hospes_pat_valid(data);
	default:
		return true;
	}
}
