// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hospes run --kernel`: Debian's own kernel, unmodified, boots with the
 * initramfs of scripts/testhost/mkguest.sh, whose /init does what
 * hospes.guest= on the command line says (scripts/testhost/guest-init).
 * Each test is one boot: to a shell that reads what is typed (the 8250's
 * receive interrupt) and powers off through ACPI; the same on a virtio
 * console; with two vCPUs writing a virtio-blk disk; a kernel panic,
 * which pvpanic reports; a 4G guest using its RAM above 4 GiB; a reboot
 * with --no-reboot; and TCP both ways over virtio-net on a tap. One is three boots in one `hospes run`: two reboots
 * (8042 and ACPI reset), each restarting the guest.
 *
 * Files: $HOSPES_BIN, /hospes/bin/hospes or ../userspace/hospes next to
 * this binary; the guest's vmlinuz and initramfs.cpio.gz in
 * $HOSPES_GUEST_DIR, /hospes/guest (the test host) or ../guest.
 *
 * Under emulation (the QEMU test host) a boot takes about half a minute:
 * each run is bounded by RUN_TIMEOUT.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_tun.h>
#include <linux/sockios.h>

#include "kselftest_harness.h"

#define EXIT_VMM_ERROR		1
#define EXIT_USAGE		2
#define EXIT_GUEST_DIED		3

#define RUN_TIMEOUT		300	/* seconds, one boot */
#define TEST_TIMEOUT		(RUN_TIMEOUT + 30)
#define OUT_MAX			(512 * 1024)
#define MEMORY			"256M"
#define CMDLINE			"console=ttyS0 panic=-1 hospes.guest="
#define INIT_UP			"guest: init up"
#define DISK_MARKER		"hospes-disk-marker "

static char hospes_bin[PATH_MAX], kernel[PATH_MAX], initrd[PATH_MAX];

/* path, or where the build tree has it next to this binary. */
static int find(char *out, size_t size, const char *env,
		const char *installed, const char *in_build)
{
	char exe[PATH_MAX];
	ssize_t n;

	if (getenv(env)) {
		snprintf(out, size, "%s", getenv(env));
		return 0;
	}
	snprintf(out, size, "%s", installed);
	if (!access(out, F_OK))
		return 0;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -1;
	exe[n] = '\0';
	snprintf(out, size, "%s/%s", dirname(exe), in_build);
	return access(out, F_OK);
}

