// SPDX-License-Identifier: GPL-2.0-only
/*
 * linux_bench: an unmodified Linux guest (the kernel and initramfs of
 * scripts/testhost/mkguest.sh) on either hypervisor, booted by its VMM:
 *
 *   linux_bench [-r REPEATS] [-i IDLE_S] [-m MIB] [-c CPUS] hospes HOSPES VMLINUZ INITRD
 *   linux_bench [-r REPEATS] [-i IDLE_S] [-m MIB] [-c CPUS] kvm QEMU VMLINUZ INITRD
 *
 * hospes: `hospes run --kernel`; kvm: QEMU with -accel kvm (kvm_amd),
 * the least machine it has (-nodefaults, no VGA, the UART on stdio).
 * Both guests get the same memory, CPUs and kernel command line; hospes
 * puts "tsc_early_khz=N tsc=reliable" first, so QEMU's guest is given
 * the same words with KVM's own TSC rate.
 *
 *   boot  from the fork of the VMM to the moment its console shows
 *         "guest: init up" (guest-init, after loading its modules): the
 *         VMM's start, firmware (QEMU's SeaBIOS), the kernel's boot, the
 *         initramfs, init's first steps; and the VM's exits by then
 *   idle  the guest then idles IDLE_S seconds (guest-init's idle mode,
 *         marked on the console at both ends); the VM's exits between
 *         the two marks, per second of the host's clock
 *
 * The exits are the VM's own counters, read at the two marks: hospes's
 * struct hospes_stats through the VMM's control socket ("stats"), KVM's
 * vCPU counters summed in its debugfs folder of the VM. guest-init also says
 * which clockevent device (lapic-deadline: the TSC-deadline timer) and
 * clocksource the guest runs on; it goes into the note.
 *
 * Output: "# " lines for people, "BENCH {json}" lines of type "linux".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/hospes.h>
#include <linux/kvm.h>

#include "bench.h"

#define MAX_REPEATS	21
#define MAX_VCPUS	8
#define BOOT_TIMEOUT	300
#define BOOT_MARK	"guest: init up"
#define IDLE_START	"guest: idle start"
#define IDLE_END	"guest: idle end"
#define RUNTIME_DIR	"/tmp/hospes-linux-bench"
#define KVM_DEBUGFS	"/sys/kernel/debug/kvm"

/* Exits by kind; each side names its own counters for them. */
enum { X_EXITS, X_INTR, X_HLT, X_IO, X_MMIO, N_X };
static const char *const x_names[N_X] = {
	"exits", "intr", "hlt", "io", "mmio",
};
static const char *const kvm_x_names[N_X] = {
	"exits", "irq_exits", "halt_exits", "io_exits", "mmio_exits",
};

struct config {
	const char *side;	/* "hospes" or "kvm" */
	char name[32];		/* hospes: the VM's name, for its control socket */
	const char *vmm, *kernel, *initrd;
	unsigned int idle_s, mib, cpus;
};

struct run {
	double boot_ms, boot_exits, idle_s, x[N_X];
	char timer[160];
};

static struct bench_proc vmm;

/*
 * The counters of a running VM, read from outside its VMM: the kernels
 * refuse the VM's ioctls to any process but its creator.
 *
 * hospes: the VMM's control socket answers "stats" with the fields of
 * struct hospes_stats, as `hospes run --stats` prints them at the end.
 * kvm: debugfs has a folder per VM, "PID-FD", whose vCPU counters are
 * the sums over its vCPUs.
 */
static int hospes_counters(const char *name, double *x, struct bench_err *err)
{
	static const char *const keys[N_X] = {
		" exits=", " intr_exits=", " hlt_exits=", " io_exits=",
		" mmio_exits=",
	};
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char line[1024];
	ssize_t len = 0, n;
	int fd;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%s.sock",
		 RUNTIME_DIR, name);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return bench_fail_errno(err, "socket");
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    write(fd, "stats\n", 6) != 6) {
		bench_fail(err, "%s: %s", addr.sun_path, strerror(errno));
		close(fd);
		return -1;
	}
	while (len < (ssize_t)sizeof(line) - 1 &&
	       (n = read(fd, line + len, sizeof(line) - 1 - len)) > 0)
		len += n;
	close(fd);
	line[len > 0 ? len : 0] = '\0';
	if (strncmp(line, "ok ", 3))
		return bench_fail(err, "the control socket's stats: %.200s", line);
	for (int k = 0; k < N_X; k++) {
		const char *v = strstr(line, keys[k]);

		if (!v)
			return bench_fail(err, "no%s in the stats: %.200s", keys[k], line);
		x[k] = strtod(v + strlen(keys[k]), NULL);
	}
	return 0;
}

