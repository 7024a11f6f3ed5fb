/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * hospes: the ioctl ABI of /dev/hospes.
 *
 * Conventions, for anyone writing a VMM against this header:
 *  - Every structure has explicit sizes and explicit padding. Padding and
 *    fields named reserved/pad must be zero on input (else -EINVAL) and are
 *    zero on output, so they can be given a meaning later without a new
 *    ioctl number.
 *  - Errors come back the usual way: -1 and errno. EINVAL is bad input,
 *    EFAULT a bad pointer, EEXIST/EBUSY a conflict, ENOMEM/ENOSPC a limit,
 *    EIO a call from a process that is not the VM's creator.
 *  - HOSPES_GET_API_VERSION must answer HOSPES_API_VERSION before any other
 *    call is relied on.
 *
 * Objects form a tree of file descriptors, as with KVM:
 *
 *   open("/dev/hospes")
 *     -> HOSPES_CREATE_VM       -> VM fd
 *          -> HOSPES_SET_MEMORY_REGION, HOSPES_GET_VM_STATS
 *          -> HOSPES_CREATE_VCPU -> vCPU fd
 *               -> mmap(run area), HOSPES_RUN, registers, MSRs, CPUID,
 *                  HOSPES_INTERRUPT, HOSPES_GET_VCPU_STATS
 *
 * A VM and its memory belong to the process (mm) that created it: VM and
 * vCPU ioctls from another process fail with EIO. Closing the last fd of
 * an object frees it; a vCPU fd keeps its VM alive.
 *
 * The run loop: a vCPU thread calls HOSPES_RUN, which returns 0 when the
 * vCPU stopped for something userspace must handle. The reason is in the
 * mmap'd struct hospes_run (exit_reason). Userspace handles it (for example
 * fills io.data for an IN) and calls HOSPES_RUN again, which completes the
 * instruction and resumes the guest. A signal makes HOSPES_RUN return -1
 * with errno EINTR and exit_reason HOSPES_EXIT_INTR; so does immediate_exit.
 */
#ifndef _UAPI_LINUX_HOSPES_H
#define _UAPI_LINUX_HOSPES_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/hospes_pv.h>

#define HOSPES_API_VERSION	1

/* ioctl type byte, not used by any driver in the kernel's ioctl table. */
#define HOSPESIO		0xB8

/* Limits. */
#define HOSPES_MAX_VCPUS	64	/* vCPU ids are 0 .. HOSPES_MAX_VCPUS - 1 */
#define HOSPES_MAX_MEMSLOTS	32
#define HOSPES_MAX_CPUID_ENTRIES 256
#define HOSPES_MAX_MSR_ENTRIES	256

/* ---- /dev/hospes ---------------------------------------------------- */

/* No argument (must be 0). Returns HOSPES_API_VERSION. */
#define HOSPES_GET_API_VERSION	_IO(HOSPESIO, 0x00)
/* Argument: machine type, must be 0. Returns a new VM fd. */
#define HOSPES_CREATE_VM	_IO(HOSPESIO, 0x01)
/* No argument. Returns the size to mmap on a vCPU fd for struct hospes_run. */
#define HOSPES_GET_RUN_SIZE	_IO(HOSPESIO, 0x02)
/*
 * No argument. Returns how many bits of guest-physical address memory
 * slots may use on this host: 48 where nested paging has 4 levels, 52
 * where it has 5.
 */
#define HOSPES_GET_GUEST_PHYS_BITS _IO(HOSPESIO, 0x03)
/*
 * No argument. Returns the guest TSC's frequency in kHz (the host's: guest
 * TSCs run at the host rate), for a VMM to tell a guest that cannot
 * measure it (for example Linux's tsc_early_khz= on an AMD host).
 */
#define HOSPES_GET_TSC_KHZ	_IO(HOSPESIO, 0x04)

/* ---- VM fd ----------------------------------------------------------- */

