// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exits: each kind of exit to userspace carries what the guest did, and
 * what userspace answers reaches the guest. Port I/O, MMIO, read-only
 * memory, hypercalls, HLT, triple fault, CPUID filtering, signals and
 * immediate_exit, interrupt injection, and the exit counters.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "hospes_util.h"

/* Garbage in the upper bits of registers and data that must not leak. */
#define RAX_INIT	0x1122334455667788ull
#define TEST_PORT	0x1234

/* A bounded wait, so that a guest that never sees an event fails cleanly. */
#define GUEST_SPIN_MAX	20000000ull

/* ---- port I/O -------------------------------------------------------- */

static void guest_io_out(void)
{
	uint64_t v = RAX_INIT;

	asm volatile("outb %%al, $0x80" : : "a"(v) : "memory");
	asm volatile("outw %%ax, %%dx" : : "a"(v), "d"(TEST_PORT) : "memory");
	asm volatile("outl %%eax, %%dx" : : "a"(v), "d"(TEST_PORT + 2) : "memory");
	GUEST_DONE();
}

TEST(io_out_of_each_size_reports_port_size_and_value)
{
	static const struct { uint16_t port; uint8_t size; uint64_t data; } want[] = {
		{ 0x80, 1, RAX_INIT & 0xff },
		{ TEST_PORT, 2, RAX_INIT & 0xffff },
		{ TEST_PORT + 2, 4, RAX_INIT & 0xffffffff },
	};
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_io_out, &vcpu);
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(want); i++) {
		ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_IO);
		EXPECT_EQ(HOSPES_EXIT_IO_OUT, vcpu->run->io.direction);
		EXPECT_EQ(want[i].port, vcpu->run->io.port);
		EXPECT_EQ(want[i].size, vcpu->run->io.size);
		EXPECT_EQ(want[i].data, vcpu->run->io.data)
			TH_LOG("OUT of size %u", want[i].size);
	}
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

static void guest_io_in(void)
{
	uint64_t v = RAX_INIT;

	/* IN AL and IN AX keep the rest of RAX; IN EAX zero-extends. */
	asm volatile("inb $0x81, %%al" : "+a"(v) : : "memory");
	GUEST_ASSERT_EQ((RAX_INIT & ~0xffull) | 0xab, v);
	asm volatile("inw %%dx, %%ax" : "+a"(v) : "d"(TEST_PORT) : "memory");
	GUEST_ASSERT_EQ((RAX_INIT & ~0xffffull) | 0xcdef, v);
	asm volatile("inl %%dx, %%eax" : "+a"(v) : "d"(TEST_PORT + 2) : "memory");
	GUEST_ASSERT_EQ(0x89abcdefull, v);
	GUEST_DONE();
}

TEST(io_in_of_each_size_returns_the_value_to_the_guest)
{
	/* Userspace leaves garbage above size: only size bytes count. */
	static const struct { uint16_t port; uint8_t size; uint64_t data; } in[] = {
		{ 0x81, 1, 0xffffffffffffffabull },
		{ TEST_PORT, 2, 0xffffffffffffcdefull },
		{ TEST_PORT + 2, 4, 0xffffffff89abcdefull },
	};
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_io_in, &vcpu);
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(in); i++) {
		ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_IO);
		EXPECT_EQ(HOSPES_EXIT_IO_IN, vcpu->run->io.direction);
		EXPECT_EQ(in[i].port, vcpu->run->io.port);
		EXPECT_EQ(in[i].size, vcpu->run->io.size);
		vcpu->run->io.data = in[i].data;
	}
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

static void guest_string_io(void)
{
	static const uint8_t buf[4] = { 1, 2, 3, 4 };

	asm volatile("rep outsb" : : "S"(buf), "c"(4), "d"(TEST_PORT) : "memory");
	GUEST_DONE();
}

TEST(string_io_is_an_internal_error)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_string_io, &vcpu);

	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_INTERNAL_ERROR);
	EXPECT_EQ(HOSPES_INTERNAL_ERROR_STRING_IO, vcpu->run->internal.suberror);
	hvm_destroy(vm);
}

/* ---- MMIO -------------------------------------------------------------- */

static void guest_mmio(void)
{
	uint64_t v = RAX_INIT;
	register uint64_t r9 asm("r9") = 0;

	asm volatile("movb $0x12, (%0)" : : "r"(HVM_MMIO_GPA) : "memory");
	asm volatile("movw $0x3456, (%0)" : : "r"(HVM_MMIO_GPA + 2) : "memory");
	asm volatile("movl $0x789abcde, (%0)" : : "r"(HVM_MMIO_GPA + 4) : "memory");
	asm volatile("movq %1, (%0)" : : "r"(HVM_MMIO_GPA + 8), "r"(v) : "memory");

	asm volatile("movb (%1), %%al" : "+a"(v) : "r"(HVM_MMIO_GPA + 0x10) : "memory");
	GUEST_ASSERT_EQ((RAX_INIT & ~0xffull) | 0xa1, v);
	asm volatile("movw (%1), %%ax" : "+a"(v) : "r"(HVM_MMIO_GPA + 0x12) : "memory");
	GUEST_ASSERT_EQ((RAX_INIT & ~0xffffull) | 0xb2b1, v);
	asm volatile("movl (%1), %%eax" : "+a"(v) : "r"(HVM_MMIO_GPA + 0x14) : "memory");
	GUEST_ASSERT_EQ(0xc4c3c2c1ull, v);
	asm volatile("movq (%1), %0" : "+r"(r9) : "r"(HVM_MMIO_GPA + 0x18) : "memory");
	GUEST_ASSERT_EQ(0xd8d7d6d5d4d3d2d1ull, r9);
	GUEST_DONE();
}

