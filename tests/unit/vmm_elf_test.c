// SPDX-License-Identifier: GPL-2.0-only
/* The PV kernel loader, on ELF images built here. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loaders/elf.h"

#include "kselftest_harness.h"

#define RAM_SIZE	(4u << 20)
#define DATA_OFFSET	0x1000u		/* segment data starts here in the file */

struct seg {
	uint32_t type;
	uint64_t paddr, vaddr;
	uint64_t filesz, memsz;
	uint8_t fill;
};

struct image {
	uint8_t bytes[DATA_OFFSET + 0x4000];
	size_t size;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
};

/* An x86-64 executable with segs laid out one after another in the file. */
static void build(struct image *img, const struct seg *segs, unsigned int n,
		  uint64_t entry)
{
	uint64_t off = DATA_OFFSET;
	unsigned int i;

	memset(img, 0, sizeof(*img));
	img->eh = (Elf64_Ehdr *)img->bytes;
	img->ph = (Elf64_Phdr *)(img->bytes + sizeof(Elf64_Ehdr));
	memcpy(img->eh->e_ident, ELFMAG, SELFMAG);
	img->eh->e_ident[EI_CLASS] = ELFCLASS64;
	img->eh->e_ident[EI_DATA] = ELFDATA2LSB;
	img->eh->e_ident[EI_VERSION] = EV_CURRENT;
	img->eh->e_type = ET_EXEC;
	img->eh->e_machine = EM_X86_64;
	img->eh->e_version = EV_CURRENT;
	img->eh->e_entry = entry;
	img->eh->e_phoff = sizeof(Elf64_Ehdr);
	img->eh->e_ehsize = sizeof(Elf64_Ehdr);
	img->eh->e_phentsize = sizeof(Elf64_Phdr);
	img->eh->e_phnum = n;
	for (i = 0; i < n; i++) {
		img->ph[i] = (Elf64_Phdr){
			.p_type = segs[i].type, .p_flags = PF_R | PF_X,
			.p_offset = off, .p_vaddr = segs[i].vaddr ?: segs[i].paddr,
			.p_paddr = segs[i].paddr, .p_filesz = segs[i].filesz,
			.p_memsz = segs[i].memsz, .p_align = 0x1000,
		};
		memset(img->bytes + off, segs[i].fill, segs[i].filesz);
		off += segs[i].filesz;
	}
	img->size = off;
}

FIXTURE(elf) {
	struct guest_mem mem;
	struct image img;
	struct elf_image out;
	char err[256];
};

FIXTURE_SETUP(elf)
{
	self->mem.size = RAM_SIZE;
	self->mem.host = malloc(RAM_SIZE);
	ASSERT_NE(NULL, self->mem.host);
	/* Not zero, so that zero-filling shows. */
	memset(self->mem.host, 0x5a, RAM_SIZE);
}

FIXTURE_TEARDOWN(elf)
{
	free(self->mem.host);
}

/* int: the harness compares with the (int) enumerators. */
static int load(struct _test_data_elf *self)
{
	self->err[0] = '\0';
	return elf_load(self->img.bytes, self->img.size, &self->mem, &self->out,
			self->err, sizeof(self->err));
}

static bool all(const uint8_t *p, uint8_t v, size_t n)
{
	while (n--)
		if (*p++ != v)
			return false;
	return true;
}

TEST_F(elf, segments_go_to_their_physical_addresses_bss_zeroed)
{
	const struct seg segs[] = {
		{ PT_LOAD, 0x100000, 0, 0x30, 0x30, 0xaa },
		{ PT_NOTE, 0x300000, 0, 0x10, 0x10, 0xee },	/* not loaded */
		{ PT_LOAD, 0x200000, 0, 0x10, 0x2000, 0xbb },
		{ PT_LOAD, 0x380000, 0, 0, 0, 0 },		/* empty: ignored */
	};

	build(&self->img, segs, 4, 0x100010);
	ASSERT_EQ(ELF_OK, load(self)) TH_LOG("%s", self->err);
	EXPECT_TRUE(all(self->mem.host + 0x100000, 0xaa, 0x30));
	EXPECT_EQ(0x5a, self->mem.host[0x100030]);
	EXPECT_TRUE(all(self->mem.host + 0x200000, 0xbb, 0x10));
	EXPECT_TRUE(all(self->mem.host + 0x200010, 0, 0x2000 - 0x10));
	EXPECT_EQ(0x5a, self->mem.host[0x202000]);
	EXPECT_EQ(0x5a, self->mem.host[0x300000]);
	EXPECT_EQ(0x100010ull, self->out.entry);
	EXPECT_EQ(0x100000ull, self->out.lo);
	EXPECT_EQ(0x202000ull, self->out.hi);
}

