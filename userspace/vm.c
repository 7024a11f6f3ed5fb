// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vm.h"

int hospes_api_version(int dev_fd)
{
	return ioctl(dev_fd, HOSPES_GET_API_VERSION, 0);
}

int hospes_open(void)
{
	int fd = open("/dev/hospes", O_RDWR | O_CLOEXEC);
	int version;

	if (fd < 0) {
		if (errno == ENOENT)
			fprintf(stderr, "hospes: /dev/hospes does not exist: the hospes module is not loaded (insmod kmod/hospes.ko)\n");
		else
			fprintf(stderr, "hospes: /dev/hospes: %s\n", strerror(errno));
		return -1;
	}
	version = hospes_api_version(fd);
	if (version != HOSPES_API_VERSION) {
		fprintf(stderr, "hospes: module speaks API version %d, this program needs %d\n",
			version, HOSPES_API_VERSION);
		close(fd);
		return -1;
	}
	return fd;
}

int vm_create(struct vm *vm)
{
	int size;

	vm->fd = -1;
	vm->dev_fd = hospes_open();
	if (vm->dev_fd < 0)
		return -1;
	size = ioctl(vm->dev_fd, HOSPES_GET_RUN_SIZE, 0);
	if (size < (int)sizeof(struct hospes_run)) {
		fprintf(stderr, "hospes: HOSPES_GET_RUN_SIZE: %s\n",
			size < 0 ? strerror(errno) : "smaller than struct hospes_run");
		goto fail;
	}
	vm->run_size = size;
	vm->fd = ioctl(vm->dev_fd, HOSPES_CREATE_VM, 0);
	if (vm->fd < 0) {
		if (errno == EBUSY)
			fprintf(stderr, "hospes: cannot create a VM: another hypervisor (kvm_amd?) owns SVM on this machine\n");
		else
			fprintf(stderr, "hospes: cannot create a VM: %s\n", strerror(errno));
		goto fail;
	}
	return 0;
fail:
	close(vm->dev_fd);
	vm->dev_fd = -1;
	return -1;
}

void vm_close(struct vm *vm)
{
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->dev_fd >= 0)
		close(vm->dev_fd);
	vm->fd = vm->dev_fd = -1;
}

int vm_set_memory(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size,
		  void *host)
{
	struct hospes_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.size = size,
		.userspace_addr = (uintptr_t)host,
	};

	if (!ioctl(vm->fd, HOSPES_SET_MEMORY_REGION, &r))
		return 0;
	fprintf(stderr, "hospes: cannot give the guest %llu KiB of memory at %#llx: %s\n",
		(unsigned long long)(size >> 10), (unsigned long long)gpa,
		strerror(errno));
	return -1;
}

int vm_evtchn_send(struct vm *vm, uint32_t port)
{
	struct hospes_evtchn e = { .port = port };

	return ioctl(vm->fd, HOSPES_EVTCHN_SEND, &e);
}

int vm_get_stats(struct vm *vm, struct hospes_stats *st)
{
	return ioctl(vm->fd, HOSPES_GET_VM_STATS, st);
}

int vm_format_stats(struct vm *vm, char *buf, size_t len)
{
#define STAT(name)	{ #name, offsetof(struct hospes_stats, name) }
	static const struct {
		const char *name;
		size_t offset;
	} stats[] = {
		STAT(runs), STAT(exits), STAT(exits_to_user), STAT(io_exits),
		STAT(mmio_exits), STAT(hypercall_exits), STAT(cpuid_exits),
		STAT(msr_exits), STAT(npf_exits), STAT(hlt_exits),
		STAT(intr_exits), STAT(irq_window_exits), STAT(injected_irqs),
		STAT(halt_wakeups), STAT(signal_exits), STAT(pages_mapped_4k),
		STAT(pages_mapped_2m), STAT(tlb_flushes),
	};
#undef STAT
	struct hospes_stats st;
	size_t i, at = 0;

	if (vm_get_stats(vm, &st))
		return -1;
	buf[0] = '\0';
	for (i = 0; i < sizeof(stats) / sizeof(stats[0]) && at < len; i++)
		at += snprintf(buf + at, len - at, " %s=%llu", stats[i].name,
			       *(const unsigned long long *)((const char *)&st +
							     stats[i].offset));
	return 0;
}

