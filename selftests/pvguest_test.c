// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvguest end to end: each program of the PV guest kernel (pvguest/) run
 * through `hospes run`, its console output and exit status checked. This
 * covers the loader's entry contract, every hypercall, event delivery,
 * guest time and timers, the block ring, the crash path, and stopping a
 * guest with a signal.
 *
 * Where the files are: $HOSPES_BIN and $PVGUEST_ELF if set; else, in the
 * test host, /hospes/bin/hospes and /hospes/pvguest.elf; else next to this
 * binary in the build tree (build/selftests/../{userspace/hospes,
 * pvguest/pvguest.elf}). A missing file skips the tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

/* `hospes run` exit statuses (hospes run --help). */
#define EXIT_GUEST_DIED		3
#define EXIT_SIGTERM		(128 + SIGTERM)

/* compute iterations=16: the numbers below 2^20, so pi(2^20) primes. */
#define COMPUTE_16_LINE \
	"compute: iterations=16 primes=82025 checksum=0x37a58ef9e1b5f29a"

#define OUT_MAX		(256 * 1024)

struct guest {
	pid_t pid;
	int fd;			/* the guest's console (stdout and stderr) */
	int status;		/* exit code, 128 + signal, or -1: killed by us */
	size_t len;
	char out[OUT_MAX + 1];
};

static char hospes_bin[PATH_MAX], pvguest_elf[PATH_MAX];

static int find_file(char *dst, const char *env, const char *const *tries)
{
	char exe[PATH_MAX];
	ssize_t n;
	const char *dir;

	if (getenv(env)) {
		snprintf(dst, PATH_MAX, "%s", getenv(env));
		return access(dst, R_OK);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -1;
	exe[n] = '\0';
	dir = dirname(exe);
	for (; *tries; tries++) {
		if (**tries == '/')
			snprintf(dst, PATH_MAX, "%s", *tries);
		else
			snprintf(dst, PATH_MAX, "%s/%s", dir, *tries);
		if (!access(dst, R_OK))
			return 0;
	}
	return -1;
}

static int find_files(void)
{
	static const char *const bins[] = {
		"/hospes/bin/hospes", "../bin/hospes", "../userspace/hospes",
		NULL,
	};
	static const char *const elfs[] = {
		"/hospes/pvguest.elf", "../pvguest.elf",
		"../pvguest/pvguest.elf", NULL,
	};

	if (find_file(hospes_bin, "HOSPES_BIN", bins))
		return -1;
	return find_file(pvguest_elf, "PVGUEST_ELF", elfs);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Start `hospes run [extra...] --cmdline cmdline ELF`: 0 or -1. */
static int guest_start(struct guest *g, const char *cmdline,
		       const char *const *extra)
{
	const char *argv[16];
	int p[2], i = 0;

	argv[i++] = hospes_bin;
	argv[i++] = "run";
	for (; extra && *extra && i < 12; extra++)
		argv[i++] = *extra;
	argv[i++] = "--cmdline";
	argv[i++] = cmdline;
	argv[i++] = pvguest_elf;
	argv[i] = NULL;

	g->len = 0;
	g->out[0] = '\0';
	g->status = -1;
	if (pipe2(p, O_CLOEXEC))
		return -1;
	g->pid = fork();
	if (g->pid < 0)
		return -1;
	if (!g->pid) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	g->fd = p[0];
	return 0;
}

/*
 * Read output until want appears (want NULL: until EOF) or timeout
 * seconds pass. Returns 1 if want appeared (or EOF came), 0 on timeout or
 * EOF without want.
 */
static int guest_read(struct guest *g, const char *want, double timeout)
{
	double end = now_s() + timeout;

	for (;;) {
		struct pollfd pfd = { .fd = g->fd, .events = POLLIN };
		double left = end - now_s();
		ssize_t n;

		if (want && strstr(g->out, want))
			return 1;
		if (left <= 0)
			return 0;
		if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		if (g->len == OUT_MAX) {
			char sink[4096];

			n = read(g->fd, sink, sizeof(sink));
		} else {
			n = read(g->fd, g->out + g->len, OUT_MAX - g->len);
			if (n > 0) {
				g->len += n;
				g->out[g->len] = '\0';
			}
		}
		if (n == 0)
			return !want;
		if (n < 0 && errno != EINTR)
			return 0;
	}
}

/* Wait for the end (killing it after timeout s); sets and returns status. */
static int guest_finish(struct guest *g, double timeout)
{
	int st;

	if (!guest_read(g, NULL, timeout))
		kill(g->pid, SIGKILL);
	close(g->fd);
	if (waitpid(g->pid, &st, 0) != g->pid)
		return g->status = -1;
	if (WIFEXITED(st))
		g->status = WEXITSTATUS(st);
	else if (WTERMSIG(st) == SIGKILL)
		g->status = -1;
	else
		g->status = 128 + WTERMSIG(st);
	return g->status;
}

/* Run to the end: returns the exit status (-1: killed after timeout). */
static int guest_run(struct guest *g, const char *cmdline,
		     const char *const *extra, double timeout)
{
	if (guest_start(g, cmdline, extra))
		return -2;
	return guest_finish(g, timeout);
}

FIXTURE(pv)
{
	struct guest *g;
	char disk[64];
};

FIXTURE_SETUP(pv)
{
	if (find_files())
		SKIP(return, "hospes or pvguest.elf not found (HOSPES_BIN, PVGUEST_ELF)");
	if (access("/dev/hospes", R_OK | W_OK))
		SKIP(return, "/dev/hospes: %s (module not loaded?)",
		     strerror(errno));
	self->g = calloc(1, sizeof(*self->g));
	ASSERT_NE(NULL, self->g);
	self->disk[0] = '\0';
}

FIXTURE_TEARDOWN(pv)
{
	if (self->disk[0])
		unlink(self->disk);
	free(self->g);
}

/*
 * A test of the pv fixture whose body runs only if setup found everything
 * (this harness runs the body after a SKIP in setup).
 */
#define PV_TEST(name, timeout)						\
	static void name##_body(struct __test_metadata *_metadata,	\
				FIXTURE_DATA(pv) *self);		\
	TEST_F_TIMEOUT(pv, name, timeout)				\
	{								\
		if (self->g)						\
			name##_body(_metadata, self);			\
	}								\
	static void name##_body(struct __test_metadata *_metadata,	\
				FIXTURE_DATA(pv) *self)