TEST(mmio_to_unbacked_gpa_exits_with_gpa_len_and_data)
{
	static const struct {
		uint64_t off;
		uint32_t len;
		bool write;
		uint8_t data[8];
	} acc[] = {
		{ 0x00, 1, true, { 0x12 } },
		{ 0x02, 2, true, { 0x56, 0x34 } },
		{ 0x04, 4, true, { 0xde, 0xbc, 0x9a, 0x78 } },
		{ 0x08, 8, true, { 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 } },
		/* Reads: bytes past len are garbage the guest must not see. */
		{ 0x10, 1, false, { 0xa1, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee } },
		{ 0x12, 2, false, { 0xb1, 0xb2, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee } },
		{ 0x14, 4, false, { 0xc1, 0xc2, 0xc3, 0xc4, 0xee, 0xee, 0xee, 0xee } },
		{ 0x18, 8, false, { 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8 } },
	};
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_mmio, &vcpu);
	struct hospes_run *run = vcpu->run;
	struct hospes_stats before, after;
	unsigned int i;

	hvcpu_get_stats(vcpu, &before);
	for (i = 0; i < ARRAY_LEN(acc); i++) {
		ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_MMIO);
		EXPECT_EQ(HVM_MMIO_GPA + acc[i].off, run->mmio.gpa);
		EXPECT_EQ(acc[i].len, run->mmio.len);
		EXPECT_EQ(acc[i].write, run->mmio.is_write);
		if (acc[i].write) {
			EXPECT_EQ(0, memcmp(acc[i].data, run->mmio.data, acc[i].len))
				TH_LOG("write %u data %02x %02x %02x %02x...", i,
				       run->mmio.data[0], run->mmio.data[1],
				       run->mmio.data[2], run->mmio.data[3]);
		} else {
			memcpy(run->mmio.data, acc[i].data, 8);
		}
	}
	ASSERT_GUEST_DONE(vcpu);
	hvcpu_get_stats(vcpu, &after);
	EXPECT_EQ(ARRAY_LEN(acc), after.mmio_exits - before.mmio_exits);
	hvm_destroy(vm);
}

#define RO_GPA		(1ull << 30)
#define RO_SIZE		0x10000ull
#define RO_PATTERN	0x5aa5c33cu

static void guest_readonly(void)
{
	volatile uint32_t *p = (volatile uint32_t *)(RO_GPA + 0x100);
	volatile uint32_t *last = (volatile uint32_t *)(RO_GPA + RO_SIZE - 4);

	GUEST_ASSERT_EQ(RO_PATTERN, *p);
	GUEST_ASSERT_EQ(RO_PATTERN + 1, *last);
	GUEST_SYNC(1);
	*p = 0xdeadbeef;		/* exits as MMIO, changes nothing */
	GUEST_ASSERT_EQ(RO_PATTERN, *p);
	GUEST_DONE();
}

TEST(write_to_readonly_slot_exits_as_mmio_while_reads_work)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_readonly, &vcpu);
	struct hospes_run *run = vcpu->run;
	struct hospes_stats before, after;
	uint32_t *rom = hvm_add_region(vm, 1, RO_GPA, RO_SIZE, HOSPES_MEM_READONLY);

	rom[0x100 / 4] = RO_PATTERN;
	rom[RO_SIZE / 4 - 1] = RO_PATTERN + 1;
	/* Reads of the slot do not exit. */
	hvcpu_get_stats(vcpu, &before);
	ASSERT_GUEST_SYNC(vcpu, 1);
	hvcpu_get_stats(vcpu, &after);
	EXPECT_EQ(0, after.mmio_exits - before.mmio_exits);

	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_MMIO);
	EXPECT_EQ(RO_GPA + 0x100, run->mmio.gpa);
	EXPECT_EQ(4, run->mmio.len);
	EXPECT_TRUE(run->mmio.is_write);
	EXPECT_EQ(0xdeadbeef, *(uint32_t *)run->mmio.data);
	EXPECT_EQ(RO_PATTERN, rom[0x100 / 4]);
	ASSERT_GUEST_DONE(vcpu);
	EXPECT_EQ(RO_PATTERN, rom[0x100 / 4]);
	hvm_destroy(vm);
}

/*
 * Page tables in read-only memory: PML4 entry 1 (linear 512 GiB up) leads
 * to a PDPT and a PD in the read-only slot, accessed bits clear. The CPU
 * must set those bits as it walks, and cannot: no instruction to emulate
 * as MMIO, an internal error naming the entry's address.
 */
#define PT_P		(1ull << 0)
#define PT_W		(1ull << 1)
#define PT_PS		(1ull << 7)
#define ROM_PT_LINEAR	(512ull << 30)

static void guest_rom_page_tables(void)
{
	GUEST_SYNC1(1, *(volatile uint64_t *)ROM_PT_LINEAR);
	GUEST_DONE();
}

TEST(page_tables_in_a_readonly_slot_are_an_internal_error)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_rom_page_tables, &vcpu);
	uint64_t *rom = hvm_add_region(vm, 1, RO_GPA, RO_SIZE, HOSPES_MEM_READONLY);
	uint64_t *pml4 = hvm_gpa2hva(vm, HVM_PML4_GPA);

	rom[0] = (RO_GPA + 0x1000) | PT_P | PT_W;	/* PDPT -> PD */
	rom[0x1000 / 8] = 0 | PT_P | PT_W | PT_PS;	/* PD -> 2 MiB at 0 */
	pml4[1] = RO_GPA | PT_P | PT_W;

	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_INTERNAL_ERROR);
	EXPECT_EQ(HOSPES_INTERNAL_ERROR_BAD_MEMORY, vcpu->run->internal.suberror);
	EXPECT_EQ(RO_GPA, vcpu->run->internal.data[0]);
	EXPECT_EQ(EFAULT, vcpu->run->internal.data[1]);
	EXPECT_EQ(PT_P | PT_W | (RO_GPA + 0x1000), rom[0]) TH_LOG("the ROM changed");
	hvm_destroy(vm);
}

