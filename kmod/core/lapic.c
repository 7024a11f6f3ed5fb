// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-kernel local APIC (xAPIC, memory-mapped), one per vCPU once a VM
 * has asked for an in-kernel interrupt controller: interrupt priorities
 * (IRR, ISR, TPR, PPR, EOI), the timer in one-shot, periodic and
 * TSC-deadline modes, and IPIs with INIT and SIPI for starting other
 * vCPUs. Register layout and semantics: Intel SDM vol. 3, chapter 11.
 *
 * IRR bits are set from any context (another vCPU's IPI, the timer
 * interrupt, a device) with atomic bit operations; everything else is
 * only touched by the vCPU's own thread.
 */
#include <linux/hrtimer.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/apicdef.h>
#include <asm/msr-index.h>
#include <asm/tsc.h>

#include "hospes.h"

#define APIC_DEFAULT_BASE	0xfee00000ULL
#define APIC_BASE_BSP		BIT_ULL(8)
#define APIC_BASE_ENABLE	BIT_ULL(11)

/* Register offsets are <asm/apicdef.h>'s. */

/* Version 0x14, six LVT entries (CMCI..error): as a current xAPIC. */
#define APIC_VERSION	(0x14 | (5 << 16))
#define SVR_ENABLE	BIT(8)
#define LVT_MASKED	BIT(16)
#define LVT_MODE(lvt)	(((lvt) >> 17) & 3)
#define LVT_ONESHOT	0
#define LVT_PERIODIC	1
#define LVT_TSC_DEADLINE 2

#define ICR_DELIVERY(icr)	(((icr) >> 8) & 7)
#define ICR_FIXED		0
#define ICR_LOWEST		1
#define ICR_INIT		5
#define ICR_SIPI		6
#define ICR_LOGICAL		BIT(11)
#define ICR_LEVEL_ASSERT	BIT(14)
#define ICR_SHORTHAND(icr)	(((icr) >> 18) & 3)
#define ICR_SELF		1
#define ICR_ALL			2
#define ICR_OTHERS		3

/* The timer's input clock: 1 GHz, one tick a nanosecond before division. */
#define APIC_BUS_NS	1

struct hospes_lapic {
	struct hospes_vcpu *vcpu;
	u32 regs[PAGE_SIZE / 4];	/* by offset / 4; IRR and ISR aside */
	unsigned long irr[256 / BITS_PER_LONG];
	unsigned long isr[256 / BITS_PER_LONG];
	unsigned long tmr[256 / BITS_PER_LONG];	/* level-triggered */
	u64 base_msr;
	struct hrtimer timer;
	u64 timer_period_ns;		/* periodic mode; 0 otherwise */
	u64 tsc_deadline;
	bool init_pending;
	int sipi_vector;		/* -1: none */
};

static u32 reg(const struct hospes_lapic *l, u32 off)
{
	return l->regs[off / 4];
}

static void set_reg(struct hospes_lapic *l, u32 off, u32 val)
{
	l->regs[off / 4] = val;
}

static bool lapic_enabled(const struct hospes_lapic *l)
{
	return (l->base_msr & APIC_BASE_ENABLE) && (reg(l, APIC_SPIV) & SVR_ENABLE);
}

static int highest_bit(const unsigned long *bitmap)
{
	int bit = find_last_bit(bitmap, 256);

	return bit < 256 ? bit : -1;
}

/* Processor priority: the higher of TPR and the in-service class. */
static u32 ppr(const struct hospes_lapic *l)
{
	u32 tpr = reg(l, APIC_TASKPRI) & 0xff;
	int isr = highest_bit(l->isr);

	if (isr >= 0 && (isr & 0xf0) > (tpr & 0xf0))
		return isr & 0xf0;
	return tpr;
}

/* The vector the APIC would hand the CPU now, or -1. */
int hospes_lapic_pending_vector(struct hospes_vcpu *vcpu)
{
	struct hospes_lapic *l = vcpu->lapic;
	int irr;

	if (!l || !lapic_enabled(l))
		return -1;
	irr = highest_bit(l->irr);
	if (irr < 0 || (irr & 0xf0) <= (ppr(l) & 0xf0))
		return -1;
	return irr;
}

/* The CPU took vector: it moves from requested to in service. */
void hospes_lapic_accept(struct hospes_vcpu *vcpu, int vector)
{
	struct hospes_lapic *l = vcpu->lapic;

	clear_bit(vector, l->irr);
	__set_bit(vector, l->isr);
}

