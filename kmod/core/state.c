// SPDX-License-Identifier: GPL-2.0-only
/*
 * The state save, restore and migration carry beyond registers and
 * memory: the guest's clock, the paravirtual event state, a vCPU's
 * pending events and timer, its FPU/XSAVE state, and the CPUID table it
 * was given (SET_CPUID is cpuid.c's). Each GET has a SET that checks its
 * input as the guest's own operations would.
 */
#include <linux/hrtimer.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>

#include "hospes.h"

int hospes_get_clock(struct hospes_vm *vm, struct hospes_clock __user *uc)
{
	struct hospes_clock c = { 0 };
	unsigned long flags;

	/* Both readings at one instant, as far as this CPU can make it. */
	local_irq_save(flags);
	c.ns = hospes_guest_ns(vm);
	c.tsc = rdtsc() + vm->tsc_offset;
	local_irq_restore(flags);
	return copy_to_user(uc, &c, sizeof(c)) ? -EFAULT : 0;
}

int hospes_set_clock(struct hospes_vm *vm, struct hospes_clock __user *uc)
{
	struct hospes_clock c;
	struct timespec64 now;
	unsigned long flags;
	int ret = 0;

	if (copy_from_user(&c, uc, sizeof(c)))
		return -EFAULT;
	if (memchr_inv(c.reserved, 0, sizeof(c.reserved)) || c.ns > S64_MAX)
		return -EINVAL;

	mutex_lock(&vm->lock);
	/* vCPUs take the VM's TSC offset when created: it must come first. */
	if (vm->dead_stats.vcpus) {
		ret = -EBUSY;
		goto out;
	}
	ktime_get_real_ts64(&now);
	local_irq_save(flags);
	vm->boot_ns = ktime_get_ns() - c.ns;
	vm->tsc_offset = c.tsc - rdtsc();
	local_irq_restore(flags);
	/* The wall clock is the new host's: the guest's time moved with it. */
	vm->boot_wall = timespec64_sub(now, ns_to_timespec64(c.ns));
out:
	mutex_unlock(&vm->lock);
	if (!ret)
		hospes_pvtime_update(vm);
	return ret;
}

int hospes_get_pv_state(struct hospes_vm *vm,
			struct hospes_pv_state __user *us)
{
	struct hospes_pv_state *st;
	unsigned long flags;
	int ret = 0;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	spin_lock_irqsave(&vm->pv_lock, flags);
	if (vm->shinfo) {
		st->flags = HOSPES_PV_STATE_SHINFO;
		st->shinfo_gpa = vm->shinfo_gpa;
		st->upcall_vector = vm->upcall_vector;
	}
	memcpy(st->port_vcpu, vm->port_vcpu, sizeof(st->port_vcpu));
	spin_unlock_irqrestore(&vm->pv_lock, flags);
	if (copy_to_user(us, st, sizeof(*st)))
		ret = -EFAULT;
	kfree(st);
	return ret;
}

int hospes_set_pv_state(struct hospes_vm *vm,
			struct hospes_pv_state __user *us)
{
	struct hospes_pv_state *st;
	unsigned long flags;
	int i, ret = -EINVAL;

	st = memdup_user(us, sizeof(*st));
	if (IS_ERR(st))
		return PTR_ERR(st);
	if ((st->flags & ~HOSPES_PV_STATE_SHINFO) ||
	    memchr_inv(st->reserved, 0, sizeof(st->reserved)))
		goto out;
	for (i = 0; i < HOSPES_PV_EVTCHN_PORTS; i++)
		if (st->port_vcpu[i] >= HOSPES_PV_MAX_VCPUS)
			goto out;

	if (st->flags & HOSPES_PV_STATE_SHINFO) {
		ret = hospes_set_shared_info(vm, st->shinfo_gpa,
					     st->upcall_vector);
		if (ret)
			goto out;
	} else {
		if (st->shinfo_gpa || st->upcall_vector)
			goto out;
		hospes_shared_info_free(vm);
	}
	spin_lock_irqsave(&vm->pv_lock, flags);
	memcpy(vm->port_vcpu, st->port_vcpu, sizeof(vm->port_vcpu));
	spin_unlock_irqrestore(&vm->pv_lock, flags);
	ret = 0;
out:
	kfree(st);
	return ret;
}

static const u32 wait_to_uapi[] = {
	[HOSPES_WAIT_NONE]	= HOSPES_WAIT_RUNNING,
	[HOSPES_WAIT_HLT]	= HOSPES_WAIT_HALTED,
	[HOSPES_WAIT_PV_BLOCK]	= HOSPES_WAIT_BLOCKED,
	[HOSPES_WAIT_FOR_SIPI]	= HOSPES_WAIT_SIPI,
};

