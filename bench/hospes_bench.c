// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bench's guest loops on hospes, through /dev/hospes as the uapi
 * header describes it: the same steps kvm_peer.c takes on /dev/kvm.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/hospes.h>
#include <linux/hospes_pv.h>

#include "bench.h"

#define CR0_PE	(1ULL << 0)
#define CR0_ET	(1ULL << 4)

const char backend_side[] = "hospes";

/*
 * A number below HOSPES_HC_VMM_BASE with no handler gets -HOSPES_ENOSYS
 * from the kernel; every number from HOSPES_HC_VMM_BASE up goes to the
 * VMM unchecked (HOSPES_EXIT_HYPERCALL).
 */
const struct bench_hypercalls backend_hypercalls = {
	.kernel_nr = BENCH_HC_UNKNOWN,
	.kernel_ret = (uint32_t)-HOSPES_ENOSYS,
	.vmm_nr = HOSPES_HC_VMM_BASE,
};

struct bench_vm {
	int vm_fd;
	int vcpu_fd;
	struct hospes_run *run;
};

static int dev_fd = -1;
static int run_size;
static struct hospes_cpuid *cpuid;

/* Leaves whose output depends on ECX; the table carries subleaf 0 only. */
static int leaf_is_indexed(uint32_t leaf)
{
	switch (leaf) {
	case 0x4: case 0x7: case 0xb: case 0xd: case 0xf: case 0x10:
	case 0x12: case 0x14: case 0x17: case 0x18: case 0x1d: case 0x1e:
	case 0x1f: case 0x8000001d: case 0x80000020:
		return 1;
	default:
		return 0;
	}
}

static void add_leaf(uint32_t leaf)
{
	struct hospes_cpuid_entry *e;

	if (cpuid->nent >= HOSPES_MAX_CPUID_ENTRIES)
		return;
	e = &cpuid->entries[cpuid->nent++];
	memset(e, 0, sizeof(*e));
	e->function = leaf;
	if (leaf_is_indexed(leaf))
		e->flags = HOSPES_CPUID_FLAG_INDEXED;
	__cpuid_count(leaf, 0, e->eax, e->ebx, e->ecx, e->edx);
}

/*
 * The host's own CPUID, basic and extended ranges, as KVM's
 * KVM_GET_SUPPORTED_CPUID table is on the other side; hospes clears what
 * it cannot honour. Leaf 0, the one the guest loop asks for, comes
 * first, as it does in KVM's table, so a lookup costs the same on both.
 */
static int build_cpuid(struct bench_err *err)
{
	uint32_t max, a, b, c, d;

	cpuid = calloc(1, sizeof(*cpuid) +
			  HOSPES_MAX_CPUID_ENTRIES * sizeof(cpuid->entries[0]));
	if (!cpuid)
		return bench_fail(err, "out of memory");

	__cpuid(0, max, b, c, d);
	for (uint32_t leaf = 0; leaf <= max && leaf < 0x40; leaf++)
		add_leaf(leaf);
	__cpuid(0x80000000, a, b, c, d);
	max = a;
	for (uint32_t leaf = 0x80000000; leaf <= max && leaf < 0x80000040; leaf++)
		add_leaf(leaf);
	return 0;
}

int backend_open(struct bench_err *err)
{
	int version;

	dev_fd = open("/dev/hospes", O_RDWR | O_CLOEXEC);
	if (dev_fd < 0)
		return bench_fail(err, "open /dev/hospes: %s%s", strerror(errno),
				  errno == ENOENT ? " (hospes.ko not loaded?)" : "");
	version = ioctl(dev_fd, HOSPES_GET_API_VERSION, 0);
	if (version != HOSPES_API_VERSION)
		return bench_fail(err, "hospes API version %d, expected %d",
				  version, HOSPES_API_VERSION);
	run_size = ioctl(dev_fd, HOSPES_GET_RUN_SIZE, 0);
	if (run_size < 0)
		return bench_fail_errno(err, "HOSPES_GET_RUN_SIZE");
	if (run_size < (int)sizeof(struct hospes_run))
		return bench_fail(err, "HOSPES_GET_RUN_SIZE: %d, less than the run area's %zu bytes",
				  run_size, sizeof(struct hospes_run));
	return build_cpuid(err);
}

