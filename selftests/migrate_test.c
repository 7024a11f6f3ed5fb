// SPDX-License-Identifier: GPL-2.0-only
/*
 * Save, restore and live migration end to end: `hospes` processes driving
 * pvguest (its counter and memtouch programs) in the test host.
 *
 *  - save, then restore in a new process: the counter goes on from where
 *    it was, its clock never goes back, and the guest hears SUSPEND
 *    return 1; with --keep-running the original runs on (SUSPEND 0);
 *  - a truncated, corrupt or newer-version file is refused before the
 *    guest runs;
 *  - live migration on loopback while memtouch dirties memory at two
 *    rates: the RAM hash at the source's pause matches the target's
 *    before it resumes, memtouch's own page checks pass on the target;
 *  - the connection cut at several points (a proxy here that drops after
 *    N bytes): the source guest runs on, the target exits non-zero;
 *  - Linux guests (hospes run --kernel): saved and restored, migrated
 *    live with two vCPUs and a virtio console (its --no-reboot carried
 *    over), and restored and rebooted from the files it was booted from.
 *
 * Files: $HOSPES_BIN and $PVGUEST_ELF if set, else /hospes/bin/hospes and
 * /hospes/pvguest.elf (the test host). Control sockets go to a directory
 * of this test's own ($HOSPES_RUNTIME_DIR).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <cpuid.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/hospes.h>

#include "hash64.h"
#include "kselftest_harness.h"

#define EXIT_VMM_ERROR	1
#define OUT_MAX		(512 * 1024)
#define RUNTIME_DIR	"/tmp/hospes-migrate-test"

static const char *hospes_bin, *pvguest_elf;

/* A hospes process with its stdout and stderr in one pipe. */
struct proc {
	pid_t pid;
	int fd;
	int in;			/* its stdin, for typing; -1: /dev/null */
	int status;		/* exit status, 128 + signal, -1 killed by us */
	size_t len;
	char out[OUT_MAX + 1];
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Start hospes with argv (NULL-terminated, without the program), its stdin
 * a pipe to p->in if typed, else /dev/null. 0 or -1.
 */
static int start_as(struct proc *p, const char *const *args, bool typed)
{
	const char *argv[24];
	int fds[2], in[2] = { -1, -1 }, i = 0;

	argv[i++] = hospes_bin;
	for (; *args && i < 23; args++)
		argv[i++] = *args;
	argv[i] = NULL;
	p->len = 0;
	p->out[0] = '\0';
	p->status = -1;
	p->in = -1;
	if (pipe2(fds, O_CLOEXEC) || (typed && pipe2(in, O_CLOEXEC)))
		return -1;
	p->pid = fork();
	if (p->pid < 0)
		return -1;
	if (!p->pid) {
		int null = typed ? in[0] : open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	p->fd = fds[0];
	if (typed) {
		close(in[0]);
		p->in = in[1];
	}
	return 0;
}

static int start(struct proc *p, const char *const *args)
{
	return start_as(p, args, false);
}

/* Read until want appears at or after from (NULL: EOF). 1 if it did, else 0. */
static int wait_for(struct proc *p, size_t from, const char *want, double timeout)
{
	double end = now_s() + timeout;

	for (;;) {
		struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
		double left = end - now_s();
		ssize_t n;

		if (want && p->len > from && strstr(p->out + from, want))
			return 1;
		if (left <= 0)
			return 0;
		if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		if (p->len == OUT_MAX)	/* keep the end of a long output */
			memmove(p->out, p->out + OUT_MAX / 2, (p->len = OUT_MAX / 2));
		n = read(p->fd, p->out + p->len, OUT_MAX - p->len);
		if (n == 0)
			return !want;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		p->len += n;
		p->out[p->len] = '\0';
	}
}

/* Wait for the end (SIGKILL after timeout s): the exit status. */
static int finish(struct proc *p, double timeout)
{
	int st;

	if (!wait_for(p, 0, NULL, timeout))
		kill(p->pid, SIGKILL);
	close(p->fd);
	if (p->in >= 0)
		close(p->in);
	p->in = -1;
	if (waitpid(p->pid, &st, 0) != p->pid)
		return p->status = -1;
	if (WIFEXITED(st))
		p->status = WEXITSTATUS(st);
	else
		p->status = WTERMSIG(st) == SIGKILL ? -1 : 128 + WTERMSIG(st);
	return p->status;
}

static int stop(struct proc *p)
{
	kill(p->pid, SIGTERM);
	return finish(p, 30);
}

/* Run hospes to the end: its status, output in p. */
static int run(struct proc *p, const char *const *args, double timeout)
{
	if (start(p, args))
		return -2;
	return finish(p, timeout);
}

/* A guest: hospes run --name name [extra] --cmdline cmdline pvguest.elf */
static int boot(struct proc *p, const char *name, const char *cmdline,
		const char *memory)
{
	const char *args[] = {
		"run", "--name", name, "--memory", memory, "--cmdline", cmdline,
		pvguest_elf, NULL,
	};

	return start(p, args);
}

/* A migration target on a free port of loopback: the port, or 0. */
static unsigned int target(struct proc *p, const char *name)
{
	const char *args[] = { "run", "--incoming", "tcp:127.0.0.1:0", "--name",
			       name, NULL };
	const char *at;
	unsigned int port = 0;

	/* Typed into: a Linux guest's console moves there with it. */
	if (start_as(p, args, true) ||
	    !wait_for(p, 0, "incoming migration on tcp:", 30))
		return 0;
	at = strstr(p->out, "incoming migration on tcp:");
	sscanf(at, "incoming migration on tcp:%u", &port);
	return port;
}

/* The number and time of the last "counter N t=Tms" line at or after from. */
static int last_counter(const struct proc *p, size_t from, long *n, long *t)
{
	const char *s = p->out + from, *found = NULL;

	while ((s = strstr(s, "counter ")))
		if (sscanf(s, "counter %ld t=%ldms", n, t) == 2)
			found = s++;
		else
			s++;
	return found ? sscanf(found, "counter %ld t=%ldms", n, t) == 2 : 0;
}

static int first_counter(const struct proc *p, long *n, long *t)
{
	const char *s = p->out;

	while ((s = strstr(s, "counter "))) {
		if (sscanf(s, "counter %ld t=%ldms", n, t) == 2)
			return 1;
		s++;
	}
	return 0;
}

/* The test host's init leaves loopback down; migrations here go over it. */
static int loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret = -1;

	if (fd < 0)
		return -1;
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret;
}

FIXTURE(mig)
{
	struct proc *src, *dst, *cli;
	char file[64];
};

FIXTURE_SETUP(mig)
{
	hospes_bin = getenv("HOSPES_BIN") ?: "/hospes/bin/hospes";
	pvguest_elf = getenv("PVGUEST_ELF") ?: "/hospes/pvguest.elf";
	self->src = NULL;
	if (access(hospes_bin, X_OK) || access(pvguest_elf, R_OK))
		SKIP(return, "%s or %s not found (HOSPES_BIN, PVGUEST_ELF)",
		     hospes_bin, pvguest_elf);
	if (access("/dev/hospes", R_OK | W_OK))
		SKIP(return, "/dev/hospes: %s", strerror(errno));
	if (loopback_up())
		SKIP(return, "cannot bring loopback up: %s", strerror(errno));
	mkdir(RUNTIME_DIR, 0700);
	setenv("HOSPES_RUNTIME_DIR", RUNTIME_DIR, 1);
	signal(SIGPIPE, SIG_IGN);
	self->src = calloc(1, sizeof(*self->src));
	self->dst = calloc(1, sizeof(*self->dst));
	self->cli = calloc(1, sizeof(*self->cli));
	snprintf(self->file, sizeof(self->file), "/tmp/migrate-test-%d.hvm",
		 (int)getpid());
}

FIXTURE_TEARDOWN(mig)
{
	unlink(self->file);
	free(self->src);
	free(self->dst);
	free(self->cli);
}

/* A test whose body runs only if setup found everything. */
#define MIG_TEST(name, timeout)						\
	static void name##_body(struct __test_metadata *_metadata,	\
				FIXTURE_DATA(mig) *self);		\
	TEST_F_TIMEOUT(mig, name, timeout)				\
	{								\
		if (self->src)						\
			name##_body(_metadata, self);			\
	}								\
	static void name##_body(struct __test_metadata *_metadata,	\
				FIXTURE_DATA(mig) *self)

