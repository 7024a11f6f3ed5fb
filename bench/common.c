// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor-independent half of the bench: guest memory, the timed
 * run loop, repeats, medians and the output.
 *
 * Output goes to stdout, one line per fact: lines starting with "# " are
 * for people, lines starting with "BENCH " carry one JSON object each for
 * bench/report.pl, which joins both programs' lines into results.json.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench.h"

#define HUGE_2M	(2UL << 20)

enum touch_thp {
	TOUCH_NONE,	/* no slot 1 */
	TOUCH_4K,	/* slot 1 in 4 KiB host pages: one fault per page */
	TOUCH_THP,	/* slot 1 in transparent huge pages where possible */
};

struct bench_case {
	const char *name;
	const char *what;
	const unsigned char *entry;
	enum touch_thp touch;
};

static const struct bench_case cases[] = {
	{ "pio_exit", "OUT in a loop, each one an exit to the VMM in userspace and back",
	  guest_pio, TOUCH_NONE },
	{ "cpuid", "CPUID in a loop, handled in the kernel",
	  guest_cpuid, TOUCH_NONE },
	/*
	 * The test host's kernel has THP "always": without MADV_NOHUGEPAGE
	 * a hypervisor could map 2 MiB at a time and this would no longer
	 * time the 4 KiB nested fault path. (How many nested faults the
	 * 16384 pages take is still the hypervisor's choice: KVM takes one
	 * per page, a hypervisor that maps ahead takes fewer.) The THP
	 * variant after it shows what huge pages change.
	 */
	{ "touch_64m", "first write to each 4 KiB page of fresh memory held in 4 KiB host pages (THP off)",
	  guest_touch, TOUCH_4K },
	{ "touch_64m_thp", "the same over transparent huge pages (MADV_HUGEPAGE)",
	  guest_touch, TOUCH_THP },
};

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
 * No SA_RESTART: the run ioctl must come back with EINTR. Until the
 * timeout no signal comes at all, so the timed runs are not disturbed;
 * after it, one a second, in case the first landed outside the ioctl.
 */
static void watchdog_start(void)
{
	struct sigaction sa = { .sa_handler = watchdog_signal };
	struct itimerval it = {
		.it_value = { .tv_sec = BENCH_RUN_TIMEOUT },
		.it_interval = { .tv_sec = 1 },
	};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	watchdog_fired = 0;
	setitimer(ITIMER_REAL, &it, NULL);
}

static void watchdog_stop(void)
{
	struct itimerval it = { 0 };

	setitimer(ITIMER_REAL, &it, NULL);
}

int bench_watchdog_expired(struct bench_err *err)
{
	if (!watchdog_fired)
		return 0;
	return bench_fail(err, "no exit to userspace for %d s: guest or hypervisor stuck",
			  BENCH_RUN_TIMEOUT);
}

/*
 * The TSC as the host VMM sees it. The LFENCE keeps the read from
 * drifting ahead of the preceding instructions; the ioctls around it are
 * system calls, which do the rest of the ordering.
 */
static inline uint64_t tsc_read(void)
{
	uint32_t lo, hi;

	asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_str(FILE *f, const char *s)
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

static void print_host(void)
{
	struct utsname u;
	char model[256];

	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "unknown");
	cpu_model(model, sizeof(model));
	printf("BENCH {\"type\":\"host\",\"side\":");
	json_str(stdout, backend_side);
	printf(",\"kernel\":");
	json_str(stdout, u.release);
	printf(",\"cpu_model\":");
	json_str(stdout, model);
	printf("}\n");
}

/* The start of a result line: which side, which case. */
static void print_result_head(const struct bench_case *bc)
{
	printf("BENCH {\"type\":\"result\",\"side\":");
	json_str(stdout, backend_side);
	printf(",\"bench\":");
	json_str(stdout, bc->name);
	printf(",\"what\":");
	json_str(stdout, bc->what);
}

static void print_failed(const struct bench_case *bc, const char *why)
{
	printf("# %s %s: failed (%s)\n", backend_side, bc->name, why);
	print_result_head(bc);
	printf(",\"status\":\"failed\",\"reason\":");
	json_str(stdout, why);
	printf("}\n");
}

