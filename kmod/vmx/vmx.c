// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Intel VMX backend: capabilities, VMXON on each CPU, the VMCS of each
 * vCPU and where it is loaded, VPIDs, EPT, and the hospes_arch_ops the core
 * calls. Exit handlers are in vmx_exits.c, the world switch in
 * vmx_vmenter.S, the VMX instructions in vmx_insn.S. Section numbers refer
 * to the Intel SDM, volume 3C (appendix A: the capability MSRs).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/io.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <asm/cpu_entry_area.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fsgsbase.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/tsc.h>
#include <asm/trapnr.h>

#include "vmx.h"

#define DEFAULT_PAT	0x0007040600070406ULL

/* CPU reset values (9.1.1 of volume 3A) for what a new vCPU starts with. */
#define RESET_CR0	0x60000010ULL	/* CD, NW, ET */
#define RESET_DR6	0xffff0ff0ULL
#define RESET_DR7	0x400ULL

/* Segment access rights as the VMCS holds them (24.4.1). */
#define VMX_AR_AVL	BIT(12)
#define AR_CODE16	0x009b	/* execute/read, accessed, S, P */
#define AR_DATA16	0x0093	/* read/write, accessed, S, P */
#define AR_LDT		0x0082
#define AR_TSS_BUSY	0x008b

/* EPT entries (28.3.2): bit 7 makes a level-2 or level-3 entry a leaf. */
#define EPT_LARGE_PAGE	BIT_ULL(7)

/*
 * CR0 bits the guest changes without an exit: the FPU and alignment bits.
 * The rest exits on a change: PE and PG switch modes hospes tracks (EFER.LMA
 * and the IA-32e entry control), NE must stay set in the real register
 * (23.8), and CD/NW the guest gets to believe in while its memory stays
 * write-back: it is the host's ordinary memory.
 */
#define CR0_GUEST_OWNED	(X86_CR0_MP | X86_CR0_EM | X86_CR0_TS | X86_CR0_WP | \
			 X86_CR0_AM)

/* The paging-structure bits that make MOV to CR4 reload the PDPTEs. */
#define CR4_PDPTE_BITS	(X86_CR4_PAE | X86_CR4_PGE | X86_CR4_PSE | \
			 X86_CR4_SMEP | X86_CR4_SMAP)

/* A present PAE PDPTE must have these clear (4.4.1 of volume 3A). */
#define PDPTE_RESERVED	(GENMASK_ULL(8, 5) | GENMASK_ULL(2, 1))

/*
 * With external-interrupt exiting, a host interrupt ends the guest's turn
 * whatever the guest's RFLAGS.IF (25.2). Bochs 2.7 gets this wrong when the
 * guest enters with IF clear: it leaves host interrupts blocked until the
 * guest changes IF, so a guest spinning with interrupts off would starve
 * the host. The VMX-preemption timer (25.5.1) bounds each turn as well.
 * On a real CPU the host's own timer tick (every 1-4 ms) exits first, and
 * the timer, restarted by each entry, never fires.
 */
static unsigned int vmx_slice_us = 10000;
module_param(vmx_slice_us, uint, 0444);
MODULE_PARM_DESC(vmx_slice_us,
		 "VMX: longest stay in the guest without an exit, in microseconds (0: no limit)");

/* What this CPU's VMX offers, and the controls hospes runs guests with. */
static struct {
	u32 revision;
	u32 pin, cpu, cpu2, exit, entry;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	int ept_levels;
	u64 eptp_ad;		/* VMX_EPTP_AD_ENABLE_BIT, if the CPU has it */
	bool invept_single;
	bool invept_global;
	bool invvpid_single;
	unsigned int msr_slots;	/* VMX_MSR_SLOTS with RDTSCP, else fewer */
	u32 slice;		/* VMX-preemption timer value, if used */
} vmx;

struct vmx_cpu {
	void *vmxon;			/* the VMXON region (24.11.5) */
	u64 vmxon_pa;
	bool enabled;
	/* VMCSs active on this CPU: each must be cleared before VMXOFF. */
	struct list_head vmcs_list;
	struct vmx_vcpu *current_vmcs;	/* the one VMPTRLD made current */
	u64 host_msrs[VMX_MSR_SLOTS];
};

static DEFINE_PER_CPU(struct vmx_cpu, vmx_cpu_data);

/* One MSR bitmap for every vCPU: what the guest may use without exits. */
static void *vmx_msr_bitmap;

/* VPIDs tag the guest's TLB entries (28.1); 0 is the host's. */
static DECLARE_BITMAP(vmx_vpids, VMX_NR_VPIDS);
static DEFINE_SPINLOCK(vmx_vpid_lock);

static const u32 vmx_msr_index[VMX_MSR_SLOTS] = {
	[VMX_MSR_STAR]		= MSR_STAR,
	[VMX_MSR_LSTAR]		= MSR_LSTAR,
	[VMX_MSR_CSTAR]		= MSR_CSTAR,
	[VMX_MSR_SFMASK]	= MSR_SYSCALL_MASK,
	[VMX_MSR_KERNEL_GS_BASE] = MSR_KERNEL_GS_BASE,
	[VMX_MSR_TSC_AUX]	= MSR_TSC_AUX,
};

/*
 * EPT entries: read, write and execute bits instead of present and R/W;
 * leaves carry the memory type, write-back like the host's mapping of
 * the same pages (28.3.7).
 */
static const struct hospes_tdp_format ept_format = {
	.present_mask	= VMX_EPT_RWX_MASK,
	.table_bits	= VMX_EPT_RWX_MASK,
	.leaf_bits	= VMX_EPT_READABLE_MASK | VMX_EPT_EXECUTABLE_MASK |
			  (VMX_EPTP_MT_WB << VMX_EPT_MT_EPTE_SHIFT),
	.write_bit	= VMX_EPT_WRITABLE_MASK,
	.large_bit	= EPT_LARGE_PAGE,
};

static int vmx_tdp_levels(void)
{
	return vmx.ept_levels;
}

/* The guest-state fields of each segment register, in VMCS order. */
enum vmx_seg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR,
	       SEG_TR, NR_SEGS };

static const struct {
	u32 selector, base, limit, ar;
} vmcs_seg[NR_SEGS] = {
#define VMCS_SEG(s) { GUEST_##s##_SELECTOR, GUEST_##s##_BASE, \
		      GUEST_##s##_LIMIT, GUEST_##s##_AR_BYTES }
	[SEG_ES]	= VMCS_SEG(ES),
	[SEG_CS]	= VMCS_SEG(CS),
	[SEG_SS]	= VMCS_SEG(SS),
	[SEG_DS]	= VMCS_SEG(DS),
	[SEG_FS]	= VMCS_SEG(FS),
	[SEG_GS]	= VMCS_SEG(GS),
	[SEG_LDTR]	= VMCS_SEG(LDTR),
	[SEG_TR]	= VMCS_SEG(TR),
#undef VMCS_SEG
};

/* ---- Per-CPU enabling ------------------------------------------------ */

/* VMXON needs CR0 and CR4 within the fixed bits (23.8). */
static bool host_crs_fit(void)
{
	u64 cr0 = read_cr0(), cr4 = __read_cr4() | X86_CR4_VMXE;

	return (cr0 & vmx.cr0_fixed0) == vmx.cr0_fixed0 &&
	       !(cr0 & ~vmx.cr0_fixed1) &&
	       (cr4 & vmx.cr4_fixed0) == vmx.cr4_fixed0 &&
	       !(cr4 & ~vmx.cr4_fixed1);
}

static void ept_flush_all(void)
{
	u64 desc[2] = { 0, 0 };

	if (vmx.invept_global)
		hospes_invept(VMX_EPT_EXTENT_GLOBAL, desc);
}

static int vmx_hardware_enable(void)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu_data);
	u64 feat;
	int i;

	/* VMXE already set: kvm_intel (or another hypervisor) has VMX. */
	if (__read_cr4() & X86_CR4_VMXE)
		return -EBUSY;
	rdmsrl(MSR_IA32_FEAT_CTL, feat);
	if (!(feat & FEAT_CTL_LOCKED) ||
	    !(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_err_once("CPU %d: VMX disabled by the firmware\n",
			    smp_processor_id());
		return -EIO;
	}
	if (!host_crs_fit()) {
		pr_err_once("CPU %d: CR0/CR4 outside the VMX fixed bits\n",
			    smp_processor_id());
		return -EIO;
	}

	cr4_set_bits(X86_CR4_VMXE);
	if (hospes_vmxon(&vc->vmxon_pa)) {
		cr4_clear_bits(X86_CR4_VMXE);
		return -EBUSY;
	}
	vc->enabled = true;
	vc->current_vmcs = NULL;
	/* Whoever used VMX here before may have left EPT mappings behind. */
	ept_flush_all();

	for (i = 0; i < VMX_MSR_SLOTS; i++)
		if (i != VMX_MSR_KERNEL_GS_BASE && i < vmx.msr_slots)
			rdmsrl(vmx_msr_index[i], vc->host_msrs[i]);
	return 0;
}