static int find_files(void)
{
	char dir[PATH_MAX - 32];

	if (find(hospes_bin, sizeof(hospes_bin), "HOSPES_BIN",
		 "/hospes/bin/hospes", "../userspace/hospes") ||
	    find(dir, sizeof(dir), "HOSPES_GUEST_DIR", "/hospes/guest",
		 "../guest"))
		return -1;
	snprintf(kernel, sizeof(kernel), "%s/vmlinuz", dir);
	snprintf(initrd, sizeof(initrd), "%s/initramfs.cpio.gz", dir);
	return access(kernel, R_OK) || access(initrd, R_OK) ||
	       access(hospes_bin, X_OK);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct boot {
	int status;		/* exit code, 128 + signal, -1: killed at timeout */
	double seconds;
	double first_output, init_up;	/* seconds from the start; 0: never */
	size_t len;
	char out[OUT_MAX + 1];	/* stdout and stderr, interleaved */
};

/*
 * Boot the guest in mode with extra options (NULL-terminated). Once the
 * output shows INIT_UP, type is written to its stdin, if not NULL.
 */
static void boot(struct boot *b, const char *mode, const char *const *extra,
		 const char *type)
{
	char cmdline[128];
	const char *argv[32];
	int in[2], out[2], i = 0, st;
	double end;
	pid_t pid;

	snprintf(cmdline, sizeof(cmdline), CMDLINE "%s", mode);
	argv[i++] = hospes_bin;
	argv[i++] = "run";
	argv[i++] = "--kernel";
	argv[i++] = kernel;
	argv[i++] = "--initrd";
	argv[i++] = initrd;
	argv[i++] = "--memory";
	argv[i++] = MEMORY;
	argv[i++] = "--cmdline";
	argv[i++] = cmdline;
	while (extra && *extra && i < 31)
		argv[i++] = *extra++;
	argv[i] = NULL;

	b->len = 0;
	b->out[0] = '\0';
	b->status = -2;
	b->first_output = b->init_up = 0;
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return;
	b->seconds = now_s();
	pid = fork();
	if (pid < 0)
		return;
	if (!pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	end = b->seconds + RUN_TIMEOUT;
	for (;;) {
		struct pollfd p = { .fd = out[0], .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 200) < 0 && errno != EINTR)
			break;
		if (now_s() > end) {
			kill(pid, SIGKILL);
			break;
		}
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		n = read(out[0], b->out + b->len, OUT_MAX - b->len);
		if (n <= 0)
			break;		/* hospes has gone: its output ended */
		if (!b->len)
			b->first_output = now_s() - b->seconds;
		b->len += n;
		b->out[b->len] = '\0';
		if (!b->init_up && strstr(b->out, INIT_UP))
			b->init_up = now_s() - b->seconds;
		if (type && strstr(b->out, INIT_UP)) {
			if (write(in[1], type, strlen(type)) < 0)
				break;
			type = NULL;
		}
	}
	close(in[1]);
	close(out[0]);
	waitpid(pid, &st, 0);
	b->seconds = now_s() - b->seconds;
	b->status = now_s() > end ? -1 :
		    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The end of the output, where a failure shows. */
static const char *tail(const struct boot *b)
{
	return b->len > 6000 ? b->out + b->len - 6000 : b->out;
}

#define ASSERT_STATUS(b, want)						\
	ASSERT_EQ(want, (b)->status) {					\
		TH_LOG("exit status %d after %.0f s; output ends:\n%s",	\
		       (b)->status, (b)->seconds, tail(b));		\
	}

#define EXPECT_OUTPUT(b, s)						\
	EXPECT_NE(NULL, strstr((b)->out, s)) {				\
		TH_LOG("no \"%s\" in the output, which ends:\n%s", s,	\
		       tail(b));					\
	}

FIXTURE(guest)
{
	struct boot *b;
	char disk[64];
	char tap[16];		/* a persistent tap the test made */
};

static int tap_persist(const char *name, bool on);

FIXTURE_SETUP(guest)
{
	self->disk[0] = self->tap[0] = '\0';
	if (find_files())
		SKIP(return, "no hospes or guest kernel and initramfs (HOSPES_BIN, HOSPES_GUEST_DIR)");
	if (access("/dev/hospes", R_OK | W_OK))
		SKIP(return, "/dev/hospes: %s (module not loaded?)",
		     strerror(errno));
	self->b = calloc(1, sizeof(*self->b));
	ASSERT_NE(NULL, self->b);
}

FIXTURE_TEARDOWN(guest)
{
	if (self->disk[0])
		unlink(self->disk);
	if (self->tap[0])
		tap_persist(self->tap, false);
	free(self->b);
}

/* A test whose body runs only if setup found everything. */
#define LINUX_TEST(name)						\
	static void name##_body(struct __test_metadata *_metadata,	\
				FIXTURE_DATA(guest) *self);		\
	TEST_F_TIMEOUT(guest, name, TEST_TIMEOUT)			\
	{								\
		if (self->b)						\
			name##_body(_metadata, self);			\
	}								\
	static void name##_body(struct __test_metadata *_metadata,	\
				FIXTURE_DATA(guest) *self)

/*
 * The shell computes what it is asked, so the answer shows that typed
 * input reached it (the UART's receive interrupt), not just its echo.
 */
LINUX_TEST(boots_to_a_shell_that_reads_the_console_and_powers_off)
{
	boot(self->b, "shell", NULL, "echo hospes-rx-$((6 * 7)); poweroff -f\n");
	TH_LOG("boot to a shell and poweroff: %.1f s", self->b->seconds);
	ASSERT_STATUS(self->b, 0);
	EXPECT_OUTPUT(self->b, INIT_UP ", nproc=1,");
	EXPECT_OUTPUT(self->b, "hospes-rx-42");
}

