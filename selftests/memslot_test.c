// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory slots: HOSPES_SET_MEMORY_REGION checks its input (alignment,
 * ranges, overlaps, slot ids, flags), slots come and go while the guest
 * watches, guest RAM stays ordinary process memory, and memory the kernel
 * cannot map fails the run instead of the host.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "hospes_util.h"

#define GiB		(1ull << 30)
/* The flags this header knows, and the lowest one it does not. */
#define KNOWN_FLAGS	(HOSPES_MEM_READONLY | HOSPES_MEM_LOG_DIRTY)
#define UNKNOWN_FLAG	(~KNOWN_FLAGS & -~KNOWN_FLAGS)
#define MiB		(1ull << 20)
#define PAGE		4096ull

FIXTURE(slots)
{
	struct hvm *vm;
	uint8_t *buf;		/* 8 MiB of host memory to offer as slots */
};

#define BUF_SIZE	(8 * MiB)

FIXTURE_SETUP(slots)
{
	self->vm = hvm_create(0);
	self->buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
}

FIXTURE_TEARDOWN(slots)
{
	hvm_destroy(self->vm);
	munmap(self->buf, BUF_SIZE);
}

static int set_slot(struct hvm *vm, uint32_t slot, uint32_t flags, uint64_t gpa,
		    uint64_t size, const void *uaddr)
{
	return __hvm_set_memory_region(vm, slot, flags, gpa, size,
				       (uintptr_t)uaddr);
}

#define EXPECT_SET_OK(slot, flags, gpa, size, uaddr)			\
	EXPECT_EQ(0, set_slot(self->vm, slot, flags, gpa, size, uaddr))	\
		TH_LOG("slot %u gpa %#llx size %#llx: %s", (unsigned int)(slot), \
		       (unsigned long long)(gpa), (unsigned long long)(size), \
		       strerror(errno))

#define EXPECT_SET_FAILS(err, slot, flags, gpa, size, uaddr) do {	\
	EXPECT_EQ(-1, set_slot(self->vm, slot, flags, gpa, size, uaddr)) \
		TH_LOG("slot %u gpa %#llx size %#llx accepted",		\
		       (unsigned int)(slot), (unsigned long long)(gpa),	\
		       (unsigned long long)(size));			\
	EXPECT_EQ(err, errno) TH_LOG("%s", strerror(errno));		\
} while (0)

TEST_F(slots, overlapping_slots_are_eexist)
{
	uint8_t *b = self->buf;

	EXPECT_SET_OK(1, 0, GiB, 2 * MiB, b);
	EXPECT_SET_FAILS(EEXIST, 2, 0, GiB + MiB, 2 * MiB, b + 2 * MiB);
	EXPECT_SET_FAILS(EEXIST, 2, 0, GiB - MiB, 2 * MiB, b + 2 * MiB);
	EXPECT_SET_FAILS(EEXIST, 2, 0, GiB + PAGE, PAGE, b + 2 * MiB);
	EXPECT_SET_FAILS(EEXIST, 2, 0, GiB - MiB, 4 * MiB, b + 2 * MiB);
	EXPECT_SET_FAILS(EEXIST, 2, 0, GiB + 2 * MiB - PAGE, 2 * MiB, b + 2 * MiB);
	/* Slot 0 is the library's RAM at GPA 0. */
	EXPECT_SET_FAILS(EEXIST, 2, 0, 32 * MiB, PAGE, b + 2 * MiB);
	/* Touching is not overlapping. */
	EXPECT_SET_OK(2, 0, GiB + 2 * MiB, 2 * MiB, b + 2 * MiB);
	EXPECT_SET_OK(3, 0, GiB - 2 * MiB, 2 * MiB, b + 4 * MiB);
	EXPECT_SET_OK(4, 0, self->vm->mem_size, PAGE, b + 6 * MiB);
}

TEST_F(slots, unaligned_gpa_size_or_address_is_einval)
{
	uint8_t *b = self->buf;

	EXPECT_SET_FAILS(EINVAL, 1, 0, GiB + 1, PAGE, b);
	EXPECT_SET_FAILS(EINVAL, 1, 0, GiB + 0x800, PAGE, b);
	EXPECT_SET_FAILS(EINVAL, 1, 0, GiB, 1, b);
	EXPECT_SET_FAILS(EINVAL, 1, 0, GiB, PAGE + 0x800, b);
	EXPECT_SET_FAILS(EINVAL, 1, 0, GiB, PAGE, b + 0x10);
	EXPECT_SET_FAILS(EINVAL, 1, 0, GiB, PAGE, b + 0x800);
	/* None of them took the slot. */
	EXPECT_SET_OK(1, 0, GiB, PAGE, b);
}