/*
 * Forget the VMCS on this CPU (24.11.3): its data goes back to memory, it
 * can be loaded anywhere next. Interrupts are off; only the CPU holding it
 * runs this.
 */
static void vmcs_clear_local(void *arg)
{
	struct vmx_vcpu *vx = arg;
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu_data);

	/* Already cleared (by this CPU going offline) since the IPI was sent. */
	if (READ_ONCE(vx->cpu) != smp_processor_id())
		return;
	hospes_vmclear(&vx->vmcs_pa);
	if (vc->current_vmcs == vx)
		vc->current_vmcs = NULL;
	list_del(&vx->cpu_link);
	vx->launched = false;
	/* The list and the launch state settle before another CPU loads it. */
	smp_wmb();
	WRITE_ONCE(vx->cpu, -1);
}

static void vmx_hardware_disable(void)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu_data);
	struct vmx_vcpu *vx, *tmp;
	unsigned long flags;

	local_irq_save(flags);
	list_for_each_entry_safe(vx, tmp, &vc->vmcs_list, cpu_link)
		vmcs_clear_local(vx);
	vc->enabled = false;
	hospes_vmxoff();
	cr4_clear_bits(X86_CR4_VMXE);
	local_irq_restore(flags);
}

/* ---- Loading a VMCS -------------------------------------------------- */

/* Clear the VMCS on whichever CPU has it active. Interrupts on. */
void vmx_clear_remote(struct vmx_vcpu *vx)
{
	int cpu;

	lockdep_assert_irqs_enabled();
	while ((cpu = READ_ONCE(vx->cpu)) >= 0)
		smp_call_function_single(cpu, vmcs_clear_local, vx, 1);
	/* Pairs with the barrier in vmcs_clear_local(). */
	smp_rmb();
}

/*
 * Host state that differs between CPUs (24.5, 26.2.3): the per-CPU GDT, TSS
 * and GS base, the SYSENTER stack, and the MSRs the exit's load area puts
 * back.
 */
static void set_host_cpu_state(struct vmx_vcpu *vx, int cpu)
{
	struct vmx_cpu *vc = per_cpu_ptr(&vmx_cpu_data, cpu);
	struct desc_ptr idt;
	u64 v;
	int i;

	vmcs_write(HOST_TR_BASE,
		   (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	vmcs_write(HOST_GDTR_BASE, (unsigned long)get_current_gdt_ro());
	store_idt(&idt);
	vmcs_write(HOST_IDTR_BASE, idt.address);
	rdmsrl(MSR_GS_BASE, v);
	vmcs_write(HOST_GS_BASE, v);
	rdmsrl(MSR_IA32_SYSENTER_CS, v);
	vmcs_write(HOST_IA32_SYSENTER_CS, v);
	rdmsrl(MSR_IA32_SYSENTER_ESP, v);
	vmcs_write(HOST_IA32_SYSENTER_ESP, v);
	rdmsrl(MSR_IA32_SYSENTER_EIP, v);
	vmcs_write(HOST_IA32_SYSENTER_EIP, v);
	for (i = 0; i < vmx.msr_slots; i++)
		if (i != VMX_MSR_KERNEL_GS_BASE)
			vx->host_msrs[i].value = vc->host_msrs[i];
}

/*
 * Make the vCPU's VMCS the current one on this CPU, preemption disabled.
 * A VMCS active on another CPU must first be cleared there, which takes
 * an IPI and so interrupts enabled: without may_ipi, give up and return
 * false. Also false if VMX is off here (a CPU going offline).
 */
static bool vmx_load(struct vmx_vcpu *vx, bool may_ipi)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu_data);
	int cpu = smp_processor_id();
	unsigned long flags;

	if (vc->current_vmcs == vx)
		return true;
	if (!vc->enabled)
		return false;
	if (READ_ONCE(vx->cpu) == cpu) {
		hospes_vmptrld(&vx->vmcs_pa);
		vc->current_vmcs = vx;
		return true;
	}
	if (READ_ONCE(vx->cpu) >= 0) {
		if (!may_ipi)
			return false;
		vmx_clear_remote(vx);
	}

	local_irq_save(flags);
	list_add(&vx->cpu_link, &vc->vmcs_list);
	WRITE_ONCE(vx->cpu, cpu);
	hospes_vmptrld(&vx->vmcs_pa);
	vc->current_vmcs = vx;
	local_irq_restore(flags);

	set_host_cpu_state(vx, cpu);
	/*
	 * Guest-physical and combined mappings of this VM that this CPU
	 * cached when a vCPU last ran here may be stale (28.3.3.1).
	 */
	vx->flush_ept = true;
	return true;
}

/*
 * Bracket every VMCS access outside the run path: the VMCS is current on
 * this CPU, and stays so, until vmx_vcpu_put().
 */
void vmx_vcpu_get(struct vmx_vcpu *vx)
{
	preempt_disable();
	if (!vmx_load(vx, true))
		pr_warn_ratelimited("CPU %d: VMX is off, the VMCS cannot be loaded\n",
				    smp_processor_id());
}

void vmx_vcpu_put(struct vmx_vcpu *vx)
{
	preempt_enable();
}

/* ---- TLB ------------------------------------------------------------- */

static u64 vmx_eptp(struct hospes_vcpu *vcpu)
{
	return hospes_tdp_root_pa(&vcpu->vm->tdp) | VMX_EPTP_MT_WB |
	       ((u64)(vmx.ept_levels - 1) << 3) | vmx.eptp_ad;
}

/*
 * Before entry: INVEPT when EPT tables changed (or may be stale here): it
 * drops the guest-physical and combined mappings of this EPTP, this
 * vCPU's own translations among them. INVVPID when only the vCPU's own
 * paging state changed (28.3.3.3). With EPT on, no linear mappings exist.
 */
static void vmx_flush(struct hospes_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u64 desc[2] = { 0, 0 };

	if (vx->flush_ept) {
		desc[0] = vmx_eptp(vcpu);
		hospes_invept(vmx.invept_single ? VMX_EPT_EXTENT_CONTEXT :
			      VMX_EPT_EXTENT_GLOBAL, desc);
	} else if (vx->flush_vpid && vx->vpid) {
		desc[0] = vx->vpid;
		hospes_invvpid(vmx.invvpid_single ?
			       VMX_VPID_EXTENT_SINGLE_CONTEXT :
			       VMX_VPID_EXTENT_ALL_CONTEXT, desc);
	}
	/* Without a VPID, every entry and exit flushes (28.3.3.3). */
	vx->flush_ept = false;
	vx->flush_vpid = false;
}

static u16 vpid_alloc(void)
{
	unsigned long vpid;

	if (!(vmx.cpu2 & SECONDARY_EXEC_ENABLE_VPID))
		return 0;
	spin_lock(&vmx_vpid_lock);
	vpid = find_first_zero_bit(vmx_vpids, VMX_NR_VPIDS);
	if (vpid < VMX_NR_VPIDS)
		__set_bit(vpid, vmx_vpids);
	else
		vpid = 0;	/* all taken: this vCPU runs without one */
	spin_unlock(&vmx_vpid_lock);
	return vpid;
}

static void vpid_free(u16 vpid)
{
	if (!vpid)
		return;
	spin_lock(&vmx_vpid_lock);
	__clear_bit(vpid, vmx_vpids);
	spin_unlock(&vmx_vpid_lock);
}

/* ---- Control registers ----------------------------------------------- */

/*
 * The guest's CR0 and CR4 as it sees them: bits it owns from the register,
 * the others from the read shadow (24.6.6). VMCS loaded.
 */
u64 vmx_guest_cr0(void)
{
	return (vmcs_read(GUEST_CR0) & CR0_GUEST_OWNED) |
	       (vmcs_read(CR0_READ_SHADOW) & ~CR0_GUEST_OWNED);
}

u64 vmx_guest_cr4(void)
{
	u64 owned = hospes_cr4_allowed();

	return (vmcs_read(GUEST_CR4) & owned) |
	       (vmcs_read(CR4_READ_SHADOW) & ~owned);
}

/*
 * The real registers behind them: the VMX fixed bits set (NE in CR0, VMXE
 * in CR4), but PE and PG as the guest has them (unrestricted guest, 26.3.1.1),
 * and never CD or NW.
 */
