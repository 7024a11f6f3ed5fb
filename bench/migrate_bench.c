// SPDX-License-Identifier: GPL-2.0-only
/*
 * migrate_bench: live migration of a pvguest on loopback, on hospes alone
 * (there is no other VMM in the test host to migrate the same guest with).
 *
 *   migrate_bench [-r REPEATS] [-m MEMORY] HOSPES PVGUEST.ELF
 *
 * For each load, REPEATS times: boot the source (`hospes run --name`),
 * let the load run a second, start a target (`hospes run --incoming
 * tcp:127.0.0.1:0`), run `hospes migrate` to it, and take the figures
 * its final line gives: total time, MiB sent, rounds, and the downtime
 * the target measured (source pause to target resume). The migration
 * counts only once the target's guest has printed a line of its own and
 * the source has stopped by itself.
 *
 * The loads are pvguest's counter (a line every 100 ms: nearly idle) and
 * memtouch over 64 MiB at several dirty rates. A guest that dirties
 * faster than the link sends never converges, and under TCG loopback
 * carries some 20-35 MiB/s: 32 and 128 MiB/s and the unlimited rate are
 * bounded by --max-rounds (10, 10 and 5), or each could take the default
 * 30 rounds of a second or more (a minute at 32 MiB/s, measured). memtouch's own per-second lines give the rate it
 * kept up at the source, migration included (a loaded test host may not
 * give it the CPU for 128 MiB/s); the unlimited one is the emulated
 * CPU's speed (memtouch writes one word a page). counter suspends itself when asked (PV SUSPEND);
 * memtouch does not, and is paused as it is after --suspend-timeout.
 *
 * Each side's output (stdout and stderr) goes to RUNTIME_DIR/LOAD.src.log
 * and LOAD.dst.log as well; when a migration fails, the last lines of the
 * target, the source and `hospes migrate` are printed as "# target| ...".
 *
 * Output: "# " lines for people, "BENCH {json}" lines of type "migrate".
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

#define SIDE		"hospes"
#define MAX_REPEATS	21
#define DEFAULT_MEMORY	"256M"
#define RUNTIME_DIR	"/tmp/hospes-migrate-bench"
/* Generous for TCG: a boot takes seconds, a migration of 256 MiB tens. */
#define BOOT_TIMEOUT	120
#define MIGRATE_TIMEOUT	300
/* Lines of each process's output printed when a migration fails. */
#define TAIL_LINES	12

struct load {
	const char *name;
	const char *cmdline;
	const char *ready;	/* the source's line that says the load runs */
	const char *alive;	/* a line it prints again and again */
	const char *max_rounds;	/* --max-rounds, or NULL for the default */
	unsigned int rate_mib_s;	/* 0: none, or no limit */
};

static const struct load loads[] = {
	{ "idle", "counter period_ms=100", "counter 10 ", "counter ", NULL, 0 },
	{ "memtouch_8", "memtouch mib=64 rate_mib_s=8", "memtouch: t=1s", "memtouch: t=", NULL, 8 },
	{ "memtouch_32", "memtouch mib=64 rate_mib_s=32", "memtouch: t=1s", "memtouch: t=", "10", 32 },
	{ "memtouch_128", "memtouch mib=64 rate_mib_s=128", "memtouch: t=1s", "memtouch: t=", "10", 128 },
	{ "memtouch_max", "memtouch mib=64", "memtouch: t=1s", "memtouch: t=", "5", 0 },
};

enum { F_TOTAL_MS, F_MIB, F_ROUNDS, F_MIB_S, F_DOWNTIME_MS, F_DIRTY_MIB_S,
       F_SUSPENDED, N_FIELDS };
static const char *const field_names[N_FIELDS] = {
	"total_ms", "sent_mib", "rounds", "bandwidth_mib_s", "downtime_ms",
	"dirty_mib_s", "guest_suspended",
};

struct series {
	unsigned int n;
	bool failed;
	char why[512];
	double v[N_FIELDS][MAX_REPEATS];
};

static struct bench_proc src, dst, cli;

/*
 * The rate memtouch kept up, from its last "memtouch: t=Ts dirtied=D MiB"
 * line at the source (the count since it started): D / T, or 0 for
 * another load.
 */
static double dirty_rate(const struct bench_proc *p)
{
	const char *s = p->out, *last = NULL;
	unsigned long long t, mib;

	while ((s = strstr(s, "memtouch: t=")))
		last = s++;
	if (!last || sscanf(last, "memtouch: t=%llus dirtied=%llu", &t, &mib) != 2 ||
	    !t)
		return 0;
	return (double)mib / t;
}