static int kvm_counters(pid_t pid, double *x, struct bench_err *err)
{
	char prefix[32], dir[300] = "", path[600];
	struct dirent *e;
	DIR *d = opendir(KVM_DEBUGFS);

	if (!d)
		return bench_fail(err, "%s: %s (debugfs not mounted?)",
				  KVM_DEBUGFS, strerror(errno));
	snprintf(prefix, sizeof(prefix), "%d-", pid);
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix))) {
			snprintf(dir, sizeof(dir), "%s/%s", KVM_DEBUGFS, e->d_name);
			break;
		}
	closedir(d);
	if (!dir[0])
		return bench_fail(err, "no VM of pid %d in %s", pid, KVM_DEBUGFS);
	for (int k = 0; k < N_X; k++) {
		FILE *f;
		bool ok;

		snprintf(path, sizeof(path), "%s/%s", dir, kvm_x_names[k]);
		f = fopen(path, "r");
		ok = f && fscanf(f, "%lf", &x[k]) == 1;
		if (f)
			fclose(f);
		if (!ok)
			return bench_fail(err, "%s: unreadable", path);
	}
	return 0;
}

static int read_counters(const struct config *cfg, pid_t pid, double *x,
			 struct bench_err *err)
{
	if (!strcmp(cfg->side, "hospes"))
		return hospes_counters(cfg->name, x, err);
	return kvm_counters(pid, x, err);
}

/* KVM's TSC rate for its guests, as hospes gives its own on the command line. */
static unsigned int kvm_tsc_khz(struct bench_err *err)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), vm = -1, vcpu = -1;
	int khz = -1;

	if (kvm < 0) {
		bench_fail(err, "open /dev/kvm: %s", strerror(errno));
		return 0;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm >= 0)
		vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu >= 0)
		khz = ioctl(vcpu, KVM_GET_TSC_KHZ, 0);
	if (khz <= 0)
		bench_fail_errno(err, "KVM_GET_TSC_KHZ");
	if (vcpu >= 0)
		close(vcpu);
	if (vm >= 0)
		close(vm);
	close(kvm);
	return khz > 0 ? khz : 0;
}

/* The VMM's command line for cmdline. */
static void vmm_argv(const struct config *cfg, const char *cmdline,
		     char *mem, char *cpus, char **argv)
{
	int i = 0;

	argv[i++] = (char *)cfg->vmm;
	if (!strcmp(cfg->side, "hospes")) {
		sprintf(mem, "%uM", cfg->mib);
		argv[i++] = "run";
		argv[i++] = "--name";
		argv[i++] = (char *)cfg->name;
		argv[i++] = "--memory";
		argv[i++] = mem;
		argv[i++] = "--cpus";
		argv[i++] = cpus;
		argv[i++] = "--kernel";
		argv[i++] = (char *)cfg->kernel;
		argv[i++] = "--initrd";
		argv[i++] = (char *)cfg->initrd;
		argv[i++] = "--cmdline";
		argv[i++] = (char *)cmdline;
	} else {
		static char *const qemu[] = {
			"-accel", "kvm", "-cpu", "host", "-nodefaults",
			"-no-user-config", "-display", "none", "-vga", "none",
			"-no-reboot", "-serial", "stdio",
		};

		sprintf(mem, "%u", cfg->mib);
		for (size_t k = 0; k < ARRAY_SIZE(qemu); k++)
			argv[i++] = qemu[k];
		argv[i++] = "-m";
		argv[i++] = mem;
		argv[i++] = "-smp";
		argv[i++] = cpus;
		argv[i++] = "-kernel";
		argv[i++] = (char *)cfg->kernel;
		argv[i++] = "-initrd";
		argv[i++] = (char *)cfg->initrd;
		argv[i++] = "-append";
		argv[i++] = (char *)cmdline;
	}
	argv[i] = NULL;
}

/* The guest-init line "guest: clockevent=X clocksource=Y", for the note. */
static void timer_line(const struct bench_proc *p, char *buf, size_t len)
{
	const char *s = strstr(p->out, "guest: clockevent=");

	if (!s) {
		snprintf(buf, len, "unknown");
		return;
	}
	s += strlen("guest: ");
	snprintf(buf, len, "%.*s", (int)strcspn(s, "\r\n"), s);
}

