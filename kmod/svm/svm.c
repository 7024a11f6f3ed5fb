// SPDX-License-Identifier: GPL-2.0-only
/*
 * The AMD SVM backend: per-CPU enabling, ASIDs, the VMCB, and the
 * hospes_arch_ops the core calls. Exit handlers are in svm_exits.c, the
 * world switch in svm_vmenter.S. Section numbers refer to the AMD64
 * Architecture Programmer's Manual, volume 2.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <asm/cpufeature.h>
#include <asm/debugreg.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/tlbflush.h>

#include "svm.h"

#define MSRPM_ORDER	1	/* 8 KiB: permission map, 15.11 */
#define IOPM_ORDER	2	/* 12 KiB used: one bit per port, 15.10.1 */
#define DEFAULT_PAT	0x0007040600070406ULL

/* CPU reset values (14.1.3 of volume 2) for what a new vCPU starts with. */
#define RESET_CR0	0x60000010ULL	/* CD, NW, ET */
#define RESET_DR6	0xffff0ff0ULL
#define RESET_DR7	0x400ULL

/* VMCB segment attributes: type, S, DPL, P, AVL, L, DB, G (15.5.1). */
#define SEG_ATTR_CODE16	0x009b
#define SEG_ATTR_DATA16	0x0093
#define SEG_ATTR_LDT	0x0082
#define SEG_ATTR_TSS16	0x008b

bool svm_has_nrips;
static u32 svm_max_asid;
static void *svm_msrpm;
static void *svm_iopm;

struct svm_cpu {
	struct page *hsave;		/* MSR_VM_HSAVE_PA: VMRUN's host area */
	struct page *host_vmcb;		/* VMSAVE/VMLOAD of host state */
	u64 asid_generation;
	u32 next_asid;
	u64 host_tsc_aux;
};

static DEFINE_PER_CPU(struct svm_cpu, svm_cpu_data);

/*
 * The NPT entry format is the long-mode page-table format. Every walk the
 * hardware makes through NPT counts as a user access, so U/S is set on
 * every level (15.25.5).
 */
static const struct hospes_tdp_format npt_format = {
	.present_mask	= _PAGE_PRESENT,
	.table_bits	= _PAGE_PRESENT | _PAGE_RW | _PAGE_USER,
	.leaf_bits	= _PAGE_PRESENT | _PAGE_USER,
	.write_bit	= _PAGE_RW,
	.large_bit	= _PAGE_PSE,
};

/* The nested page tables walk with the host's paging depth (15.25.4). */
static int svm_tdp_levels(void)
{
	return pgtable_l5_enabled() ? 5 : 4;
}

static int svm_hardware_enable(void)
{
	struct svm_cpu *sd = this_cpu_ptr(&svm_cpu_data);
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME)
		return -EBUSY;	/* another hypervisor owns this CPU */
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, page_to_phys(sd->hsave));

	/* Nothing is known of the TLB: the first ASID handed out flushes. */
	sd->asid_generation++;
	sd->next_asid = svm_max_asid + 1;
	if (boot_cpu_has(X86_FEATURE_RDTSCP))
		rdmsrl(MSR_TSC_AUX, sd->host_tsc_aux);
	return 0;
}

static void svm_hardware_disable(void)
{
	u64 efer;

	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
}

static void msrpm_allow(u32 msr)
{
	static const u32 bases[] = { 0, 0xc0000000, 0xc0010000 };
	u8 *map = svm_msrpm;
	unsigned int i;

	/* Three 2 KiB blocks, two bits (read, write) per MSR (15.11). */
	for (i = 0; i < ARRAY_SIZE(bases); i++) {
		if (msr - bases[i] < 0x2000) {
			u32 bit = (msr - bases[i]) * 2;

			map[i * 0x800 + bit / 8] &= ~(3 << (bit % 8));
			return;
		}
	}
}

/*
 * MSRs the guest may use without an exit: those VMLOAD/VMSAVE switch, so
 * the guest only ever reaches its own copy.
 */
static const u32 passthrough_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