/* The kernel lists la57 among the CPU flags only when it runs with it. */
static bool host_uses_5_level_paging(void)
{
	char line[4096];
	bool la57 = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5)) {
			la57 = strstr(line, " la57") != NULL;
			break;
		}
	if (f)
		fclose(f);
	return la57;
}

TEST_F(slots, ranges_beyond_the_guest_physical_width_or_wrapping_are_einval)
{
	int bits = ioctl(self->vm->dev_fd, HOSPES_GET_GUEST_PHYS_BITS, 0);
	uint8_t *b = self->buf;
	const uint64_t top = 1ull << bits;

	/* 48 bits with 4-level nested paging, 52 with 5: the host's choice. */
	ASSERT_TRUE(bits == 48 || bits == 52) TH_LOG("%d bits", bits);
	EXPECT_EQ(bits == 52, host_uses_5_level_paging());

	EXPECT_SET_FAILS(EINVAL, 1, 0, top, PAGE, b);
	EXPECT_SET_FAILS(EINVAL, 1, 0, top - PAGE, 2 * PAGE, b);
	EXPECT_SET_FAILS(EINVAL, 1, 0, GiB, top, b);
	EXPECT_SET_FAILS(EINVAL, 1, 0, 0xfffffffffffff000ull, 2 * PAGE, b);
	EXPECT_SET_FAILS(EINVAL, 1, 0, GiB, 0xfffffffffffff000ull, b);
	EXPECT_SET_FAILS(EINVAL, 1, 0, 0xfffffffffffff000ull,
			 0xfffffffffffff000ull, b);
	/* The last page below the top is a valid place. */
	EXPECT_SET_OK(1, 0, top - PAGE, PAGE, b);
}

TEST_F(slots, userspace_range_outside_user_memory_is_refused)
{
	static const uint64_t bad[][2] = {
		{ 0xfffffffffffff000ull, 2 * PAGE },	/* wraps */
		{ 0xffff888000000000ull, PAGE },	/* kernel half */
		/* Crosses the top of user space, with 4- or 5-level paging. */
		{ 0x0100000000000000ull - PAGE, 2 * PAGE },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		int ret = set_slot(self->vm, 1, 0, GiB, bad[i][1],
				   (void *)(uintptr_t)bad[i][0]);

		/* EINVAL as bad input, or EFAULT as a bad pointer. */
		EXPECT_EQ(-1, ret) TH_LOG("uaddr %#llx accepted",
					  (unsigned long long)bad[i][0]);
		EXPECT_TRUE(errno == EINVAL || errno == EFAULT)
			TH_LOG("uaddr %#llx: %s", (unsigned long long)bad[i][0],
			       strerror(errno));
		if (!ret)
			set_slot(self->vm, 1, 0, GiB, 0, NULL);
	}
}

TEST_F(slots, slot_id_out_of_range_is_einval)
{
	uint8_t *b = self->buf;

	EXPECT_SET_FAILS(EINVAL, HOSPES_MAX_MEMSLOTS, 0, GiB, PAGE, b);
	EXPECT_SET_FAILS(EINVAL, 0x10000, 0, GiB, PAGE, b);
	EXPECT_SET_FAILS(EINVAL, 0xffffffff, 0, GiB, PAGE, b);
	EXPECT_SET_OK(HOSPES_MAX_MEMSLOTS - 1, 0, GiB, PAGE, b);
}

TEST_F(slots, unknown_flags_are_einval)
{
	uint8_t *b = self->buf;

	EXPECT_SET_FAILS(EINVAL, 1, UNKNOWN_FLAG, GiB, PAGE, b);
	EXPECT_SET_FAILS(EINVAL, 1, 1u << 31, GiB, PAGE, b);
	EXPECT_SET_FAILS(EINVAL, 1, HOSPES_MEM_READONLY | UNKNOWN_FLAG, GiB, PAGE, b);
	EXPECT_SET_FAILS(EINVAL, 1, ~0u, GiB, PAGE, b);
	EXPECT_SET_OK(1, HOSPES_MEM_READONLY, GiB, PAGE, b);
}

TEST_F(slots, existing_slot_changes_only_flags)
{
	uint8_t *b = self->buf;

	EXPECT_SET_OK(1, 0, GiB, 2 * PAGE, b);
	EXPECT_SET_OK(1, HOSPES_MEM_READONLY, GiB, 2 * PAGE, b);
	EXPECT_SET_OK(1, 0, GiB, 2 * PAGE, b);
	EXPECT_SET_FAILS(EEXIST, 1, 0, GiB, 4 * PAGE, b);
	EXPECT_SET_FAILS(EEXIST, 1, 0, GiB + PAGE, 2 * PAGE, b);
	EXPECT_SET_FAILS(EEXIST, 1, 0, 2 * GiB, 2 * PAGE, b);
	EXPECT_SET_FAILS(EEXIST, 1, 0, GiB, 2 * PAGE, b + PAGE);
	/* Nor with bad flags. */
	EXPECT_SET_FAILS(EINVAL, 1, UNKNOWN_FLAG, GiB, 2 * PAGE, b);
}