/*
 * A failed migration: the last lines each process printed, read to its
 * end, the target's first: its stderr says why it refused or hung up,
 * which the source only sees as a closed connection.
 */
static void print_sides(const struct load *l, const char *src_log,
			const char *dst_log)
{
	printf("# %s migrate %s: the last lines of each side (all of them in %s and %s):\n",
	       SIDE, l->name, dst_log, src_log);
	if (dst.pid)
		bench_proc_print_lines(&dst, "target", TAIL_LINES);
	bench_proc_print_lines(&src, "source", TAIL_LINES);
	if (cli.pid)
		bench_proc_print_lines(&cli, "migrate", TAIL_LINES);
}

static void stop_all(void)
{
	bench_proc_stop(&cli);
	bench_proc_stop(&dst);
	bench_proc_stop(&src);
}

static int migrate_once(const char *hospes, const char *elf, const char *memory,
			const struct load *l, double *v, struct bench_err *err)
{
	char *src_argv[] = { (char *)hospes, "run", "--name", "mb-src",
			     "--memory", (char *)memory, "--cmdline",
			     (char *)l->cmdline, (char *)elf, NULL };
	char *dst_argv[] = { (char *)hospes, "run", "--incoming",
			     "tcp:127.0.0.1:0", "--name", "mb-dst", NULL };
	char where[64], rounds_opt[] = "--max-rounds";
	char *cli_argv[8] = { (char *)hospes, "migrate" };
	const char *at;
	unsigned int port = 0, rounds;
	double total, mib, mib_s, downtime;
	char src_log[128], dst_log[128];
	size_t mark;
	int i = 2, ret = -1;

	/* The last run's, reaped: none of them is this run's yet. */
	dst.pid = cli.pid = 0;
	snprintf(src_log, sizeof(src_log), "%s/%s.src.log", RUNTIME_DIR, l->name);
	snprintf(dst_log, sizeof(dst_log), "%s/%s.dst.log", RUNTIME_DIR, l->name);
	if (bench_proc_start_logged(&src, src_argv, src_log, err))
		return -1;
	if (!bench_proc_wait(&src, 0, l->ready, BOOT_TIMEOUT, NULL, NULL)) {
		bench_fail(err, "the source never printed \"%s\": ...%s", l->ready,
			   bench_proc_tail(&src, 160));
		goto out;
	}
	if (bench_proc_start_logged(&dst, dst_argv, dst_log, err))
		goto out;
	if (!bench_proc_wait(&dst, 0, "incoming migration on tcp:", BOOT_TIMEOUT,
			     NULL, NULL) ||
	    !(at = strstr(dst.out, "incoming migration on tcp:")) ||
	    sscanf(at, "incoming migration on tcp:%u", &port) != 1 || !port) {
		bench_fail(err, "the target gave no port: ...%s",
			   bench_proc_tail(&dst, 160));
		goto out;
	}
	snprintf(where, sizeof(where), "tcp:127.0.0.1:%u", port);
	if (l->max_rounds) {
		cli_argv[i++] = rounds_opt;
		cli_argv[i++] = (char *)l->max_rounds;
	}
	cli_argv[i++] = "mb-src";
	cli_argv[i++] = where;
	cli_argv[i] = NULL;
	mark = dst.len;
	if (bench_proc_start(&cli, cli_argv, err))
		goto out;
	if (bench_proc_finish(&cli, MIGRATE_TIMEOUT)) {
		bench_fail(err, "hospes migrate: exit status %d: ...%s", cli.status,
			   bench_proc_tail(&cli, 160));
		goto out;
	}
	at = strstr(cli.out, "migrated in ");
	if (!at || sscanf(at, "migrated in %lf ms: %lf MiB sent in %u rounds (%lf MiB/s), downtime %lf ms",
			  &total, &mib, &rounds, &mib_s, &downtime) != 5) {
		bench_fail(err, "no result line from hospes migrate: ...%s",
			   bench_proc_tail(&cli, 160));
		goto out;
	}
	/* The guest goes on at the target, and the source has let go of it. */
	if (!bench_proc_wait(&dst, mark, l->alive,
			     60, NULL, NULL)) {
		bench_fail(err, "the guest did not go on at the target: ...%s",
			   bench_proc_tail(&dst, 160));
		goto out;
	}
	if (bench_proc_finish(&src, 60)) {
		bench_fail(err, "the source exited with status %d after the migration: ...%s",
			   src.status, bench_proc_tail(&src, 160));
		goto out;
	}
	v[F_TOTAL_MS] = total;
	v[F_MIB] = mib;
	v[F_ROUNDS] = rounds;
	v[F_MIB_S] = mib_s;
	v[F_DOWNTIME_MS] = downtime;
	v[F_DIRTY_MIB_S] = dirty_rate(&src);
	v[F_SUSPENDED] = !!strstr(at, "guest suspended itself");
	ret = 0;
out:
	stop_all();
	if (ret)
		print_sides(l, src_log, dst_log);
	return ret;
}

