// SPDX-License-Identifier: GPL-2.0-only
/*
 * compute-native: the pvguest compute kernel as a Linux program, for
 * comparing native and in-guest speed. Prints the same line as the guest.
 *
 *   compute-native [iterations=N | N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compute.h"

static unsigned long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ull + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	unsigned long long iterations = COMPUTE_DEFAULT_ITERATIONS, t0, t1;
	struct compute_result r;

	if (argc > 2) {
		fprintf(stderr, "usage: %s [iterations=N]\n", argv[0]);
		return 2;
	}
	if (argc == 2) {
		const char *s = argv[1];
		char *end;

		if (!strncmp(s, "iterations=", 11))
			s += 11;
		iterations = strtoull(s, &end, 0);
		if (!*s || *end) {
			fprintf(stderr, "%s: bad iteration count '%s'\n",
				argv[0], argv[1]);
			return 2;
		}
	}
	t0 = now_us();
	compute_run(iterations, &r);
	t1 = now_us();
	printf(COMPUTE_FORMAT, (unsigned long long)r.iterations,
	       (unsigned long long)r.primes, (unsigned long long)r.checksum,
	       t1 - t0);
	return 0;
}
