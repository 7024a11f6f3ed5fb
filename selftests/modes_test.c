// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU modes: guests in real mode, 32-bit protected mode and long mode run
 * and see the state userspace gave them; GET/SET_REGS, GET/SET_SREGS and
 * GET/SET_MSRS round-trip; SET_SREGS refuses a state the CPU would refuse.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "hospes_util.h"

#define __STR(x) #x
#define STR(x) __STR(x)

/* ---- real mode ------------------------------------------------------- */

#define REAL_CS		0x1000		/* code at 0x10000 */
#define REAL_DS		0x0200		/* data at 0x2000 */

extern const char real_code[], real_code_end[];
asm(
"	.pushsection .text\n"
"	.code16\n"
"real_code:\n"
"	mov $0x1234, %ax\n"
"	add $0x0101, %ax\n"		/* 0x1335 */
"	out %ax, $0x10\n"		/* OUT imm8 port, 2 bytes */
"	in $0x11, %al\n"		/* IN 1 byte: AX = 0x13xx */
"	mov $0x1235, %dx\n"
"	out %al, %dx\n"			/* OUT DX port, 1 byte */
"	mov %ax, %bx\n"
"	mov $3, %cx\n"
"	imul %cx, %bx\n"
"	push %bx\n"
"	pop %bp\n"
"	mov $" STR(REAL_DS) ", %ax\n"
"	mov %ax, %ds\n"
"	mov %bx, 0x10\n"		/* DS:0x10 = linear 0x2010 */
"	mov $0x3456, %dx\n"
"	in %dx, %ax\n"			/* IN DX port, 2 bytes */
"	mov %ax, 0x12\n"
	/* The same linear address through another CS. */
"	ljmp $(" STR(REAL_CS) " - 1), $(1f - real_code + 0x10)\n"
"1:	mov %cs, %si\n"
"	call 2f\n"
"	hlt\n"
"	mov $0x7777, %di\n"
"	hlt\n"
"2:	mov $0x5a5a, %di\n"
"	ret\n"
"real_code_end:\n"
"	.code64\n"
"	.popsection\n");

TEST(real_mode_guest_does_io_arithmetic_and_segmentation)
{
	struct hvm *vm = hvm_create(0);
	struct hvcpu *vcpu = hvm_add_vcpu_bare(vm, 0);
	struct hospes_run *run = vcpu->run;
	struct hospes_sregs sregs;
	struct hospes_regs regs;
	uint16_t mem[2];

	hvm_load_code(vm, REAL_CS << 4, real_code, real_code_end);
	hvcpu_setup_real_mode(vcpu, REAL_CS, 0);

	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_IO);
	EXPECT_EQ(HOSPES_EXIT_IO_OUT, run->io.direction);
	EXPECT_EQ(0x10, run->io.port);
	EXPECT_EQ(2, run->io.size);
	EXPECT_EQ(0x1335, run->io.data);

	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_IO);
	EXPECT_EQ(HOSPES_EXIT_IO_IN, run->io.direction);
	EXPECT_EQ(0x11, run->io.port);
	EXPECT_EQ(1, run->io.size);
	run->io.data = 0x42;

	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_IO);
	EXPECT_EQ(HOSPES_EXIT_IO_OUT, run->io.direction);
	EXPECT_EQ(0x1235, run->io.port);
	EXPECT_EQ(1, run->io.size);
	EXPECT_EQ(0x42, run->io.data);

	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_IO);
	EXPECT_EQ(HOSPES_EXIT_IO_IN, run->io.direction);
	EXPECT_EQ(0x3456, run->io.port);
	EXPECT_EQ(2, run->io.size);
	run->io.data = 0xbeef;

	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_HLT);

	hvcpu_get_regs(vcpu, &regs);
	EXPECT_EQ(0x1342 * 3 & 0xffff, regs.rbx & 0xffff);
	EXPECT_EQ(regs.rbx & 0xffff, regs.rbp & 0xffff);	/* via the stack */
	EXPECT_EQ(0xbeef, regs.rax & 0xffff);
	EXPECT_EQ(REAL_CS - 1, regs.rsi & 0xffff);
	EXPECT_EQ(0x5a5a, regs.rdi & 0xffff);	/* the CALL returned */
	EXPECT_EQ(HVM_REAL_STACK_TOP, regs.rsp & 0xffff);
	hvm_read(vm, (REAL_DS << 4) + 0x10, mem, sizeof(mem));
	EXPECT_EQ(0x1342 * 3 & 0xffff, mem[0]);
	EXPECT_EQ(0xbeef, mem[1]);

	hvcpu_get_sregs(vcpu, &sregs);
	EXPECT_EQ(REAL_CS - 1, sregs.cs.selector);
	EXPECT_EQ((REAL_CS - 1) << 4, sregs.cs.base);
	EXPECT_EQ(REAL_DS, sregs.ds.selector);
	EXPECT_EQ(REAL_DS << 4, sregs.ds.base);
	EXPECT_EQ(0, sregs.cr0 & X86_CR0_PE);

	/* HLT resumes at the next instruction. */
	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_HLT);
	hvcpu_get_regs(vcpu, &regs);
	EXPECT_EQ(0x7777, regs.rdi & 0xffff);
	hvm_destroy(vm);
}

