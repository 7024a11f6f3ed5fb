/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hospes selftest library: a VM whose vCPUs run plain C functions of the
 * test binary, in one call.
 *
 * How guest code works: the test binary is static and not position
 * independent, so its code and data sit at fixed addresses (0x400000 up).
 * hvm_create() copies every loadable segment of the running binary into
 * guest RAM at the guest-physical address equal to its virtual address, and
 * the guest page tables identity-map the first 4 GiB. A function pointer of
 * the test is then a valid guest RIP, and a global is at the same address in
 * the guest, though in the guest's own copy: use HVM_GLOBAL() on the host
 * to read or write the guest's copy.
 *
 * Guest code runs at CPL0 with interrupts off, in 64-bit mode. It must not
 * call libc (no printf, no errno, no TLS); the guest helpers below and the
 * compiler's builtins are fine. The library provides memcpy/memset/memmove/
 * memcmp that are safe in the guest, so code the compiler turns into calls
 * to those still works.
 *
 * The guest talks to the host through ucalls: GUEST_SYNC(n), GUEST_DONE(),
 * GUEST_ASSERT*(). A ucall is a 32-bit OUT to UCALL_PORT of the address of
 * a struct ucall on the guest stack; hvcpu_get_ucall() decodes it.
 *
 * Host-side functions with no leading underscores abort the test with a
 * message on any error; the __ variants return the ioctl's result (-1 and
 * errno) for tests that check errors.
 */
#ifndef HOSPES_UTIL_H
#define HOSPES_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/hospes.h>
#include <linux/hospes_pv.h>

/*
 * Guest-physical (= guest-virtual) layout of the RAM the library sets up in
 * slot 0, starting at GPA 0.
 */
#define HVM_PML4_GPA		0x1000ull
#define HVM_PDPT_GPA		0x2000ull
#define HVM_PD_GPA		0x3000ull	/* 4 pages: 0 .. 4 GiB, 2 MiB pages */
#define HVM_GDT_GPA		0x7000ull
#define HVM_IDT_GPA		0x8000ull	/* 256 64-bit interrupt gates */
#define HVM_TSS_GPA		0x9000ull
#define HVM_REAL_STACK_TOP	0xfff0ull	/* SS:SP 0:fff0 for real mode */
#define HVM_LOW_SCRATCH_GPA	0x10000ull	/* .. 0x9ffff: free, real mode reach */
#define HVM_SCRATCH_GPA		0x100000ull	/* .. 0x1fffff: free for tests */
#define HVM_SCRATCH_SIZE	0x100000ull
#define HVM_STACKS_GPA		0x200000ull	/* one stack per vCPU id */
#define HVM_STACK_SIZE		0x8000ull
#define HVM_IMAGE_MIN_GPA	(HVM_STACKS_GPA + HOSPES_MAX_VCPUS * HVM_STACK_SIZE)
#define HVM_IDENTITY_END	(4ull << 30)	/* identity-mapped guest-virtual */
/* Inside the identity map and never backed by the library: for MMIO. */
#define HVM_MMIO_GPA		0xc0000000ull
#define HVM_DEFAULT_MEM		(64ull << 20)

/* The library's GDT. */
#define HVM_SEL_CODE64		0x08
#define HVM_SEL_DATA		0x10
#define HVM_SEL_CODE32		0x18
#define HVM_SEL_CODE16		0x20
#define HVM_SEL_TSS		0x28	/* 16-byte descriptor */
#define HVM_GDT_LIMIT		(0x38 - 1)

/* Architectural bits the tests use. */
#define X86_CR0_PE		(1ull << 0)
#define X86_CR0_MP		(1ull << 1)
#define X86_CR0_EM		(1ull << 2)
#define X86_CR0_TS		(1ull << 3)
#define X86_CR0_ET		(1ull << 4)
#define X86_CR0_NE		(1ull << 5)
#define X86_CR0_WP		(1ull << 16)
#define X86_CR0_AM		(1ull << 18)
#define X86_CR0_NW		(1ull << 29)
#define X86_CR0_CD		(1ull << 30)
#define X86_CR0_PG		(1ull << 31)
#define X86_CR4_PSE		(1ull << 4)
#define X86_CR4_PAE		(1ull << 5)
#define X86_CR4_PGE		(1ull << 7)
#define X86_CR4_OSFXSR		(1ull << 9)
#define X86_CR4_OSXMMEXCPT	(1ull << 10)
#define X86_CR4_LA57		(1ull << 12)
#define X86_EFER_SCE		(1ull << 0)
#define X86_EFER_LME		(1ull << 8)
#define X86_EFER_LMA		(1ull << 10)
#define X86_EFER_NXE		(1ull << 11)
#define X86_EFER_SVME		(1ull << 12)
#define X86_RFLAGS_FIXED	(1ull << 1)
#define X86_RFLAGS_IF		(1ull << 9)
#define MSR_EFER		0xc0000080u