static void set_seg(struct vmcb_seg *seg, u16 sel, u16 attrib, u32 limit,
		    u64 base)
{
	seg->selector = sel;
	seg->attrib = attrib;
	seg->limit = limit;
	seg->base = base;
}

/* The architectural reset state (INIT), as a new CPU comes up. */
void svm_init_vmcb_save(struct hospes_vcpu *vcpu)
{
	struct vmcb_save_area *s = &to_svm(vcpu)->vmcb->save;

	memset(s, 0, sizeof(*s));
	set_seg(&s->cs, 0xf000, SEG_ATTR_CODE16, 0xffff, 0xffff0000);
	set_seg(&s->ds, 0, SEG_ATTR_DATA16, 0xffff, 0);
	s->es = s->ds;
	s->ss = s->ds;
	s->fs = s->ds;
	s->gs = s->ds;
	set_seg(&s->gdtr, 0, 0, 0xffff, 0);
	set_seg(&s->idtr, 0, 0, 0xffff, 0);
	set_seg(&s->ldtr, 0, SEG_ATTR_LDT, 0xffff, 0);
	set_seg(&s->tr, 0, SEG_ATTR_TSS16, 0xffff, 0);
	s->cr0 = RESET_CR0;
	s->dr6 = RESET_DR6;
	s->dr7 = RESET_DR7;
	s->rflags = 2;
	s->rip = 0xfff0;
	/* VMRUN requires EFER.SVME in the guest state (15.5.1). */
	s->efer = EFER_SVME;
	s->g_pat = DEFAULT_PAT;
}

static void svm_init_vmcb_control(struct hospes_vcpu *vcpu)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	struct vmcb_control_area *c = &sv->vmcb->control;
	static const int intercepts[] = {
		INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI,
		INTERCEPT_CPUID, INTERCEPT_HLT, INTERCEPT_INVD,
		INTERCEPT_INVLPGA, INTERCEPT_IOIO_PROT, INTERCEPT_MSR_PROT,
		INTERCEPT_SHUTDOWN,
		/* The host's performance counters are no business of the guest's. */
		INTERCEPT_RDPMC,
		/* VMRUN must be intercepted (15.5.1); no nested SVM. */
		INTERCEPT_VMRUN, INTERCEPT_VMMCALL, INTERCEPT_VMLOAD,
		INTERCEPT_VMSAVE, INTERCEPT_STGI, INTERCEPT_CLGI,
		INTERCEPT_SKINIT,
		/* A guest must not flush the host's caches at will. */
		INTERCEPT_WBINVD,
		INTERCEPT_MONITOR, INTERCEPT_MWAIT, INTERCEPT_MWAIT_COND,
		INTERCEPT_XSETBV, INTERCEPT_RDPRU,
		INTERCEPT_DR0_READ, INTERCEPT_DR1_READ,
		INTERCEPT_DR2_READ, INTERCEPT_DR3_READ,
		INTERCEPT_DR0_WRITE, INTERCEPT_DR1_WRITE,
		INTERCEPT_DR2_WRITE, INTERCEPT_DR3_WRITE,
	};
	unsigned int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < ARRAY_SIZE(intercepts); i++)
		svm_set_intercept(c, intercepts[i]);
	c->iopm_base_pa = __pa(svm_iopm);
	c->msrpm_base_pa = __pa(svm_msrpm);
	c->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	c->nested_cr3 = hospes_tdp_root_pa(&vcpu->vm->tdp);
	/* Guest RFLAGS.IF masks only virtual interrupts (15.21.1). */
	c->int_ctl = V_INTR_MASKING_MASK;
	sv->owns_debug_regs = false;
	memset(sv->db, 0, sizeof(sv->db));
}

static void svm_vcpu_reset(struct hospes_vcpu *vcpu)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	/* A reset does not set the TSC back; only creation starts it at 0. */
	u64 tsc_offset = sv->vmcb->control.tsc_offset;

	svm_init_vmcb_control(vcpu);
	sv->vmcb->control.tsc_offset = tsc_offset;
	svm_init_vmcb_save(vcpu);
	sv->asid_generation = 0;
}

