// SPDX-License-Identifier: GPL-2.0-only
/*
 * hospes and Debian's kvm_amd on one machine: never both owning SVM.
 *
 * Each turns SVM on (EFER.SVME) in every CPU while it has a VM, and each
 * refuses to take a CPU where it is on already. So with a hospes VM alive
 * kvm_amd loads but cannot create a VM (KVM_CREATE_VM: EBUSY, and "kvm:
 * enabling virtualization on CPUn failed" in the kernel log); with a KVM
 * VM alive, HOSPES_CREATE_VM fails with EBUSY and hospes says why in the
 * kernel log. The VM that was there first runs on unharmed, and once it is
 * closed the other side works.
 *
 * The test loads kvm_amd itself (modprobe, so kvm and its other
 * dependencies come along) and unloads it and kvm when it is done, also
 * when a test fails: each test's teardown, and the last test, which also
 * runs hospes after it. A kvm_amd it finds loaded it takes for its own
 * (check-host refuses to run with kvm_amd loaded). It skips where it
 * cannot do this: no SVM, kvm_amd or kvm built into the kernel, or no
 * kvm_amd module for this kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "kselftest_harness.h"
#include "hospes_util.h"

/* modprobe and rmmod may take a while under TCG, never this long. */
#define CMD_TIMEOUT_MS		60000
#define TEST_TIMEOUT_S		240

/* What each side writes to the kernel log when it finds SVM taken. */
#define KVM_REFUSES		"kvm: enabling virtualization on CPU"
#define HOSPES_REFUSES		"another hypervisor"

/* ---- modules --------------------------------------------------------- */

static bool module_loaded(const char *name)
{
	FILE *f = fopen("/proc/modules", "r");
	char line[256];
	size_t n = strlen(name);
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, name, n) && line[n] == ' ';
	fclose(f);
	return found;
}

/* In /sys/module but not in /proc/modules: part of the kernel image. */
static bool module_builtin(const char *name)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return !stat(path, &st) && !module_loaded(name);
}

/* Does modules.dep of the running kernel list a file called file? */
static bool module_file_known(const char *file)
{
	char path[256], line[1024];
	struct utsname u;
	bool found = false;
	FILE *f;

	if (uname(&u))
		return false;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", u.release);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		*colon = '\0';
		found = strstr(line, file) != NULL;
	}
	fclose(f);
	return found;
}

/* The "svm" flag itself, not "svm_lock" and the like. */
static bool cpu_has_svm(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		for (char *p = strstr(line, " svm"); p && !found;
		     p = strstr(p + 4, " svm"))
			found = p[4] == ' ' || p[4] == '\n' || !p[4];
	}
	fclose(f);
	return found;
}

/* Why this machine cannot run the test, or NULL. */
static const char *cannot_test(void)
{
	if (!cpu_has_svm())
		return "no AMD SVM on this CPU: kvm_amd does not apply";
	if (module_builtin("kvm_amd") || module_builtin("kvm"))
		return "kvm or kvm_amd is built into this kernel: the test must load and unload them";
	if (!module_file_known("/kvm-amd.ko"))
		return "no kvm_amd module for this kernel in modules.dep";
	return NULL;
}

/*
 * Run a command with its output in out; give up after CMD_TIMEOUT_MS.
 * Its exit status, 127 if it could not be run, or -1 on a timeout.
 */