/* ---- ucall: guest -> host messages ---------------------------------- */

#define UCALL_PORT		0xe9f0
#define UCALL_MAX_ARGS		6

enum {
	UCALL_NONE,		/* the exit is not a ucall */
	UCALL_SYNC,		/* args[0] = stage, args[1..] = values */
	UCALL_DONE,
	UCALL_ASSERT,		/* file, line, expr, args[0..nargs) */
	UCALL_UNHANDLED,	/* args: vector, error code, rip */
};

struct ucall {
	uint64_t cmd;
	uint64_t nargs;
	uint64_t args[UCALL_MAX_ARGS];
	uint64_t file;		/* guest pointers to strings of the image */
	uint64_t expr;
	uint64_t line;
};

void ucall(uint64_t cmd, int nargs, ...);
void __attribute__((noreturn)) ucall_assert(const char *file, int line,
	const char *expr, int nargs, ...);

#define GUEST_SYNC(stage)	ucall(UCALL_SYNC, 1, (uint64_t)(stage))
#define GUEST_SYNC1(stage, v)	ucall(UCALL_SYNC, 2, (uint64_t)(stage), (uint64_t)(v))
#define GUEST_SYNC2(stage, v, w) \
	ucall(UCALL_SYNC, 3, (uint64_t)(stage), (uint64_t)(v), (uint64_t)(w))
#define GUEST_DONE()		ucall(UCALL_DONE, 0)

#define GUEST_ASSERT(cond) do {						\
	if (!(cond))							\
		ucall_assert(__FILE__, __LINE__, #cond, 0);		\
} while (0)

#define __GUEST_ASSERT_CMP(a, op, b) do {				\
	uint64_t __ga = (uint64_t)(a), __gb = (uint64_t)(b);		\
	if (!(__ga op __gb))						\
		ucall_assert(__FILE__, __LINE__, #a " " #op " " #b,	\
			     2, __ga, __gb);				\
} while (0)
#define GUEST_ASSERT_EQ(a, b)	__GUEST_ASSERT_CMP(a, ==, b)
#define GUEST_ASSERT_NE(a, b)	__GUEST_ASSERT_CMP(a, !=, b)
#define GUEST_ASSERT_LT(a, b)	__GUEST_ASSERT_CMP(a, <, b)
#define GUEST_FAIL(what)	ucall_assert(__FILE__, __LINE__, what, 0)

/* ---- guest-side instruction helpers --------------------------------- */

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outw(uint16_t port, uint16_t v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outl(uint16_t port, uint32_t v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline void guest_cpuid(uint32_t fn, uint32_t idx, uint32_t *a,
			       uint32_t *b, uint32_t *c, uint32_t *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
		     : "a"(fn), "c"(idx) : "memory");
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return lo | (uint64_t)hi << 32;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v),
		     "d"((uint32_t)(v >> 32)) : "memory");
}

#define __GUEST_READ_CR(n) ({						\
	uint64_t __v;							\
	asm volatile("mov %%cr" #n ", %0" : "=r"(__v) : : "memory");	\
	__v; })
static inline uint64_t get_cr0(void) { return __GUEST_READ_CR(0); }
static inline uint64_t get_cr2(void) { return __GUEST_READ_CR(2); }
static inline uint64_t get_cr3(void) { return __GUEST_READ_CR(3); }
static inline uint64_t get_cr4(void) { return __GUEST_READ_CR(4); }

static inline uint64_t get_rflags(void)
{
	uint64_t v;

	asm volatile("pushfq; popq %0" : "=r"(v) : : "memory");
	return v;
}

