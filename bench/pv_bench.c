// SPDX-License-Identifier: GPL-2.0-only
/*
 * pv_bench: the PV guest's figures, on hospes alone. It runs pvguest under
 * `hospes run --stats`, and compute-native beside it:
 *
 *   console_pv, console_uart  pvguest's conbench writing BYTES through the
 *                             PV console hypercall and through the 8250
 *                             UART: the guest's time and the VM's exits
 *   compute                   pvguest's compute program, and the same
 *                             object code as a process of this host
 *
 *   pv_bench [-r REPEATS] [-b BYTES] [-i ITERATIONS] HOSPES PVGUEST.ELF COMPUTE-NATIVE
 *
 * The times are the programs' own, taken around the work alone: the guest
 * clock in the guest (the PV clock, which hospes re-anchors to the host's
 * CLOCK_MONOTONIC at least once a second while the guest runs),
 * CLOCK_MONOTONIC natively. The whole process's wall time is reported
 * beside them as a check. bench/README.md says why.
 *
 * A guest's console (stdout of `hospes run`) goes to a file in /tmp,
 * tmpfs in the test host: writing there costs little and never blocks,
 * like /dev/null, and the result line can still be read back. The exit
 * counts are net of a `conbench bytes=0` run in the same repeat: boot and
 * shutdown, which every run has, take exits of their own.
 *
 * Output as the loop programs': "# " lines for people, "BENCH {json}"
 * lines of type "pv" for bench/report.pl.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "../pvguest/compute.h"

#define SIDE			"hospes"
#define MAX_REPEATS		101
#define DEFAULT_BYTES		65536
#define MAX_BYTES		(64u << 20)	/* pvguest's conbench limit */
#define DEFAULT_ITERATIONS	COMPUTE_DEFAULT_ITERATIONS
/* A child running longer is stuck: 64 KiB by UART take seconds under TCG. */
#define CHILD_TIMEOUT		300

/* The VM counters taken from `hospes run --stats`, net of the baseline. */
enum { ST_EXITS, ST_TO_USER, ST_IO, ST_HYPERCALL, ST_INTR, N_STATS };
static const char *const stat_names[N_STATS] = {
	"exits", "exits_to_user", "io_exits", "hypercall_exits", "intr_exits",
};

/* One program run. */
struct child {
	double wall_ns;
	char line[512];		/* its last stdout line with the wanted prefix */
	bool have_stats;
	double stats[N_STATS];	/* as --stats printed them */
};

/* One bench on one side, over the repeats. */
struct series {
	const char *side;
	const char *bench;
	char what[384];
	const char *param;	/* "bytes" or "iterations" */
	unsigned long param_value;
	bool failed;
	char why[320];
	unsigned int n;		/* runs done */
	bool timed;		/* elapsed_ns is the program's own time */
	double elapsed_ns[MAX_REPEATS];
	double wall_ns[MAX_REPEATS];
	bool has_writes, has_stats;
	double writes[MAX_REPEATS];
	double stats[N_STATS][MAX_REPEATS];
	char note[256];		/* about the last run */
};

static void strip_newline(char *s)
{
	s[strcspn(s, "\n")] = '\0';
}

/* The last line of f starting with prefix ("" for any non-empty line). */
static void last_line(FILE *f, const char *prefix, char *buf, size_t len)
{
	char line[1024];

	buf[0] = '\0';
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		strip_newline(line);
		if (line[0] && !strncmp(line, prefix, strlen(prefix)))
			snprintf(buf, len, "%s", line);
	}
}

/* "hospes: stats: NAME=VALUE ..." from `hospes run --stats` on stderr. */
static bool parse_stats(FILE *f, double *stats)
{
	char line[1024], *p;

	last_line(f, "hospes: stats: ", line, sizeof(line));
	if (!line[0])
		return false;
	for (int i = 0; i < N_STATS; i++) {
		char key[64];

		snprintf(key, sizeof(key), " %s=", stat_names[i]);
		p = strstr(line, key);
		if (!p)
			return false;
		stats[i] = strtod(p + strlen(key), NULL);
	}
	return true;
}

/*
 * Run argv[0] with stdin from /dev/null and stdout and stderr in files;
 * it must exit 0 and print a line starting with prefix.
 */
static int run_child(char *const argv[], const char *prefix, struct child *c,
		     struct bench_err *err)
{
	FILE *out = tmpfile(), *errs = tmpfile();
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	char why[320];
	bool timed_out = false;
	double t0;
	int status, ret = -1;
	pid_t pid;

