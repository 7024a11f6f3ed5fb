/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CPUID table a guest gets: the host CPU's own leaves, which the module
 * then trims to what it can offer (HOSPES_SET_CPUID).
 */
#ifndef HOSPES_HOST_CPUID_H
#define HOSPES_HOST_CPUID_H

#include <linux/hospes.h>

/* Every leaf of this CPU, as seen by vCPU vcpu_id (its APIC ids). NULL on ENOMEM. */
struct hospes_cpuid *host_cpuid(unsigned int vcpu_id);

#endif /* HOSPES_HOST_CPUID_H */
