// SPDX-License-Identifier: GPL-2.0-only
/*
 * The state save and migration carry: the guest clock, the PV event
 * state, a vCPU's pending events and timer, its FPU state and its CPUID. Each is
 * read back as written, moves the guest as it should, and refuses bad
 * input.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/hospes.h>
#include <linux/hospes_pv.h>

#include "kselftest_harness.h"
#include "hospes_util.h"

#define SHINFO_GPA	HVM_SCRATCH_GPA
#define XMM0_OFFSET	160		/* in the XSAVE legacy area */
#define SYNC_PORT	0x80

static inline uint64_t guest_rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static void guest_report_tsc_and_time(void)
{
	static struct hospes_pv_time_now now;

	GUEST_ASSERT_EQ(0, hypercall(HOSPES_HC_GET_TIME, (uint64_t)&now,
				   0, 0, 0, 0));
	GUEST_SYNC2(1, guest_rdtsc(), now.ns_since_boot);
	GUEST_DONE();
}

TEST(set_clock_moves_guest_time_and_tsc_forward)
{
	const uint64_t ns = 3600ull * 1000000000ull, tsc = 1ull << 45;
	struct hospes_clock c = { .ns = ns, .tsc = tsc }, got;
	struct hvm *vm = hvm_create(0);
	struct hvcpu *vcpu;
	struct ucall uc;

	ASSERT_EQ(0, ioctl(vm->fd, HOSPES_SET_CLOCK, &c));
	ASSERT_EQ(0, ioctl(vm->fd, HOSPES_GET_CLOCK, &got));
	EXPECT_GE(got.ns, ns);
	EXPECT_LT(got.ns, ns + 10ull * 1000000000ull);
	EXPECT_GE(got.tsc, tsc);

	vcpu = hvm_add_vcpu(vm, 0, guest_report_tsc_and_time);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	/* Both went on from the values set, and not by much. */
	EXPECT_GE(uc.args[1], tsc);
	EXPECT_LT(uc.args[1], tsc + (1ull << 40));
	EXPECT_GE(uc.args[2], ns);
	EXPECT_LT(uc.args[2], ns + 10ull * 1000000000ull);
	ASSERT_GUEST_DONE(vcpu);

	/* Once a vCPU exists its TSC is set: the clock can't move any more. */
	EXPECT_EQ(-1, ioctl(vm->fd, HOSPES_SET_CLOCK, &c));
	EXPECT_EQ(EBUSY, errno);
	hvm_destroy(vm);
}

TEST(bad_clocks_are_refused)
{
	struct hvm *vm = hvm_create(0);
	struct hospes_clock c = { .ns = 1, .reserved[1] = 1 };

	EXPECT_EQ(-1, ioctl(vm->fd, HOSPES_SET_CLOCK, &c));
	EXPECT_EQ(EINVAL, errno);
	c = (struct hospes_clock){ .ns = ~0ull };
	EXPECT_EQ(-1, ioctl(vm->fd, HOSPES_SET_CLOCK, &c));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(vm->fd, HOSPES_GET_CLOCK, NULL));
	EXPECT_EQ(EFAULT, errno);
	hvm_destroy(vm);
}

static void guest_register_shinfo(void)
{
	GUEST_ASSERT_EQ(0, hypercall(HOSPES_HC_SET_SHARED_INFO, SHINFO_GPA,
				   0x50, 0, 0, 0));
	GUEST_ASSERT_EQ(0, hypercall(HOSPES_HC_EVTCHN_BIND, 70, 1, 0, 0, 0));
	GUEST_DONE();
}

static void guest_idle(void)
{
	GUEST_DONE();
}