#define SHOW(p)	TH_LOG("status %d, output:\n%s", (p)->status, (p)->out)

/* Boot counter and let it count a few lines. */
static void counting(struct __test_metadata *_metadata, struct proc *p,
		     const char *name)
{
	ASSERT_EQ(0, boot(p, name, "counter period_ms=50", "64M"));
	ASSERT_EQ(1, wait_for(p, 0, "counter 5 t=", 60)) {
		SHOW(p);
		stop(p);
	}
}

/*
 * The counter of before (stopped) goes on in after, a new process: it was
 * asked to suspend, its SUSPEND returned 1 there, no number was skipped or
 * repeated and its clock did not go back. Stops after.
 */
static void goes_on_counting(struct __test_metadata *_metadata,
			     struct proc *before, struct proc *after)
{
	long n_before, t_before, n_after, t_after;

	EXPECT_NE(NULL, strstr(before->out, "counter: suspend requested")) SHOW(before);
	ASSERT_EQ(1, last_counter(before, 0, &n_before, &t_before)) {
		SHOW(before);
		stop(after);
	}
	ASSERT_EQ(1, wait_for(after, 0, "counter ", 60)) {
		stop(after);
		SHOW(after);
	}
	wait_for(after, 0, "\n", 5);
	EXPECT_NE(NULL, strstr(after->out, "SUSPEND returned 1")) SHOW(after);
	ASSERT_EQ(1, first_counter(after, &n_after, &t_after)) {
		SHOW(after);
		stop(after);
	}
	EXPECT_EQ(n_before + 1, n_after) {
		TH_LOG("counter %ld before, %ld after", n_before, n_after);
		SHOW(after);
	}
	EXPECT_LE(t_before, t_after);
	EXPECT_EQ(143, stop(after)) SHOW(after);
}

