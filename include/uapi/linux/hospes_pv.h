/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * hospes: the paravirtual guest ABI.
 *
 * This is what a guest kernel sees of hospes: CPUID leaves to find it, the
 * hypercall convention, the hypercalls, the shared-info page and the
 * start-info page a loader hands to a PV kernel. It has no ioctls and
 * depends on no other header, so a freestanding guest can include it.
 * docs/pv-abi.md describes the same with examples.
 *
 * Discovery. CPUID 0x40000000 returns in EAX the highest hospes leaf and
 * in EBX, ECX, EDX the signature "HospesHospes". CPUID 0x40000001 returns
 * EAX = ABI version, EBX = feature bits (HOSPES_PV_F_*), ECX = the
 * hypercall instruction (HOSPES_PV_INSN_*).
 *
 * Hypercalls. Number in RAX; arguments in RDI, RSI, RDX, R10, R8; result in
 * RAX: >= 0 for success, or a negated errno value (HOSPES_E*). Only ring 0
 * may call (others get -HOSPES_EPERM). Every guest pointer is a
 * guest-physical address and is checked against guest RAM: a buffer that
 * is not wholly in RAM fails with -HOSPES_EFAULT.
 */
#ifndef _UAPI_LINUX_HOSPES_PV_H
#define _UAPI_LINUX_HOSPES_PV_H

#include <linux/types.h>

#define HOSPES_PV_CPUID_BASE		0x40000000
#define HOSPES_PV_CPUID_FEATURES	0x40000001
/* "HospesHospes" as CPUID returns it in EBX, ECX, EDX. */
#define HOSPES_PV_SIGNATURE_EBX		0x70736f48	/* "Hosp" */
#define HOSPES_PV_SIGNATURE_ECX		0x6f487365	/* "esHo" */
#define HOSPES_PV_SIGNATURE_EDX		0x73657073	/* "spes" */
#define HOSPES_PV_ABI_VERSION		1

#define HOSPES_PV_INSN_VMMCALL		0	/* AMD: 0f 01 d9 */
#define HOSPES_PV_INSN_VMCALL		1	/* Intel: 0f 01 c1 */

#define HOSPES_PV_F_CLOCK		(1u << 0)	/* time in shared info */
#define HOSPES_PV_F_TIMER		(1u << 1)
#define HOSPES_PV_F_EVTCHN		(1u << 2)

/* Errors, as negated results. The values are Linux's errno numbers. */
#define HOSPES_EPERM		1
#define HOSPES_ENOENT		2
#define HOSPES_EFAULT		14
#define HOSPES_EBUSY		16
#define HOSPES_EINVAL		22
#define HOSPES_ENOSYS		38

/*
 * The hypercalls.
 *
 * CONSOLE_WRITE(gpa, len): write len bytes (at most HOSPES_PV_CONSOLE_MAX)
 *   to the console. Returns len.
 * SET_SHARED_INFO(gpa, vector): use the page at gpa (4 KiB aligned, in
 *   RAM) as struct hospes_shared_info and deliver events as interrupt
 *   vector (32..255). The hypervisor fills in the time fields at once.
 * GET_TIME(gpa): write a struct hospes_pv_time_now to gpa. For guests that
 *   have no shared info yet; with it, read the time without an exit.
 * SET_TIMER(deadline_ns, port): raise event port when the guest clock
 *   (nanoseconds since the VM started) reaches deadline_ns; one-shot, one
 *   per vCPU, a new call replaces the old one; deadline 0 cancels. A
 *   deadline already past fires at once; one too far away for the host's
 *   clock (past 2^63 ns of host uptime) is -HOSPES_EINVAL.
 * EVTCHN_BIND(port, vcpu): deliver port's events to vcpu (default 0);
 *   -HOSPES_ENOENT if that vCPU does not exist.
 * EVTCHN_NOTIFY(port): signal the VMM (for example "ring has requests").
 * EVTCHN_UNMASK(port): clear port's mask bit and, if it is pending,
 *   deliver it now. (Masking needs no call: set the bit in evtchn_mask.)
 * YIELD(): give the host CPU away for a moment.
 * BLOCK(): sleep until upcall_pending is set for this vCPU (returns at
 *   once if it is), whether or not upcall_mask or RFLAGS.IF allow the
 *   interrupt. A port masked in evtchn_mask never sets upcall_pending.
 * SHUTDOWN(reason, code): stop the VM: HOSPES_SHUTDOWN_*; code is the exit
 *   status for poweroff and the crash code for crash. Does not return.
 * SUSPEND(): called after the VMM raised HOSPES_PV_PORT_SUSPEND and the
 *   guest quiesced its devices. Returns 0 when the guest runs on where it
 *   was (the save was cancelled or only copied it), or 1 when it runs in a
 *   restored or migrated VM. After 1 the hypervisor state is new: register
 *   shared info again, re-bind ports, re-arm timers and restart device
 *   rings from their start-info entries. Called without a request, it
 *   returns 0 at once.
 *
 * A guest-physical buffer is checked whole before anything is read or
 * written: a call that fails with -HOSPES_EFAULT has changed nothing.
 */