TEST(pv_state_round_trips_and_is_checked)
{
	struct hospes_pv_state *st = calloc(1, sizeof(*st));
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_register_shinfo, &vcpu);

	ASSERT_NE(NULL, st);
	hvm_add_vcpu(vm, 1, guest_idle);
	ASSERT_EQ(0, ioctl(vm->fd, HOSPES_GET_PV_STATE, st));
	EXPECT_EQ(0u, st->flags);
	ASSERT_GUEST_DONE(vcpu);
	ASSERT_EQ(0, ioctl(vm->fd, HOSPES_GET_PV_STATE, st));
	EXPECT_EQ(HOSPES_PV_STATE_SHINFO, st->flags);
	EXPECT_EQ(SHINFO_GPA, st->shinfo_gpa);
	EXPECT_EQ(0x50u, st->upcall_vector);
	EXPECT_EQ(1, st->port_vcpu[70]);
	EXPECT_EQ(0, st->port_vcpu[71]);

	/* Written back as read, and read back the same. */
	st->port_vcpu[71] = 1;
	ASSERT_EQ(0, ioctl(vm->fd, HOSPES_SET_PV_STATE, st));
	memset(st, 0, sizeof(*st));
	ASSERT_EQ(0, ioctl(vm->fd, HOSPES_GET_PV_STATE, st));
	EXPECT_EQ(1, st->port_vcpu[71]);
	EXPECT_EQ(SHINFO_GPA, st->shinfo_gpa);

	/* What the hypercalls would refuse, SET refuses. */
	st->port_vcpu[3] = HOSPES_PV_MAX_VCPUS;
	EXPECT_EQ(-1, ioctl(vm->fd, HOSPES_SET_PV_STATE, st));
	EXPECT_EQ(EINVAL, errno);
	st->port_vcpu[3] = 0;
	st->upcall_vector = 8;
	EXPECT_EQ(-1, ioctl(vm->fd, HOSPES_SET_PV_STATE, st));
	EXPECT_EQ(EINVAL, errno);
	st->upcall_vector = 0x50;
	st->shinfo_gpa = HVM_MMIO_GPA;
	EXPECT_EQ(-1, ioctl(vm->fd, HOSPES_SET_PV_STATE, st));
	EXPECT_EQ(EFAULT, errno);
	st->shinfo_gpa = SHINFO_GPA;
	st->flags = 2;
	EXPECT_EQ(-1, ioctl(vm->fd, HOSPES_SET_PV_STATE, st));
	EXPECT_EQ(EINVAL, errno);

	/* Dropping shared info. */
	memset(st, 0, sizeof(*st));
	ASSERT_EQ(0, ioctl(vm->fd, HOSPES_SET_PV_STATE, st));
	ASSERT_EQ(0, ioctl(vm->fd, HOSPES_GET_PV_STATE, st));
	EXPECT_EQ(0u, st->flags);
	free(st);
	hvm_destroy(vm);
}

static void guest_arm_timer(void)
{
	GUEST_ASSERT_EQ(0, hypercall(HOSPES_HC_SET_TIMER, 1ull << 50, 99,
				   0, 0, 0));
	GUEST_DONE();
}

static struct hospes_vcpu_events bad_events[] = {
	{ .queued_irq = 31 },
	{ .queued_irq = -1, .wait = 3 },
	{ .queued_irq = -1, .interrupt_shadow = 2 },
	{ .queued_irq = -1, .timer_port = HOSPES_PV_EVTCHN_PORTS },
	{ .queued_irq = -1, .timer_deadline_ns = ~0ull },
	{ .queued_irq = -1, .injected_type = 3 },
	{ .queued_irq = -1, .injected_type = HOSPES_EVENT_IRQ,
	  .injected_vector = 14 },
	{ .queued_irq = -1, .injected_type = HOSPES_EVENT_EXCEPTION,
	  .injected_vector = 40 },
	{ .queued_irq = -1, .pad = 1 },
	{ .queued_irq = -1, .reserved[2] = 1 },
};