/* ---- hypercalls -------------------------------------------------------- */

/* Numbers from HOSPES_HC_VMM_BASE up are the VMM's: they all exit. */

static void guest_hypercall(void)
{
	register uint64_t r10 asm("r10") = 0xa3;
	register uint64_t r8 asm("r8") = 0xa4;
	uint64_t rdi = 0xa0, rsi = 0xa1, rdx = 0xa2;
	uint64_t ret;

	asm volatile(HVM_HYPERCALL_INSN
		     : "=a"(ret), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10),
		       "+r"(r8)
		     : "a"(0x1234567ull) : "memory", "cc");
	GUEST_ASSERT_EQ(0xfedcba9876543210ull, ret);
	/* The argument registers are preserved. */
	GUEST_ASSERT_EQ(0xa0, rdi);
	GUEST_ASSERT_EQ(0xa1, rsi);
	GUEST_ASSERT_EQ(0xa2, rdx);
	GUEST_ASSERT_EQ(0xa3, r10);
	GUEST_ASSERT_EQ(0xa4, r8);

	/* A second one, answered with 0. */
	GUEST_ASSERT_EQ(0, hypercall(HOSPES_HC_VMM_BASE, 3, 4, 5, 6, 7));
	GUEST_DONE();
}

TEST(hypercall_exits_with_nr_and_args_and_returns_ret_in_rax)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_hypercall, &vcpu);
	struct hospes_run *run = vcpu->run;
	unsigned int i;

	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_HYPERCALL);
	EXPECT_EQ(0x1234567, run->hypercall.nr);
	for (i = 0; i < 5; i++)
		EXPECT_EQ(0xa0 + i, run->hypercall.args[i]) TH_LOG("arg %u", i);
	run->hypercall.ret = 0xfedcba9876543210ull;

	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_HYPERCALL);
	EXPECT_EQ(HOSPES_HC_VMM_BASE, run->hypercall.nr);
	for (i = 0; i < 5; i++)
		EXPECT_EQ(3 + i, run->hypercall.args[i]) TH_LOG("arg %u", i);
	run->hypercall.ret = 0;
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

/* ---- HLT, triple fault ------------------------------------------------- */

static void guest_hlt(void)
{
	cli();
	hlt();
	GUEST_SYNC(1);
	hlt();
	GUEST_DONE();
}

TEST(hlt_with_interrupts_off_exits_and_resumes_after_it)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_hlt, &vcpu);
	struct hospes_stats st;

	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_HLT);
	EXPECT_FALSE(vcpu->run->if_flag);
	ASSERT_GUEST_SYNC(vcpu, 1);
	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_HLT);
	ASSERT_GUEST_DONE(vcpu);
	hvcpu_get_stats(vcpu, &st);
	EXPECT_EQ(2, st.hlt_exits);
	hvm_destroy(vm);
}

static void guest_triple_fault(void)
{
	struct desc_ptr no_idt = { .limit = 0, .base = 0 };

	lidt(&no_idt);
	asm volatile("ud2");
	GUEST_FAIL("survived an exception with an empty IDT");
}

TEST(exception_with_empty_idt_is_a_shutdown)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_triple_fault, &vcpu);

	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_SHUTDOWN);
	hvm_destroy(vm);
}

/* ---- what the guest may not have ------------------------------------------ */

#define MSR_MISC_ENABLE		0x1a0
/* Fast strings on, no branch trace store, no PEBS. */
#define MISC_ENABLE_GUEST	((1ull << 0) | (1ull << 11) | (1ull << 12))
#define MISC_ENABLE_XD_DISABLE	(1ull << 34)
#define CR4_PCE			(1ull << 8)

static volatile uint64_t gp_count, gp_error;

/* #GP from a two-byte instruction (RDPMC, WRMSR): note it, skip it. */
static void guest_gp_handler(struct hvm_ex_frame *frame)
{
	gp_count++;
	gp_error = frame->error_code;
	frame->rip += 2;
}

/* RDPMC of counter ecx: the #GPs so far, or ~0 if it read something. */
static uint64_t guest_rdpmc(uint32_t ecx)
{
	uint32_t lo = 0xdead, hi = 0xbeef;

	asm volatile("rdpmc" : "+a"(lo), "+d"(hi) : "c"(ecx) : "memory");
	return lo == 0xdead && hi == 0xbeef ? gp_count : ~0ull;
}

static void guest_rdpmc_faults(void)
{
	uint64_t cr4 = get_cr4();

	/* At CPL 0 RDPMC is allowed; only the counters do not exist. */
	GUEST_SYNC2(1, guest_rdpmc(0), gp_error);
	/* Fixed-function counter 0, and with CR4.PCE too. */
	GUEST_SYNC2(2, guest_rdpmc(1u << 30), gp_error);
	asm volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_PCE) : "memory");
	GUEST_SYNC2(3, guest_rdpmc(1), gp_error);
	GUEST_DONE();
}

TEST(rdpmc_is_gp_on_every_backend)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_rdpmc_faults, &vcpu);
	struct ucall uc;
	unsigned int stage;

	hvm_install_handler(vm, 13, guest_gp_handler);
	for (stage = 1; stage <= 3; stage++) {
		ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
		EXPECT_EQ(stage, uc.args[0]);
		/* One more #GP each time, error code 0, RAX and RDX untouched. */
		EXPECT_EQ(stage, uc.args[1]) TH_LOG("RDPMC %u did not fault", stage);
		EXPECT_EQ(0, uc.args[2]);
	}
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