/* The UART hears nothing then: the answer came through hvc0 both ways. */
LINUX_TEST(a_virtio_console_carries_the_shell_both_ways)
{
	const char *extra[] = { "--virtio-console", NULL };

	boot(self->b, "shell", extra, "echo hospes-hvc-$((6 * 7)); poweroff -f\n");
	TH_LOG("boot to a shell on hvc0 and poweroff: %.1f s", self->b->seconds);
	ASSERT_STATUS(self->b, 0);
	EXPECT_OUTPUT(self->b, "console=/dev/hvc0");
	EXPECT_OUTPUT(self->b, "hospes-hvc-42");
}

LINUX_TEST(two_vcpus_write_a_virtio_disk_that_keeps_it)
{
	const char *extra[] = { "--cpus", "2", "--disk", self->disk, NULL };
	char sector[512], want[64];
	int fd;

	snprintf(self->disk, sizeof(self->disk), "/tmp/hospes-linux-disk-XXXXXX");
	fd = mkstemp(self->disk);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 4 << 20));
	boot(self->b, "disk", extra, NULL);
	TH_LOG("boot with 2 vCPUs, disk write and poweroff: %.1f s",
	       self->b->seconds);
	ASSERT_STATUS(self->b, 0);
	EXPECT_OUTPUT(self->b, INIT_UP ", nproc=2,");
	EXPECT_OUTPUT(self->b, "guest: disk written");
	/* Sector 1 of the image: the marker and the size the guest saw. */
	ASSERT_EQ(sizeof(sector), pread(fd, sector, sizeof(sector), 512));
	close(fd);
	snprintf(want, sizeof(want), DISK_MARKER "%d\n", (4 << 20) / 512);
	sector[sizeof(sector) - 1] = '\0';
	EXPECT_STREQ(want, sector);
}

LINUX_TEST(a_kernel_panic_ends_the_run_with_3)
{
	boot(self->b, "panic", NULL, NULL);
	TH_LOG("boot and panic: %.1f s", self->b->seconds);
	ASSERT_STATUS(self->b, EXIT_GUEST_DIED);
	EXPECT_OUTPUT(self->b, "Kernel panic");
	EXPECT_OUTPUT(self->b, "hospes: the guest kernel panicked");
}