static u64 real_cr0(u64 cr0)
{
	u64 fixed0 = vmx.cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);

	return ((cr0 & ~(X86_CR0_CD | X86_CR0_NW)) | fixed0) &
	       (vmx.cr0_fixed1 | X86_CR0_PE | X86_CR0_PG);
}

static u64 real_cr4(u64 cr4)
{
	return (cr4 | vmx.cr4_fixed0) & vmx.cr4_fixed1;
}

static void write_guest_cr0(u64 cr0)
{
	vmcs_write(CR0_READ_SHADOW, cr0);
	vmcs_write(GUEST_CR0, real_cr0(cr0));
}

static void write_guest_cr4(u64 cr4)
{
	vmcs_write(CR4_READ_SHADOW, cr4);
	vmcs_write(GUEST_CR4, real_cr4(cr4));
}

/* EFER.LMA lives twice: in the guest's EFER and the IA-32e entry control. */
static void write_efer(u64 efer)
{
	u32 entry = vmcs_read(VM_ENTRY_CONTROLS);

	vmcs_write(GUEST_IA32_EFER, efer);
	if (efer & EFER_LMA)
		entry |= VM_ENTRY_IA32E_MODE;
	else
		entry &= ~VM_ENTRY_IA32E_MODE;
	vmcs_write(VM_ENTRY_CONTROLS, entry);
}

static bool pae_paging(u64 cr0, u64 cr4, u64 efer)
{
	return (cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & EFER_LMA);
}

/*
 * PAE paging keeps four PDPTEs in the CPU, loaded by MOV to CR0/CR3/CR4.
 * With EPT, VM entry takes them from the VMCS (26.3.2.4), so whenever
 * hospes does such a load for the guest it reads them itself. A present
 * one with reserved bits set is #GP for the instruction: -EINVAL.
 */
static int read_pdptes(struct hospes_vcpu *vcpu, u64 cr3, u64 pdpte[4])
{
	u64 high = GENMASK_ULL(63, boot_cpu_data.x86_phys_bits);
	int i;

	if (hospes_read_guest(vcpu->vm, cr3 & GENMASK_ULL(31, 5), pdpte,
			      4 * sizeof(u64)))
		return -EINVAL;
	for (i = 0; i < 4; i++)
		if ((pdpte[i] & 1) && (pdpte[i] & (PDPTE_RESERVED | high)))
			return -EINVAL;
	return 0;
}

static void write_pdptes(const u64 pdpte[4])
{
	vmcs_write(GUEST_PDPTR0, pdpte[0]);
	vmcs_write(GUEST_PDPTR1, pdpte[1]);
	vmcs_write(GUEST_PDPTR2, pdpte[2]);
	vmcs_write(GUEST_PDPTR3, pdpte[3]);
}

/*
 * MOV to CR0 emulated, for the bits the guest does not own: the checks
 * the instruction makes (#GP: -EINVAL), then IA-32e mode switched on or
 * off as EFER.LME says when PG changes.
 */
int vmx_set_cr0(struct hospes_vcpu *vcpu, u64 cr0)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u64 old, cr3, cr4, efer, pdpte[4] = { 0 };
	bool cs_l, load_pdptes;

	vmx_vcpu_get(vx);
	old = vmx_guest_cr0();
	cr3 = vmcs_read(GUEST_CR3);
	cr4 = vmx_guest_cr4();
	efer = vmcs_read(GUEST_IA32_EFER);
	cs_l = vmcs_read(GUEST_CS_AR_BYTES) & VMX_AR_L_MASK;
	vmx_vcpu_put(vx);

	if (cr0 >> 32 || ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD)) ||
	    ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE)))
		return -EINVAL;
	if (!(old & X86_CR0_PG) && (cr0 & X86_CR0_PG) && (efer & EFER_LME)) {
		/* Entering IA-32e mode needs PAE, and not from 64-bit code. */
		if (!(cr4 & X86_CR4_PAE) || cs_l)
			return -EINVAL;
		efer |= EFER_LMA;
	} else if ((old & X86_CR0_PG) && !(cr0 & X86_CR0_PG) &&
		   (efer & EFER_LMA)) {
		/* Leaving it only from compatibility mode. */
		if (cs_l)
			return -EINVAL;
		efer &= ~EFER_LMA;
	}
	load_pdptes = pae_paging(cr0, cr4, efer) &&
		      ((old ^ cr0) & (X86_CR0_PG | X86_CR0_CD | X86_CR0_NW));
	if (load_pdptes && read_pdptes(vcpu, cr3, pdpte))
		return -EINVAL;

	vmx_vcpu_get(vx);
	write_guest_cr0(cr0);
	if ((old ^ cr0) & X86_CR0_PG)
		write_efer(efer);
	if (load_pdptes)
		write_pdptes(pdpte);
	vmx_vcpu_put(vx);
	if ((old ^ cr0) & (X86_CR0_PG | X86_CR0_PE | X86_CR0_WP))
		vx->flush_vpid = true;
	return 0;
}

/* MOV to CR4 emulated: only bits the guest may not set make it exit. */
int vmx_set_cr4(struct hospes_vcpu *vcpu, u64 cr4)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u64 old, cr0, cr3, efer, pdpte[4] = { 0 };
	bool load_pdptes;

	if (cr4 & ~hospes_cr4_allowed())
		return -EINVAL;
	vmx_vcpu_get(vx);
	old = vmx_guest_cr4();
	cr0 = vmx_guest_cr0();
	cr3 = vmcs_read(GUEST_CR3);
	efer = vmcs_read(GUEST_IA32_EFER);
	vmx_vcpu_put(vx);

	if ((efer & EFER_LMA) &&
	    (!(cr4 & X86_CR4_PAE) || ((old ^ cr4) & X86_CR4_LA57)))
		return -EINVAL;
	load_pdptes = pae_paging(cr0, cr4, efer) &&
		      ((old ^ cr4) & CR4_PDPTE_BITS);
	if (load_pdptes && read_pdptes(vcpu, cr3, pdpte))
		return -EINVAL;

	vmx_vcpu_get(vx);
	write_guest_cr4(cr4);
	if (load_pdptes)
		write_pdptes(pdpte);
	vmx_vcpu_put(vx);
	vx->flush_vpid = true;
	return 0;
}

/* MOV to CR3 emulated: exits only on CPUs that force CR3-load exiting. */
int vmx_set_cr3(struct hospes_vcpu *vcpu, u64 cr3)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u64 cr0, cr4, efer, pdpte[4] = { 0 };
	bool load_pdptes;

	if (cr3 >> boot_cpu_data.x86_phys_bits)
		return -EINVAL;
	vmx_vcpu_get(vx);
	cr0 = vmx_guest_cr0();
	cr4 = vmx_guest_cr4();
	efer = vmcs_read(GUEST_IA32_EFER);
	vmx_vcpu_put(vx);

	load_pdptes = pae_paging(cr0, cr4, efer);
	if (load_pdptes && read_pdptes(vcpu, cr3, pdpte))
		return -EINVAL;

	vmx_vcpu_get(vx);
	vmcs_write(GUEST_CR3, cr3);
	if (load_pdptes)
		write_pdptes(pdpte);
	vmx_vcpu_put(vx);
	vx->flush_vpid = true;
	return 0;
}

/* ---- The VMCS -------------------------------------------------------- */

static void set_seg(enum vmx_seg seg, u16 sel, u32 ar, u32 limit, u64 base)
{
	vmcs_write(vmcs_seg[seg].selector, sel);
	vmcs_write(vmcs_seg[seg].ar, ar);
	vmcs_write(vmcs_seg[seg].limit, limit);
	vmcs_write(vmcs_seg[seg].base, base);
}

