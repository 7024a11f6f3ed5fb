// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dirty-page logging: a logging slot reports exactly the pages written
 * since the last fetch, every fetch re-arms it, and no write is lost while
 * the guest keeps writing during fetches.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/hospes.h>
#include <linux/hospes_pv.h>

#include "kselftest_harness.h"
#include "hospes_util.h"

#define LOG_SLOT	1
#define LOG_GPA		0x40000000ull
#define LOG_PAGES	4096ull			/* 16 MiB */
#define LOG_SIZE	(LOG_PAGES * 4096)
#define BITMAP_WORDS	((LOG_PAGES + 63) / 64)
#define PAGE		4096ull

/* Pages the guest writes in each round, ended by ~0. */
static uint64_t round_pages[2][8] = {
	{ 0, 5, 511, 512, 4095, ~0ull },
	{ 5, 100, ~0ull },
};

static void guest_write_rounds(void)
{
	int r, i;

	for (r = 0; r < 2; r++) {
		for (i = 0; round_pages[r][i] != ~0ull; i++)
			*(volatile uint64_t *)(LOG_GPA + round_pages[r][i] * PAGE) =
				r + 1;
		GUEST_SYNC(r);
	}
	GUEST_DONE();
}

static int get_dirty_log(struct hvm *vm, uint32_t slot, uint64_t *bitmap)
{
	struct hospes_dirty_log log = {
		.slot = slot,
		.bitmap = (uint64_t)(uintptr_t)bitmap,
	};

	return ioctl(vm->fd, HOSPES_GET_DIRTY_LOG, &log);
}

static bool test_page(const uint64_t *bitmap, uint64_t page)
{
	return bitmap[page / 64] & (1ull << (page % 64));
}

static unsigned int count_bits(const uint64_t *bitmap)
{
	unsigned int i, n = 0;

	for (i = 0; i < BITMAP_WORDS; i++)
		n += __builtin_popcountll(bitmap[i]);
	return n;
}

TEST(reports_exactly_the_pages_written_and_rearms)
{
	static uint64_t bitmap[BITMAP_WORDS];
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_write_rounds, &vcpu);
	int r, i;

	hvm_add_region(vm, LOG_SLOT, LOG_GPA, LOG_SIZE, HOSPES_MEM_LOG_DIRTY);
	/* Nothing written yet. */
	ASSERT_EQ(0, get_dirty_log(vm, LOG_SLOT, bitmap));
	ASSERT_EQ(0u, count_bits(bitmap));

	for (r = 0; r < 2; r++) {
		int n = 0;

		ASSERT_GUEST_SYNC(vcpu, r);
		for (i = 0; round_pages[r][i] != ~0ull; i++)
			n++;
		ASSERT_EQ(n, get_dirty_log(vm, LOG_SLOT, bitmap));
		ASSERT_EQ((unsigned int)n, count_bits(bitmap));
		for (i = 0; i < n; i++)
			EXPECT_TRUE(test_page(bitmap, round_pages[r][i]))
				TH_LOG("round %d: page %llu not reported", r,
				       (unsigned long long)round_pages[r][i]);
		/* Fetching re-armed the log: nothing new since. */
		ASSERT_EQ(0, get_dirty_log(vm, LOG_SLOT, bitmap));
	}
	ASSERT_GUEST_DONE(vcpu);
	/* Page 5 was written in both rounds: the second write was seen too. */
	EXPECT_EQ(2u, *(uint64_t *)hvm_gpa2hva(vm, LOG_GPA + 5 * PAGE));
	hvm_destroy(vm);
}

/* The guest stamps pages round-robin with an ever-growing counter. */
static void guest_stamp_forever(void)
{
	uint64_t stamp = 0, page = 0;

	for (;;) {
		*(volatile uint64_t *)(LOG_GPA + page * PAGE) = ++stamp;
		page = (page * 7 + 13) % LOG_PAGES;
	}
}

static void on_sigusr1(int sig)
{
	/* Only there to make HOSPES_RUN return EINTR. */
}

struct runner {
	struct hvcpu *vcpu;
	atomic_bool stop;
};

static void *run_until_stopped(void *arg)
{
	struct runner *r = arg;

	while (!atomic_load(&r->stop))
		if (hvcpu_run(r->vcpu) && r->vcpu->run_errno != EINTR)
			break;
	return NULL;
}

/*
 * A page whose contents changed between two reads was written after the
 * earlier fetch began, so one of the two fetches around the change must
 * report it.
 */