/*
 * HOSPES_SET_MEMORY_REGION: create, change or delete a memory slot.
 *
 * Guest-physical [guest_phys_addr, guest_phys_addr + size) is backed by the
 * calling process's memory at userspace_addr. All three must be multiples of
 * 4 KiB; the range must not overlap another slot's. size 0 deletes the
 * slot. The guest-physical end may be at most 2^HOSPES_GET_GUEST_PHYS_BITS.
 * An existing slot may only be deleted or have its flags changed (same
 * base, size and address); anything else is EEXIST.
 *
 * Guest memory stays ordinary process memory: userspace may read and write
 * it at any time (save and migration rely on that). The kernel maps pages
 * into the guest on first touch and holds a reference on them until the slot
 * is deleted or the VM is destroyed.
 *
 * HOSPES_MEM_READONLY: the guest may read and execute; a guest write exits
 * to userspace as HOSPES_EXIT_MMIO (ROM, flash).
 *
 * HOSPES_MEM_LOG_DIRTY: record every page the guest (or the kernel on its
 * behalf) writes, for HOSPES_GET_DIRTY_LOG. Set or clear it on an existing
 * slot by repeating the call with the same base, size and address. Writes
 * the VMM itself makes to guest memory are not logged: it knows them.
 */
struct hospes_memory_region {
	__u32 slot;		/* 0 .. HOSPES_MAX_MEMSLOTS - 1 */
	__u32 flags;		/* HOSPES_MEM_* */
	__u64 guest_phys_addr;
	__u64 size;		/* bytes; 0 deletes the slot */
	__u64 userspace_addr;
};

#define HOSPES_MEM_READONLY	(1u << 0)
#define HOSPES_MEM_LOG_DIRTY	(1u << 1)

#define HOSPES_SET_MEMORY_REGION _IOW(HOSPESIO, 0x10, struct hospes_memory_region)

/* Argument: vCPU id (0 .. HOSPES_MAX_VCPUS - 1). Returns a new vCPU fd. */
#define HOSPES_CREATE_VCPU	_IO(HOSPESIO, 0x11)

/*
 * Exit and event counters. The same structure serves a vCPU (its own
 * counts) and a VM (the sum over its vCPUs, live and closed, plus the
 * VM-wide fields). Fields only grow; size tells how much the kernel filled.
 */
struct hospes_stats {
	__u32 size;		/* out: sizeof(struct hospes_stats) of the kernel */
	__u32 vcpus;		/* VM: vCPUs created; vCPU: 1 */
	__u64 runs;		/* HOSPES_RUN calls */
	__u64 exits;		/* every exit from the guest, however handled */
	__u64 exits_to_user;	/* exits that returned to userspace */
	__u64 io_exits;		/* port I/O */
	__u64 mmio_exits;	/* MMIO (unmapped GPA, read-only slot write) */
	__u64 hypercall_exits;
	__u64 cpuid_exits;
	__u64 msr_exits;
	__u64 npf_exits;	/* nested page faults mapped in the kernel */
	__u64 hlt_exits;
	__u64 intr_exits;	/* host interrupts while in the guest */
	__u64 irq_window_exits;
	__u64 injected_irqs;
	__u64 halt_wakeups;
	__u64 signal_exits;
	__u64 pages_mapped_4k;	/* VM: nested page table leaves, 4 KiB ... */
	__u64 pages_mapped_2m;	/* ... and 2 MiB */
	__u64 tlb_flushes;
	__u64 reserved[12];
};

#define HOSPES_GET_VM_STATS	_IOR(HOSPESIO, 0x12, struct hospes_stats)

/*
 * Raise a paravirtual event channel port (see linux/hospes_pv.h): set its
 * pending bit in the guest's shared-info page and interrupt the vCPU the
 * port is bound to, unless masked. EINVAL for a port out of range, ENOENT
 * while the guest has registered no shared-info page.
 */
struct hospes_evtchn {
	__u32 port;
	__u32 pad;
};

#define HOSPES_EVTCHN_SEND	_IOW(HOSPESIO, 0x13, struct hospes_evtchn)

/*
 * HOSPES_GET_DIRTY_LOG: fetch and re-arm a logging slot's dirty bitmap in
 * one step. bitmap points to (slot size / 4096 + 63) / 64 __u64s; bit n
 * (bit n % 64 of word n / 64) stands for the slot's page n. A page is
 * reported once for all writes since the previous call; a write that
 * lands during the call is reported now or by the next call, never lost.
 * Returns the number of dirty pages. EINVAL: no such slot, or not logging.
 */
struct hospes_dirty_log {
	__u32 slot;
	__u32 pad;
	__u64 bitmap;		/* userspace address */
};