static int run_once(const struct config *cfg, const char *cmdline,
		    struct run *r, struct bench_err *err)
{
	char mem[32], cpus[16], *argv[40];
	double t_boot, t0, t1, x0[N_X], x1[N_X];
	size_t at;
	int ret = -1;

	err->msg[0] = '\0';
	snprintf(cpus, sizeof(cpus), "%u", cfg->cpus);
	vmm_argv(cfg, cmdline, mem, cpus, argv);
	if (bench_proc_start(&vmm, argv, err))
		return -1;
	if (!bench_proc_wait(&vmm, 0, BOOT_MARK, BOOT_TIMEOUT, &t_boot, &at)) {
		bench_fail(err, "no \"%s\" within %d s: ...%s", BOOT_MARK,
			   BOOT_TIMEOUT, bench_proc_tail(&vmm, 160));
		goto out;
	}
	r->boot_ms = (t_boot - vmm.start_ns) / 1e6;
	/* The exits of the boot, for the note: read at once, so a few late. */
	if (read_counters(cfg, vmm.pid, x0, err))
		goto out;
	r->boot_exits = x0[X_EXITS];
	/*
	 * The idle period is the host time between the two reads of the
	 * counters, each as soon as its mark has come.
	 */
	if (!bench_proc_wait(&vmm, at, IDLE_START, 60, NULL, &at)) {
		bench_fail(err, "no \"%s\": ...%s", IDLE_START,
			   bench_proc_tail(&vmm, 160));
		goto out;
	}
	t0 = bench_now_ns();
	if (read_counters(cfg, vmm.pid, x0, err))
		goto out;
	if (!bench_proc_wait(&vmm, at, IDLE_END, cfg->idle_s + 120, NULL, &at)) {
		bench_fail(err, "no \"%s\": ...%s", IDLE_END,
			   bench_proc_tail(&vmm, 160));
		goto out;
	}
	t1 = bench_now_ns();
	if (read_counters(cfg, vmm.pid, x1, err))
		goto out;
	r->idle_s = (t1 - t0) / 1e9;
	for (int k = 0; k < N_X; k++)
		r->x[k] = x1[k] - x0[k];
	timer_line(&vmm, r->timer, sizeof(r->timer));
	if (bench_proc_finish(&vmm, 60)) {
		bench_fail(err, "%s exited with status %d: ...%s", cfg->vmm,
			   vmm.status, bench_proc_tail(&vmm, 160));
		goto out;
	}
	ret = 0;
out:
	bench_proc_stop(&vmm);
	return ret;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-r REPEATS] [-i IDLE_S] [-m MIB] [-c CPUS] hospes|kvm VMM VMLINUZ INITRD\n"
		"Boots the Linux guest (guest-init's idle mode) under VMM, `hospes run\n"
		"--kernel` or QEMU on KVM: the time to its init, and its exits per second\n"
		"while it idles IDLE_S seconds (default 10) in MIB MiB (256) with CPUS\n"
		"vCPUs (1). Prints \"# \" lines for people, \"BENCH {json}\" for report.pl.\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	struct config cfg = { .idle_s = 10, .mib = 256, .cpus = 1 };
	unsigned int repeats = 1, n = 0;
	char cmdline[256], what[1024], suffix[16] = "", boot_row[32], idle_row[48];
	double boot_ms[MAX_REPEATS], boot_exits[MAX_REPEATS], per_s[MAX_REPEATS];
	double x[N_X][MAX_REPEATS];
	struct bench_err err = { "" };
	struct run r;
	int opt;

	while ((opt = getopt(argc, argv, "r:i:m:c:h")) != -1) {
		switch (opt) {
		case 'r':
			repeats = bench_parse_count(optarg, MAX_REPEATS);
			break;
		case 'i':
			cfg.idle_s = bench_parse_count(optarg, 3600);
			break;
		case 'm':
			cfg.mib = bench_parse_count(optarg, 3072);
			break;
		case 'c':
			cfg.cpus = bench_parse_count(optarg, MAX_VCPUS);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (argc - optind != 4 || (strcmp(argv[optind], "hospes") &&
				   strcmp(argv[optind], "kvm")))
		usage(argv[0]);
	cfg.side = argv[optind];
	if (cfg.cpus > 1)
		snprintf(suffix, sizeof(suffix), "_%ucpu", cfg.cpus);
	cfg.vmm = argv[optind + 1];
	cfg.kernel = argv[optind + 2];
	cfg.initrd = argv[optind + 3];

	setvbuf(stdout, NULL, _IOLBF, 0);
	bench_pin_to_last_cpu(cfg.side);
	bench_print_host(cfg.side);
	snprintf(cfg.name, sizeof(cfg.name), "linux-bench-%d", (int)getpid());
	if (mkdir(RUNTIME_DIR, 0700) && errno != EEXIST) {
		perror("linux_bench: " RUNTIME_DIR);
		return 1;
	}
	setenv("HOSPES_RUNTIME_DIR", RUNTIME_DIR, 1);

	/* hospes writes the TSC words itself; QEMU's guest gets them here. */
	snprintf(cmdline, sizeof(cmdline),
		 "console=ttyS0 quiet hospes.guest=idle hospes.idle=%u",
		 cfg.idle_s);
	if (!strcmp(cfg.side, "kvm")) {
		unsigned int khz = kvm_tsc_khz(&err);

		if (khz)
			snprintf(cmdline, sizeof(cmdline),
				 "tsc_early_khz=%u tsc=reliable console=ttyS0 quiet hospes.guest=idle hospes.idle=%u",
				 khz, cfg.idle_s);
	}
	for (unsigned int i = 0; i < repeats && !err.msg[0]; i++) {
		if (run_once(&cfg, cmdline, &r, &err))
			break;
		boot_ms[n] = r.boot_ms;
		boot_exits[n] = r.boot_exits;
		per_s[n] = r.x[X_EXITS] / r.idle_s;
		for (int k = 0; k < N_X; k++)
			x[k][n] = r.x[k];
		n++;
		printf("# %s linux: run %u: init after %.0f ms, %.0f exits; idle %.2f s: %.0f exits (intr %.0f, hlt %.0f, io %.0f, mmio %.0f), %.1f a second; %s\n",
		       cfg.side, n, r.boot_ms, r.boot_exits, r.idle_s, r.x[X_EXITS],
		       r.x[X_INTR], r.x[X_HLT], r.x[X_IO], r.x[X_MMIO],
		       per_s[n - 1], r.timer);
	}

	snprintf(what, sizeof(what),
		 "Linux (mkguest.sh's kernel and initramfs) under %s, %u MiB, %u vCPU(s), cmdline \"%s\"%s: from the VMM's start to guest-init's \"%s\"",
		 !strcmp(cfg.side, "hospes") ? "hospes run --kernel" :
		 "QEMU -accel kvm -cpu host -nodefaults",
		 cfg.mib, cfg.cpus, cmdline,
		 !strcmp(cfg.side, "hospes") ? " (after hospes's own tsc_early_khz, tsc=reliable)" : "",
		 BOOT_MARK);
	/* The rows of a guest with more vCPUs are rows of their own. */
	snprintf(boot_row, sizeof(boot_row), "boot%s", suffix);
	snprintf(idle_row, sizeof(idle_row), "idle_exits%s", suffix);
	if (err.msg[0]) {
		bench_print_failed("linux", cfg.side, boot_row, what, err.msg);
		bench_print_failed("linux", cfg.side, idle_row, what, err.msg);
		return 1;
	}
	bench_print_head("linux", cfg.side, boot_row, what);
	printf(",\"status\":\"ok\",\"repeats\":%u,\"mib\":%u,\"cpus\":%u", n,
	       cfg.mib, cfg.cpus);
	bench_print_array("boot_ms", boot_ms, n, 1);
	bench_print_array("exits", boot_exits, n, 0);
	printf("}\n");
	snprintf(what, sizeof(what),
		 "the same guest idling %u s after boot (guest-init sleeps): the VM's exits between its two console marks, per second",
		 cfg.idle_s);
	bench_print_head("linux", cfg.side, idle_row, what);
	printf(",\"status\":\"ok\",\"repeats\":%u,\"idle_s\":%u,\"cpus\":%u", n,
	       cfg.idle_s, cfg.cpus);
	bench_print_array("exits_per_s", per_s, n, 1);
	for (int k = 0; k < N_X; k++)
		bench_print_array(x_names[k], x[k], n, 0);
	printf(",\"timer\":");
	bench_json_str(stdout, r.timer);
	printf("}\n");
	return 0;
}
