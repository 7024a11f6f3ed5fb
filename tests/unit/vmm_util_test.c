// SPDX-License-Identifier: GPL-2.0-only
/* The VMM's command-line number parsing. */
#include <stdint.h>

#include "util.h"

#include "kselftest_harness.h"

static uint64_t size_of(const char *s)
{
	uint64_t v = 12345;

	return parse_size(s, &v) ? UINT64_MAX : v;
}

TEST(sizes_take_binary_suffixes_in_either_case)
{
	EXPECT_EQ(4096ull, size_of("4096"));
	EXPECT_EQ(4096ull, size_of("4K"));
	EXPECT_EQ(4096ull, size_of("4k"));
	EXPECT_EQ(64ull << 20, size_of("64M"));
	EXPECT_EQ(64ull << 20, size_of("64m"));
	EXPECT_EQ(3ull << 30, size_of("3G"));
	EXPECT_EQ(2ull << 40, size_of("2T"));
	EXPECT_EQ(0ull, size_of("0"));
}

TEST(sizes_refuse_garbage)
{
	const char *bad[] = {
		"", "M", "-1", "+4K", " 4K", "4K ", "4KB", "4X", "1.5G", "0x10",
		"4 K",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		const char *s = bad[i];

		EXPECT_EQ(UINT64_MAX, size_of(s)) TH_LOG("accepted '%s'", s);
	}
}

TEST(sizes_refuse_overflow)
{
	EXPECT_EQ(UINT64_MAX, size_of("18446744073709551616"));
	EXPECT_EQ(UINT64_MAX, size_of("16777216T"));
	EXPECT_EQ(16777215ull << 40, size_of("16777215T"));
	EXPECT_EQ(UINT64_MAX - 1, size_of("18446744073709551614"));
}

TEST(uints_are_range_checked)
{
	unsigned int v = 99;

	EXPECT_EQ(0, parse_uint("1", 1, 64, &v));
	EXPECT_EQ(1u, v);
	EXPECT_EQ(0, parse_uint("64", 1, 64, &v));
	EXPECT_EQ(64u, v);
	EXPECT_EQ(-1, parse_uint("0", 1, 64, &v));
	EXPECT_EQ(-1, parse_uint("65", 1, 64, &v));
	EXPECT_EQ(-1, parse_uint("4294967297", 1, 64, &v));
	EXPECT_EQ(-1, parse_uint("2x", 1, 64, &v));
	EXPECT_EQ(-1, parse_uint("", 1, 64, &v));
	EXPECT_EQ(-1, parse_uint("-1", 0, 64, &v));
	EXPECT_EQ(64u, v);
}

TEST_HARNESS_MAIN
