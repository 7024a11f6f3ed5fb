/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The backend-neutral core of hospes: VMs, memory slots, vCPUs and the
 * operations table a vendor backend (SVM, VMX) fills in. Nothing here knows
 * about a VMCB or a VMCS.
 */
#ifndef HOSPES_CORE_H
#define HOSPES_CORE_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <linux/kref.h>
#include <linux/mm_types.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>

#include <linux/hrtimer.h>
#include <linux/hospes.h>
#include <linux/hospes_pv.h>

#include "insn.h"

struct hospes_vm;
struct hospes_vcpu;

/* General-purpose registers in the hardware's encoding order (ModRM.reg). */
enum hospes_gpr {
	HOSPES_RAX, HOSPES_RCX, HOSPES_RDX, HOSPES_RBX,
	HOSPES_RSP, HOSPES_RBP, HOSPES_RSI, HOSPES_RDI,
	HOSPES_R8, HOSPES_R9, HOSPES_R10, HOSPES_R11,
	HOSPES_R12, HOSPES_R13, HOSPES_R14, HOSPES_R15,
	HOSPES_NR_GPRS
};

/*
 * The entry format of a two-dimensional (nested) page table. NPT uses the
 * ordinary x86-64 format; EPT has its own R/W/X bits and memory type. The
 * mmu code builds and walks either from this description alone.
 */
struct hospes_tdp_format {
	u64 present_mask;	/* any of these bits set: entry present */
	u64 table_bits;		/* bits of an entry pointing to a table */
	u64 leaf_bits;		/* bits of a read-only, executable leaf */
	u64 write_bit;		/* added to a leaf the guest may write */
	u64 large_bit;		/* leaf at a level above 1 (2 MiB, 1 GiB) */
};

struct hospes_tdp {
	const struct hospes_tdp_format *fmt;
	int levels;		/* 4 or 5 */
	u64 *root;
	unsigned long nr_4k;	/* leaves mapped, for stats */
	unsigned long nr_2m;
};

struct hospes_memslot {
	u32 id;
	u32 flags;		/* HOSPES_MEM_* */
	u64 gpa;
	u64 size;
	unsigned long uaddr;
	/* Pages pinned on the guest's behalf, indexed by page offset in slot. */
	struct xarray pinned;
	unsigned long *dirty_bitmap;	/* while HOSPES_MEM_LOG_DIRTY */
	unsigned long *dirty_snapshot;	/* its fetch buffer, as long */
};

/* How a vCPU is to finish an instruction userspace completed for it. */
enum hospes_pending_op {
	HOSPES_PENDING_NONE,
	HOSPES_PENDING_IO_IN,		/* run->io.data into RAX */
	HOSPES_PENDING_MMIO_READ,	/* run->mmio.data into a register */
	HOSPES_PENDING_HYPERCALL,	/* run->hypercall.ret into RAX */
};

struct hospes_pending {
	enum hospes_pending_op op;
	u8 size;		/* bytes read */
	u8 reg;			/* destination register */
	u8 dest_size;		/* MMIO: register width written */
	bool high_byte;		/* MMIO: AH/CH/DH/BH */
	bool sign_extend;	/* MMIO: MOVSX */
	u64 next_rip;		/* RIP once complete */
};

/* vCPU requests, bits in hospes_vcpu.requests, handled before each entry. */
enum {
	HOSPES_REQ_TLB_FLUSH,
	HOSPES_REQ_EVENT,
};

/* Why a vCPU is not running, and so what wakes it. */
enum hospes_wait {
	HOSPES_WAIT_NONE,
	HOSPES_WAIT_HLT,	/* an interrupt the guest would take */
	HOSPES_WAIT_PV_BLOCK,	/* any event for this vCPU, masked or not */
	HOSPES_WAIT_FOR_SIPI,	/* reset, until a startup IPI */
};

enum hospes_vcpu_mode {
	HOSPES_OUTSIDE_GUEST,
	HOSPES_IN_GUEST,
};

