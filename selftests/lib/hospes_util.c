// SPDX-License-Identifier: GPL-2.0-only
/*
 * hospes selftest library, host side: VMs, memory, vCPUs in each mode.
 * See hospes_util.h for the guest memory layout.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "hospes_util.h"

#define PAGE_SIZE	4096ull
#define PTE_P		(1ull << 0)
#define PTE_RW		(1ull << 1)
#define PTE_PS		(1ull << 7)
#define PTE_ADDR	0x000ffffffffff000ull

/* Guest-side symbols (guest.c). */
extern const char hospes_guest_idt_stubs[];
extern void hospes_guest_return(void);
extern hvm_handler_t hospes_guest_handlers[256];

void __hospes_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "# %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	/* The harness reports a test killed by SIGABRT as failed. */
	abort();
}

uint64_t hospes_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void hospes_msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000l };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int hospes_open(void)
{
	int fd = open("/dev/hospes", O_RDWR | O_CLOEXEC);
	int version;

	HOSPES_CHECK(fd >= 0, "open /dev/hospes: %s", strerror(errno));
	version = ioctl(fd, HOSPES_GET_API_VERSION, 0);
	HOSPES_CHECK(version == HOSPES_API_VERSION,
		     "HOSPES_GET_API_VERSION: %d (%s), want %d", version,
		     version < 0 ? strerror(errno) : "", HOSPES_API_VERSION);
	return fd;
}

/* ---- memory ---------------------------------------------------------- */

int __hvm_set_memory_region(struct hvm *vm, uint32_t slot, uint32_t flags,
			    uint64_t gpa, uint64_t size, uint64_t uaddr)
{
	struct hospes_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.size = size,
		.userspace_addr = uaddr,
	};

	return ioctl(vm->fd, HOSPES_SET_MEMORY_REGION, &r);
}

void *hvm_add_region(struct hvm *vm, uint32_t slot, uint64_t gpa,
		     uint64_t size, uint32_t flags)
{
	void *hva;

	HOSPES_CHECK(slot < HOSPES_MAX_MEMSLOTS && !vm->regions[slot].size,
		     "slot %u out of range or in use", slot);
	hva = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	HOSPES_CHECK(hva != MAP_FAILED, "mmap %#llx bytes: %s",
		     (unsigned long long)size, strerror(errno));
	if (__hvm_set_memory_region(vm, slot, flags, gpa, size,
				    (uintptr_t)hva))
		HOSPES_FAIL("HOSPES_SET_MEMORY_REGION slot %u gpa %#llx size %#llx: %s",
			    slot, (unsigned long long)gpa,
			    (unsigned long long)size, strerror(errno));
	vm->regions[slot] = (struct hvm_region){
		.slot = slot, .flags = flags, .gpa = gpa, .size = size,
		.hva = hva, .owned = true,
	};
	return hva;
}

void hvm_delete_region(struct hvm *vm, uint32_t slot)
{
	struct hvm_region *r;

	HOSPES_CHECK(slot < HOSPES_MAX_MEMSLOTS && vm->regions[slot].size,
		     "slot %u not in use", slot);
	r = &vm->regions[slot];
	if (__hvm_set_memory_region(vm, slot, r->flags, r->gpa, 0,
				    (uintptr_t)r->hva))
		HOSPES_FAIL("deleting slot %u: %s", slot, strerror(errno));
	if (r->owned)
		munmap(r->hva, r->size);
	memset(r, 0, sizeof(*r));
}

void *hvm_gpa2hva(struct hvm *vm, uint64_t gpa)
{
	unsigned int i;

	for (i = 0; i < HOSPES_MAX_MEMSLOTS; i++) {
		struct hvm_region *r = &vm->regions[i];

		if (r->size && gpa >= r->gpa && gpa - r->gpa < r->size)
			return (uint8_t *)r->hva + (gpa - r->gpa);
	}
	return NULL;
}