static int run_cmd(char *const argv[], char *out, size_t len)
{
	struct pollfd pfd = { .events = POLLIN };
	uint64_t deadline = hospes_now_ns() + CMD_TIMEOUT_MS * 1000000ull;
	size_t got = 0;
	int pipefd[2], status;
	pid_t pid;

	out[0] = '\0';
	if (pipe2(pipefd, O_CLOEXEC))
		return 127;
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return 127;
	}
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	pfd.fd = pipefd[0];
	for (;;) {
		int64_t left = (int64_t)(deadline - hospes_now_ns()) / 1000000;
		ssize_t n;

		if (left <= 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			close(pipefd[0]);
			snprintf(out, len, "%s: no end after %d ms", argv[0],
				 CMD_TIMEOUT_MS);
			return -1;
		}
		if (poll(&pfd, 1, left) <= 0)
			continue;
		n = read(pipefd[0], out + got, len - 1 - got);
		if (n <= 0)
			break;
		got += n;
		out[got] = '\0';
		if (got == len - 1)
			got = 0;	/* keep the tail of a chatty command */
	}
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int modprobe(bool remove, char *out, size_t len)
{
	char *load[] = { "modprobe", "kvm_amd", NULL };
	char *unload[] = { "modprobe", "-r", "kvm_amd", NULL };

	return run_cmd(remove ? unload : load, out, len);
}

/*
 * Unload kvm_amd and kvm; 0 once neither is loaded. modprobe -r takes
 * the dependencies it loaded (kvm among them) when nothing else uses
 * them; if kvm stays, it is removed by name.
 */
static int unload_kvm(char *out, size_t len)
{
	if (module_loaded("kvm_amd") && modprobe(true, out, len))
		return -1;
	if (module_loaded("kvm") && syscall(SYS_delete_module, "kvm", O_NONBLOCK)) {
		snprintf(out, len, "delete_module(kvm): %s", strerror(errno));
		return -1;
	}
	return module_loaded("kvm_amd") || module_loaded("kvm") ? -1 : 0;
}

/* ---- the kernel log -------------------------------------------------- */

/* /dev/kmsg, read from now on. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Did a record since kmsg_open() say needle? The record is left in buf. */
static bool kmsg_find(int fd, const char *needle, char *buf, size_t len)
{
	char rec[1024];
	ssize_t n;

	buf[0] = '\0';
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten meanwhile: read on */
		if (n <= 0)
			return false;
		rec[n] = '\0';
		if (strstr(rec, needle)) {
			/* "level,seq,time,flags;message\n": the message. */
			char *msg = strchr(rec, ';');

			snprintf(buf, len, "%s", msg ? msg + 1 : rec);
			buf[strcspn(buf, "\n")] = '\0';
			return true;
		}
	}
}

/* ---- a minimal KVM VM ------------------------------------------------ */

/*
 * Real mode at 0:0x1000: OUT to port 0x10, OUT to port 0x11, HLT. Three
 * exits to userspace, so a test can stop it halfway and see it go on.
 */
static const uint8_t kvm_guest_code[] = {
	0xe6, 0x10,		/* out %al, $0x10 */
	0xe6, 0x11,		/* out %al, $0x11 */
	0xf4,			/* hlt */
};
#define KVM_GUEST_MEM		0x10000
#define KVM_GUEST_CODE		0x1000

struct kvm_guest {
	int kvm, vm, vcpu;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *mem;
};

static void kvm_guest_close(struct kvm_guest *g)
{
	if (g->run && g->run != MAP_FAILED)
		munmap(g->run, g->run_size);
	if (g->mem && g->mem != MAP_FAILED)
		munmap(g->mem, KVM_GUEST_MEM);
	/* 0: never opened (the fixture starts zeroed; fd 0 is stdin). */
	if (g->vcpu > 0)
		close(g->vcpu);
	if (g->vm > 0)
		close(g->vm);
	if (g->kvm > 0)
		close(g->kvm);
	memset(g, 0, sizeof(*g));
}

/*
 * Open /dev/kvm and create the VM: 0, or -1 with errno and *what naming
 * the step that failed. KVM_CREATE_VM is where SVM is turned on.
 */