int vm_create_irqchip(struct vm *vm)
{
	if (!ioctl(vm->fd, HOSPES_CREATE_IRQCHIP, 0))
		return 0;
	fprintf(stderr, "hospes: HOSPES_CREATE_IRQCHIP: %s\n", strerror(errno));
	return -1;
}

int vm_irq_line(struct vm *vm, unsigned int gsi, int level)
{
	struct hospes_irq_level l = { .irq = gsi, .level = level };

	return ioctl(vm->fd, HOSPES_IRQ_LINE, &l);
}

unsigned int vm_tsc_khz(struct vm *vm)
{
	int khz = ioctl(vm->dev_fd, HOSPES_GET_TSC_KHZ, 0);

	if (khz > 0)
		return khz;
	fprintf(stderr, "hospes: HOSPES_GET_TSC_KHZ: %s\n",
		khz < 0 ? strerror(errno) : "0 kHz");
	return 0;
}

int vcpu_create(struct vm *vm, unsigned int id, const struct hospes_cpuid *cpuid,
		const struct hospes_regs *regs,
		const struct hospes_sregs *sregs, struct hospes_run **run)
{
	const char *what;
	int fd;

	fd = ioctl(vm->fd, HOSPES_CREATE_VCPU, id);
	if (fd < 0) {
		fprintf(stderr, "hospes: cannot create vCPU %u: %s\n", id,
			strerror(errno));
		return -1;
	}
	*run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, 0);
	if (*run == MAP_FAILED) {
		what = "mapping its run area";
		*run = NULL;
		goto fail;
	}
	what = "HOSPES_SET_CPUID";
	if (ioctl(fd, HOSPES_SET_CPUID, cpuid))
		goto fail;
	what = "HOSPES_SET_SREGS";
	if (ioctl(fd, HOSPES_SET_SREGS, sregs))
		goto fail;
	what = "HOSPES_SET_REGS";
	if (ioctl(fd, HOSPES_SET_REGS, regs))
		goto fail;
	return fd;
fail:
	fprintf(stderr, "hospes: vCPU %u: %s: %s\n", id, what, strerror(errno));
	vcpu_close(vm, fd, *run);
	return -1;
}

void vcpu_close(struct vm *vm, int fd, struct hospes_run *run)
{
	if (run)
		munmap(run, vm->run_size);
	close(fd);
}

int vcpu_run(int fd)
{
	return ioctl(fd, HOSPES_RUN, 0);
}

int vm_log_dirty(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size,
		 void *host, bool on)
{
	struct hospes_memory_region r = {
		.slot = slot,
		.flags = on ? HOSPES_MEM_LOG_DIRTY : 0,
		.guest_phys_addr = gpa,
		.size = size,
		.userspace_addr = (uintptr_t)host,
	};

	return ioctl(vm->fd, HOSPES_SET_MEMORY_REGION, &r);
}

int vm_get_dirty_log(struct vm *vm, uint32_t slot, uint64_t *bitmap)
{
	struct hospes_dirty_log log = { .slot = slot, .bitmap = (uintptr_t)bitmap };

	return ioctl(vm->fd, HOSPES_GET_DIRTY_LOG, &log);
}

int vm_get_clock(struct vm *vm, struct hospes_clock *c)
{
	return ioctl(vm->fd, HOSPES_GET_CLOCK, c);
}

int vm_set_clock(struct vm *vm, const struct hospes_clock *c)
{
	return ioctl(vm->fd, HOSPES_SET_CLOCK, c);
}

int vm_get_pv_state(struct vm *vm, struct hospes_pv_state *s)
{
	return ioctl(vm->fd, HOSPES_GET_PV_STATE, s);
}

int vm_set_pv_state(struct vm *vm, const struct hospes_pv_state *s)
{
	return ioctl(vm->fd, HOSPES_SET_PV_STATE, s);
}

