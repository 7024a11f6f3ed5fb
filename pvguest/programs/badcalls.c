// SPDX-License-Identifier: GPL-2.0-only
/*
 * badcalls (hidden): every hypercall with bad arguments, each of which
 * must fail with the right error and change nothing: unknown numbers
 * (including ones whose low 32 bits name a real call), pointers outside
 * RAM or wrapping around, lengths over the limit, bad ports, vCPUs and
 * vectors, bad shutdown reasons, and calls from CPL3. A few good calls sit
 * in between as controls, and at the end the clock, the timer and event
 * delivery must still work. PASS: exit 0, FAIL: exit 1.
 *
 * Where the ABI header allows two answers (a length both over the limit
 * and outside RAM), both are accepted. Where it says nothing (binding a
 * port to a vCPU id below the maximum that does not exist), a success is
 * reported as DOUBTFUL but does not fail the run.
 */
#include "../console.h"
#include "../desc.h"
#include "../events.h"
#include "../hypercall.h"
#include "../kernel.h"
#include "../mm.h"
#include "../time.h"

#include <linux/hospes.h>	/* HOSPES_HC_VMM_BASE */

struct user_hc {
	uint64_t nr, args[5], insn;
};

void user_hypercall(void);	/* entry.S, runs at CPL3 */

#define E(x)		(-(long)HOSPES_##x)
#define OK(x)		((long)(x))

struct check {
	const char *what;
	uint64_t nr, a1, a2;
	long want, want2;	/* want2 0: only want */
	bool cpl3;
	bool soft;		/* the ABI is unclear: report, don't fail */
};

/* A call that must return want (or want2), one that runs at CPL3... */
#define BAD(w, n, x, y, r)	{ .what = w, .nr = n, .a1 = x, .a2 = y, .want = r }
#define BAD2(w, n, x, y, r, r2)	{ .what = w, .nr = n, .a1 = x, .a2 = y, \
				  .want = r, .want2 = r2 }
#define CPL3(w, n, x, y)	{ .what = w, .nr = n, .a1 = x, .a2 = y, \
				  .want = E(EPERM), .cpl3 = true }
/* ...and one where the ABI is unclear. */
#define DOUBT(w, n, x, y, r, r2) { .what = w, .nr = n, .a1 = x, .a2 = y, \
				   .want = r, .want2 = r2, .soft = true }

static int fails, total, doubts;

static long call_cpl3(uint64_t nr, uint64_t a1, uint64_t a2)
{
	static struct user_hc hc;
	static void *stack;
	uint64_t flags;
	long r;

	if (!stack)
		stack = (char *)alloc_pages(1) + PAGE_SIZE;
	hc = (struct user_hc){ .nr = nr, .args = { a1, a2 },
			       .insn = hospes.insn };
	flags = irq_save();
	r = user_call(user_hypercall, (uintptr_t)&hc, stack);
	irq_restore(flags);
	return r;
}

static void run(const struct check *c)
{
	long r = c->cpl3 ? call_cpl3(c->nr, c->a1, c->a2)
			 : hypercall5(c->nr, c->a1, c->a2, 0, 0, 0);
	bool ok = r == c->want || (c->want2 && r == c->want2);

	const char *verdict = ok ? "ok" : c->soft ? "DOUBTFUL" : "WRONG";

	total++;
	if (!ok && c->soft)
		doubts++;
	else if (!ok)
		fails++;
	if (r <= USER_FAULT(0) && r > USER_FAULT(256))
		printk("badcalls: %-58s -> exception %ld at CPL3 WRONG\n",
		       c->what, USER_FAULT(0) - r);
	else if (c->want2)
		printk("badcalls: %-58s -> %ld %s (want %ld or %ld)\n",
		       c->what, r, verdict, c->want, c->want2);
	else
		printk("badcalls: %-58s -> %ld %s (want %ld)\n", c->what, r,
		       verdict, c->want);
}

static void after_checks(uint64_t upcalls0)
{
	uint64_t t0, t1;

	/* The clock still runs without exits... */
	t0 = time_ns();
	do {
		t1 = time_ns();
	} while (t1 == t0);
	/* ...and timer events still arrive, on our vector. */
	msleep(5);
	t1 = time_ns();
	total++;
	if (t1 < t0 + 5 * NSEC_PER_MSEC) {
		printk("badcalls: a 5 ms sleep took %llu ns WRONG\n",
		       (unsigned long long)(t1 - t0));
		fails++;
	} else {
		printk("badcalls: clock, timer and events still work: ok\n");
	}
	printk("badcalls: %llu upcall interrupts, %llu events found by polling\n",
	       (unsigned long long)(event_stats.upcalls - upcalls0),
	       (unsigned long long)event_stats.polled);
}