#define HOSPES_GET_DIRTY_LOG	_IOW(HOSPESIO, 0x14, struct hospes_dirty_log)

/*
 * The guest's clock, for save and restore: ns is guest time (nanoseconds
 * since the VM started, what the PV clock shows), tsc the guest's TSC, both
 * taken at the same instant. SET_CLOCK makes the guest's time and TSC go
 * on from these values; it must come before the first vCPU is created
 * (EBUSY after), so every vCPU starts with the same TSC.
 */
struct hospes_clock {
	__u64 ns;
	__u64 tsc;
	__u64 reserved[2];
};

#define HOSPES_GET_CLOCK	_IOR(HOSPESIO, 0x15, struct hospes_clock)
#define HOSPES_SET_CLOCK	_IOW(HOSPESIO, 0x16, struct hospes_clock)

/*
 * The paravirtual state the kernel keeps for a VM (linux/hospes_pv.h): the
 * shared-info page the guest registered (if flags has
 * HOSPES_PV_STATE_SHINFO) and its upcall vector, and which vCPU each event
 * port interrupts. SET checks them as the hypercalls would.
 */
#define HOSPES_PV_STATE_SHINFO	(1u << 0)

struct hospes_pv_state {
	__u64 shinfo_gpa;
	__u32 upcall_vector;
	__u32 flags;
	__u8 port_vcpu[HOSPES_PV_EVTCHN_PORTS];
	__u64 reserved[4];
};

#define HOSPES_GET_PV_STATE	_IOR(HOSPESIO, 0x17, struct hospes_pv_state)
#define HOSPES_SET_PV_STATE	_IOW(HOSPESIO, 0x18, struct hospes_pv_state)

/*
 * HOSPES_CREATE_IRQCHIP: no argument. Give the VM an in-kernel I/O APIC
 * (24 pins at 0xfec00000) and every vCPU created from now on an in-kernel
 * local APIC (xAPIC at 0xfee00000, timer in one-shot, periodic and
 * TSC-deadline modes, IPIs, INIT/SIPI): CPUID then may offer APIC and
 * TSC-deadline, HOSPES_INTERRUPT raises a fixed interrupt in the vCPU's
 * APIC, and vCPUs other than 0 wait for INIT and SIPI from vCPU 0
 * (HOSPES_RUN sleeps until then). Before the first vCPU (EBUSY after);
 * EEXIST the second time.
 */
#define HOSPES_CREATE_IRQCHIP	_IO(HOSPESIO, 0x19)

/*
 * HOSPES_IRQ_LINE: drive I/O APIC pin irq (0..23) to level (0 or 1), as a
 * device's interrupt line. Edge-triggered pins fire on 0 -> 1; level ones
 * while 1, again after each EOI. ENXIO without HOSPES_CREATE_IRQCHIP.
 */
struct hospes_irq_level {
	__u32 irq;
	__u32 level;
};

#define HOSPES_IRQ_LINE		_IOW(HOSPESIO, 0x1a, struct hospes_irq_level)

/*
 * The I/O APIC's state, for save and restore: the selected register, its
 * id, the 24 redirection entries (remote IRR included) and the levels the
 * devices drive its pins to (bit n: pin n). ENXIO without an irqchip.
 */
struct hospes_ioapic_state {
	__u32 ioregsel;
	__u32 id;
	__u64 redir[24];
	__u32 lines;
	__u32 pad;
	__u64 reserved[4];
};

#define HOSPES_GET_IOAPIC	_IOR(HOSPESIO, 0x1b, struct hospes_ioapic_state)
#define HOSPES_SET_IOAPIC	_IOW(HOSPESIO, 0x1c, struct hospes_ioapic_state)

/* ---- vCPU fd --------------------------------------------------------- */

/* No argument. Run the vCPU until an exit userspace must see. */
#define HOSPES_RUN		_IO(HOSPESIO, 0x20)

/* General-purpose registers, in the same order as KVM's kvm_regs. */
struct hospes_regs {
	__u64 rax, rbx, rcx, rdx;
	__u64 rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11;
	__u64 r12, r13, r14, r15;
	__u64 rip, rflags;
};

#define HOSPES_GET_REGS		_IOR(HOSPESIO, 0x21, struct hospes_regs)
#define HOSPES_SET_REGS		_IOW(HOSPESIO, 0x22, struct hospes_regs)