static int kvm_guest_create(struct kvm_guest *g, const char **what)
{
	struct kvm_userspace_memory_region region = {
		.memory_size = KVM_GUEST_MEM,
	};
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = KVM_GUEST_CODE, .rflags = 2 };
	int size;

	memset(g, 0, sizeof(*g));
	*what = "open /dev/kvm";
	g->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (g->kvm < 0)
		return -1;
	*what = "KVM_CREATE_VM";
	g->vm = ioctl(g->kvm, KVM_CREATE_VM, 0);
	if (g->vm < 0)
		return -1;
	*what = "guest memory";
	g->mem = mmap(NULL, KVM_GUEST_MEM, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->mem == MAP_FAILED)
		return -1;
	memcpy(g->mem + KVM_GUEST_CODE, kvm_guest_code, sizeof(kvm_guest_code));
	region.userspace_addr = (uintptr_t)g->mem;
	*what = "KVM_SET_USER_MEMORY_REGION";
	if (ioctl(g->vm, KVM_SET_USER_MEMORY_REGION, &region))
		return -1;
	*what = "KVM_CREATE_VCPU";
	g->vcpu = ioctl(g->vm, KVM_CREATE_VCPU, 0);
	if (g->vcpu < 0)
		return -1;
	*what = "the run area";
	size = ioctl(g->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		return -1;
	g->run_size = size;
	g->run = mmap(NULL, g->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      g->vcpu, 0);
	if (g->run == MAP_FAILED)
		return -1;
	*what = "the registers";
	if (ioctl(g->vcpu, KVM_GET_SREGS, &sregs))
		return -1;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(g->vcpu, KVM_SET_SREGS, &sregs) ||
	    ioctl(g->vcpu, KVM_SET_REGS, &regs))
		return -1;
	return 0;
}

/* Run to the next exit: KVM_EXIT_IO's port, 0x100 + KVM_EXIT_HLT, or -1. */
static int kvm_guest_step(struct kvm_guest *g)
{
	if (ioctl(g->vcpu, KVM_RUN, 0))
		return -1;
	if (g->run->exit_reason == KVM_EXIT_IO)
		return g->run->io.port;
	return 0x100 + g->run->exit_reason;
}

/* ---- the tests ------------------------------------------------------- */

static void guest_sync_twice(void)
{
	GUEST_SYNC(1);
	GUEST_SYNC(2);
	GUEST_DONE();
}

FIXTURE(coexist) {
	const char *skip;	/* why this machine cannot run the test */
	struct hvm *hvm;
	struct kvm_guest kvm;
	int kmsg;
	char out[512];
};

FIXTURE_SETUP(coexist)
{
	self->skip = cannot_test();
	self->kmsg = kmsg_open();
}

/* Also after a failed ASSERT: no VM left open, no kvm module left loaded. */
FIXTURE_TEARDOWN(coexist)
{
	char out[512];

	hvm_destroy(self->hvm);
	kvm_guest_close(&self->kvm);
	if (self->kmsg >= 0)
		close(self->kmsg);
	if (!self->skip && unload_kvm(out, sizeof(out)))
		TH_LOG("could not unload kvm_amd and kvm: %s", out);
}

#define SKIP_IF_CANNOT_TEST() do {					\
	if (self->skip)							\
		SKIP(return, "%s", self->skip);				\
} while (0)

TEST_F_TIMEOUT(coexist, kvm_amd_loads_but_makes_no_vm_while_hospes_has_one,
	       TEST_TIMEOUT_S)
{
	struct hvcpu *vcpu;
	const char *what;
	char line[1024];
	bool found;
	int ret;

	SKIP_IF_CANNOT_TEST();
	ASSERT_EQ(0, unload_kvm(self->out, sizeof(self->out)))
		TH_LOG("kvm_amd left loaded from before: %s", self->out);
	self->hvm = hvm_create_with_vcpu(guest_sync_twice, &vcpu);
	ASSERT_GUEST_SYNC(vcpu, 1);

	/* Loading only sets kvm_amd up: SVM is turned on for a VM. */
	ASSERT_EQ(0, modprobe(false, self->out, sizeof(self->out)))
		TH_LOG("modprobe kvm_amd: %s", self->out);
	ret = kvm_guest_create(&self->kvm, &what);
	ASSERT_EQ(-1, ret)
		TH_LOG("KVM made a VM while hospes has SVM on");
	EXPECT_STREQ("KVM_CREATE_VM", what);
	EXPECT_EQ(EBUSY, errno) TH_LOG("%s: %s", what, strerror(errno));
	found = kmsg_find(self->kmsg, KVM_REFUSES, line, sizeof(line));
	EXPECT_TRUE(found) TH_LOG("no \"%s\" in the kernel log", KVM_REFUSES);
	if (found)
		TH_LOG("kernel log: %s", line);
	kvm_guest_close(&self->kvm);

	/* kvm_amd's attempt left hospes's SVM state alone. */
	ASSERT_GUEST_SYNC(vcpu, 2);
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(self->hvm);
	self->hvm = NULL;

	/* The last hospes VM is gone: SVM is free for KVM. */
	ASSERT_EQ(0, kvm_guest_create(&self->kvm, &what))
		TH_LOG("%s: %s", what, strerror(errno));
	EXPECT_EQ(0x10, kvm_guest_step(&self->kvm));
	EXPECT_EQ(0x11, kvm_guest_step(&self->kvm));
	EXPECT_EQ(0x100 + KVM_EXIT_HLT, kvm_guest_step(&self->kvm));
}