static void guest_misc_enable(void)
{
	uint64_t v = rdmsr(MSR_MISC_ENABLE);

	GUEST_SYNC1(1, v);
	/* Writing what it holds is fine; changing it is #GP. */
	wrmsr(MSR_MISC_ENABLE, v);
	GUEST_SYNC1(2, gp_count);
	wrmsr(MSR_MISC_ENABLE, v | MISC_ENABLE_XD_DISABLE);
	GUEST_SYNC2(3, gp_count, rdmsr(MSR_MISC_ENABLE));
	GUEST_DONE();
}

/* Linux reads it before it has an IDT when CPUID says GenuineIntel. */
TEST(misc_enable_reads_without_a_fault_and_keeps_its_value)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_misc_enable, &vcpu);
	struct hospes_msrs *msrs;
	struct ucall uc;

	hvm_install_handler(vm, 13, guest_gp_handler);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(1, uc.args[0]);
	EXPECT_EQ(MISC_ENABLE_GUEST, uc.args[1]);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(2, uc.args[0]);
	EXPECT_EQ(0, uc.args[1]);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(3, uc.args[0]);
	EXPECT_EQ(1, uc.args[1]);
	EXPECT_EQ(MISC_ENABLE_GUEST, uc.args[2]);
	ASSERT_GUEST_DONE(vcpu);

	/* Userspace sees the same, and can set nothing else either. */
	msrs = calloc(1, sizeof(*msrs) + sizeof(msrs->entries[0]));
	ASSERT_NE(NULL, msrs);
	msrs->nmsrs = 1;
	msrs->entries[0].index = MSR_MISC_ENABLE;
	EXPECT_EQ(1, __hvcpu_ioctl(vcpu, HOSPES_GET_MSRS, msrs));
	EXPECT_EQ(MISC_ENABLE_GUEST, msrs->entries[0].data);
	msrs->entries[0].data = 0;
	EXPECT_EQ(0, __hvcpu_ioctl(vcpu, HOSPES_SET_MSRS, msrs));
	free(msrs);
	hvm_destroy(vm);
}

/* ---- CPUID --------------------------------------------------------------- */

#define CPUID_VMX	(1u << 5)	/* 1.ECX */
#define CPUID_PCID	(1u << 17)	/* 1.ECX */
#define CPUID_X2APIC	(1u << 21)	/* 1.ECX */
#define CPUID_XSAVE	(1u << 26)	/* 1.ECX */
#define CPUID_OSXSAVE	(1u << 27)	/* 1.ECX */
#define CPUID_AVX	(1u << 28)	/* 1.ECX */
#define CPUID_SVM	(1u << 2)	/* 0x80000001.ECX */

static const struct { uint32_t fn, idx; } cpuid_queries[] = {
	{ 0, 0 },
	{ 1, 0 },
	{ 1, 0x55 },		/* not indexed: the index does not matter */
	{ 7, 0 },
	{ 7, 0x55 },		/* indexed, not in the table */
	{ 6, 0 },		/* removed from the table */
	{ 0x4ffffff0, 0 },	/* never in a table */
	{ 0x80000001, 0 },
	{ 0x80000002, 0 },
	{ 0x80000003, 0 },
	{ 0x80000004, 0 },
	{ 0x80000008, 0 },
};

static void guest_cpuid_queries(void)
{
	uint32_t a, b, c, d;
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(cpuid_queries); i++) {
		guest_cpuid(cpuid_queries[i].fn, cpuid_queries[i].idx,
			    &a, &b, &c, &d);
		ucall(UCALL_SYNC, 5, i, a, b, c, d);
	}
	GUEST_DONE();
}

static const char brand[48] = "hospes cpuid test: userspace's own brand string";

static struct hospes_cpuid_entry *must_find(struct __test_metadata *_metadata,
					    struct hospes_cpuid *c,
					    uint32_t fn, uint32_t idx)
{
	struct hospes_cpuid_entry *e = hospes_cpuid_find(c, fn, idx);

	if (!e) {
		/* Not on this host: add it (the table has room to spare). */
		ASSERT_LT(c->nent, HOSPES_MAX_CPUID_ENTRIES);
		e = &c->entries[c->nent++];
		memset(e, 0, sizeof(*e));
		e->function = fn;
	}
	return e;
}

static struct hospes_cpuid *test_table(struct __test_metadata *_metadata,
				       uint8_t phys_bits, uint32_t *absent_bit)
{
	const struct hospes_cpuid *host = hospes_host_cpuid();
	struct hospes_cpuid *c = hospes_cpuid_alloc(HOSPES_MAX_CPUID_ENTRIES);
	struct hospes_cpuid_entry *e;
	unsigned int i, bit;

	/* The host's table minus leaf 6 and any subleaf 0x55 of leaf 7. */
	c->nent = 0;
	for (i = 0; i < host->nent; i++)
		if (host->entries[i].function != 6 &&
		    !(host->entries[i].function == 7 && host->entries[i].index == 0x55))
			c->entries[c->nent++] = host->entries[i];

	e = must_find(_metadata, c, 1, 0);
	e->ecx |= CPUID_VMX | CPUID_PCID | CPUID_X2APIC | CPUID_XSAVE |
		  CPUID_OSXSAVE | CPUID_AVX;
	e = must_find(_metadata, c, 0x80000001, 0);
	e->ecx |= CPUID_SVM;
	for (i = 0; i < 3; i++) {
		e = must_find(_metadata, c, 0x80000002 + i, 0);
		memcpy(&e->eax, brand + 16 * i, 16);
	}
	e = must_find(_metadata, c, 0x80000008, 0);
	e->eax = (e->eax & ~0xffu) | phys_bits;

	/* A feature bit of 7.0.EBX the host lacks. */
	e = must_find(_metadata, c, 7, 0);
	e->flags = HOSPES_CPUID_FLAG_INDEXED;
	*absent_bit = 0;
	for (bit = 0; bit < 32; bit++)
		if (!(e->ebx & (1u << bit))) {
			*absent_bit = 1u << bit;
			e->ebx |= *absent_bit;
			break;
		}
	return c;
}