/* Request vector on vcpu's APIC; from any context. */
void hospes_lapic_set_irq(struct hospes_vcpu *vcpu, u8 vector)
{
	if (vector < 16)
		return;		/* illegal vectors are dropped, as on the CPU */
	set_bit(vector, vcpu->lapic->irr);
	hospes_vcpu_wake(vcpu);
}

bool hospes_lapic_wakes(struct hospes_vcpu *vcpu)
{
	struct hospes_lapic *l = vcpu->lapic;

	if (!l)
		return false;
	if (vcpu->wait == HOSPES_WAIT_FOR_SIPI)
		return READ_ONCE(l->sipi_vector) >= 0 || READ_ONCE(l->init_pending);
	return hospes_lapic_pending_vector(vcpu) >= 0 || READ_ONCE(l->init_pending);
}

static u64 timer_divisor(const struct hospes_lapic *l)
{
	u32 d = reg(l, APIC_TDCR);
	u32 shift = ((d & 3) | ((d & 8) >> 1)) + 1;

	return shift == 8 ? 1 : 1ULL << shift;	/* 0b111: divide by 1 */
}

static void timer_fire(struct hospes_lapic *l)
{
	u32 lvt = reg(l, APIC_LVTT);

	if (!(lvt & LVT_MASKED) && lapic_enabled(l))
		hospes_lapic_set_irq(l->vcpu, lvt & 0xff);
}

static enum hrtimer_restart timer_expired(struct hrtimer *t)
{
	struct hospes_lapic *l = container_of(t, struct hospes_lapic, timer);

	timer_fire(l);
	if (l->timer_period_ns) {
		hrtimer_forward_now(t, ns_to_ktime(l->timer_period_ns));
		return HRTIMER_RESTART;
	}
	l->tsc_deadline = 0;
	return HRTIMER_NORESTART;
}

static void timer_start_count(struct hospes_lapic *l)
{
	u64 ns = (u64)reg(l, APIC_TMICT) * timer_divisor(l) * APIC_BUS_NS;

	hrtimer_cancel(&l->timer);
	l->timer_period_ns = 0;
	if (!ns || LVT_MODE(reg(l, APIC_LVTT)) == LVT_TSC_DEADLINE)
		return;
	if (LVT_MODE(reg(l, APIC_LVTT)) == LVT_PERIODIC)
		l->timer_period_ns = max_t(u64, ns, 1000);	/* no IRQ storms */
	hrtimer_start(&l->timer, ns_to_ktime(ns), HRTIMER_MODE_REL_HARD);
}

static u32 timer_current_count(struct hospes_lapic *l)
{
	s64 left;

	if (!hrtimer_active(&l->timer) ||
	    LVT_MODE(reg(l, APIC_LVTT)) == LVT_TSC_DEADLINE)
		return 0;
	left = ktime_to_ns(hrtimer_get_remaining(&l->timer));
	if (left <= 0)
		return 0;
	return div64_u64(left, timer_divisor(l) * APIC_BUS_NS);
}

static void timer_set_tsc_deadline(struct hospes_lapic *l, u64 deadline)
{
	struct hospes_vcpu *vcpu = l->vcpu;
	u64 now, ns;

	hrtimer_cancel(&l->timer);
	l->tsc_deadline = deadline;
	if (!deadline || LVT_MODE(reg(l, APIC_LVTT)) != LVT_TSC_DEADLINE)
		return;
	now = rdtsc() + vcpu->vm->tsc_offset;
	ns = deadline > now ? div64_u64((deadline - now) * 1000000ULL, tsc_khz) : 0;
	hrtimer_start(&l->timer, ns_to_ktime(ns), HRTIMER_MODE_REL_HARD);
}

/* Does this APIC answer to dest, in the ICR's destination mode? */
static bool lapic_matches(const struct hospes_lapic *l, u32 dest, bool logical)
{
	u32 ldr = reg(l, APIC_LDR) >> 24;

	if (!logical)
		return dest == 0xff || dest == reg(l, APIC_ID) >> 24;
	if (reg(l, APIC_DFR) >> 28 == 0xf)	/* flat model */
		return ldr & dest;
	/* Cluster model: the high nibble names the cluster. */
	return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0xf);
}