static int svm_vcpu_create(struct hospes_vcpu *vcpu)
{
	struct svm_vcpu *sv;
	struct page *page;

	sv = kzalloc(sizeof(*sv), GFP_KERNEL_ACCOUNT);
	if (!sv)
		return -ENOMEM;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page) {
		kfree(sv);
		return -ENOMEM;
	}
	sv->vmcb = page_address(page);
	sv->vmcb_pa = page_to_phys(page);
	sv->asid_cpu = -1;
	/* One offset for the whole VM: its vCPUs' TSCs agree. */
	sv->vmcb->control.tsc_offset = vcpu->vm->tsc_offset;
	vcpu->arch = sv;
	return 0;
}

static void svm_vcpu_free(struct hospes_vcpu *vcpu)
{
	struct svm_vcpu *sv = to_svm(vcpu);

	free_page((unsigned long)sv->vmcb);
	kfree(sv);
}

/*
 * ASIDs are per CPU and few (16 in QEMU's model), so they are handed out
 * round-robin; when they run out, a new generation starts with a flush of
 * every ASID. A vCPU gets a fresh ASID whenever it moves CPU or needs its
 * TLB flushed: that works without flush-by-ASID support.
 */
static void svm_assign_asid(struct svm_vcpu *sv, int cpu, bool flush)
{
	struct svm_cpu *sd = this_cpu_ptr(&svm_cpu_data);
	struct vmcb_control_area *c = &sv->vmcb->control;

	if (!flush && sv->asid_cpu == cpu &&
	    sv->asid_generation == sd->asid_generation)
		return;
	if (sd->next_asid > svm_max_asid) {
		sd->asid_generation++;
		sd->next_asid = 1;
		c->tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
	}
	sv->asid = sd->next_asid++;
	sv->asid_cpu = cpu;
	sv->asid_generation = sd->asid_generation;
	c->asid = sv->asid;
}

static void load_guest_debug_regs(struct svm_vcpu *sv)
{
	set_debugreg(sv->db[0], 0);
	set_debugreg(sv->db[1], 1);
	set_debugreg(sv->db[2], 2);
	set_debugreg(sv->db[3], 3);
}

static void save_guest_debug_regs(struct svm_vcpu *sv)
{
	get_debugreg(sv->db[0], 0);
	get_debugreg(sv->db[1], 1);
	get_debugreg(sv->db[2], 2);
	get_debugreg(sv->db[3], 3);
}

static void svm_vcpu_enter(struct hospes_vcpu *vcpu, bool flush_tlb)
{
	struct svm_cpu *sd = this_cpu_ptr(&svm_cpu_data);
	struct svm_vcpu *sv = to_svm(vcpu);
	struct vmcb *vmcb = sv->vmcb;
	bool switch_tsc_aux = boot_cpu_has(X86_FEATURE_RDTSCP) &&
			      vcpu->tsc_aux != sd->host_tsc_aux;

	svm_assign_asid(sv, smp_processor_id(), flush_tlb);
	vmcb->save.rax = vcpu->gpr[HOSPES_RAX];
	vmcb->save.rsp = vcpu->gpr[HOSPES_RSP];
	vmcb->save.rip = vcpu->rip;
	vmcb->save.rflags = vcpu->rflags;
	/* hospes caches nothing the VMCB clean bits could describe. */
	vmcb->control.clean = 0;

	if (sv->owns_debug_regs)
		load_guest_debug_regs(sv);
	if (switch_tsc_aux)
		wrmsrl(MSR_TSC_AUX, vcpu->tsc_aux);

	hospes_svm_vmrun(sv->vmcb_pa, vcpu->gpr,
			 page_to_phys(sd->host_vmcb));

	if (switch_tsc_aux)
		wrmsrl(MSR_TSC_AUX, sd->host_tsc_aux);
	if (sv->owns_debug_regs)
		save_guest_debug_regs(sv);
	/* #VMEXIT leaves host DR7 disabled; put live breakpoints back. */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();

	vmcb->control.tlb_ctl = TLB_CONTROL_DO_NOTHING;
	vcpu->gpr[HOSPES_RAX] = vmcb->save.rax;
	vcpu->gpr[HOSPES_RSP] = vmcb->save.rsp;
	vcpu->rip = vmcb->save.rip;
	vcpu->rflags = vmcb->save.rflags;

	/*
	 * An event whose delivery the exit interrupted is delivered again on
	 * the next entry (15.7.2). A software interrupt is not: its INTn is
	 * still at RIP and runs again.
	 */
	vmcb->control.event_inj = 0;
	if ((vmcb->control.exit_int_info & SVM_EXITINTINFO_VALID) &&
	    (vmcb->control.exit_int_info & SVM_EXITINTINFO_TYPE_MASK) !=
	    SVM_EXITINTINFO_TYPE_SOFT) {
		vmcb->control.event_inj = vmcb->control.exit_int_info;
		vmcb->control.event_inj_err = vmcb->control.exit_int_info_err;
	}
}

