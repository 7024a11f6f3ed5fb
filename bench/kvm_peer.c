// SPDX-License-Identifier: GPL-2.0-only
/*
 * The peer: the bench's guest loops on Debian's own kvm_amd, through
 * /dev/kvm with nothing but the ioctls a minimal VMM needs. No in-kernel
 * irqchip, so HLT and every port come back to this program, as they do
 * with hospes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/kvm_para.h>

#include "bench.h"

#define CR0_PE	(1ULL << 0)
#define CR0_ET	(1ULL << 4)

const char backend_side[] = "kvm";

/*
 * An unknown number gets -KVM_ENOSYS from kvm_emulate_hypercall(). The
 * one hypercall KVM can pass to userspace is KVM_HC_MAP_GPA_RANGE, once
 * KVM_CAP_EXIT_HYPERCALL asks for it (backend_vm_create): a VMM that
 * answers it at once is the same round trip as hospes's VMM range.
 */
const struct bench_hypercalls backend_hypercalls = {
	.kernel_nr = BENCH_HC_UNKNOWN,
	.kernel_ret = (uint32_t)-KVM_ENOSYS,
	.vmm_nr = KVM_HC_MAP_GPA_RANGE,
};

struct bench_vm {
	int vm_fd;
	int vcpu_fd;
	struct kvm_run *run;
};

static int kvm_fd = -1;
static int run_size;
static struct kvm_cpuid2 *cpuid;

/* Everything KVM can offer, as a VMM that passes the host through would. */
static int get_supported_cpuid(struct bench_err *err)
{
	for (unsigned int nent = 64; nent <= 4096; nent *= 2) {
		cpuid = calloc(1, sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]));
		if (!cpuid)
			return bench_fail(err, "out of memory");
		cpuid->nent = nent;
		if (!ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid))
			return 0;
		free(cpuid);
		cpuid = NULL;
		if (errno != E2BIG)
			break;
	}
	return bench_fail_errno(err, "KVM_GET_SUPPORTED_CPUID");
}

int backend_open(struct bench_err *err)
{
	int version;

	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		return bench_fail(err, "open /dev/kvm: %s%s", strerror(errno),
				  errno == ENOENT ? " (kvm_amd not loaded?)" : "");
	version = ioctl(kvm_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION)
		return bench_fail(err, "KVM API version %d, expected %d",
				  version, KVM_API_VERSION);
	run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (int)sizeof(struct kvm_run))
		return bench_fail_errno(err, "KVM_GET_VCPU_MMAP_SIZE");
	return get_supported_cpuid(err);
}

static int set_slot(struct bench_vm *vm, uint32_t slot, uint64_t gpa,
		    void *hva, size_t size, uint32_t flags,
		    struct bench_err *err)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r))
		return bench_fail_errno(err, "KVM_SET_USER_MEMORY_REGION");
	return 0;
}

/* A flat 4 GiB segment: base 0, limit 0xffffffff, 32-bit, page-granular. */
static void flat_segment(struct kvm_segment *s, uint16_t selector,
			 uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = selector;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->db = 1;
	s->g = 1;
}

static int setup_vcpu(struct bench_vm *vm, const struct bench_vm_setup *setup,
		      struct bench_err *err)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { 0 };

	if (ioctl(vm->vcpu_fd, KVM_SET_CPUID2, cpuid))
		return bench_fail_errno(err, "KVM_SET_CPUID2");

	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs))
		return bench_fail_errno(err, "KVM_GET_SREGS");
	flat_segment(&sregs.cs, 0x08, 0xb);	/* code, execute/read, accessed */
	flat_segment(&sregs.ds, 0x10, 0x3);	/* data, read/write, accessed */
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	/*
	 * Protected mode, no paging. CD and NW, set at reset, are cleared:
	 * on real hardware they would make the guest run uncached, and the
	 * two sides must run under the same conditions.
	 */
	sregs.cr0 = CR0_PE | CR0_ET;
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs))
		return bench_fail_errno(err, "KVM_SET_SREGS");

	regs.rip = setup->eip;
	regs.rcx = setup->ecx;
	regs.rdi = setup->edi;
	regs.rflags = 0x2;	/* bit 1 is always set; IF clear */
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs))
		return bench_fail_errno(err, "KVM_SET_REGS");
	return 0;
}

