// SPDX-License-Identifier: GPL-2.0-only
/* The x86 boot protocol loader: a made-up bzImage, the zero page, the initramfs. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loaders/bzimage.h"

#include "kselftest_harness.h"

#define MEM		(64ull << 20)
#define FILE_SIZE	0x3000
#define SETUP_SECTS	1		/* the kernel starts at 1024 */
#define INIT_SIZE	0x800000
#define PREF		0x1000000ull

static void put(uint8_t *p, size_t off, size_t len, uint64_t v)
{
	memcpy(p + off, &v, len);
}

static uint64_t get(const uint8_t *p, size_t off, size_t len)
{
	uint64_t v = 0;

	memcpy(&v, p + off, len);
	return v;
}

/* A bzImage header of protocol 2.15 with a 64-bit entry; the kernel is 0x5a. */
static uint8_t *make_image(void)
{
	uint8_t *f = calloc(1, FILE_SIZE);

	f[0x1f1] = SETUP_SECTS;
	put(f, 0x1fe, 2, 0xaa55);
	f[0x200] = 0xeb;
	f[0x201] = 0x66;			/* the header ends at 0x268 */
	memcpy(f + 0x202, "HdrS", 4);
	put(f, 0x206, 2, 0x020f);
	f[0x211] = 0x01;			/* LOADED_HIGH */
	put(f, 0x22c, 4, 0x7fffffff);		/* initrd_addr_max */
	put(f, 0x230, 4, 0x200000);		/* kernel_alignment */
	f[0x234] = 1;				/* relocatable */
	put(f, 0x236, 2, 0x03);			/* 64-bit entry, above 4G */
	put(f, 0x238, 4, 0x7ff);		/* cmdline_size */
	put(f, 0x258, 8, PREF);
	put(f, 0x260, 4, INIT_SIZE);
	memset(f + (SETUP_SECTS + 1) * 512, 0x5a, FILE_SIZE - (SETUP_SECTS + 1) * 512);
	return f;
}

FIXTURE(bz) {
	struct guest_mem mem;
	uint8_t *file;
	struct bzimage img;
	char err[256];
};

FIXTURE_SETUP(bz)
{
	self->mem.size = MEM;
	self->mem.host = calloc(1, MEM);
	self->file = make_image();
	ASSERT_NE(NULL, self->mem.host);
	ASSERT_NE(NULL, self->file);
}

FIXTURE_TEARDOWN(bz)
{
	free(self->mem.host);
	free(self->file);
}

