// SPDX-License-Identifier: GPL-2.0-only
/*
 * Object lifetimes: many VMs, fds closed in every order, ioctls on the
 * wrong kind of fd or from the wrong process, vCPU ids, the run area's
 * mmap, vCPUs running at the same time on two host CPUs, and processes
 * killed in the middle of a run leaving nothing behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "hospes_util.h"

static void guest_sync_done(void)
{
	GUEST_SYNC(1);
	GUEST_DONE();
}

static long module_refcnt(void)
{
	FILE *f = fopen("/sys/module/hospes/refcnt", "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* File releases may finish a little after close() or exit. */
static long refcnt_settled(long want)
{
	long n = module_refcnt();
	int i;

	for (i = 0; i < 100 && n != want; i++) {
		hospes_msleep(20);
		n = module_refcnt();
	}
	return n;
}

/* ---- many VMs -------------------------------------------------------- */

#define MANY_VMS 64

TEST(sixty_four_vms_live_at_once_each_runs)
{
	struct hvm *vm[MANY_VMS];
	struct hvcpu *vcpu[MANY_VMS];
	long before = module_refcnt();
	unsigned int i;

	for (i = 0; i < MANY_VMS; i++) {
		vm[i] = hvm_create(16 << 20);
		vcpu[i] = hvm_add_vcpu(vm[i], i, guest_sync_done);
	}
	for (i = 0; i < MANY_VMS; i++)
		ASSERT_GUEST_SYNC(vcpu[i], 1);
	for (i = 0; i < MANY_VMS; i++)
		ASSERT_GUEST_DONE(vcpu[i]);
	for (i = 0; i < MANY_VMS; i++)
		hvm_destroy(vm[i]);
	EXPECT_EQ(before, refcnt_settled(before));
}

TEST(vms_created_and_destroyed_in_a_loop)
{
	int dev = hospes_open();
	long before = module_refcnt();
	unsigned int i;

	for (i = 0; i < 4 * MANY_VMS; i++) {
		int vm = ioctl(dev, HOSPES_CREATE_VM, 0);
		int vcpu;

		ASSERT_GE(vm, 0) TH_LOG("VM %u: %s", i, strerror(errno));
		vcpu = ioctl(vm, HOSPES_CREATE_VCPU, 0);
		ASSERT_GE(vcpu, 0) TH_LOG("VM %u: %s", i, strerror(errno));
		if (i & 1) {
			close(vm);
			close(vcpu);
		} else {
			close(vcpu);
			close(vm);
		}
	}
	EXPECT_EQ(before, refcnt_settled(before));
	close(dev);
}

/* ---- closing in every order ------------------------------------------ */

TEST(vcpu_runs_after_vm_and_device_fds_are_closed)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_sync_done, &vcpu);

	ASSERT_GUEST_SYNC(vcpu, 1);
	ASSERT_EQ(0, close(vm->fd));
	ASSERT_EQ(0, close(vm->dev_fd));
	vm->fd = vm->dev_fd = -1;
	/* The vCPU keeps the VM, its memory and page tables alive. */
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

enum { OBJ_DEV, OBJ_VM, OBJ_VCPU, OBJ_MAP, N_OBJ };

static void check_alive(struct __test_metadata *_metadata, const bool *alive,
			int dev, int vm, int vcpu, struct hospes_run *run)
{
	struct hospes_stats st;
	struct hospes_regs regs;

	if (alive[OBJ_DEV])
		EXPECT_EQ(HOSPES_API_VERSION, ioctl(dev, HOSPES_GET_API_VERSION, 0));
	if (alive[OBJ_VM])
		EXPECT_EQ(0, ioctl(vm, HOSPES_GET_VM_STATS, &st))
			TH_LOG("%s", strerror(errno));
	if (alive[OBJ_VCPU])
		EXPECT_EQ(0, ioctl(vcpu, HOSPES_GET_REGS, &regs))
			TH_LOG("%s", strerror(errno));
	if (alive[OBJ_MAP]) {
		/* The page is still there to read and write. */
		run->immediate_exit = 0;
		EXPECT_EQ(0, run->immediate_exit);
	}
}

