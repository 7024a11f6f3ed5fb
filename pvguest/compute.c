// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvguest: the compute kernel (compute.h). Shared, unchanged, by the guest
 * and the native build: integer work only, no library calls.
 */
#include "compute.h"

#define NR_BASE_PRIMES	6542	/* primes below 65536 */

static uint32_t base_primes[NR_BASE_PRIMES];
static uint8_t composite[COMPUTE_SPAN / 2];	/* [k]: lo + 2k + 1 */

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0x9e3779b97f4a7c15ull;
	h ^= h >> 29;
	return h;
}

/* Primes below 65536 (including 2), by a plain sieve over the odd numbers. */
static unsigned int find_base_primes(void)
{
	unsigned int n = 0;

	for (uint32_t k = 0; k < COMPUTE_SPAN / 2; k++)
		composite[k] = 0;
	base_primes[n++] = 2;
	for (uint32_t k = 1; k < COMPUTE_SPAN / 2; k++) {
		uint32_t p = 2 * k + 1;

		if (composite[k])
			continue;
		base_primes[n++] = p;
		for (uint32_t m = p * p; m < COMPUTE_SPAN; m += 2 * p)
			composite[m / 2] = 1;
	}
	return n;
}

/* One segment [lo, lo + COMPUTE_SPAN): returns its prime count. */
static uint64_t sieve_segment(uint64_t lo, unsigned int nbase, uint64_t *h)
{
	uint64_t hi = lo + COMPUTE_SPAN, count = 0;

	for (uint32_t k = 0; k < COMPUTE_SPAN / 2; k++)
		composite[k] = 0;
	if (lo == 0)
		composite[0] = 1;	/* 1 is not a prime */

	for (unsigned int i = 1; i < nbase; i++) {	/* odd primes */
		uint64_t p = base_primes[i], m;

		if (p * p >= hi)
			break;
		m = (lo + p - 1) / p * p;	/* first multiple >= lo */
		if (m < p * p)
			m = p * p;
		if (!(m & 1))
			m += p;			/* odd multiples only */
		for (; m < hi; m += 2 * p)
			composite[(m - lo) / 2] = 1;
	}

	if (lo == 0) {
		*h = mix(*h, 2);
		count++;
	}
	for (uint32_t k = 0; k < COMPUTE_SPAN / 2; k++) {
		if (composite[k])
			continue;
		*h = mix(*h, lo + 2 * k + 1);
		count++;
	}
	return count;
}

void compute_run(uint64_t iterations, struct compute_result *r)
{
	uint64_t h = 0x6a09e667f3bcc908ull, primes = 0;
	unsigned int nbase;

	if (iterations < 1)
		iterations = 1;
	if (iterations > COMPUTE_MAX_ITERATIONS)
		iterations = COMPUTE_MAX_ITERATIONS;

	nbase = find_base_primes();
	for (uint64_t i = 0; i < iterations; i++)
		primes += sieve_segment(i * COMPUTE_SPAN, nbase, &h);

	r->iterations = iterations;
	r->primes = primes;
	r->checksum = mix(h, primes);
}
