// SPDX-License-Identifier: GPL-2.0-only
/*
 * memtouch: dirty mib MiB of memory at rate_mib_s MiB/s (0: as fast as we
 * can) for seconds (0: forever), printing progress every second. For
 * migration tests: it keeps pages dirty at a known rate, and checks its
 * memory while it goes.
 *
 * Each page's first word holds (pass << 32 | page index). A first pass
 * writes pass 0 everywhere; then passes 1, 2, ... sweep the region, and
 * before writing a page we check it still holds the previous pass's value:
 * a page that lost a write (a migration that missed a dirty page, say) is
 * reported. Exit status 0 when every check passed.
 */
#include "../console.h"
#include "../kernel.h"
#include "../mm.h"
#include "../time.h"

#define TICK_NS		(10 * NSEC_PER_MSEC)	/* pacing granularity */
#define PAGES_PER_MIB	256ull

static uint64_t *region;
static uint64_t nr_pages, pass, cursor, errors;

static uint64_t *page(uint64_t i)
{
	return (uint64_t *)((char *)region + i * PAGE_SIZE);
}

static void touch(uint64_t n)
{
	while (n--) {
		uint64_t *p = page(cursor);
		uint64_t want = (pass - 1) << 32 | cursor;

		if (*p != want && errors++ < 10)
			printk("memtouch: page %llu (gpa 0x%llx) holds 0x%llx, "
			       "expected 0x%llx\n",
			       (unsigned long long)cursor,
			       (unsigned long long)(uintptr_t)p,
			       (unsigned long long)*p,
			       (unsigned long long)want);
		*p = pass << 32 | cursor;
		if (++cursor == nr_pages) {
			cursor = 0;
			pass++;
		}
	}
}

int prog_memtouch(const struct args *a)
{
	static const char *const keys[] = { "mib", "rate_mib_s", "seconds",
					    NULL };
	uint64_t mib, rate, seconds, t0, now, next_report, touched = 0;

	if (args_check(a, keys))
		return 2;
	mib = arg_u64(a, "mib", 32);
	rate = arg_u64(a, "rate_mib_s", 0);
	seconds = arg_u64(a, "seconds", 0);
	if (!mib || mib * PAGES_PER_MIB > free_pages()) {
		printk("memtouch: mib=%llu: 1..%llu MiB are free\n",
		       (unsigned long long)mib,
		       (unsigned long long)(free_pages() / PAGES_PER_MIB));
		return 2;
	}
	nr_pages = mib * PAGES_PER_MIB;
	region = alloc_pages(nr_pages);
	for (uint64_t i = 0; i < nr_pages; i++)
		*page(i) = i;		/* pass 0 */
	pass = 1;
	printk("memtouch: %llu MiB at 0x%llx, rate %llu MiB/s%s, %llu s%s\n",
	       (unsigned long long)mib, (unsigned long long)(uintptr_t)region,
	       (unsigned long long)rate, rate ? "" : " (no limit)",
	       (unsigned long long)seconds, seconds ? "" : " (forever)");

	t0 = time_ns();
	next_report = t0 + NSEC_PER_SEC;
	for (;;) {
		uint64_t elapsed, budget;

		now = time_ns();
		elapsed = now - t0;
		if (now >= next_report) {
			printk("memtouch: t=%llus dirtied=%llu MiB passes=%llu "
			       "errors=%llu\n",
			       (unsigned long long)(elapsed / NSEC_PER_SEC),
			       (unsigned long long)(touched / PAGES_PER_MIB),
			       (unsigned long long)(pass - 1),
			       (unsigned long long)errors);
			next_report += NSEC_PER_SEC;
		}
		if (seconds && elapsed >= seconds * NSEC_PER_SEC)
			break;
		if (!rate) {
			touch(PAGES_PER_MIB);
			touched += PAGES_PER_MIB;
			continue;
		}
		/* Pages owed by now, at the rate; then sleep a tick. */
		budget = elapsed / NSEC_PER_SEC * rate * PAGES_PER_MIB +
			 elapsed % NSEC_PER_SEC * rate * PAGES_PER_MIB /
			 NSEC_PER_SEC;
		if (budget > touched) {
			touch(budget - touched);
			touched = budget;
		}
		sleep_until(now + TICK_NS);
	}
	printk("memtouch: done: %llu MiB dirtied in %llu ms, %llu passes, "
	       "errors=%llu: %s\n",
	       (unsigned long long)(touched / PAGES_PER_MIB),
	       (unsigned long long)((time_ns() - t0) / NSEC_PER_MSEC),
	       (unsigned long long)(pass - 1), (unsigned long long)errors,
	       errors ? "FAIL" : "PASS");
	return errors ? 1 : 0;
}