/* The architectural reset state (INIT), as a new CPU comes up. VMCS loaded. */
static void init_guest_state(struct hospes_vcpu *vcpu)
{
	static const u64 no_pdptes[4];
	int seg;

	for (seg = 0; seg < NR_SEGS; seg++)
		set_seg(seg, 0, AR_DATA16, 0xffff, 0);
	set_seg(SEG_CS, 0xf000, AR_CODE16, 0xffff, 0xffff0000);
	set_seg(SEG_LDTR, 0, AR_LDT, 0xffff, 0);
	set_seg(SEG_TR, 0, AR_TSS_BUSY, 0xffff, 0);
	vmcs_write(GUEST_GDTR_BASE, 0);
	vmcs_write(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_write(GUEST_IDTR_BASE, 0);
	vmcs_write(GUEST_IDTR_LIMIT, 0xffff);

	write_guest_cr0(RESET_CR0);
	vmcs_write(GUEST_CR3, 0);
	write_guest_cr4(0);
	write_efer(0);
	write_pdptes(no_pdptes);
	vmcs_write(GUEST_IA32_PAT, DEFAULT_PAT);
	vmcs_write(GUEST_DR7, RESET_DR7);
	vmcs_write(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(GUEST_SYSENTER_CS, 0);
	vmcs_write(GUEST_SYSENTER_ESP, 0);
	vmcs_write(GUEST_SYSENTER_EIP, 0);
	vmcs_write(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write(GUEST_PENDING_DBG_EXCEPTIONS, 0);
}

/* Host state the same on every CPU and for every entry (24.5). */
static void init_host_state(void)
{
	u64 v;

	vmcs_write(HOST_CR0, read_cr0());
	vmcs_write(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write(HOST_SS_SELECTOR, __KERNEL_DS);
	/*
	 * Selectors with RPL 3 (the user's DS, ES) are not allowed here
	 * (26.2.3): the exit loads null ones and hospes puts the user's back.
	 */
	vmcs_write(HOST_DS_SELECTOR, 0);
	vmcs_write(HOST_ES_SELECTOR, 0);
	vmcs_write(HOST_FS_SELECTOR, 0);
	vmcs_write(HOST_GS_SELECTOR, 0);
	vmcs_write(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	vmcs_write(HOST_RIP, (unsigned long)hospes_vmx_vmexit);
	rdmsrl(MSR_IA32_CR_PAT, v);
	vmcs_write(HOST_IA32_PAT, v);
	rdmsrl(MSR_EFER, v);
	vmcs_write(HOST_IA32_EFER, v);
}

static void init_controls(struct hospes_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u32 cpu2 = vmx.cpu2;

	if (!vx->vpid)
		cpu2 &= ~SECONDARY_EXEC_ENABLE_VPID;
	/* No shadow VMCS behind this one (24.4.2). */
	vmcs_write(VMCS_LINK_POINTER, -1ULL);
	vmcs_write(PIN_BASED_VM_EXEC_CONTROL, vmx.pin);
	vx->cpu_based = vmx.cpu;
	vx->cpu_based_vmcs = vmx.cpu;
	vmcs_write(CPU_BASED_VM_EXEC_CONTROL, vmx.cpu);
	vmcs_write(SECONDARY_VM_EXEC_CONTROL, cpu2);
	vmcs_write(VM_EXIT_CONTROLS, vmx.exit);
	vmcs_write(VM_ENTRY_CONTROLS, vmx.entry);
	vmcs_write(EXCEPTION_BITMAP, 0);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write(CR3_TARGET_COUNT, 0);
	vmcs_write(CR0_GUEST_HOST_MASK, ~CR0_GUEST_OWNED);
	vmcs_write(CR4_GUEST_HOST_MASK, ~hospes_cr4_allowed());
	vmcs_write(MSR_BITMAP, __pa(vmx_msr_bitmap));
	vmcs_write(VM_EXIT_MSR_STORE_ADDR, __pa(vx->guest_msrs));
	vmcs_write(VM_EXIT_MSR_STORE_COUNT, VMX_MSR_STORED);
	vmcs_write(VM_EXIT_MSR_LOAD_ADDR, __pa(vx->host_msrs));
	vmcs_write(VM_EXIT_MSR_LOAD_COUNT, vmx.msr_slots);
	vmcs_write(VM_ENTRY_MSR_LOAD_ADDR, __pa(vx->guest_msrs));
	vmcs_write(VM_ENTRY_MSR_LOAD_COUNT, vmx.msr_slots);
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_write(EPT_POINTER, vmx_eptp(vcpu));
	if (vx->vpid)
		vmcs_write(VIRTUAL_PROCESSOR_ID, vx->vpid);
	vmcs_write(TSC_OFFSET, vx->tsc_offset);
	/* Without "save VMX-preemption timer value", every entry starts it anew. */
	if (vmx.pin & PIN_BASED_VMX_PREEMPTION_TIMER)
		vmcs_write(VMX_PREEMPTION_TIMER_VALUE, vmx.slice);
}

static void vmx_vcpu_reset(struct hospes_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	int i;

	vmx_vcpu_get(vx);
	init_controls(vcpu);
	init_host_state();
	init_guest_state(vcpu);
	vmx_vcpu_put(vx);

	/* A reset does not set the TSC back: tsc_offset stays. */
	vx->host_cr3 = 0;
	vx->host_cr4 = 0;
	vx->intr_state = 0;
	vx->inject = 0;
	vx->cr2 = 0;
	vx->cr8 = 0;
	vx->owns_debug_regs = false;
	memset(vx->db, 0, sizeof(vx->db));
	vx->dr6 = RESET_DR6;
	for (i = 0; i < VMX_MSR_SLOTS; i++)
		vx->guest_msrs[i].value = 0;
	vx->flush_vpid = true;
}

static int vmx_vcpu_create(struct hospes_vcpu *vcpu)
{
	struct vmx_vcpu *vx;
	struct page *vmcs, *msrs;
	int i;

	vx = kzalloc(sizeof(*vx), GFP_KERNEL_ACCOUNT);
	if (!vx)
		return -ENOMEM;
	vmcs = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!vmcs)
		goto err_vx;
	msrs = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!msrs)
		goto err_vmcs;

	vx->vmcs = page_address(vmcs);
	vx->vmcs_pa = page_to_phys(vmcs);
	/* The region starts with the revision identifier (24.2). */
	*(u32 *)vx->vmcs = vmx.revision;
	vx->guest_msrs = page_address(msrs);
	vx->host_msrs = vx->guest_msrs + VMX_MSR_SLOTS;
	for (i = 0; i < VMX_MSR_SLOTS; i++) {
		vx->guest_msrs[i].index = vmx_msr_index[i];
		vx->host_msrs[i].index = vmx_msr_index[i];
	}
	vx->cpu = -1;
	INIT_LIST_HEAD(&vx->cpu_link);
	vx->vpid = vpid_alloc();
	/* One offset for the whole VM: its vCPUs' TSCs agree. */
	vx->tsc_offset = vcpu->vm->tsc_offset;
	vcpu->arch = vx;

	/* A new VMCS is cleared once before its first VMPTRLD (24.11.3). */
	hospes_vmclear(&vx->vmcs_pa);
	return 0;

err_vmcs:
	__free_page(vmcs);
err_vx:
	kfree(vx);
	return -ENOMEM;
}

static void vmx_vcpu_free(struct hospes_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);

	vmx_clear_remote(vx);
	vpid_free(vx->vpid);
	free_page((unsigned long)vx->guest_msrs);
	free_page((unsigned long)vx->vmcs);
	kfree(vx);
}

/* ---- Entering the guest ---------------------------------------------- */

/*
 * Host segment registers VM exit does not restore as they were (27.5.2):
 * DS, ES, FS and GS come back null (or with the kernel's GS base), and
 * LDTR unusable. Most tasks have them null anyway.
 */
struct host_segs {
	u16 ds, es, fs, gs, ldt;
	unsigned long fs_base;
};

static void save_host_segs(struct vmx_vcpu *vx, struct host_segs *h)
{
	savesegment(ds, h->ds);
	savesegment(es, h->es);
	savesegment(fs, h->fs);
	savesegment(gs, h->gs);
	store_ldt(h->ldt);
	h->fs_base = x86_fsbase_read_cpu();
	vmcs_write(HOST_FS_BASE, h->fs_base);
	/* The user's GS base, as long as the kernel runs: put back on exit. */
	rdmsrl(MSR_KERNEL_GS_BASE, vx->host_msrs[VMX_MSR_KERNEL_GS_BASE].value);
}

static void restore_host_segs(struct vmx_vcpu *vx, const struct host_segs *h)
{
	if (unlikely(h->ldt))
		hospes_lldt(h->ldt);
	if (h->ds)
		loadsegment(ds, h->ds);
	if (h->es)
		loadsegment(es, h->es);
	if (unlikely(h->fs)) {
		/* Loading the selector loads the base from the descriptor. */
		loadsegment(fs, h->fs);
		wrmsrl(MSR_FS_BASE, h->fs_base);
	}
	if (unlikely(h->gs)) {
		load_gs_index(h->gs);
		wrmsrl(MSR_KERNEL_GS_BASE,
		       vx->host_msrs[VMX_MSR_KERNEL_GS_BASE].value);
	}
}

static bool exception_has_error(u8 vector)
{
	return vector == X86_TRAP_DF || vector == X86_TRAP_TS ||
	       vector == X86_TRAP_NP || vector == X86_TRAP_SS ||
	       vector == X86_TRAP_GP || vector == X86_TRAP_PF ||
	       vector == X86_TRAP_AC;
}

/* Guest state the run loop keeps in vcpu and vx, into the VMCS. */
static void write_entry_state(struct hospes_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u32 inject = vx->inject, intr_state = vx->intr_state;

	vmcs_write(GUEST_RIP, vcpu->rip);
	vmcs_write(GUEST_RSP, vcpu->gpr[HOSPES_RSP]);
	vmcs_write(GUEST_RFLAGS, vcpu->rflags);

	if (inject & INTR_INFO_VALID_MASK) {
		/*
		 * An entry that delivers an event leaves no interrupt shadow
		 * (26.6.1); an external interrupt must not even find one in
		 * the VMCS (26.3.1.5).
		 */
		intr_state &= ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS);
		/*
		 * An exception pushes an error code in protected mode only,
		 * and for its own vectors: the entry refuses anything else
		 * (26.2.1.3).
		 */
		inject &= ~INTR_INFO_DELIVER_CODE_MASK;
		if ((inject & INTR_INFO_INTR_TYPE_MASK) ==
		    INTR_TYPE_HARD_EXCEPTION &&
		    exception_has_error(inject & INTR_INFO_VECTOR_MASK) &&
		    (vmcs_read(GUEST_CR0) & X86_CR0_PE)) {
			inject |= INTR_INFO_DELIVER_CODE_MASK;
			vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE,
				   vx->inject_error);
		}
	} else if ((intr_state & GUEST_INTR_STATE_STI) &&
		   !(vcpu->rflags & X86_EFLAGS_IF)) {
		/* STI blocking needs IF (26.3.1.5): keep the shadow as MOV SS's. */
		intr_state ^= GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS;
	}
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO, intr_state);
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, inject);
	if (vx->cpu_based != vx->cpu_based_vmcs) {
		vmcs_write(CPU_BASED_VM_EXEC_CONTROL, vx->cpu_based);
		vx->cpu_based_vmcs = vx->cpu_based;
	}
}

