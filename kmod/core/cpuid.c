// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CPUID the guest sees: userspace's table, filtered down to what the
 * host CPU has and what hospes can honour.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/processor.h>

#include "hospes.h"

enum { EAX, EBX, ECX, EDX };

#define X86_APIC_BIT		BIT(9)	/* leaf 1 EDX */
#define X86_TSC_DEADLINE_BIT	BIT(24)	/* leaf 1 ECX */
#define X86_ARAT_BIT		BIT(2)	/* leaf 6 EAX */

/*
 * Feature bits a guest may be shown, per leaf and register. Everything
 * else in these leaves is cleared, either because the host must emulate
 * it and hospes does not yet (APIC, x2APIC, TSC deadline, MTRR, MCE/MCA,
 * PMU), because the guest would need state hospes does not switch (XSAVE
 * and its AVX family, PCID's tagged TLB, nested virtualization), or because
 * it describes the host's topology rather than the guest's (HTT).
 */
struct cpuid_mask {
	u32 function;
	u32 index;
	int reg;
	u32 allowed;
};

static const struct cpuid_mask feature_masks[] = {
	/* SSE3 PCLMULQDQ SSSE3 CX16 SSE4.1 SSE4.2 MOVBE POPCNT AES RDRAND */
	{ 0x1, 0, ECX, BIT(0) | BIT(1) | BIT(9) | BIT(13) | BIT(19) |
		       BIT(20) | BIT(22) | BIT(23) | BIT(25) | BIT(30) },
	/* FPU VME DE PSE TSC MSR PAE CX8 SEP PGE CMOV PAT PSE36 CLFSH MMX FXSR SSE SSE2 */
	{ 0x1, 0, EDX, BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) |
		       BIT(6) | BIT(8) | BIT(11) | BIT(13) | BIT(15) |
		       BIT(16) | BIT(17) | BIT(19) | BIT(23) | BIT(24) |
		       BIT(25) | BIT(26) },
	/* FSGSBASE BMI1 SMEP BMI2 ERMS RDSEED ADX SMAP CLFLUSHOPT SHA */
	{ 0x7, 0, EBX, BIT(0) | BIT(3) | BIT(7) | BIT(8) | BIT(9) | BIT(18) |
		       BIT(19) | BIT(20) | BIT(23) | BIT(29) },
	{ 0x7, 0, ECX, 0 },
	{ 0x7, 0, EDX, 0 },
	/* LAHF/SAHF ABM SSE4A MISALIGNSSE 3DNOWPREFETCH */
	{ 0x80000001, 0, ECX, BIT(0) | BIT(5) | BIT(6) | BIT(7) | BIT(8) },
	/* SYSCALL NX MMXEXT FXSR_OPT PDPE1GB RDTSCP LM, and the 0x1 copies */
	{ 0x80000001, 0, EDX, BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) |
			      BIT(5) | BIT(6) | BIT(8) | BIT(11) | BIT(13) |
			      BIT(15) | BIT(16) | BIT(17) | BIT(20) | BIT(22) |
			      BIT(23) | BIT(24) | BIT(25) | BIT(26) | BIT(27) |
			      BIT(29) },
	/* Invariant TSC: the guest TSC runs at the host's constant rate. */
	{ 0x80000007, 0, EDX, BIT(8) },
	{ 0x80000008, 0, EBX, 0 },
};

/* Leaves that describe, rather than enable: passed on as userspace set them. */
static bool leaf_is_descriptive(u32 function)
{
	switch (function) {
	case 0x0: case 0x2: case 0x4:
	case 0x80000000: case 0x80000002: case 0x80000003: case 0x80000004:
	case 0x80000005: case 0x80000006:
		return true;
	default:
		return false;
	}
}

static bool leaf_is_filtered(u32 function)
{
	return function == 0x1 || function == 0x6 || function == 0x7 ||
	       function == 0x80000001 ||
	       function == 0x80000007 || function == 0x80000008;
}

static u32 *entry_reg(struct hospes_cpuid_entry *e, int reg)
{
	switch (reg) {
	case EAX: return &e->eax;
	case EBX: return &e->ebx;
	case ECX: return &e->ecx;
	default: return &e->edx;
	}
}