static void check_cpuid(struct __test_metadata *_metadata, struct hvcpu *vcpu,
			uint8_t phys_bits, uint32_t absent_bit)
{
	const struct hospes_cpuid *host = hospes_host_cpuid();
	struct hospes_cpuid *h = hospes_cpuid_dup(host);
	uint32_t host_phys_bits, leaf1[4] = { 0 };
	struct hospes_cpuid_entry *e;
	struct ucall uc;
	unsigned int i;

	e = hospes_cpuid_find(h, 0x80000008, 0);
	host_phys_bits = e ? e->eax & 0xff : 36;

	for (i = 0; i < ARRAY_LEN(cpuid_queries); i++) {
		uint32_t fn = cpuid_queries[i].fn, idx = cpuid_queries[i].idx;
		uint32_t a, b, c, d;

		ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
		ASSERT_EQ(i, uc.args[0]);
		a = uc.args[1];
		b = uc.args[2];
		c = uc.args[3];
		d = uc.args[4];
		switch (fn) {
		case 0:	/* the vendor string passes unchanged */
			e = hospes_cpuid_find(h, 0, 0);
			EXPECT_EQ(e->ebx, b);
			EXPECT_EQ(e->ecx, c);
			EXPECT_EQ(e->edx, d);
			break;
		case 1:
			if (idx == 0) {
				leaf1[0] = a;
				leaf1[1] = b;
				leaf1[2] = c;
				leaf1[3] = d;
				EXPECT_EQ(0, c & CPUID_VMX) TH_LOG("VMX shown");
				EXPECT_EQ(0, c & CPUID_PCID) TH_LOG("PCID shown");
				EXPECT_EQ(0, c & CPUID_X2APIC) TH_LOG("x2APIC shown");
				EXPECT_EQ(0, c & CPUID_XSAVE) TH_LOG("XSAVE shown");
				EXPECT_EQ(0, c & CPUID_OSXSAVE) TH_LOG("OSXSAVE shown");
				EXPECT_EQ(0, c & CPUID_AVX) TH_LOG("AVX shown");
				/* SSE2 is a host feature hospes offers. */
				EXPECT_NE(0, d & (1u << 26)) TH_LOG("SSE2 lost");
			} else {
				EXPECT_EQ(leaf1[0], a);
				EXPECT_EQ(leaf1[1], b);
				EXPECT_EQ(leaf1[2], c);
				EXPECT_EQ(leaf1[3], d);
			}
			break;
		case 7:
			if (idx == 0) {
				EXPECT_EQ(0, b & absent_bit)
					TH_LOG("7.0.EBX bit %#x the host lacks shown",
					       absent_bit);
				break;
			}
			/* not in the table */
			__attribute__((fallthrough));
		case 6:
		case 0x4ffffff0:
			EXPECT_EQ(0, a | b | c | d)
				TH_LOG("leaf %#x.%#x not in the table: %#x %#x %#x %#x",
				       fn, idx, a, b, c, d);
			break;
		case 0x80000001:
			EXPECT_EQ(0, c & CPUID_SVM) TH_LOG("SVM shown to the guest");
			break;
		case 0x80000002:
		case 0x80000003:
		case 0x80000004: {
			uint32_t want[4];

			memcpy(want, brand + 16 * (fn - 0x80000002), 16);
			EXPECT_EQ(want[0], a);
			EXPECT_EQ(want[1], b);
			EXPECT_EQ(want[2], c);
			EXPECT_EQ(want[3], d);
			break;
		}
		case 0x80000008:
			EXPECT_EQ(phys_bits < host_phys_bits ? phys_bits :
				  host_phys_bits, a & 0xff)
				TH_LOG("asked for %u bits, host has %u", phys_bits,
				       host_phys_bits);
			break;
		}
	}
	ASSERT_GUEST_DONE(vcpu);
	free(h);
}

TEST(cpuid_shows_the_table_filtered)
{
	struct hvm *vm = hvm_create(0);
	struct hvcpu *wide = hvm_add_vcpu(vm, 0, guest_cpuid_queries);
	struct hvcpu *narrow = hvm_add_vcpu(vm, 1, guest_cpuid_queries);
	struct hospes_cpuid *c;
	uint32_t absent;

	/* Wider than any host: capped. */
	c = test_table(_metadata, 63, &absent);
	hvcpu_set_cpuid(wide, c);
	free(c);
	/* Narrower than the host: kept. */
	c = test_table(_metadata, 36, &absent);
	hvcpu_set_cpuid(narrow, c);
	free(c);

	check_cpuid(_metadata, wide, 63, absent);
	check_cpuid(_metadata, narrow, 36, absent);
	hvm_destroy(vm);
}