TEST(fds_and_run_mapping_released_in_every_order)
{
	static const unsigned int fact[] = { 6, 2, 1, 1 };
	long base = module_refcnt();
	unsigned int perm;

	for (perm = 0; perm < 24; perm++) {
		unsigned int order[N_OBJ], left[N_OBJ] = { 0, 1, 2, 3 };
		unsigned int i, j, k = perm, n = N_OBJ;
		bool alive[N_OBJ] = { true, true, true, true };
		struct hospes_run *run;
		int dev, vm, vcpu, size;

		/* The perm-th permutation of the four objects. */
		for (i = 0; i < N_OBJ; i++) {
			j = k / fact[i];
			k %= fact[i];
			order[i] = left[j];
			memmove(&left[j], &left[j + 1], (--n - j) * sizeof(left[0]));
		}

		dev = hospes_open();
		size = ioctl(dev, HOSPES_GET_RUN_SIZE, 0);
		ASSERT_GT(size, 0);
		vm = ioctl(dev, HOSPES_CREATE_VM, 0);
		ASSERT_GE(vm, 0) TH_LOG("%s", strerror(errno));
		vcpu = ioctl(vm, HOSPES_CREATE_VCPU, 0);
		ASSERT_GE(vcpu, 0) TH_LOG("%s", strerror(errno));
		run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			   vcpu, 0);
		ASSERT_NE(MAP_FAILED, run) TH_LOG("%s", strerror(errno));

		for (i = 0; i < N_OBJ; i++) {
			switch (order[i]) {
			case OBJ_DEV:
				close(dev);
				break;
			case OBJ_VM:
				close(vm);
				break;
			case OBJ_VCPU:
				close(vcpu);
				break;
			case OBJ_MAP:
				munmap(run, size);
				break;
			}
			alive[order[i]] = false;
			check_alive(_metadata, alive, dev, vm, vcpu, run);
		}
		EXPECT_EQ(base, refcnt_settled(base))
			TH_LOG("order %u %u %u %u", order[0], order[1], order[2],
			       order[3]);
	}
}

/* ---- the wrong fd ------------------------------------------------------- */

static void expect_enotty(struct __test_metadata *_metadata, int fd,
			  const char *what, unsigned long req, const char *name)
{
	union {
		struct hospes_stats st;
		struct hospes_regs regs;
		struct hospes_memory_region mr;
		struct hospes_interrupt irq;
		uint8_t bytes[512];
	} arg;

	memset(&arg, 0, sizeof(arg));
	arg.irq.vector = 0x40;
	EXPECT_EQ(-1, ioctl(fd, req, &arg)) TH_LOG("%s on %s succeeded", name, what);
	EXPECT_EQ(ENOTTY, errno) TH_LOG("%s on %s: %s", name, what, strerror(errno));
}

#define EXPECT_ENOTTY(fd, what, req) expect_enotty(_metadata, fd, what, req, #req)