MIG_TEST(save_then_restore_goes_on_counting, 240)
{
	const char *list[] = { "list", NULL };
	const char *save[] = { "save", "sr", self->file, NULL };
	const char *restore[] = { "restore", "--name", "sr2", self->file, NULL };
	counting(_metadata, self->src, "sr");
	run(self->cli, list, 30);
	EXPECT_EQ(0, self->cli->status);
	EXPECT_NE(NULL, strstr(self->cli->out, "sr ")) SHOW(self->cli);
	EXPECT_NE(NULL, strstr(self->cli->out, "running")) SHOW(self->cli);

	run(self->cli, save, 60);
	ASSERT_EQ(0, self->cli->status) {
		SHOW(self->cli);
		stop(self->src);
	}
	/* The saved VM stops by itself, successfully. */
	EXPECT_EQ(0, finish(self->src, 30)) SHOW(self->src);

	ASSERT_EQ(0, start(self->dst, restore));
	goes_on_counting(_metadata, self->src, self->dst);
}

MIG_TEST(save_keep_running_leaves_the_guest_running, 240)
{
	const char *save[] = { "save", "--keep-running", "kr", self->file, NULL };
	size_t mark;

	counting(_metadata, self->src, "kr");
	run(self->cli, save, 60);
	ASSERT_EQ(0, self->cli->status) {
		SHOW(self->cli);
		stop(self->src);
	}
	mark = self->src->len;
	EXPECT_EQ(1, wait_for(self->src, 0, "SUSPEND returned 0", 30)) SHOW(self->src);
	EXPECT_EQ(1, wait_for(self->src, mark, "counter ", 30)) SHOW(self->src);
	EXPECT_EQ(143, stop(self->src)) SHOW(self->src);
}

/* Restore a damaged copy of the file: refused, and no guest ran. */
static void refused(struct __test_metadata *_metadata, FIXTURE_DATA(mig) *self,
		    const char *bytes, size_t len, const char *why)
{
	char bad[80];
	const char *restore[] = { "restore", bad, NULL };
	int fd;

	snprintf(bad, sizeof(bad), "%s.bad", self->file);
	fd = open(bad, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)len, write(fd, bytes, len));
	close(fd);
	run(self->cli, restore, 60);
	unlink(bad);
	EXPECT_EQ(EXIT_VMM_ERROR, self->cli->status) SHOW(self->cli);
	EXPECT_NE(NULL, strstr(self->cli->out, why)) SHOW(self->cli);
	EXPECT_EQ(NULL, strstr(self->cli->out, "counter ")) SHOW(self->cli);
}

/*
 * Boot counter as name, save it to the fixture's file and read that in:
 * its bytes (for the caller to free), their count in *len; NULL on error.
 */
