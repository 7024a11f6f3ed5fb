// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "util.h"

/* strtoull accepts signs and leading blanks; sizes and counts take neither. */
static int parse_u64(const char *s, uint64_t *value, char **end)
{
	unsigned long long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, end, 10);
	if (errno)
		return -1;
	*value = v;
	return 0;
}

int parse_size(const char *s, uint64_t *bytes)
{
	uint64_t v, unit = 1;
	char *end;

	if (parse_u64(s, &v, &end))
		return -1;
	switch (toupper((unsigned char)*end)) {
	case '\0':
		break;
	case 'K':
		unit = KIB;
		break;
	case 'M':
		unit = MIB;
		break;
	case 'G':
		unit = GIB;
		break;
	case 'T':
		unit = 1024 * GIB;
		break;
	default:
		return -1;
	}
	if (*end && end[1])
		return -1;
	if (v > UINT64_MAX / unit)
		return -1;
	*bytes = v * unit;
	return 0;
}

int parse_uint(const char *s, unsigned int min, unsigned int max,
	       unsigned int *value)
{
	uint64_t v;
	char *end;

	if (parse_u64(s, &v, &end) || *end || v < min || v > max)
		return -1;
	*value = v;
	return 0;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

uint64_t monotonic_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t realtime_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

int say_why(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