static void print_series(const struct load *l, const char *memory,
			 const struct series *s)
{
	char what[256];

	snprintf(what, sizeof(what),
		 "pvguest \"%s\" in %s, migrated live on loopback in the test host (hospes run --incoming, hospes migrate%s%s)",
		 l->cmdline, memory, l->max_rounds ? " --max-rounds " : "",
		 l->max_rounds ? l->max_rounds : "");
	if (s->failed || !s->n) {
		bench_print_failed("migrate", SIDE, l->name, what,
				   s->failed ? s->why : "no run");
		return;
	}
	bench_print_head("migrate", SIDE, l->name, what);
	printf(",\"status\":\"ok\",\"repeats\":%u,\"memory\":", s->n);
	bench_json_str(stdout, memory);
	printf(",\"rate_mib_s\":%u,\"max_rounds\":%s", l->rate_mib_s,
	       l->max_rounds ? l->max_rounds : "null");
	for (int f = 0; f < N_FIELDS; f++)
		bench_print_array(field_names[f], s->v[f], s->n, 1);
	printf("}\n");
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-r REPEATS] [-m MEMORY] HOSPES PVGUEST.ELF\n"
		"Migrates pvguest live on loopback, idle and under memtouch at\n"
		"several dirty rates, REPEATS times each (default 1), in a guest of\n"
		"MEMORY (default %s), and prints \"# \" lines for people and\n"
		"\"BENCH {json}\" lines for bench/report.pl.\n",
		prog, DEFAULT_MEMORY);
	exit(2);
}

int main(int argc, char **argv)
{
	static struct series series[ARRAY_SIZE(loads)];
	unsigned int repeats = 1;
	const char *memory = DEFAULT_MEMORY;
	struct bench_err err;
	double v[N_FIELDS];
	int opt, failed = 0;

	while ((opt = getopt(argc, argv, "r:m:h")) != -1) {
		switch (opt) {
		case 'r':
			repeats = bench_parse_count(optarg, MAX_REPEATS);
			break;
		case 'm':
			memory = optarg;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (argc - optind != 2)
		usage(argv[0]);

	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * Not pinned, unlike the other programs: source, target and client
	 * work at the same time, as they would on a real pair of hosts.
	 */
	bench_print_host(SIDE);
	if (mkdir(RUNTIME_DIR, 0700) && errno != EEXIST) {
		perror("migrate_bench: " RUNTIME_DIR);
		return 1;
	}
	setenv("HOSPES_RUNTIME_DIR", RUNTIME_DIR, 1);
	signal(SIGPIPE, SIG_IGN);

	for (unsigned int r = 0; r < repeats; r++) {
		for (size_t i = 0; i < ARRAY_SIZE(loads); i++) {
			struct series *s = &series[i];

			if (s->failed)
				continue;
			if (migrate_once(argv[optind], argv[optind + 1], memory,
					 &loads[i], v, &err)) {
				s->failed = true;
				snprintf(s->why, sizeof(s->why), "%s", err.msg);
				printf("# %s migrate %s: failed (%s)\n", SIDE,
				       loads[i].name, err.msg);
				continue;
			}
			for (int f = 0; f < N_FIELDS; f++)
				s->v[f][s->n] = v[f];
			s->n++;
			printf("# %s migrate %s: run %u: %.0f ms total, downtime %.1f ms, %.1f MiB in %.0f rounds (%.1f MiB/s), guest dirtied %.1f MiB/s\n",
			       SIDE, loads[i].name, s->n, v[F_TOTAL_MS],
			       v[F_DOWNTIME_MS], v[F_MIB], v[F_ROUNDS],
			       v[F_MIB_S], v[F_DIRTY_MIB_S]);
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(loads); i++) {
		print_series(&loads[i], memory, &series[i]);
		failed |= series[i].failed;
	}
	return failed;
}