	memset(c, 0, sizeof(*c));
	if (!out || !errs || devnull < 0) {
		bench_fail_errno(err, "temporary files in /tmp");
		goto out;
	}
	fflush(stdout);
	t0 = bench_now_ns();
	pid = fork();
	if (pid < 0) {
		bench_fail_errno(err, "fork");
		goto out;
	}
	if (pid == 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(fileno(out), STDOUT_FILENO);
		dup2(fileno(errs), STDERR_FILENO);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	bench_watchdog_start(CHILD_TIMEOUT);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno == EINTR && !bench_watchdog_fired())
			continue;
		if (errno == EINTR) {
			timed_out = true;
			kill(pid, SIGKILL);
			continue;
		}
		bench_watchdog_stop();
		bench_fail_errno(err, "waitpid");
		goto out;
	}
	bench_watchdog_stop();
	c->wall_ns = bench_now_ns() - t0;

	last_line(errs, "", why, sizeof(why));
	if (timed_out) {
		bench_fail(err, "%s: no end after %d s", argv[0], CHILD_TIMEOUT);
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		bench_fail(err, "%s: %s %d%s%s", argv[0],
			   WIFEXITED(status) ? "exit status" : "killed by signal",
			   WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
			   why[0] ? ": " : "", why);
		goto out;
	}
	last_line(out, prefix, c->line, sizeof(c->line));
	if (!c->line[0]) {
		bench_fail(err, "%s printed no \"%s\" line", argv[0], prefix);
		goto out;
	}
	c->have_stats = parse_stats(errs, c->stats);
	ret = 0;
out:
	if (out)
		fclose(out);
	if (errs)
		fclose(errs);
	if (devnull >= 0)
		close(devnull);
	return ret;
}

/* `hospes run --stats --cmdline CMDLINE PVGUEST.ELF`, stats required. */
static int run_guest(const char *hospes, const char *elf, const char *cmdline,
		     const char *prefix, struct child *c, struct bench_err *err)
{
	char *argv[] = { (char *)hospes, "run", "--stats", "--cmdline",
			 (char *)cmdline, (char *)elf, NULL };

	if (run_child(argv, prefix, c, err))
		return -1;
	if (!c->have_stats)
		return bench_fail(err, "hospes run --stats printed no stats line");
	return 0;
}

static void series_init(struct series *s, const char *side, const char *bench,
			const char *param, unsigned long value)
{
	memset(s, 0, sizeof(*s));
	s->side = side;
	s->bench = bench;
	s->param = param;
	s->param_value = value;
	s->timed = true;
}

/* The first reason is kept; series_print() reports it. */
static void series_fail(struct series *s, const char *why)
{
	if (s->failed)
		return;
	s->failed = true;
	snprintf(s->why, sizeof(s->why), "%s", why);
}

/* One more run of s: its times, and its exits net of the baseline's. */
static void series_add(struct series *s, double elapsed_ns,
		       const struct child *c, const struct child *base)
{
	unsigned int i = s->n++;

	s->elapsed_ns[i] = elapsed_ns;
	s->wall_ns[i] = c->wall_ns;
	if (c->have_stats) {
		s->has_stats = true;
		for (int k = 0; k < N_STATS; k++)
			s->stats[k][i] = c->stats[k] - (base ? base->stats[k] : 0);
	}
	if (s->timed)
		printf("# %s %s: run %u: %.0f ns by its own clock, %.0f ns wall; %s\n",
		       s->side, s->bench, s->n, elapsed_ns, c->wall_ns, c->line);
	else
		printf("# %s %s: run %u: %.0f ns wall\n", s->side, s->bench,
		       s->n, c->wall_ns);
}

static void series_print(const struct series *s)
{
	if (s->failed || !s->n) {
		bench_print_failed("pv", s->side, s->bench, s->what,
				   s->failed ? s->why : "no run");
		return;
	}
	bench_print_head("pv", s->side, s->bench, s->what);
	printf(",\"status\":\"ok\",\"%s\":%lu,\"repeats\":%u", s->param,
	       s->param_value, s->n);
	if (s->timed)
		bench_print_array("elapsed_ns", s->elapsed_ns, s->n, 0);
	bench_print_array("wall_ns", s->wall_ns, s->n, 0);
	if (s->has_writes)
		bench_print_array("writes", s->writes, s->n, 0);
	if (s->has_stats)
		for (int k = 0; k < N_STATS; k++)
			bench_print_array(stat_names[k], s->stats[k], s->n, 0);
	printf(",\"note\":");
	bench_json_str(stdout, s->note);
	printf("}\n");
}

/* What to run, from the command line. */
struct config {
	const char *hospes, *elf, *native;
	unsigned long bytes, iterations;
};

/* Every figure pv_bench makes. */
struct results {
	struct series boot, con_pv, con_uart, comp_guest, comp_native;
};