int backend_vm_create(const struct bench_vm_setup *setup,
		      struct bench_vm **vmp, struct bench_err *err)
{
	struct kvm_enable_cap hypercall_exit = {
		.cap = KVM_CAP_EXIT_HYPERCALL,
		.args = { 1ULL << KVM_HC_MAP_GPA_RANGE },
	};
	struct bench_vm *vm = calloc(1, sizeof(*vm));

	*vmp = vm;
	if (!vm)
		return bench_fail(err, "out of memory");
	vm->vcpu_fd = -1;
	vm->run = MAP_FAILED;

	vm->vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return bench_fail_errno(err, "KVM_CREATE_VM");
	/* Every VM alike, whether its case makes the hypercall or not. */
	if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &hypercall_exit))
		return bench_fail_errno(err, "KVM_ENABLE_CAP(KVM_CAP_EXIT_HYPERCALL)");
	if (set_slot(vm, 0, 0, setup->low, BENCH_LOW_SIZE, 0, err))
		return -1;
	if (setup->touch &&
	    set_slot(vm, 1, BENCH_TOUCH_GPA, setup->touch, setup->touch_size,
		     setup->log_dirty ? KVM_MEM_LOG_DIRTY_PAGES : 0, err))
		return -1;

	vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		return bench_fail_errno(err, "KVM_CREATE_VCPU");
	vm->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED)
		return bench_fail_errno(err, "mmap kvm_run");
	return setup_vcpu(vm, setup, err);
}

int backend_vm_run(struct bench_vm *vm, struct bench_exit *exit,
		   struct bench_err *err)
{
	struct kvm_run *run = vm->run;

	/* EINTR is the watchdog's signal, or a stray one to ride over. */
	while (ioctl(vm->vcpu_fd, KVM_RUN, 0)) {
		if (errno != EINTR)
			return bench_fail_errno(err, "KVM_RUN");
		if (bench_watchdog_expired(err))
			return -1;
	}

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		if (run->io.direction == KVM_EXIT_IO_OUT && run->io.size == 1 &&
		    run->io.count == 1) {
			exit->kind = BENCH_EXIT_OUT;
			exit->port = run->io.port;
			return 0;
		}
		snprintf(exit->desc, sizeof(exit->desc),
			 "port I/O %s port 0x%x size %u count %u",
			 run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
			 run->io.port, run->io.size, run->io.count);
		break;
	case KVM_EXIT_HYPERCALL:
		/* Answered at once: the next KVM_RUN puts it in RAX. */
		run->hypercall.ret = BENCH_HC_VMM_RET;
		exit->kind = BENCH_EXIT_HYPERCALL;
		exit->nr = run->hypercall.nr;
		snprintf(exit->desc, sizeof(exit->desc), "hypercall %#llx",
			 (unsigned long long)run->hypercall.nr);
		return 0;
	case KVM_EXIT_HLT:
		exit->kind = BENCH_EXIT_HLT;
		return 0;
	case KVM_EXIT_SHUTDOWN:
		snprintf(exit->desc, sizeof(exit->desc), "shutdown (triple fault)");
		break;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(exit->desc, sizeof(exit->desc),
			 "entry failed, hardware reason 0x%llx",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(exit->desc, sizeof(exit->desc),
			 "internal error, suberror %u", run->internal.suberror);
		break;
	default:
		snprintf(exit->desc, sizeof(exit->desc), "exit reason %u",
			 run->exit_reason);
		break;
	}
	exit->kind = BENCH_EXIT_OTHER;
	return 0;
}