static char *saved_file(struct __test_metadata *_metadata,
			FIXTURE_DATA(mig) *self, const char *name, size_t *len)
{
	const char *save[] = { "save", name, self->file, NULL };
	struct stat st;
	char *bytes;
	int fd;

	counting(_metadata, self->src, name);
	run(self->cli, save, 60);
	if (self->cli->status) {
		SHOW(self->cli);
		stop(self->src);
		return NULL;
	}
	finish(self->src, 30);
	fd = open(self->file, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		return NULL;
	bytes = malloc(st.st_size);
	if (bytes && read(fd, bytes, st.st_size) != st.st_size) {
		free(bytes);
		bytes = NULL;
	}
	close(fd);
	*len = st.st_size;
	return bytes;
}

MIG_TEST(damaged_files_are_refused_before_the_guest_runs, 300)
{
	size_t len;
	char *bytes = saved_file(_metadata, self, "dm", &len);

	ASSERT_NE(NULL, bytes);
	refused(_metadata, self, bytes, len / 2, "truncated");
	refused(_metadata, self, bytes, len - 1, "truncated");
	bytes[len / 3] ^= 0x10;
	refused(_metadata, self, bytes, len, "refused the stream");
	bytes[len / 3] ^= 0x10;
	bytes[8] = 2;	/* major version 2 */
	refused(_metadata, self, bytes, len, "newer hospes");
	free(bytes);
}

/*
 * Start a target called dst_name and run migrate, whose arguments name
 * where (32 bytes, filled in here with the target's address): 0 once the
 * guest runs there, else -1 with both sides stopped.
 */
static int migrate_live(struct __test_metadata *_metadata,
			FIXTURE_DATA(mig) *self, const char *dst_name,
			const char *const *migrate, char *where)
{
	unsigned int port = target(self->dst, dst_name);

	if (port) {
		snprintf(where, 32, "tcp:127.0.0.1:%u", port);
		run(self->cli, migrate, 180);
		TH_LOG("%s", self->cli->out);
		if (!self->cli->status)
			return 0;
	}
	/* Both sides' own words: a source whose guest died says so only there. */
	stop(self->src);
	stop(self->dst);
	TH_LOG("the target's output:");
	SHOW(self->dst);
	TH_LOG("the source's output:");
	SHOW(self->src);
	return -1;
}

/* Migrate memtouch live and check it on the target. */
static void migrate_memtouch(struct __test_metadata *_metadata,
			     FIXTURE_DATA(mig) *self, const char *cmdline,
			     const char *memory, const char *rounds)
{
	char where[32], hash[17] = "";
	const char *migrate[] = { "migrate", "--verify", "--max-rounds", rounds,
				  "mt", where, NULL };
	const char *h;
	size_t mark;

	ASSERT_EQ(0, boot(self->src, "mt", cmdline, memory));
	ASSERT_EQ(1, wait_for(self->src, 0, "memtouch: t=1s", 60)) {
		stop(self->src);
		SHOW(self->src);
	}
	ASSERT_EQ(0, migrate_live(_metadata, self, "mt-dst", migrate, where));
	EXPECT_NE(NULL, strstr(self->cli->out, "round 1: all memory")) SHOW(self->cli);
	EXPECT_NE(NULL, strstr(self->cli->out, "downtime")) SHOW(self->cli);
	/* The source stops by itself once the target runs the guest. */
	EXPECT_EQ(0, finish(self->src, 30)) SHOW(self->src);

	/* The same RAM on both sides at the switch. */
	h = strstr(self->cli->out, "guest RAM hash at the pause: ");
	ASSERT_NE(NULL, h) SHOW(self->cli);
	sscanf(h, "guest RAM hash at the pause: %16s", hash);
	mark = self->dst->len;
	EXPECT_EQ(1, wait_for(self->dst, 0, hash, 30)) SHOW(self->dst);
	/* memtouch goes on there, every page it wrote still as it wrote it. */
	EXPECT_EQ(1, wait_for(self->dst, mark, "memtouch: t=", 60)) SHOW(self->dst);
	EXPECT_EQ(1, wait_for(self->dst, mark, "errors=0: PASS", 120)) SHOW(self->dst);
	EXPECT_EQ(0, finish(self->dst, 60)) SHOW(self->dst);
}

MIG_TEST(live_migration_at_a_moderate_dirty_rate, 300)
{
	migrate_memtouch(_metadata, self, "memtouch mib=16 rate_mib_s=8 seconds=8",
			 "128M", "30");
}

MIG_TEST(live_migration_dirtying_as_fast_as_it_can, 300)
{
	migrate_memtouch(_metadata, self, "memtouch mib=8 seconds=8", "64M", "5");
}

MIG_TEST(live_migration_of_a_guest_that_suspends_itself, 300)
{
	char where[32];
	const char *migrate[] = { "migrate", "--verify", "ct", where, NULL };

	counting(_metadata, self->src, "ct");
	ASSERT_EQ(0, migrate_live(_metadata, self, "ct-dst", migrate, where));
	EXPECT_NE(NULL, strstr(self->cli->out, "guest suspended itself")) SHOW(self->cli);
	EXPECT_EQ(0, finish(self->src, 30)) SHOW(self->src);
	goes_on_counting(_metadata, self->src, self->dst);
}

/* ---- a proxy that cuts the connection after N bytes to the target ---- */

struct proxy {
	int listen_fd;
	unsigned int port;
	unsigned int target_port;
	size_t cut_after;		/* bytes source -> target */
	pthread_t thread;
};

static void *proxy_thread(void *arg)
{
	struct proxy *px = arg;
	struct sockaddr_in to = {
		.sin_family = AF_INET,
		.sin_port = htons(px->target_port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct pollfd lp = { .fd = px->listen_fd, .events = POLLIN };
	size_t sent = 0;
	char buf[65536];
	int a = -1, b;

	/* Bounded: a migrate that never connects must not hang the test. */
	if (poll(&lp, 1, 60000) == 1)
		a = accept(px->listen_fd, NULL, NULL);
	close(px->listen_fd);
	if (a < 0)
		return NULL;
	b = socket(AF_INET, SOCK_STREAM, 0);
	if (b < 0 || connect(b, (struct sockaddr *)&to, sizeof(to))) {
		close(a);
		return NULL;
	}
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = a, .events = POLLIN }, { .fd = b, .events = POLLIN },
		};
		ssize_t n;

		if (poll(pfd, 2, 60000) <= 0)
			break;
		if (pfd[0].revents) {
			size_t room = px->cut_after - sent;

			n = read(a, buf, sizeof(buf) < room ? sizeof(buf) : room);
			if (n <= 0 || write(b, buf, n) != n)
				break;
			sent += n;
			if (sent == px->cut_after)
				break;
		}
		if (pfd[1].revents) {
			n = read(b, buf, sizeof(buf));
			if (n <= 0 || write(a, buf, n) != n)
				break;
		}
	}
	/* A reset, as when a cable is pulled or a peer dies. */
	shutdown(a, SHUT_RDWR);
	shutdown(b, SHUT_RDWR);
	close(a);
	close(b);
	return NULL;
}

