/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvguest: the compute kernel, compiled once and linked twice: into the
 * guest (the "compute" program) and into build/pvguest/compute-native, a
 * static Linux program, so a benchmark can compare the same machine code
 * in and out of a guest. It may depend on nothing but this header and
 * <stdint.h>.
 *
 * Iteration i sieves the numbers [i * 65536, (i + 1) * 65536) for primes
 * (a segmented sieve of Eratosthenes; the base primes below 65536 are
 * found first, in every run) and folds each prime into a 64-bit hash.
 * Deterministic: same iterations, same checksum, on any machine. A known
 * value: 16 iterations (the numbers below 2^20) find 82025 primes.
 */
#ifndef PVGUEST_COMPUTE_H
#define PVGUEST_COMPUTE_H

#include <stdint.h>

#define COMPUTE_SPAN		65536u	/* numbers per iteration */
#define COMPUTE_MAX_ITERATIONS	65536u	/* so every number is below 2^32 */
#define COMPUTE_DEFAULT_ITERATIONS 1000u

struct compute_result {
	uint64_t iterations;
	uint64_t primes;
	uint64_t checksum;
};

/* iterations is clamped to 1 .. COMPUTE_MAX_ITERATIONS. */
void compute_run(uint64_t iterations, struct compute_result *r);

/*
 * The line both sides print; tests and benchmarks parse it:
 * "compute: iterations=N primes=N checksum=0x%016llx elapsed_us=N"
 */
#define COMPUTE_FORMAT \
	"compute: iterations=%llu primes=%llu checksum=0x%016llx elapsed_us=%llu\n"

#endif /* PVGUEST_COMPUTE_H */