/*
 * A segment register in unpacked form. type/s/dpl/present/avl/l/db/g are
 * the descriptor's fields; unusable marks a null or unusable selector in
 * protected mode (it then loads nothing).
 */
struct hospes_segment {
	__u64 base;
	__u32 limit;		/* in bytes - 1, already scaled by g */
	__u16 selector;
	__u8 type;		/* 4 bits */
	__u8 present, dpl, db, s, l, g, avl;
	__u8 unusable;
	__u8 pad;
};

struct hospes_dtable {
	__u64 base;
	__u16 limit;
	__u16 pad[3];
};

struct hospes_sregs {
	struct hospes_segment cs, ds, es, fs, gs, ss;
	struct hospes_segment tr, ldt;
	struct hospes_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, cr8;
	__u64 efer;
	__u64 reserved[4];
};

#define HOSPES_GET_SREGS	_IOR(HOSPESIO, 0x23, struct hospes_sregs)
/*
 * The state is checked as the CPU would check it at VM entry (CR0/CR4/EFER
 * reserved bits and combinations): an impossible state is EINVAL here
 * rather than a failed entry later.
 */
#define HOSPES_SET_SREGS	_IOW(HOSPESIO, 0x24, struct hospes_sregs)

struct hospes_msr_entry {
	__u32 index;
	__u32 reserved;
	__u64 data;
};

/*
 * GET_MSRS and SET_MSRS process entries in order and return how many they
 * processed: fewer than nmsrs means entries[return value] is an MSR hospes
 * does not model, or (SET) a value the guest could not write either.
 */
struct hospes_msrs {
	__u32 nmsrs;		/* at most HOSPES_MAX_MSR_ENTRIES */
	__u32 pad;
	struct hospes_msr_entry entries[];
};

#define HOSPES_GET_MSRS		_IOWR(HOSPESIO, 0x25, struct hospes_msrs)
#define HOSPES_SET_MSRS		_IOW(HOSPESIO, 0x26, struct hospes_msrs)

/*
 * SET_CPUID: the CPUID table the guest sees. An entry matches a CPUID
 * instruction by function, and also by index when flags has
 * HOSPES_CPUID_FLAG_INDEXED. Feature bits hospes cannot honour (for example
 * SVM, VMX, XSAVE/AVX, x2APIC, PCID) are cleared, and only bits the host
 * CPU has survive; the physical address width is capped at the host's.
 * Leaves not in the table read as zero. The table replaces the previous one.
 */
struct hospes_cpuid_entry {
	__u32 function;
	__u32 index;
	__u32 flags;		/* HOSPES_CPUID_FLAG_* */
	__u32 eax, ebx, ecx, edx;
	__u32 reserved;
};

#define HOSPES_CPUID_FLAG_INDEXED	(1u << 0)

struct hospes_cpuid {
	__u32 nent;		/* at most HOSPES_MAX_CPUID_ENTRIES */
	__u32 pad;
	struct hospes_cpuid_entry entries[];
};

#define HOSPES_SET_CPUID	_IOW(HOSPESIO, 0x27, struct hospes_cpuid)

/*
 * GET_CPUID: the table the guest sees, as SET_CPUID left it (filtered;
 * the hypervisor leaves, which hospes answers itself, are not in it), for
 * save and migration. In: nent, the room in entries (at most
 * HOSPES_MAX_CPUID_ENTRIES), and pad 0. Out: nent, the entries written.
 * E2BIG, with nent set to the count needed, if the room is too small.
 */
#define HOSPES_GET_CPUID	_IOWR(HOSPESIO, 0x30, struct hospes_cpuid)

/*
 * Queue an external interrupt (vector 32..255). It is injected when the
 * guest can take it (RFLAGS.IF set, no interrupt shadow); a halted vCPU
 * wakes up for it. One at a time: EBUSY while one is still queued. May be
 * called from any thread of the VM's process.
 */
struct hospes_interrupt {
	__u32 vector;
	__u32 pad;
};

#define HOSPES_INTERRUPT	_IOW(HOSPESIO, 0x28, struct hospes_interrupt)
#define HOSPES_GET_VCPU_STATS	_IOR(HOSPESIO, 0x29, struct hospes_stats)

