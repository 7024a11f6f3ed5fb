// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-kernel local APIC (HOSPES_CREATE_IRQCHIP): its registers, the
 * timer in one-shot, periodic and TSC-deadline modes, IPIs, INIT/SIPI
 * start-up of a second vCPU, and interrupts from userspace through it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/hospes.h>

#include "kselftest_harness.h"
#include "hospes_util.h"

#define APIC_BASE	0xfee00000ull
#define APIC_ID		0x20
#define APIC_LVR	0x30
#define APIC_TPR	0x80
#define APIC_EOI	0xb0
#define APIC_SVR	0xf0
#define APIC_ICR	0x300
#define APIC_ICR2	0x310
#define APIC_LVTT	0x320
#define APIC_TMICT	0x380
#define APIC_TMCCT	0x390
#define APIC_TDCR	0x3e0
#define MSR_TSC_DEADLINE 0x6e0
#define TIMER_VECTOR	0x40
#define IPI_VECTOR	0x50
#define SIPI_PAGE	0x10		/* vector: code at 0x10000 */
#define AP_PORT		0x99

static volatile uint64_t irq_count, irq_last;

static inline uint32_t apic_read(uint32_t reg)
{
	return *(volatile uint32_t *)(APIC_BASE + reg);
}

static inline void apic_write(uint32_t reg, uint32_t val)
{
	*(volatile uint32_t *)(APIC_BASE + reg) = val;
}

static void guest_apic_irq(struct hvm_ex_frame *frame)
{
	irq_last = frame->vector;
	irq_count++;
	apic_write(APIC_EOI, 0);
}

static inline uint64_t guest_rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Wait with interrupts on until n interrupts came, at most a bound. */
static void wait_for_irqs(uint64_t n)
{
	uint64_t spins;

	for (spins = 0; irq_count < n && spins < 100000; spins++) {
		sti_hlt();
		cli();
	}
}

static struct hvm *vm_with_irqchip(void)
{
	struct hvm *vm = hvm_create(0);

	HOSPES_CHECK(!ioctl(vm->fd, HOSPES_CREATE_IRQCHIP, 0),
		     "HOSPES_CREATE_IRQCHIP: %s", strerror(errno));
	return vm;
}

TEST(irqchip_comes_before_vcpus_and_once)
{
	struct hvm *vm = hvm_create(0);

	EXPECT_EQ(-1, ioctl(vm->fd, HOSPES_CREATE_IRQCHIP, 1));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, ioctl(vm->fd, HOSPES_CREATE_IRQCHIP, 0));
	EXPECT_EQ(-1, ioctl(vm->fd, HOSPES_CREATE_IRQCHIP, 0));
	EXPECT_EQ(EEXIST, errno);
	hvm_destroy(vm);

	vm = hvm_create(0);
	hvm_add_vcpu_bare(vm, 0);
	EXPECT_EQ(-1, ioctl(vm->fd, HOSPES_CREATE_IRQCHIP, 0));
	EXPECT_EQ(EBUSY, errno);
	hvm_destroy(vm);
}

static void guest_registers(void)
{
	uint32_t a, b, c, d;

	guest_cpuid(1, 0, &a, &b, &c, &d);
	GUEST_ASSERT(d & (1u << 9));		/* APIC */
	GUEST_ASSERT(c & (1u << 24));		/* TSC-deadline timer */
	guest_cpuid(6, 0, &a, &b, &c, &d);
	GUEST_ASSERT_EQ(1u << 2, a);		/* ARAT, and nothing else */
	GUEST_ASSERT_EQ(0u, b | c | d);
	GUEST_ASSERT_EQ(0xfee00900ull, rdmsr(0x1b));	/* enabled, BSP */
	GUEST_ASSERT_EQ(0u, apic_read(APIC_ID));
	GUEST_ASSERT_EQ(0x14u, apic_read(APIC_LVR) & 0xff);
	apic_write(APIC_TPR, 0x35);
	GUEST_ASSERT_EQ(0x35u, apic_read(APIC_TPR));
	apic_write(APIC_TPR, 0);
	/* The LVT timer starts masked. */
	GUEST_ASSERT(apic_read(APIC_LVTT) & (1u << 16));
	GUEST_DONE();
}