static void write_host_entry_state(struct hospes_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	unsigned long cr3 = __read_cr3(), cr4 = __read_cr4();

	/* CR3 follows the task (and its PCID), CR4 may differ between CPUs. */
	if (cr3 != vx->host_cr3) {
		vmcs_write(HOST_CR3, cr3);
		vx->host_cr3 = cr3;
	}
	if (cr4 != vx->host_cr4) {
		vmcs_write(HOST_CR4, cr4);
		vx->host_cr4 = cr4;
	}
	if (vmx.msr_slots > VMX_MSR_TSC_AUX)
		vx->guest_msrs[VMX_MSR_TSC_AUX].value = vcpu->tsc_aux;
}

static void load_guest_debug_regs(struct vmx_vcpu *vx)
{
	set_debugreg(vx->db[0], 0);
	set_debugreg(vx->db[1], 1);
	set_debugreg(vx->db[2], 2);
	set_debugreg(vx->db[3], 3);
	set_debugreg(vx->dr6, 6);
}

static void save_guest_debug_regs(struct vmx_vcpu *vx)
{
	get_debugreg(vx->db[0], 0);
	get_debugreg(vx->db[1], 1);
	get_debugreg(vx->db[2], 2);
	get_debugreg(vx->db[3], 3);
	get_debugreg(vx->dr6, 6);
	/* The host's #DB handler expects DR6 in its resting state. */
	set_debugreg(DR6_RESERVED, 6);
}

/* After an exit: what it reports, and the guest state the core keeps. */
static void read_exit_state(struct hospes_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	struct vmx_exit_info *e = &vx->exit;
	u32 basic, idt;

	e->reason = vmcs_read(VM_EXIT_REASON);
	e->qual = vmcs_read(EXIT_QUALIFICATION);
	/* A failed entry entered nothing: the injection is still to come. */
	if (e->reason & VMX_EXIT_REASONS_FAILED_VMENTRY)
		return;
	vx->launched = true;
	basic = e->reason & 0xffff;
	e->intr_info = vmcs_read(VM_EXIT_INTR_INFO);
	if (basic == EXIT_REASON_EXCEPTION_NMI &&
	    (e->intr_info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
		hospes_vmx_do_nmi();
	e->insn_len = vmcs_read(VM_EXIT_INSTRUCTION_LEN);
	if (basic == EXIT_REASON_EPT_VIOLATION ||
	    basic == EXIT_REASON_EPT_MISCONFIG)
		e->gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);

	vcpu->rip = vmcs_read(GUEST_RIP);
	vcpu->gpr[HOSPES_RSP] = vmcs_read(GUEST_RSP);
	vcpu->rflags = vmcs_read(GUEST_RFLAGS);
	vx->intr_state = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);

	/*
	 * An event whose delivery the exit interrupted is delivered again on
	 * the next entry (27.2.4). A software interrupt or exception is not:
	 * its instruction is still at RIP and runs again.
	 */
	vx->inject = 0;
	idt = vmcs_read(IDT_VECTORING_INFO_FIELD);
	if ((idt & VECTORING_INFO_VALID_MASK) &&
	    ((idt & VECTORING_INFO_TYPE_MASK) == INTR_TYPE_EXT_INTR ||
	     (idt & VECTORING_INFO_TYPE_MASK) == INTR_TYPE_HARD_EXCEPTION)) {
		vx->inject = idt & (VECTORING_INFO_VECTOR_MASK |
				    VECTORING_INFO_TYPE_MASK |
				    VECTORING_INFO_DELIVER_CODE_MASK |
				    VECTORING_INFO_VALID_MASK);
		vx->inject_error = vmcs_read(IDT_VECTORING_ERROR_CODE);
	}
}

static void vmx_vcpu_enter(struct hospes_vcpu *vcpu, bool flush_tlb)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	unsigned long debugctl;
	struct host_segs host;
	int ret;

	vx->flush_ept |= flush_tlb;
	vx->vmfail = false;
	/*
	 * Still active on the CPU the vCPU last ran on: it must be cleared
	 * there first, which needs interrupts. vmx_handle_exit() does it, and
	 * the run loop comes back.
	 */
	vx->not_entered = !vmx_load(vx, false);
	if (vx->not_entered)
		return;

	vmx_flush(vcpu);
	write_host_entry_state(vcpu);
	write_entry_state(vcpu);
	save_host_segs(vx, &host);
	debugctl = get_debugctlmsr();
	if (native_read_cr2() != vx->cr2)
		native_write_cr2(vx->cr2);
	if (vx->owns_debug_regs)
		load_guest_debug_regs(vx);

	ret = hospes_vmx_vmrun(vcpu->gpr, vx->launched);

	vx->cr2 = native_read_cr2();
	restore_host_segs(vx, &host);
	/* VM exit leaves the GDT limit at 0xffff and TR's at 0x67 (27.5.2). */
	load_fixmap_gdt(smp_processor_id());
	invalidate_tss_limit();
	/* It clears IA32_DEBUGCTL and DR7 (27.5.1): put live ones back. */
	if (debugctl)
		update_debugctlmsr(debugctl);
	if (vx->owns_debug_regs)
		save_guest_debug_regs(vx);
	if (hw_breakpoint_active())
		hw_breakpoint_restore();

	if (ret) {
		vx->vmfail = true;
		vx->exit.insn_error = vmcs_read(VM_INSTRUCTION_ERROR);
		return;
	}
	read_exit_state(vcpu);
}

/* ---- Registers ------------------------------------------------------- */

static void seg_from_vmcs(enum vmx_seg seg, struct hospes_segment *s)
{
	u32 ar = vmcs_read(vmcs_seg[seg].ar);

	s->base = vmcs_read(vmcs_seg[seg].base);
	s->limit = vmcs_read(vmcs_seg[seg].limit);
	s->selector = vmcs_read(vmcs_seg[seg].selector);
	s->type = ar & VMX_AR_TYPE_MASK;
	s->s = !!(ar & VMX_AR_S_MASK);
	s->dpl = VMX_AR_DPL(ar);
	s->present = !!(ar & VMX_AR_P_MASK);
	s->avl = !!(ar & VMX_AR_AVL);
	s->l = !!(ar & VMX_AR_L_MASK);
	s->db = !!(ar & VMX_AR_DB_MASK);
	s->g = !!(ar & VMX_AR_G_MASK);
	s->unusable = !!(ar & VMX_AR_UNUSABLE_MASK);
}

/*
 * A segment that is not present is unusable to VMX (24.4.1); its other
 * attributes stay, the DPL of SS above all, which is the CPL.
 */