/* VMCB attributes <-> the unpacked hospes_segment. */
static void seg_from_vmcb(const struct vmcb_seg *v, struct hospes_segment *s)
{
	u16 a = v->attrib;

	s->base = v->base;
	s->limit = v->limit;
	s->selector = v->selector;
	s->type = a & SVM_SELECTOR_TYPE_MASK;
	s->s = !!(a & SVM_SELECTOR_S_MASK);
	s->dpl = (a & SVM_SELECTOR_DPL_MASK) >> SVM_SELECTOR_DPL_SHIFT;
	s->present = !!(a & SVM_SELECTOR_P_MASK);
	s->avl = !!(a & SVM_SELECTOR_AVL_MASK);
	s->l = !!(a & SVM_SELECTOR_L_MASK);
	s->db = !!(a & SVM_SELECTOR_DB_MASK);
	s->g = !!(a & SVM_SELECTOR_G_MASK);
	s->unusable = !s->present;
}

static void seg_to_vmcb(const struct hospes_segment *s, struct vmcb_seg *v)
{
	v->base = s->base;
	v->limit = s->limit;
	v->selector = s->selector;
	if (s->unusable) {
		v->attrib = 0;
		return;
	}
	v->attrib = (s->type & SVM_SELECTOR_TYPE_MASK) |
		    (s->s ? SVM_SELECTOR_S_MASK : 0) |
		    ((s->dpl & 3) << SVM_SELECTOR_DPL_SHIFT) |
		    (s->present ? SVM_SELECTOR_P_MASK : 0) |
		    (s->avl ? SVM_SELECTOR_AVL_MASK : 0) |
		    (s->l ? SVM_SELECTOR_L_MASK : 0) |
		    (s->db ? SVM_SELECTOR_DB_MASK : 0) |
		    (s->g ? SVM_SELECTOR_G_MASK : 0);
}

static void svm_get_sregs(struct hospes_vcpu *vcpu, struct hospes_sregs *s)
{
	const struct vmcb_save_area *v = &to_svm(vcpu)->vmcb->save;

	seg_from_vmcb(&v->cs, &s->cs);
	seg_from_vmcb(&v->ds, &s->ds);
	seg_from_vmcb(&v->es, &s->es);
	seg_from_vmcb(&v->fs, &s->fs);
	seg_from_vmcb(&v->gs, &s->gs);
	seg_from_vmcb(&v->ss, &s->ss);
	seg_from_vmcb(&v->tr, &s->tr);
	seg_from_vmcb(&v->ldtr, &s->ldt);
	s->gdt.base = v->gdtr.base;
	s->gdt.limit = v->gdtr.limit;
	s->idt.base = v->idtr.base;
	s->idt.limit = v->idtr.limit;
	s->cr0 = v->cr0;
	s->cr2 = v->cr2;
	s->cr3 = v->cr3;
	s->cr4 = v->cr4;
	s->cr8 = to_svm(vcpu)->vmcb->control.int_ctl & V_TPR_MASK;
	s->efer = v->efer & ~EFER_SVME;
}