static void deliver(struct hospes_vcpu *target, u32 icr, bool level)
{
	struct hospes_lapic *l = target->lapic;

	switch (ICR_DELIVERY(icr)) {
	case ICR_FIXED:
	case ICR_LOWEST:
		/* A level-triggered vector's EOI goes back to the I/O APIC. */
		if (level)
			set_bit(icr & 0xff, l->tmr);
		else
			clear_bit(icr & 0xff, l->tmr);
		hospes_lapic_set_irq(target, icr & 0xff);
		break;
	case ICR_INIT:
		/*
		 * INIT level de-assert is a no-op on current CPUs. A SIPI
		 * from before this INIT is void; one after it must survive the
		 * INIT being handled, however late: so it is voided here.
		 */
		if (icr & ICR_LEVEL_ASSERT) {
			WRITE_ONCE(l->sipi_vector, -1);
			WRITE_ONCE(l->init_pending, true);
			hospes_vcpu_wake(target);
		}
		break;
	case ICR_SIPI:
		WRITE_ONCE(l->sipi_vector, icr & 0xff);
		hospes_vcpu_wake(target);
		break;
	default:
		/* NMI, SMI and ExtINT IPIs are not modelled: dropped. */
		pr_notice_ratelimited("hospes: IPI delivery mode %u dropped\n",
				      ICR_DELIVERY(icr));
		break;
	}
}

/*
 * Deliver an interrupt message (the ICR's low word, or an I/O APIC
 * redirection entry, which share their layout) to the APICs it names.
 * self is the sender for the self/others shorthands, NULL for a device.
 */
void hospes_lapic_deliver(struct hospes_vm *vm, struct hospes_vcpu *self,
			  u32 icr, u32 dest, bool level)
{
	unsigned long flags;
	int i;

	/* pv_lock keeps the vCPU array stable, as for event channels. */
	spin_lock_irqsave(&vm->pv_lock, flags);
	for (i = 0; i < HOSPES_MAX_VCPUS; i++) {
		struct hospes_vcpu *t = vm->vcpus[i];
		bool hit;

		if (!t || !t->lapic)
			continue;
		switch (ICR_SHORTHAND(icr)) {
		case ICR_SELF:
			hit = t == self;
			break;
		case ICR_ALL:
			hit = true;
			break;
		case ICR_OTHERS:
			hit = t != self;
			break;
		default:
			hit = lapic_matches(t->lapic, dest, icr & ICR_LOGICAL);
			break;
		}
		if (hit)
			deliver(t, icr, level);
	}
	spin_unlock_irqrestore(&vm->pv_lock, flags);
}

static u32 lapic_read(struct hospes_lapic *l, u32 off)
{
	switch (off) {
	case APIC_PROCPRI:
		return ppr(l);
	case APIC_ISR ... APIC_ISR + 0x70:
		return ((u32 *)l->isr)[(off - APIC_ISR) / 16];
	case APIC_TMR ... APIC_TMR + 0x70:
		return ((u32 *)l->tmr)[(off - APIC_TMR) / 16];
	case APIC_IRR ... APIC_IRR + 0x70:
		return ((u32 *)l->irr)[(off - APIC_IRR) / 16];
	case APIC_TMCCT:
		return timer_current_count(l);
	case APIC_EOI:
		return 0;	/* write-only */
	default:
		return reg(l, off);
	}
}

static void lapic_write(struct hospes_lapic *l, u32 off, u32 val)
{
	int isr;

	switch (off) {
	case APIC_ID:
		set_reg(l, off, val & 0xff000000);
		break;
	case APIC_TASKPRI:
		set_reg(l, off, val & 0xff);
		break;
	case APIC_EOI:
		isr = highest_bit(l->isr);
		if (isr < 0)
			break;
		__clear_bit(isr, l->isr);
		if (test_and_clear_bit(isr, l->tmr))
			hospes_ioapic_eoi(l->vcpu->vm, isr);
		break;
	case APIC_LDR:
		set_reg(l, off, val & 0xff000000);
		break;
	case APIC_DFR:
		set_reg(l, off, val | 0x0fffffff);
		break;
	case APIC_SPIV:
		set_reg(l, off, val & 0x3ff);
		break;
	case APIC_ESR:
		set_reg(l, off, 0);
		break;
	case APIC_ICR:
		set_reg(l, off, val & ~BIT(12));	/* never busy */
		hospes_lapic_deliver(l->vcpu->vm, l->vcpu, val,
				     reg(l, APIC_ICR2) >> 24, false);
		break;
	case APIC_ICR2:
		set_reg(l, off, val & 0xff000000);
		break;
	case APIC_LVTT:
		set_reg(l, off, val & (0xff | LVT_MASKED | (3 << 17)));
		break;
	case APIC_LVTT + 0x10 ... APIC_LVTERR:
		set_reg(l, off, val & 0x1f7ff);
		break;
	case APIC_TMICT:
		set_reg(l, off, val);
		timer_start_count(l);
		break;
	case APIC_TDCR:
		set_reg(l, off, val & 0xb);
		break;
	default:
		break;		/* read-only or reserved */
	}
}