enum hospes_hypercall {
	HOSPES_HC_CONSOLE_WRITE		= 1,
	HOSPES_HC_SET_SHARED_INFO	= 2,
	HOSPES_HC_GET_TIME		= 3,
	HOSPES_HC_SET_TIMER		= 4,
	HOSPES_HC_EVTCHN_BIND		= 5,
	HOSPES_HC_EVTCHN_NOTIFY		= 6,
	HOSPES_HC_EVTCHN_UNMASK		= 7,
	HOSPES_HC_YIELD			= 8,
	HOSPES_HC_BLOCK			= 9,
	HOSPES_HC_SHUTDOWN		= 10,
	HOSPES_HC_SUSPEND		= 11,
};

#define HOSPES_PV_CONSOLE_MAX	4096

enum hospes_shutdown_reason {
	HOSPES_SHUTDOWN_POWEROFF	= 0,
	HOSPES_SHUTDOWN_REBOOT		= 1,
	HOSPES_SHUTDOWN_CRASH		= 2,
};

/* Hypercall numbers from here up belong to the VMM, passed to it unchecked. */
#define HOSPES_HC_VMM_BASE	0x10000

/*
 * Event channel ports: 0 .. HOSPES_PV_EVTCHN_PORTS - 1. Ports below
 * HOSPES_PV_FIRST_GUEST_PORT are the VMM's to assign (the suspend port,
 * the ports of start-info devices); the guest picks its own (timers, its
 * own signalling) from HOSPES_PV_FIRST_GUEST_PORT up.
 */
#define HOSPES_PV_EVTCHN_PORTS		1024
#define HOSPES_PV_FIRST_GUEST_PORT	64
#define HOSPES_PV_PORT_SUSPEND		1	/* the VMM asks the guest to suspend */

/*
 * Guest time. ns since the VM started =
 *   system_time_ns + (((rdtsc() - tsc_timestamp) << tsc_shift) * tsc_to_ns_mul) >> 32
 * (tsc_shift may be negative: then shift right). version is odd while the
 * hypervisor updates the fields: read it, read the fields, read it again,
 * and retry if it changed or was odd. Wall-clock time = wall_sec/wall_nsec
 * at boot + ns since the VM started.
 */
struct hospes_pv_time {
	__u32 version;
	__u32 pad0;
	__u64 tsc_timestamp;
	__u64 system_time_ns;
	__u32 tsc_to_ns_mul;
	__s8 tsc_shift;
	__u8 pad1[3];
	__u64 boot_wall_sec;		/* wall-clock time when the VM started */
	__u32 boot_wall_nsec;
	__u32 pad2;
};

/* What HOSPES_HC_GET_TIME writes. */
struct hospes_pv_time_now {
	__u64 ns_since_boot;
	__u64 wall_sec;
	__u32 wall_nsec;
	__u32 pad;
};

struct hospes_pv_vcpu_info {
	__u8 upcall_pending;	/* set by the hypervisor, cleared by the guest */
	__u8 upcall_mask;	/* guest: 1 = don't interrupt me */
	__u8 pad[6];
	__u64 pending_sel;	/* bit n: some port in evtchn_pending[n] pending */
};