static inline void cli(void) { asm volatile("cli" : : : "memory"); }
static inline void sti(void) { asm volatile("sti" : : : "memory"); }
static inline void hlt(void) { asm volatile("hlt" : : : "memory"); }
/* STI's shadow covers the HLT: no interrupt can slip in between. */
static inline void sti_hlt(void) { asm volatile("sti; hlt" : : : "memory"); }
static inline void cpu_relax(void) { asm volatile("pause" : : : "memory"); }

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

static inline void lidt(const struct desc_ptr *p)
{
	asm volatile("lidt %0" : : "m"(*p) : "memory");
}

static inline void sidt(struct desc_ptr *p)
{
	asm volatile("sidt %0" : "=m"(*p) : : "memory");
}

static inline void sgdt(struct desc_ptr *p)
{
	asm volatile("sgdt %0" : "=m"(*p) : : "memory");
}

/*
 * Hypercalls: nr in RAX, arguments in RDI, RSI, RDX, R10, R8; result in
 * RAX. The instruction is the one hospes names in CPUID 0x40000001 ECX:
 * VMMCALL under SVM, VMCALL under VMX, where the other one is #UD.
 * hvm_create() sets hvm_hypercall_insn (HOSPES_PV_INSN_*) before it copies
 * the image, so the guest's copy knows it without asking (a CPUID would
 * be an exit the tests did not make). HVM_HYPERCALL_INSN is the instruction
 * for an extended asm statement of a test's own: it clobbers the flags only.
 */
extern uint32_t hvm_hypercall_insn;

#define HVM_HYPERCALL_INSN						\
	"cmpl $" __HVM_STR(HOSPES_PV_INSN_VMCALL) ", hvm_hypercall_insn(%%rip)\n\t" \
	"jne 1f\n\t"							\
	"vmcall\n\t"							\
	"jmp 2f\n"							\
	"1:\tvmmcall\n"						\
	"2:"
#define __HVM_STR(x)		__HVM_STR2(x)
#define __HVM_STR2(x)		#x

static inline uint64_t hypercall(uint64_t nr, uint64_t a0, uint64_t a1,
				 uint64_t a2, uint64_t a3, uint64_t a4)
{
	register uint64_t r10 asm("r10") = a3;
	register uint64_t r8 asm("r8") = a4;
	uint64_t ret;

	asm volatile(HVM_HYPERCALL_INSN
		     : "=a"(ret), "+D"(a0), "+S"(a1), "+d"(a2), "+r"(r10), "+r"(r8)
		     : "a"(nr) : "memory", "cc");
	return ret;
}

/* Reload every segment register from the library's GDT. */
void guest_reload_segments(void);

/*
 * Guest exception and interrupt handling. Every IDT vector enters a common
 * stub that saves the registers into a struct hvm_ex_frame and calls the
 * handler installed with hvm_install_handler(); a vector without handler
 * reports UCALL_UNHANDLED. Handlers may change the frame (rip, registers).
 */
struct hvm_ex_frame {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

typedef void (*hvm_handler_t)(struct hvm_ex_frame *frame);

/* ---- host side ------------------------------------------------------- */

struct hvm_region {
	uint32_t slot;
	uint32_t flags;
	uint64_t gpa;
	uint64_t size;			/* 0: slot unused */
	void *hva;
	bool owned;			/* mmap'd by the library */
};

struct hvcpu;

struct hvm {
	int dev_fd;			/* /dev/hospes */
	int fd;				/* VM fd */
	size_t run_size;
	uint64_t mem_size;		/* slot 0: RAM at GPA 0 */
	uint8_t *mem;
	struct hvm_region regions[HOSPES_MAX_MEMSLOTS];
	struct hvcpu *vcpus[HOSPES_MAX_VCPUS];
};

struct hvcpu {
	struct hvm *vm;
	unsigned int id;
	int fd;
	struct hospes_run *run;
	int run_errno;			/* errno of the last failed HOSPES_RUN */
	struct ucall uc;		/* the last ucall decoded */
};

/* Fail the test with a message (file and line of the caller). */
void __attribute__((noreturn, format(printf, 3, 4)))
__hospes_fail(const char *file, int line, const char *fmt, ...);
#define HOSPES_FAIL(...)	__hospes_fail(__FILE__, __LINE__, __VA_ARGS__)
#define HOSPES_CHECK(cond, ...) do {					\
	if (!(cond))							\
		__hospes_fail(__FILE__, __LINE__, __VA_ARGS__);		\
} while (0)