/* ---- 32-bit protected mode ------------------------------------------- */

#define PM_GPA		0x20000
#define PM_DATA_GPA	(HVM_SCRATCH_GPA + 0x10)	/* above 1 MiB */

extern const char pm_code[], pm_code_end[];
asm(
"	.pushsection .text\n"
"	.code32\n"
"pm_code:\n"
"	ljmp $" STR(HVM_SEL_CODE32) ", $(" STR(PM_GPA) " + 1f - pm_code)\n"
"1:	mov $" STR(HVM_SEL_DATA) ", %ax\n"
"	mov %ax, %ds\n"
"	mov %ax, %es\n"
"	mov %ax, %ss\n"
"	mov $0x12345678, %eax\n"
"	out %eax, $0x12\n"		/* OUT 4 bytes */
"	mov $" STR(PM_DATA_GPA) ", %edi\n"
"	movl $0xcafef00d, (%edi)\n"
"	mov (%edi), %ebx\n"
"	mov %cr0, %ecx\n"
"	in $0x13, %eax\n"		/* IN 4 bytes */
"	add %eax, %ebx\n"
"	push %ebx\n"
"	pop %esi\n"
"	mov %cs, %edx\n"
"	hlt\n"
"pm_code_end:\n"
"	.code64\n"
"	.popsection\n");

TEST(protected_mode_guest_runs_flat_32bit_code)
{
	struct hvm *vm = hvm_create(0);
	struct hvcpu *vcpu = hvm_add_vcpu_bare(vm, 0);
	struct hospes_run *run = vcpu->run;
	struct hospes_regs regs;
	uint32_t word;

	hvm_load_code(vm, PM_GPA, pm_code, pm_code_end);
	hvcpu_setup_protected_mode(vcpu, PM_GPA);

	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_IO);
	EXPECT_EQ(HOSPES_EXIT_IO_OUT, run->io.direction);
	EXPECT_EQ(0x12, run->io.port);
	EXPECT_EQ(4, run->io.size);
	EXPECT_EQ(0x12345678, run->io.data);

	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_IO);
	EXPECT_EQ(HOSPES_EXIT_IO_IN, run->io.direction);
	EXPECT_EQ(0x13, run->io.port);
	EXPECT_EQ(4, run->io.size);
	run->io.data = 0x89abcdef;

	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_HLT);
	hvcpu_get_regs(vcpu, &regs);
	EXPECT_EQ((0xcafef00dull + 0x89abcdefull) & 0xffffffff,
		  regs.rsi & 0xffffffff);
	EXPECT_EQ(X86_CR0_PE, regs.rcx & (X86_CR0_PE | X86_CR0_PG));
	EXPECT_EQ(HVM_SEL_CODE32, regs.rdx & 0xffff);
	hvm_read(vm, PM_DATA_GPA, &word, sizeof(word));
	EXPECT_EQ(0xcafef00d, word);
	hvm_destroy(vm);
}