/*
 * A guest access to guest-physical gpa: the APIC's if it falls in its
 * enabled page. Returns true if handled; data is in and out.
 */
bool hospes_lapic_mmio(struct hospes_vcpu *vcpu, u64 gpa, unsigned int len,
		       bool write, u64 *data)
{
	struct hospes_lapic *l = vcpu->lapic;
	u64 base;
	u32 off;

	if (!l || !(l->base_msr & APIC_BASE_ENABLE))
		return false;
	base = l->base_msr & PAGE_MASK;
	if (gpa < base || gpa - base >= PAGE_SIZE)
		return false;
	off = gpa - base;
	/* Registers are 32 bits at 16-byte alignment; the rest reads as 0. */
	if (write) {
		if (!(off & 0xf))
			lapic_write(l, off & ~0xf, *data);
	} else {
		*data = (off & 0xf) ? 0 : lapic_read(l, off);
	}
	return true;
}

int hospes_lapic_get_msr(struct hospes_vcpu *vcpu, u32 index, u64 *data)
{
	struct hospes_lapic *l = vcpu->lapic;

	switch (index) {
	case MSR_IA32_APICBASE:
		*data = l->base_msr;
		return 0;
	case MSR_IA32_TSC_DEADLINE:
		*data = l->tsc_deadline;
		return 0;
	default:
		return -ENOENT;
	}
}

int hospes_lapic_set_msr(struct hospes_vcpu *vcpu, u32 index, u64 data)
{
	struct hospes_lapic *l = vcpu->lapic;

	switch (index) {
	case MSR_IA32_APICBASE:
		/* The page stays where it is; x2APIC mode is not offered. */
		if ((data & ~APIC_BASE_ENABLE) != (l->base_msr & ~APIC_BASE_ENABLE))
			return -EINVAL;
		l->base_msr = data;
		return 0;
	case MSR_IA32_TSC_DEADLINE:
		timer_set_tsc_deadline(l, data);
		return 0;
	default:
		return -ENOENT;
	}
}

/* The state after power-on or INIT (SDM 11.4.7.1 and 11.4.7.3). */
static void lapic_reset(struct hospes_lapic *l)
{
	struct hospes_vcpu *vcpu = l->vcpu;
	u32 off;

	hrtimer_cancel(&l->timer);
	memset(l->regs, 0, sizeof(l->regs));
	bitmap_zero(l->irr, 256);
	bitmap_zero(l->isr, 256);
	bitmap_zero(l->tmr, 256);
	set_reg(l, APIC_ID, vcpu->id << 24);
	set_reg(l, APIC_LVR, APIC_VERSION);
	set_reg(l, APIC_DFR, 0xffffffff);
	set_reg(l, APIC_SPIV, 0xff);
	for (off = APIC_LVTT - 0x30; off <= APIC_LVTERR; off += 0x10)
		set_reg(l, off, LVT_MASKED);
	l->timer_period_ns = 0;
	l->tsc_deadline = 0;
}

/*
 * Run on the vCPU's thread before each entry: an INIT resets the vCPU to
 * wait for a SIPI; a SIPI starts it in real mode at vector * 4 KiB.
 */
int hospes_lapic_init_sipi(struct hospes_vcpu *vcpu)
{
	struct hospes_lapic *l = vcpu->lapic;
	struct hospes_sregs sregs = { 0 };
	int vector;

	if (!l)
		return 0;
	if (READ_ONCE(l->init_pending)) {
		WRITE_ONCE(l->init_pending, false);
		hospes_vcpu_reset(vcpu);
		lapic_reset(l);
		vcpu->wait = HOSPES_WAIT_FOR_SIPI;
	}
	vector = READ_ONCE(l->sipi_vector);
	if (vcpu->wait != HOSPES_WAIT_FOR_SIPI || vector < 0)
		return 0;
	WRITE_ONCE(l->sipi_vector, -1);
	hospes_ops->get_sregs(vcpu, &sregs);
	sregs.cs.selector = vector << 8;
	sregs.cs.base = (u64)vector << 12;
	vcpu->rip = 0;
	vcpu->wait = HOSPES_WAIT_NONE;
	return hospes_ops->set_sregs(vcpu, &sregs);
}

