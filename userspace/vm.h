/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMM's only door to /dev/hospes: every ioctl() the VMM makes goes
 * through functions declared here. Functions that set a VM up print what
 * went wrong themselves; those the run loop calls return -1 with errno.
 */
#ifndef HOSPES_VM_H
#define HOSPES_VM_H

#include <stddef.h>
#include <stdint.h>

#include <linux/hospes.h>

struct vm {
	int dev_fd;		/* /dev/hospes */
	int fd;			/* the VM */
	size_t run_size;	/* of a vCPU's run area */
};

/*
 * Open /dev/hospes and check that it speaks the API this VMM was built
 * for. Returns the fd, or -1 after printing why (not loaded, no access,
 * wrong version).
 */
int hospes_open(void);

/* The module's API version, or -1 with errno set. */
int hospes_api_version(int dev_fd);

/* Open /dev/hospes and create a VM. 0, or -1 after printing why. */
int vm_create(struct vm *vm);
void vm_close(struct vm *vm);
/* Back guest-physical [gpa, gpa + size) with host memory. 0 or -1, printed. */
int vm_set_memory(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size,
		  void *host);
/* Raise a PV event port: 0, or -1 with errno. */
int vm_evtchn_send(struct vm *vm, uint32_t port);

/*
 * A vCPU with its run area mapped, CPUID table, registers and segment
 * state set. Returns its fd, or -1 after printing why.
 */
int vcpu_create(struct vm *vm, unsigned int id, const struct hospes_cpuid *cpuid,
		const struct hospes_regs *regs,
		const struct hospes_sregs *sregs, struct hospes_run **run);
void vcpu_close(struct vm *vm, int fd, struct hospes_run *run);
/* HOSPES_RUN: 0, or -1 with errno. */
int vcpu_run(int fd);

#endif /* HOSPES_VM_H */