/* ---- from real mode to long mode, as a boot loader goes -------------- */

#define BOOT_GPA	(REAL_CS << 4)
/* For the assembler, which takes no C suffixes. */
#define BOOT_PML4	0x1000
#define BOOT_GDT	0x7000
#define BOOT_CR0_PE	0x1
#define BOOT_CR0_PG	0x80000000
#define BOOT_CR4_PAE	0x20
#define BOOT_EFER	0xc0000080
#define BOOT_EFER_LME	0x100
_Static_assert(BOOT_PML4 == HVM_PML4_GPA && BOOT_GDT == HVM_GDT_GPA, "");
_Static_assert(BOOT_CR0_PE == X86_CR0_PE && BOOT_CR0_PG == X86_CR0_PG, "");
_Static_assert(BOOT_CR4_PAE == X86_CR4_PAE && BOOT_EFER == MSR_EFER, "");
_Static_assert(BOOT_EFER_LME == X86_EFER_LME, "");

/*
 * Real mode: load the library's GDT, set CR0.PE, jump to 32-bit code; there
 * enable PAE, load CR3, set EFER.LME, set CR0.PG, jump to 64-bit code; there
 * report EFER and CR0 and do 64-bit arithmetic. Each step is the guest's
 * own instruction: the hypervisor must follow the mode changes (under VMX
 * it emulates the CR0 writes and EFER.LMA).
 */
extern const char boot_code[], boot_code_end[];
asm(
"	.pushsection .text\n"
"	.code16\n"
"boot_code:\n"
"	lgdtl %cs:(boot_gdt - boot_code)\n"
"	mov %cr0, %eax\n"
"	or $" STR(BOOT_CR0_PE) ", %eax\n"
"	mov %eax, %cr0\n"
"	ljmpl $" STR(HVM_SEL_CODE32) ", $(" STR(BOOT_GPA) " + 1f - boot_code)\n"
"	.code32\n"
"1:	mov $" STR(HVM_SEL_DATA) ", %ax\n"
"	mov %ax, %ds\n"
"	mov %ax, %es\n"
"	mov %ax, %ss\n"
"	mov %cr4, %eax\n"
"	or $" STR(BOOT_CR4_PAE) ", %eax\n"
"	mov %eax, %cr4\n"
"	mov $" STR(BOOT_PML4) ", %eax\n"
"	mov %eax, %cr3\n"
"	mov $" STR(BOOT_EFER) ", %ecx\n"
"	rdmsr\n"
"	or $" STR(BOOT_EFER_LME) ", %eax\n"
"	wrmsr\n"
"	mov %cr0, %eax\n"
"	or $" STR(BOOT_CR0_PG) ", %eax\n"
"	mov %eax, %cr0\n"
"	ljmp $" STR(HVM_SEL_CODE64) ", $(" STR(BOOT_GPA) " + 2f - boot_code)\n"
"	.code64\n"
"2:	mov $" STR(BOOT_EFER) ", %ecx\n"
"	rdmsr\n"
"	mov %eax, %esi\n"
"	mov %cr0, %rdi\n"
"	movabs $0x123456789, %rbx\n"
"	add %rbx, %rbx\n"
"	hlt\n"
"	.balign 8\n"
"boot_gdt:\n"
"	.word " STR(HVM_GDT_LIMIT) "\n"
"	.long " STR(BOOT_GDT) "\n"
"boot_code_end:\n"
"	.popsection\n");