/*
 * Everything about a vCPU beyond its registers that save and restore need:
 * an event being delivered (injected: an interrupt or exception the CPU
 * had started to deliver), the interrupt queued by HOSPES_INTERRUPT, the
 * STI/MOV SS interrupt shadow, whether the vCPU waits (HLT, PV BLOCK), and
 * its PV one-shot timer (deadline in guest ns, 0: none).
 *
 * An exit userspace has handled is only finished by the next HOSPES_RUN
 * (an IN's value reaches RAX then): before saving a vCPU, call HOSPES_RUN
 * once with immediate_exit set, which finishes it without entering the
 * guest.
 */
#define HOSPES_EVENT_NONE	0
#define HOSPES_EVENT_IRQ	1
#define HOSPES_EVENT_EXCEPTION	2

#define HOSPES_WAIT_RUNNING	0
#define HOSPES_WAIT_HALTED	1	/* HLT with interrupts enabled */
#define HOSPES_WAIT_BLOCKED	2	/* HOSPES_HC_BLOCK */
#define HOSPES_WAIT_SIPI	3	/* APIC: waiting for a startup IPI */

struct hospes_vcpu_events {
	__u8 injected_type;	/* HOSPES_EVENT_* */
	__u8 injected_vector;
	__u8 injected_has_error;
	__u8 interrupt_shadow;	/* 0 or 1 */
	__u32 injected_error;
	__s32 queued_irq;	/* -1: none */
	__u32 wait;		/* HOSPES_WAIT_* */
	__u64 timer_deadline_ns;
	__u32 timer_port;
	__u32 pad;
	__u64 reserved[4];
};

#define HOSPES_GET_VCPU_EVENTS	_IOR(HOSPESIO, 0x2a, struct hospes_vcpu_events)
#define HOSPES_SET_VCPU_EVENTS	_IOW(HOSPESIO, 0x2b, struct hospes_vcpu_events)

/*
 * The FPU, SSE and extended state in the XSAVE layout (legacy area,
 * header, then components at their standard offsets). The size is the
 * host's, at most HOSPES_XSAVE_SIZE; SET refuses state the host CPU does
 * not support (EINVAL).
 */
#define HOSPES_XSAVE_SIZE	4096

struct hospes_xsave {
	__u32 region[HOSPES_XSAVE_SIZE / 4];
};

#define HOSPES_GET_XSAVE	_IOR(HOSPESIO, 0x2c, struct hospes_xsave)
#define HOSPES_SET_XSAVE	_IOW(HOSPESIO, 0x2d, struct hospes_xsave)

/*
 * A vCPU's local APIC, for save and restore: the 4 KiB register page as
 * the guest reads it (IRR, ISR and TMR in their registers, the timer's
 * current count at 0x390), the APIC base MSR, the TSC deadline, and an
 * INIT or startup IPI that has reached the vCPU but that it has not acted
 * on yet (pending; sipi_vector with HOSPES_LAPIC_PENDING_SIPI, else 0).
 * SET restarts the timer from the current count (or the deadline). ENXIO
 * without an irqchip.
 */
#define HOSPES_LAPIC_PENDING_INIT	(1u << 0)
#define HOSPES_LAPIC_PENDING_SIPI	(1u << 1)

struct hospes_lapic_state {
	__u32 regs[1024];
	__u64 apic_base;
	__u64 tsc_deadline;
	__u32 pending;		/* HOSPES_LAPIC_PENDING_* */
	__u32 sipi_vector;
	__u64 reserved[3];
};

#define HOSPES_GET_LAPIC	_IOR(HOSPESIO, 0x2e, struct hospes_lapic_state)
#define HOSPES_SET_LAPIC	_IOW(HOSPESIO, 0x2f, struct hospes_lapic_state)

/* ---- The run area: mmap(vcpu_fd, 0, HOSPES_GET_RUN_SIZE) ------------- */