TEST(ioctl_on_the_wrong_kind_of_fd_is_enotty)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_sync_done, &vcpu);
	char path[] = "/tmp/hospes-lifecycle-XXXXXX";
	int file = mkstemp(path);
	const struct { int fd; const char *what; } fds[] = {
		{ vm->dev_fd, "/dev/hospes" },
		{ vm->fd, "a VM fd" },
		{ vcpu->fd, "a vCPU fd" },
		{ file, "a regular file" },
	};
	unsigned int i;

	ASSERT_GE(file, 0);
	unlink(path);
	for (i = 0; i < ARRAY_LEN(fds); i++) {
		int fd = fds[i].fd;
		const char *what = fds[i].what;

		if (fd != vm->dev_fd) {
			EXPECT_ENOTTY(fd, what, HOSPES_CREATE_VM);
			EXPECT_ENOTTY(fd, what, HOSPES_GET_RUN_SIZE);
		}
		if (fd != vm->fd) {
			EXPECT_ENOTTY(fd, what, HOSPES_CREATE_VCPU);
			EXPECT_ENOTTY(fd, what, HOSPES_SET_MEMORY_REGION);
			EXPECT_ENOTTY(fd, what, HOSPES_GET_VM_STATS);
		}
		if (fd != vcpu->fd) {
			EXPECT_ENOTTY(fd, what, HOSPES_RUN);
			EXPECT_ENOTTY(fd, what, HOSPES_GET_REGS);
			EXPECT_ENOTTY(fd, what, HOSPES_SET_REGS);
			EXPECT_ENOTTY(fd, what, HOSPES_GET_SREGS);
			EXPECT_ENOTTY(fd, what, HOSPES_INTERRUPT);
			EXPECT_ENOTTY(fd, what, HOSPES_GET_VCPU_STATS);
		}
	}
	/* Nothing above disturbed the vCPU. */
	ASSERT_GUEST_SYNC(vcpu, 1);
	close(file);
	hvm_destroy(vm);
}

/* ---- vCPU ids ----------------------------------------------------------- */

TEST(vcpu_ids_in_range_and_unique)
{
	struct hvm *vm = hvm_create(0);
	static const unsigned long bad[] = {
		HOSPES_MAX_VCPUS, 1000, 0xffffffffu, 1ul << 32, -1ul,
	};
	int fds[HOSPES_MAX_VCPUS];
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		EXPECT_EQ(-1, ioctl(vm->fd, HOSPES_CREATE_VCPU, bad[i]))
			TH_LOG("id %#lx accepted", bad[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("id %#lx", bad[i]);
	}
	for (i = 0; i < HOSPES_MAX_VCPUS; i++) {
		fds[i] = ioctl(vm->fd, HOSPES_CREATE_VCPU, i);
		EXPECT_GE(fds[i], 0) TH_LOG("id %u: %s", i, strerror(errno));
	}
	EXPECT_EQ(-1, ioctl(vm->fd, HOSPES_CREATE_VCPU, 0));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(-1, ioctl(vm->fd, HOSPES_CREATE_VCPU, HOSPES_MAX_VCPUS - 1));
	EXPECT_EQ(EEXIST, errno);
	for (i = 0; i < HOSPES_MAX_VCPUS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	hvm_destroy(vm);
}

/* ---- the run area -------------------------------------------------------- */

TEST(run_area_mmap_wants_its_size_at_offset_zero)
{
	struct hvm *vm = hvm_create(0);
	struct hvcpu *vcpu = hvm_add_vcpu(vm, 0, guest_sync_done);
	size_t size = vm->run_size;
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	EXPECT_EQ(0, size % page);
	EXPECT_GE(size, sizeof(struct hospes_run));

	p = mmap(NULL, size + page, PROT_READ | PROT_WRITE, MAP_SHARED,
		 vcpu->fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	if (p != MAP_FAILED)
		munmap(p, size + page);

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, page);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	if (p != MAP_FAILED)
		munmap(p, size);

	/* A second mapping at offset 0 is the same page. */
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("%s", strerror(errno));
	ASSERT_GUEST_SYNC(vcpu, 1);
	EXPECT_EQ(HOSPES_EXIT_IO, ((struct hospes_run *)p)->exit_reason);
	EXPECT_EQ(UCALL_PORT, ((struct hospes_run *)p)->io.port);
	munmap(p, size);
	hvm_destroy(vm);
}

/* ---- another process ------------------------------------------------------ */

TEST(ioctls_from_a_forked_child_are_eio)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_sync_done, &vcpu);
	int status;
	pid_t pid;

	ASSERT_GUEST_SYNC(vcpu, 1);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct hospes_stats st;
		struct hospes_regs regs;
		struct hospes_memory_region mr = { .slot = 5, .size = 4096,
						   .guest_phys_addr = 1ull << 30,
						   .userspace_addr = (uintptr_t)vm->mem };
		int bad = 0, child_vm;

		/* Each failing check sets its own bit of the exit status. */
		if (ioctl(vm->fd, HOSPES_GET_VM_STATS, &st) != -1 || errno != EIO)
			bad |= 1;
		if (ioctl(vm->fd, HOSPES_CREATE_VCPU, 1) != -1 || errno != EIO)
			bad |= 2;
		if (ioctl(vm->fd, HOSPES_SET_MEMORY_REGION, &mr) != -1 || errno != EIO)
			bad |= 4;
		if (ioctl(vcpu->fd, HOSPES_GET_REGS, &regs) != -1 || errno != EIO)
			bad |= 8;
		if (ioctl(vcpu->fd, HOSPES_RUN, 0) != -1 || errno != EIO)
			bad |= 16;
		/* The device is not tied to a process: a VM of its own is fine. */
		child_vm = ioctl(vm->dev_fd, HOSPES_CREATE_VM, 0);
		if (child_vm < 0)
			bad |= 32;
		else
			close(child_vm);
		_exit(bad);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status) & 1) TH_LOG("GET_VM_STATS from a child");
	EXPECT_EQ(0, WEXITSTATUS(status) & 2) TH_LOG("CREATE_VCPU from a child");
	EXPECT_EQ(0, WEXITSTATUS(status) & 4) TH_LOG("SET_MEMORY_REGION from a child");
	EXPECT_EQ(0, WEXITSTATUS(status) & 8) TH_LOG("GET_REGS from a child");
	EXPECT_EQ(0, WEXITSTATUS(status) & 16) TH_LOG("RUN from a child");
	EXPECT_EQ(0, WEXITSTATUS(status) & 32) TH_LOG("CREATE_VM from a child");

	/* The child's exit closed its copies of the fds, not the VM. */
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