struct hospes_vcpu {
	struct hospes_vm *vm;
	u32 id;
	struct hospes_run *run;		/* the mmap'd page */

	struct mutex mutex;		/* serialises vCPU ioctls */
	unsigned long requests;
	int mode;			/* enum hospes_vcpu_mode */
	int cpu;			/* host CPU while loaded, else -1 */
	int last_cpu;

	u64 gpr[HOSPES_NR_GPRS];
	u64 rip;
	u64 rflags;
	u64 tsc_aux;

	struct fpu_guest guest_fpu;
	struct hospes_pending pending;
	struct hospes_cpuid_entry *cpuid;	/* SET_CPUID table */
	u32 cpuid_nent;

	bool reset_pending;		/* triple-faulted: reset on the next run */
	int pending_irq;		/* vector queued by HOSPES_INTERRUPT or -1 */
	enum hospes_wait wait;
	wait_queue_head_t wq;		/* a waiting vCPU sleeps here */

	struct hospes_lapic *lapic;	/* with HOSPES_CREATE_IRQCHIP */
	struct hrtimer pv_timer;	/* HOSPES_HC_SET_TIMER */
	u32 pv_timer_port;

	struct hospes_stats stats;
	void *arch;			/* backend's per-vCPU state */
};

struct hospes_vm {
	struct kref ref;
	struct mm_struct *mm;		/* creator's; guest memory lives there */

	struct mutex lock;		/* slots, tdp, vCPU creation */
	struct hospes_memslot *slots[HOSPES_MAX_MEMSLOTS];
	struct hospes_tdp tdp;

	struct hospes_vcpu *vcpus[HOSPES_MAX_VCPUS];
	int nr_vcpus;
	struct hospes_stats dead_stats;	/* counts of closed vCPUs */
	spinlock_t stats_lock;
	u64 tsc_offset;			/* guest TSC = host TSC + this */
	bool irqchip;			/* vCPUs get an in-kernel APIC */
	struct hospes_ioapic *ioapic;	/* with the irqchip */

	/*
	 * The paravirtual event state. pv_lock (taken from the timer
	 * interrupt too) guards it and the vCPU pointers, so an event can
	 * find and wake its vCPU from any context.
	 */
	spinlock_t pv_lock;
	struct page *shinfo_page;
	struct hospes_shared_info *shinfo;
	u64 shinfo_gpa;
	u8 upcall_vector;
	u8 port_vcpu[HOSPES_PV_EVTCHN_PORTS];
	u64 boot_ns;			/* ktime_get_ns() at creation */
	struct timespec64 boot_wall;
	u64 time_updated_ns;

	void *arch;
};

/*
 * The backend. Calls marked "irqs off" run with interrupts and preemption
 * disabled on the CPU the vCPU is loaded on.
 */
struct hospes_arch_ops {
	const char *name;
	const struct hospes_tdp_format *tdp_format;
	int (*tdp_levels)(void);

	int (*hardware_enable)(void);		/* this CPU; -EBUSY if taken */
	void (*hardware_disable)(void);		/* this CPU */

	int (*vcpu_create)(struct hospes_vcpu *vcpu);
	void (*vcpu_free)(struct hospes_vcpu *vcpu);
	void (*vcpu_reset)(struct hospes_vcpu *vcpu);

	/* irqs off: enter the guest once and come back on the next exit. */
	void (*vcpu_enter)(struct hospes_vcpu *vcpu, bool flush_tlb);
	/* Handle the exit: 1 resume, 0 exit to userspace, < 0 error. */
	int (*handle_exit)(struct hospes_vcpu *vcpu);

	void (*get_sregs)(struct hospes_vcpu *vcpu, struct hospes_sregs *s);
	int (*set_sregs)(struct hospes_vcpu *vcpu, const struct hospes_sregs *s);
	/* MSRs the backend keeps: 0, or -ENOENT if it does not model it. */
	int (*get_msr)(struct hospes_vcpu *vcpu, u32 index, u64 *data);
	int (*set_msr)(struct hospes_vcpu *vcpu, u32 index, u64 data);

