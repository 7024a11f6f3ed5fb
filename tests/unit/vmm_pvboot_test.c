// SPDX-License-Identifier: GPL-2.0-only
/* The PV boot layout: start-info, page tables, GDT and initial vCPU state. */
#include <stdlib.h>
#include <string.h>

#include "loaders/pvboot.h"

#include "kselftest_harness.h"

#define IMAGE_LO	0x100000ull
#define IMAGE_HI	0x123456ull
#define PAGE		4096ull

FIXTURE(boot) {
	struct guest_mem mem;
	struct pv_boot b;
	char err[256];
};

FIXTURE_SETUP(boot)
{
	self->mem.size = 64ull << 20;
	self->mem.host = calloc(1, self->mem.size);
	ASSERT_NE(NULL, self->mem.host);
}

FIXTURE_TEARDOWN(boot)
{
	free(self->mem.host);
}

static void *at(struct _test_data_boot *self, uint64_t gpa)
{
	return self->mem.host + gpa;
}

/* Walk 4-level tables as the CPU would: the GPA gva maps to, or ~0. */
static uint64_t translate(struct _test_data_boot *self, uint64_t cr3,
			  uint64_t gva)
{
	uint64_t table = cr3, e = 0;
	int level;

	for (level = 4; level >= 2; level--) {
		unsigned int idx = gva >> (12 + 9 * (level - 1)) & 511;

		if (table + 8 * idx + 8 > self->mem.size)
			return ~0ull;
		e = ((uint64_t *)at(self, table))[idx];
		if (!(e & 1) || !(e & 2))
			return ~0ull;
		if (level == 2)
			break;
		if (e & 0x80)		/* no 1 GiB pages expected */
			return ~0ull;
		table = e & 0x000ffffffffff000ull;
	}
	if (!(e & 0x80))
		return ~0ull;
	return (e & 0x000fffffffe00000ull) | (gva & 0x1fffff);
}