/* conbench via=pv|uart: its line must echo what was asked. */
static int console_run(const struct config *cfg, const char *via,
		       const struct child *base, struct series *s,
		       struct bench_err *err)
{
	char cmdline[128], got_via[16];
	unsigned long long got_bytes, writes, elapsed;
	struct child c;

	snprintf(cmdline, sizeof(cmdline), "conbench bytes=%lu via=%s",
		 cfg->bytes, via);
	if (run_guest(cfg->hospes, cfg->elf, cmdline, "conbench: ", &c, err))
		return -1;
	if (sscanf(c.line, "conbench: via=%15s bytes=%llu writes=%llu elapsed_ns=%llu",
		   got_via, &got_bytes, &writes, &elapsed) != 4 ||
	    strcmp(got_via, via) || got_bytes != cfg->bytes)
		return bench_fail(err, "unexpected result line: %s", c.line);
	s->writes[s->n] = writes;
	snprintf(s->note, sizeof(s->note),
		 "whole run, baseline included: exits %.0f, to user %.0f, io %.0f, hypercall %.0f, intr %.0f",
		 c.stats[ST_EXITS], c.stats[ST_TO_USER], c.stats[ST_IO],
		 c.stats[ST_HYPERCALL], c.stats[ST_INTR]);
	series_add(s, elapsed, &c, base);
	return 0;
}

/*
 * One round's boot (the baseline) and console runs. The baseline is
 * left in base for the compute run; false if there is none.
 */
static bool console_round(const struct config *cfg, struct results *res,
			  struct child *base)
{
	struct bench_err err;
	char why[300];

	if (run_guest(cfg->hospes, cfg->elf, "conbench bytes=0", "conbench: ",
		      base, &err)) {
		series_fail(&res->boot, err.msg);
		snprintf(why, sizeof(why), "the bytes=0 baseline run: %s", err.msg);
		series_fail(&res->con_pv, why);
		series_fail(&res->con_uart, why);
		series_fail(&res->comp_guest, why);
		series_fail(&res->comp_native, "not run: no guest to compare with");
		return false;
	}
	/* Its counts as they are: nothing to subtract. */
	snprintf(res->boot.note, sizeof(res->boot.note), "counts of the whole run");
	series_add(&res->boot, 0, base, NULL);
	if (!res->con_pv.failed && console_run(cfg, "pv", base, &res->con_pv, &err))
		series_fail(&res->con_pv, err.msg);
	if (!res->con_uart.failed &&
	    console_run(cfg, "uart", base, &res->con_uart, &err))
		series_fail(&res->con_uart, err.msg);
	return true;
}

struct compute_line {
	unsigned long long iterations, primes, checksum, elapsed_us;
};

/* The line compute and compute-native both print (COMPUTE_FORMAT). */
static int parse_compute(const struct child *c, unsigned long iterations,
			 struct compute_line *r, struct bench_err *err)
{
	if (sscanf(c->line, COMPUTE_FORMAT, &r->iterations, &r->primes,
		   &r->checksum, &r->elapsed_us) != 4 ||
	    r->iterations != iterations)
		return bench_fail(err, "unexpected result line: %s", c->line);
	return 0;
}

/* compute in the guest, which must find what compute-native found. */
static int compute_guest_run(const struct config *cfg,
			     const struct compute_line *nat,
			     const struct child *base, struct series *s,
			     struct bench_err *err)
{
	struct compute_line g;
	char cmdline[64];
	struct child c;

	snprintf(cmdline, sizeof(cmdline), "compute iterations=%lu", cfg->iterations);
	if (run_guest(cfg->hospes, cfg->elf, cmdline, "compute: ", &c, err) ||
	    parse_compute(&c, cfg->iterations, &g, err))
		return -1;
	if (g.checksum != nat->checksum || g.primes != nat->primes)
		return bench_fail(err, "guest found %llu primes, checksum 0x%016llx; compute-native %llu, 0x%016llx",
				  g.primes, g.checksum, nat->primes, nat->checksum);
	/*
	 * The guest clock is only trusted as far as the host's own: the
	 * sieve cannot take longer than the whole VM's life.
	 */
	if (g.elapsed_us * 1e3 > c.wall_ns)
		return bench_fail(err, "the guest clock says %llu us, longer than the whole hospes run (%.0f us)",
				  g.elapsed_us, c.wall_ns / 1e3);
	snprintf(s->note, sizeof(s->note),
		 "primes %llu, checksum 0x%016llx; whole run, baseline included: exits %.0f, intr %.0f",
		 g.primes, g.checksum, c.stats[ST_EXITS], c.stats[ST_INTR]);
	series_add(s, g.elapsed_us * 1e3, &c, base);
	return 0;
}