TEST(no_write_is_lost_while_the_guest_runs)
{
	static uint64_t prev_bitmap[BITMAP_WORDS], bitmap[BITMAP_WORDS];
	static uint64_t prev[LOG_PAGES], cur[LOG_PAGES], changed[BITMAP_WORDS];
	struct runner r = { 0 };
	struct hvm *vm = hvm_create_with_vcpu(guest_stamp_forever, &r.vcpu);
	uint64_t *mem, missed = 0, dirty_total = 0;
	pthread_t thread;
	int round, p;

	struct sigaction sa = { .sa_handler = on_sigusr1 };

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	mem = hvm_add_region(vm, LOG_SLOT, LOG_GPA, LOG_SIZE,
			     HOSPES_MEM_LOG_DIRTY);
	ASSERT_EQ(0, pthread_create(&thread, NULL, run_until_stopped, &r));

	for (round = 0; round < 40; round++) {
		int n;

		hospes_msleep(5);
		n = get_dirty_log(vm, LOG_SLOT, bitmap);
		ASSERT_GE(n, 0) TH_LOG("GET_DIRTY_LOG: %s", strerror(errno));
		dirty_total += n;
		for (p = 0; p < (int)LOG_PAGES; p++)
			cur[p] = ((volatile uint64_t *)mem)[p * PAGE / 8];
		if (round > 0) {
			for (p = 0; p < (int)LOG_PAGES; p++)
				if ((changed[p / 64] & (1ull << (p % 64))) &&
				    !test_page(prev_bitmap, p) && !test_page(bitmap, p))
					missed++;
		}
		memset(changed, 0, sizeof(changed));
		for (p = 0; p < (int)LOG_PAGES; p++)
			if (cur[p] != prev[p])
				changed[p / 64] |= 1ull << (p % 64);
		memcpy(prev, cur, sizeof(prev));
		memcpy(prev_bitmap, bitmap, sizeof(bitmap));
	}
	atomic_store(&r.stop, true);
	r.vcpu->run->immediate_exit = 1;
	pthread_kill(thread, SIGUSR1);
	pthread_join(thread, NULL);

	EXPECT_EQ(0u, missed) TH_LOG("changed pages never reported as dirty");
	/* The guest really wrote during the test. */
	EXPECT_GT(dirty_total, 100u);
	hvm_destroy(vm);
}

static void guest_get_time_into_log(void)
{
	GUEST_ASSERT_EQ(0, hypercall(HOSPES_HC_GET_TIME, LOG_GPA + 42 * PAGE,
				   0, 0, 0, 0));
	GUEST_DONE();
}

/* What the kernel writes for the guest is the guest's write too. */
TEST(kernel_writes_for_the_guest_are_logged)
{
	static uint64_t bitmap[BITMAP_WORDS];
	struct hvcpu *vcpu;
	struct hvm *vm = hvm_create_with_vcpu(guest_get_time_into_log, &vcpu);

	hvm_add_region(vm, LOG_SLOT, LOG_GPA, LOG_SIZE, HOSPES_MEM_LOG_DIRTY);
	ASSERT_GUEST_DONE(vcpu);
	ASSERT_EQ(1, get_dirty_log(vm, LOG_SLOT, bitmap));
	EXPECT_TRUE(test_page(bitmap, 42));
	hvm_destroy(vm);
}

TEST(logging_is_switched_by_the_slot_flag)
{
	static uint64_t bitmap[BITMAP_WORDS];
	struct hvm *vm = hvm_create(0);
	void *mem = hvm_add_region(vm, LOG_SLOT, LOG_GPA, LOG_SIZE, 0);

	EXPECT_EQ(-1, get_dirty_log(vm, LOG_SLOT, bitmap));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, __hvm_set_memory_region(vm, LOG_SLOT, HOSPES_MEM_LOG_DIRTY,
					     LOG_GPA, LOG_SIZE,
					     (uint64_t)(uintptr_t)mem));
	EXPECT_EQ(0, get_dirty_log(vm, LOG_SLOT, bitmap));
	ASSERT_EQ(0, __hvm_set_memory_region(vm, LOG_SLOT, 0, LOG_GPA, LOG_SIZE,
					     (uint64_t)(uintptr_t)mem));
	EXPECT_EQ(-1, get_dirty_log(vm, LOG_SLOT, bitmap));
	EXPECT_EQ(EINVAL, errno);
	hvm_destroy(vm);
}

TEST(bad_dirty_log_requests_are_refused)
{
	static uint64_t bitmap[BITMAP_WORDS];
	struct hvm *vm = hvm_create(0);
	struct hospes_dirty_log log = { .slot = LOG_SLOT };

	hvm_add_region(vm, LOG_SLOT, LOG_GPA, LOG_SIZE, HOSPES_MEM_LOG_DIRTY);
	/* No such slot, slot out of range, padding set. */
	EXPECT_EQ(-1, get_dirty_log(vm, 7, bitmap));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, get_dirty_log(vm, HOSPES_MAX_MEMSLOTS, bitmap));
	EXPECT_EQ(EINVAL, errno);
	log.bitmap = (uint64_t)(uintptr_t)bitmap;
	log.pad = 1;
	EXPECT_EQ(-1, ioctl(vm->fd, HOSPES_GET_DIRTY_LOG, &log));
	EXPECT_EQ(EINVAL, errno);
	/* A bitmap pointer that is not the caller's memory. */
	EXPECT_EQ(-1, get_dirty_log(vm, LOG_SLOT, (uint64_t *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(vm->fd, HOSPES_GET_DIRTY_LOG, NULL));
	EXPECT_EQ(EFAULT, errno);
	hvm_destroy(vm);
}

TEST_HARNESS_MAIN