static int svm_set_sregs(struct hospes_vcpu *vcpu, const struct hospes_sregs *s)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	struct vmcb_save_area *v = &vmcb->save;
	int ret;

	ret = hospes_sregs_check(s);
	if (ret)
		return ret;

	seg_to_vmcb(&s->cs, &v->cs);
	seg_to_vmcb(&s->ds, &v->ds);
	seg_to_vmcb(&s->es, &v->es);
	seg_to_vmcb(&s->fs, &v->fs);
	seg_to_vmcb(&s->gs, &v->gs);
	seg_to_vmcb(&s->ss, &v->ss);
	seg_to_vmcb(&s->tr, &v->tr);
	seg_to_vmcb(&s->ldt, &v->ldtr);
	v->gdtr.base = s->gdt.base;
	v->gdtr.limit = s->gdt.limit;
	v->idtr.base = s->idt.base;
	v->idtr.limit = s->idt.limit;
	v->cr0 = s->cr0;
	v->cr2 = s->cr2;
	v->cr3 = s->cr3;
	v->cr4 = s->cr4;
	v->efer = s->efer | EFER_SVME;
	v->cpl = s->ss.dpl & 3;
	vmcb->control.int_ctl = (vmcb->control.int_ctl & ~V_TPR_MASK) |
				(s->cr8 & V_TPR_MASK);
	/* New page tables: stale translations must go. */
	set_bit(HOSPES_REQ_TLB_FLUSH, &vcpu->requests);
	return 0;
}

static u64 *msr_in_vmcb(struct vmcb_save_area *v, u32 index)
{
	switch (index) {
	case MSR_STAR:			return &v->star;
	case MSR_LSTAR:			return &v->lstar;
	case MSR_CSTAR:			return &v->cstar;
	case MSR_SYSCALL_MASK:		return &v->sfmask;
	case MSR_KERNEL_GS_BASE:	return &v->kernel_gs_base;
	case MSR_FS_BASE:		return &v->fs.base;
	case MSR_GS_BASE:		return &v->gs.base;
	case MSR_IA32_SYSENTER_CS:	return &v->sysenter_cs;
	case MSR_IA32_SYSENTER_ESP:	return &v->sysenter_esp;
	case MSR_IA32_SYSENTER_EIP:	return &v->sysenter_eip;
	case MSR_IA32_CR_PAT:		return &v->g_pat;
	default:			return NULL;
	}
}

static int svm_get_msr(struct hospes_vcpu *vcpu, u32 index, u64 *data)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	u64 *field = msr_in_vmcb(&vmcb->save, index);

	if (field) {
		*data = *field;
		return 0;
	}
	switch (index) {
	case MSR_EFER:
		*data = vmcb->save.efer & ~EFER_SVME;
		return 0;
	case MSR_IA32_TSC:
		*data = rdtsc() + vmcb->control.tsc_offset;
		return 0;
	default:
		return -ENOENT;
	}
}

static int svm_set_msr(struct hospes_vcpu *vcpu, u32 index, u64 data)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	u64 *field = msr_in_vmcb(&vmcb->save, index);

	if (field) {
		/* Only what WRMSR itself would accept. */
		if (!hospes_msr_value_valid(index, data))
			return -EINVAL;
		*field = data;
		return 0;
	}
	switch (index) {
	case MSR_EFER:
		if (!hospes_efer_valid(data))
			return -EINVAL;
		/* Paging mode cannot be switched under a running paging guest. */
		if ((vmcb->save.cr0 & X86_CR0_PG) &&
		    ((data ^ vmcb->save.efer) & EFER_LME))
			return -EINVAL;
		vmcb->save.efer = (data & ~EFER_LMA) |
				  (vmcb->save.efer & EFER_LMA) | EFER_SVME;
		return 0;
	case MSR_IA32_TSC:
		vmcb->control.tsc_offset = data - rdtsc();
		return 0;
	default:
		return -ENOENT;
	}
}

static int svm_cpl(struct hospes_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.cpl;
}

static enum hospes_cpu_mode svm_cpu_mode(struct hospes_vcpu *vcpu)
{
	const struct vmcb_save_area *v = &to_svm(vcpu)->vmcb->save;

	if ((v->efer & EFER_LMA) && (v->cs.attrib & SVM_SELECTOR_L_MASK))
		return HOSPES_MODE_64;
	if ((v->cr0 & X86_CR0_PE) && (v->cs.attrib & SVM_SELECTOR_DB_MASK))
		return HOSPES_MODE_32;
	return HOSPES_MODE_16;
}

