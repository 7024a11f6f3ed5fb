// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ioctl ABI is a promise to every VMM built against it: these numbers
 * and layouts may grow, never change.
 */
#include <linux/hospes.h>

#include "kselftest_harness.h"

TEST(api_version_is_1)
{
	EXPECT_EQ(1, HOSPES_API_VERSION);
}

TEST(system_ioctl_numbers_are_frozen)
{
	EXPECT_EQ(0xB800u, HOSPES_GET_API_VERSION);
}

TEST_HARNESS_MAIN