static void seg_to_vmcs(const struct hospes_segment *s, enum vmx_seg seg)
{
	u32 ar = (s->type & VMX_AR_TYPE_MASK) |
		 (s->s ? VMX_AR_S_MASK : 0) |
		 ((s->dpl & 3) << VMX_AR_DPL_SHIFT) |
		 (s->present ? VMX_AR_P_MASK : 0) |
		 (s->avl ? VMX_AR_AVL : 0) |
		 (s->l ? VMX_AR_L_MASK : 0) |
		 (s->db ? VMX_AR_DB_MASK : 0) |
		 (s->g ? VMX_AR_G_MASK : 0) |
		 (s->unusable || !s->present ? VMX_AR_UNUSABLE_MASK : 0);

	set_seg(seg, s->selector, ar, s->limit, s->base);
}

static void vmx_get_sregs(struct hospes_vcpu *vcpu, struct hospes_sregs *s)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);

	vmx_vcpu_get(vx);
	seg_from_vmcs(SEG_CS, &s->cs);
	seg_from_vmcs(SEG_DS, &s->ds);
	seg_from_vmcs(SEG_ES, &s->es);
	seg_from_vmcs(SEG_FS, &s->fs);
	seg_from_vmcs(SEG_GS, &s->gs);
	seg_from_vmcs(SEG_SS, &s->ss);
	seg_from_vmcs(SEG_TR, &s->tr);
	seg_from_vmcs(SEG_LDTR, &s->ldt);
	s->gdt.base = vmcs_read(GUEST_GDTR_BASE);
	s->gdt.limit = vmcs_read(GUEST_GDTR_LIMIT);
	s->idt.base = vmcs_read(GUEST_IDTR_BASE);
	s->idt.limit = vmcs_read(GUEST_IDTR_LIMIT);
	s->cr0 = vmx_guest_cr0();
	s->cr3 = vmcs_read(GUEST_CR3);
	s->cr4 = vmx_guest_cr4();
	s->efer = vmcs_read(GUEST_IA32_EFER);
	vmx_vcpu_put(vx);
	s->cr2 = vx->cr2;
	s->cr8 = vx->cr8;
}

static int vmx_set_sregs(struct hospes_vcpu *vcpu, const struct hospes_sregs *s)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u64 pdpte[4] = { 0 };
	int ret;

	ret = hospes_sregs_check(s);
	if (ret)
		return ret;
	/*
	 * PAE paging takes its PDPTEs from the VMCS. Unreadable ones (memory
	 * not set up yet) enter as not present, as SVM would find them.
	 */
	if (pae_paging(s->cr0, s->cr4, s->efer) &&
	    read_pdptes(vcpu, s->cr3, pdpte))
		memset(pdpte, 0, sizeof(pdpte));

	vmx_vcpu_get(vx);
	seg_to_vmcs(&s->cs, SEG_CS);
	seg_to_vmcs(&s->ds, SEG_DS);
	seg_to_vmcs(&s->es, SEG_ES);
	seg_to_vmcs(&s->fs, SEG_FS);
	seg_to_vmcs(&s->gs, SEG_GS);
	seg_to_vmcs(&s->ss, SEG_SS);
	seg_to_vmcs(&s->tr, SEG_TR);
	seg_to_vmcs(&s->ldt, SEG_LDTR);
	vmcs_write(GUEST_GDTR_BASE, s->gdt.base);
	vmcs_write(GUEST_GDTR_LIMIT, s->gdt.limit);
	vmcs_write(GUEST_IDTR_BASE, s->idt.base);
	vmcs_write(GUEST_IDTR_LIMIT, s->idt.limit);
	write_guest_cr0(s->cr0);
	vmcs_write(GUEST_CR3, s->cr3);
	write_guest_cr4(s->cr4);
	write_efer(s->efer);
	write_pdptes(pdpte);
	vmx_vcpu_put(vx);
	vx->cr2 = s->cr2;
	vx->cr8 = s->cr8;
	/* New page tables: stale translations must go. */
	vx->flush_vpid = true;
	return 0;
}

/* MSRs the VMCS holds in a guest-state field. */
static unsigned long msr_field(u32 index)
{
	switch (index) {
	case MSR_FS_BASE:		return GUEST_FS_BASE;
	case MSR_GS_BASE:		return GUEST_GS_BASE;
	case MSR_IA32_SYSENTER_CS:	return GUEST_SYSENTER_CS;
	case MSR_IA32_SYSENTER_ESP:	return GUEST_SYSENTER_ESP;
	case MSR_IA32_SYSENTER_EIP:	return GUEST_SYSENTER_EIP;
	case MSR_IA32_CR_PAT:		return GUEST_IA32_PAT;
	default:			return 0;
	}
}

/* MSRs in the guest's MSR area (no VMCS needed). */
static int msr_slot(u32 index)
{
	int i;

	for (i = 0; i < VMX_MSR_STORED; i++)
		if (vmx_msr_index[i] == index)
			return i;
	return -1;
}

static int vmx_get_msr(struct hospes_vcpu *vcpu, u32 index, u64 *data)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	unsigned long field = msr_field(index);
	int slot = msr_slot(index);

	if (slot >= 0) {
		*data = vx->guest_msrs[slot].value;
		return 0;
	}
	if (index == MSR_IA32_TSC) {
		*data = rdtsc() + vx->tsc_offset;
		return 0;
	}
	if (index == MSR_EFER)
		field = GUEST_IA32_EFER;
	if (!field)
		return -ENOENT;
	vmx_vcpu_get(vx);
	*data = vmcs_read(field);
	vmx_vcpu_put(vx);
	return 0;
}

static int vmx_set_efer(struct hospes_vcpu *vcpu, u64 efer)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u64 old;
	int ret = 0;

	if (!hospes_efer_valid(efer))
		return -EINVAL;
	vmx_vcpu_get(vx);
	old = vmcs_read(GUEST_IA32_EFER);
	/* Paging mode cannot be switched under a running paging guest. */
	if ((vmcs_read(GUEST_CR0) & X86_CR0_PG) && ((efer ^ old) & EFER_LME))
		ret = -EINVAL;
	else
		vmcs_write(GUEST_IA32_EFER,
			   (efer & ~EFER_LMA) | (old & EFER_LMA));
	vmx_vcpu_put(vx);
	return ret;
}

static int vmx_set_msr(struct hospes_vcpu *vcpu, u32 index, u64 data)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	unsigned long field = msr_field(index);
	int slot = msr_slot(index);

	/* Only what WRMSR itself would accept. */
	if (!hospes_msr_value_valid(index, data))
		return -EINVAL;
	if (slot >= 0) {
		vx->guest_msrs[slot].value = data;
		return 0;
	}
	if (index == MSR_EFER)
		return vmx_set_efer(vcpu, data);
	if (index == MSR_IA32_TSC) {
		vx->tsc_offset = data - rdtsc();
		field = TSC_OFFSET;
		data = vx->tsc_offset;
	}
	if (!field)
		return -ENOENT;
	vmx_vcpu_get(vx);
	vmcs_write(field, data);
	vmx_vcpu_put(vx);
	return 0;
}

/* The CPL is SS.DPL (24.4.1). */
static int vmx_cpl(struct hospes_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	int cpl;

	vmx_vcpu_get(vx);
	cpl = VMX_AR_DPL(vmcs_read(GUEST_SS_AR_BYTES));
	vmx_vcpu_put(vx);
	return cpl;
}

static enum hospes_cpu_mode vmx_cpu_mode(struct hospes_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u64 efer, cr0;
	u32 cs_ar;

	vmx_vcpu_get(vx);
	efer = vmcs_read(GUEST_IA32_EFER);
	cr0 = vmcs_read(GUEST_CR0);
	cs_ar = vmcs_read(GUEST_CS_AR_BYTES);
	vmx_vcpu_put(vx);

	if ((efer & EFER_LMA) && (cs_ar & VMX_AR_L_MASK))
		return HOSPES_MODE_64;
	if ((cr0 & X86_CR0_PE) && (cs_ar & VMX_AR_DB_MASK))
		return HOSPES_MODE_32;
	return HOSPES_MODE_16;
}

static void vmx_paging_state(struct hospes_vcpu *vcpu, u64 *cr0, u64 *cr3,
			     u64 *cr4, u64 *efer)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);

	vmx_vcpu_get(vx);
	*cr0 = vmx_guest_cr0();
	*cr3 = vmcs_read(GUEST_CR3);
	*cr4 = vmx_guest_cr4();
	*efer = vmcs_read(GUEST_IA32_EFER);
	vmx_vcpu_put(vx);
}

static u64 vmx_cs_base(struct hospes_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u64 base;

	if (vmx_cpu_mode(vcpu) == HOSPES_MODE_64)
		return 0;
	vmx_vcpu_get(vx);
	base = vmcs_read(GUEST_CS_BASE);
	vmx_vcpu_put(vx);
	return base;
}

/* ---- Events ---------------------------------------------------------- */