/* Check a substring of the output; on failure show the whole output. */
#define EXPECT_OUTPUT(g, s)						\
	EXPECT_NE(NULL, strstr((g)->out, s)) {				\
		TH_LOG("no \"%s\" in the output:\n%s", s, (g)->out);	\
	}

#define ASSERT_STATUS(g, want)						\
	ASSERT_EQ(want, (g)->status) {					\
		TH_LOG("exit status %d, output:\n%s", (g)->status,	\
		       (g)->out);					\
	}

PV_TEST(hello_prints_abi_and_memory_and_powers_off_with_0, 120)
{
	static const char *const mem[] = { "--memory", "96M", NULL };

	guest_run(self->g, "hello", mem, 100);
	ASSERT_STATUS(self->g, 0);
	EXPECT_OUTPUT(self->g, "Hello from pvguest\n");
	EXPECT_OUTPUT(self->g, "ABI version 1, memory 96 MiB");
}

PV_TEST(unknown_program_exits_2, 120)
{
	guest_run(self->g, "no-such-program x=1", NULL, 100);
	ASSERT_STATUS(self->g, 2);
	EXPECT_OUTPUT(self->g, "unknown program 'no-such-program'");
}

PV_TEST(empty_command_line_exits_2, 120)
{
	guest_run(self->g, "", NULL, 100);
	ASSERT_STATUS(self->g, 2);
	EXPECT_OUTPUT(self->g, "no program on the command line");
}

PV_TEST(unknown_or_bad_argument_exits_2, 120)
{
	guest_run(self->g, "timer bogus=1", NULL, 100);
	ASSERT_STATUS(self->g, 2);
	EXPECT_OUTPUT(self->g, "timer: unknown argument 'bogus'");
	guest_run(self->g, "timer count=many", NULL, 100);
	ASSERT_STATUS(self->g, 2);
	EXPECT_OUTPUT(self->g, "'count=many' is not a number");
}

PV_TEST(compute_checksum_matches_the_native_build, 300)
{
	guest_run(self->g, "compute iterations=16", NULL, 280);
	ASSERT_STATUS(self->g, 0);
	EXPECT_OUTPUT(self->g, COMPUTE_16_LINE);
}

PV_TEST(timer_events_arrive_in_order_and_never_early, 300)
{
	guest_run(self->g, "timer count=20 period_ms=10", NULL, 280);
	ASSERT_STATUS(self->g, 0);
	EXPECT_OUTPUT(self->g, "timer: PASS");
}

