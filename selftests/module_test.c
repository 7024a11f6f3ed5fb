// SPDX-License-Identifier: GPL-2.0-only
/*
 * The module's life: /dev/hospes, the API version, unknown ioctls, and
 * unloading (refused while a file is open, clean once all are closed).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/hospes.h>

#include "kselftest_harness.h"

#define MISC_MAJOR 10u

static int open_hospes(struct __test_metadata *_metadata)
{
	int fd = open("/dev/hospes", O_RDWR | O_CLOEXEC);

	ASSERT_GE(fd, 0) TH_LOG("open /dev/hospes: %s", strerror(errno));
	return fd;
}

TEST(device_node_is_misc_char_0660)
{
	struct stat st;

	ASSERT_EQ(0, stat("/dev/hospes", &st)) TH_LOG("%s", strerror(errno));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0660u, st.st_mode & 07777);
	EXPECT_EQ(MISC_MAJOR, major(st.st_rdev));
}

TEST(api_version_answers)
{
	int fd = open_hospes(_metadata);

	EXPECT_EQ(HOSPES_API_VERSION, ioctl(fd, HOSPES_GET_API_VERSION, 0));
	/* The argument is reserved: non-zero is refused, not ignored. */
	EXPECT_EQ(-1, ioctl(fd, HOSPES_GET_API_VERSION, 1));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST(tsc_frequency_is_the_hosts)
{
	int fd = open_hospes(_metadata);
	int khz = ioctl(fd, HOSPES_GET_TSC_KHZ, 0);
	uint64_t t0, t1, ns;
	struct timespec a, b;
	long long measured;

	ASSERT_GT(khz, 0) TH_LOG("%s", strerror(errno));
	/* Measured against CLOCK_MONOTONIC over 200 ms: within 5%. */
	clock_gettime(CLOCK_MONOTONIC, &a);
	t0 = __builtin_ia32_rdtsc();
	usleep(200000);
	t1 = __builtin_ia32_rdtsc();
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = (b.tv_sec - a.tv_sec) * 1000000000ull + b.tv_nsec - a.tv_nsec;
	measured = (long long)((t1 - t0) * 1000000ull / ns);
	EXPECT_LT(llabs(measured - khz), khz / 20)
		TH_LOG("measured %lld kHz, told %d", measured, khz);
	EXPECT_EQ(-1, ioctl(fd, HOSPES_GET_TSC_KHZ, 1));
	close(fd);
}

TEST(unknown_ioctl_is_enotty)
{
	static const unsigned long foreign[] = {
		_IO(HOSPESIO, 0xff),
		_IOW(HOSPESIO, 0x00, int),	/* right number, wrong shape */
		_IO(0xAE, 0x00),		/* KVM_GET_API_VERSION */
		0,
	};
	int fd = open_hospes(_metadata);
	unsigned int i;

	for (i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		EXPECT_EQ(-1, ioctl(fd, foreign[i], 0));
		EXPECT_EQ(ENOTTY, errno) TH_LOG("ioctl %#lx", foreign[i]);
	}
	close(fd);
}

TEST(unload_refused_while_open)
{
	int fd = open_hospes(_metadata);

	EXPECT_EQ(-1, syscall(SYS_delete_module, "hospes", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_EQ(HOSPES_API_VERSION, ioctl(fd, HOSPES_GET_API_VERSION, 0));
	close(fd);
}

/* Runs last: it leaves the module loaded again for the tests after it. */
TEST(unload_and_reload)
{
	const char *ko = getenv("HOSPES_KO");
	struct stat st;
	int fd;

	if (!ko)
		SKIP(return, "HOSPES_KO not set: don't know how to reload");

	ASSERT_EQ(0, syscall(SYS_delete_module, "hospes", O_NONBLOCK))
		TH_LOG("delete_module: %s", strerror(errno));
	EXPECT_EQ(-1, stat("/dev/hospes", &st));

	fd = open(ko, O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0) TH_LOG("%s: %s", ko, strerror(errno));
	ASSERT_EQ(0, syscall(SYS_finit_module, fd, "", 0))
		TH_LOG("finit_module: %s", strerror(errno));
	close(fd);

	fd = open_hospes(_metadata);
	EXPECT_EQ(HOSPES_API_VERSION, ioctl(fd, HOSPES_GET_API_VERSION, 0));
	close(fd);
}

TEST_HARNESS_MAIN
