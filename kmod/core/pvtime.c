// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest time: nanoseconds since the VM was created, published in the
 * shared-info page as a TSC scale the guest applies itself (no exit per
 * reading), and one-shot timers that raise an event port.
 */
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <asm/tsc.h>

#include "hospes.h"

/* Republish the TSC scale this often, so rounding never adds up. */
#define TIME_REFRESH_NS	NSEC_PER_SEC

void hospes_pvtime_init(struct hospes_vm *vm)
{
	vm->boot_ns = ktime_get_ns();
	ktime_get_real_ts64(&vm->boot_wall);
	vm->tsc_offset = -rdtsc();
}

u64 hospes_guest_ns(struct hospes_vm *vm)
{
	return ktime_get_ns() - vm->boot_ns;
}

/*
 * ns = ((tsc << shift) * mul) >> 32, with a negative shift meaning a right
 * shift: find shift so that mul, the remaining fraction, fits in 32 bits.
 */
static void tsc_scale(u32 khz, s8 *shift, u32 *mul)
{
	u64 num = NSEC_PER_MSEC, den = khz;
	int s = 0;

	while (num >= den) {
		den <<= 1;
		s++;
	}
	while (num < den / 2) {
		num <<= 1;
		s--;
	}
	*shift = s;
	*mul = div64_u64(num << 32, den);
}

/* Write the time fields, bracketed by an odd version as the ABI says. */
void hospes_pvtime_update(struct hospes_vm *vm)
{
	struct hospes_pv_time *t;
	unsigned long flags;
	u32 mul, version;
	s8 shift;

	tsc_scale(tsc_khz, &shift, &mul);
	spin_lock_irqsave(&vm->pv_lock, flags);
	if (!vm->shinfo)
		goto out;
	t = &vm->shinfo->time;
	version = READ_ONCE(t->version) | 1;
	WRITE_ONCE(t->version, version);
	/* The guest must see the odd version before any changed field. */
	smp_wmb();
	t->tsc_timestamp = rdtsc() + vm->tsc_offset;
	t->system_time_ns = hospes_guest_ns(vm);
	t->tsc_to_ns_mul = mul;
	t->tsc_shift = shift;
	t->boot_wall_sec = vm->boot_wall.tv_sec;
	t->boot_wall_nsec = vm->boot_wall.tv_nsec;
	/* ... and every changed field before the even version. */
	smp_wmb();
	WRITE_ONCE(t->version, version + 1);
	vm->time_updated_ns = t->system_time_ns;
out:
	spin_unlock_irqrestore(&vm->pv_lock, flags);
}

/* Called on the way into the guest: keep the published scale fresh. */
void hospes_pvtime_tick(struct hospes_vm *vm)
{
	if (READ_ONCE(vm->shinfo) &&
	    hospes_guest_ns(vm) - READ_ONCE(vm->time_updated_ns) > TIME_REFRESH_NS)
		hospes_pvtime_update(vm);
}

int hospes_get_time(struct hospes_vcpu *vcpu, u64 gpa)
{
	struct hospes_vm *vm = vcpu->vm;
	struct hospes_pv_time_now now = { 0 };
	u64 ns = hospes_guest_ns(vm);
	struct timespec64 wall = timespec64_add(vm->boot_wall,
						ns_to_timespec64(ns));

	now.ns_since_boot = ns;
	now.wall_sec = wall.tv_sec;
	now.wall_nsec = wall.tv_nsec;
	return hospes_write_guest(vm, gpa, &now, sizeof(now));
}

static enum hrtimer_restart pv_timer_fired(struct hrtimer *timer)
{
	struct hospes_vcpu *vcpu = container_of(timer, struct hospes_vcpu,
						pv_timer);

	hospes_evtchn_raise(vcpu->vm, vcpu->pv_timer_port);
	return HRTIMER_NORESTART;
}

void hospes_pv_timer_init(struct hospes_vcpu *vcpu)
{
	hrtimer_init(&vcpu->pv_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	vcpu->pv_timer.function = pv_timer_fired;
}

int hospes_set_timer(struct hospes_vcpu *vcpu, u64 deadline_ns, u64 port)
{
	struct hospes_vm *vm = vcpu->vm;

	if (port >= HOSPES_PV_EVTCHN_PORTS)
		return -EINVAL;
	hrtimer_cancel(&vcpu->pv_timer);
	if (!deadline_ns)
		return 0;
	/* A deadline centuries away would overflow ktime: refuse it. */
	if (deadline_ns > KTIME_MAX - vm->boot_ns)
		return -EINVAL;
	vcpu->pv_timer_port = port;
	hrtimer_start(&vcpu->pv_timer, ns_to_ktime(vm->boot_ns + deadline_ns),
		      HRTIMER_MODE_ABS_HARD);
	return 0;
}