/* A walk of the guest page tables the library built (4 levels). */
uint64_t hvm_gva2gpa(struct hvm *vm, uint64_t gva)
{
	uint64_t table = HVM_PML4_GPA, *pte = NULL;
	int level;

	for (level = 4; level >= 1; level--) {
		unsigned int idx = (gva >> (12 + 9 * (level - 1))) & 511;

		pte = hvm_gpa2hva(vm, table + idx * 8);
		if (!pte || !(*pte & PTE_P))
			return ~0ull;
		if (level <= 3 && (*pte & PTE_PS)) {
			uint64_t span = 1ull << (12 + 9 * (level - 1));

			return (*pte & PTE_ADDR & ~(span - 1)) | (gva & (span - 1));
		}
		table = *pte & PTE_ADDR;
	}
	return table | (gva & (PAGE_SIZE - 1));
}

void *hvm_gva2hva(struct hvm *vm, uint64_t gva)
{
	uint64_t gpa = hvm_gva2gpa(vm, gva);

	return gpa == ~0ull ? NULL : hvm_gpa2hva(vm, gpa);
}

void *hvm_gva_range(struct hvm *vm, uint64_t gva, size_t len)
{
	uint8_t *p = hvm_gva2hva(vm, gva);

	HOSPES_CHECK(p && (!len || hvm_gva2hva(vm, gva + len - 1) == p + len - 1),
		     "guest-virtual range %#llx+%#zx is not backed by one slot",
		     (unsigned long long)gva, len);
	return p;
}

static uint8_t *gpa_range(struct hvm *vm, uint64_t gpa, size_t len)
{
	uint8_t *p = hvm_gpa2hva(vm, gpa);

	HOSPES_CHECK(p && (!len || hvm_gpa2hva(vm, gpa + len - 1) == p + len - 1),
		     "GPA range %#llx+%#zx is not backed by one slot",
		     (unsigned long long)gpa, len);
	return p;
}

void hvm_write(struct hvm *vm, uint64_t gpa, const void *src, size_t len)
{
	memcpy(gpa_range(vm, gpa, len), src, len);
}

void hvm_read(struct hvm *vm, uint64_t gpa, void *dst, size_t len)
{
	memcpy(dst, gpa_range(vm, gpa, len), len);
}

void hvm_load_code(struct hvm *vm, uint64_t gpa, const void *start,
		   const void *end)
{
	HOSPES_CHECK(end > start, "empty code range");
	hvm_write(vm, gpa, start, (const uint8_t *)end - (const uint8_t *)start);
}

/* ---- the VM ---------------------------------------------------------- */

uint32_t hvm_hypercall_insn;

/*
 * The hypercall instruction of the backend hospes picks on this host: SVM
 * when the CPU has it, else VMX (kmod/core/main.c).
 */
static uint32_t host_hypercall_insn(void)
{
	uint32_t a, b, c, d;

	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
		     : "a"(0x80000000u), "c"(0));
	if (a >= 0x80000001u) {
		asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			     : "a"(0x80000001u), "c"(0));
		if (c & (1u << 2))	/* SVM */
			return HOSPES_PV_INSN_VMMCALL;
	}
	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
		     : "a"(1u), "c"(0));
	return c & (1u << 5) ? HOSPES_PV_INSN_VMCALL : HOSPES_PV_INSN_VMMCALL;
}

/* Copy the PT_LOAD segments of this binary to the same guest addresses. */
static void copy_image(struct hvm *vm)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM), i;

	HOSPES_CHECK(ph && n, "no program headers in the auxiliary vector");
	for (i = 0; i < n; i++) {
		uint64_t va = ph[i].p_vaddr, len = ph[i].p_memsz;

		if (ph[i].p_type != PT_LOAD || !len)
			continue;
		HOSPES_CHECK(va >= HVM_IMAGE_MIN_GPA && va + len <= vm->mem_size,
			     "segment %#llx+%#llx of the test binary does not fit guest RAM [%#llx, %#llx): static non-PIE build?",
			     (unsigned long long)va, (unsigned long long)len,
			     (unsigned long long)HVM_IMAGE_MIN_GPA,
			     (unsigned long long)vm->mem_size);
		memcpy(vm->mem + va, (const void *)(uintptr_t)va, len);
	}
}