#define HOSPES_PV_MAX_VCPUS	64

/*
 * The shared-info page, one per VM. The hypervisor sets a port's bit in
 * evtchn_pending and, unless the port is masked, the pending_sel bit and
 * upcall_pending of the port's vCPU, then interrupts it with the vector
 * given to SET_SHARED_INFO (unless upcall_mask is set). The guest clears
 * pending bits with atomic operations.
 *
 * The upcall is level-triggered and needs no EOI: it is delivered again
 * whenever the vCPU can take it while upcall_pending is still 1, so the
 * handler clears upcall_pending before it scans the bitmaps.
 */
struct hospes_shared_info {
	struct hospes_pv_vcpu_info vcpu_info[HOSPES_PV_MAX_VCPUS];
	__u64 evtchn_pending[HOSPES_PV_EVTCHN_PORTS / 64];
	__u64 evtchn_mask[HOSPES_PV_EVTCHN_PORTS / 64];
	struct hospes_pv_time time;
};

/*
 * The start-info page. A PV kernel is entered in 64-bit mode at its ELF
 * entry point with RDI = the guest-physical address of this page, paging on
 * with guest-physical memory identity-mapped (at least all of RAM, 2 MiB
 * pages, tables at page_tables_gpa), interrupts off, RSP pointing into RAM
 * below the image, and no IDT. Everything at or above first_free_gpa up to
 * mem_bytes is free memory.
 */
#define HOSPES_START_INFO_MAGIC	0x4f464e4953504f48ULL	/* "HOPSINFO" */

enum hospes_pv_device_type {
	HOSPES_PV_DEV_BLOCK	= 1,
};

/*
 * A device the VMM serves through a shared-memory ring: the ring's pages
 * and the event port both ends notify each other on.
 */
struct hospes_pv_device {
	__u32 type;		/* enum hospes_pv_device_type */
	__u32 port;		/* event channel */
	__u64 ring_gpa;		/* 4 KiB aligned */
	__u32 ring_pages;
	__u32 pad;
	__u64 capacity;		/* block: size in 512-byte sectors */
};

#define HOSPES_PV_MAX_DEVICES	4

struct hospes_start_info {
	__u64 magic;		/* HOSPES_START_INFO_MAGIC */
	__u32 version;		/* HOSPES_PV_ABI_VERSION */
	__u32 nr_vcpus;
	__u64 mem_bytes;	/* RAM is [0, mem_bytes) */
	__u64 first_free_gpa;
	__u64 page_tables_gpa;
	__u64 cmdline_gpa;	/* NUL-terminated */
	__u32 cmdline_len;	/* without the NUL */
	__u32 nr_devices;
	struct hospes_pv_device devices[HOSPES_PV_MAX_DEVICES];
};

/*
 * The block ring: a header, then request slots. The guest fills slots,
 * advances req_prod and notifies; the VMM serves them in order, writes
 * each request's status into its own slot, advances rsp_prod past it and
 * raises the port. A slot is the guest's again once rsp_prod has passed
 * it. Indexes run freely and wrap modulo 2^32; slot = index % nr_slots.
 */
enum hospes_blk_op {
	HOSPES_BLK_READ		= 0,
	HOSPES_BLK_WRITE	= 1,
	HOSPES_BLK_FLUSH	= 2,
};

struct hospes_blk_request {
	__u64 id;		/* guest's cookie, echoed */
	__u32 op;		/* enum hospes_blk_op */
	__s32 status;		/* VMM: 0 or a negated errno */
	__u64 sector;		/* 512-byte units */
	__u64 buf_gpa;		/* data buffer in guest RAM */
	__u32 len;		/* bytes, a multiple of 512, at most 64 KiB */
	__u32 pad;
};

struct hospes_blk_ring {
	__u32 req_prod;		/* guest */
	__u32 req_cons;		/* VMM */
	__u32 rsp_prod;		/* VMM */
	__u32 nr_slots;		/* set by the VMM */
	__u64 pad[6];
	struct hospes_blk_request slots[];
};

#endif /* _UAPI_LINUX_HOSPES_PV_H */