static int proxy_start(struct proxy *px)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(sa);

	px->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (px->listen_fd < 0 || bind(px->listen_fd, (struct sockaddr *)&sa, len) ||
	    listen(px->listen_fd, 1) ||
	    getsockname(px->listen_fd, (struct sockaddr *)&sa, &len))
		return -1;
	px->port = ntohs(sa.sin_port);
	return pthread_create(&px->thread, NULL, proxy_thread, px);
}

MIG_TEST(a_cut_connection_leaves_the_source_running, 600)
{
	const char *save[] = { "save", "--keep-running", "cut", self->file, NULL };
	char where[32];
	const char *migrate[] = { "migrate", "--suspend-timeout", "200", "cut",
				  where, NULL };
	struct stat st;
	size_t cuts[4];
	unsigned int i;

	counting(_metadata, self->src, "cut");
	/* A save's size tells about where the live stream ends. */
	run(self->cli, save, 60);
	ASSERT_EQ(0, self->cli->status) {
		SHOW(self->cli);
		stop(self->src);
	}
	ASSERT_EQ(0, stat(self->file, &st));
	srand(time(NULL) ^ getpid());
	cuts[0] = 10;					/* in the header */
	cuts[1] = 1 + rand() % (st.st_size / 2);	/* in memory */
	cuts[2] = st.st_size / 2 + rand() % (st.st_size / 2 - 64);
	cuts[3] = st.st_size - 4;			/* near the end */
	for (i = 0; i < 4; i++) {
		struct proxy px = { .cut_after = cuts[i] };
		size_t mark;

		TH_LOG("cut after %zu of about %lld bytes", cuts[i],
		       (long long)st.st_size);
		px.target_port = target(self->dst, "cut-dst");
		ASSERT_NE(0u, px.target_port) {
			stop(self->src);
			SHOW(self->dst);
		}
		ASSERT_EQ(0, proxy_start(&px));
		snprintf(where, sizeof(where), "tcp:127.0.0.1:%u", px.port);
		run(self->cli, migrate, 120);
		pthread_join(px.thread, NULL);
		EXPECT_EQ(EXIT_VMM_ERROR, self->cli->status) SHOW(self->cli);
		/* The target discards its half-built VM and fails. */
		EXPECT_EQ(EXIT_VMM_ERROR, finish(self->dst, 60)) SHOW(self->dst);
		EXPECT_EQ(NULL, strstr(self->dst->out, "counter ")) SHOW(self->dst);
		/* The source goes on counting. */
		mark = self->src->len;
		EXPECT_EQ(1, wait_for(self->src, mark, "counter ", 30)) {
			SHOW(self->src);
			break;
		}
	}
	EXPECT_EQ(143, stop(self->src)) SHOW(self->src);
}

/* ---- CPU compatibility -------------------------------------------- */

/* A CPUID feature bit, by its leaf (subleaf 0) and register. */
struct feature {
	unsigned int leaf, reg, bit;	/* reg: 0 eax .. 3 edx */
	const char *name;		/* as hospes names it */
};

static bool host_has(const struct feature *f)
{
	unsigned int r[4] = { 0 };

	__get_cpuid_count(f->leaf, 0, &r[0], &r[1], &r[2], &r[3]);
	return r[f->reg] >> f->bit & 1;
}

/*
 * Set feature f in every vCPU's CPUID section of the stream bytes, as if
 * the source host had offered it, and seal the stream again (the END
 * section's hash). False if the tables have no such leaf.
 */
static bool offer_feature(char *bytes, size_t len, const struct feature *f)
{
	size_t off = 16;	/* the stream's header */
	bool done = false;

	while (off + 16 <= len) {
		uint32_t type;
		uint64_t plen, i;

		memcpy(&type, bytes + off, 4);
		memcpy(&plen, bytes + off + 8, 8);
		off += 16;
		if (type == 0xffff) {
			uint64_t h = hash64(bytes, off);

			memcpy(bytes + off, &h, 8);
			return done;
		}
		/* SEC_VCPU_CPUID: a vCPU tag of 8 bytes, then the entries. */
		for (i = 8; type == 13 && i + sizeof(struct hospes_cpuid_entry) <= plen;
		     i += sizeof(struct hospes_cpuid_entry)) {
			struct hospes_cpuid_entry e;
			uint32_t *regs[4] = { &e.eax, &e.ebx, &e.ecx, &e.edx };

			memcpy(&e, bytes + off + i, sizeof(e));
			if (e.function != f->leaf || e.index)
				continue;
			*regs[f->reg] |= 1u << f->bit;
			memcpy(bytes + off + i, &e, sizeof(e));
			done = true;
		}
		off += plen;
	}
	return false;
}