int backend_vm_get_regs(struct bench_vm *vm, struct bench_regs *regs,
			struct bench_err *err)
{
	struct kvm_regs r;

	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &r))
		return bench_fail_errno(err, "KVM_GET_REGS");
	regs->eax = r.rax;
	regs->ebx = r.rbx;
	return 0;
}

/*
 * Slot 1's log. With KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 left off (the
 * default) the call also write-protects the pages it reports: fetch and
 * re-arm in one, as on hospes.
 */
int backend_vm_get_dirty_log(struct bench_vm *vm, uint64_t *bitmap,
			     struct bench_err *err)
{
	struct kvm_dirty_log log = {
		.slot = 1,
		.dirty_bitmap = bitmap,
	};

	if (ioctl(vm->vm_fd, KVM_GET_DIRTY_LOG, &log))
		return bench_fail_errno(err, "KVM_GET_DIRTY_LOG");
	return 0;
}

/*
 * Read the named counters from a VM or vCPU fd's binary stats (header,
 * then one descriptor per counter, then the values). A name not found
 * reads as 0.
 */
static int read_stats(int fd, const char *const *names, uint64_t *vals,
		      size_t n)
{
	struct kvm_stats_header h;
	struct kvm_stats_desc *d;
	size_t dsize;
	char *descs = NULL;
	int sfd, ret = -1;

	memset(vals, 0, n * sizeof(*vals));
	sfd = ioctl(fd, KVM_GET_STATS_FD, NULL);
	if (sfd < 0)
		return -1;
	if (pread(sfd, &h, sizeof(h), 0) != sizeof(h))
		goto out;
	dsize = sizeof(*d) + h.name_size;
	descs = malloc(dsize * h.num_desc);
	if (!descs ||
	    pread(sfd, descs, dsize * h.num_desc, h.desc_offset) !=
	    (ssize_t)(dsize * h.num_desc))
		goto out;
	for (uint32_t i = 0; i < h.num_desc; i++) {
		d = (struct kvm_stats_desc *)(descs + i * dsize);
		for (size_t j = 0; j < n; j++) {
			if (strncmp(d->name, names[j], h.name_size))
				continue;
			if (pread(sfd, &vals[j], sizeof(vals[j]),
				  h.data_offset + d->offset) != sizeof(vals[j]))
				goto out;
		}
	}
	ret = 0;
out:
	free(descs);
	close(sfd);
	return ret;
}

/*
 * KVM's own counters after the run, the same facts the hospes side
 * notes from its stats, to see that both did the same work.
 */
void backend_vm_note(struct bench_vm *vm, char *buf, size_t len)
{
	static const char *const vcpu_names[] = {
		"exits", "io_exits", "halt_exits", "hypercalls", "pf_taken",
		"pf_fixed", "irq_exits",
	};
	static const char *const vm_names[] = { "pages_4k", "pages_2m" };
	uint64_t v[ARRAY_SIZE(vcpu_names)], m[ARRAY_SIZE(vm_names)];

	if (read_stats(vm->vcpu_fd, vcpu_names, v, ARRAY_SIZE(v)) ||
	    read_stats(vm->vm_fd, vm_names, m, ARRAY_SIZE(m))) {
		snprintf(buf, len, "KVM_GET_STATS_FD: %s", strerror(errno));
		return;
	}
	snprintf(buf, len,
		 "exits %llu, io %llu, hlt %llu, hc %llu, pf taken %llu, pf fixed %llu, intr %llu, 4k %llu, 2m %llu",
		 (unsigned long long)v[0], (unsigned long long)v[1],
		 (unsigned long long)v[2], (unsigned long long)v[3],
		 (unsigned long long)v[4], (unsigned long long)v[5],
		 (unsigned long long)v[6], (unsigned long long)m[0],
		 (unsigned long long)m[1]);
}

void backend_vm_destroy(struct bench_vm *vm)
{
	if (!vm)
		return;
	if (vm->run != MAP_FAILED)
		munmap(vm->run, run_size);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	free(vm);
}