static void filter_entry(struct hospes_vcpu *vcpu, struct hospes_cpuid_entry *e)
{
	struct hospes_cpuid_entry host = { 0 }, asked = *e;
	unsigned int i;

	cpuid_count(e->function, e->index, &host.eax, &host.ebx, &host.ecx,
		    &host.edx);
	for (i = 0; i < ARRAY_SIZE(feature_masks); i++) {
		const struct cpuid_mask *m = &feature_masks[i];

		if (m->function == e->function && m->index == e->index)
			*entry_reg(e, m->reg) &= m->allowed & *entry_reg(&host, m->reg);
	}

	switch (e->function) {
	case 0x1:
		/*
		 * An in-kernel APIC brings the APIC and its TSC-deadline timer,
		 * which is all software and so offered on any host.
		 */
		if (vcpu->lapic) {
			e->edx |= asked.edx & host.edx & X86_APIC_BIT;
			e->ecx |= asked.ecx & X86_TSC_DEADLINE_BIT;
		}
		/* Hypervisor present; the initial APIC id is the vCPU id. */
		e->ecx |= BIT(31);
		e->ebx = (e->ebx & 0x00ffffff) | (vcpu->id << 24);
		break;
	case 0x6:
		/*
		 * Power management is the host's business; all a guest learns
		 * is that the in-kernel APIC timer keeps running in deep
		 * C-states (ARAT), so it needs no other timer beside it.
		 */
		e->eax = vcpu->lapic ? asked.eax & X86_ARAT_BIT : 0;
		e->ebx = 0;
		e->ecx = 0;
		e->edx = 0;
		break;
	case 0x7:
		/* Subleaf 0 only: no further subleaves are offered. */
		if (e->index) {
			e->ebx = 0;
			e->ecx = 0;
			e->edx = 0;
		}
		e->eax = 0;
		break;
	case 0x80000008:
		/* Never more physical or linear address bits than the host. */
		if ((e->eax & 0xff) > (host.eax & 0xff))
			e->eax = (e->eax & ~0xffu) | (host.eax & 0xff);
		if (((e->eax >> 8) & 0xff) > ((host.eax >> 8) & 0xff))
			e->eax = (e->eax & ~0xff00u) | (host.eax & 0xff00);
		break;
	}
}

int hospes_set_cpuid(struct hospes_vcpu *vcpu, struct hospes_cpuid __user *uc)
{
	struct hospes_cpuid_entry *table, *e;
	u32 nent, pad, i, n = 0;

	if (get_user(nent, &uc->nent) || get_user(pad, &uc->pad))
		return -EFAULT;
	if (nent > HOSPES_MAX_CPUID_ENTRIES || pad)
		return -EINVAL;
	table = kvmalloc_array(nent ? nent : 1, sizeof(*table),
			       GFP_KERNEL_ACCOUNT);
	if (!table)
		return -ENOMEM;
	if (copy_from_user(table, uc->entries, nent * sizeof(*table))) {
		kvfree(table);
		return -EFAULT;
	}
	for (i = 0; i < nent; i++) {
		e = &table[i];
		if (e->reserved || (e->flags & ~HOSPES_CPUID_FLAG_INDEXED)) {
			kvfree(table);
			return -EINVAL;
		}
		if (!(e->flags & HOSPES_CPUID_FLAG_INDEXED))
			e->index = 0;
		if (!leaf_is_descriptive(e->function) &&
		    !leaf_is_filtered(e->function))
			continue;	/* a leaf hospes does not offer */
		filter_entry(vcpu, e);
		table[n++] = *e;
	}

	kvfree(vcpu->cpuid);
	vcpu->cpuid = table;
	vcpu->cpuid_nent = n;
	return 0;
}

/* The hypervisor leaves are hospes's own, whatever userspace set. */
static bool pv_leaf(u32 function, u32 *eax, u32 *ebx, u32 *ecx, u32 *edx)
{
	switch (function) {
	case HOSPES_PV_CPUID_BASE:
		*eax = HOSPES_PV_CPUID_FEATURES;
		*ebx = HOSPES_PV_SIGNATURE_EBX;
		*ecx = HOSPES_PV_SIGNATURE_ECX;
		*edx = HOSPES_PV_SIGNATURE_EDX;
		return true;
	case HOSPES_PV_CPUID_FEATURES:
		*eax = HOSPES_PV_ABI_VERSION;
		*ebx = HOSPES_PV_F_CLOCK | HOSPES_PV_F_TIMER | HOSPES_PV_F_EVTCHN;
		*ecx = hospes_ops->hypercall_insn;
		*edx = 0;
		return true;
	default:
		return false;
	}
}

void hospes_cpuid_lookup(struct hospes_vcpu *vcpu, u32 function, u32 index,
			 u32 *eax, u32 *ebx, u32 *ecx, u32 *edx)
{
	u32 i;

	if (pv_leaf(function, eax, ebx, ecx, edx))
		return;

	for (i = 0; i < vcpu->cpuid_nent; i++) {
		const struct hospes_cpuid_entry *e = &vcpu->cpuid[i];

		if (e->function != function)
			continue;
		if ((e->flags & HOSPES_CPUID_FLAG_INDEXED) && e->index != index)
			continue;
		*eax = e->eax;
		*ebx = e->ebx;
		*ecx = e->ecx;
		*edx = e->edx;
		return;
	}
	*eax = 0;
	*ebx = 0;
	*ecx = 0;
	*edx = 0;
}