TEST_F(slots, deleted_slot_can_be_added_again_elsewhere)
{
	uint8_t *b = self->buf;

	EXPECT_SET_OK(1, 0, GiB, 2 * MiB, b);
	EXPECT_SET_OK(1, 0, GiB, 0, b);				/* delete */
	/* Its range and its id are free again. */
	EXPECT_SET_OK(2, 0, GiB, 2 * MiB, b + 2 * MiB);
	EXPECT_SET_OK(1, 0, 2 * GiB, 4 * MiB, b + 4 * MiB);
	EXPECT_SET_OK(2, 0, GiB, 0, b + 2 * MiB);
	EXPECT_SET_OK(1, 0, 2 * GiB, 0, b + 4 * MiB);
	EXPECT_SET_OK(1, HOSPES_MEM_READONLY, GiB, PAGE, b);
}

TEST_F(slots, every_slot_id_is_usable)
{
	unsigned int i;

	for (i = 1; i < HOSPES_MAX_MEMSLOTS; i++)
		EXPECT_SET_OK(i, 0, GiB + i * 2 * PAGE, PAGE, self->buf + i * PAGE);
}

TEST_F(slots, bad_argument_pointer_is_efault)
{
	EXPECT_EQ(-1, ioctl(self->vm->fd, HOSPES_SET_MEMORY_REGION, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

/* ---- the guest's view -------------------------------------------------- */

#define NEW_GPA		(GiB + 0x40)

static void guest_watch_new_gpa(void)
{
	volatile uint64_t *p = (volatile uint64_t *)NEW_GPA;

	GUEST_SYNC1(1, *p);		/* no slot: MMIO */
	GUEST_SYNC1(2, *p);		/* slot added */
	*p = 0x7777;
	GUEST_SYNC1(3, *p);
	GUEST_SYNC1(4, *p);		/* slot deleted: MMIO again */
	GUEST_SYNC1(5, *p);		/* another slot, other memory */
	GUEST_DONE();
}

TEST(guest_sees_slots_added_and_deleted)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_watch_new_gpa, &vcpu);
	struct hospes_run *run = vcpu->run;
	uint64_t *mem;
	struct ucall uc;

	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_MMIO);
	EXPECT_EQ(NEW_GPA, run->mmio.gpa);
	EXPECT_FALSE(run->mmio.is_write);
	memcpy(run->mmio.data, &(uint64_t){ 0x1111 }, 8);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(1, uc.args[0]);
	EXPECT_EQ(0x1111, uc.args[1]);

	mem = hvm_add_region(vm, 1, GiB, 2 * MiB, 0);
	mem[0x40 / 8] = 0x2222;
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(2, uc.args[0]);
	EXPECT_EQ(0x2222, uc.args[1]);

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(3, uc.args[0]);
	EXPECT_EQ(0x7777, uc.args[1]);
	EXPECT_EQ(0x7777, mem[0x40 / 8]);	/* the guest wrote our memory */

	hvm_delete_region(vm, 1);
	ASSERT_RUN_EXIT(vcpu, HOSPES_EXIT_MMIO);
	EXPECT_EQ(NEW_GPA, run->mmio.gpa);
	memcpy(run->mmio.data, &(uint64_t){ 0x4444 }, 8);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(4, uc.args[0]);
	EXPECT_EQ(0x4444, uc.args[1]);

	mem = hvm_add_region(vm, 2, GiB, PAGE, 0);
	mem[0x40 / 8] = 0x5555;
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(5, uc.args[0]);
	EXPECT_EQ(0x5555, uc.args[1]);
	ASSERT_GUEST_DONE(vcpu);
	hvm_destroy(vm);
}

static volatile uint64_t shared_word;

static void guest_read_shared_twice(void)
{
	GUEST_SYNC1(1, shared_word);
	GUEST_SYNC1(2, shared_word);
	shared_word = 3;
	GUEST_DONE();
}

TEST(guest_ram_is_shared_with_userspace_at_any_time)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_read_shared_twice, &vcpu);
	struct ucall uc;

	HVM_GLOBAL(vm, shared_word) = 1;
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(1, uc.args[1]);
	/* The page is mapped in the guest now; write it behind its back. */
	HVM_GLOBAL(vm, shared_word) = 2;
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(2, uc.args[1]);
	ASSERT_GUEST_DONE(vcpu);
	EXPECT_EQ(3, HVM_GLOBAL(vm, shared_word));
	hvm_destroy(vm);
}

#define MANY_GPA	(2 * GiB)