TEST(vcpu_events_round_trip_and_are_checked)
{
	unsigned int i;
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_arm_timer, &vcpu);
	struct hospes_vcpu_events e;

	ASSERT_GUEST_DONE(vcpu);
	ASSERT_EQ(0, __hvcpu_ioctl(vcpu, HOSPES_GET_VCPU_EVENTS, &e));
	EXPECT_EQ(1ull << 50, e.timer_deadline_ns);
	EXPECT_EQ(99u, e.timer_port);
	EXPECT_EQ(-1, e.queued_irq);
	EXPECT_EQ((uint32_t)HOSPES_WAIT_RUNNING, e.wait);
	EXPECT_EQ(HOSPES_EVENT_NONE, e.injected_type);

	e.queued_irq = 0x41;
	e.wait = HOSPES_WAIT_HALTED;
	e.timer_deadline_ns = 1ull << 51;
	e.timer_port = 100;
	e.injected_type = HOSPES_EVENT_EXCEPTION;
	e.injected_vector = 13;
	e.injected_has_error = 1;
	e.injected_error = 0x18;
	e.interrupt_shadow = 1;
	ASSERT_EQ(0, __hvcpu_ioctl(vcpu, HOSPES_SET_VCPU_EVENTS, &e));
	memset(&e, 0, sizeof(e));
	ASSERT_EQ(0, __hvcpu_ioctl(vcpu, HOSPES_GET_VCPU_EVENTS, &e));
	EXPECT_EQ(0x41, e.queued_irq);
	EXPECT_EQ((uint32_t)HOSPES_WAIT_HALTED, e.wait);
	EXPECT_EQ(1ull << 51, e.timer_deadline_ns);
	EXPECT_EQ(100u, e.timer_port);
	EXPECT_EQ(HOSPES_EVENT_EXCEPTION, e.injected_type);
	EXPECT_EQ(13, e.injected_vector);
	EXPECT_EQ(1, e.injected_has_error);
	EXPECT_EQ(0x18u, e.injected_error);
	EXPECT_EQ(1, e.interrupt_shadow);

	/* Refused, each alone. */
	for (i = 0; i < ARRAY_LEN(bad_events); i++) {
		EXPECT_EQ(-1, __hvcpu_ioctl(vcpu, HOSPES_SET_VCPU_EVENTS,
					    &bad_events[i])) TH_LOG("case %u", i);
		EXPECT_EQ(EINVAL, errno) TH_LOG("case %u", i);
	}
	hvm_destroy(vm);
}

static void guest_xmm0_round_trip(void)
{
	static uint8_t pattern[16] __attribute__((aligned(16)));
	static uint8_t seen[16] __attribute__((aligned(16)));
	unsigned int i;

	for (i = 0; i < 16; i++)
		pattern[i] = 0xa0 + i;
	asm volatile("movdqa %0, %%xmm0" : : "m"(pattern) : "xmm0");
	/* A bare OUT, not a ucall: ucall code may itself use xmm0. */
	outb(SYNC_PORT, 1);
	/* The host swapped xmm0 while the guest was stopped. */
	asm volatile("movdqa %%xmm0, %0" : "=m"(seen));
	for (i = 0; i < 16; i++)
		GUEST_ASSERT_EQ(0x30 + i, seen[i]);
	GUEST_DONE();
}

TEST(xsave_carries_the_guest_fpu_state)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_xmm0_round_trip, &vcpu);
	struct hospes_xsave *x = calloc(1, sizeof(*x));
	uint8_t *xmm0;
	unsigned int i;

	ASSERT_NE(NULL, x);
	ASSERT_RUN_OK(vcpu);
	ASSERT_EXIT_REASON(vcpu, HOSPES_EXIT_IO);
	ASSERT_EQ(SYNC_PORT, vcpu->run->io.port);
	ASSERT_EQ(0, __hvcpu_ioctl(vcpu, HOSPES_GET_XSAVE, x));
	xmm0 = (uint8_t *)x->region + XMM0_OFFSET;
	for (i = 0; i < 16; i++) {
		ASSERT_EQ(0xa0 + i, xmm0[i]) TH_LOG("byte %u", i);
	}
	for (i = 0; i < 16; i++)
		xmm0[i] = 0x30 + i;
	ASSERT_EQ(0, __hvcpu_ioctl(vcpu, HOSPES_SET_XSAVE, x));
	ASSERT_GUEST_DONE(vcpu);

	/* A header claiming features the host can't have is refused. */
	x->region[512 / 4] = 0xffffffff;
	x->region[512 / 4 + 1] = 0xffffffff;
	EXPECT_EQ(-1, __hvcpu_ioctl(vcpu, HOSPES_SET_XSAVE, x));
	EXPECT_EQ(EINVAL, errno);
	free(x);
	hvm_destroy(vm);
}