MIG_TEST(a_guest_offered_a_cpu_feature_this_host_lacks_is_refused, 240)
{
	static const struct feature candidates[] = {
		{ 7, 2, 0, "prefetchwt1" }, { 1, 2, 12, "fma" },
		{ 1, 2, 28, "avx" }, { 7, 1, 5, "avx2" },
		{ 0x80000001, 2, 6, "sse4a" }, { 7, 1, 29, "sha" },
	};
	const struct feature *f = NULL;
	char why[64];
	unsigned int i;
	size_t len;
	char *bytes = saved_file(_metadata, self, "cc", &len);

	ASSERT_NE(NULL, bytes);
	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]) && !f; i++)
		if (!host_has(&candidates[i]) &&
		    offer_feature(bytes, len, &candidates[i]))
			f = &candidates[i];
	if (!f) {
		free(bytes);
		SKIP(return, "this host has every feature the test could offer");
	}
	TH_LOG("offering %s, which this host lacks", f->name);
	snprintf(why, sizeof(why), "lacks: %s", f->name);
	refused(_metadata, self, bytes, len, why);
	free(bytes);
}

/* ---- Linux guests (hospes run --kernel) ---------------------------- */

#define LINUX_CMDLINE	"console=ttyS0 panic=-1 hospes.guest=counter"
#define LINUX_BOOT_S	300	/* a boot under emulation: about 30-60 s */

static char guest_kernel[PATH_MAX], guest_initrd[PATH_MAX];

/* The Linux guest the test host packs with linux_test (mkguest.sh). */
static int find_linux_guest(void)
{
	const char *dir = getenv("HOSPES_GUEST_DIR") ?: "/hospes/guest";

	snprintf(guest_kernel, sizeof(guest_kernel), "%s/vmlinuz", dir);
	snprintf(guest_initrd, sizeof(guest_initrd), "%s/initramfs.cpio.gz", dir);
	return access(guest_kernel, R_OK) || access(guest_initrd, R_OK);
}

/*
 * Boot the counter guest (scripts/testhost/guest-init) from kernel with
 * cpus vCPUs and disk, typed into through the 8250 or, with
 * --virtio-console in extra (up to two more options), a virtio console,
 * until it counts.
 */
static void linux_counting(struct __test_metadata *_metadata, struct proc *p,
			   const char *name, const char *kernel, const char *cpus,
			   const char *disk, const char *const extra[2])
{
	const char *args[] = {
		"run", "--name", name, "--kernel", kernel, "--initrd",
		guest_initrd, "--memory", "256M", "--cpus", cpus, "--disk", disk,
		"--cmdline", LINUX_CMDLINE, extra ? extra[0] : NULL,
		extra ? extra[1] : NULL, NULL,
	};

	ASSERT_EQ(0, start_as(p, args, true));
	ASSERT_EQ(1, wait_for(p, 0, "count 10 up=", LINUX_BOOT_S)) {
		stop(p);
		SHOW(p);
	}
}

/*
 * The number and uptime of the first (or last) whole "count N up=T" line
 * of p's output from from on: 1 if there is one.
 */
static int count_line(const struct proc *p, size_t from, bool last, long *n,
		      double *up)
{
	const char *s = p->out + from;
	int found = 0, end;
	double t;
	long v;

	while ((s = strstr(s, "count "))) {
		if (sscanf(s, "count %ld up=%lf%n", &v, &t, &end) == 2 &&
		    (s[end] == '\r' || s[end] == '\n')) {
			*n = v;
			*up = t;
			found = 1;
			if (!last)
				break;
		}
		s++;
	}
	return found;
}

/*
 * The guest of before goes on in after: its counter neither restarts nor
 * skips (a line cut in half by the pause may be lost), its uptime does
 * not go back and hardly moves, it answers what is typed, and ends with
 * 0 at the command last ("poweroff -f", or "reboot -f" with --no-reboot)
 * having written its disk meanwhile.
 */
static void linux_goes_on(struct __test_metadata *_metadata,
			  struct proc *before, struct proc *after,
			  const char *disk, const char *last)
{
	long n_before, n_after, n_disk = 0;
	double up_before, up_after;
	char want[32], sector[512], cmd[80];
	int fd;

	ASSERT_EQ(1, count_line(before, 0, true, &n_before, &up_before)) {
		SHOW(before);
		stop(after);
	}
	snprintf(want, sizeof(want), "count %ld up=", n_before + 10);
	ASSERT_EQ(1, wait_for(after, 0, want, 60)) {
		stop(after);
		SHOW(after);
	}
	ASSERT_EQ(1, count_line(after, 0, false, &n_after, &up_after)) {
		stop(after);
		SHOW(after);
	}
	TH_LOG("count %ld at %.2f s before, %ld at %.2f s after", n_before,
	       up_before, n_after, up_after);
	EXPECT_LE(n_before + 1, n_after) SHOW(after);
	EXPECT_GE(n_before + 2, n_after) SHOW(after);
	EXPECT_LE(up_before, up_after) SHOW(after);
	EXPECT_GT(up_before + 5, up_after) SHOW(after);

	snprintf(cmd, sizeof(cmd), "echo hospes-rx-$((6 * 7)); %s\n", last);
	ASSERT_EQ((ssize_t)strlen(cmd), write(after->in, cmd, strlen(cmd)));
	EXPECT_EQ(1, wait_for(after, 0, "hospes-rx-42", 60)) SHOW(after);
	EXPECT_EQ(0, finish(after, 120)) SHOW(after);

	/* The disk has a count written after the switch. */
	fd = open(disk, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(sizeof(sector), pread(fd, sector, sizeof(sector), 1024));
	close(fd);
	sector[sizeof(sector) - 1] = '\0';
	EXPECT_EQ(1, sscanf(sector, "hospes-count %ld", &n_disk)) TH_LOG("%s", sector);
	EXPECT_LT(n_before, n_disk);
}

/* A disk image of 4 MiB in the fixture's name. */
static void make_disk(struct __test_metadata *_metadata, const char *file,
		      char *disk, size_t size)
{
	int fd;

	snprintf(disk, size, "%s.disk", file);
	fd = open(disk, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 4 << 20));
	close(fd);
}