static void guest_sum_slots(void)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 1; i < HOSPES_MAX_MEMSLOTS; i++)
		sum += *(volatile uint64_t *)(MANY_GPA + i * 2 * PAGE + 8 * i);
	GUEST_SYNC1(1, sum);
}

TEST(guest_reads_all_slots)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_sum_slots, &vcpu);
	uint64_t sum = 0;
	struct ucall uc;
	unsigned int i;

	for (i = 1; i < HOSPES_MAX_MEMSLOTS; i++) {
		uint64_t *m = hvm_add_region(vm, i, MANY_GPA + i * 2 * PAGE,
					     PAGE, 0);

		m[i] = 1000 + i * i;
		sum += m[i];
	}
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(sum, uc.args[1]);
	hvm_destroy(vm);
}

/* ---- memory the kernel cannot map ------------------------------------ */

#define BAD_GPA		(3 * GiB)

static void guest_touch_bad_slot(void)
{
	GUEST_SYNC1(1, *(volatile uint64_t *)BAD_GPA);
	GUEST_SYNC1(2, *(volatile uint64_t *)BAD_GPA);
	GUEST_DONE();
}

/*
 * The run fails cleanly: HOSPES_EXIT_INTERNAL_ERROR with BAD_MEMORY, or
 * HOSPES_RUN failing with EFAULT.
 */
static void expect_bad_memory(struct __test_metadata *_metadata,
			      struct hvcpu *vcpu)
{
	char desc[HVCPU_DESC_LEN];
	int ret = hvcpu_run(vcpu);

	if (ret) {
		EXPECT_EQ(EFAULT, vcpu->run_errno)
			TH_LOG("HOSPES_RUN: %s", strerror(vcpu->run_errno));
		return;
	}
	EXPECT_EQ(HOSPES_EXIT_INTERNAL_ERROR, vcpu->run->exit_reason)
		TH_LOG("%s", hvcpu_describe_exit(vcpu, desc, sizeof(desc)));
	EXPECT_EQ(HOSPES_INTERNAL_ERROR_BAD_MEMORY,
		  vcpu->run->internal.suberror);
}

TEST(slot_over_unmapped_memory_fails_the_run)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_touch_bad_slot, &vcpu);
	void *hole = mmap(NULL, 2 * MiB, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, hole);
	ASSERT_EQ(0, munmap(hole, 2 * MiB));
	ASSERT_EQ(0, __hvm_set_memory_region(vm, 1, 0, BAD_GPA, 2 * MiB,
					     (uintptr_t)hole))
		TH_LOG("%s", strerror(errno));
	expect_bad_memory(_metadata, vcpu);
	/* Again, the same way. */
	expect_bad_memory(_metadata, vcpu);
	hvm_destroy(vm);
}

TEST(slot_over_prot_none_memory_fails_the_run)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_touch_bad_slot, &vcpu);
	void *none = mmap(NULL, 2 * MiB, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, none);
	ASSERT_EQ(0, __hvm_set_memory_region(vm, 1, 0, BAD_GPA, 2 * MiB,
					     (uintptr_t)none))
		TH_LOG("%s", strerror(errno));
	expect_bad_memory(_metadata, vcpu);
	hvm_destroy(vm);
	munmap(none, 2 * MiB);
}

TEST(slot_unmapped_after_the_guest_used_it_is_not_a_crash)
{
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_touch_bad_slot, &vcpu);
	uint64_t *mem = mmap(NULL, 2 * MiB, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct ucall uc;

	ASSERT_NE(MAP_FAILED, mem);
	mem[0] = 0xabcd;
	ASSERT_EQ(0, __hvm_set_memory_region(vm, 1, 0, BAD_GPA, 2 * MiB,
					     (uintptr_t)mem))
		TH_LOG("%s", strerror(errno));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0xabcd, uc.args[1]);
	/*
	 * The kernel holds its own reference on the page: unmapping it from
	 * the process must neither free it under the guest nor oops.
	 */
	ASSERT_EQ(0, munmap(mem, 2 * MiB));
	if (hvcpu_run(vcpu)) {
		EXPECT_EQ(EFAULT, vcpu->run_errno);
	} else if (hvcpu_get_ucall(vcpu, &uc) != UCALL_SYNC) {
		/* Either the old page, or a clean failure. */
		ASSERT_EXIT_REASON(vcpu, HOSPES_EXIT_INTERNAL_ERROR);
		EXPECT_EQ(HOSPES_INTERNAL_ERROR_BAD_MEMORY,
			  vcpu->run->internal.suberror);
	}
	ASSERT_EQ(0, __hvm_set_memory_region(vm, 1, 0, BAD_GPA, 0,
					     (uintptr_t)mem))
		TH_LOG("%s", strerror(errno));
	hvm_destroy(vm);
}

TEST_HARNESS_MAIN
