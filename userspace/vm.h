/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMM's only door to /dev/hospes: every ioctl() the VMM makes goes
 * through functions declared here. Functions that set a VM up print what
 * went wrong themselves; those the run loop calls return -1 with errno.
 */
#ifndef HOSPES_VM_H
#define HOSPES_VM_H

#include <stdbool.h>
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
/* The VM's counters, its vCPUs' summed: 0, or -1 with errno. */
int vm_get_stats(struct vm *vm, struct hospes_stats *st);
/*
 * The same as " NAME=VALUE" words, one per field of struct hospes_stats
 * (exits=...), for --stats and the control socket's stats request: 0, or
 * -1 with errno.
 */
int vm_format_stats(struct vm *vm, char *buf, size_t len);

/* In-kernel local APICs and I/O APIC, before any vCPU. 0 or -1, printed. */
int vm_create_irqchip(struct vm *vm);
/* Drive I/O APIC pin gsi to level (0 or 1): 0, or -1 with errno. */
int vm_irq_line(struct vm *vm, unsigned int gsi, int level);
/* The I/O APIC's state, for save and restore: 0, or -1 with errno. */
int vm_get_ioapic(struct vm *vm, struct hospes_ioapic_state *s);
int vm_set_ioapic(struct vm *vm, const struct hospes_ioapic_state *s);
/* The guest TSC's frequency in kHz, or 0 after printing why. */
unsigned int vm_tsc_khz(struct vm *vm);

/*
 * Turn dirty logging of a slot on or off; gpa, size and host must be the
 * slot's own. 0, or -1 with errno.
 */
int vm_log_dirty(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size,
		 void *host, bool on);
/* Fetch and re-arm a logging slot's bitmap: the dirty page count, or -1. */
int vm_get_dirty_log(struct vm *vm, uint32_t slot, uint64_t *bitmap);

/* State save and restore carry. Each returns 0, or -1 with errno. */
int vm_get_clock(struct vm *vm, struct hospes_clock *c);
int vm_set_clock(struct vm *vm, const struct hospes_clock *c);
int vm_get_pv_state(struct vm *vm, struct hospes_pv_state *s);
int vm_set_pv_state(struct vm *vm, const struct hospes_pv_state *s);

/*
 * The MSRs a vCPU's saved state lists, beyond those in hospes_sregs (EFER,
 * FS and GS bases) and the TSC (HOSPES_SET_CLOCK moves it for every vCPU).
 */
#define VCPU_STATE_MSRS		10
extern const uint32_t vcpu_state_msrs[VCPU_STATE_MSRS];

/* Everything about a vCPU that a save carries. */
struct vcpu_state {
	struct hospes_regs regs;
	struct hospes_sregs sregs;
	struct hospes_vcpu_events events;
	struct hospes_msr_entry msrs[VCPU_STATE_MSRS];
	struct hospes_xsave xsave;
};

/*
 * Read all of it, or set what vcpu_create() did not (MSRs, XSAVE). 0, or
 * -1 with errno and *what naming the call that failed.
 */
int vcpu_get_state(int fd, struct vcpu_state *s, const char **what);
int vcpu_set_msrs_xsave(int fd, const struct vcpu_state *s, const char **what);
/* Events and timer last: they may raise ports of the PV state. 0 or -1. */
int vcpu_set_events(int fd, const struct hospes_vcpu_events *e);
/* A vCPU's local APIC (in-kernel irqchip only): 0, or -1 with errno. */
int vcpu_get_lapic(int fd, struct hospes_lapic_state *s);
int vcpu_set_lapic(int fd, const struct hospes_lapic_state *s);
/*
 * The CPUID table the vCPU's guest sees (HOSPES_GET_CPUID), for the
 * caller to free; NULL with errno on failure.
 */
struct hospes_cpuid *vcpu_get_cpuid(int fd);

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