	int (*cpl)(struct hospes_vcpu *vcpu);
	enum hospes_cpu_mode (*cpu_mode)(struct hospes_vcpu *vcpu);
	/* Paging state for walking the guest's page tables. */
	void (*paging_state)(struct hospes_vcpu *vcpu, u64 *cr0, u64 *cr3,
			     u64 *cr4, u64 *efer);
	u64 (*cs_base)(struct hospes_vcpu *vcpu);

	u32 hypercall_insn;		/* HOSPES_PV_INSN_* */

	/* An event being delivered and the interrupt shadow, for saving. */
	void (*get_events)(struct hospes_vcpu *vcpu,
			   struct hospes_vcpu_events *e);
	int (*set_events)(struct hospes_vcpu *vcpu,
			  const struct hospes_vcpu_events *e);

	/* An emulated instruction ends an STI or MOV SS interrupt shadow. */
	void (*clear_interrupt_shadow)(struct hospes_vcpu *vcpu);
	bool (*interrupt_allowed)(struct hospes_vcpu *vcpu);
	void (*inject_irq)(struct hospes_vcpu *vcpu, u8 vector);
	void (*inject_exception)(struct hospes_vcpu *vcpu, u8 vector,
				 bool has_error, u32 error);
	void (*enable_irq_window)(struct hospes_vcpu *vcpu);
};

extern const struct hospes_arch_ops *hospes_ops;

/* main.c: turning virtualization on in every CPU while a VM exists */
int hospes_hw_get(void);
void hospes_hw_put(void);

/* dev.c */
int hospes_dev_register(void);
void hospes_dev_unregister(void);

/* vm.c */
int hospes_vm_create_fd(void);
void hospes_vm_get(struct hospes_vm *vm);
void hospes_vm_put(struct hospes_vm *vm);
void hospes_vm_request_all(struct hospes_vm *vm, int req);

/* memslot.c */
unsigned int hospes_guest_phys_bits(void);
int hospes_set_memory_region(struct hospes_vm *vm,
			     const struct hospes_memory_region *r);
void hospes_memslots_free(struct hospes_vm *vm);
struct hospes_memslot *hospes_gpa_to_slot(struct hospes_vm *vm, u64 gpa);
int hospes_read_guest(struct hospes_vm *vm, u64 gpa, void *buf, size_t len);
int hospes_write_guest(struct hospes_vm *vm, u64 gpa, const void *buf,
		       size_t len);
bool hospes_gpa_range_is_ram(struct hospes_vm *vm, u64 gpa, u64 len);
struct page *hospes_pin_guest_page(struct hospes_vm *vm, u64 gpa);
/* page_walk: the CPU's own access to the guest's page tables faulted. */
int hospes_handle_tdp_fault(struct hospes_vcpu *vcpu, u64 gpa, bool write,
			    bool page_walk);

/* dirty.c */
int hospes_dirty_log_start(struct hospes_memslot *slot);
void hospes_dirty_log_stop(struct hospes_memslot *slot);
void hospes_mark_dirty(struct hospes_memslot *slot, u64 gpa);
int hospes_get_dirty_log(struct hospes_vm *vm,
			 struct hospes_dirty_log __user *ulog);

/* mmu/tdp.c */
int hospes_tdp_init(struct hospes_tdp *tdp,
		    const struct hospes_tdp_format *fmt, int levels);
void hospes_tdp_destroy(struct hospes_tdp *tdp);
phys_addr_t hospes_tdp_root_pa(struct hospes_tdp *tdp);
int hospes_tdp_map(struct hospes_tdp *tdp, u64 gpa, phys_addr_t pa,
		   int level, bool writable);
bool hospes_tdp_is_mapped(struct hospes_tdp *tdp, u64 gpa);
void hospes_tdp_set_writable(struct hospes_tdp *tdp, u64 gpa, bool writable);
void hospes_tdp_zap(struct hospes_tdp *tdp, u64 gpa, u64 size);