static uint64_t image_end(void)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM), i;
	uint64_t end = 0;

	for (i = 0; ph && i < n; i++)
		if (ph[i].p_type == PT_LOAD &&
		    ph[i].p_vaddr + ph[i].p_memsz > end)
			end = ph[i].p_vaddr + ph[i].p_memsz;
	return end;
}

/* Encode a segment in the format of a GDT descriptor (8 bytes). */
static uint64_t gdt_entry(const struct hospes_segment *s)
{
	uint32_t limit = s->g ? s->limit >> 12 : s->limit;

	return (limit & 0xffffull) | (s->base & 0xffffffull) << 16 |
	       (uint64_t)(s->type & 0xf) << 40 | (uint64_t)(s->s & 1) << 44 |
	       (uint64_t)(s->dpl & 3) << 45 | (uint64_t)(s->present & 1) << 47 |
	       (uint64_t)(limit >> 16 & 0xf) << 48 | (uint64_t)(s->avl & 1) << 52 |
	       (uint64_t)(s->l & 1) << 53 | (uint64_t)(s->db & 1) << 54 |
	       (uint64_t)(s->g & 1) << 55 | (s->base >> 24 & 0xffull) << 56;
}

static void flat_segment(struct hospes_segment *s, uint16_t sel, uint8_t type,
			 bool code64)
{
	*s = (struct hospes_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .dpl = 0, .s = 1, .g = 1,
		.l = code64, .db = !code64,
	};
}

static void tss_segment(struct hospes_segment *s)
{
	*s = (struct hospes_segment){
		.base = HVM_TSS_GPA, .limit = 0x67, .selector = HVM_SEL_TSS,
		.type = 0xb,	/* busy 64-bit TSS (busy 32-bit TSS in legacy modes) */
		.present = 1,
	};
}

static void build_tables(struct hvm *vm)
{
	uint64_t *pml4 = (uint64_t *)(vm->mem + HVM_PML4_GPA);
	uint64_t *pdpt = (uint64_t *)(vm->mem + HVM_PDPT_GPA);
	uint64_t *pd = (uint64_t *)(vm->mem + HVM_PD_GPA);
	uint64_t *gdt = (uint64_t *)(vm->mem + HVM_GDT_GPA);
	uint64_t *idt = (uint64_t *)(vm->mem + HVM_IDT_GPA);
	struct hospes_segment seg;
	unsigned int i;

	/* Identity map of 0 .. 4 GiB with 2 MiB pages. */
	pml4[0] = HVM_PDPT_GPA | PTE_P | PTE_RW;
	for (i = 0; i < 4; i++)
		pdpt[i] = (HVM_PD_GPA + i * PAGE_SIZE) | PTE_P | PTE_RW;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((uint64_t)i << 21) | PTE_P | PTE_RW | PTE_PS;

	gdt[0] = 0;
	flat_segment(&seg, HVM_SEL_CODE64, 0xb, true);
	gdt[HVM_SEL_CODE64 / 8] = gdt_entry(&seg);
	flat_segment(&seg, HVM_SEL_DATA, 0x3, false);
	gdt[HVM_SEL_DATA / 8] = gdt_entry(&seg);
	flat_segment(&seg, HVM_SEL_CODE32, 0xb, false);
	gdt[HVM_SEL_CODE32 / 8] = gdt_entry(&seg);
	seg = (struct hospes_segment){ .limit = 0xffff, .type = 0xb,
				       .present = 1, .s = 1 };
	gdt[HVM_SEL_CODE16 / 8] = gdt_entry(&seg);
	tss_segment(&seg);
	seg.type = 0x9;		/* in the GDT: available, as before an LTR */
	gdt[HVM_SEL_TSS / 8] = gdt_entry(&seg);
	gdt[HVM_SEL_TSS / 8 + 1] = seg.base >> 32;

	/* 64-bit interrupt gates to stubs 16 bytes apart (guest.c). */
	for (i = 0; i < 256; i++) {
		uint64_t off = (uintptr_t)hospes_guest_idt_stubs + 16 * i;

		idt[2 * i] = (off & 0xffff) | (uint64_t)HVM_SEL_CODE64 << 16 |
			     0xeull << 40 | 1ull << 47 |
			     (off >> 16 & 0xffff) << 48;
		idt[2 * i + 1] = off >> 32;
	}

	/* TSS: no I/O bitmap (its base is past the limit). */
	*(uint16_t *)(vm->mem + HVM_TSS_GPA + 0x66) = 0x68;
}