int hospes_open(void);			/* /dev/hospes, API version checked */

/*
 * A VM with mem_bytes of RAM (0: HVM_DEFAULT_MEM) in slot 0 at GPA 0,
 * holding a copy of the test binary, page tables, GDT, IDT and TSS.
 */
struct hvm *hvm_create(uint64_t mem_bytes);
void hvm_destroy(struct hvm *vm);

/* vCPU id in 64-bit mode at guest_fn(id), on its own stack. */
struct hvcpu *hvm_add_vcpu(struct hvm *vm, unsigned int id, void *guest_fn);
/* hvm_create(0) plus vCPU 0 running guest_fn. */
struct hvm *hvm_create_with_vcpu(void *guest_fn, struct hvcpu **vcpu);
/* vCPU with its run area and the default CPUID, but registers untouched. */
struct hvcpu *hvm_add_vcpu_bare(struct hvm *vm, unsigned int id);
/* Close the vCPU fd and unmap its run area. */
void hvcpu_destroy(struct hvcpu *vcpu);

/* Register state for each mode. */
void hvm_sregs_long_mode(struct hvm *vm, struct hospes_sregs *sregs);
void hvcpu_setup_long_mode(struct hvcpu *vcpu, void *guest_fn);
/* Real mode at cs:ip; SS:SP = 0:HVM_REAL_STACK_TOP, data segments 0. */
void hvcpu_setup_real_mode(struct hvcpu *vcpu, uint16_t cs, uint16_t ip);
/* 32-bit flat protected mode, paging off, at eip; ESP at the vCPU's stack. */
void hvcpu_setup_protected_mode(struct hvcpu *vcpu, uint32_t eip);
/* Copy machine code (for example between two asm labels) to gpa. */
void hvm_load_code(struct hvm *vm, uint64_t gpa, const void *start,
		   const void *end);

/* Memory. */
int __hvm_set_memory_region(struct hvm *vm, uint32_t slot, uint32_t flags,
			    uint64_t gpa, uint64_t size, uint64_t uaddr);
/* mmap size bytes (filled with zeroes) and register them in slot. */
void *hvm_add_region(struct hvm *vm, uint32_t slot, uint64_t gpa,
		     uint64_t size, uint32_t flags);
void hvm_delete_region(struct hvm *vm, uint32_t slot);
void *hvm_gpa2hva(struct hvm *vm, uint64_t gpa);	/* NULL if unbacked */
uint64_t hvm_gva2gpa(struct hvm *vm, uint64_t gva);	/* ~0 if unmapped */
void *hvm_gva2hva(struct hvm *vm, uint64_t gva);
void hvm_write(struct hvm *vm, uint64_t gpa, const void *src, size_t len);
void hvm_read(struct hvm *vm, uint64_t gpa, void *dst, size_t len);

/* Host pointer to len bytes at gva, all in one slot; fails the test if not. */
void *hvm_gva_range(struct hvm *vm, uint64_t gva, size_t len);
/* The guest's copy of a global variable of the test binary, as an lvalue. */
#define HVM_GLOBAL(vm, g)						\
	(*(__typeof__(g) *)hvm_gva_range(vm, (uint64_t)(uintptr_t)&(g), sizeof(g)))
#define sync_global_to_guest(vm, g)	(HVM_GLOBAL(vm, g) = (g))
#define sync_global_from_guest(vm, g)	((g) = HVM_GLOBAL(vm, g))

void hvm_install_handler(struct hvm *vm, unsigned int vector,
			 hvm_handler_t handler);

/* Registers. */
int __hvcpu_ioctl(struct hvcpu *vcpu, unsigned long req, void *arg);
void hvcpu_get_regs(struct hvcpu *vcpu, struct hospes_regs *regs);
void hvcpu_set_regs(struct hvcpu *vcpu, const struct hospes_regs *regs);
void hvcpu_get_sregs(struct hvcpu *vcpu, struct hospes_sregs *sregs);
void hvcpu_set_sregs(struct hvcpu *vcpu, const struct hospes_sregs *sregs);
/* Returns the number of MSRs processed (1 on success). */
int hvcpu_get_msr(struct hvcpu *vcpu, uint32_t index, uint64_t *data);
int hvcpu_set_msr(struct hvcpu *vcpu, uint32_t index, uint64_t data);