/* vcpu.c */
int hospes_vcpu_create_fd(struct hospes_vm *vm, unsigned long id);
void hospes_vcpu_reset(struct hospes_vcpu *vcpu);
bool hospes_vcpu_has_interrupt(struct hospes_vcpu *vcpu);
void hospes_complete_pending(struct hospes_vcpu *vcpu);
void hospes_vcpu_kick(struct hospes_vcpu *vcpu, bool wait);
void hospes_vcpu_wake(struct hospes_vcpu *vcpu);
void hospes_vcpu_stats_add(struct hospes_stats *sum,
			   const struct hospes_stats *s);

/* exits.c: what a backend's exit handlers call */
int hospes_skip_insn(struct hospes_vcpu *vcpu, unsigned int len);
int hospes_exit_cpuid(struct hospes_vcpu *vcpu, unsigned int len);
int hospes_exit_msr(struct hospes_vcpu *vcpu, bool write, unsigned int len);
int hospes_exit_io(struct hospes_vcpu *vcpu, u16 port, u8 size, bool in,
		   bool string, u64 next_rip);
int hospes_exit_hlt(struct hospes_vcpu *vcpu, unsigned int len);
int hospes_exit_shutdown(struct hospes_vcpu *vcpu);
int hospes_exit_internal_error(struct hospes_vcpu *vcpu, u32 suberror,
			       u64 data0, u64 data1);
int hospes_exit_ud(struct hospes_vcpu *vcpu);
int hospes_exit_rdpmc(struct hospes_vcpu *vcpu);
int hospes_exit_irq_window(struct hospes_vcpu *vcpu);
int hospes_insn_length(struct hospes_vcpu *vcpu);

/* hypercall.c */
int hospes_exit_hypercall(struct hospes_vcpu *vcpu, unsigned int len);

/* evtchn.c: event channels and the shared-info page */
int hospes_set_shared_info(struct hospes_vm *vm, u64 gpa, u64 vector);
void hospes_shared_info_free(struct hospes_vm *vm);
int hospes_evtchn_raise(struct hospes_vm *vm, u32 port);
int hospes_evtchn_bind(struct hospes_vm *vm, u64 port, u64 vcpu_id);
int hospes_evtchn_unmask(struct hospes_vm *vm, u64 port);
int hospes_evtchn_send_ioctl(struct hospes_vm *vm,
			     struct hospes_evtchn __user *ue);
bool hospes_evtchn_upcall(struct hospes_vcpu *vcpu, bool even_masked);

/* pvtime.c: guest time and one-shot timers */
void hospes_pvtime_init(struct hospes_vm *vm);
u64 hospes_guest_ns(struct hospes_vm *vm);
void hospes_pvtime_update(struct hospes_vm *vm);
void hospes_pvtime_tick(struct hospes_vm *vm);
int hospes_get_time(struct hospes_vcpu *vcpu, u64 gpa);
void hospes_pv_timer_init(struct hospes_vcpu *vcpu);
int hospes_set_timer(struct hospes_vcpu *vcpu, u64 deadline_ns, u64 port);

/* state.c: what save and migration carry */
int hospes_get_clock(struct hospes_vm *vm, struct hospes_clock __user *uc);
int hospes_set_clock(struct hospes_vm *vm, struct hospes_clock __user *uc);
int hospes_get_pv_state(struct hospes_vm *vm,
			struct hospes_pv_state __user *us);
int hospes_set_pv_state(struct hospes_vm *vm,
			struct hospes_pv_state __user *us);
int hospes_get_vcpu_events(struct hospes_vcpu *vcpu,
			   struct hospes_vcpu_events __user *ue);
int hospes_set_vcpu_events(struct hospes_vcpu *vcpu,
			   struct hospes_vcpu_events __user *ue);
int hospes_get_xsave(struct hospes_vcpu *vcpu, struct hospes_xsave __user *ux);
int hospes_set_xsave(struct hospes_vcpu *vcpu, struct hospes_xsave __user *ux);
int hospes_get_cpuid(struct hospes_vcpu *vcpu, struct hospes_cpuid __user *uc);

