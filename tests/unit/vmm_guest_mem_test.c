// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest RAM in ranges (guest_mem.h): a flat PV layout and a layout split
 * around a hole; gpa_to_host() refusing the hole and anything that
 * crosses into it; RAM page indexes and their addresses; the Linux
 * machine's layout and e820 map by memory size; and guest RAM through the
 * save stream (ram.c): runs by guest-physical address that never cover
 * the hole, landing where they were in a machine of the same layout,
 * refused by one without RAM there.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "linux.h"
#include "machine.h"
#include "ram.h"
#include "stream.h"

#include "kselftest_harness.h"

/* A small split machine: 512 KiB at 0, a hole, 512 KiB at 2 MiB. */
#define SIZE		(1ull << 20)
#define HOLE		(512ull << 10)
#define HIGH		(2ull << 20)
#define PAGES		(SIZE / GUEST_PAGE_SIZE)

static void split(struct guest_mem *mem, uint8_t *host)
{
	*mem = (struct guest_mem){ .host = host };
	guest_mem_layout(mem, SIZE, HOLE, HIGH);
}

TEST(a_flat_layout_is_all_of_ram_at_zero)
{
	static uint8_t host_bytes[SIZE];
	uint8_t *host = host_bytes;
	struct guest_mem mem;
	struct guest_mem_range r;

	mem = (struct guest_mem){ .host = host, .size = SIZE };
	/* Zero-initialised is flat, as a layout without a hole is. */
	EXPECT_EQ(1u, guest_mem_nr_ranges(&mem));
	EXPECT_EQ(0, guest_mem_layout(&mem, SIZE, 0, 0));
	EXPECT_EQ(1u, guest_mem_nr_ranges(&mem));
	EXPECT_EQ(0, guest_mem_layout(&mem, SIZE, SIZE, 4 * SIZE));
	EXPECT_EQ(1u, guest_mem_nr_ranges(&mem));
	guest_mem_range(&mem, 0, &r);
	EXPECT_EQ(0ull, r.gpa);
	EXPECT_EQ(SIZE, r.size);
	EXPECT_EQ(0ull, r.offset);
	EXPECT_EQ(SIZE, guest_mem_end(&mem));
	EXPECT_EQ(host, gpa_to_host(&mem, 0, SIZE));
	EXPECT_EQ(host + SIZE, gpa_to_host(&mem, SIZE, 0));
	EXPECT_EQ(NULL, gpa_to_host(&mem, SIZE - 1, 2));
	EXPECT_EQ(NULL, gpa_to_host(&mem, 1, ~0ull));
	EXPECT_EQ(NULL, gpa_to_host(&mem, ~0ull, 1));
	EXPECT_EQ(SIZE - GUEST_PAGE_SIZE, guest_mem_page_gpa(&mem, PAGES - 1));
}

TEST(a_split_layout_has_no_ram_in_its_hole)
{
	static uint8_t host_bytes[SIZE];
	uint8_t *host = host_bytes;
	struct guest_mem mem;
	struct guest_mem_range r;

	split(&mem, host);
	ASSERT_EQ(2u, guest_mem_nr_ranges(&mem));
	guest_mem_range(&mem, 0, &r);
	EXPECT_EQ(0ull, r.gpa);
	EXPECT_EQ(HOLE, r.size);
	EXPECT_EQ(0ull, r.offset);
	guest_mem_range(&mem, 1, &r);
	EXPECT_EQ(HIGH, r.gpa);
	EXPECT_EQ(SIZE - HOLE, r.size);
	EXPECT_EQ(HOLE, r.offset);
	EXPECT_EQ(HIGH + SIZE - HOLE, guest_mem_end(&mem));

	EXPECT_EQ(host, gpa_to_host(&mem, 0, HOLE));
	EXPECT_EQ(host + HOLE, gpa_to_host(&mem, HOLE, 0));
	/* The hole, and whatever reaches into it from either side. */
	EXPECT_EQ(NULL, gpa_to_host(&mem, HOLE, 1));
	EXPECT_EQ(NULL, gpa_to_host(&mem, HOLE - 8, 16));
	EXPECT_EQ(NULL, gpa_to_host(&mem, HIGH - 1, 2));
	EXPECT_EQ(NULL, gpa_to_host(&mem, 0, HIGH + 1));
	/* One buffer never spans two ranges, although the host's does. */
	EXPECT_EQ(NULL, gpa_to_host(&mem, 0, SIZE));
	EXPECT_EQ(host + HOLE, gpa_to_host(&mem, HIGH, SIZE - HOLE));
	EXPECT_EQ(host + SIZE - 1, gpa_to_host(&mem, HIGH + SIZE - HOLE - 1, 1));
	EXPECT_EQ(NULL, gpa_to_host(&mem, HIGH + SIZE - HOLE - 1, 2));
	EXPECT_EQ(NULL, gpa_to_host(&mem, HIGH + SIZE - HOLE, 1));
	EXPECT_EQ(NULL, gpa_to_host(&mem, HIGH + 4096, ~0ull - 4096));
	EXPECT_EQ(NULL, gpa_to_host(&mem, ~0ull, 1));

	EXPECT_EQ(0ull, guest_mem_page_gpa(&mem, 0));
	EXPECT_EQ(HOLE - GUEST_PAGE_SIZE,
		  guest_mem_page_gpa(&mem, HOLE / GUEST_PAGE_SIZE - 1));
	EXPECT_EQ(HIGH, guest_mem_page_gpa(&mem, HOLE / GUEST_PAGE_SIZE));
	EXPECT_EQ(HIGH + SIZE - HOLE - GUEST_PAGE_SIZE,
		  guest_mem_page_gpa(&mem, PAGES - 1));
}