static void svm_paging_state(struct hospes_vcpu *vcpu, u64 *cr0, u64 *cr3,
			     u64 *cr4, u64 *efer)
{
	const struct vmcb_save_area *v = &to_svm(vcpu)->vmcb->save;

	*cr0 = v->cr0;
	*cr3 = v->cr3;
	*cr4 = v->cr4;
	*efer = v->efer;
}

static u64 svm_cs_base(struct hospes_vcpu *vcpu)
{
	return svm_cpu_mode(vcpu) == HOSPES_MODE_64 ? 0 :
	       to_svm(vcpu)->vmcb->save.cs.base;
}

static void svm_clear_interrupt_shadow(struct hospes_vcpu *vcpu)
{
	to_svm(vcpu)->vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
}

static bool svm_interrupt_allowed(struct hospes_vcpu *vcpu)
{
	const struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	return (vcpu->rflags & X86_EFLAGS_IF) &&
	       !(c->int_state & SVM_INTERRUPT_SHADOW_MASK) &&
	       !(c->event_inj & SVM_EVTINJ_VALID);
}

static void svm_inject_irq(struct hospes_vcpu *vcpu, u8 vector)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->event_inj = vector | SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_INTR;
}

static void svm_inject_exception(struct hospes_vcpu *vcpu, u8 vector,
				 bool has_error, u32 error)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->event_inj = vector | SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXEPT |
		       (has_error ? SVM_EVTINJ_VALID_ERR : 0);
	c->event_inj_err = error;
}

/*
 * Ask for an exit as soon as the guest could take an interrupt: a virtual
 * interrupt (V_IRQ) is pending, and taking it is intercepted (15.21.4).
 */
static void svm_enable_irq_window(struct hospes_vcpu *vcpu)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->int_ctl |= V_IRQ_MASK | V_IGN_TPR_MASK |
		      (0xf << V_INTR_PRIO_SHIFT);
	svm_set_intercept(c, INTERCEPT_VINTR);
}

static void svm_get_events(struct hospes_vcpu *vcpu,
			   struct hospes_vcpu_events *e)
{
	const struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;
	u32 inj = c->event_inj;

	e->interrupt_shadow = !!(c->int_state & SVM_INTERRUPT_SHADOW_MASK);
	if (!(inj & SVM_EVTINJ_VALID))
		return;
	e->injected_type = (inj & SVM_EVTINJ_TYPE_MASK) == SVM_EVTINJ_TYPE_EXEPT ?
			   HOSPES_EVENT_EXCEPTION : HOSPES_EVENT_IRQ;
	e->injected_vector = inj & SVM_EVTINJ_VEC_MASK;
	e->injected_has_error = !!(inj & SVM_EVTINJ_VALID_ERR);
	e->injected_error = c->event_inj_err;
}

static int svm_set_events(struct hospes_vcpu *vcpu,
			  const struct hospes_vcpu_events *e)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	switch (e->injected_type) {
	case HOSPES_EVENT_NONE:
		c->event_inj = 0;
		break;
	case HOSPES_EVENT_IRQ:
		if (e->injected_vector < 32 || e->injected_has_error)
			return -EINVAL;
		svm_inject_irq(vcpu, e->injected_vector);
		break;
	case HOSPES_EVENT_EXCEPTION:
		if (e->injected_vector >= 32)
			return -EINVAL;
		svm_inject_exception(vcpu, e->injected_vector,
				     e->injected_has_error, e->injected_error);
		break;
	default:
		return -EINVAL;
	}
	if (e->interrupt_shadow)
		c->int_state |= SVM_INTERRUPT_SHADOW_MASK;
	else
		c->int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
	return 0;
}

