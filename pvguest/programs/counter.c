// SPDX-License-Identifier: GPL-2.0-only
/*
 * counter: print "counter N t=...ms" every period_ms (100), forever or
 * count times. For migration tests: the numbers must continue without a
 * gap or a repeat across a save/restore or a migration.
 *
 * When the VMM raises HOSPES_PV_PORT_SUSPEND, we stop the timer (our only
 * activity besides the console), call SUSPEND and say how it returned: 0,
 * the VM ran on; 1, it was restored from a save or migration. Then the
 * timer is armed again on a fresh schedule (the old deadlines mean
 * nothing if the guest clock jumped).
 */
#include "../console.h"
#include "../events.h"
#include "../hypercall.h"
#include "../kernel.h"
#include "../time.h"

static volatile bool suspend_requested;
static uint64_t suspends;

static void suspend_event(unsigned int port, void *data)
{
	(void)port;
	(void)data;
	suspend_requested = true;
}

static void do_suspend(void)
{
	uint64_t before = time_ns();
	long rc;

	suspend_requested = false;
	timer_cancel();
	printk("counter: suspend requested at t=%llums\n",
	       (unsigned long long)(before / NSEC_PER_MSEC));
	console_flush();
	rc = hc_suspend();
	suspends++;
	if (rc == 1)
		printk("counter: resumed after restore (SUSPEND returned 1), "
		       "%llu ms later\n",
		       (unsigned long long)((time_ns() - before) / NSEC_PER_MSEC));
	else if (rc == 0)
		printk("counter: suspend cancelled, running on (SUSPEND returned 0)\n");
	else
		printk("counter: SUSPEND failed: %ld\n", rc);
}

int prog_counter(const struct args *a)
{
	static const char *const keys[] = { "count", "period_ms", NULL };
	uint64_t count, period, next, n = 0;

	if (args_check(a, keys))
		return 2;
	count = arg_u64(a, "count", 0);
	period = arg_u64(a, "period_ms", 100) * NSEC_PER_MSEC;
	if (!period) {
		printk("counter: period_ms must be > 0\n");
		return 2;
	}
	evtchn_bind(HOSPES_PV_PORT_SUSPEND, suspend_event, NULL);

	next = time_ns() + period;
	while (!count || n < count) {
		timer_arm(next);
		wait_event(timer_fired || suspend_requested);
		if (suspend_requested) {
			do_suspend();
			next = time_ns() + period;
			continue;
		}
		printk("counter %llu t=%llums\n", (unsigned long long)n,
		       (unsigned long long)(time_ns() / NSEC_PER_MSEC));
		n++;
		next += period;
		/* Far behind (the VM was stopped): skip, don't burst. */
		if (time_ns() > next + period)
			next = time_ns() + period;
	}
	printk("counter: done, %llu lines, %llu suspends\n",
	       (unsigned long long)n, (unsigned long long)suspends);
	return 0;
}