struct hvm *hvm_create(uint64_t mem_bytes)
{
	struct hvm *vm = calloc(1, sizeof(*vm));
	int ret;

	HOSPES_CHECK(vm, "out of memory");
	if (!mem_bytes)
		mem_bytes = HVM_DEFAULT_MEM;
	HOSPES_CHECK(mem_bytes % PAGE_SIZE == 0 && mem_bytes >= image_end(),
		     "guest RAM %#llx too small for the test binary (ends at %#llx)",
		     (unsigned long long)mem_bytes,
		     (unsigned long long)image_end());

	vm->dev_fd = hospes_open();
	ret = ioctl(vm->dev_fd, HOSPES_GET_RUN_SIZE, 0);
	HOSPES_CHECK(ret >= (int)sizeof(struct hospes_run),
		     "HOSPES_GET_RUN_SIZE: %d %s", ret,
		     ret < 0 ? strerror(errno) : "");
	vm->run_size = ret;
	vm->fd = ioctl(vm->dev_fd, HOSPES_CREATE_VM, 0);
	HOSPES_CHECK(vm->fd >= 0, "HOSPES_CREATE_VM: %s", strerror(errno));

	vm->mem_size = mem_bytes;
	vm->mem = hvm_add_region(vm, 0, 0, mem_bytes, 0);
	/* Before the copy: the guest's image carries it. */
	hvm_hypercall_insn = host_hypercall_insn();
	copy_image(vm);
	build_tables(vm);
	return vm;
}

void hvm_destroy(struct hvm *vm)
{
	unsigned int i;

	if (!vm)
		return;
	for (i = 0; i < HOSPES_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			hvcpu_destroy(vm->vcpus[i]);
	if (vm->fd >= 0)
		close(vm->fd);
	for (i = 0; i < HOSPES_MAX_MEMSLOTS; i++)
		if (vm->regions[i].size && vm->regions[i].owned)
			munmap(vm->regions[i].hva, vm->regions[i].size);
	if (vm->dev_fd >= 0)
		close(vm->dev_fd);
	free(vm);
}

void hvm_install_handler(struct hvm *vm, unsigned int vector,
			 hvm_handler_t handler)
{
	HOSPES_CHECK(vector < 256, "vector %u", vector);
	HVM_GLOBAL(vm, hospes_guest_handlers[vector]) = handler;
}

/* ---- vCPUs ----------------------------------------------------------- */

int __hvcpu_ioctl(struct hvcpu *vcpu, unsigned long req, void *arg)
{
	return ioctl(vcpu->fd, req, arg);
}

#define HVCPU_IOCTL(vcpu, req, arg) do {				\
	if (__hvcpu_ioctl(vcpu, req, arg))				\
		HOSPES_FAIL(#req " on vCPU %u: %s", (vcpu)->id,		\
			    strerror(errno));				\
} while (0)

void hvcpu_get_regs(struct hvcpu *vcpu, struct hospes_regs *regs)
{
	HVCPU_IOCTL(vcpu, HOSPES_GET_REGS, regs);
}

void hvcpu_set_regs(struct hvcpu *vcpu, const struct hospes_regs *regs)
{
	HVCPU_IOCTL(vcpu, HOSPES_SET_REGS, (void *)regs);
}

void hvcpu_get_sregs(struct hvcpu *vcpu, struct hospes_sregs *sregs)
{
	HVCPU_IOCTL(vcpu, HOSPES_GET_SREGS, sregs);
}