int hospes_lapic_create(struct hospes_vcpu *vcpu)
{
	struct hospes_lapic *l;

	l = kzalloc(sizeof(*l), GFP_KERNEL_ACCOUNT);
	if (!l)
		return -ENOMEM;
	l->vcpu = vcpu;
	l->sipi_vector = -1;
	l->base_msr = APIC_DEFAULT_BASE | APIC_BASE_ENABLE |
		      (vcpu->id == 0 ? APIC_BASE_BSP : 0);
	hrtimer_init(&l->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	l->timer.function = timer_expired;
	vcpu->lapic = l;
	lapic_reset(l);
	/* Only the BSP runs at power-on; the others wait for INIT and SIPI. */
	if (vcpu->id)
		vcpu->wait = HOSPES_WAIT_FOR_SIPI;
	return 0;
}

void hospes_lapic_free(struct hospes_vcpu *vcpu)
{
	if (!vcpu->lapic)
		return;
	hrtimer_cancel(&vcpu->lapic->timer);
	kfree(vcpu->lapic);
	vcpu->lapic = NULL;
}

int hospes_lapic_get_state(struct hospes_vcpu *vcpu,
			   struct hospes_lapic_state __user *us)
{
	struct hospes_lapic *l = vcpu->lapic;
	struct hospes_lapic_state *st;
	int ret = 0, vector;
	u32 off;

	if (!l)
		return -ENXIO;
	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	for (off = 0; off < PAGE_SIZE; off += 16)
		st->regs[off / 4] = lapic_read(l, off);
	st->apic_base = l->base_msr;
	st->tsc_deadline = l->tsc_deadline;
	vector = READ_ONCE(l->sipi_vector);
	if (READ_ONCE(l->init_pending))
		st->pending |= HOSPES_LAPIC_PENDING_INIT;
	if (vector >= 0) {
		st->pending |= HOSPES_LAPIC_PENDING_SIPI;
		st->sipi_vector = vector;
	}
	if (copy_to_user(us, st, sizeof(*st)))
		ret = -EFAULT;
	kfree(st);
	return ret;
}

/* The bits of a saved IRR, ISR or TMR register block. */
static void load_bitmap(unsigned long *bitmap, const u32 *regs, u32 off)
{
	int i;

	for (i = 0; i < 8; i++)
		((u32 *)bitmap)[i] = regs[(off + i * 16) / 4];
}

int hospes_lapic_set_state(struct hospes_vcpu *vcpu,
			   struct hospes_lapic_state __user *us)
{
	struct hospes_lapic *l = vcpu->lapic;
	struct hospes_lapic_state *st;
	u32 count;
	int ret = 0;

	if (!l)
		return -ENXIO;
	st = memdup_user(us, sizeof(*st));
	if (IS_ERR(st))
		return PTR_ERR(st);
	if (memchr_inv(st->reserved, 0, sizeof(st->reserved)) ||
	    (st->pending & ~(HOSPES_LAPIC_PENDING_INIT |
			     HOSPES_LAPIC_PENDING_SIPI)) ||
	    st->sipi_vector > 0xff ||
	    (st->sipi_vector && !(st->pending & HOSPES_LAPIC_PENDING_SIPI)) ||
	    (st->apic_base & ~APIC_BASE_ENABLE) !=
	    (l->base_msr & ~APIC_BASE_ENABLE)) {
		ret = -EINVAL;
		goto out;
	}
	hrtimer_cancel(&l->timer);
	memcpy(l->regs, st->regs, sizeof(l->regs));
	load_bitmap(l->irr, st->regs, APIC_IRR);
	load_bitmap(l->isr, st->regs, APIC_ISR);
	load_bitmap(l->tmr, st->regs, APIC_TMR);
	l->base_msr = st->apic_base;
	/* Taken on the vCPU's next entry, as if they had just arrived. */
	WRITE_ONCE(l->init_pending, !!(st->pending & HOSPES_LAPIC_PENDING_INIT));
	WRITE_ONCE(l->sipi_vector, st->pending & HOSPES_LAPIC_PENDING_SIPI ?
				   (int)st->sipi_vector : -1);
	/* The timer goes on with what was left of its count. */
	count = reg(l, APIC_TMCCT);
	set_reg(l, APIC_TMCCT, 0);
	if (LVT_MODE(reg(l, APIC_LVTT)) == LVT_TSC_DEADLINE) {
		timer_set_tsc_deadline(l, st->tsc_deadline);
	} else if (count) {
		u64 period = (u64)reg(l, APIC_TMICT) * timer_divisor(l) *
			     APIC_BUS_NS;

		l->timer_period_ns = LVT_MODE(reg(l, APIC_LVTT)) ==
				     LVT_PERIODIC ? max_t(u64, period, 1000) : 0;
		hrtimer_start(&l->timer,
			      ns_to_ktime((u64)count * timer_divisor(l) *
					  APIC_BUS_NS), HRTIMER_MODE_REL_HARD);
	}
	hospes_vcpu_wake(vcpu);
out:
	kfree(st);
	return ret;
}