TEST_F_TIMEOUT(coexist, hospes_makes_no_vm_while_kvm_has_one, TEST_TIMEOUT_S)
{
	struct hvcpu *vcpu;
	const char *what;
	char line[1024];
	bool found;
	int dev, vm;

	SKIP_IF_CANNOT_TEST();
	ASSERT_EQ(0, modprobe(false, self->out, sizeof(self->out)))
		TH_LOG("modprobe kvm_amd: %s", self->out);
	ASSERT_EQ(0, kvm_guest_create(&self->kvm, &what))
		TH_LOG("%s: %s", what, strerror(errno));
	ASSERT_EQ(0x10, kvm_guest_step(&self->kvm));

	dev = hospes_open();
	vm = ioctl(dev, HOSPES_CREATE_VM, 0);
	if (vm >= 0)
		close(vm);
	ASSERT_EQ(-1, vm) TH_LOG("hospes made a VM while KVM has SVM on");
	EXPECT_EQ(EBUSY, errno) TH_LOG("HOSPES_CREATE_VM: %s", strerror(errno));
	found = kmsg_find(self->kmsg, HOSPES_REFUSES, line, sizeof(line));
	EXPECT_TRUE(found) TH_LOG("no \"%s\" in the kernel log", HOSPES_REFUSES);
	if (found)
		TH_LOG("kernel log: %s", line);
	close(dev);

	/* hospes's attempt left KVM's SVM state alone. */
	EXPECT_EQ(0x11, kvm_guest_step(&self->kvm));
	EXPECT_EQ(0x100 + KVM_EXIT_HLT, kvm_guest_step(&self->kvm));
	kvm_guest_close(&self->kvm);

	/* KVM's last VM is gone: SVM is free for hospes (kvm_amd still loaded). */
	self->hvm = hvm_create_with_vcpu(guest_sync_twice, &vcpu);
	ASSERT_GUEST_SYNC(vcpu, 1);
	ASSERT_GUEST_SYNC(vcpu, 2);
	ASSERT_GUEST_DONE(vcpu);
}

/*
 * Last: whatever the tests before left (one may have died before its
 * teardown), kvm_amd and kvm go, and hospes runs after them.
 */
TEST_F_TIMEOUT(coexist, kvm_modules_unload_and_hospes_runs_after,
	       TEST_TIMEOUT_S)
{
	struct hvcpu *vcpu;

	SKIP_IF_CANNOT_TEST();
	ASSERT_EQ(0, unload_kvm(self->out, sizeof(self->out)))
		TH_LOG("%s", self->out);
	EXPECT_FALSE(module_loaded("kvm_amd"));
	EXPECT_FALSE(module_loaded("kvm"));
	self->hvm = hvm_create_with_vcpu(guest_sync_twice, &vcpu);
	ASSERT_GUEST_SYNC(vcpu, 1);
	ASSERT_GUEST_SYNC(vcpu, 2);
	ASSERT_GUEST_DONE(vcpu);
}

TEST_HARNESS_MAIN
