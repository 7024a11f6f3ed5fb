// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvguest: the guest clock and the timer.
 */
#include "console.h"
#include "events.h"
#include "hypercall.h"
#include "kernel.h"
#include "time.h"

unsigned int timer_port;
volatile bool timer_fired;
volatile uint64_t timer_fired_ns;
volatile uint64_t timer_fire_count;

/* A consistent copy of the time fields (see the header's version rule). */
static void read_pv_time(struct hospes_pv_time *t, uint64_t *tsc)
{
	const struct hospes_pv_time *src = &shared_info->time;
	uint32_t v;

	for (;;) {
		v = READ_ONCE(src->version);
		if (v & 1) {
			cpu_relax();
			continue;
		}
		barrier();
		t->tsc_timestamp = READ_ONCE(src->tsc_timestamp);
		t->system_time_ns = READ_ONCE(src->system_time_ns);
		t->tsc_to_ns_mul = READ_ONCE(src->tsc_to_ns_mul);
		t->tsc_shift = READ_ONCE(src->tsc_shift);
		t->boot_wall_sec = READ_ONCE(src->boot_wall_sec);
		t->boot_wall_nsec = READ_ONCE(src->boot_wall_nsec);
		*tsc = rdtsc_ordered();
		barrier();
		if (READ_ONCE(src->version) == v)
			break;
	}
}

static uint64_t pv_time_ns(const struct hospes_pv_time *t, uint64_t tsc)
{
	uint64_t delta = tsc - t->tsc_timestamp;

	if ((int64_t)delta < 0)
		delta = 0;	/* a timestamp ahead of the TSC: no time yet */
	if (t->tsc_shift >= 0)
		delta <<= t->tsc_shift;
	else
		delta >>= -t->tsc_shift;
	return t->system_time_ns +
	       (uint64_t)(((unsigned __int128)delta * t->tsc_to_ns_mul) >> 32);
}

uint64_t time_ns(void)
{
	struct hospes_pv_time_now now;
	struct hospes_pv_time t;
	uint64_t tsc;

	if (shared_info) {
		read_pv_time(&t, &tsc);
		return pv_time_ns(&t, tsc);
	}
	if (hc_get_time(&now) < 0)
		return 0;
	return now.ns_since_boot;
}

void time_wall(uint64_t *sec, uint32_t *nsec)
{
	struct hospes_pv_time_now now;
	struct hospes_pv_time t;
	uint64_t tsc, ns;

	if (!shared_info) {
		if (hc_get_time(&now) < 0) {
			*sec = 0;
			*nsec = 0;
			return;
		}
		*sec = now.wall_sec;
		*nsec = now.wall_nsec;
		return;
	}
	read_pv_time(&t, &tsc);
	ns = pv_time_ns(&t, tsc) + t.boot_wall_nsec;
	*sec = t.boot_wall_sec + ns / NSEC_PER_SEC;
	*nsec = ns % NSEC_PER_SEC;
}

static void timer_event(unsigned int port, void *data)
{
	(void)port;
	(void)data;
	timer_fired_ns = time_ns();
	timer_fire_count++;
	timer_fired = true;
}

void timer_init(void)
{
	timer_port = evtchn_alloc_port();
	evtchn_bind(timer_port, timer_event, NULL);
}

/*
 * An event of the timer this one replaces may be pending but not yet
 * handled: drop it, so that timer_fired means this deadline. (The old
 * timer can still fire in the moment before SET_TIMER replaces it; callers
 * here only re-arm a timer that fired or that they no longer wait for.)
 */
void timer_arm(uint64_t deadline_ns)
{
	uint64_t flags = irq_save();
	long rc;

	if (!deadline_ns)
		deadline_ns = 1;	/* 0 would cancel; 1 is long past */
	clear_bit64(&shared_info->evtchn_pending[timer_port / 64],
		    timer_port % 64);
	timer_fired = false;
	rc = hc_set_timer(deadline_ns, timer_port);
	irq_restore(flags);
	if (rc < 0)
		panic("SET_TIMER failed: %ld", rc);
}

void timer_cancel(void)
{
	uint64_t flags = irq_save();

	hc_set_timer(0, timer_port);
	clear_bit64(&shared_info->evtchn_pending[timer_port / 64],
		    timer_port % 64);
	timer_fired = false;
	irq_restore(flags);
}

void sleep_until(uint64_t deadline_ns)
{
	timer_arm(deadline_ns);
	wait_event(timer_fired);
}

void msleep(uint64_t ms)
{
	sleep_until(time_ns() + ms * NSEC_PER_MSEC);
}