TEST(registers_msr_and_cpuid_look_like_an_xapic)
{
	struct hvm *vm = vm_with_irqchip();
	struct hvcpu *vcpu = hvm_add_vcpu(vm, 0, guest_registers);
	struct hospes_cpuid *cpuid = hospes_cpuid_dup(hospes_host_cpuid());

	/* The VMM asks for the TSC-deadline timer and ARAT, all software. */
	hospes_cpuid_find(cpuid, 1, 0)->ecx |= 1u << 24;
	ASSERT_NE(NULL, hospes_cpuid_find(cpuid, 6, 0));
	hospes_cpuid_find(cpuid, 6, 0)->eax |= 1u << 2;
	hvcpu_set_cpuid(vcpu, cpuid);
	free(cpuid);
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

static void guest_no_apic_without_irqchip(void)
{
	uint32_t a, b, c, d;

	guest_cpuid(1, 0, &a, &b, &c, &d);
	GUEST_ASSERT(!(d & (1u << 9)));
	GUEST_DONE();
}

TEST(no_irqchip_no_apic_in_cpuid)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_no_apic_without_irqchip,
					      &vcpu);

	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

static void guest_timer(uint64_t mode)
{
	uint64_t t0, t1;

	apic_write(APIC_SVR, 0x1ff);		/* enabled, spurious 0xff */
	apic_write(APIC_TDCR, 0xb);		/* divide by 1 */
	apic_write(APIC_LVTT, TIMER_VECTOR | (uint32_t)mode << 17);
	t0 = guest_rdtsc();
	if (mode == 2) {			/* TSC deadline */
		wrmsr(MSR_TSC_DEADLINE, t0 + 1000000);
		wait_for_irqs(1);
		GUEST_ASSERT_EQ(0ull, rdmsr(MSR_TSC_DEADLINE));
	} else {
		apic_write(APIC_TMICT, 2000000);	/* 2 ms at 1 GHz */
		GUEST_ASSERT(apic_read(APIC_TMCCT) <= 2000000);
		wait_for_irqs(mode == 1 ? 5 : 1);
		apic_write(APIC_TMICT, 0);	/* stops the timer */
	}
	t1 = guest_rdtsc();
	GUEST_SYNC2(1, irq_count, t1 - t0);
	GUEST_ASSERT_EQ((uint64_t)TIMER_VECTOR, irq_last);
	GUEST_DONE();
}