TEST_F(bz, kernel_goes_to_1m_and_enters_at_0x200)
{
	ASSERT_EQ(0, bzimage_load(self->file, FILE_SIZE, &self->mem, &self->img,
				  self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	EXPECT_EQ(0x100200u, self->img.entry);
	EXPECT_EQ(0x100000u + FILE_SIZE - 1024u, self->img.kernel_end);
	/* Decompressed at its preferred address, for init_size bytes. */
	EXPECT_EQ(PREF + INIT_SIZE, self->img.work_end);
	EXPECT_EQ(0x7ffu, self->img.cmdline_max);
	EXPECT_EQ(0x268u - 0x1f1u, self->img.header_len);
	EXPECT_EQ(0x5a, self->mem.host[0x100000]);
	EXPECT_EQ(0x5a, self->mem.host[self->img.kernel_end - 1]);
	EXPECT_EQ(0, self->mem.host[self->img.kernel_end]);
}

TEST_F(bz, what_is_not_a_64_bit_bzimage_is_refused)
{
	self->file[0x202] = 'X';
	EXPECT_EQ(-1, bzimage_load(self->file, FILE_SIZE, &self->mem, &self->img,
				   self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "not a Linux bzImage"));
	self->file[0x202] = 'H';
	put(self->file, 0x206, 2, 0x020b);
	EXPECT_EQ(-1, bzimage_load(self->file, FILE_SIZE, &self->mem, &self->img,
				   self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "2.11"));
	put(self->file, 0x206, 2, 0x020f);
	put(self->file, 0x236, 2, 0);
	EXPECT_EQ(-1, bzimage_load(self->file, FILE_SIZE, &self->mem, &self->img,
				   self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "64-bit"));
}

TEST_F(bz, memory_must_hold_the_decompressed_kernel)
{
	self->mem.size = PREF + INIT_SIZE - 4096;
	EXPECT_EQ(-1, bzimage_load(self->file, FILE_SIZE, &self->mem, &self->img,
				   self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "too small")) TH_LOG("%s", self->err);
}

TEST_F(bz, zero_page_has_header_loader_cmdline_initrd_e820_rsdp)
{
	const struct e820_entry e820[] = {
		{ 0, 0x9fc00, E820_RAM }, { 0x100000, MEM - 0x100000, E820_RAM },
	};
	struct bzimage_params p = {
		.cmdline_gpa = 0x9000, .initrd_gpa = 0x3000000,
		.initrd_size = 0x12345, .rsdp_gpa = 0xe0000,
		.e820 = e820, .nr_e820 = 2,
	};
	uint8_t *bp = self->mem.host + 0x8000;

	ASSERT_EQ(0, bzimage_load(self->file, FILE_SIZE, &self->mem, &self->img,
				  self->err, sizeof(self->err)));
	memset(bp, 0x77, 4096);
	bzimage_write_params(&self->img, &self->mem, 0x8000, &p);
	EXPECT_EQ(0, memcmp(bp + 0x1f1, self->file + 0x1f1, 0x210 - 0x1f1));
	EXPECT_EQ(0xff, bp[0x210]);			/* type_of_loader */
	EXPECT_EQ(0x9000u, get(bp, 0x228, 4));		/* cmd_line_ptr */
	EXPECT_EQ(0x3000000u, get(bp, 0x218, 4));	/* ramdisk_image */
	EXPECT_EQ(0x12345u, get(bp, 0x21c, 4));		/* ramdisk_size */
	EXPECT_EQ(0xe0000u, get(bp, 0x070, 8));		/* acpi_rsdp_addr */
	EXPECT_EQ(2, bp[0x1e8]);			/* e820_entries */
	EXPECT_EQ(0x100000u, get(bp, 0x2d0 + 20, 8));
	EXPECT_EQ(MEM - 0x100000, get(bp, 0x2d0 + 28, 8));
	EXPECT_EQ((uint64_t)E820_RAM, get(bp, 0x2d0 + 36, 4));
	EXPECT_EQ(0, bp[0x000]);			/* the rest is zero */
	EXPECT_EQ(0, bp[0xfff]);
}

TEST_F(bz, initramfs_goes_to_the_top_above_the_kernel)
{
	char path[] = "/tmp/hospes-bz-test-XXXXXX";
	static const char data[5000] = "initramfs";
	uint64_t gpa, size;
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)sizeof(data), write(fd, data, sizeof(data)));
	close(fd);
	ASSERT_EQ(0, bzimage_load(self->file, FILE_SIZE, &self->mem, &self->img,
				  self->err, sizeof(self->err)));
	ASSERT_EQ(0, bzimage_load_initrd(&self->img, &self->mem, MEM, path,
					 &gpa, &size, self->err,
					 sizeof(self->err))) TH_LOG("%s", self->err);
	EXPECT_EQ(sizeof(data), size);
	EXPECT_EQ((MEM - sizeof(data)) & ~0xfffull, gpa);
	EXPECT_EQ(0, memcmp(self->mem.host + gpa, data, sizeof(data)));
	/* No room between the kernel's work area and the end of RAM. */
	EXPECT_EQ(-1, bzimage_load_initrd(&self->img, &self->mem,
					  PREF + INIT_SIZE + 4096, path, &gpa,
					  &size, self->err, sizeof(self->err)));
	unlink(path);
}

TEST_HARNESS_MAIN