void hvcpu_set_sregs(struct hvcpu *vcpu, const struct hospes_sregs *sregs)
{
	HVCPU_IOCTL(vcpu, HOSPES_SET_SREGS, (void *)sregs);
}

static int msr_ioctl(struct hvcpu *vcpu, unsigned long req, uint32_t index,
		     uint64_t *data)
{
	struct {
		struct hospes_msrs hdr;
		struct hospes_msr_entry e;
	} m = { .hdr.nmsrs = 1, .e.index = index, .e.data = *data };
	int ret = __hvcpu_ioctl(vcpu, req, &m);

	*data = m.e.data;
	return ret;
}

int hvcpu_get_msr(struct hvcpu *vcpu, uint32_t index, uint64_t *data)
{
	*data = 0;
	return msr_ioctl(vcpu, HOSPES_GET_MSRS, index, data);
}

int hvcpu_set_msr(struct hvcpu *vcpu, uint32_t index, uint64_t data)
{
	return msr_ioctl(vcpu, HOSPES_SET_MSRS, index, &data);
}

void hvm_get_stats(struct hvm *vm, struct hospes_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	if (ioctl(vm->fd, HOSPES_GET_VM_STATS, stats))
		HOSPES_FAIL("HOSPES_GET_VM_STATS: %s", strerror(errno));
}

void hvcpu_get_stats(struct hvcpu *vcpu, struct hospes_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	HVCPU_IOCTL(vcpu, HOSPES_GET_VCPU_STATS, stats);
}

int hvcpu_interrupt(struct hvcpu *vcpu, uint32_t vector)
{
	struct hospes_interrupt irq = { .vector = vector };

	return __hvcpu_ioctl(vcpu, HOSPES_INTERRUPT, &irq);
}

struct hvcpu *hvm_add_vcpu_bare(struct hvm *vm, unsigned int id)
{
	struct hvcpu *vcpu = calloc(1, sizeof(*vcpu));

	HOSPES_CHECK(vcpu, "out of memory");
	HOSPES_CHECK(id < HOSPES_MAX_VCPUS && !vm->vcpus[id],
		     "vCPU id %u out of range or in use", id);
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = ioctl(vm->fd, HOSPES_CREATE_VCPU, id);
	HOSPES_CHECK(vcpu->fd >= 0, "HOSPES_CREATE_VCPU %u: %s", id,
		     strerror(errno));
	vcpu->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, vcpu->fd, 0);
	HOSPES_CHECK(vcpu->run != MAP_FAILED, "mmap of the run area: %s",
		     strerror(errno));
	hvcpu_set_cpuid(vcpu, hospes_host_cpuid());
	vm->vcpus[id] = vcpu;
	return vcpu;
}

void hvcpu_destroy(struct hvcpu *vcpu)
{
	vcpu->vm->vcpus[vcpu->id] = NULL;
	munmap(vcpu->run, vcpu->vm->run_size);
	close(vcpu->fd);
	free(vcpu);
}

void hvm_sregs_long_mode(struct hvm *vm, struct hospes_sregs *sregs)
{
	(void)vm;
	memset(sregs, 0, sizeof(*sregs));
	flat_segment(&sregs->cs, HVM_SEL_CODE64, 0xb, true);
	flat_segment(&sregs->ds, HVM_SEL_DATA, 0x3, false);
	sregs->es = sregs->fs = sregs->gs = sregs->ss = sregs->ds;
	tss_segment(&sregs->tr);
	sregs->ldt = (struct hospes_segment){ .type = 0x2, .unusable = 1 };
	sregs->gdt.base = HVM_GDT_GPA;
	sregs->gdt.limit = HVM_GDT_LIMIT;
	sregs->idt.base = HVM_IDT_GPA;
	sregs->idt.limit = 256 * 16 - 1;
	sregs->cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
		     X86_CR0_WP | X86_CR0_PG;
	sregs->cr3 = HVM_PML4_GPA;
	sregs->cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	sregs->efer = X86_EFER_LME | X86_EFER_LMA;
}