PV_TEST(memtouch_at_a_rate_keeps_every_page_it_wrote, 300)
{
	guest_run(self->g, "memtouch mib=8 rate_mib_s=32 seconds=2", NULL, 280);
	ASSERT_STATUS(self->g, 0);
	EXPECT_OUTPUT(self->g, "memtouch: t=1s");
	EXPECT_OUTPUT(self->g, "errors=0: PASS");
}

PV_TEST(memtouch_unlimited_wraps_passes_and_checks_them, 300)
{
	guest_run(self->g, "memtouch mib=2 seconds=1", NULL, 280);
	ASSERT_STATUS(self->g, 0);
	EXPECT_OUTPUT(self->g, "errors=0: PASS");
}

PV_TEST(counter_counts_every_period, 300)
{
	guest_run(self->g, "counter count=5 period_ms=20", NULL, 280);
	ASSERT_STATUS(self->g, 0);
	EXPECT_OUTPUT(self->g, "counter 0 t=");
	EXPECT_OUTPUT(self->g, "counter 4 t=");
	EXPECT_OUTPUT(self->g, "counter: done, 5 lines");
}

PV_TEST(ring_writes_flushes_reads_back_and_refuses_bad_requests, 300)
{
	const char *extra[] = { "--disk", self->disk, NULL };
	int fd;

	snprintf(self->disk, sizeof(self->disk), "/tmp/pvguest-disk-XXXXXX");
	fd = mkstemp(self->disk);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 4 << 20));	/* 8192 sectors */
	close(fd);

	guest_run(self->g, "ring", extra, 280);
	ASSERT_STATUS(self->g, 0);
	EXPECT_OUTPUT(self->g, "ring: block device: 8192 sectors");
	EXPECT_OUTPUT(self->g, "ring: PASS");
}

PV_TEST(ring_without_a_disk_fails_cleanly, 120)
{
	guest_run(self->g, "ring", NULL, 100);
	ASSERT_STATUS(self->g, 1);
	EXPECT_OUTPUT(self->g, "ring: no block device");
}

PV_TEST(every_hypercall_refuses_bad_arguments, 300)
{
	guest_run(self->g, "badcalls", NULL, 280);
	ASSERT_STATUS(self->g, 0);
	EXPECT_OUTPUT(self->g, "badcalls: PASS");
}

PV_TEST(page_fault_is_reported_and_crashes_the_guest, 120)
{
	guest_run(self->g, "crash what=pf", NULL, 100);
	ASSERT_STATUS(self->g, EXIT_GUEST_DIED);
	EXPECT_OUTPUT(self->g, "#PF page fault (vector 14)");
	EXPECT_OUTPUT(self->g, "cr2=0x8 (not present, read, data)");
}

PV_TEST(invalid_opcode_is_reported_and_crashes_the_guest, 120)
{
	guest_run(self->g, "crash what=ud", NULL, 100);
	ASSERT_STATUS(self->g, EXIT_GUEST_DIED);
	EXPECT_OUTPUT(self->g, "#UD invalid opcode (vector 6)");
}

PV_TEST(stack_overflow_hits_the_guard_and_is_reported, 120)
{
	guest_run(self->g, "crash what=stack", NULL, 100);
	ASSERT_STATUS(self->g, EXIT_GUEST_DIED);
	EXPECT_OUTPUT(self->g, "#DF double fault (vector 8)");
}

PV_TEST(panic_crashes_the_guest, 120)
{
	guest_run(self->g, "crash what=panic", NULL, 100);
	ASSERT_STATUS(self->g, EXIT_GUEST_DIED);
	EXPECT_OUTPUT(self->g, "pvguest: PANIC: crash: on request");
}

PV_TEST(sigterm_stops_a_spinning_guest, 120)
{
	struct guest *g = self->g;
	double t0;

	ASSERT_EQ(0, guest_start(g, "spin", NULL));
	ASSERT_EQ(1, guest_read(g, "spin: spinning forever", 60)) {
		kill(g->pid, SIGKILL);
		TH_LOG("the guest never said it spins:\n%s", g->out);
	}
	usleep(200 * 1000);	/* spinning now, no exits of its own */
	t0 = now_s();
	ASSERT_EQ(0, kill(g->pid, SIGTERM));
	guest_finish(g, 30);
	EXPECT_EQ(EXIT_SIGTERM, g->status) {
		TH_LOG("exit status %d after SIGTERM, output:\n%s", g->status,
		       g->out);
	}
	EXPECT_GT(10.0, now_s() - t0);
}

TEST_HARNESS_MAIN