static int set_slot(struct bench_vm *vm, uint32_t slot, uint64_t gpa,
		    void *hva, size_t size, uint32_t flags,
		    struct bench_err *err)
{
	struct hospes_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	if (ioctl(vm->vm_fd, HOSPES_SET_MEMORY_REGION, &r))
		return bench_fail_errno(err, "HOSPES_SET_MEMORY_REGION");
	return 0;
}

/* A flat 4 GiB segment: base 0, limit 0xffffffff, 32-bit, page-granular. */
static void flat_segment(struct hospes_segment *s, uint16_t selector,
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
	struct hospes_sregs sregs;
	struct hospes_regs regs = { 0 };

	if (ioctl(vm->vcpu_fd, HOSPES_SET_CPUID, cpuid))
		return bench_fail_errno(err, "HOSPES_SET_CPUID");

	if (ioctl(vm->vcpu_fd, HOSPES_GET_SREGS, &sregs))
		return bench_fail_errno(err, "HOSPES_GET_SREGS");
	flat_segment(&sregs.cs, 0x08, 0xb);	/* code, execute/read, accessed */
	flat_segment(&sregs.ds, 0x10, 0x3);	/* data, read/write, accessed */
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	/* As on the KVM side: protected mode, no paging, caches on. */
	sregs.cr0 = CR0_PE | CR0_ET;
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (ioctl(vm->vcpu_fd, HOSPES_SET_SREGS, &sregs))
		return bench_fail_errno(err, "HOSPES_SET_SREGS");

	regs.rip = setup->eip;
	regs.rcx = setup->ecx;
	regs.rdi = setup->edi;
	regs.rflags = 0x2;	/* bit 1 is always set; IF clear */
	if (ioctl(vm->vcpu_fd, HOSPES_SET_REGS, &regs))
		return bench_fail_errno(err, "HOSPES_SET_REGS");
	return 0;
}

int backend_vm_create(const struct bench_vm_setup *setup,
		      struct bench_vm **vmp, struct bench_err *err)
{
	struct bench_vm *vm = calloc(1, sizeof(*vm));

	*vmp = vm;
	if (!vm)
		return bench_fail(err, "out of memory");
	vm->vcpu_fd = -1;
	vm->run = MAP_FAILED;

	vm->vm_fd = ioctl(dev_fd, HOSPES_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return bench_fail_errno(err, "HOSPES_CREATE_VM");
	if (set_slot(vm, 0, 0, setup->low, BENCH_LOW_SIZE, 0, err))
		return -1;
	if (setup->touch &&
	    set_slot(vm, 1, BENCH_TOUCH_GPA, setup->touch, setup->touch_size,
		     setup->log_dirty ? HOSPES_MEM_LOG_DIRTY : 0, err))
		return -1;

	vm->vcpu_fd = ioctl(vm->vm_fd, HOSPES_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		return bench_fail_errno(err, "HOSPES_CREATE_VCPU");
	vm->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED)
		return bench_fail_errno(err, "mmap hospes_run");
	return setup_vcpu(vm, setup, err);
}

static const char *internal_error_name(uint32_t suberror)
{
	switch (suberror) {
	case HOSPES_INTERNAL_ERROR_ENTRY_FAILED:	return "entry failed";
	case HOSPES_INTERNAL_ERROR_UNHANDLED_EXIT:	return "unhandled exit";
	case HOSPES_INTERNAL_ERROR_EMULATION:		return "emulation";
	case HOSPES_INTERNAL_ERROR_STRING_IO:		return "string I/O";
	case HOSPES_INTERNAL_ERROR_BAD_MEMORY:		return "bad memory";
	default:					return "unknown";
	}
}

int backend_vm_run(struct bench_vm *vm, struct bench_exit *exit,
		   struct bench_err *err)
{
	struct hospes_run *run = vm->run;

	/* EINTR is the watchdog's signal, or a stray one to ride over. */
	while (ioctl(vm->vcpu_fd, HOSPES_RUN, 0)) {
		if (errno != EINTR)
			return bench_fail_errno(err, "HOSPES_RUN");
		if (bench_watchdog_expired(err))
			return -1;
	}