/* ---- two vCPUs at the same time -------------------------------------------- */

static volatile uint64_t arrived;

#define RENDEZVOUS_SPINS 200000000ull

static void guest_rendezvous(uint64_t id)
{
	uint64_t i;

	__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
	/* Only another vCPU running right now can end this wait. */
	for (i = 0; arrived < 2 && i < RENDEZVOUS_SPINS; i++)
		cpu_relax();
	GUEST_ASSERT_EQ(2, arrived);
	GUEST_SYNC1(1, id);
	GUEST_DONE();
}

struct runner {
	struct hvcpu *vcpu;
	int cpu;
	int ret, err;
	uint64_t cmd, stage, id;
	char desc[HVCPU_DESC_LEN];
};

static void *run_pinned(void *arg)
{
	struct runner *r = arg;
	struct ucall uc;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(r->cpu, &set);
	r->err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (r->err) {
		r->ret = -1;
		return NULL;
	}
	r->ret = hvcpu_run(r->vcpu);
	r->err = r->vcpu->run_errno;
	r->cmd = hvcpu_get_ucall(r->vcpu, &uc);
	r->stage = uc.args[0];
	r->id = uc.args[1];
	hvcpu_describe_exit(r->vcpu, r->desc, sizeof(r->desc));
	return NULL;
}

TEST(two_vcpus_run_at_once_on_two_host_cpus)
{
	struct hvm *vm;
	struct runner r[2];
	pthread_t t[2];
	unsigned int i;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs two host CPUs");
	vm = hvm_create(0);
	for (i = 0; i < 2; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].vcpu = hvm_add_vcpu(vm, i, guest_rendezvous);
		r[i].cpu = i;
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, run_pinned, &r[i]));
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, r[i].ret) TH_LOG("vCPU %u: %s", i, strerror(r[i].err));
		EXPECT_EQ(UCALL_SYNC, r[i].cmd) TH_LOG("vCPU %u: %s", i, r[i].desc);
		EXPECT_EQ(1, r[i].stage);
		EXPECT_EQ(i, r[i].id);
	}
	EXPECT_EQ(2, HVM_GLOBAL(vm, arrived));
	for (i = 0; i < 2; i++)
		ASSERT_GUEST_DONE(vm->vcpus[i]);
	hvm_destroy(vm);
}

