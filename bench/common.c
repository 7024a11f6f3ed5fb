// SPDX-License-Identifier: GPL-2.0-only
/*
 * What every bench program shares: failure messages, the output lines and
 * their JSON, medians, the watchdog, command-line counts, CPU pinning.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
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

double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void proc_close_log(struct bench_proc *p)
{
	if (p->log >= 0)
		close(p->log);
	p->log = -1;
}

int bench_proc_start_logged(struct bench_proc *p, char *const argv[],
			    const char *log, struct bench_err *err)
{
	int fds[2], null;

	p->len = 0;
	p->out[0] = '\0';
	p->status = -1;
	p->fd = -1;
	p->log = -1;
	p->pid = 0;
	if (log) {
		p->log = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (p->log < 0)
			return bench_fail(err, "%s: %s", log, strerror(errno));
	}
	if (pipe2(fds, O_CLOEXEC)) {
		proc_close_log(p);
		return bench_fail_errno(err, "pipe");
	}
	fflush(stdout);
	p->start_ns = p->read_ns = bench_now_ns();
	p->pid = fork();
	if (p->pid < 0) {
		p->pid = 0;
		close(fds[0]);
		close(fds[1]);
		proc_close_log(p);
		return bench_fail_errno(err, "fork");
	}
	if (!p->pid) {
		null = open("/dev/null", O_RDONLY);
		dup2(null, STDIN_FILENO);
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	p->fd = fds[0];
	return 0;
}

int bench_proc_start(struct bench_proc *p, char *const argv[],
		     struct bench_err *err)
{
	return bench_proc_start_logged(p, argv, NULL, err);
}

/* One read into out; a full buffer keeps its first half and drops after. */
static int proc_read(struct bench_proc *p)
{
	const size_t keep = BENCH_PROC_OUT_MAX / 2;
	ssize_t n;

	if (p->len == BENCH_PROC_OUT_MAX) {
		memmove(p->out + keep, p->out + BENCH_PROC_OUT_MAX - keep / 2,
			keep / 2);
		p->len = keep + keep / 2;
	}
	n = read(p->fd, p->out + p->len, BENCH_PROC_OUT_MAX - p->len);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	if (!n)
		return -1;
	/* A log that cannot be written is given up: the run goes on. */
	if (p->log >= 0 && write(p->log, p->out + p->len, n) != n)
		proc_close_log(p);
	p->len += n;
	p->out[p->len] = '\0';
	return 0;
}

int bench_proc_wait(struct bench_proc *p, size_t from, const char *want,
		    double timeout, double *at_ns, size_t *end)
{
	double deadline = bench_now_ns() + timeout * 1e9;

	for (;;) {
		struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
		double left = deadline - bench_now_ns();
		const char *hit = want && p->len > from ?
				  strstr(p->out + from, want) : NULL;

		if (hit) {
			if (at_ns)
				*at_ns = p->read_ns;
			if (end)
				*end = hit - p->out + strlen(want);
			return 1;
		}
		if (p->fd < 0 || left <= 0)
			return 0;
		if (poll(&pfd, 1, (int)(left / 1e6) + 1) <= 0)
			continue;
		if (proc_read(p)) {
			close(p->fd);
			p->fd = -1;
		}
		p->read_ns = bench_now_ns();
	}
}

int bench_proc_finish(struct bench_proc *p, double timeout)
{
	int st;

	if (p->pid <= 0 || p->status >= 0)
		return p->status;
	bench_proc_wait(p, 0, NULL, timeout, NULL, NULL);
	if (p->fd >= 0) {
		kill(p->pid, SIGKILL);
		close(p->fd);
		p->fd = -1;
	}
	proc_close_log(p);
	while (waitpid(p->pid, &st, 0) < 0)
		if (errno != EINTR)
			return p->status = -1;
	p->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return p->status;
}

int bench_proc_stop(struct bench_proc *p)
{
	if (p->pid <= 0 || p->status >= 0)
		return p->status;
	kill(p->pid, SIGTERM);
	return bench_proc_finish(p, 30);
}

const char *bench_proc_tail(const struct bench_proc *p, size_t len)
{
	return p->len > len ? p->out + p->len - len : p->out;
}

void bench_proc_print_lines(const struct bench_proc *p, const char *who,
			    unsigned int lines)
{
	const char *end = p->out + p->len, *s = end;

	/* An unfinished last line counts as one. */
	if (s > p->out && s[-1] == '\n')
		s--;
	while (s > p->out && lines) {
		s--;
		if (*s == '\n' && !--lines)
			s++;
	}
	while (s < end) {
		const char *nl = memchr(s, '\n', end - s);
		int n = nl ? (int)(nl - s) : (int)(end - s);

		printf("# %s| %.*s\n", who, n, s);
		s += n + 1;
	}
}