/* One round's compute: natively first, then in the guest. */
static void compute_round(const struct config *cfg, struct results *res,
			  const struct child *base)
{
	char arg[64];
	char *argv[] = { (char *)cfg->native, arg, NULL };
	struct compute_line nat;
	struct bench_err err;
	struct child c;

	if (res->comp_native.failed || res->comp_guest.failed)
		return;
	snprintf(arg, sizeof(arg), "iterations=%lu", cfg->iterations);
	if (run_child(argv, "compute: ", &c, &err) ||
	    parse_compute(&c, cfg->iterations, &nat, &err)) {
		series_fail(&res->comp_native, err.msg);
		series_fail(&res->comp_guest, "no native checksum to compare with");
		return;
	}
	snprintf(res->comp_native.note, sizeof(res->comp_native.note),
		 "primes %llu, checksum 0x%016llx", nat.primes, nat.checksum);
	series_add(&res->comp_native, nat.elapsed_us * 1e3, &c, NULL);
	if (compute_guest_run(cfg, &nat, base, &res->comp_guest, &err))
		series_fail(&res->comp_guest, err.msg);
}

static void results_init(const struct config *cfg, struct results *res)
{
	series_init(&res->boot, SIDE, "boot", "bytes", 0);
	res->boot.timed = false;
	snprintf(res->boot.what, sizeof(res->boot.what),
		 "conbench bytes=0 under hospes run: pvguest's boot and shutdown, whose exits the console and compute counts leave out");
	series_init(&res->con_pv, SIDE, "console_pv", "bytes", cfg->bytes);
	snprintf(res->con_pv.what, sizeof(res->con_pv.what),
		 "%lu bytes written by pvguest through the PV console hypercall (CONSOLE_WRITE, 4 KiB a call) to hospes run's stdout",
		 cfg->bytes);
	res->con_pv.has_writes = true;
	series_init(&res->con_uart, SIDE, "console_uart", "bytes", cfg->bytes);
	snprintf(res->con_uart.what, sizeof(res->con_uart.what),
		 "the same %lu bytes through the emulated 8250 UART: one OUT to THR (port 0x3f8) a byte",
		 cfg->bytes);
	res->con_uart.has_writes = true;
	series_init(&res->comp_guest, SIDE, "compute", "iterations", cfg->iterations);
	series_init(&res->comp_native, "native", "compute", "iterations",
		    cfg->iterations);
	snprintf(res->comp_guest.what, sizeof(res->comp_guest.what),
		 "pvguest's compute (%lu iterations of a segmented prime sieve) under hospes run, against compute-native (the same object code) as a process of the test host",
		 cfg->iterations);
	snprintf(res->comp_native.what, sizeof(res->comp_native.what), "%s",
		 res->comp_guest.what);
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-r REPEATS] [-b BYTES] [-i ITERATIONS] HOSPES PVGUEST.ELF COMPUTE-NATIVE\n"
		"Runs pvguest's conbench (BYTES, default %u) and compute (ITERATIONS,\n"
		"default %u) under `HOSPES run --stats`, and COMPUTE-NATIVE, and prints\n"
		"\"# \" lines for people and \"BENCH {json}\" lines for bench/report.pl.\n",
		prog, DEFAULT_BYTES, DEFAULT_ITERATIONS);
	exit(2);
}

int main(int argc, char **argv)
{
	struct config cfg = {
		.bytes = DEFAULT_BYTES,
		.iterations = DEFAULT_ITERATIONS,
	};
	unsigned int repeats = BENCH_DEFAULT_REPEATS;
	struct results res;
	struct child base;
	int opt;

	while ((opt = getopt(argc, argv, "r:b:i:h")) != -1) {
		switch (opt) {
		case 'r':
			repeats = bench_parse_count(optarg, MAX_REPEATS);
			break;
		case 'b':
			cfg.bytes = bench_parse_count(optarg, MAX_BYTES);
			break;
		case 'i':
			cfg.iterations = bench_parse_count(optarg, COMPUTE_MAX_ITERATIONS);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (argc - optind != 3)
		usage(argv[0]);
	cfg.hospes = argv[optind];
	cfg.elf = argv[optind + 1];
	cfg.native = argv[optind + 2];

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* As the loop programs: every child inherits the one CPU. */
	bench_pin_to_last_cpu(SIDE);
	bench_print_host(SIDE);
	results_init(&cfg, &res);

	for (unsigned int r = 0; r < repeats; r++) {
		printf("# %s pv: run %u of %u\n", SIDE, r + 1, repeats);
		if (console_round(&cfg, &res, &base))
			compute_round(&cfg, &res, &base);
	}

	series_print(&res.boot);
	series_print(&res.con_pv);
	series_print(&res.con_uart);
	series_print(&res.comp_guest);
	series_print(&res.comp_native);
	return res.boot.failed || res.con_pv.failed || res.con_uart.failed ||
	       res.comp_guest.failed || res.comp_native.failed;
}
