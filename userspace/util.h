/* SPDX-License-Identifier: GPL-2.0-only */
/* Small helpers: parsing the command line, clocks. */
#ifndef HOSPES_UTIL_H
#define HOSPES_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

#define KIB		1024ull
#define MIB		(1024 * KIB)
#define GIB		(1024 * MIB)

/*
 * A size: a decimal number of bytes, or with a suffix K, M, G or T (either
 * case, powers of 1024). Returns 0, or -1 for anything else, including a
 * value that does not fit 64 bits.
 */
int parse_size(const char *s, uint64_t *bytes);

/* A decimal integer in [min, max]. Returns 0, or -1. */
int parse_uint(const char *s, unsigned int min, unsigned int max,
	       unsigned int *value);

/*
 * For functions that return 0, or -1 with a sentence in err: write the
 * sentence (cut to errlen) and return -1.
 */
int say_why(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* CLOCK_MONOTONIC and CLOCK_REALTIME in nanoseconds. */
uint64_t monotonic_ns(void);
uint64_t realtime_ns(void);

#endif /* HOSPES_UTIL_H */