/* GET_CPUID with room for room entries: the ioctl's result, table in t. */
static int get_cpuid(struct hvcpu *vcpu, struct hospes_cpuid *t, uint32_t room)
{
	t->nent = room;
	t->pad = 0;
	return __hvcpu_ioctl(vcpu, HOSPES_GET_CPUID, t);
}

/*
 * GET_CPUID returns the table as SET_CPUID filtered it; setting that
 * again changes nothing (what a restore relies on); a short buffer gets
 * E2BIG and the count it needs.
 */
TEST(cpuid_reads_back_filtered_and_sets_again_unchanged)
{
	size_t size = sizeof(struct hospes_cpuid) +
		      HOSPES_MAX_CPUID_ENTRIES * sizeof(struct hospes_cpuid_entry);
	struct hospes_cpuid *set = calloc(1, size), *got = calloc(1, size),
			    *again = calloc(1, size);
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_report_tsc_and_time, &vcpu);

	ASSERT_TRUE(set && got && again);
	set->nent = 3;
	set->entries[0] = (struct hospes_cpuid_entry){ .function = 0, .eax = 1 };
	/* Every feature bit asked for: the host's and hospes's own survive. */
	set->entries[1] = (struct hospes_cpuid_entry){
		.function = 1, .ecx = ~0u, .edx = ~0u,
	};
	/* A leaf hospes does not offer is dropped. */
	set->entries[2] = (struct hospes_cpuid_entry){ .function = 0x14 };
	ASSERT_EQ(0, __hvcpu_ioctl(vcpu, HOSPES_SET_CPUID, set));

	ASSERT_EQ(0, get_cpuid(vcpu, got, HOSPES_MAX_CPUID_ENTRIES));
	ASSERT_EQ(2u, got->nent);
	EXPECT_EQ(0u, got->entries[0].function);
	EXPECT_EQ(1u, got->entries[1].function);
	EXPECT_NE(~0u, got->entries[1].ecx);
	EXPECT_EQ(1u << 31, got->entries[1].ecx & (1u << 31));	/* hypervisor */
	EXPECT_EQ(0u, got->entries[1].ebx >> 24);		/* APIC id: vCPU 0 */

	ASSERT_EQ(0, __hvcpu_ioctl(vcpu, HOSPES_SET_CPUID, got));
	ASSERT_EQ(0, get_cpuid(vcpu, again, HOSPES_MAX_CPUID_ENTRIES));
	ASSERT_EQ(got->nent, again->nent);
	EXPECT_EQ(0, memcmp(got->entries, again->entries,
			    got->nent * sizeof(got->entries[0])));

	EXPECT_EQ(-1, get_cpuid(vcpu, again, 1));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(2u, again->nent);
	EXPECT_EQ(-1, get_cpuid(vcpu, again, HOSPES_MAX_CPUID_ENTRIES + 1));
	EXPECT_EQ(EINVAL, errno);
	again->nent = 2;
	again->pad = 1;
	EXPECT_EQ(-1, __hvcpu_ioctl(vcpu, HOSPES_GET_CPUID, again));
	EXPECT_EQ(EINVAL, errno);
	free(set);
	free(got);
	free(again);
	hvm_destroy(vm);
}

TEST_HARNESS_MAIN
