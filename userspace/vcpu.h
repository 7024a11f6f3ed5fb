/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vCPU threads: one per vCPU, each running HOSPES_RUN in a loop and handing
 * every exit to the bus, the hypercall table or the machine's stop logic.
 */
#ifndef HOSPES_VCPU_H
#define HOSPES_VCPU_H

#include <stdint.h>

#include <linux/hospes.h>

struct machine;

/* Create every vCPU in its boot state (pvboot). 0, or -1 after printing why. */
int vcpus_create(struct machine *m, uint64_t entry);
/* The vCPU array, none created yet. 0, or -1 after printing why. */
int vcpus_alloc(struct machine *m);
/* Create vCPU id with the host's CPUID table and these registers. 0 or -1, printed. */
int vcpu_open(struct machine *m, unsigned int id,
	      const struct hospes_regs *regs, const struct hospes_sregs *sregs);
/* The same with a CPUID table of the caller's. */
int vcpu_open_cpuid(struct machine *m, unsigned int id,
		    const struct hospes_cpuid *cpuid,
		    const struct hospes_regs *regs,
		    const struct hospes_sregs *sregs);
/* Start a thread per vCPU. 0, or -1 after printing why (the machine is stopped). */
int vcpus_start(struct machine *m);
/* Make every running HOSPES_RUN return, so its thread sees the machine stop. */
void vcpus_kick(struct machine *m);
/* Wait for every thread, close every vCPU. */
void vcpus_destroy(struct machine *m);

#endif /* HOSPES_VCPU_H */