static const struct hospes_arch_ops svm_ops = {
	.name			= "svm",
	.tdp_format		= &npt_format,
	.tdp_levels		= svm_tdp_levels,
	.hardware_enable	= svm_hardware_enable,
	.hardware_disable	= svm_hardware_disable,
	.vcpu_create		= svm_vcpu_create,
	.vcpu_free		= svm_vcpu_free,
	.vcpu_reset		= svm_vcpu_reset,
	.vcpu_enter		= svm_vcpu_enter,
	.handle_exit		= svm_handle_exit,
	.hypercall_insn		= HOSPES_PV_INSN_VMMCALL,
	.get_events		= svm_get_events,
	.set_events		= svm_set_events,
	.get_sregs		= svm_get_sregs,
	.set_sregs		= svm_set_sregs,
	.get_msr		= svm_get_msr,
	.set_msr		= svm_set_msr,
	.cpl			= svm_cpl,
	.cpu_mode		= svm_cpu_mode,
	.paging_state		= svm_paging_state,
	.cs_base		= svm_cs_base,
	.clear_interrupt_shadow	= svm_clear_interrupt_shadow,
	.interrupt_allowed	= svm_interrupt_allowed,
	.inject_irq		= svm_inject_irq,
	.inject_exception	= svm_inject_exception,
	.enable_irq_window	= svm_enable_irq_window,
};

const struct hospes_arch_ops *hospes_svm_probe(void)
{
	u64 vm_cr;

	if (!boot_cpu_has(X86_FEATURE_SVM) || !boot_cpu_has(X86_FEATURE_NPT))
		return NULL;
	rdmsrl(MSR_VM_CR, vm_cr);
	if (vm_cr & SVM_VM_CR_SVM_DIS_MASK) {
		pr_err("SVM is disabled by the firmware\n");
		return NULL;
	}
	return &svm_ops;
}

static void svm_free_cpu_pages(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct svm_cpu *sd = per_cpu_ptr(&svm_cpu_data, cpu);

		if (sd->hsave)
			__free_page(sd->hsave);
		if (sd->host_vmcb)
			__free_page(sd->host_vmcb);
		sd->hsave = NULL;
		sd->host_vmcb = NULL;
	}
}

int hospes_svm_init(void)
{
	unsigned int i;
	int cpu;

	BUILD_BUG_ON(HOSPES_RCX != 1 || HOSPES_RBP != 5 || HOSPES_R15 != 15);

	svm_has_nrips = boot_cpu_has(X86_FEATURE_NRIPS);
	/* ASID 0 is the host's. */
	svm_max_asid = cpuid_ebx(SVM_CPUID_FUNC) - 1;
	if (!svm_max_asid)
		return -ENODEV;

	svm_iopm = (void *)__get_free_pages(GFP_KERNEL, IOPM_ORDER);
	svm_msrpm = (void *)__get_free_pages(GFP_KERNEL, MSRPM_ORDER);
	if (!svm_iopm || !svm_msrpm)
		goto err;
	/* Every port and every MSR exits, except the few listed. */
	memset(svm_iopm, 0xff, PAGE_SIZE << IOPM_ORDER);
	memset(svm_msrpm, 0xff, PAGE_SIZE << MSRPM_ORDER);
	for (i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
		msrpm_allow(passthrough_msrs[i]);

	for_each_possible_cpu(cpu) {
		struct svm_cpu *sd = per_cpu_ptr(&svm_cpu_data, cpu);

		sd->hsave = alloc_pages_node(cpu_to_node(cpu),
					     GFP_KERNEL | __GFP_ZERO, 0);
		sd->host_vmcb = alloc_pages_node(cpu_to_node(cpu),
						 GFP_KERNEL | __GFP_ZERO, 0);
		if (!sd->hsave || !sd->host_vmcb)
			goto err;
	}
	pr_info("SVM: %u ASIDs, next-RIP %s\n", svm_max_asid,
		svm_has_nrips ? "reported" : "decoded in software");
	return 0;

err:
	svm_free_cpu_pages();
	free_pages((unsigned long)svm_msrpm, MSRPM_ORDER);
	free_pages((unsigned long)svm_iopm, IOPM_ORDER);
	return -ENOMEM;
}

void hospes_svm_exit(void)
{
	svm_free_cpu_pages();
	free_pages((unsigned long)svm_msrpm, MSRPM_ORDER);
	free_pages((unsigned long)svm_iopm, IOPM_ORDER);
}