enum hospes_exit_reason {
	HOSPES_EXIT_NONE		= 0,
	HOSPES_EXIT_IO			= 1,	/* port I/O, see io */
	HOSPES_EXIT_MMIO		= 2,	/* memory access outside RAM, see mmio */
	HOSPES_EXIT_HYPERCALL		= 3,	/* see hypercall */
	HOSPES_EXIT_HLT			= 4,	/* HLT with interrupts disabled */
	HOSPES_EXIT_SHUTDOWN		= 5,	/* triple fault */
	HOSPES_EXIT_INTERNAL_ERROR	= 6,	/* see internal */
	HOSPES_EXIT_INTR		= 7,	/* signal or immediate_exit */
	HOSPES_EXIT_IRQ_WINDOW_OPEN	= 8,	/* request_interrupt_window met */
	HOSPES_EXIT_SYSTEM_EVENT	= 9,	/* PV shutdown, see system_event */
	HOSPES_EXIT_EVTCHN		= 10,	/* PV event for the VMM, see evtchn */
};

#define HOSPES_EXIT_IO_IN	0
#define HOSPES_EXIT_IO_OUT	1

enum hospes_internal_error {
	HOSPES_INTERNAL_ERROR_ENTRY_FAILED	= 1, /* the CPU refused the guest state */
	HOSPES_INTERNAL_ERROR_UNHANDLED_EXIT	= 2, /* data[0] = vendor exit code */
	HOSPES_INTERNAL_ERROR_EMULATION		= 3, /* instruction not decodable */
	HOSPES_INTERNAL_ERROR_STRING_IO		= 4, /* INS/OUTS not supported */
	HOSPES_INTERNAL_ERROR_BAD_MEMORY	= 5, /* guest RAM could not be mapped */
};

struct hospes_run {
	/* in: set by userspace before HOSPES_RUN */
	__u8 request_interrupt_window;	/* exit when an interrupt could be injected */
	__u8 immediate_exit;		/* return EINTR before entering the guest */
	__u8 pad_in[6];

	/* out: set by the kernel when HOSPES_RUN returns */
	__u32 exit_reason;		/* enum hospes_exit_reason */
	__u8 ready_for_interrupt_injection;
	__u8 if_flag;			/* guest RFLAGS.IF */
	__u8 pad_out[2];
	__u64 rip;			/* guest RIP at the exit */
	__u64 pad_out2;

	union {
		/*
		 * HOSPES_EXIT_IO: one IN or OUT of size 1, 2 or 4 bytes. For OUT,
		 * data holds the value; for IN, userspace stores the value in
		 * data before the next HOSPES_RUN.
		 */
		struct {
			__u16 port;
			__u8 size;
			__u8 direction;	/* HOSPES_EXIT_IO_IN/OUT */
			__u32 pad;
			__u64 data;
		} io;
		/*
		 * HOSPES_EXIT_MMIO: one access of len (1, 2, 4 or 8) bytes at
		 * guest-physical gpa. For a write, data holds the bytes; for a
		 * read, userspace fills data before the next HOSPES_RUN.
		 */
		struct {
			__u64 gpa;
			__u8 data[8];
			__u32 len;
			__u8 is_write;
			__u8 pad[3];
		} mmio;
		/*
		 * HOSPES_EXIT_HYPERCALL: a hypercall the kernel passes to
		 * userspace: HOSPES_HC_CONSOLE_WRITE and HOSPES_HC_SUSPEND
		 * (linux/hospes_pv.h; their arguments already checked against
		 * guest RAM), and every number from HOSPES_HC_VMM_BASE up,
		 * unchecked, for the VMM's own use. Userspace stores the result
		 * in ret; the next HOSPES_RUN puts it in the guest's RAX.
		 */
		struct {
			__u64 nr;
			__u64 args[5];
			__u64 ret;
		} hypercall;
		/*
		 * HOSPES_EXIT_SYSTEM_EVENT: the guest called HOSPES_HC_SHUTDOWN.
		 * type is enum hospes_shutdown_reason, code its argument.
		 */
		struct {
			__u32 type;
			__u32 pad;
			__u64 code;
		} system_event;
		/* HOSPES_EXIT_EVTCHN: the guest notified port (EVTCHN_NOTIFY). */
		struct {
			__u32 port;
			__u32 pad;
		} evtchn;
		/* HOSPES_EXIT_INTERNAL_ERROR */
		struct {
			__u32 suberror;	/* enum hospes_internal_error */
			__u32 ndata;
			__u64 data[6];
		} internal;
		__u8 pad_union[256];
	};
};

#endif /* _UAPI_LINUX_HOSPES_H */