	switch (run->exit_reason) {
	case HOSPES_EXIT_IO:
		if (run->io.direction == HOSPES_EXIT_IO_OUT && run->io.size == 1) {
			exit->kind = BENCH_EXIT_OUT;
			exit->port = run->io.port;
			return 0;
		}
		snprintf(exit->desc, sizeof(exit->desc),
			 "port I/O %s port 0x%x size %u at rip 0x%llx",
			 run->io.direction == HOSPES_EXIT_IO_OUT ? "out" : "in",
			 run->io.port, run->io.size, (unsigned long long)run->rip);
		break;
	case HOSPES_EXIT_HYPERCALL:
		/* Answered at once: the next HOSPES_RUN puts it in RAX. */
		run->hypercall.ret = BENCH_HC_VMM_RET;
		exit->kind = BENCH_EXIT_HYPERCALL;
		exit->nr = run->hypercall.nr;
		snprintf(exit->desc, sizeof(exit->desc),
			 "hypercall %#llx at rip 0x%llx",
			 (unsigned long long)run->hypercall.nr,
			 (unsigned long long)run->rip);
		return 0;
	case HOSPES_EXIT_HLT:
		exit->kind = BENCH_EXIT_HLT;
		return 0;
	case HOSPES_EXIT_SHUTDOWN:
		snprintf(exit->desc, sizeof(exit->desc),
			 "shutdown (triple fault) at rip 0x%llx",
			 (unsigned long long)run->rip);
		break;
	case HOSPES_EXIT_INTERNAL_ERROR:
		snprintf(exit->desc, sizeof(exit->desc),
			 "internal error %u (%s), data[0] 0x%llx, at rip 0x%llx",
			 run->internal.suberror,
			 internal_error_name(run->internal.suberror),
			 run->internal.ndata ?
			 (unsigned long long)run->internal.data[0] : 0ULL,
			 (unsigned long long)run->rip);
		break;
	case HOSPES_EXIT_MMIO:
		snprintf(exit->desc, sizeof(exit->desc),
			 "MMIO %s at gpa 0x%llx, rip 0x%llx",
			 run->mmio.is_write ? "write" : "read",
			 (unsigned long long)run->mmio.gpa,
			 (unsigned long long)run->rip);
		break;
	default:
		snprintf(exit->desc, sizeof(exit->desc),
			 "exit reason %u at rip 0x%llx", run->exit_reason,
			 (unsigned long long)run->rip);
		break;
	}
	exit->kind = BENCH_EXIT_OTHER;
	return 0;
}

int backend_vm_get_regs(struct bench_vm *vm, struct bench_regs *regs,
			struct bench_err *err)
{
	struct hospes_regs r;

	if (ioctl(vm->vcpu_fd, HOSPES_GET_REGS, &r))
		return bench_fail_errno(err, "HOSPES_GET_REGS");
	regs->eax = r.rax;
	regs->ebx = r.rbx;
	return 0;
}

/* Slot 1's log, fetched and re-armed in one call; it counts the pages too. */
int backend_vm_get_dirty_log(struct bench_vm *vm, uint64_t *bitmap,
			     struct bench_err *err)
{
	struct hospes_dirty_log log = {
		.slot = 1,
		.bitmap = (uintptr_t)bitmap,
	};

	if (ioctl(vm->vm_fd, HOSPES_GET_DIRTY_LOG, &log) < 0)
		return bench_fail_errno(err, "HOSPES_GET_DIRTY_LOG");
	return 0;
}

/*
 * The VM's counters after the run, to see that what was timed is what
 * was meant: one exit per OUT, no exits for CPUID beyond the kernel's,
 * one nested fault per touched page (or per huge page), one hypercall
 * exit per VMMCALL.
 */
void backend_vm_note(struct bench_vm *vm, char *buf, size_t len)
{
	struct hospes_stats st = { 0 };

	if (ioctl(vm->vm_fd, HOSPES_GET_VM_STATS, &st)) {
		snprintf(buf, len, "HOSPES_GET_VM_STATS: %s", strerror(errno));
		return;
	}
	snprintf(buf, len,
		 "exits %llu, to user %llu, io %llu, cpuid %llu, hc %llu, npf %llu, intr %llu, 4k %llu, 2m %llu",
		 (unsigned long long)st.exits,
		 (unsigned long long)st.exits_to_user,
		 (unsigned long long)st.io_exits,
		 (unsigned long long)st.cpuid_exits,
		 (unsigned long long)st.hypercall_exits,
		 (unsigned long long)st.npf_exits,
		 (unsigned long long)st.intr_exits,
		 (unsigned long long)st.pages_mapped_4k,
		 (unsigned long long)st.pages_mapped_2m);
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
