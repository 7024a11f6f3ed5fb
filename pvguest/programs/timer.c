// SPDX-License-Identifier: GPL-2.0-only
/*
 * timer: count one-shot timer events, period_ms apart on an absolute
 * schedule (deadline i = start + i * period). Each must arrive once, in
 * order, and not before its deadline by the guest clock; lateness is
 * reported (max and average). Then one more period passes with no timer
 * armed, and no stray event may come. PASS: exit 0, FAIL: exit 1.
 */
#include "../console.h"
#include "../events.h"
#include "../kernel.h"
#include "../time.h"

int prog_timer(const struct args *a)
{
	static const char *const keys[] = { "count", "period_ms", NULL };
	uint64_t count, period, t0, late_max = 0, late_sum = 0, fails = 0;
	uint64_t late_min = UINT64_MAX;
	uint64_t fires0;
	struct event_stats st0 = event_stats;

	if (args_check(a, keys))
		return 2;
	count = arg_u64(a, "count", 10);
	period = arg_u64(a, "period_ms", 10) * NSEC_PER_MSEC;
	if (!count || !period) {
		printk("timer: count and period_ms must be > 0\n");
		return 2;
	}
	printk("timer: %llu events, %llu ms apart\n", (unsigned long long)count,
	       (unsigned long long)(period / NSEC_PER_MSEC));

	fires0 = timer_fire_count;
	t0 = time_ns();
	for (uint64_t i = 1; i <= count; i++) {
		uint64_t deadline = t0 + i * period, at, late;

		timer_arm(deadline);
		wait_event(timer_fired);
		at = timer_fired_ns;
		if (timer_fire_count - fires0 != i) {
			printk("timer: event %llu: %llu events counted\n",
			       (unsigned long long)i,
			       (unsigned long long)(timer_fire_count - fires0));
			fails++;
		}
		if (at < deadline) {
			printk("timer: event %llu EARLY by %llu ns "
			       "(deadline %llu, at %llu)\n",
			       (unsigned long long)i,
			       (unsigned long long)(deadline - at),
			       (unsigned long long)deadline,
			       (unsigned long long)at);
			fails++;
			continue;
		}
		late = at - deadline;
		late_sum += late;
		if (late > late_max)
			late_max = late;
		if (late < late_min)
			late_min = late;
	}

	/* Nothing armed now: one quiet period, measured by a busy wait. */
	{
		uint64_t quiet_end = time_ns() + period;

		while (time_ns() < quiet_end)
			cpu_relax();
		if (timer_fire_count - fires0 != count) {
			printk("timer: %llu events for %llu timers\n",
			       (unsigned long long)(timer_fire_count - fires0),
			       (unsigned long long)count);
			fails++;
		}
	}

	if (late_min == UINT64_MAX)
		late_min = 0;
	printk("timer: late_min_us=%llu late_max_us=%llu late_avg_us=%llu "
	       "total_ms=%llu upcalls=%llu polled=%llu blocks=%llu\n",
	       (unsigned long long)(late_min / NSEC_PER_USEC),
	       (unsigned long long)(late_max / NSEC_PER_USEC),
	       (unsigned long long)(late_sum / count / NSEC_PER_USEC),
	       (unsigned long long)((time_ns() - t0) / NSEC_PER_MSEC),
	       (unsigned long long)(event_stats.upcalls - st0.upcalls),
	       (unsigned long long)(event_stats.polled - st0.polled),
	       (unsigned long long)(event_stats.blocks - st0.blocks));
	printk("timer: %s\n", fails ? "FAIL" : "PASS");
	return fails ? 1 : 0;
}