TEST(a_split_must_fall_on_a_bitmap_word_below_the_high_range)
{
	struct guest_mem mem = { 0 };

	EXPECT_EQ(-1, guest_mem_layout(&mem, SIZE, HOLE + GUEST_PAGE_SIZE, HIGH));
	EXPECT_EQ(-1, guest_mem_layout(&mem, SIZE, HOLE, HOLE - GUEST_PAGE_SIZE));
	EXPECT_EQ(-1, guest_mem_layout(&mem, SIZE, HOLE, HIGH + 1));
	EXPECT_EQ(-1, guest_mem_layout(&mem, SIZE, HOLE, ~0ull & ~4095ull));
	/* The hole may be empty: the ranges then only meet. */
	EXPECT_EQ(0, guest_mem_layout(&mem, SIZE, HOLE, HOLE));
	EXPECT_EQ(2u, guest_mem_nr_ranges(&mem));
}

/* The VMM's writes are marked by RAM page index, as the dirty log is. */
TEST(vmm_writes_above_the_hole_mark_their_ram_page)
{
	static uint8_t host_bytes[SIZE];
	uint8_t *host = host_bytes;
	uint64_t written[PAGES / 64] = { 0 };
	struct guest_mem mem;

	split(&mem, host);
	mem.written = written;
	mem.tracking = true;
	guest_mem_written(&mem, HIGH + GUEST_PAGE_SIZE + 10, 4096);
	guest_mem_written(&mem, HOLE + 4096, 1);	/* not RAM: nothing */
	/* 512 KiB at 0 are indexes 0-127: the rest is word 2 on. */
	EXPECT_EQ(0ull, written[0] | written[1] | written[3]);
	EXPECT_EQ(3ull << 1, written[2]);	/* index 129 and 130 */
}