static void run_timer(struct __test_metadata *_metadata, uint64_t mode,
		      uint64_t want)
{
	struct hvm *vm = vm_with_irqchip();
	struct hvcpu *vcpu = hvm_add_vcpu(vm, 0, guest_timer);
	struct hospes_regs regs;
	struct ucall uc;

	hvm_install_handler(vm, TIMER_VECTOR, guest_apic_irq);
	hvcpu_get_regs(vcpu, &regs);
	regs.rdi = mode;
	hvcpu_set_regs(vcpu, &regs);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(want, uc.args[1]) TH_LOG("timer interrupts, mode %llu",
					    (unsigned long long)mode);
	EXPECT_GT(uc.args[2], 0u);
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

TEST(timer_one_shot_fires_once)
{
	run_timer(_metadata, 0, 1);
}

TEST(timer_periodic_fires_again_and_again)
{
	run_timer(_metadata, 1, 5);
}

TEST(timer_tsc_deadline_fires_and_clears)
{
	run_timer(_metadata, 2, 1);
}

static void guest_self_ipi(void)
{
	apic_write(APIC_SVR, 0x1ff);
	apic_write(APIC_ICR, IPI_VECTOR | 1u << 18);	/* shorthand: self */
	wait_for_irqs(1);
	GUEST_ASSERT_EQ(1ull, irq_count);
	GUEST_ASSERT_EQ((uint64_t)IPI_VECTOR, irq_last);
	/* A raised TPR holds back a vector of its class or below. */
	apic_write(APIC_TPR, 0x50);
	apic_write(APIC_ICR, IPI_VECTOR | 1u << 18);
	sti();
	asm volatile("nop; nop; nop");
	cli();
	GUEST_ASSERT_EQ(1ull, irq_count);
	apic_write(APIC_TPR, 0);
	wait_for_irqs(2);
	GUEST_ASSERT_EQ(2ull, irq_count);
	GUEST_DONE();
}

TEST(self_ipi_arrives_and_tpr_holds_it_back)
{
	struct hvm *vm = vm_with_irqchip();
	struct hvcpu *vcpu = hvm_add_vcpu(vm, 0, guest_self_ipi);

	hvm_install_handler(vm, IPI_VECTOR, guest_apic_irq);
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

static void guest_wait_for_userspace_irq(void)
{
	apic_write(APIC_SVR, 0x1ff);
	GUEST_SYNC(1);
	wait_for_irqs(1);
	GUEST_SYNC2(2, irq_count, irq_last);
	GUEST_DONE();
}

TEST(hospes_interrupt_goes_through_the_apic)
{
	struct hvm *vm = vm_with_irqchip();
	struct hvcpu *vcpu = hvm_add_vcpu(vm, 0, guest_wait_for_userspace_irq);
	struct ucall uc;

	hvm_install_handler(vm, 0x61, guest_apic_irq);
	ASSERT_GUEST_SYNC(vcpu, 1);
	/* The APIC queues many: no EBUSY with an irqchip. */
	EXPECT_EQ(0, hvcpu_interrupt(vcpu, 0x61));
	EXPECT_EQ(0, hvcpu_interrupt(vcpu, 0x61));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(2, uc.args[0]);
	EXPECT_EQ(1, uc.args[1]);
	EXPECT_EQ(0x61, uc.args[2]);
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

/* Real-mode code the second vCPU starts in: report on a port, halt. */
asm(".pushsection .rodata\n"
    "ap_code_start:\n"
    "	mov $0x42, %al\n"
    "	out %al, $0x99\n"
    "1:	hlt\n"
    "	jmp 1b\n"
    "ap_code_end:\n"
    ".popsection\n");
extern const char ap_code_start[], ap_code_end[];

static void guest_start_ap(void)
{
	apic_write(APIC_SVR, 0x1ff);
	apic_write(APIC_ICR2, 1u << 24);		/* APIC id 1 */
	apic_write(APIC_ICR, 5u << 8 | 1u << 14);	/* INIT, assert */
	apic_write(APIC_ICR2, 1u << 24);
	apic_write(APIC_ICR, 6u << 8 | SIPI_PAGE);	/* startup */
	GUEST_DONE();
}

struct ap_run {
	struct hvcpu *vcpu;
	int ret;
};

static void *run_ap(void *arg)
{
	struct ap_run *ap = arg;

	ap->ret = hvcpu_run(ap->vcpu);
	return NULL;
}

TEST(init_and_sipi_start_the_second_vcpu_in_real_mode)
{
	struct hvm *vm = vm_with_irqchip();
	struct hvcpu *bsp = hvm_add_vcpu(vm, 0, guest_start_ap);
	struct ap_run ap = { .vcpu = hvm_add_vcpu_bare(vm, 1) };
	struct hospes_vcpu_events e;
	struct hospes_sregs sregs;
	pthread_t thread;

	hvm_load_code(vm, SIPI_PAGE << 12, ap_code_start, ap_code_end);
	ASSERT_EQ(0, __hvcpu_ioctl(ap.vcpu, HOSPES_GET_VCPU_EVENTS, &e));
	EXPECT_EQ((uint32_t)HOSPES_WAIT_SIPI, e.wait);
	/* The AP's run sleeps until the BSP starts it. */
	ASSERT_EQ(0, pthread_create(&thread, NULL, run_ap, &ap));
	hospes_msleep(100);
	ASSERT_GUEST_DONE(bsp);
	pthread_join(thread, NULL);
	ASSERT_EQ(0, ap.ret) TH_LOG("AP run: %s", strerror(ap.vcpu->run_errno));
	ASSERT_EXIT_REASON(ap.vcpu, HOSPES_EXIT_IO);
	EXPECT_EQ(AP_PORT, ap.vcpu->run->io.port);
	EXPECT_EQ(0x42u, (uint32_t)ap.vcpu->run->io.data);
	hvcpu_get_sregs(ap.vcpu, &sregs);
	EXPECT_EQ((uint64_t)SIPI_PAGE << 12, sregs.cs.base);
	EXPECT_EQ(SIPI_PAGE << 8, sregs.cs.selector);
	EXPECT_EQ(0u, sregs.cr0 & 1);			/* real mode */
	hvm_destroy(vm);
}

/* ---- the I/O APIC ---------------------------------------------------- */

#define IOAPIC_BASE	0xfec00000ull
#define EDGE_PIN	4
#define LEVEL_PIN	5
#define EDGE_VECTOR	0x44
#define LEVEL_VECTOR	0x45

static inline uint32_t ioapic_read(uint32_t reg)
{
	*(volatile uint32_t *)IOAPIC_BASE = reg;
	return *(volatile uint32_t *)(IOAPIC_BASE + 0x10);
}

static inline void ioapic_write(uint32_t reg, uint32_t val)
{
	*(volatile uint32_t *)IOAPIC_BASE = reg;
	*(volatile uint32_t *)(IOAPIC_BASE + 0x10) = val;
}

static volatile uint64_t level_irqs;

/* Takes the level interrupt but leaves the EOI for later. */
static void guest_level_irq(struct hvm_ex_frame *frame)
{
	level_irqs++;
}

static void guest_ioapic(void)
{
	apic_write(APIC_SVR, 0x1ff);
	GUEST_ASSERT_EQ(0x170011u, ioapic_read(1));	/* 24 pins, v0x11 */
	/* Pins start masked. */
	GUEST_ASSERT(ioapic_read(0x10 + 2 * EDGE_PIN) & (1u << 16));
	ioapic_write(0x10 + 2 * EDGE_PIN, EDGE_VECTOR);	/* edge, fixed */
	ioapic_write(0x11 + 2 * EDGE_PIN, 0);		/* to APIC id 0 */
	ioapic_write(0x10 + 2 * LEVEL_PIN, LEVEL_VECTOR | 1u << 15);
	ioapic_write(0x11 + 2 * LEVEL_PIN, 0);
	GUEST_SYNC(1);
	wait_for_irqs(1);
	GUEST_SYNC2(2, irq_count, irq_last);		/* the edge */
	wait_for_irqs(2);
	GUEST_SYNC2(3, irq_count, irq_last);		/* the second edge */
	while (!level_irqs) {
		sti_hlt();
		cli();
	}
	/* In service: remote IRR set, no second delivery while high. */
	GUEST_SYNC2(4, level_irqs, ioapic_read(0x10 + 2 * LEVEL_PIN) >> 14 & 1);
	apic_write(APIC_EOI, 0);	/* the host lowered the line first */
	sti();
	asm volatile("nop; nop");
	cli();
	GUEST_SYNC2(5, level_irqs, ioapic_read(0x10 + 2 * LEVEL_PIN) >> 14 & 1);
	GUEST_DONE();
}

static int irq_line(struct hvm *vm, uint32_t irq, uint32_t level)
{
	struct hospes_irq_level l = { .irq = irq, .level = level };

	return ioctl(vm->fd, HOSPES_IRQ_LINE, &l);
}

TEST(ioapic_routes_edge_and_level_lines_to_the_apic)
{
	struct hvm *vm = vm_with_irqchip();
	struct hvcpu *vcpu = hvm_add_vcpu(vm, 0, guest_ioapic);
	struct ucall uc;

	hvm_install_handler(vm, EDGE_VECTOR, guest_apic_irq);
	hvm_install_handler(vm, LEVEL_VECTOR, guest_level_irq);
	ASSERT_GUEST_SYNC(vcpu, 1);

	/* Edge: one interrupt per rising edge, none for holding it high. */
	ASSERT_EQ(0, irq_line(vm, EDGE_PIN, 1));
	ASSERT_EQ(0, irq_line(vm, EDGE_PIN, 1));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(1, uc.args[1]);
	EXPECT_EQ(EDGE_VECTOR, uc.args[2]);
	ASSERT_EQ(0, irq_line(vm, EDGE_PIN, 0));
	ASSERT_EQ(0, irq_line(vm, EDGE_PIN, 1));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(2, uc.args[1]);

	/* Level: delivered once while in service. */
	ASSERT_EQ(0, irq_line(vm, LEVEL_PIN, 1));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(4, uc.args[0]);
	EXPECT_EQ(1, uc.args[1]);
	EXPECT_EQ(1, uc.args[2]) TH_LOG("remote IRR while in service");
	/* Lowered before the EOI: the EOI ends it, nothing fires again. */
	ASSERT_EQ(0, irq_line(vm, LEVEL_PIN, 0));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(5, uc.args[0]);
	EXPECT_EQ(1, uc.args[1]);
	EXPECT_EQ(0, uc.args[2]) TH_LOG("remote IRR after the EOI");
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

TEST(irq_line_is_checked)
{
	struct hvm *vm = hvm_create(0);

	EXPECT_EQ(-1, irq_line(vm, 0, 1));
	EXPECT_EQ(ENXIO, errno);
	hvm_destroy(vm);
	vm = vm_with_irqchip();
	EXPECT_EQ(-1, irq_line(vm, 24, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, irq_line(vm, 0, 2));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(vm->fd, HOSPES_IRQ_LINE, NULL));
	EXPECT_EQ(EFAULT, errno);
	hvm_destroy(vm);
}

/* ---- saving and restoring them ---------------------------------------- */

static void guest_state_round_trip(void)
{
	apic_write(APIC_SVR, 0x1ff);
	apic_write(APIC_TPR, 0x20);
	GUEST_SYNC(1);
	/* The host restored a TPR of 0x10 and a pending vector 0x62. */
	GUEST_ASSERT_EQ(0x10u, apic_read(APIC_TPR));
	wait_for_irqs(1);
	GUEST_SYNC2(2, irq_count, irq_last);
	GUEST_DONE();
}

TEST(lapic_and_ioapic_state_round_trip)
{
	struct hvm *vm = vm_with_irqchip();
	struct hvcpu *vcpu = hvm_add_vcpu(vm, 0, guest_state_round_trip);
	struct hospes_lapic_state *st = calloc(1, sizeof(*st));
	struct hospes_ioapic_state io, io2;
	struct ucall uc;

	ASSERT_NE(NULL, st);
	hvm_install_handler(vm, 0x62, guest_apic_irq);
	ASSERT_GUEST_SYNC(vcpu, 1);
	ASSERT_EQ(0, __hvcpu_ioctl(vcpu, HOSPES_GET_LAPIC, st));
	EXPECT_EQ(0x20u, st->regs[APIC_TPR / 4]);
	EXPECT_EQ(0xfee00900ull, st->apic_base);
	st->regs[APIC_TPR / 4] = 0x10;
	st->regs[(0x200 + 0x30) / 4] |= 1u << (0x62 - 0x60);	/* IRR */
	ASSERT_EQ(0, __hvcpu_ioctl(vcpu, HOSPES_SET_LAPIC, st));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(2, uc.args[0]);
	EXPECT_EQ(1, uc.args[1]);
	EXPECT_EQ(0x62, uc.args[2]);
	ASSERT_GUEST_DONE(vcpu);
	/* The APIC page can't move. */
	st->apic_base = 0xfed00900;
	EXPECT_EQ(-1, __hvcpu_ioctl(vcpu, HOSPES_SET_LAPIC, st));
	EXPECT_EQ(EINVAL, errno);

	ASSERT_EQ(0, ioctl(vm->fd, HOSPES_GET_IOAPIC, &io));
	io.redir[3] = 0x33 | 1ull << 15 | 1ull << 56;
	io.lines = 1u << 7;
	ASSERT_EQ(0, ioctl(vm->fd, HOSPES_SET_IOAPIC, &io));
	ASSERT_EQ(0, ioctl(vm->fd, HOSPES_GET_IOAPIC, &io2));
	EXPECT_EQ(0, memcmp(&io, &io2, sizeof(io)));
	io.redir[3] |= 1ull << 12;		/* delivery status: read-only */
	EXPECT_EQ(-1, ioctl(vm->fd, HOSPES_SET_IOAPIC, &io));
	EXPECT_EQ(EINVAL, errno);
	free(st);
	hvm_destroy(vm);
}

TEST(apic_state_needs_an_irqchip)
{
	struct hvm *vm = hvm_create(0);
	struct hvcpu *vcpu = hvm_add_vcpu_bare(vm, 0);
	struct hospes_lapic_state *st = calloc(1, sizeof(*st));
	struct hospes_ioapic_state io;

	ASSERT_NE(NULL, st);
	EXPECT_EQ(-1, __hvcpu_ioctl(vcpu, HOSPES_GET_LAPIC, st));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, ioctl(vm->fd, HOSPES_GET_IOAPIC, &io));
	EXPECT_EQ(ENXIO, errno);
	free(st);
	hvm_destroy(vm);
}

/*
 * An INIT or startup IPI that reached a vCPU it has not acted on yet is
 * part of its APIC's state: read back as set, and checked.
 */
TEST(pending_init_and_sipi_are_apic_state)
{
	struct hvm *vm = vm_with_irqchip();
	struct hvcpu *vcpu = hvm_add_vcpu_bare(vm, 1);
	struct hospes_lapic_state *st = calloc(1, sizeof(*st));

	ASSERT_NE(NULL, st);
	ASSERT_EQ(0, __hvcpu_ioctl(vcpu, HOSPES_GET_LAPIC, st));
	EXPECT_EQ(0u, st->pending);
	st->pending = HOSPES_LAPIC_PENDING_INIT | HOSPES_LAPIC_PENDING_SIPI;
	st->sipi_vector = 0x9a;
	ASSERT_EQ(0, __hvcpu_ioctl(vcpu, HOSPES_SET_LAPIC, st));
	memset(st, 0, sizeof(*st));
	ASSERT_EQ(0, __hvcpu_ioctl(vcpu, HOSPES_GET_LAPIC, st));
	EXPECT_EQ(HOSPES_LAPIC_PENDING_INIT | HOSPES_LAPIC_PENDING_SIPI,
		  st->pending);
	EXPECT_EQ(0x9au, st->sipi_vector);

	st->sipi_vector = 0x100;
	EXPECT_EQ(-1, __hvcpu_ioctl(vcpu, HOSPES_SET_LAPIC, st));
	EXPECT_EQ(EINVAL, errno);
	st->pending = HOSPES_LAPIC_PENDING_INIT;	/* a vector, but no SIPI */
	st->sipi_vector = 0x9a;
	EXPECT_EQ(-1, __hvcpu_ioctl(vcpu, HOSPES_SET_LAPIC, st));
	EXPECT_EQ(EINVAL, errno);
	st->pending = 1u << 2;
	st->sipi_vector = 0;
	EXPECT_EQ(-1, __hvcpu_ioctl(vcpu, HOSPES_SET_LAPIC, st));
	EXPECT_EQ(EINVAL, errno);
	free(st);
	hvm_destroy(vm);
}

TEST_HARNESS_MAIN
