// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvguest: finding hospes through CPUID, before the first hypercall.
 */
#include "arch.h"
#include "hypercall.h"

struct hospes_probe hospes;

void hypercall_probe(void)
{
	uint32_t a, b, c, d;

	cpuid(HOSPES_PV_CPUID_BASE, 0, &a, &b, &c, &d);
	hospes.present = b == HOSPES_PV_SIGNATURE_EBX &&
			 c == HOSPES_PV_SIGNATURE_ECX &&
			 d == HOSPES_PV_SIGNATURE_EDX &&
			 a >= HOSPES_PV_CPUID_FEATURES;
	if (!hospes.present)
		return;		/* keep VMMCALL: the best guess on AMD */
	hospes.max_leaf = a;
	cpuid(HOSPES_PV_CPUID_FEATURES, 0, &a, &b, &c, &d);
	hospes.abi_version = a;
	hospes.features = b;
	hospes.insn = c;
}

const char *hypercall_insn_name(void)
{
	return hospes.insn == HOSPES_PV_INSN_VMCALL ? "vmcall" : "vmmcall";
}