TEST(set_cpuid_refuses_bad_tables)
{
	struct hvm *vm = hvm_create(0);
	struct hvcpu *vcpu = hvm_add_vcpu(vm, 0, guest_cpuid_queries);
	struct hospes_cpuid *c = hospes_cpuid_alloc(HOSPES_MAX_CPUID_ENTRIES + 1);

	c->nent = 1;
	c->entries[0].function = 1;
	EXPECT_EQ(0, __hvcpu_set_cpuid(vcpu, c)) TH_LOG("%s", strerror(errno));

	c->entries[0].flags = 1u << 1;		/* unknown flag */
	EXPECT_EQ(-1, __hvcpu_set_cpuid(vcpu, c));
	EXPECT_EQ(EINVAL, errno);
	c->entries[0].flags = 0;

	c->entries[0].reserved = 1;
	EXPECT_EQ(-1, __hvcpu_set_cpuid(vcpu, c));
	EXPECT_EQ(EINVAL, errno);
	c->entries[0].reserved = 0;

	c->pad = 1;
	EXPECT_EQ(-1, __hvcpu_set_cpuid(vcpu, c));
	EXPECT_EQ(EINVAL, errno);
	c->pad = 0;

	/* Over the limit: EINVAL (bad input) or ENOSPC (a limit). */
	c->nent = HOSPES_MAX_CPUID_ENTRIES + 1;
	EXPECT_EQ(-1, __hvcpu_set_cpuid(vcpu, c));
	EXPECT_TRUE(errno == EINVAL || errno == ENOSPC) TH_LOG("%s", strerror(errno));

	c->nent = HOSPES_MAX_CPUID_ENTRIES;
	EXPECT_EQ(0, __hvcpu_set_cpuid(vcpu, c)) TH_LOG("%s", strerror(errno));

	EXPECT_EQ(-1, __hvcpu_set_cpuid(vcpu, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	free(c);
	hvm_destroy(vm);
}

/* ---- signals and immediate_exit ----------------------------------------- */

static volatile uint64_t spin_stop;
static volatile uint64_t spin_count;

static void guest_spin_until_stopped(void)
{
	while (!spin_stop)
		spin_count++;
	GUEST_DONE();
}

TEST(immediate_exit_returns_eintr_without_entering_the_guest)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_spin_until_stopped, &vcpu);
	struct hospes_regs before, after;

	hvcpu_get_regs(vcpu, &before);
	vcpu->run->immediate_exit = 1;
	EXPECT_EQ(-1, hvcpu_run(vcpu));
	EXPECT_EQ(EINTR, vcpu->run_errno);
	ASSERT_EXIT_REASON(vcpu, HOSPES_EXIT_INTR);
	hvcpu_get_regs(vcpu, &after);
	EXPECT_EQ(before.rip, after.rip);
	EXPECT_EQ(0, HVM_GLOBAL(vm, spin_count));

	vcpu->run->immediate_exit = 0;
	HVM_GLOBAL(vm, spin_stop) = 1;
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

TEST(run_area_input_padding_must_be_zero)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_spin_until_stopped, &vcpu);
	unsigned int i;

	HVM_GLOBAL(vm, spin_stop) = 1;
	for (i = 0; i < sizeof(vcpu->run->pad_in); i++) {
		vcpu->run->pad_in[i] = 1;
		EXPECT_EQ(-1, hvcpu_run(vcpu)) TH_LOG("pad_in[%u] ignored", i);
		EXPECT_EQ(EINVAL, vcpu->run_errno) TH_LOG("pad_in[%u]", i);
		vcpu->run->pad_in[i] = 0;
	}
	EXPECT_EQ(0, HVM_GLOBAL(vm, spin_count)) TH_LOG("the guest ran");
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

static void on_sigusr1(int sig)
{
}

struct kicker {
	pthread_t target;
	volatile bool stop;
};

/* Signal the vCPU thread every 20 ms until told to stop. */
static void *kick(void *arg)
{
	struct kicker *k = arg;

	while (!k->stop) {
		hospes_msleep(20);
		pthread_kill(k->target, SIGUSR1);
	}
	return NULL;
}

TEST(signal_interrupts_run_with_eintr_and_the_guest_resumes)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };	/* no SA_RESTART */
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_spin_until_stopped, &vcpu);
	struct kicker k = { .target = pthread_self() };
	struct hospes_regs regs;
	struct hospes_stats st;
	pthread_t thread;
	uint64_t count;
	int ret;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, pthread_create(&thread, NULL, kick, &k));
	ret = hvcpu_run(vcpu);
	k.stop = true;
	pthread_join(thread, NULL);

	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EINTR, vcpu->run_errno);
	ASSERT_EXIT_REASON(vcpu, HOSPES_EXIT_INTR);
	hvcpu_get_stats(vcpu, &st);
	EXPECT_GE(st.signal_exits, 1);
	/* Stopped inside its loop, not before it started or after it ended. */
	hvcpu_get_regs(vcpu, &regs);
	EXPECT_GT(regs.rip, (uintptr_t)guest_spin_until_stopped);
	EXPECT_LT(regs.rip, (uintptr_t)guest_spin_until_stopped + 64);
	EXPECT_EQ(regs.rip, vcpu->run->rip);
	EXPECT_GT(HVM_GLOBAL(vm, spin_count), 0);

	/* The guest resumes where it was: the count goes on from there. */
	count = HVM_GLOBAL(vm, spin_count);
	HVM_GLOBAL(vm, spin_stop) = 1;
	ASSERT_GUEST_DONE(vcpu);
	EXPECT_GE(HVM_GLOBAL(vm, spin_count), count);
	hvm_destroy(vm);
}

/* ---- interrupt injection ---------------------------------------------- */

static volatile uint64_t irq_count, irq_vector;

static void guest_irq_handler(struct hvm_ex_frame *frame)
{
	irq_vector = frame->vector;
	irq_count++;
}

/* Open a window for interrupts, one instruction at a time, until n arrived. */
static void guest_wait_irqs(uint64_t n)
{
	uint64_t i;

	for (i = 0; irq_count < n && i < GUEST_SPIN_MAX; i++)
		asm volatile("sti; nop; cli" : : : "memory");
	GUEST_ASSERT_EQ(n, irq_count);
}

static void guest_interrupts(void)
{
	GUEST_SYNC(1);
	guest_wait_irqs(1);
	GUEST_SYNC1(2, irq_vector);
	guest_wait_irqs(2);
	GUEST_SYNC1(3, irq_vector);
	GUEST_DONE();
}