static void vmx_clear_interrupt_shadow(struct hospes_vcpu *vcpu)
{
	to_vmx(vcpu)->intr_state &= ~(GUEST_INTR_STATE_STI |
				      GUEST_INTR_STATE_MOV_SS);
}

static bool vmx_interrupt_allowed(struct hospes_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);

	return (vcpu->rflags & X86_EFLAGS_IF) &&
	       !(vx->intr_state & (GUEST_INTR_STATE_STI |
				   GUEST_INTR_STATE_MOV_SS)) &&
	       !(vx->inject & INTR_INFO_VALID_MASK);
}

static void vmx_inject_irq(struct hospes_vcpu *vcpu, u8 vector)
{
	to_vmx(vcpu)->inject = vector | INTR_TYPE_EXT_INTR |
			       INTR_INFO_VALID_MASK;
}

/* Whether the error code is delivered is decided on entry. */
void vmx_inject_exception(struct hospes_vcpu *vcpu, u8 vector,
			  bool has_error, u32 error)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);

	vx->inject = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK |
		     (has_error ? INTR_INFO_DELIVER_CODE_MASK : 0);
	vx->inject_error = error;
}

/* Exit as soon as the guest could take an interrupt (25.2). */
static void vmx_enable_irq_window(struct hospes_vcpu *vcpu)
{
	to_vmx(vcpu)->cpu_based |= CPU_BASED_INTR_WINDOW_EXITING;
}

static void vmx_get_events(struct hospes_vcpu *vcpu,
			   struct hospes_vcpu_events *e)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u32 inj = vx->inject;

	e->interrupt_shadow = !!(vx->intr_state & (GUEST_INTR_STATE_STI |
						   GUEST_INTR_STATE_MOV_SS));
	if (!(inj & INTR_INFO_VALID_MASK))
		return;
	e->injected_type = (inj & INTR_INFO_INTR_TYPE_MASK) ==
			   INTR_TYPE_HARD_EXCEPTION ? HOSPES_EVENT_EXCEPTION :
						      HOSPES_EVENT_IRQ;
	e->injected_vector = inj & INTR_INFO_VECTOR_MASK;
	e->injected_has_error = !!(inj & INTR_INFO_DELIVER_CODE_MASK);
	e->injected_error = vx->inject_error;
}

static int vmx_set_events(struct hospes_vcpu *vcpu,
			  const struct hospes_vcpu_events *e)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);

	switch (e->injected_type) {
	case HOSPES_EVENT_NONE:
		vx->inject = 0;
		break;
	case HOSPES_EVENT_IRQ:
		if (e->injected_vector < 32 || e->injected_has_error)
			return -EINVAL;
		vmx_inject_irq(vcpu, e->injected_vector);
		break;
	case HOSPES_EVENT_EXCEPTION:
		if (e->injected_vector >= 32)
			return -EINVAL;
		vmx_inject_exception(vcpu, e->injected_vector,
				     e->injected_has_error, e->injected_error);
		break;
	default:
		return -EINVAL;
	}
	/* Entry turns it into MOV SS blocking if IF is clear by then. */
	vx->intr_state &= ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS);
	if (e->interrupt_shadow)
		vx->intr_state |= GUEST_INTR_STATE_STI;
	return 0;
}

static const struct hospes_arch_ops vmx_ops = {
	.name			= "vmx",
	.tdp_format		= &ept_format,
	.tdp_levels		= vmx_tdp_levels,
	.hardware_enable	= vmx_hardware_enable,
	.hardware_disable	= vmx_hardware_disable,
	.vcpu_create		= vmx_vcpu_create,
	.vcpu_free		= vmx_vcpu_free,
	.vcpu_reset		= vmx_vcpu_reset,
	.vcpu_enter		= vmx_vcpu_enter,
	.handle_exit		= vmx_handle_exit,
	/* VMMCALL is #UD on Intel, and no exit reason exists for it. */
	.hypercall_insn		= HOSPES_PV_INSN_VMCALL,
	.get_events		= vmx_get_events,
	.set_events		= vmx_set_events,
	.get_sregs		= vmx_get_sregs,
	.set_sregs		= vmx_set_sregs,
	.get_msr		= vmx_get_msr,
	.set_msr		= vmx_set_msr,
	.cpl			= vmx_cpl,
	.cpu_mode		= vmx_cpu_mode,
	.paging_state		= vmx_paging_state,
	.cs_base		= vmx_cs_base,
	.clear_interrupt_shadow	= vmx_clear_interrupt_shadow,
	.interrupt_allowed	= vmx_interrupt_allowed,
	.inject_irq		= vmx_inject_irq,
	.inject_exception	= vmx_inject_exception,
	.enable_irq_window	= vmx_enable_irq_window,
};

/* ---- Capabilities ---------------------------------------------------- */

/*
 * Fit controls to a capability MSR (A.3-A.5): its low half says which
 * must be 1, its high half which may be 1. Fails if a required one can't.
 */
static int adjust_controls(const char *what, u32 min, u32 opt, u32 msr,
			   u32 *ctl)
{
	u64 cap;
	u32 c;

	if (rdmsrl_safe(msr, &cap))
		return -EIO;
	c = ((min | opt) & (u32)(cap >> 32)) | (u32)cap;
	if ((c & min) != min) {
		pr_err("VMX lacks %s controls %#x\n", what, min & ~c);
		return -EIO;
	}
	*ctl = c;
	return 0;
}

static int read_controls(u64 basic)
{
	bool true_ctls = basic & VMX_BASIC_TRUE_CTLS;
	u32 cpu2_opt = SECONDARY_EXEC_ENABLE_VPID | SECONDARY_EXEC_WBINVD_EXITING;
	u64 cap;

	if (boot_cpu_has(X86_FEATURE_RDTSCP))
		cpu2_opt |= SECONDARY_EXEC_ENABLE_RDTSCP;

	/* Host interrupts and NMIs end the guest's turn. */
	if (adjust_controls("pin-based",
			    PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING,
			    vmx_slice_us ? PIN_BASED_VMX_PREEMPTION_TIMER : 0,
			    true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
					MSR_IA32_VMX_PINBASED_CTLS, &vmx.pin))
		return -EIO;
	if (vmx_slice_us && !(vmx.pin & PIN_BASED_VMX_PREEMPTION_TIMER))
		pr_warn("no VMX-preemption timer: vmx_slice_us ignored\n");
	/*
	 * Every port and MSR exits unless the bitmap says otherwise; CR8 is
	 * the real APIC's TPR without a TPR shadow, so it exits too; the host's
	 * performance counters are no business of the guest's.
	 */
	if (adjust_controls("processor-based",
			    CPU_BASED_HLT_EXITING | CPU_BASED_UNCOND_IO_EXITING |
			    CPU_BASED_USE_MSR_BITMAPS | CPU_BASED_MWAIT_EXITING |
			    CPU_BASED_MONITOR_EXITING | CPU_BASED_RDPMC_EXITING |
			    CPU_BASED_USE_TSC_OFFSETTING |
			    CPU_BASED_MOV_DR_EXITING |
			    CPU_BASED_CR8_LOAD_EXITING |
			    CPU_BASED_CR8_STORE_EXITING |
			    CPU_BASED_ACTIVATE_SECONDARY_CONTROLS, 0,
			    true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
					MSR_IA32_VMX_PROCBASED_CTLS, &vmx.cpu))
		return -EIO;
	rdmsrl(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
			   MSR_IA32_VMX_PROCBASED_CTLS, cap);
	if (!(cap >> 32 & CPU_BASED_INTR_WINDOW_EXITING)) {
		pr_err("VMX lacks interrupt-window exiting\n");
		return -EIO;
	}
	rdmsrl(MSR_IA32_VMX_PROCBASED_CTLS2, cap);
	if (!(cap >> 32 & SECONDARY_EXEC_UNRESTRICTED_GUEST)) {
		pr_err("VMX lacks unrestricted guest: real-mode guests cannot run\n");
		return -EIO;
	}
	if (adjust_controls("secondary processor-based",
			    SECONDARY_EXEC_ENABLE_EPT |
			    SECONDARY_EXEC_UNRESTRICTED_GUEST, cpu2_opt,
			    MSR_IA32_VMX_PROCBASED_CTLS2, &vmx.cpu2))
		return -EIO;
	/* The guest's EFER and PAT come and go with entries and exits. */
	if (adjust_controls("VM-exit",
			    VM_EXIT_HOST_ADDR_SPACE_SIZE |
			    VM_EXIT_SAVE_DEBUG_CONTROLS |
			    VM_EXIT_SAVE_IA32_EFER | VM_EXIT_LOAD_IA32_EFER |
			    VM_EXIT_SAVE_IA32_PAT | VM_EXIT_LOAD_IA32_PAT, 0,
			    true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
					MSR_IA32_VMX_EXIT_CTLS, &vmx.exit))
		return -EIO;
	if (adjust_controls("VM-entry",
			    VM_ENTRY_LOAD_DEBUG_CONTROLS |
			    VM_ENTRY_LOAD_IA32_EFER | VM_ENTRY_LOAD_IA32_PAT, 0,
			    true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
					MSR_IA32_VMX_ENTRY_CTLS, &vmx.entry))
		return -EIO;
	rdmsrl(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
			   MSR_IA32_VMX_ENTRY_CTLS, cap);
	if (!(cap >> 32 & VM_ENTRY_IA32E_MODE)) {
		pr_err("VMX lacks IA-32e mode guests\n");
		return -EIO;
	}
	vmx.entry &= ~VM_ENTRY_IA32E_MODE;
	return 0;
}

