/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Intel VMX backend's private state, and the VMX instructions it uses
 * (vmx_insn.S). Section numbers refer to the Intel SDM, volume 3C.
 */
#ifndef HOSPES_VMX_H
#define HOSPES_VMX_H

/* Shared with vmx_vmenter.S: the VMCS encoding of HOST_RSP (B.4.4). */
#define HOSPES_VMX_HOST_RSP	0x00006c14

#ifndef __ASSEMBLY__

#include <linux/list.h>
#include <asm/vmx.h>

#include "../core/hospes.h"

/*
 * MSRs that neither VM entry nor VM exit switch, moved by the VM-entry
 * MSR-load, VM-exit MSR-store and VM-exit MSR-load areas (24.7.2, 24.8.2,
 * 26.4, 27.4) rather than by WRMSR around the entry: that way they change
 * with the switch itself, and no NMI taken between a WRMSR and VMLAUNCH
 * runs on a guest value (the kernel's NMI entry reads TSC_AUX with RDPID to
 * find its per-CPU data). The guest reaches the first VMX_MSR_STORED
 * without exits, so the exit stores them; TSC_AUX only changes through an
 * exit and is loaded from vcpu->tsc_aux.
 */
enum vmx_msr_slot {
	VMX_MSR_STAR,
	VMX_MSR_LSTAR,
	VMX_MSR_CSTAR,
	VMX_MSR_SFMASK,
	VMX_MSR_KERNEL_GS_BASE,
	VMX_MSR_STORED,
	VMX_MSR_TSC_AUX = VMX_MSR_STORED,
	VMX_MSR_SLOTS,
};

/* What the last VM exit reported, read while its VMCS was current. */
struct vmx_exit_info {
	u32 reason;		/* VM_EXIT_REASON, with bit 31 on entry failure */
	u32 intr_info;		/* VM_EXIT_INTR_INFO */
	u32 insn_len;		/* VM_EXIT_INSTRUCTION_LEN */
	u32 insn_error;		/* VM_INSTRUCTION_ERROR after a VMfail */
	u64 qual;		/* EXIT_QUALIFICATION */
	u64 gpa;		/* GUEST_PHYSICAL_ADDRESS, for EPT exits */
};

struct vmx_vcpu {
	void *vmcs;
	u64 vmcs_pa;
	/*
	 * The CPU the VMCS is active on (24.1: launched or not, its data may
	 * sit in that CPU), or -1 when it is clear. Only the vCPU's own
	 * thread makes it active; the CPU holding it clears it.
	 */
	int cpu;
	struct list_head cpu_link;	/* on that CPU's vmcs_list */
	bool launched;			/* VMRESUME, not VMLAUNCH */
	u16 vpid;			/* 0: none, VPID off for this vCPU */

	bool not_entered;		/* vcpu_enter had to give up */
	bool vmfail;			/* VMLAUNCH/VMRESUME failed */
	bool flush_ept;			/* INVEPT before the next entry */
	bool flush_vpid;		/* INVVPID before the next entry */
	struct vmx_exit_info exit;

	/* Written to the VMCS on entry; changed without loading it. */
	u32 cpu_based;			/* CPU_BASED_VM_EXEC_CONTROL */
	u32 cpu_based_vmcs;		/* what the VMCS holds */
	u32 intr_state;			/* GUEST_INTERRUPTIBILITY_INFO */
	u32 inject;			/* VM_ENTRY_INTR_INFO_FIELD */
	u32 inject_error;
	u64 tsc_offset;

	/* Guest state the VMCS does not hold: switched by hand. */
	unsigned long cr2;
	u64 cr8;			/* no APIC: a register, nothing more */
	/*
	 * DR0-3 and DR6 are not in the VMCS. Their accesses exit until the
	 * guest first touches one; from then on they are switched by hand.
	 */
	bool owns_debug_regs;
	unsigned long db[4];
	unsigned long dr6;

	/* Host state as last written to the VMCS. */
	unsigned long host_cr3;
	unsigned long host_cr4;

	/* One page: the guest's MSR area, then the host's. */
	struct vmx_msr_entry *guest_msrs;
	struct vmx_msr_entry *host_msrs;
};

static inline struct vmx_vcpu *to_vmx(struct hospes_vcpu *vcpu)
{
	return vcpu->arch;
}

/*
 * vmx_insn.S. Each returns 0, VMX_FAIL on VMfail (CF or ZF set, 30.2) or
 * VMX_FAULT if the instruction faulted (VMX off, #GP).
 */
#define VMX_FAIL	1
#define VMX_FAULT	2

int hospes_vmxon(const u64 *vmxon_pa);
int hospes_vmxoff(void);
int hospes_vmclear(const u64 *vmcs_pa);
int hospes_vmptrld(const u64 *vmcs_pa);
unsigned long hospes_vmread(unsigned long field);	/* 0 on failure */
int hospes_vmwrite(unsigned long field, unsigned long value);
int hospes_invept(unsigned long type, const u64 desc[2]);
int hospes_invvpid(unsigned long type, const u64 desc[2]);
void hospes_lldt(unsigned int selector);

/* vmx_vmenter.S */
int hospes_vmx_vmrun(u64 *gprs, unsigned long launched);
void hospes_vmx_vmexit(void);	/* HOST_RIP: not to be called */
void hospes_vmx_do_nmi(void);

static inline unsigned long vmcs_read(unsigned long field)
{
	return hospes_vmread(field);
}

/* A failed VMWRITE is a bug in hospes (a field the CPU lacks). */
static inline void vmcs_write(unsigned long field, unsigned long value)
{
	int ret = hospes_vmwrite(field, value);

	WARN_ONCE(ret, "hospes: VMWRITE %#lx = %#lx failed (%d, error %lu)\n",
		  field, value, ret, hospes_vmread(VM_INSTRUCTION_ERROR));
}

/* vmx.c */
void vmx_vcpu_get(struct vmx_vcpu *vx);
void vmx_vcpu_put(struct vmx_vcpu *vx);
void vmx_clear_remote(struct vmx_vcpu *vx);
u64 vmx_guest_cr0(void);
u64 vmx_guest_cr4(void);
int vmx_set_cr0(struct hospes_vcpu *vcpu, u64 cr0);
int vmx_set_cr4(struct hospes_vcpu *vcpu, u64 cr4);
int vmx_set_cr3(struct hospes_vcpu *vcpu, u64 cr3);
void vmx_inject_exception(struct hospes_vcpu *vcpu, u8 vector,
			  bool has_error, u32 error);

/* vmx_exits.c */
int vmx_handle_exit(struct hospes_vcpu *vcpu);

#endif /* __ASSEMBLY__ */
#endif /* HOSPES_VMX_H */