/* lapic.c: the in-kernel local APIC */
int hospes_lapic_create(struct hospes_vcpu *vcpu);
void hospes_lapic_free(struct hospes_vcpu *vcpu);
int hospes_lapic_pending_vector(struct hospes_vcpu *vcpu);
void hospes_lapic_accept(struct hospes_vcpu *vcpu, int vector);
void hospes_lapic_set_irq(struct hospes_vcpu *vcpu, u8 vector);
bool hospes_lapic_wakes(struct hospes_vcpu *vcpu);
bool hospes_lapic_mmio(struct hospes_vcpu *vcpu, u64 gpa, unsigned int len,
		       bool write, u64 *data);
int hospes_lapic_get_msr(struct hospes_vcpu *vcpu, u32 index, u64 *data);
int hospes_lapic_set_msr(struct hospes_vcpu *vcpu, u32 index, u64 data);
int hospes_lapic_init_sipi(struct hospes_vcpu *vcpu);
void hospes_lapic_deliver(struct hospes_vm *vm, struct hospes_vcpu *self,
			  u32 icr, u32 dest, bool level);
int hospes_lapic_get_state(struct hospes_vcpu *vcpu,
			   struct hospes_lapic_state __user *us);
int hospes_lapic_set_state(struct hospes_vcpu *vcpu,
			   struct hospes_lapic_state __user *us);

/* ioapic.c: the in-kernel I/O APIC */
int hospes_ioapic_create(struct hospes_vm *vm);
void hospes_ioapic_free(struct hospes_vm *vm);
int hospes_ioapic_set_line(struct hospes_vm *vm,
			   struct hospes_irq_level __user *ul);
void hospes_ioapic_eoi(struct hospes_vm *vm, int vector);
bool hospes_ioapic_mmio(struct hospes_vcpu *vcpu, u64 gpa, unsigned int len,
			bool write, u64 *data);
int hospes_ioapic_get_state(struct hospes_vm *vm,
			    struct hospes_ioapic_state __user *us);
int hospes_ioapic_set_state(struct hospes_vm *vm,
			    struct hospes_ioapic_state __user *us);

/* mmio.c: emulate the instruction that touched memory outside RAM */
int hospes_emulate_mmio(struct hospes_vcpu *vcpu, u64 gpa, bool write);
void hospes_complete_mmio_read(struct hospes_vcpu *vcpu);
int hospes_fetch_insn(struct hospes_vcpu *vcpu, u8 *bytes,
		      unsigned int *len);

/* cpuid.c */
int hospes_set_cpuid(struct hospes_vcpu *vcpu,
		     struct hospes_cpuid __user *uc);
void hospes_cpuid_lookup(struct hospes_vcpu *vcpu, u32 function, u32 index,
			 u32 *eax, u32 *ebx, u32 *ecx, u32 *edx);

/* sregs.c: architectural checks both backends make */
u64 hospes_cr4_allowed(void);
bool hospes_efer_valid(u64 efer);
bool hospes_pat_valid(u64 pat);
bool hospes_msr_value_valid(u32 index, u64 data);
int hospes_sregs_check(const struct hospes_sregs *s);

/* msr.c */
int hospes_msr_get(struct hospes_vcpu *vcpu, u32 index, u64 *data);
int hospes_msr_set(struct hospes_vcpu *vcpu, u32 index, u64 data,
		   bool host_initiated);

/*
 * The backends: probe returns the ops, or NULL if this CPU cannot run
 * that backend; init and exit bracket its use.
 */
const struct hospes_arch_ops *hospes_svm_probe(void);
int hospes_svm_init(void);
void hospes_svm_exit(void);
const struct hospes_arch_ops *hospes_vmx_probe(void);
int hospes_vmx_init(void);
void hospes_vmx_exit(void);

#endif /* HOSPES_CORE_H */