TEST_F(boot, start_info_describes_the_machine)
{
	const struct hospes_start_info *si;
	uint64_t ring;

	ASSERT_EQ(0, pvboot_init(&self->b, &self->mem, IMAGE_LO, IMAGE_HI,
				 "console=hvc0 quiet", self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	ASSERT_EQ(0, pvboot_reserve(&self->b, 2, &ring));
	ASSERT_EQ(0, pvboot_add_device(&self->b, &(struct hospes_pv_device){
		.type = HOSPES_PV_DEV_BLOCK, .port = 2, .ring_gpa = ring,
		.ring_pages = 2, .capacity = 2048 }));
	pvboot_finish(&self->b, 3);

	si = at(self, self->b.start_info_gpa);
	EXPECT_EQ(HOSPES_START_INFO_MAGIC, si->magic);
	EXPECT_EQ((unsigned int)HOSPES_PV_ABI_VERSION, si->version);
	EXPECT_EQ(3u, si->nr_vcpus);
	EXPECT_EQ(self->mem.size, si->mem_bytes);
	EXPECT_EQ(18u, si->cmdline_len);
	EXPECT_STREQ("console=hvc0 quiet", (char *)at(self, si->cmdline_gpa));
	EXPECT_EQ(1u, si->nr_devices);
	EXPECT_EQ(ring, si->devices[0].ring_gpa);
	EXPECT_EQ(2048u, si->devices[0].capacity);
	/* Everything the VMM placed sits above the image, below first_free. */
	EXPECT_EQ(0u, self->b.start_info_gpa % PAGE);
	EXPECT_LE(0x124000ull, self->b.start_info_gpa);
	EXPECT_LE(0x124000ull, si->cmdline_gpa);
	EXPECT_LE(0x124000ull, si->page_tables_gpa);
	EXPECT_EQ(ring + 2 * PAGE, si->first_free_gpa);
	EXPECT_EQ(0u, si->first_free_gpa % PAGE);
}

TEST_F(boot, page_tables_identity_map_all_ram)
{
	uint64_t gpa;

	ASSERT_EQ(0, pvboot_init(&self->b, &self->mem, IMAGE_LO, IMAGE_HI, "",
				 self->err, sizeof(self->err)));
	for (gpa = 0; gpa < self->mem.size; gpa += 0x1ff000)
		ASSERT_EQ(gpa, translate(self, self->b.page_tables_gpa, gpa));
	EXPECT_EQ(self->mem.size - 1,
		  translate(self, self->b.page_tables_gpa, self->mem.size - 1));
	EXPECT_EQ(~0ull, translate(self, self->b.page_tables_gpa, self->mem.size));
	EXPECT_EQ(~0ull, translate(self, self->b.page_tables_gpa, 1ull << 39));
}

TEST_F(boot, page_tables_span_several_gigabytes)
{
	struct guest_mem big = { .size = 5ull << 30 };

	/* Reserve no memory: only the tables are touched, sparsely. */
	big.host = mmap(NULL, big.size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, big.host);
	free(self->mem.host);
	self->mem.host = big.host;
	self->mem.size = big.size;
	ASSERT_EQ(0, pvboot_init(&self->b, &self->mem, IMAGE_LO, IMAGE_HI, "",
				 self->err, sizeof(self->err)));
	EXPECT_EQ(3ull << 30, translate(self, self->b.page_tables_gpa, 3ull << 30));
	EXPECT_EQ((5ull << 30) - 1,
		  translate(self, self->b.page_tables_gpa, (5ull << 30) - 1));
	EXPECT_EQ(~0ull, translate(self, self->b.page_tables_gpa, 5ull << 30));
	munmap(big.host, big.size);
	self->mem.host = calloc(1, 1);	/* for the teardown's free() */
}

TEST_F(boot, vcpu0_enters_the_kernel_in_long_mode)
{
	struct hospes_sregs s;
	struct hospes_regs r;
	const uint64_t *gdt;

	ASSERT_EQ(0, pvboot_init(&self->b, &self->mem, IMAGE_LO, IMAGE_HI, "",
				 self->err, sizeof(self->err)));
	pvboot_finish(&self->b, 1);
	pvboot_vcpu_state(&self->b, 0, 0x100040, &r, &s);
	EXPECT_EQ(0x100040ull, r.rip);
	EXPECT_EQ(self->b.start_info_gpa, r.rdi);
	EXPECT_EQ(IMAGE_LO, r.rsp);			/* below the image */
	EXPECT_EQ(0u, r.rsp % 16);
	EXPECT_EQ(0x2ull, r.rflags);			/* interrupts off */
	EXPECT_EQ(0x80010033ull, s.cr0);		/* PG WP NE ET MP PE */
	EXPECT_EQ(0x620ull, s.cr4 & 0x620);		/* PAE OSFXSR OSXMMEXCPT */
	EXPECT_EQ(0x500ull, s.efer);			/* LME LMA */
	EXPECT_EQ(self->b.page_tables_gpa, s.cr3);
	EXPECT_EQ(1, s.cs.l);
	EXPECT_EQ(0, s.cs.db);
	EXPECT_EQ(PVBOOT_SEL_CODE64, s.cs.selector);
	EXPECT_EQ(PVBOOT_SEL_DATA, s.ss.selector);
	EXPECT_EQ(0u, s.idt.limit);			/* no IDT */
	/* The GDT holds what the segment registers hold. */
	gdt = at(self, s.gdt.base);
	EXPECT_EQ(0x00af9b000000ffffull, gdt[PVBOOT_SEL_CODE64 / 8]);
	EXPECT_EQ(0x00cf93000000ffffull, gdt[PVBOOT_SEL_DATA / 8]);
	EXPECT_EQ(s.tr.base & 0xffffff, gdt[PVBOOT_SEL_TSS / 8] >> 16 & 0xffffff);
	EXPECT_EQ(0x89u, gdt[PVBOOT_SEL_TSS / 8] >> 40 & 0xff);
	EXPECT_LE((uint64_t)PVBOOT_SEL_TSS + 15, (uint64_t)s.gdt.limit);
}

TEST_F(boot, other_vcpus_start_in_a_halt_loop)
{
	struct hospes_sregs s;
	struct hospes_regs r;
	const uint8_t *code;

	ASSERT_EQ(0, pvboot_init(&self->b, &self->mem, IMAGE_LO, IMAGE_HI, "",
				 self->err, sizeof(self->err)));
	pvboot_vcpu_state(&self->b, 1, 0x100040, &r, &s);
	code = at(self, r.rip);
	EXPECT_EQ(0xfa, code[0]);		/* cli */
	EXPECT_EQ(0xf4, code[1]);		/* hlt */
	EXPECT_EQ(0xeb, code[2]);		/* jmp back to the hlt */
	EXPECT_EQ(0xfd, code[3]);
	EXPECT_EQ(0x2ull, r.rflags);
	EXPECT_EQ(self->b.page_tables_gpa, s.cr3);
}

TEST_F(boot, too_little_memory_is_refused)
{
	self->mem.size = 0x126000;	/* the image and the start-info page only */
	EXPECT_EQ(-1, pvboot_init(&self->b, &self->mem, IMAGE_LO, IMAGE_HI, "",
				  self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "too small"));
}

TEST_F(boot, an_image_leaving_no_stack_room_is_refused)
{
	EXPECT_EQ(-1, pvboot_init(&self->b, &self->mem, 0x2000, IMAGE_HI, "",
				  self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "boot stack"));
	EXPECT_EQ(0, pvboot_init(&self->b, &self->mem, PVBOOT_STACK_MIN, IMAGE_HI,
				 "", self->err, sizeof(self->err)));
}

TEST_F(boot, a_long_command_line_is_refused)
{
	char line[PVBOOT_CMDLINE_MAX + 2];

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	EXPECT_EQ(-1, pvboot_init(&self->b, &self->mem, IMAGE_LO, IMAGE_HI, line,
				  self->err, sizeof(self->err)));
	line[sizeof(line) - 2] = '\0';
	EXPECT_EQ(0, pvboot_init(&self->b, &self->mem, IMAGE_LO, IMAGE_HI, line,
				 self->err, sizeof(self->err)));
}

TEST_F(boot, reservations_stop_at_the_end_of_ram)
{
	uint64_t gpa;

	ASSERT_EQ(0, pvboot_init(&self->b, &self->mem, IMAGE_LO, IMAGE_HI, "",
				 self->err, sizeof(self->err)));
	EXPECT_EQ(-ENOMEM, pvboot_reserve(&self->b, self->mem.size / PAGE, &gpa));
	EXPECT_EQ(-ENOMEM, pvboot_reserve(&self->b, ~0ull / PAGE, &gpa));
	EXPECT_EQ(0, pvboot_reserve(&self->b, (self->mem.size - self->b.next_free) / PAGE, &gpa));
	EXPECT_EQ(self->mem.size, self->b.next_free);
	EXPECT_EQ(-ENOMEM, pvboot_reserve(&self->b, 1, &gpa));
}

TEST_F(boot, at_most_four_devices)
{
	struct hospes_pv_device d = { .type = HOSPES_PV_DEV_BLOCK };
	unsigned int i;

	ASSERT_EQ(0, pvboot_init(&self->b, &self->mem, IMAGE_LO, IMAGE_HI, "",
				 self->err, sizeof(self->err)));
	for (i = 0; i < HOSPES_PV_MAX_DEVICES; i++)
		EXPECT_EQ(0, pvboot_add_device(&self->b, &d));
	EXPECT_EQ(-ENOSPC, pvboot_add_device(&self->b, &d));
}

TEST_HARNESS_MAIN