/* `--kernel` machines: all low up to 3 GiB, above that split at 3 GiB. */
TEST(linux_ram_is_split_at_3g_and_resumes_at_4g)
{
	static const struct {
		uint64_t bytes;
		unsigned int ranges;
	} sizes[] = {
		{ 256ull << 20, 1 }, { 3ull << 30, 1 }, { (3ull << 30) + 4096, 2 },
		{ 4ull << 30, 2 }, { 6ull << 30, 2 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct vm_config cfg = { .linux_boot = true, .mem_bytes = sizes[i].bytes };
		struct e820_entry e820[LINUX_E820_MAX];
		struct guest_mem_range r;
		struct machine m;
		unsigned int n;

		machine_init(&m, &cfg);
		ASSERT_EQ(0, machine_alloc_ram(&m));
		ASSERT_EQ(sizes[i].ranges, guest_mem_nr_ranges(&m.mem));
		n = linux_e820(&m.mem, e820);
		EXPECT_EQ(3 + sizes[i].ranges, n);
		EXPECT_EQ(0x100000ull, e820[3].addr);
		EXPECT_EQ((uint32_t)E820_RAM, e820[3].type);
		if (sizes[i].ranges == 1) {
			EXPECT_EQ(sizes[i].bytes, guest_mem_end(&m.mem));
			EXPECT_EQ(sizes[i].bytes - 0x100000, e820[3].size);
		} else {
			guest_mem_range(&m.mem, 1, &r);
			EXPECT_EQ(LINUX_HIGH_RAM_GPA, r.gpa);
			EXPECT_EQ(sizes[i].bytes - LINUX_RAM_HOLE_START, r.size);
			EXPECT_EQ(LINUX_RAM_HOLE_START - 0x100000, e820[3].size);
			EXPECT_EQ(LINUX_HIGH_RAM_GPA, e820[4].addr);
			EXPECT_EQ(r.size, e820[4].size);
			EXPECT_EQ((uint32_t)E820_RAM, e820[4].type);
			/* The device windows are in the hole. */
			EXPECT_EQ(NULL, gpa_to_host(&m.mem, 0xd0000000, 4));
			EXPECT_EQ(NULL, gpa_to_host(&m.mem, 0xfee00000, 4));
			EXPECT_NE(NULL, gpa_to_host(&m.mem, guest_mem_end(&m.mem) - 8, 8));
		}
		machine_destroy(&m);
	}
}

TEST(a_pv_machine_keeps_all_of_its_ram_at_zero)
{
	struct vm_config cfg = { .mem_bytes = 6ull << 30 };
	struct machine m;

	machine_init(&m, &cfg);
	ASSERT_EQ(0, machine_alloc_ram(&m));
	EXPECT_EQ(1u, guest_mem_nr_ranges(&m.mem));
	EXPECT_NE(NULL, gpa_to_host(&m.mem, 0xd0000000, 4));
	EXPECT_EQ(6ull << 30, guest_mem_end(&m.mem));
	machine_destroy(&m);
}

/* Write RAM (pages set in bitmap, or all) to a memfd: its fd at offset 0. */
static int write_ram(const struct guest_mem *mem, const uint64_t *bitmap)
{
	struct stream_writer *w = malloc(sizeof(*w));
	struct ram_stats st = { 0 };
	int fd = memfd_create("ram", 0);

	if (!w || fd < 0)
		return -1;
	stream_writer_init(w, fd);
	if (stream_put_header(w, STREAM_F_LIVE) ||
	    ram_put_pages(w, mem, bitmap, !bitmap, &st) || stream_put_end(w)) {
		free(w);
		close(fd);
		return -1;
	}
	free(w);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/*
 * Read the MEMORY sections of fd into mem (NULL: only check that every
 * run lies inside one range of like); 0, or -1 with the reader's error.
 */
static int read_ram(int fd, struct guest_mem *mem,
		    const struct guest_mem *like, char *err)
{
	struct stream_reader *r = malloc(sizeof(*r));
	struct stream_section s;
	uint32_t flags;
	int ret = -1;

	stream_reader_init(r, fd);
	if (stream_get_header(r, &flags))
		goto out;
	while (!stream_get_section(r, &s)) {
		if (s.type == SEC_END) {
			ret = stream_check_end(r, &s);
			goto out;
		}
		if (mem) {
			if (ram_get_section(r, mem, s.length))
				goto out;
			continue;
		}
		while (s.length) {
			struct { uint64_t gpa; uint32_t pages, kind; } run;

			if (stream_get(r, &run, sizeof(run)))
				goto out;
			s.length -= sizeof(run);
			if (!gpa_to_host(like, run.gpa, run.pages * GUEST_PAGE_SIZE)) {
				stream_fail(r, "run at %#llx crosses the hole",
					    (unsigned long long)run.gpa);
				goto out;
			}
			if (!run.kind) {
				stream_skip(r, run.pages * GUEST_PAGE_SIZE);
				s.length -= run.pages * GUEST_PAGE_SIZE;
			}
		}
	}
out:
	strcpy(err, r->error);
	free(r);
	return ret;
}

TEST(ram_goes_by_address_around_the_hole_and_lands_in_place)
{
	static uint8_t a_host[SIZE], b_host[SIZE], c_host[SIZE];
	struct guest_mem a, b, flat = { .host = c_host, .size = SIZE };
	uint64_t dirty[PAGES / 64] = { 0 };
	char err[256];
	uint64_t i;
	int fd;

	split(&a, a_host);
	split(&b, b_host);
	/* Data on both sides of the split, and across it in host terms. */
	for (i = 0; i < PAGES; i++)
		if (i % 5)
			memset(a_host + i * GUEST_PAGE_SIZE, (int)(i % 250) + 1,
			       GUEST_PAGE_SIZE);
	fd = write_ram(&a, NULL);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, read_ram(fd, NULL, &a, err)) TH_LOG("%s", err);
	lseek(fd, 0, SEEK_SET);
	ASSERT_EQ(0, read_ram(fd, &b, NULL, err)) TH_LOG("%s", err);
	EXPECT_EQ(0, memcmp(a_host, b_host, SIZE));
	EXPECT_EQ(ram_hash(&a), ram_hash(&b));
	/* A machine without RAM at 2 MiB refuses the high runs. */
	lseek(fd, 0, SEEK_SET);
	EXPECT_EQ(-1, read_ram(fd, &flat, NULL, err));
	EXPECT_NE(NULL, strstr(err, "outside the guest")) TH_LOG("%s", err);
	close(fd);

	/* A later pass: dirty bits by RAM page index, the first high page. */
	memset(a_host + HOLE, 0xab, GUEST_PAGE_SIZE);
	dirty[HOLE / GUEST_PAGE_SIZE / 64] = 1;
	fd = write_ram(&a, dirty);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, read_ram(fd, &b, NULL, err)) TH_LOG("%s", err);
	EXPECT_EQ(0xab, (int)b_host[HOLE]);
	EXPECT_EQ(0, memcmp(a_host, b_host, SIZE));
	close(fd);
}

TEST_HARNESS_MAIN