MIG_TEST(a_linux_guest_saved_and_restored_goes_on, LINUX_BOOT_S + 300)
{
	const char *save[] = { "save", "lsr", self->file, NULL };
	const char *restore[] = { "restore", "--name", "lsr2", self->file, NULL };
	char disk[80];

	if (find_linux_guest())
		SKIP(return, "no Linux guest kernel and initramfs (HOSPES_GUEST_DIR)");
	make_disk(_metadata, self->file, disk, sizeof(disk));
	linux_counting(_metadata, self->src, "lsr", guest_kernel, "1", disk, NULL);
	run(self->cli, save, 120);
	TH_LOG("%s", self->cli->out);
	ASSERT_EQ(0, self->cli->status) {
		SHOW(self->cli);
		stop(self->src);
	}
	EXPECT_EQ(0, finish(self->src, 30)) SHOW(self->src);
	ASSERT_EQ(0, start_as(self->dst, restore, true));
	linux_goes_on(_metadata, self->src, self->dst, disk, "poweroff -f");
	unlink(disk);
}

/*
 * The virtio console goes along: the guest answers on hvc0 there. So
 * does the source's --no-reboot: the guest's reboot ends the target's run
 * with 0.
 */
MIG_TEST(a_linux_guest_with_two_vcpus_migrates_live, LINUX_BOOT_S + 300)
{
	static const char *const extra[2] = { "--virtio-console", "--no-reboot" };
	char where[32], disk[80];
	const char *migrate[] = { "migrate", "--verify", "lmig", where, NULL };

	if (find_linux_guest())
		SKIP(return, "no Linux guest kernel and initramfs (HOSPES_GUEST_DIR)");
	make_disk(_metadata, self->file, disk, sizeof(disk));
	linux_counting(_metadata, self->src, "lmig", guest_kernel, "2", disk, extra);
	EXPECT_NE(NULL, strstr(self->src->out, "nproc=2, mode=counter, console=/dev/hvc0"))
		SHOW(self->src);
	ASSERT_EQ(0, migrate_live(_metadata, self, "lmig-dst", migrate, where));
	EXPECT_EQ(0, finish(self->src, 30)) SHOW(self->src);
	linux_goes_on(_metadata, self->src, self->dst, disk, "reboot -f");
	EXPECT_NE(NULL, strstr(self->dst->out, "hospes: the guest rebooted; --no-reboot: stopped"))
		SHOW(self->dst);
	EXPECT_EQ(NULL, strstr(self->dst->out, "guest rebooted (")) SHOW(self->dst);
	unlink(disk);
}

/* Restore the file with args (NULL-ended) until the guest counts there. */
static void restored_counting(struct __test_metadata *_metadata,
			      FIXTURE_DATA(mig) *self, const char *const *args)
{
	ASSERT_EQ(0, start_as(self->dst, args, true));
	ASSERT_EQ(1, wait_for(self->dst, 0, "count ", 60)) {
		stop(self->dst);
		SHOW(self->dst);
	}
}

static void type(struct __test_metadata *_metadata, struct proc *p,
		 const char *line)
{
	ASSERT_EQ((ssize_t)strlen(line), write(p->in, line, strlen(line)));
}

/*
 * A restored Linux guest that reboots boots again in the restoring
 * process, from the files its source booted it from: here a link to the
 * test host's kernel, removed after the save. Without it, the reboot
 * stops the guest with 1 and an error that names it (and a warning when
 * the restore starts); with restore --kernel naming the kernel where it
 * is, the guest comes up again with its command line and its disk, and
 * powers off with 0.
 */