TEST(interrupt_is_injected_when_the_guest_enables_them)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_interrupts, &vcpu);
	struct hospes_stats st;
	struct ucall uc;

	hvm_install_handler(vm, 0x40, guest_irq_handler);
	hvm_install_handler(vm, 0x41, guest_irq_handler);
	ASSERT_GUEST_SYNC(vcpu, 1);
	EXPECT_FALSE(vcpu->run->if_flag);
	EXPECT_FALSE(vcpu->run->ready_for_interrupt_injection);

	EXPECT_EQ(0, hvcpu_interrupt(vcpu, 0x40)) TH_LOG("%s", strerror(errno));
	/* One at a time. */
	EXPECT_EQ(-1, hvcpu_interrupt(vcpu, 0x41));
	EXPECT_EQ(EBUSY, errno);

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(2, uc.args[0]);
	EXPECT_EQ(0x40, uc.args[1]);
	EXPECT_EQ(1, HVM_GLOBAL(vm, irq_count));

	/* Delivered: room for the next one. */
	EXPECT_EQ(0, hvcpu_interrupt(vcpu, 0x41)) TH_LOG("%s", strerror(errno));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(3, uc.args[0]);
	EXPECT_EQ(0x41, uc.args[1]);
	ASSERT_GUEST_DONE(vcpu);
	EXPECT_EQ(2, HVM_GLOBAL(vm, irq_count));

	hvcpu_get_stats(vcpu, &st);
	EXPECT_EQ(2, st.injected_irqs);
	hvm_destroy(vm);
}

TEST(interrupt_vector_must_be_32_to_255_and_pad_zero)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_interrupts, &vcpu);
	struct hospes_interrupt irq = { .vector = 0x40, .pad = 1 };
	static const uint32_t bad[] = { 0, 2, 14, 31, 256, 0xffffffff };
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		EXPECT_EQ(-1, hvcpu_interrupt(vcpu, bad[i]));
		EXPECT_EQ(EINVAL, errno) TH_LOG("vector %u", bad[i]);
	}
	EXPECT_EQ(-1, __hvcpu_ioctl(vcpu, HOSPES_INTERRUPT, &irq));
	EXPECT_EQ(EINVAL, errno);
	/* Nothing was queued by the refused calls. */
	EXPECT_EQ(0, hvcpu_interrupt(vcpu, 255)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(-1, hvcpu_interrupt(vcpu, 32));
	EXPECT_EQ(EBUSY, errno);
	hvm_destroy(vm);
}

static void guest_sti_cpuid_cli(void)
{
	uint32_t a = 0, b, c = 0, d;

	GUEST_SYNC(1);
	/*
	 * STI holds interrupts off for one more instruction: a pending one
	 * is taken after the CPUID and before the CLI, although the
	 * hypervisor emulates that CPUID.
	 */
	asm volatile("sti; cpuid; cli"
		     : "+a"(a), "=b"(b), "+c"(c), "=d"(d) : : "memory");
	GUEST_SYNC1(2, irq_count);
	GUEST_DONE();
}

TEST(interrupt_is_taken_after_an_emulated_instruction_in_the_sti_shadow)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_sti_cpuid_cli, &vcpu);
	struct ucall uc;

	hvm_install_handler(vm, 0x40, guest_irq_handler);
	ASSERT_GUEST_SYNC(vcpu, 1);
	EXPECT_EQ(0, hvcpu_interrupt(vcpu, 0x40)) TH_LOG("%s", strerror(errno));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(2, uc.args[0]);
	EXPECT_EQ(1, uc.args[1]) TH_LOG("interrupts taken between STI;CPUID and CLI");
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

static void guest_halt_for_irq(void)
{
	uint64_t hlts;

	GUEST_SYNC(1);
	/*
	 * HLT with interrupts on waits in the kernel until the interrupt
	 * comes: one HLT is all it takes. The bound only keeps a broken
	 * HLT from spinning forever.
	 */
	for (hlts = 0; !irq_count && hlts < 1000; hlts++) {
		sti_hlt();
		cli();
	}
	GUEST_SYNC2(2, irq_vector, hlts);
	GUEST_DONE();
}

struct delayed_irq {
	struct hvcpu *vcpu;
	unsigned int ms;
	int ret, err;
};

static void *send_irq_later(void *arg)
{
	struct delayed_irq *d = arg;

	hospes_msleep(d->ms);
	d->ret = hvcpu_interrupt(d->vcpu, 0x40);
	d->err = errno;
	return NULL;
}

TEST(halted_vcpu_wakes_up_for_an_interrupt_from_another_thread)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_halt_for_irq, &vcpu);
	struct delayed_irq d = { .vcpu = vcpu, .ms = 200 };
	struct hospes_stats before, after;
	uint64_t t0, t1;
	pthread_t thread;
	struct ucall uc;

	hvm_install_handler(vm, 0x40, guest_irq_handler);
	ASSERT_GUEST_SYNC(vcpu, 1);
	hvcpu_get_stats(vcpu, &before);
	ASSERT_EQ(0, pthread_create(&thread, NULL, send_irq_later, &d));
	t0 = hospes_now_ns();
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	t1 = hospes_now_ns();
	pthread_join(thread, NULL);
	EXPECT_EQ(0, d.ret) TH_LOG("HOSPES_INTERRUPT: %s", strerror(d.err));
	EXPECT_EQ(2, uc.args[0]);
	EXPECT_EQ(0x40, uc.args[1]);
	EXPECT_EQ(1, uc.args[2]) TH_LOG("HLTs the guest needed");
	/* The run lasted until the interrupt came. */
	EXPECT_GE(t1 - t0, d.ms * 1000000ull * 9 / 10);
	hvcpu_get_stats(vcpu, &after);
	/* Nothing bounced through userspace while halted. */
	EXPECT_EQ(1, after.exits_to_user - before.exits_to_user);
	EXPECT_EQ(1, after.injected_irqs - before.injected_irqs);
	EXPECT_EQ(1, after.halt_wakeups - before.halt_wakeups);
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

