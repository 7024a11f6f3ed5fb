// SPDX-License-Identifier: GPL-2.0-only
/*
 * Model-specific registers: an allow-list. The backend keeps the MSRs that
 * live in its control structures (EFER, PAT, segment bases, SYSCALL and
 * SYSENTER targets, TSC); the core keeps the rest. Any MSR in neither is
 * refused, which the guest sees as #GP.
 */
#include <asm/msr-index.h>

#include "hospes.h"

/* APIC base as a CPU without a usable local APIC reports it. */
#define APIC_BASE_DEFAULT	0xfee00000ULL
#define APIC_BASE_BSP		BIT_ULL(8)

/*
 * IA32_MISC_ENABLE, as Intel CPUs from family 6 model 0xd on have it:
 * Linux reads it in its very first instructions, with no IDT to take a
 * #GP, to clear XD Disable. Fast strings on, no branch trace store and
 * no PEBS (the guest has no PMU); the rest is the host's business. The
 * value is fixed: a write must leave it as it is.
 */
#define MISC_ENABLE_GUEST	(MSR_IA32_MISC_ENABLE_FAST_STRING | \
				 MSR_IA32_MISC_ENABLE_BTS_UNAVAIL | \
				 MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL)

static u64 apic_base(struct hospes_vcpu *vcpu)
{
	return APIC_BASE_DEFAULT | (vcpu->id == 0 ? APIC_BASE_BSP : 0);
}

int hospes_msr_get(struct hospes_vcpu *vcpu, u32 index, u64 *data)
{
	if (vcpu->lapic && !hospes_lapic_get_msr(vcpu, index, data))
		return 0;
	switch (index) {
	case MSR_TSC_AUX:
		*data = vcpu->tsc_aux;
		return 0;
	case MSR_IA32_APICBASE:
		*data = apic_base(vcpu);
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*data = MISC_ENABLE_GUEST;
		return 0;
	case MSR_IA32_UCODE_REV:
	case MSR_K8_INT_PENDING_MSG:
		/* No microcode revision; no C1E interrupt-pending message. */
		*data = 0;
		return 0;
	default:
		return hospes_ops->get_msr(vcpu, index, data);
	}
}

int hospes_msr_set(struct hospes_vcpu *vcpu, u32 index, u64 data,
		   bool host_initiated)
{
	int ret;

	if (vcpu->lapic) {
		ret = hospes_lapic_set_msr(vcpu, index, data);
		if (ret != -ENOENT)
			return ret;
	}
	switch (index) {
	case MSR_TSC_AUX:
		if (data >> 32)
			return -EINVAL;
		vcpu->tsc_aux = data;
		return 0;
	case MSR_IA32_APICBASE:
		return data == apic_base(vcpu) ? 0 : -EINVAL;
	case MSR_IA32_MISC_ENABLE:
		return data == MISC_ENABLE_GUEST ? 0 : -EINVAL;
	case MSR_IA32_UCODE_REV:
		/* Writing it asks for a microcode update: there is none. */
		return 0;
	default:
		return hospes_ops->set_msr(vcpu, index, data);
	}
}