/* Mistakes are reported before any VM exists. */
LINUX_TEST(a_file_that_is_no_bzimage_is_refused)
{
	const char *argv[] = { hospes_bin, "run", "--kernel", initrd, NULL };
	int out[2], st;
	char msg[512] = "";
	ssize_t n;
	pid_t pid;

	ASSERT_EQ(0, pipe(out));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		dup2(out[1], 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	n = read(out[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(out[0]);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(EXIT_VMM_ERROR, WEXITSTATUS(st));
	EXPECT_NE(NULL, strstr(msg, "not a Linux bzImage")) TH_LOG("%s", msg);
}

/* How often s is in the output. */
static unsigned int count_output(const struct boot *b, const char *s)
{
	const char *p = b->out;
	unsigned int n = 0;

	while ((p = strstr(p, s))) {
		n++;
		p += strlen(s);
	}
	return n;
}

/* A zeroed image of bytes at self->disk (gone at teardown): its fd. */
static int new_disk(FIXTURE_DATA(guest) *self, off_t bytes)
{
	int fd;

	snprintf(self->disk, sizeof(self->disk), "/tmp/hospes-linux-disk-XXXXXX");
	fd = mkstemp(self->disk);
	if (fd >= 0 && ftruncate(fd, bytes)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * RAM beyond 3 GiB goes above 4 GiB (userspace/linux.h): the guest's
 * e820 map says so, and it fills a tmpfs file from its ZONE_NORMAL (RAM
 * above 4 GiB on x86-64) and reads the pattern back.
 */
LINUX_TEST(a_4g_guest_has_and_uses_ram_above_4g)
{
	const char *extra[] = { "--memory", "4G", "--stats", NULL };
	unsigned long long small = 0, huge = 0;
	const char *total, *stats, *times;

	boot(self->b, "highmem", extra, NULL);
	stats = strstr(self->b->out, "pages_mapped_4k=");
	if (stats)
		sscanf(stats, "pages_mapped_4k=%llu pages_mapped_2m=%llu",
		       &small, &huge);
	/* What the guest touched is what the host pinned for it. */
	TH_LOG("boot with 4G, 64M written above 4G and poweroff: %.1f s (first output at %.1f s, init at %.1f s), %llu MiB of guest RAM mapped (%llu 4K and %llu 2M pages)",
	       self->b->seconds, self->b->first_output, self->b->init_up,
	       (small * 4096 + huge * (2 << 20)) >> 20, small, huge);
	times = strstr(self->b->out, "guest: seconds since boot:");
	if (times)
		TH_LOG("%.*s", (int)strcspn(times, "\r\n"), times);
	ASSERT_STATUS(self->b, 0);
	total = strstr(self->b->out, "guest: MemTotal ");
	ASSERT_NE(NULL, total) TH_LOG("%s", tail(self->b));
	EXPECT_LT(3ull << 20, strtoull(total + 16, NULL, 10));	/* kB */
	EXPECT_OUTPUT(self->b, "guest: iomem 100000000-13fffffff : System RAM");
	EXPECT_OUTPUT(self->b, "guest: high memory pattern ok");
}

/*
 * Each boot counts itself on the disk: the first resets through the 8042
 * (Linux's reboot type "kbd"), the second through the ACPI reset register
 * (its default), and the same `hospes run` builds the machine again each
 * time; the third boot powers off. Two vCPUs: Linux parks the second
 * before it resets, and starts it again in each new machine.
 */
LINUX_TEST(a_reboot_restarts_the_guest_in_the_same_run)
{
	const char *extra[] = { "--disk", self->disk, "--cpus", "2", NULL };
	const char *first, *second, *third;
	char sector[512];
	int fd;

	fd = new_disk(self, 4 << 20);
	ASSERT_LE(0, fd);
	boot(self->b, "reboot", extra, NULL);
	TH_LOG("three boots, two reboots and poweroff: %.1f s",
	       self->b->seconds);
	ASSERT_STATUS(self->b, 0);
	EXPECT_EQ(3u, count_output(self->b, INIT_UP ", nproc=2,"));
	first = strstr(self->b->out, "guest: boot 1, reboot type kbd");
	second = strstr(self->b->out, "guest: boot 2, reboot type acpi");
	third = strstr(self->b->out, "guest: boot 3");
	ASSERT_NE(NULL, first) TH_LOG("%s", tail(self->b));
	ASSERT_NE(NULL, second) TH_LOG("%s", tail(self->b));
	ASSERT_NE(NULL, third) TH_LOG("%s", tail(self->b));
	EXPECT_NE(NULL, strstr(first, "hospes: guest rebooted (1)"));
	EXPECT_NE(NULL, strstr(second, "hospes: guest rebooted (2)"));
	EXPECT_EQ(NULL, strstr(self->b->out, "guest rebooted (3)"));
	EXPECT_LT(first, second);
	EXPECT_LT(second, third);
	ASSERT_EQ(sizeof(sector), pread(fd, sector, sizeof(sector), 1024));
	close(fd);
	sector[sizeof(sector) - 1] = '\0';
	EXPECT_STREQ("hospes-boot-count 3\n", sector);
}

/* As `qemu -no-reboot`: the reboot ends the run, successfully. */
LINUX_TEST(with_no_reboot_a_reboot_ends_the_run_with_0)
{
	const char *extra[] = { "--disk", self->disk, "--no-reboot", NULL };
	int fd;

	fd = new_disk(self, 4 << 20);
	ASSERT_LE(0, fd);
	close(fd);
	boot(self->b, "reboot", extra, NULL);
	TH_LOG("boot and reboot with --no-reboot: %.1f s (first output at %.1f s, init at %.1f s)",
	       self->b->seconds, self->b->first_output, self->b->init_up);
	ASSERT_STATUS(self->b, 0);
	EXPECT_EQ(1u, count_output(self->b, INIT_UP));
	EXPECT_OUTPUT(self->b, "guest: boot 1, reboot type kbd");
	EXPECT_OUTPUT(self->b, "hospes: the guest rebooted; --no-reboot: stopped");
	EXPECT_EQ(NULL, strstr(self->b->out, "guest: boot 2"));
}

/* ---- virtio-net on a tap -------------------------------------------- */

#define NET_TAP			"hsp-net0"
#define NET_MAC			"02:68:73:70:00:01"
#define NET_HOST		"10.213.7.1"
#define NET_GUEST		"10.213.7.2/24"
#define NET_BYTES		(4 << 20)
#define NET_WAIT_MS		(RUN_TIMEOUT * 1000)

/* Make the tap persistent (it outlives this descriptor) or delete it. */
static int tap_persist(const char *name, bool on)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ret = ioctl(fd, TUNSETIFF, &ifr) || ioctl(fd, TUNSETPERSIST, (unsigned long)on);
	close(fd);
	return ret ? -1 : 0;
}

/* Give the interface addr/24 and bring it up. */
static int if_up(const char *name, const char *addr)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret;

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, addr, &sin->sin_addr);
	ret = ioctl(fd, SIOCSIFADDR, &ifr);
	inet_pton(AF_INET, "255.255.255.0", &sin->sin_addr);
	ret = ret || ioctl(fd, SIOCSIFNETMASK, &ifr) ||
	      ioctl(fd, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	ret = ret || ioctl(fd, SIOCSIFFLAGS, &ifr);
	close(fd);
	return ret ? -1 : 0;
}

/* A TCP listener on addr, any port: the fd, its port in *port. */
static int listen_any(const char *addr, unsigned int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, addr, &sin.sin_addr);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(fd, 1) || getsockname(fd, (struct sockaddr *)&sin, &len)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

/* The test's end of the guest's two connections, run beside boot(). */
struct net_peer {
	int to_guest, from_guest;	/* listeners */
	uint8_t *data, *back;		/* NET_BYTES each: sent, sent back */
	size_t back_len;
	double to_guest_s, from_guest_s;
	atomic_bool stop;
	const char *failed;		/* NULL, or what went wrong */
};

/* One connection on a listener, while boot() runs: the fd or -1. */
static int accept_one(struct net_peer *p, int l)
{
	struct timeval tv = { .tv_sec = 60 };
	struct pollfd pfd = { .fd = l, .events = POLLIN };
	int fd;

	while (!atomic_load(&p->stop))
		if (poll(&pfd, 1, 200) > 0)
			break;
	if (!(pfd.revents & POLLIN))
		return -1;
	fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * NET_BYTES to the guest, timed until the guest has acknowledged them
 * all (SIOCOUTQ: nothing unacknowledged left); then whatever the guest
 * sends back, timed until its end.
 */
static void *net_peer_run(void *arg)
{
	struct net_peer *p = arg;
	size_t done = 0;
	double t0;
	ssize_t n;
	int fd, left;
	char sink[4096];

	fd = accept_one(p, p->to_guest);
	if (fd < 0) {
		p->failed = "the guest never connected to receive";
		return NULL;
	}
	t0 = now_s();
	while (done < NET_BYTES && (n = write(fd, p->data + done, NET_BYTES - done)) > 0)
		done += n;
	shutdown(fd, SHUT_WR);
	while (!ioctl(fd, SIOCOUTQ, &left) && left && now_s() - t0 < RUN_TIMEOUT)
		usleep(5000);
	p->to_guest_s = now_s() - t0;
	while (read(fd, sink, sizeof(sink)) > 0)
		;
	close(fd);
	if (done != NET_BYTES || left) {
		p->failed = "sending to the guest stopped short";
		return NULL;
	}
	fd = accept_one(p, p->from_guest);
	if (fd < 0) {
		p->failed = "the guest never connected to send back";
		return NULL;
	}
	t0 = now_s();
	while (p->back_len < NET_BYTES &&
	       (n = read(fd, p->back + p->back_len, NET_BYTES - p->back_len)) > 0)
		p->back_len += n;
	/* Anything beyond NET_BYTES is an error too: look for it. */
	if (p->back_len == NET_BYTES && read(fd, sink, 1) > 0)
		p->back_len++;
	p->from_guest_s = now_s() - t0;
	close(fd);
	return NULL;
}

/*
 * The guest's eth0 is virtio_net on the test's tap, with the MAC given;
 * it pings the host, and NET_BYTES of random data go to it over TCP and
 * come back whole. The figures in the log are the throughput each way.
 */
LINUX_TEST(a_virtio_net_card_on_a_tap_carries_tcp_both_ways)
{
	const char *extra[] = { "--net", "tap:" NET_TAP ",mac=" NET_MAC, NULL };
	struct net_peer *p;
	unsigned int port_to, port_from;
	char mode[96];
	pthread_t thread;
	size_t i;
	int fd;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		SKIP(return, "/dev/net/tun: %s (no tun module?)", strerror(errno));
	close(fd);
	ASSERT_EQ(0, tap_persist(NET_TAP, true)) TH_LOG("making tap %s: %m", NET_TAP);
	snprintf(self->tap, sizeof(self->tap), "%s", NET_TAP);
	ASSERT_EQ(0, if_up(NET_TAP, NET_HOST)) TH_LOG("addressing %s: %m", NET_TAP);

	p = calloc(1, sizeof(*p));
	ASSERT_NE(NULL, p);
	p->data = malloc(NET_BYTES);
	p->back = malloc(NET_BYTES);
	ASSERT_NE(NULL, p->data);
	ASSERT_NE(NULL, p->back);
	srandom(time(NULL));
	for (i = 0; i < NET_BYTES; i++)
		p->data[i] = random();
	p->to_guest = listen_any(NET_HOST, &port_to);
	p->from_guest = listen_any(NET_HOST, &port_from);
	ASSERT_LE(0, p->to_guest);
	ASSERT_LE(0, p->from_guest);
	atomic_init(&p->stop, false);
	ASSERT_EQ(0, pthread_create(&thread, NULL, net_peer_run, p));

	snprintf(mode, sizeof(mode), "net hospes.net=" NET_GUEST "," NET_HOST ",%u,%u",
		 port_to, port_from);
	boot(self->b, mode, extra, NULL);
	atomic_store(&p->stop, true);
	pthread_join(thread, NULL);
	close(p->to_guest);
	close(p->from_guest);
	TH_LOG("boot, ping, %d MiB each way and poweroff: %.1f s", NET_BYTES >> 20,
	       self->b->seconds);
	if (!p->failed && p->to_guest_s > 0 && p->from_guest_s > 0)
		TH_LOG("throughput: host to guest %.2f MiB/s, guest to host %.2f MiB/s",
		       (NET_BYTES >> 20) / p->to_guest_s,
		       (NET_BYTES >> 20) / p->from_guest_s);
	ASSERT_STATUS(self->b, 0);
	EXPECT_OUTPUT(self->b, "guest: eth0 driver=virtio_net mac=" NET_MAC);
	EXPECT_OUTPUT(self->b, "guest: ping " NET_HOST " ok");
	EXPECT_EQ(NULL, p->failed) TH_LOG("%s; output ends:\n%s", p->failed, tail(self->b));
	EXPECT_EQ(NET_BYTES, p->back_len);
	EXPECT_EQ(0, memcmp(p->data, p->back, NET_BYTES)) TH_LOG("the data came back changed");
	free(p->data);
	free(p->back);
	free(p);
}

TEST_HARNESS_MAIN