TEST_F(elf, p_paddr_not_p_vaddr_places_a_segment)
{
	const struct seg segs[] = {
		{ PT_LOAD, 0x100000, 0xffffffff80100000ull, 0x20, 0x20, 0xcc },
	};

	build(&self->img, segs, 1, 0x100000);
	ASSERT_EQ(ELF_OK, load(self)) TH_LOG("%s", self->err);
	EXPECT_TRUE(all(self->mem.host + 0x100000, 0xcc, 0x20));
}

TEST_F(elf, a_segment_may_end_exactly_at_the_end_of_ram)
{
	const struct seg segs[] = {
		{ PT_LOAD, RAM_SIZE - 0x1000, 0, 0x10, 0x1000, 0xdd },
	};

	build(&self->img, segs, 1, RAM_SIZE - 0x1000);
	ASSERT_EQ(ELF_OK, load(self)) TH_LOG("%s", self->err);
	EXPECT_EQ((uint64_t)RAM_SIZE, self->out.hi);
}

TEST_F(elf, segments_outside_ram_are_refused)
{
	struct seg segs[] = { { PT_LOAD, RAM_SIZE - 0x1000, 0, 0x10, 0x1001, 0 } };

	build(&self->img, segs, 1, RAM_SIZE - 0x1000);
	EXPECT_EQ(ELF_DOES_NOT_FIT, load(self));
	EXPECT_NE(NULL, strstr(self->err, "does not fit in 4096 KiB"));
	/* p_paddr + p_memsz wraps around: still outside. */
	segs[0].paddr = ~0ull - 0xf;
	segs[0].memsz = 0x20;
	build(&self->img, segs, 1, ~0ull - 0xf);
	EXPECT_EQ(ELF_DOES_NOT_FIT, load(self));
}

TEST_F(elf, not_elf_files_are_refused)
{
	static const char text[] = "#!/bin/sh\necho not a kernel\n";

	EXPECT_EQ(ELF_NOT_ELF, (int)elf_load(text, sizeof(text), &self->mem, &self->out,
					 self->err, sizeof(self->err)));
	EXPECT_STREQ("not an ELF file", self->err);
	EXPECT_EQ(ELF_NOT_ELF, (int)elf_load("\177EL", 3, &self->mem, &self->out,
					 self->err, sizeof(self->err)));
}

TEST_F(elf, a_truncated_header_is_refused)
{
	const struct seg segs[] = { { PT_LOAD, 0x100000, 0, 0x10, 0x10, 1 } };

	build(&self->img, segs, 1, 0x100000);
	self->img.size = sizeof(Elf64_Ehdr) - 1;
	EXPECT_EQ(ELF_NOT_ELF, load(self));
}

TEST_F(elf, wrong_class_endianness_machine_type_are_refused)
{
	const struct seg segs[] = { { PT_LOAD, 0x100000, 0, 0x10, 0x10, 1 } };

	build(&self->img, segs, 1, 0x100000);
	self->img.eh->e_ident[EI_CLASS] = ELFCLASS32;
	EXPECT_EQ(ELF_NOT_64BIT, load(self));
	EXPECT_NE(NULL, strstr(self->err, "not a 64-bit"));

	build(&self->img, segs, 1, 0x100000);
	self->img.eh->e_ident[EI_DATA] = ELFDATA2MSB;
	EXPECT_EQ(ELF_NOT_LITTLE_ENDIAN, load(self));

	build(&self->img, segs, 1, 0x100000);
	self->img.eh->e_machine = EM_AARCH64;
	EXPECT_EQ(ELF_WRONG_MACHINE, load(self));
	EXPECT_NE(NULL, strstr(self->err, "not x86-64"));

	build(&self->img, segs, 1, 0x100000);
	self->img.eh->e_machine = EM_386;
	EXPECT_EQ(ELF_WRONG_MACHINE, load(self));

	build(&self->img, segs, 1, 0x100000);
	self->img.eh->e_type = ET_DYN;
	EXPECT_EQ(ELF_NOT_EXECUTABLE, load(self));
}