/* CPUID. */
struct hospes_cpuid *hospes_cpuid_alloc(unsigned int nent);
/* A table of every leaf of the host CPU (cached; copy before changing). */
const struct hospes_cpuid *hospes_host_cpuid(void);
struct hospes_cpuid *hospes_cpuid_dup(const struct hospes_cpuid *cpuid);
struct hospes_cpuid_entry *hospes_cpuid_find(struct hospes_cpuid *cpuid,
					     uint32_t function, uint32_t index);
int __hvcpu_set_cpuid(struct hvcpu *vcpu, const struct hospes_cpuid *cpuid);
void hvcpu_set_cpuid(struct hvcpu *vcpu, const struct hospes_cpuid *cpuid);

/* Stats. */
void hvm_get_stats(struct hvm *vm, struct hospes_stats *stats);
void hvcpu_get_stats(struct hvcpu *vcpu, struct hospes_stats *stats);

/* Queue an external interrupt: the ioctl's result. */
int hvcpu_interrupt(struct hvcpu *vcpu, uint32_t vector);

/* Running. */
int hvcpu_run(struct hvcpu *vcpu);	/* HOSPES_RUN: 0 or -1 and errno */
/* Decode the current exit as a ucall into *uc (may be NULL): its cmd, or UCALL_NONE. */
uint64_t hvcpu_get_ucall(struct hvcpu *vcpu, struct ucall *uc);
const char *hospes_exit_name(uint32_t reason);
const char *hospes_ucall_name(uint64_t cmd);
#define HVCPU_DESC_LEN 512
/* One line about the current exit, ucall, guest assertion... */
const char *hvcpu_describe_exit(struct hvcpu *vcpu, char *buf, size_t len);

/*
 * Test-side assertions (kselftest_harness.h must be included). Each prints
 * what the vCPU actually did when it fails.
 */
#define ASSERT_RUN_OK(vcpu) do {					\
	char __hd[HVCPU_DESC_LEN];					\
	int __hr = hvcpu_run(vcpu);					\
	ASSERT_EQ(0, __hr)						\
		TH_LOG("HOSPES_RUN: %s; %s", strerror((vcpu)->run_errno), \
		       hvcpu_describe_exit(vcpu, __hd, sizeof(__hd)));	\
} while (0)

#define ASSERT_EXIT_REASON(vcpu, reason) do {				\
	char __hd[HVCPU_DESC_LEN];					\
	ASSERT_EQ((uint32_t)(reason), (vcpu)->run->exit_reason)		\
		TH_LOG("expected exit %s, got %s",			\
		       hospes_exit_name(reason),			\
		       hvcpu_describe_exit(vcpu, __hd, sizeof(__hd)));	\
} while (0)

#define ASSERT_RUN_EXIT(vcpu, reason) do {				\
	ASSERT_RUN_OK(vcpu);						\
	ASSERT_EXIT_REASON(vcpu, reason);				\
} while (0)

/* Run and expect ucall cmd; the ucall is left in *(ucp). */
#define ASSERT_UCALL(vcpu, cmd, ucp) do {				\
	char __hd[HVCPU_DESC_LEN];					\
	ASSERT_RUN_OK(vcpu);						\
	ASSERT_EQ((uint64_t)(cmd), hvcpu_get_ucall(vcpu, ucp))		\
		TH_LOG("expected ucall %s, got %s",			\
		       hospes_ucall_name(cmd),				\
		       hvcpu_describe_exit(vcpu, __hd, sizeof(__hd)));	\
} while (0)

#define ASSERT_GUEST_SYNC(vcpu, stage) do {				\
	struct ucall __uc;						\
	ASSERT_UCALL(vcpu, UCALL_SYNC, &__uc);				\
	ASSERT_EQ((uint64_t)(stage), __uc.args[0])			\
		TH_LOG("guest reached another GUEST_SYNC stage");	\
} while (0)

#define ASSERT_GUEST_DONE(vcpu)	ASSERT_UCALL(vcpu, UCALL_DONE, NULL)

/* Small helpers for tests. */
#define ARRAY_LEN(a)		(sizeof(a) / sizeof((a)[0]))
uint64_t hospes_now_ns(void);
void hospes_msleep(unsigned int ms);

#endif /* HOSPES_UTIL_H */