TEST(real_mode_guest_switches_to_long_mode_by_itself)
{
	struct hvm *vm = hvm_create(0);
	struct hvcpu *vcpu = hvm_add_vcpu_bare(vm, 0);
	struct hospes_sregs sregs;
	struct hospes_regs regs;

	hvm_load_code(vm, BOOT_GPA, boot_code, boot_code_end);
	hvcpu_setup_real_mode(vcpu, REAL_CS, 0);

	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_HLT);
	hvcpu_get_regs(vcpu, &regs);
	EXPECT_EQ(X86_EFER_LME | X86_EFER_LMA,
		  regs.rsi & (X86_EFER_LME | X86_EFER_LMA));
	/* The guest's own CR0: nothing a hypervisor needs set shows. */
	EXPECT_EQ(X86_CR0_PE | X86_CR0_ET | X86_CR0_PG, regs.rdi);
	EXPECT_EQ(0x2468acf12ull, regs.rbx);

	hvcpu_get_sregs(vcpu, &sregs);
	EXPECT_EQ(X86_CR0_PE | X86_CR0_ET | X86_CR0_PG, sregs.cr0);
	EXPECT_EQ(X86_CR4_PAE, sregs.cr4);
	EXPECT_EQ(HVM_PML4_GPA, sregs.cr3);
	EXPECT_EQ(X86_EFER_LME | X86_EFER_LMA, sregs.efer);
	EXPECT_EQ(HVM_SEL_CODE64, sregs.cs.selector);
	EXPECT_EQ(1, sregs.cs.l);
	hvm_destroy(vm);
}

/* ---- long mode through the library ----------------------------------- */

static volatile uint64_t lm_initialised = 0x0123456789abcdefull;
static volatile uint64_t lm_written;

static void guest_long_mode(uint64_t id)
{
	uint64_t x = 0xfffffffffull;
	struct desc_ptr gdt, idt;

	GUEST_ASSERT_EQ(0, id);
	GUEST_ASSERT_EQ(X86_CR0_PE | X86_CR0_PG,
			get_cr0() & (X86_CR0_PE | X86_CR0_PG));
	GUEST_ASSERT(get_cr4() & X86_CR4_PAE);
	GUEST_ASSERT_EQ(HVM_PML4_GPA, get_cr3() & ~0xfffull);
	GUEST_ASSERT_EQ(X86_EFER_LME | X86_EFER_LMA,
			rdmsr(MSR_EFER) & (X86_EFER_LME | X86_EFER_LMA));
	GUEST_ASSERT(!(get_rflags() & X86_RFLAGS_IF));
	sgdt(&gdt);
	sidt(&idt);
	GUEST_ASSERT_EQ(HVM_GDT_GPA, gdt.base);
	GUEST_ASSERT_EQ(HVM_IDT_GPA, idt.base);
	/* Initialised data of the image is there. */
	GUEST_ASSERT_EQ(0x0123456789abcdefull, lm_initialised);
	GUEST_SYNC(1);

	/* 64-bit arithmetic; globals written back. */
	x = x * 0x11 + 1;
	GUEST_ASSERT_EQ(0x10ffffffff0ull, x);
	lm_written = x;

	/* The GDT the library built is good enough to reload from. */
	guest_reload_segments();
	GUEST_SYNC1(2, lm_initialised);
	GUEST_DONE();
}

TEST(long_mode_guest_runs_c_code)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_long_mode, &vcpu);
	struct ucall uc;

	ASSERT_GUEST_SYNC(vcpu, 1);
	/* The host writes the guest's copy of a global... */
	HVM_GLOBAL(vm, lm_initialised) = 0xfeedfacecafebeefull;
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(2, uc.args[0]);
	EXPECT_EQ(0xfeedfacecafebeefull, uc.args[1]);
	/* ...and reads what the guest wrote; its own copy is untouched. */
	EXPECT_EQ(0x10ffffffff0ull, HVM_GLOBAL(vm, lm_written));
	EXPECT_EQ(0, lm_written);
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

static void guest_just_returns(void)
{
}

TEST(long_mode_guest_function_returning_is_done)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_just_returns, &vcpu);

	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

static void guest_ud2(void)
{
	asm volatile("ud2");
}