/*
 * Anonymous memory aligned to 2 MiB (mmap gives 4 KiB alignment only),
 * so that a THP-backed slot starts on a huge page.
 */
static void *map_aligned(size_t size, void **base, size_t *base_size)
{
	char *p;

	*base_size = size + HUGE_2M;
	p = mmap(NULL, *base_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	*base = p;
	return (void *)(((uintptr_t)p + HUGE_2M - 1) & ~(HUGE_2M - 1));
}

struct run_result {
	uint64_t cycles;
	char note[256];
};

/*
 * One timed run in a fresh VM: fresh memory each time, since the touch
 * case must fault every page and the others should not differ from it in
 * how they are set up.
 */
static int run_once(const struct bench_case *bc, uint32_t n,
		    struct run_result *res, struct bench_err *err)
{
	struct bench_vm_setup setup = { 0 };
	struct bench_vm *vm = NULL;
	void *touch_base = NULL;
	size_t touch_base_size = 0;
	struct bench_exit ex;
	uint64_t t0, t1, outs = 0;
	uint32_t ebx;
	int ret = -1;

	setup.low = mmap(NULL, BENCH_LOW_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (setup.low == MAP_FAILED)
		return bench_fail_errno(err, "mmap low memory");
	memcpy((char *)setup.low + BENCH_CODE_GPA, guest_begin,
	       guest_end - guest_begin);
	setup.eip = BENCH_CODE_GPA + (bc->entry - guest_begin);
	setup.ecx = n;

	if (bc->touch != TOUCH_NONE) {
		setup.touch_size = (size_t)n * BENCH_PAGE_SIZE;
		setup.touch = map_aligned(setup.touch_size, &touch_base,
					  &touch_base_size);
		if (!setup.touch) {
			bench_fail_errno(err, "mmap touch memory");
			goto out_unmap;
		}
		if (madvise(setup.touch, setup.touch_size,
			    bc->touch == TOUCH_THP ? MADV_HUGEPAGE : MADV_NOHUGEPAGE)) {
			bench_fail_errno(err, "madvise touch memory");
			goto out_unmap;
		}
		setup.edi = BENCH_TOUCH_GPA;
	}

	if (backend_vm_create(&setup, &vm, err))
		goto out_unmap;
	watchdog_start();

	/* Up to the start marker, untimed: first entry, code page mapped. */
	if (backend_vm_run(vm, &ex, err))
		goto out_destroy;
	if (ex.kind != BENCH_EXIT_OUT || ex.port != BENCH_PORT_START) {
		bench_fail(err, "expected the start OUT, got %s", ex.desc);
		goto out_destroy;
	}

	t0 = tsc_read();
	for (;;) {
		if (backend_vm_run(vm, &ex, err))
			goto out_destroy;
		if (ex.kind == BENCH_EXIT_OUT && ex.port == BENCH_PORT_LOOP) {
			outs++;
			continue;
		}
		if (ex.kind == BENCH_EXIT_HLT)
			break;
		bench_fail(err, "unexpected exit after %llu OUTs: %s",
			   (unsigned long long)outs, ex.desc);
		goto out_destroy;
	}
	t1 = tsc_read();
	res->cycles = t1 - t0;

	/* Did the guest do what was timed? */
	if (outs != (bc->entry == guest_pio ? n : 0)) {
		bench_fail(err, "%llu loop OUTs, expected %u",
			   (unsigned long long)outs, bc->entry == guest_pio ? n : 0);
		goto out_destroy;
	}
	if (bc->entry == guest_cpuid) {
		if (backend_vm_get_ebx(vm, &ebx, err))
			goto out_destroy;
		if (!ebx) {
			bench_fail(err, "CPUID leaf 0 returned EBX 0: no CPUID table?");
			goto out_destroy;
		}
	}
	if (bc->touch != TOUCH_NONE) {
		for (uint32_t i = 0; i < n; i++) {
			if (((char *)setup.touch)[(size_t)i * BENCH_PAGE_SIZE] != 1) {
				bench_fail(err, "page %u of the touch area not written", i);
				goto out_destroy;
			}
		}
	}
	backend_vm_note(vm, res->note, sizeof(res->note));
	ret = 0;

out_destroy:
	watchdog_stop();
	backend_vm_destroy(vm);
out_unmap:
	if (touch_base)
		munmap(touch_base, touch_base_size);
	munmap(setup.low, BENCH_LOW_SIZE);
	return ret;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, unsigned int n)
{
	double s[n];

	memcpy(s, v, sizeof(s));
	qsort(s, n, sizeof(s[0]), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static int run_case(const struct bench_case *bc, uint32_t n,
		    unsigned int repeats)
{
	double per_op[repeats];
	struct run_result res;
	struct bench_err err;

	printf("# %s %s: %u iterations, %u runs\n", backend_side, bc->name,
	       n, repeats);
	for (unsigned int r = 0; r < repeats; r++) {
		memset(&res, 0, sizeof(res));
		if (run_once(bc, n, &res, &err)) {
			print_failed(bc, err.msg);
			return -1;
		}
		per_op[r] = (double)res.cycles / n;
		printf("# %s %s: run %u: %llu cycles, %.1f per op%s%s\n",
		       backend_side, bc->name, r + 1,
		       (unsigned long long)res.cycles, per_op[r],
		       res.note[0] ? "; " : "", res.note);
	}

	print_result_head(bc);
	printf(",\"status\":\"ok\",\"iterations\":%u,\"repeats\":%u,\"cycles_per_op\":[",
	       n, repeats);
	for (unsigned int r = 0; r < repeats; r++)
		printf("%s%.1f", r ? "," : "", per_op[r]);
	printf("],\"median_cycles_per_op\":%.1f,\"note\":", median(per_op, repeats));
	json_str(stdout, res.note);
	printf("}\n");
	return 0;
}

/*
 * One CPU for the whole run: the TSC is read on the same CPU before and
 * after, and the vCPU does not migrate between runs.
 */
static void pin_to_last_cpu(void)
{
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	if (ncpus < 1)
		return;
	CPU_ZERO(&set);
	CPU_SET(ncpus - 1, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		printf("# %s: could not pin to CPU %ld: %s\n", backend_side,
		       ncpus - 1, strerror(errno));
}

static unsigned long parse_count(const char *arg, unsigned long max)
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

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-r REPEATS] [-p PIO_ITERS] [-c CPUID_ITERS] [-m TOUCH_MIB]\n"
		"Times the shared guest loops on this program's hypervisor and prints\n"
		"\"# \" lines for people and \"BENCH {json}\" lines for bench/report.pl.\n"
		"-m changes the touch size, not the touch cases' names.\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int repeats = BENCH_DEFAULT_REPEATS;
	uint32_t pio = BENCH_DEFAULT_PIO, cpuid = BENCH_DEFAULT_CPUID;
	/* The touch area must fit below 4 GiB: the guest is 32-bit. */
	uint32_t touch_mib = BENCH_DEFAULT_TOUCH_MIB;
	struct bench_err err;
	int opt, failed = 0;

	while ((opt = getopt(argc, argv, "r:p:c:m:h")) != -1) {
		switch (opt) {
		case 'r':
			repeats = parse_count(optarg, 101);
			break;
		case 'p':
			pio = parse_count(optarg, UINT32_MAX);
			break;
		case 'c':
			cpuid = parse_count(optarg, UINT32_MAX);
			break;
		case 'm':
			touch_mib = parse_count(optarg, 2048);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc)
		usage(argv[0]);

	setvbuf(stdout, NULL, _IOLBF, 0);
	pin_to_last_cpu();
	print_host();

	if (backend_open(&err)) {
		for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
			print_failed(&cases[i], err.msg);
		return 1;
	}

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct bench_case *bc = &cases[i];
		uint32_t n;

		if (bc->entry == guest_pio)
			n = pio;
		else if (bc->entry == guest_cpuid)
			n = cpuid;
		else
			n = touch_mib * ((1U << 20) / BENCH_PAGE_SIZE);
		if (run_case(bc, n, repeats))
			failed = 1;
	}
	return failed;
}