int hospes_get_vcpu_events(struct hospes_vcpu *vcpu,
			   struct hospes_vcpu_events __user *ue)
{
	struct hospes_vcpu_events e = { 0 };

	hospes_ops->get_events(vcpu, &e);
	e.queued_irq = READ_ONCE(vcpu->pending_irq);
	e.wait = wait_to_uapi[vcpu->wait];
	if (hrtimer_active(&vcpu->pv_timer)) {
		ktime_t expires = hrtimer_get_expires(&vcpu->pv_timer);

		e.timer_deadline_ns = max_t(s64, 1, ktime_to_ns(expires) -
						    vcpu->vm->boot_ns);
		e.timer_port = vcpu->pv_timer_port;
	}
	return copy_to_user(ue, &e, sizeof(e)) ? -EFAULT : 0;
}

int hospes_set_vcpu_events(struct hospes_vcpu *vcpu,
			   struct hospes_vcpu_events __user *ue)
{
	struct hospes_vcpu_events e;
	enum hospes_wait wait;
	int ret;

	if (copy_from_user(&e, ue, sizeof(e)))
		return -EFAULT;
	if (e.pad || memchr_inv(e.reserved, 0, sizeof(e.reserved)) ||
	    e.interrupt_shadow > 1 || e.timer_port >= HOSPES_PV_EVTCHN_PORTS ||
	    e.timer_deadline_ns > KTIME_MAX - vcpu->vm->boot_ns ||
	    (e.queued_irq != -1 && (e.queued_irq < 32 || e.queued_irq > 255)))
		return -EINVAL;
	switch (e.wait) {
	case HOSPES_WAIT_RUNNING:
		wait = HOSPES_WAIT_NONE;
		break;
	case HOSPES_WAIT_HALTED:
		wait = HOSPES_WAIT_HLT;
		break;
	case HOSPES_WAIT_BLOCKED:
		wait = HOSPES_WAIT_PV_BLOCK;
		break;
	case HOSPES_WAIT_SIPI:
		if (!vcpu->lapic)
			return -EINVAL;
		wait = HOSPES_WAIT_FOR_SIPI;
		break;
	default:
		return -EINVAL;
	}
	/* The only check left is the backend's: nothing is half set. */
	ret = hospes_ops->set_events(vcpu, &e);
	if (ret)
		return ret;
	hospes_set_timer(vcpu, e.timer_deadline_ns, e.timer_port);
	WRITE_ONCE(vcpu->pending_irq, e.queued_irq);
	vcpu->wait = wait;
	return 0;
}

/*
 * The guest's FPU state is in memory whenever the vCPU is not running,
 * which the vCPU mutex the caller holds guarantees.
 */
int hospes_get_xsave(struct hospes_vcpu *vcpu, struct hospes_xsave __user *ux)
{
	struct hospes_xsave *x;
	int ret = 0;

	if (vcpu->guest_fpu.uabi_size > sizeof(*x))
		return -E2BIG;
	x = kzalloc(sizeof(*x), GFP_KERNEL);
	if (!x)
		return -ENOMEM;
	fpu_copy_guest_fpstate_to_uabi(&vcpu->guest_fpu, x, sizeof(*x),
				       vcpu->guest_fpu.xfeatures, 0);
	if (copy_to_user(ux, x, sizeof(*x)))
		ret = -EFAULT;
	kfree(x);
	return ret;
}

int hospes_set_xsave(struct hospes_vcpu *vcpu, struct hospes_xsave __user *ux)
{
	struct hospes_xsave *x;
	u32 pkru = 0;
	int ret;

	x = memdup_user(ux, sizeof(*x));
	if (IS_ERR(x))
		return PTR_ERR(x);
	ret = fpu_copy_uabi_to_guest_fpstate(&vcpu->guest_fpu, x,
					     vcpu->guest_fpu.xfeatures, &pkru);
	kfree(x);
	return ret;
}

int hospes_get_cpuid(struct hospes_vcpu *vcpu, struct hospes_cpuid __user *uc)
{
	u32 room, pad, n = vcpu->cpuid_nent;

	if (get_user(room, &uc->nent) || get_user(pad, &uc->pad))
		return -EFAULT;
	if (room > HOSPES_MAX_CPUID_ENTRIES || pad)
		return -EINVAL;
	if (put_user(n, &uc->nent))
		return -EFAULT;
	if (room < n)
		return -E2BIG;
	/* The vCPU mutex the caller holds keeps SET_CPUID from freeing it. */
	if (n && copy_to_user(uc->entries, vcpu->cpuid,
			      n * sizeof(*vcpu->cpuid)))
		return -EFAULT;
	return 0;
}