/* EPT with 4-level (or 5-level) walks, write-back tables, 2 MiB pages. */
static int read_ept_vpid_caps(void)
{
	u64 cap;
	u32 vpid_cap;

	rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, cap);
	if (!(cap & VMX_EPT_PAGE_WALK_4_BIT) || !(cap & VMX_EPTP_WB_BIT) ||
	    !(cap & VMX_EPT_2MB_PAGE_BIT) || !(cap & VMX_EPT_INVEPT_BIT) ||
	    !(cap & (VMX_EPT_EXTENT_CONTEXT_BIT | VMX_EPT_EXTENT_GLOBAL_BIT))) {
		pr_err("EPT lacks what hospes needs (capabilities %#llx)\n", cap);
		return -EIO;
	}
	/* Walk as deep as the host does, so guests get as many address bits. */
	vmx.ept_levels = pgtable_l5_enabled() && (cap & VMX_EPT_PAGE_WALK_5_BIT) ?
			 5 : 4;
	vmx.invept_single = cap & VMX_EPT_EXTENT_CONTEXT_BIT;
	vmx.invept_global = cap & VMX_EPT_EXTENT_GLOBAL_BIT;
	/*
	 * EPT accessed and dirty flags make every access to the guest's own
	 * page tables an EPT write (SDM: "Accessed and Dirty Flags for EPT"),
	 * so dirty logging sees a page table whose A/D bits the CPU sets as
	 * written. Without them a real CPU counts only the A/D updates as
	 * writes, but an emulator may not check those against EPT at all:
	 * Bochs 2.7 writes the bits straight into a write-protected page, and
	 * migration lost those pages. hospes does not read the flags the CPU
	 * then sets in its EPT entries.
	 */
	vmx.eptp_ad = cap & VMX_EPT_AD_BIT ? VMX_EPTP_AD_ENABLE_BIT : 0;

	vpid_cap = cap >> 32;
	if (!(vpid_cap & VMX_VPID_INVVPID_BIT) ||
	    !(vpid_cap & (VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT |
			  VMX_VPID_EXTENT_GLOBAL_CONTEXT_BIT)))
		vmx.cpu2 &= ~SECONDARY_EXEC_ENABLE_VPID;
	vmx.invvpid_single = vpid_cap & VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT;
	return 0;
}

static int read_caps(void)
{
	u64 basic;

	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	vmx.revision = vmx_basic_vmcs_revision_id(basic);
	if (vmx_basic_vmcs_size(basic) > PAGE_SIZE || (basic & VMX_BASIC_64) ||
	    ((basic & VMX_BASIC_MEM_TYPE_MASK) >> VMX_BASIC_MEM_TYPE_SHIFT) !=
	    VMX_BASIC_MEM_TYPE_WB) {
		pr_err("unusable VMX basic capabilities %#llx\n", basic);
		return -EIO;
	}
	if (read_controls(basic) || read_ept_vpid_caps())
		return -EIO;
	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, vmx.cr0_fixed0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, vmx.cr0_fixed1);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, vmx.cr4_fixed0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, vmx.cr4_fixed1);
	if (vmx.pin & PIN_BASED_VMX_PREEMPTION_TIMER) {
		u64 misc, ticks;

		/* It counts TSC ticks shifted right by IA32_VMX_MISC[4:0] (A.6). */
		rdmsrl(MSR_IA32_VMX_MISC, misc);
		ticks = (u64)vmx_slice_us * tsc_khz / 1000;
		vmx.slice = clamp_t(u64, ticks >> vmx_misc_preemption_timer_rate(misc),
				    1, U32_MAX);
	}
	/* TSC_AUX is switched only if the guest can read it (RDTSCP). */
	vmx.msr_slots = vmx.cpu2 & SECONDARY_EXEC_ENABLE_RDTSCP ?
			VMX_MSR_SLOTS : VMX_MSR_STORED;
	return 0;
}

const struct hospes_arch_ops *hospes_vmx_probe(void)
{
	u64 feat = 0;

	if (!(cpuid_ecx(1) & BIT(X86_FEATURE_VMX & 31)))
		return NULL;
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &feat) ||
	    !(feat & FEAT_CTL_LOCKED) ||
	    !(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_err("VMX is disabled by the firmware (IA32_FEATURE_CONTROL %#llx): enable it in the BIOS setup\n",
		       feat);
		return NULL;
	}
	if (read_caps())
		return NULL;
	return &vmx_ops;
}

/* ---- Module init and exit -------------------------------------------- */

/* Two bits per MSR, read then write, each map in four 1 KiB parts (24.6.9). */
static void msr_bitmap_allow(u32 msr)
{
	u8 *map = vmx_msr_bitmap;
	u32 bit = msr & 0x1fff;
	unsigned int base = msr >= 0xc0000000 ? 1024 : 0;

	map[base + bit / 8] &= ~BIT(bit % 8);		/* read */
	map[base + 2048 + bit / 8] &= ~BIT(bit % 8);	/* write */
}

/*
 * MSRs the guest may use without an exit: those VM entry and exit switch
 * through guest-state fields, and those the MSR areas switch.
 */
static const u32 passthrough_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

static void vmx_free_cpu_pages(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vmx_cpu *vc = per_cpu_ptr(&vmx_cpu_data, cpu);

		free_page((unsigned long)vc->vmxon);
		vc->vmxon = NULL;
	}
}

int hospes_vmx_init(void)
{
	unsigned int i;
	int cpu;

	BUILD_BUG_ON(HOSPES_VMX_HOST_RSP != HOST_RSP);
	BUILD_BUG_ON(HOSPES_RCX != 1 || HOSPES_RBP != 5 || HOSPES_R15 != 15);
	BUILD_BUG_ON(2 * VMX_MSR_SLOTS * sizeof(struct vmx_msr_entry) >
		     PAGE_SIZE);

	vmx_msr_bitmap = (void *)__get_free_page(GFP_KERNEL);
	if (!vmx_msr_bitmap)
		return -ENOMEM;
	/* Every MSR exits, except the few listed. */
	memset(vmx_msr_bitmap, 0xff, PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
		msr_bitmap_allow(passthrough_msrs[i]);

	for_each_possible_cpu(cpu) {
		struct vmx_cpu *vc = per_cpu_ptr(&vmx_cpu_data, cpu);
		struct page *page;

		page = alloc_pages_node(cpu_to_node(cpu),
					GFP_KERNEL | __GFP_ZERO, 0);
		if (!page)
			goto err;
		vc->vmxon = page_address(page);
		vc->vmxon_pa = page_to_phys(page);
		/* The VMXON region starts with the revision identifier too. */
		*(u32 *)vc->vmxon = vmx.revision;
		INIT_LIST_HEAD(&vc->vmcs_list);
	}
	bitmap_zero(vmx_vpids, VMX_NR_VPIDS);
	__set_bit(0, vmx_vpids);

	pr_info("VMX: EPT %d-level%s, VPID %s, RDTSCP %s, CR3 exits %s, time slice %s\n",
		vmx.ept_levels, vmx.eptp_ad ? " with A/D flags" : "",
		vmx.cpu2 & SECONDARY_EXEC_ENABLE_VPID ? "on" : "off",
		vmx.cpu2 & SECONDARY_EXEC_ENABLE_RDTSCP ? "on" : "off",
		vmx.cpu & CPU_BASED_CR3_LOAD_EXITING ? "forced" : "off",
		vmx.pin & PIN_BASED_VMX_PREEMPTION_TIMER ? "on" : "off");
	return 0;

err:
	vmx_free_cpu_pages();
	free_page((unsigned long)vmx_msr_bitmap);
	return -ENOMEM;
}

void hospes_vmx_exit(void)
{
	vmx_free_cpu_pages();
	free_page((unsigned long)vmx_msr_bitmap);
}
