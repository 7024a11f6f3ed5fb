// SPDX-License-Identifier: GPL-2.0-only
/*
 * What every bench program shares: failure messages, the output lines and
 * their JSON, medians, the watchdog, command-line counts, CPU pinning.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench.h"

int bench_fail(struct bench_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int bench_fail_errno(struct bench_err *err, const char *what)
{
	return bench_fail(err, "%s: %s", what, strerror(errno));
}

static volatile sig_atomic_t watchdog_fired;

static void watchdog_signal(int sig)
{
	(void)sig;
	watchdog_fired = 1;
}

/*
 * No SA_RESTART: the blocking call must come back with EINTR. One signal
 * a second after the first, in case the first landed outside the call.
 */
void bench_watchdog_start(unsigned int seconds)
{
	struct sigaction sa = { .sa_handler = watchdog_signal };
	struct itimerval it = {
		.it_value = { .tv_sec = seconds },
		.it_interval = { .tv_sec = 1 },
	};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	watchdog_fired = 0;
	setitimer(ITIMER_REAL, &it, NULL);
}

void bench_watchdog_stop(void)
{
	struct itimerval it = { 0 };

	setitimer(ITIMER_REAL, &it, NULL);
}

bool bench_watchdog_fired(void)
{
	return watchdog_fired;
}

/* A JSON string: quotes, backslashes and control characters escaped. */
void bench_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !colon)
			continue;
		colon += strspn(colon + 1, " \t") + 1;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		break;
	}
	fclose(f);
}

void bench_print_host(const char *side)
{
	struct utsname u;
	char model[256];

	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "unknown");
	cpu_model(model, sizeof(model));
	printf("BENCH {\"type\":\"host\",\"side\":");
	bench_json_str(stdout, side);
	printf(",\"kernel\":");
	bench_json_str(stdout, u.release);
	printf(",\"cpu_model\":");
	bench_json_str(stdout, model);
	printf("}\n");
}

void bench_print_head(const char *type, const char *side, const char *bench,
		      const char *what)
{
	printf("BENCH {\"type\":");
	bench_json_str(stdout, type);
	printf(",\"side\":");
	bench_json_str(stdout, side);
	printf(",\"bench\":");
	bench_json_str(stdout, bench);
	printf(",\"what\":");
	bench_json_str(stdout, what);
}

void bench_print_failed(const char *type, const char *side, const char *bench,
			const char *what, const char *why)
{
	printf("# %s %s: failed (%s)\n", side, bench, why);
	bench_print_head(type, side, bench, what);
	printf(",\"status\":\"failed\",\"reason\":");
	bench_json_str(stdout, why);
	printf("}\n");
}

void bench_print_array(const char *key, const double *v, unsigned int n,
		       int decimals)
{
	printf(",");
	bench_json_str(stdout, key);
	printf(":[");
	for (unsigned int i = 0; i < n; i++)
		printf("%s%.*f", i ? "," : "", decimals, v[i]);
	printf("]");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_median(const double *v, unsigned int n)
{
	double s[n];

	memcpy(s, v, sizeof(s));
	qsort(s, n, sizeof(s[0]), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

unsigned long bench_parse_count(const char *arg, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 0);
	if (errno || *end || !v || v > max) {
		fprintf(stderr, "bench: bad count %s (1..%lu)\n", arg, max);
		exit(2);
	}
	return v;
}

void bench_pin_to_last_cpu(const char *side)
{
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	if (ncpus < 1)
		return;
	CPU_ZERO(&set);
	CPU_SET(ncpus - 1, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		printf("# %s: could not pin to CPU %ld: %s\n", side, ncpus - 1,
		       strerror(errno));
}