static void guest_open_window(void)
{
	uint64_t i;

	GUEST_SYNC(1);
	sti();
	for (i = 0; !irq_count && i < GUEST_SPIN_MAX; i++)
		asm volatile("nop");
	cli();
	GUEST_SYNC1(2, irq_count);
	GUEST_DONE();
}

TEST(request_interrupt_window_exits_when_the_guest_can_take_one)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_open_window, &vcpu);
	struct hospes_run *run = vcpu->run;
	struct hospes_stats st;
	struct ucall uc;

	hvm_install_handler(vm, 0x40, guest_irq_handler);
	ASSERT_GUEST_SYNC(vcpu, 1);
	EXPECT_FALSE(run->ready_for_interrupt_injection);
	run->request_interrupt_window = 1;
	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_IRQ_WINDOW_OPEN);
	EXPECT_TRUE(run->if_flag);
	EXPECT_TRUE(run->ready_for_interrupt_injection);
	run->request_interrupt_window = 0;

	EXPECT_EQ(0, hvcpu_interrupt(vcpu, 0x40)) TH_LOG("%s", strerror(errno));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(2, uc.args[0]);
	EXPECT_EQ(1, uc.args[1]);
	ASSERT_GUEST_DONE(vcpu);
	hvcpu_get_stats(vcpu, &st);
	EXPECT_GE(st.irq_window_exits, 1);
	hvm_destroy(vm);
}

/* ---- counters ------------------------------------------------------------ */

#define N_OUT	5
#define N_HCALL	3
#define N_HLT	2
#define N_CPUID	4
#define N_MMIO	2

static void guest_exit_mix(void)
{
	uint32_t a, b, c, d;
	int i;

	GUEST_SYNC(1);
	for (i = 0; i < N_OUT; i++)
		outb(0x80, i);
	for (i = 0; i < N_HCALL; i++)
		hypercall(HOSPES_HC_VMM_BASE + i, 0, 0, 0, 0, 0);
	for (i = 0; i < N_HLT; i++)
		hlt();
	for (i = 0; i < N_CPUID; i++)
		guest_cpuid(0, 0, &a, &b, &c, &d);
	for (i = 0; i < N_MMIO; i++)
		(void)*(volatile uint32_t *)HVM_MMIO_GPA;
	GUEST_SYNC(2);
	GUEST_DONE();
}

#define EXPECT_DELTA(n, field) \
	EXPECT_EQ((uint64_t)(n), after.field - before.field) TH_LOG(#field)

TEST(exit_counters_count_each_exit)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_exit_mix, &vcpu);
	struct hospes_stats before, after, vmst;
	unsigned int i, user = N_OUT + N_HCALL + N_HLT + N_MMIO + 1;

	ASSERT_GUEST_SYNC(vcpu, 1);
	hvcpu_get_stats(vcpu, &before);
	EXPECT_EQ(sizeof(struct hospes_stats), before.size);
	EXPECT_EQ(1, before.vcpus);
	/* The run that ended in this ucall is counted. */
	EXPECT_GE(before.runs, 1);
	EXPECT_GE(before.io_exits, 1);

	for (i = 0; i < user - 1; i++) {
		ASSERT_RUN_OK(vcpu);
		if (vcpu->run->exit_reason == HOSPES_EXIT_MMIO)
			memset(vcpu->run->mmio.data, 0, 8);
	}
	ASSERT_GUEST_SYNC(vcpu, 2);
	hvcpu_get_stats(vcpu, &after);

	EXPECT_DELTA(user, runs);
	EXPECT_DELTA(user, exits_to_user);
	EXPECT_DELTA(N_OUT + 1, io_exits);
	EXPECT_DELTA(N_HCALL, hypercall_exits);
	EXPECT_DELTA(N_HLT, hlt_exits);
	EXPECT_DELTA(N_CPUID, cpuid_exits);
	EXPECT_DELTA(N_MMIO, mmio_exits);
	EXPECT_DELTA(0, signal_exits);
	EXPECT_DELTA(0, injected_irqs);
	EXPECT_GE(after.exits - before.exits, user + N_CPUID);
	EXPECT_GE(after.exits, after.exits_to_user);
	for (i = 0; i < ARRAY_LEN(after.reserved); i++)
		EXPECT_EQ(0, after.reserved[i]);

	/* The VM's counts are its vCPUs', even once the vCPU is gone. */
	hvm_get_stats(vm, &vmst);
	EXPECT_EQ(sizeof(struct hospes_stats), vmst.size);
	EXPECT_EQ(1, vmst.vcpus);
	EXPECT_EQ(after.runs, vmst.runs);
	EXPECT_EQ(after.io_exits, vmst.io_exits);
	EXPECT_EQ(after.hypercall_exits, vmst.hypercall_exits);
	EXPECT_EQ(after.cpuid_exits, vmst.cpuid_exits);
	EXPECT_GE(vmst.pages_mapped_4k + vmst.pages_mapped_2m, 1);
	hvcpu_destroy(vcpu);
	hvm_get_stats(vm, &vmst);
	EXPECT_EQ(1, vmst.vcpus);
	EXPECT_EQ(after.runs, vmst.runs);
	EXPECT_EQ(after.hlt_exits, vmst.hlt_exits);
	EXPECT_EQ(after.mmio_exits, vmst.mmio_exits);
	hvm_destroy(vm);
}

TEST_HARNESS_MAIN