MIG_TEST(a_restored_linux_guest_reboots_from_its_files, 2 * LINUX_BOOT_S + 300)
{
	char disk[80], link[80], missing[160];
	const char *save[] = { "save", "lrb", self->file, NULL };
	const char *restore[] = { "restore", "--name", "lrb2", self->file, NULL };
	const char *restore_k[] = {
		"restore", "--name", "lrb3", "--kernel", guest_kernel, self->file,
		NULL,
	};
	const char *after;
	size_t mark;
	double t0;

	if (find_linux_guest())
		SKIP(return, "no Linux guest kernel and initramfs (HOSPES_GUEST_DIR)");
	make_disk(_metadata, self->file, disk, sizeof(disk));
	snprintf(link, sizeof(link), "%s.vmlinuz", self->file);
	unlink(link);
	ASSERT_EQ(0, symlink(guest_kernel, link));
	linux_counting(_metadata, self->src, "lrb", link, "1", disk, NULL);
	run(self->cli, save, 120);
	ASSERT_EQ(0, self->cli->status) {
		SHOW(self->cli);
		stop(self->src);
	}
	EXPECT_EQ(0, finish(self->src, 30)) SHOW(self->src);
	unlink(link);

	/* The kernel is gone: warned at once, refused at the reboot. */
	restored_counting(_metadata, self, restore);
	snprintf(missing, sizeof(missing), "the guest's kernel %s: No such file", link);
	EXPECT_NE(NULL, strstr(self->dst->out, missing)) SHOW(self->dst);
	type(_metadata, self->dst, "reboot -f\n");
	EXPECT_EQ(EXIT_VMM_ERROR, finish(self->dst, 120)) SHOW(self->dst);
	snprintf(missing, sizeof(missing), "hospes: %s: No such file", link);
	EXPECT_NE(NULL, strstr(self->dst->out, missing)) SHOW(self->dst);
	EXPECT_NE(NULL, strstr(self->dst->out, "the guest cannot boot again here")) SHOW(self->dst);
	TH_LOG("%s", strstr(self->dst->out, "hospes: guest rebooted") ?: self->dst->out);

	/* Named where it is: the guest boots again, as it was booted. */
	restored_counting(_metadata, self, restore_k);
	EXPECT_EQ(NULL, strstr(self->dst->out, "hospes: warning")) SHOW(self->dst);
	mark = self->dst->len;
	t0 = now_s();
	type(_metadata, self->dst, "reboot -f\n");
	ASSERT_EQ(1, wait_for(self->dst, mark, "hospes: guest rebooted (1)", 60)) {
		stop(self->dst);
		SHOW(self->dst);
	}
	after = strstr(self->dst->out + mark, "hospes: guest rebooted (1)");
	mark = after - self->dst->out;
	ASSERT_EQ(1, wait_for(self->dst, mark, "count 5 up=", LINUX_BOOT_S)) {
		stop(self->dst);
		SHOW(self->dst);
	}
	TH_LOG("from reboot -f to counting again: %.1f s", now_s() - t0);
	EXPECT_NE(NULL, strstr(self->dst->out + mark,
			       "guest: init up, nproc=1, mode=counter,"))
		SHOW(self->dst);
	type(_metadata, self->dst, "echo hospes-vda-$(cat /sys/block/vda/size); poweroff -f\n");
	EXPECT_EQ(1, wait_for(self->dst, mark, "hospes-vda-8192", 60)) SHOW(self->dst);
	EXPECT_EQ(0, finish(self->dst, 120)) SHOW(self->dst);
	EXPECT_EQ(NULL, strstr(self->dst->out, "guest rebooted (2)")) SHOW(self->dst);
	unlink(disk);
}

/*
 * The control socket's stats request (bench/linux_bench.c counts a Linux
 * guest's exits with it): the answer line into line, the exits in it.
 */
static int control_stats(const char *name, unsigned long long *exits,
			 char *line, size_t len)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	ssize_t got = 0, n;
	const char *v;
	int fd;

	line[0] = '\0';
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%s.sock",
		 RUNTIME_DIR, name);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    write(fd, "stats\n", 6) != 6) {
		close(fd);
		return -1;
	}
	while (got < (ssize_t)len - 1 &&
	       (n = read(fd, line + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	line[got > 0 ? got : 0] = '\0';
	v = strstr(line, " exits=");
	return v && sscanf(v, " exits=%llu", exits) == 1 ? 0 : -1;
}

MIG_TEST(control_socket_gives_the_counters_while_the_guest_runs, 120)
{
	unsigned long long first = 0, second = 0;
	char line[1024];
	size_t mark;

	counting(_metadata, self->src, "st");
	ASSERT_EQ(0, control_stats("st", &first, line, sizeof(line))) {
		TH_LOG("answer: %s", line);
		stop(self->src);
	}
	/* The fields of struct hospes_stats, as run --stats names them. */
	EXPECT_EQ(0, strncmp(line, "ok runs=", 8)) TH_LOG("answer: %s", line);
	EXPECT_NE(NULL, strstr(line, " hypercall_exits=")) TH_LOG("answer: %s", line);
	EXPECT_LT(0ull, first);
	/* Each counter line is a console hypercall: the count grows. */
	mark = self->src->len;
	EXPECT_EQ(1, wait_for(self->src, mark, "counter ", 30)) SHOW(self->src);
	EXPECT_EQ(0, control_stats("st", &second, line, sizeof(line)))
		TH_LOG("answer: %s", line);
	EXPECT_LT(first, second);
	EXPECT_EQ(143, stop(self->src)) SHOW(self->src);
}

TEST_HARNESS_MAIN
