// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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