const uint32_t vcpu_state_msrs[VCPU_STATE_MSRS] = {
	0xc0000081,	/* STAR */
	0xc0000082,	/* LSTAR */
	0xc0000083,	/* CSTAR */
	0xc0000084,	/* SFMASK */
	0xc0000102,	/* KERNEL_GS_BASE */
	0xc0000103,	/* TSC_AUX */
	0x00000174,	/* SYSENTER_CS */
	0x00000175,	/* SYSENTER_ESP */
	0x00000176,	/* SYSENTER_EIP */
	0x00000277,	/* PAT */
};

/* GET_MSRS or SET_MSRS of the whole list: fewer than all is an error. */
static int vcpu_msrs(int fd, unsigned long req, struct hospes_msr_entry *e)
{
	struct {
		struct hospes_msrs head;
		struct hospes_msr_entry entries[VCPU_STATE_MSRS];
	} m = { .head.nmsrs = VCPU_STATE_MSRS };
	int n;

	memcpy(m.entries, e, sizeof(m.entries));
	n = ioctl(fd, req, &m);
	if (n < 0)
		return -1;
	if (n < VCPU_STATE_MSRS) {
		errno = EINVAL;
		return -1;
	}
	memcpy(e, m.entries, sizeof(m.entries));
	return 0;
}

int vcpu_get_state(int fd, struct vcpu_state *s, const char **what)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < VCPU_STATE_MSRS; i++)
		s->msrs[i].index = vcpu_state_msrs[i];
	*what = "HOSPES_GET_REGS";
	if (ioctl(fd, HOSPES_GET_REGS, &s->regs))
		return -1;
	*what = "HOSPES_GET_SREGS";
	if (ioctl(fd, HOSPES_GET_SREGS, &s->sregs))
		return -1;
	*what = "HOSPES_GET_MSRS";
	if (vcpu_msrs(fd, HOSPES_GET_MSRS, s->msrs))
		return -1;
	*what = "HOSPES_GET_XSAVE";
	if (ioctl(fd, HOSPES_GET_XSAVE, &s->xsave))
		return -1;
	*what = "HOSPES_GET_VCPU_EVENTS";
	return ioctl(fd, HOSPES_GET_VCPU_EVENTS, &s->events);
}

int vcpu_set_msrs_xsave(int fd, const struct vcpu_state *s, const char **what)
{
	struct hospes_msr_entry msrs[VCPU_STATE_MSRS];

	memcpy(msrs, s->msrs, sizeof(msrs));
	*what = "HOSPES_SET_MSRS";
	if (vcpu_msrs(fd, HOSPES_SET_MSRS, msrs))
		return -1;
	*what = "HOSPES_SET_XSAVE";
	return ioctl(fd, HOSPES_SET_XSAVE, &s->xsave);
}

int vcpu_set_events(int fd, const struct hospes_vcpu_events *e)
{
	return ioctl(fd, HOSPES_SET_VCPU_EVENTS, e);
}

int vm_get_ioapic(struct vm *vm, struct hospes_ioapic_state *s)
{
	return ioctl(vm->fd, HOSPES_GET_IOAPIC, s);
}

int vm_set_ioapic(struct vm *vm, const struct hospes_ioapic_state *s)
{
	return ioctl(vm->fd, HOSPES_SET_IOAPIC, s);
}

int vcpu_get_lapic(int fd, struct hospes_lapic_state *s)
{
	return ioctl(fd, HOSPES_GET_LAPIC, s);
}

int vcpu_set_lapic(int fd, const struct hospes_lapic_state *s)
{
	return ioctl(fd, HOSPES_SET_LAPIC, s);
}

struct hospes_cpuid *vcpu_get_cpuid(int fd)
{
	struct hospes_cpuid *t = calloc(1, sizeof(*t) + HOSPES_MAX_CPUID_ENTRIES *
					   sizeof(t->entries[0]));

	if (!t)
		return NULL;
	t->nent = HOSPES_MAX_CPUID_ENTRIES;
	if (ioctl(fd, HOSPES_GET_CPUID, t)) {
		int e = errno;

		free(t);
		errno = e;
		return NULL;
	}
	return t;
}
