// SPDX-License-Identifier: GPL-2.0-only
/*
 * compute: run the shared compute kernel (../compute.c) and print its
 * checksum and the guest time it took, in the same format as
 * compute-native.
 */
#include "../compute.h"
#include "../console.h"
#include "../kernel.h"
#include "../time.h"

int prog_compute(const struct args *a)
{
	static const char *const keys[] = { "iterations", NULL };
	struct compute_result r;
	uint64_t n, t0, t1;

	if (args_check(a, keys))
		return 2;
	n = arg_u64(a, "iterations", COMPUTE_DEFAULT_ITERATIONS);
	if (n < 1 || n > COMPUTE_MAX_ITERATIONS) {
		printk("compute: iterations must be 1..%u\n",
		       COMPUTE_MAX_ITERATIONS);
		return 2;
	}
	t0 = time_ns();
	compute_run(n, &r);
	t1 = time_ns();
	printk(COMPUTE_FORMAT, (unsigned long long)r.iterations,
	       (unsigned long long)r.primes, (unsigned long long)r.checksum,
	       (unsigned long long)((t1 - t0) / NSEC_PER_USEC));
	return 0;
}