void hvcpu_setup_long_mode(struct hvcpu *vcpu, void *guest_fn)
{
	struct hvm *vm = vcpu->vm;
	uint64_t top = HVM_STACKS_GPA + (vcpu->id + 1) * HVM_STACK_SIZE;
	struct hospes_sregs sregs;
	struct hospes_regs regs = {
		.rip = (uintptr_t)guest_fn,
		.rdi = vcpu->id,
		/* As after a CALL: a return address, RSP + 8 16-byte aligned. */
		.rsp = top - 8,
		.rflags = X86_RFLAGS_FIXED,
	};
	uint64_t ret = (uintptr_t)hospes_guest_return;

	hvm_write(vm, regs.rsp, &ret, sizeof(ret));
	hvm_sregs_long_mode(vm, &sregs);
	hvcpu_set_sregs(vcpu, &sregs);
	hvcpu_set_regs(vcpu, &regs);
}

struct hvcpu *hvm_add_vcpu(struct hvm *vm, unsigned int id, void *guest_fn)
{
	struct hvcpu *vcpu = hvm_add_vcpu_bare(vm, id);

	hvcpu_setup_long_mode(vcpu, guest_fn);
	return vcpu;
}

struct hvm *hvm_create_with_vcpu(void *guest_fn, struct hvcpu **vcpu)
{
	struct hvm *vm = hvm_create(0);

	*vcpu = hvm_add_vcpu(vm, 0, guest_fn);
	return vm;
}

static void real_segment(struct hospes_segment *s, uint16_t sel, uint8_t type)
{
	*s = (struct hospes_segment){
		.base = (uint64_t)sel << 4, .limit = 0xffff, .selector = sel,
		.type = type, .present = 1, .s = 1,
	};
}

void hvcpu_setup_real_mode(struct hvcpu *vcpu, uint16_t cs, uint16_t ip)
{
	struct hospes_sregs sregs = { 0 };
	struct hospes_regs regs = {
		.rip = ip,
		.rsp = HVM_REAL_STACK_TOP,
		.rflags = X86_RFLAGS_FIXED,
	};

	real_segment(&sregs.cs, cs, 0xb);
	real_segment(&sregs.ds, 0, 0x3);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.tr = (struct hospes_segment){ .limit = 0xffff, .type = 0xb,
					    .present = 1 };
	sregs.ldt = (struct hospes_segment){ .limit = 0xffff, .type = 0x2,
					     .present = 1 };
	sregs.gdt.limit = 0xffff;
	sregs.idt.limit = 0x3ff;	/* the real-mode IVT at 0 */
	sregs.cr0 = X86_CR0_ET;
	hvcpu_set_sregs(vcpu, &sregs);
	hvcpu_set_regs(vcpu, &regs);
}

void hvcpu_setup_protected_mode(struct hvcpu *vcpu, uint32_t eip)
{
	struct hospes_sregs sregs = { 0 };
	struct hospes_regs regs = {
		.rip = eip,
		.rsp = HVM_STACKS_GPA + (vcpu->id + 1) * HVM_STACK_SIZE - 16,
		.rflags = X86_RFLAGS_FIXED,
	};

	flat_segment(&sregs.cs, HVM_SEL_CODE32, 0xb, false);
	flat_segment(&sregs.ds, HVM_SEL_DATA, 0x3, false);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	tss_segment(&sregs.tr);
	sregs.ldt = (struct hospes_segment){ .type = 0x2, .unusable = 1 };
	sregs.gdt.base = HVM_GDT_GPA;
	sregs.gdt.limit = HVM_GDT_LIMIT;
	/* The IDT holds 64-bit gates: useless here, so none. */
	sregs.idt.limit = 0;
	sregs.cr0 = X86_CR0_PE | X86_CR0_ET;
	hvcpu_set_sregs(vcpu, &sregs);
	hvcpu_set_regs(vcpu, &regs);
}