TEST(long_mode_guest_exception_is_reported)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_ud2, &vcpu);
	struct ucall uc;

	/* The library's IDT catches it: #UD (6) at the UD2. */
	ASSERT_UCALL(vcpu, UCALL_UNHANDLED, &uc);
	EXPECT_EQ(6, uc.args[0]);
	EXPECT_GE(uc.args[2], (uintptr_t)guest_ud2);
	EXPECT_LT(uc.args[2], (uintptr_t)guest_ud2 + 16);
	hvm_destroy(vm);
}

/* ---- register round trips -------------------------------------------- */

static void guest_echo_args(uint64_t rdi, uint64_t rsi, uint64_t rdx,
			    uint64_t rcx, uint64_t r8)
{
	ucall(UCALL_SYNC, 6, 1, rdi, rsi, rdx, rcx, r8);
}

TEST(regs_round_trip)
{
	struct hvm *vm = hvm_create(0);
	struct hvcpu *vcpu = hvm_add_vcpu_bare(vm, 0);
	struct hospes_regs in, out;
	uint64_t *w = (uint64_t *)&in;
	struct ucall uc;
	unsigned int i;

	hvcpu_setup_long_mode(vcpu, guest_echo_args);
	hvcpu_get_regs(vcpu, &out);
	for (i = 0; i < sizeof(in) / 8; i++)
		w[i] = 0x1111111111111111ull * (i % 15 + 1) + i;
	/* Where the library put the stack, with its return address. */
	in.rsp = out.rsp;
	in.rip = (uintptr_t)guest_echo_args;
	/* CF PF AF ZF SF OF and the fixed bit 1. */
	in.rflags = 0x8d7;
	hvcpu_set_regs(vcpu, &in);
	memset(&out, 0xa5, sizeof(out));
	hvcpu_get_regs(vcpu, &out);
	for (i = 0; i < sizeof(in) / 8; i++)
		EXPECT_EQ(w[i], ((uint64_t *)&out)[i]) TH_LOG("register %u", i);

	/* The guest got them. */
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(in.rdi, uc.args[1]);
	EXPECT_EQ(in.rsi, uc.args[2]);
	EXPECT_EQ(in.rdx, uc.args[3]);
	EXPECT_EQ(in.rcx, uc.args[4]);
	EXPECT_EQ(in.r8, uc.args[5]);
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

#define EXPECT_SEG_EQ(a, b) do {					\
	EXPECT_EQ((a).base, (b).base) TH_LOG(#a ".base");		\
	EXPECT_EQ((a).limit, (b).limit) TH_LOG(#a ".limit");		\
	EXPECT_EQ((a).selector, (b).selector) TH_LOG(#a ".selector");	\
	EXPECT_EQ((a).type, (b).type) TH_LOG(#a ".type");		\
	EXPECT_EQ((a).present, (b).present) TH_LOG(#a ".present");	\
	EXPECT_EQ((a).dpl, (b).dpl) TH_LOG(#a ".dpl");			\
	EXPECT_EQ((a).db, (b).db) TH_LOG(#a ".db");			\
	EXPECT_EQ((a).s, (b).s) TH_LOG(#a ".s");			\
	EXPECT_EQ((a).l, (b).l) TH_LOG(#a ".l");			\
	EXPECT_EQ((a).g, (b).g) TH_LOG(#a ".g");			\
	EXPECT_EQ((a).avl, (b).avl) TH_LOG(#a ".avl");			\
	EXPECT_EQ((a).unusable, (b).unusable) TH_LOG(#a ".unusable");	\
	EXPECT_EQ(0, (b).pad) TH_LOG(#b ".pad");			\
} while (0)

static void expect_sregs_eq(struct __test_metadata *_metadata,
			    const struct hospes_sregs *a,
			    const struct hospes_sregs *b)
{
	unsigned int i;

	EXPECT_SEG_EQ(a->cs, b->cs);
	EXPECT_SEG_EQ(a->ds, b->ds);
	EXPECT_SEG_EQ(a->es, b->es);
	EXPECT_SEG_EQ(a->fs, b->fs);
	EXPECT_SEG_EQ(a->gs, b->gs);
	EXPECT_SEG_EQ(a->ss, b->ss);
	EXPECT_SEG_EQ(a->tr, b->tr);
	/* An unusable LDT has no other state worth comparing. */
	EXPECT_EQ(a->ldt.unusable, b->ldt.unusable);
	if (!a->ldt.unusable)
		EXPECT_SEG_EQ(a->ldt, b->ldt);
	EXPECT_EQ(a->gdt.base, b->gdt.base);
	EXPECT_EQ(a->gdt.limit, b->gdt.limit);
	EXPECT_EQ(a->idt.base, b->idt.base);
	EXPECT_EQ(a->idt.limit, b->idt.limit);
	EXPECT_EQ(a->cr0, b->cr0);
	EXPECT_EQ(a->cr2, b->cr2);
	EXPECT_EQ(a->cr3, b->cr3);
	EXPECT_EQ(a->cr4, b->cr4);
	EXPECT_EQ(a->cr8, b->cr8);
	EXPECT_EQ(a->efer, b->efer);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(0, b->gdt.pad[i]);
		EXPECT_EQ(0, b->idt.pad[i]);
	}
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, b->reserved[i]);
}

TEST(sregs_round_trip_long_mode)
{
	struct hvm *vm = hvm_create(0);
	struct hvcpu *vcpu = hvm_add_vcpu_bare(vm, 0);
	struct hospes_sregs in, out;

	hvm_sregs_long_mode(vm, &in);
	in.cr2 = 0xdead0000beefull;
	in.cr8 = 5;
	in.fs.base = 0x7f0012345000ull;
	in.gs.base = 0xffff888012340000ull;
	hvcpu_set_sregs(vcpu, &in);
	memset(&out, 0xa5, sizeof(out));
	hvcpu_get_sregs(vcpu, &out);
	expect_sregs_eq(_metadata, &in, &out);
	hvm_destroy(vm);
}

TEST(sregs_round_trip_real_mode)
{
	struct hvm *vm = hvm_create(0);
	struct hvcpu *vcpu = hvm_add_vcpu_bare(vm, 0);
	struct hospes_sregs in, out;

	hvcpu_setup_real_mode(vcpu, 0xf000, 0xfff0);
	hvcpu_get_sregs(vcpu, &in);
	EXPECT_EQ(0xf0000, in.cs.base);
	EXPECT_EQ(0xf000, in.cs.selector);
	EXPECT_EQ(0xffff, in.cs.limit);
	in.ds.selector = 0x1234;
	in.ds.base = 0x12340;
	hvcpu_set_sregs(vcpu, &in);
	hvcpu_get_sregs(vcpu, &out);
	expect_sregs_eq(_metadata, &in, &out);
	hvm_destroy(vm);
}

/* ---- state the CPU would refuse -------------------------------------- */

struct bad_sregs {
	const char *what;
	void (*spoil)(struct hospes_sregs *s);
};

static void pg_without_pe(struct hospes_sregs *s) { s->cr0 &= ~X86_CR0_PE; }
static void lme_pg_without_pae(struct hospes_sregs *s) { s->cr4 &= ~X86_CR4_PAE; }
static void cr4_reserved_bit_63(struct hospes_sregs *s) { s->cr4 |= 1ull << 63; }
static void cr4_reserved_bit_15(struct hospes_sregs *s) { s->cr4 |= 1ull << 15; }
static void cr0_upper_half(struct hospes_sregs *s) { s->cr0 |= 1ull << 32; }
static void cr0_nw_without_cd(struct hospes_sregs *s) { s->cr0 |= X86_CR0_NW; }
static void efer_reserved_bit_63(struct hospes_sregs *s) { s->efer |= 1ull << 63; }
static void cr3_above_max_phys(struct hospes_sregs *s) { s->cr3 |= 1ull << 63; }
static void cs_l_and_d(struct hospes_sregs *s) { s->cs.db = 1; }
static void segment_pad(struct hospes_sregs *s) { s->ss.pad = 1; }
static void dtable_pad(struct hospes_sregs *s) { s->idt.pad[2] = 1; }
static void sregs_reserved(struct hospes_sregs *s) { s->reserved[3] = 1; }

static const struct bad_sregs bad_sregs[] = {
	{ "CR0.PG without CR0.PE", pg_without_pe },
	{ "EFER.LME and CR0.PG without CR4.PAE", lme_pg_without_pae },
	{ "CR4 reserved bit 63", cr4_reserved_bit_63 },
	{ "CR4 reserved bit 15", cr4_reserved_bit_15 },
	{ "CR0 bit 32", cr0_upper_half },
	{ "CR0.NW without CR0.CD", cr0_nw_without_cd },
	{ "EFER reserved bit 63", efer_reserved_bit_63 },
	{ "CR3 bit 63 (beyond the physical address width)", cr3_above_max_phys },
	{ "CS.L and CS.D in long mode", cs_l_and_d },
	{ "segment pad", segment_pad },
	{ "dtable pad", dtable_pad },
	{ "sregs reserved", sregs_reserved },
};

TEST(invalid_sregs_are_einval_and_change_nothing)
{
	struct hvm *vm = hvm_create(0);
	struct hvcpu *vcpu = hvm_add_vcpu_bare(vm, 0);
	struct hospes_sregs good, bad, now;
	unsigned int i;

	hvm_sregs_long_mode(vm, &good);
	hvcpu_set_sregs(vcpu, &good);
	for (i = 0; i < ARRAY_LEN(bad_sregs); i++) {
		bad = good;
		bad_sregs[i].spoil(&bad);
		EXPECT_EQ(-1, __hvcpu_ioctl(vcpu, HOSPES_SET_SREGS, &bad))
			TH_LOG("%s accepted", bad_sregs[i].what);
		EXPECT_EQ(EINVAL, errno) TH_LOG("%s", bad_sregs[i].what);
		hvcpu_get_sregs(vcpu, &now);
		EXPECT_EQ(good.cr0, now.cr0) TH_LOG("%s", bad_sregs[i].what);
		EXPECT_EQ(good.cr4, now.cr4) TH_LOG("%s", bad_sregs[i].what);
		EXPECT_EQ(good.efer, now.efer) TH_LOG("%s", bad_sregs[i].what);
		EXPECT_EQ(good.cs.db, now.cs.db) TH_LOG("%s", bad_sregs[i].what);
	}

	/* The vCPU still runs from the good state. */
	hvcpu_setup_long_mode(vcpu, guest_just_returns);
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

TEST(sregs_bad_pointer_is_efault)
{
	struct hvm *vm = hvm_create(0);
	struct hvcpu *vcpu = hvm_add_vcpu_bare(vm, 0);

	EXPECT_EQ(-1, __hvcpu_ioctl(vcpu, HOSPES_SET_SREGS, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, __hvcpu_ioctl(vcpu, HOSPES_GET_REGS, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	hvm_destroy(vm);
}

/* ---- MSRs ------------------------------------------------------------ */

#define MSR_STAR		0xc0000081u
#define MSR_LSTAR		0xc0000082u
#define MSR_UNMODELLED		0x12345678u

struct msrs {
	struct hospes_msrs hdr;
	struct hospes_msr_entry e[4];
};

static volatile uint64_t gp_count, gp_rip;

static void guest_gp_skip_rdmsr_wrmsr(struct hvm_ex_frame *frame)
{
	gp_count++;
	gp_rip = frame->rip;
	frame->rip += 2;	/* RDMSR and WRMSR are 0f 32 and 0f 30 */
}

static void guest_msrs(void)
{
	GUEST_SYNC1(1, rdmsr(MSR_LSTAR));
	wrmsr(MSR_LSTAR, 0xffffffff81234000ull);
	GUEST_ASSERT_EQ(0, gp_count);
	(void)rdmsr(MSR_UNMODELLED);
	GUEST_ASSERT_EQ(1, gp_count);
	wrmsr(MSR_UNMODELLED, 1);
	GUEST_ASSERT_EQ(2, gp_count);
	GUEST_DONE();
}

TEST(msrs_round_trip_and_unmodelled_ones_stop_the_list)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_msrs, &vcpu);
	struct msrs m = { .hdr.nmsrs = 4 };
	uint64_t lstar;
	struct ucall uc;

	hvm_install_handler(vm, 13, guest_gp_skip_rdmsr_wrmsr);
	m.e[0] = (struct hospes_msr_entry){ .index = MSR_LSTAR,
					    .data = 0xffffffff80001000ull };
	m.e[1] = (struct hospes_msr_entry){ .index = MSR_STAR,
					    .data = 0x0023001000000000ull };
	m.e[2] = (struct hospes_msr_entry){ .index = MSR_UNMODELLED, .data = 1 };
	m.e[3] = (struct hospes_msr_entry){ .index = MSR_LSTAR, .data = 0 };
	/* Processed in order up to the MSR hospes does not model. */
	EXPECT_EQ(2, __hvcpu_ioctl(vcpu, HOSPES_SET_MSRS, &m))
		TH_LOG("%s", strerror(errno));

	memset(m.e, 0, sizeof(m.e));
	m.e[0].index = MSR_LSTAR;
	m.e[1].index = MSR_STAR;
	m.e[2].index = MSR_UNMODELLED;
	m.e[3].index = MSR_STAR;
	EXPECT_EQ(2, __hvcpu_ioctl(vcpu, HOSPES_GET_MSRS, &m))
		TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0xffffffff80001000ull, m.e[0].data);
	EXPECT_EQ(0x0023001000000000ull, m.e[1].data);

	/* A value the guest could not write either: not canonical. */
	m.hdr.nmsrs = 1;
	m.e[0] = (struct hospes_msr_entry){ .index = MSR_LSTAR,
					    .data = 0x8000000000000000ull };
	EXPECT_EQ(0, __hvcpu_ioctl(vcpu, HOSPES_SET_MSRS, &m));

	/* The guest reads what userspace wrote, and the other way round. */
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0xffffffff80001000ull, uc.args[1]);
	ASSERT_GUEST_DONE(vcpu);
	EXPECT_EQ(1, hvcpu_get_msr(vcpu, MSR_LSTAR, &lstar));
	EXPECT_EQ(0xffffffff81234000ull, lstar);
	EXPECT_EQ(2, HVM_GLOBAL(vm, gp_count));
	hvm_destroy(vm);
}

TEST(msrs_refuse_bad_headers)
{
	struct hvm *vm = hvm_create(0);
	struct hvcpu *vcpu = hvm_add_vcpu(vm, 0, guest_msrs);
	struct msrs m = { .hdr.nmsrs = 1, .e[0].index = MSR_LSTAR };
	struct hospes_msrs big = { .nmsrs = HOSPES_MAX_MSR_ENTRIES + 1 };

	EXPECT_EQ(1, __hvcpu_ioctl(vcpu, HOSPES_GET_MSRS, &m));
	m.hdr.pad = 1;
	EXPECT_EQ(-1, __hvcpu_ioctl(vcpu, HOSPES_GET_MSRS, &m));
	EXPECT_EQ(EINVAL, errno);
	m.hdr.pad = 0;
	m.e[0].reserved = 1;
	EXPECT_EQ(-1, __hvcpu_ioctl(vcpu, HOSPES_SET_MSRS, &m));
	EXPECT_EQ(EINVAL, errno);
	/* Over the limit: EINVAL (bad input) or ENOSPC (a limit). */
	EXPECT_EQ(-1, __hvcpu_ioctl(vcpu, HOSPES_GET_MSRS, &big));
	EXPECT_TRUE(errno == EINVAL || errno == ENOSPC) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(-1, __hvcpu_ioctl(vcpu, HOSPES_GET_MSRS, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	hvm_destroy(vm);
}

TEST_HARNESS_MAIN