/* ---- kill -9 in the middle of a run ------------------------------------ */

#define TOUCH_GPA	(16ull << 20)
#define TOUCH_SIZE	(32ull << 20)

/* vCPU 0 dirties guest RAM, then spins; vCPU 1 sleeps in HLT. */
static void guest_busy_or_halted(uint64_t id)
{
	uint64_t off;

	if (id == 1) {
		for (;;)
			sti_hlt();
	}
	for (off = 0; off < TOUCH_SIZE; off += 4096)
		*(volatile uint64_t *)(TOUCH_GPA + off) = off;
	/* All of it is now held by the kernel: the kill may come. */
	GUEST_SYNC(1);
	for (;;)
		cpu_relax();
}

static void *run_forever(void *arg)
{
	hvcpu_run(arg);
	return NULL;
}

/* The child: a VM with two vCPUs in the guest, until it is killed. */
static void __attribute__((noreturn)) child_runs_guest(int ready_fd)
{
	struct hvm *vm = hvm_create(TOUCH_GPA + TOUCH_SIZE);
	struct hvcpu *busy = hvm_add_vcpu(vm, 0, guest_busy_or_halted);
	struct hvcpu *halted = hvm_add_vcpu(vm, 1, guest_busy_or_halted);
	pthread_t t;

	if (pthread_create(&t, NULL, run_forever, halted))
		_exit(2);
	if (hvcpu_run(busy) || hvcpu_get_ucall(busy, NULL) != UCALL_SYNC)
		_exit(5);
	if (write(ready_fd, "r", 1) != 1)
		_exit(3);
	hvcpu_run(busy);
	_exit(4);	/* a run that returns is a failure */
}

static long meminfo_kb(const char *field)
{
	FILE *f = fopen("/proc/meminfo", "r");
	size_t len = strlen(field);
	char line[128];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':') {
			kb = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

static void kill_one_child_mid_run(struct __test_metadata *_metadata)
{
	int pipefd[2], status;
	char c;
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(pipefd[0]);
		child_runs_guest(pipefd[1]);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1)) TH_LOG("the child died early");
	close(pipefd[0]);
	/* Let the busy vCPU get back into the guest before the kill. */
	hospes_msleep(50);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("child status %#x: the run ended before the kill", status);
}

#define KILL_ROUNDS	12

TEST(kill_9_mid_run_leaks_nothing)
{
	long ref, avail, unrecl, d_avail, d_unrecl;
	unsigned int i;

	/* A first round fills caches that later rounds reuse. */
	kill_one_child_mid_run(_metadata);
	ref = refcnt_settled(module_refcnt());
	ASSERT_GE(ref, 0) TH_LOG("no /sys/module/hospes/refcnt");
	avail = meminfo_kb("MemAvailable");
	unrecl = meminfo_kb("SUnreclaim");

	for (i = 0; i < KILL_ROUNDS; i++)
		kill_one_child_mid_run(_metadata);

	EXPECT_EQ(ref, refcnt_settled(ref));
	d_avail = avail - meminfo_kb("MemAvailable");
	d_unrecl = meminfo_kb("SUnreclaim") - unrecl;
	TH_LOG("after %u kills: MemAvailable %+ld KiB, SUnreclaim %+ld KiB",
	       KILL_ROUNDS, -d_avail, d_unrecl);
	/*
	 * Each round's guest dirtied TOUCH_SIZE of RAM that the kernel
	 * holds references on: a leaked VM keeps all of it, 12 rounds' worth.
	 * Allow two rounds' worth over all rounds: the free-page counters
	 * swing by tens of MiB (per-CPU page lists, deferred frees).
	 */
	EXPECT_LT(d_avail, (long)(2 * TOUCH_SIZE >> 10))
		TH_LOG("MemAvailable fell by %ld KiB", d_avail);
	EXPECT_LT(d_unrecl, 2048) TH_LOG("SUnreclaim grew by %ld KiB", d_unrecl);
}

TEST_HARNESS_MAIN