int prog_badcalls(const struct args *a)
{
	static const char *const keys[] = { NULL };
	const uint64_t mem = start_info->mem_bytes;
	const uint64_t si = (uintptr_t)shared_info;
	const uint64_t later = time_ns() + 3600 * NSEC_PER_SEC;
	const uint64_t upcalls0 = event_stats.upcalls;
	char *buf = alloc_pages(1);
	const uint64_t b = (uintptr_t)buf;
	const uint64_t nvcpu = start_info->nr_vcpus;
	const uint64_t hi = 1ull << 32;

	const struct check checks[] = {
		/* Numbers nobody serves. */
		BAD("number 0", 0, 0, 0, E(ENOSYS)),
		BAD("number 12 (one past the last)", 12, 0, 0, E(ENOSYS)),
		BAD("number 0xffff", 0xffff, 0, 0, E(ENOSYS)),
		BAD("number VMM_BASE + 0xbad", HOSPES_HC_VMM_BASE + 0xbad, 0, 0,
		    E(ENOSYS)),
		BAD("number 2^32 + YIELD (low half is real)",
		    hi | HOSPES_HC_YIELD, 0, 0, E(ENOSYS)),
		BAD("number 2^64 - 1", ~0ull, 0, 0, E(ENOSYS)),

		/* CONSOLE_WRITE */
		BAD("CONSOLE_WRITE(0 bytes) [control]",
		    HOSPES_HC_CONSOLE_WRITE, b, 0, OK(0)),
		BAD("CONSOLE_WRITE(last byte of RAM) [control]",
		    HOSPES_HC_CONSOLE_WRITE, mem - 1, 1, OK(1)),
		BAD("CONSOLE_WRITE(buffer at end of RAM)",
		    HOSPES_HC_CONSOLE_WRITE, mem, 1, E(EFAULT)),
		BAD("CONSOLE_WRITE(buffer running off RAM)",
		    HOSPES_HC_CONSOLE_WRITE, mem - 2, 4, E(EFAULT)),
		BAD("CONSOLE_WRITE(gpa + len wraps around 2^64)",
		    HOSPES_HC_CONSOLE_WRITE, ~0ull - 1, 4, E(EFAULT)),
		BAD("CONSOLE_WRITE(at 2^52)", HOSPES_HC_CONSOLE_WRITE,
		    1ull << 52, 16, E(EFAULT)),
		BAD("CONSOLE_WRITE(len CONSOLE_MAX + 1)",
		    HOSPES_HC_CONSOLE_WRITE, b, HOSPES_PV_CONSOLE_MAX + 1,
		    E(EINVAL)),
		BAD2("CONSOLE_WRITE(len 2^64 - 1)", HOSPES_HC_CONSOLE_WRITE, b,
		     ~0ull, E(EINVAL), E(EFAULT)),
		BAD2("CONSOLE_WRITE(len 2^32 + 1)", HOSPES_HC_CONSOLE_WRITE, b,
		     hi + 1, E(EINVAL), E(EFAULT)),

		/* SET_SHARED_INFO: none may move or break our page. */
		BAD("SET_SHARED_INFO(unaligned)", HOSPES_HC_SET_SHARED_INFO,
		    si + 8, VECTOR_UPCALL, E(EINVAL)),
		BAD("SET_SHARED_INFO(page at end of RAM)",
		    HOSPES_HC_SET_SHARED_INFO, mem, VECTOR_UPCALL, E(EFAULT)),
		BAD("SET_SHARED_INFO(page at 2^52)", HOSPES_HC_SET_SHARED_INFO,
		    1ull << 52, VECTOR_UPCALL, E(EFAULT)),
		BAD("SET_SHARED_INFO(vector 0)", HOSPES_HC_SET_SHARED_INFO, si,
		    0, E(EINVAL)),
		BAD("SET_SHARED_INFO(vector 31)", HOSPES_HC_SET_SHARED_INFO, si,
		    31, E(EINVAL)),
		BAD("SET_SHARED_INFO(vector 256)", HOSPES_HC_SET_SHARED_INFO,
		    si, 256, E(EINVAL)),
		BAD("SET_SHARED_INFO(vector 2^32 + upcall)",
		    HOSPES_HC_SET_SHARED_INFO, si, hi | VECTOR_UPCALL,
		    E(EINVAL)),

		/* GET_TIME */
		BAD("GET_TIME(into our page) [control]", HOSPES_HC_GET_TIME, b,
		    0, OK(0)),
		BAD("GET_TIME(at end of RAM)", HOSPES_HC_GET_TIME, mem, 0,
		    E(EFAULT)),
		BAD("GET_TIME(running off RAM)", HOSPES_HC_GET_TIME, mem - 8, 0,
		    E(EFAULT)),
		BAD("GET_TIME(wrapping around 2^64)", HOSPES_HC_GET_TIME,
		    ~0ull - 7, 0, E(EFAULT)),

		/* SET_TIMER */
		BAD("SET_TIMER(port 1024)", HOSPES_HC_SET_TIMER, later,
		    HOSPES_PV_EVTCHN_PORTS, E(EINVAL)),
		BAD("SET_TIMER(port 2^64 - 1)", HOSPES_HC_SET_TIMER, later,
		    ~0ull, E(EINVAL)),
		BAD("SET_TIMER(port 2^32 + timer port)", HOSPES_HC_SET_TIMER,
		    later, hi | timer_port, E(EINVAL)),

		/* EVTCHN_* */
		BAD("EVTCHN_BIND(port 1024)", HOSPES_HC_EVTCHN_BIND,
		    HOSPES_PV_EVTCHN_PORTS, 0, E(EINVAL)),
		BAD("EVTCHN_BIND(port 2^32 + 3)", HOSPES_HC_EVTCHN_BIND, hi | 3,
		    0, E(EINVAL)),
		BAD("EVTCHN_BIND(vCPU 64)", HOSPES_HC_EVTCHN_BIND, 3,
		    HOSPES_PV_MAX_VCPUS, E(EINVAL)),
		BAD("EVTCHN_BIND(vCPU 2^64 - 1)", HOSPES_HC_EVTCHN_BIND, 3,
		    ~0ull, E(EINVAL)),
		DOUBT("EVTCHN_BIND(vCPU nr_vcpus, which does not exist)",
		      HOSPES_HC_EVTCHN_BIND, 3, nvcpu, E(ENOENT), E(EINVAL)),
		BAD("EVTCHN_NOTIFY(port 1024)", HOSPES_HC_EVTCHN_NOTIFY,
		    HOSPES_PV_EVTCHN_PORTS, 0, E(EINVAL)),
		BAD("EVTCHN_NOTIFY(port 2^64 - 1)", HOSPES_HC_EVTCHN_NOTIFY,
		    ~0ull, 0, E(EINVAL)),
		BAD("EVTCHN_UNMASK(port 1024)", HOSPES_HC_EVTCHN_UNMASK,
		    HOSPES_PV_EVTCHN_PORTS, 0, E(EINVAL)),
		BAD("EVTCHN_UNMASK(port 2^32 + timer port)",
		    HOSPES_HC_EVTCHN_UNMASK, hi | timer_port, 0, E(EINVAL)),

		/* SHUTDOWN with a bad reason must come back. */
		BAD("SHUTDOWN(reason 3)", HOSPES_HC_SHUTDOWN, 3, 0, E(EINVAL)),
		BAD("SHUTDOWN(reason 2^32 + POWEROFF)", HOSPES_HC_SHUTDOWN,
		    hi | HOSPES_SHUTDOWN_POWEROFF, 0, E(EINVAL)),
		BAD("SHUTDOWN(reason 2^64 - 1)", HOSPES_HC_SHUTDOWN, ~0ull, 0,
		    E(EINVAL)),

		/* Only ring 0 may call. */
		CPL3("CPL3: CONSOLE_WRITE", HOSPES_HC_CONSOLE_WRITE, b, 4),
		CPL3("CPL3: YIELD", HOSPES_HC_YIELD, 0, 0),
		CPL3("CPL3: GET_TIME", HOSPES_HC_GET_TIME, b, 0),
		CPL3("CPL3: SHUTDOWN(POWEROFF, 0)", HOSPES_HC_SHUTDOWN,
		     HOSPES_SHUTDOWN_POWEROFF, 0),
		CPL3("CPL3: number VMM_BASE (the VMM's range)",
		     HOSPES_HC_VMM_BASE, 0, 0),
	};

	if (args_check(a, keys))
		return 2;
	buf[0] = 'C';
	buf[1] = 'P';
	buf[2] = 'L';
	buf[3] = '3';
	*(char *)(uintptr_t)(mem - 1) = '\n';	/* free memory: ours to use */

	for (unsigned int i = 0; i < ARRAY_SIZE(checks); i++)
		run(&checks[i]);
	after_checks(upcalls0);
	printk("badcalls: %d of %d checks failed, %d doubtful\n", fails, total,
	       doubts);
	printk("badcalls: %s\n", fails ? "FAIL" : "PASS");
	return fails ? 1 : 0;
}