TEST_F(elf, program_headers_outside_the_file_are_refused)
{
	const struct seg segs[] = { { PT_LOAD, 0x100000, 0, 0x10, 0x10, 1 } };

	build(&self->img, segs, 1, 0x100000);
	self->img.eh->e_phnum = 0xffff;
	EXPECT_EQ(ELF_BAD_HEADERS, load(self));

	build(&self->img, segs, 1, 0x100000);
	self->img.eh->e_phoff = ~0ull - 8;
	EXPECT_EQ(ELF_BAD_HEADERS, load(self));

	build(&self->img, segs, 1, 0x100000);
	self->img.eh->e_phentsize = sizeof(Elf32_Phdr);
	EXPECT_EQ(ELF_BAD_HEADERS, load(self));
}

TEST_F(elf, segment_data_outside_the_file_is_refused)
{
	const struct seg segs[] = { { PT_LOAD, 0x100000, 0, 0x10, 0x10, 1 } };

	build(&self->img, segs, 1, 0x100000);
	self->img.size -= 1;
	EXPECT_EQ(ELF_TRUNCATED, load(self));

	build(&self->img, segs, 1, 0x100000);
	self->img.ph[0].p_offset = ~0ull - 4;
	EXPECT_EQ(ELF_TRUNCATED, load(self));

	build(&self->img, segs, 1, 0x100000);
	self->img.ph[0].p_filesz = 0x20;	/* above p_memsz */
	EXPECT_EQ(ELF_TRUNCATED, load(self));
}

TEST_F(elf, an_image_without_loadable_segments_is_refused)
{
	const struct seg segs[] = { { PT_NOTE, 0x100000, 0, 0x10, 0x10, 1 } };

	build(&self->img, segs, 1, 0x100000);
	EXPECT_EQ(ELF_NO_SEGMENTS, load(self));
	build(&self->img, segs, 0, 0x100000);
	EXPECT_EQ(ELF_NO_SEGMENTS, load(self));
}

TEST_F(elf, the_entry_point_must_be_in_a_segment)
{
	const struct seg segs[] = {
		{ PT_LOAD, 0x100000, 0xffffffff80100000ull, 0x10, 0x10, 1 },
	};

	build(&self->img, segs, 1, 0x100010);
	EXPECT_EQ(ELF_BAD_ENTRY, load(self));
	/* A link-time (virtual) entry is not a physical one. */
	build(&self->img, segs, 1, 0xffffffff80100000ull);
	EXPECT_EQ(ELF_BAD_ENTRY, load(self));
	EXPECT_NE(NULL, strstr(self->err, "0xffffffff80100000"));
}

TEST_F(elf, files_that_cannot_be_read_are_refused)
{
	char path[] = "/tmp/hospes-elf-test-XXXXXX";
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	EXPECT_EQ(ELF_NOT_ELF, (int)elf_load_file(path, &self->mem, &self->out,
					     self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "empty"));
	unlink(path);
	close(fd);
	EXPECT_EQ(ELF_UNREADABLE, (int)elf_load_file(path, &self->mem, &self->out,
						self->err, sizeof(self->err)));
	EXPECT_STREQ("No such file or directory", self->err);
	EXPECT_EQ(ELF_UNREADABLE, (int)elf_load_file("/", &self->mem, &self->out,
						self->err, sizeof(self->err)));
	EXPECT_STREQ("not a regular file", self->err);
}

TEST_F(elf, a_file_loads_like_a_buffer)
{
	const struct seg segs[] = { { PT_LOAD, 0x100000, 0, 0x40, 0x40, 0x77 } };
	char path[] = "/tmp/hospes-elf-test-XXXXXX";
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	build(&self->img, segs, 1, 0x100000);
	ASSERT_EQ((ssize_t)self->img.size, write(fd, self->img.bytes, self->img.size));
	EXPECT_EQ(ELF_OK, (int)elf_load_file(path, &self->mem, &self->out,
					self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	EXPECT_TRUE(all(self->mem.host + 0x100000, 0x77, 0x40));
	unlink(path);
	close(fd);
}

TEST_HARNESS_MAIN
