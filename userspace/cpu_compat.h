/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Whether this host can give a restored or migrated guest the CPU its
 * source offered it. A guest probes CPUID once at boot and uses what it
 * found from then on: a feature that disappears under it turns into #UD
 * at some later instruction. So a target refuses a guest whose CPUID
 * table (the stream's, as the source's module filtered it) has a feature
 * bit its own CPU lacks, and otherwise gives the guest that same table.
 */
#ifndef HOSPES_CPU_COMPAT_H
#define HOSPES_CPU_COMPAT_H

#include <stddef.h>

#include <linux/hospes.h>

/*
 * 0 if host (this CPU's leaves, host_cpuid()) has every feature guest
 * offers and as many address bits, else -1 with the missing ones named in
 * err ("... lacks: avx2, leaf 0x7 ebx bit 30").
 */
int cpuid_compat_check(const struct hospes_cpuid *guest,
		       const struct hospes_cpuid *host, char *err,
		       size_t errlen);

#endif /* HOSPES_CPU_COMPAT_H */
