// SPDX-License-Identifier: GPL-2.0-only
/* The ACPI tables of a Linux machine, and the AML they carry. */
#include <stdlib.h>
#include <string.h>

#include "acpi.h"
#include "aml.h"

#include "kselftest_harness.h"

#define MEM	(2ull << 20)

static uint64_t get(const uint8_t *p, size_t off, size_t len)
{
	uint64_t v = 0;

	memcpy(&v, p + off, len);
	return v;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

static bool has(const uint8_t *p, size_t len, const char *s)
{
	return memmem(p, len, s, strlen(s)) != NULL;
}

FIXTURE(acpi) {
	struct guest_mem mem;
	struct acpi_mmio_device mmio[2];
	struct acpi_config cfg;
	uint64_t rsdp;
};

FIXTURE_SETUP(acpi)
{
	self->mem.size = MEM;
	self->mem.host = calloc(1, MEM);
	ASSERT_NE(NULL, self->mem.host);
	self->mmio[0] = (struct acpi_mmio_device){ "LNRO0005", 0xd0000000, 0x1000, 16 };
	self->mmio[1] = (struct acpi_mmio_device){ "LNRO0005", 0xd0001000, 0x1000, 17 };
	self->cfg = (struct acpi_config){
		.nr_cpus = 3, .ioapic_addr = 0xfec00000,
		.lapic_addr = 0xfee00000, .sci_gsi = 9,
		.pm1a_evt_port = 0x600, .pm1a_cnt_port = 0x604,
		.reset_port = 0x608, .reset_value = 1, .s5_sleep_type = 5,
		.pvpanic_port = 0x505, .mmio = self->mmio, .nr_mmio = 2,
	};
	self->rsdp = acpi_build(&self->mem, &self->cfg);
	ASSERT_NE(0u, self->rsdp);
}

FIXTURE_TEARDOWN(acpi)
{
	free(self->mem.host);
}

/* The table at gpa, checked: signature and checksum. */
static const uint8_t *table(struct __test_metadata *_metadata,
			    struct _test_data_acpi *self, uint64_t gpa,
			    const char *sig)
{
	const uint8_t *t = self->mem.host + gpa;

	EXPECT_EQ(0, memcmp(t, sig, 4)) TH_LOG("%.4s is not %s", t, sig);
	EXPECT_EQ(0, sum(t, get(t, 4, 4))) TH_LOG("%s checksum", sig);
	return t;
}

TEST_F(acpi, rsdp_is_in_the_bios_area_with_both_checksums)
{
	const uint8_t *r = self->mem.host + self->rsdp;

	EXPECT_LE(0xe0000u, self->rsdp);
	EXPECT_GT(0x100000u, self->rsdp);
	EXPECT_EQ(0u, self->rsdp % 16);
	EXPECT_EQ(0, memcmp(r, "RSD PTR ", 8));
	EXPECT_EQ(2, r[15]);
	EXPECT_EQ(0, sum(r, 20));
	EXPECT_EQ(0, sum(r, 36));
}

TEST_F(acpi, xsdt_lists_fadt_and_madt)
{
	const uint8_t *r = self->mem.host + self->rsdp;
	const uint8_t *x = table(_metadata, self, get(r, 24, 8), "XSDT");
	const uint8_t *f, *d;

	ASSERT_EQ(36u + 16u, get(x, 4, 4));
	f = table(_metadata, self, get(x, 36, 8), "FACP");
	table(_metadata, self, get(x, 44, 8), "APIC");
	EXPECT_EQ(276u, get(f, 4, 4));
	EXPECT_EQ(9u, get(f, 46, 2));			/* SCI */
	EXPECT_EQ(0u, get(f, 48, 4));			/* no SMI command port */
	EXPECT_EQ(0x600u, get(f, 56, 4));
	EXPECT_EQ(0x604u, get(f, 64, 4));
	EXPECT_EQ(0x608u, get(f, 116 + 4, 8));		/* reset register */
	EXPECT_EQ(1, f[128]);
	EXPECT_EQ(0, memcmp(self->mem.host + get(f, 36, 4), "FACS", 4));
	d = table(_metadata, self, get(f, 140, 8), "DSDT");
	EXPECT_EQ(get(f, 40, 4), get(f, 140, 8));
	EXPECT_TRUE(has(d, get(d, 4, 4), "_S5_"));
	EXPECT_TRUE(has(d, get(d, 4, 4), "LNRO0005"));
	EXPECT_TRUE(has(d, get(d, 4, 4), "QEMU0001"));
}

TEST_F(acpi, madt_has_each_cpu_and_the_ioapic_after_them)
{
	const uint8_t *r = self->mem.host + self->rsdp;
	const uint8_t *x = self->mem.host + get(r, 24, 8);
	const uint8_t *m = table(_metadata, self, get(x, 44, 8), "APIC");
	size_t off = 44, len = get(m, 4, 4);
	unsigned int cpus = 0, ioapics = 0;

	EXPECT_EQ(0xfee00000, get(m, 36, 4));
	EXPECT_EQ(0u, get(m, 40, 4));			/* no 8259 */
	while (off < len) {
		if (m[off] == 0) {
			EXPECT_EQ(cpus, m[off + 3]);	/* APIC id */
			EXPECT_EQ(1u, get(m, off + 4, 4));
			cpus++;
		} else if (m[off] == 1) {
			EXPECT_EQ(3, m[off + 2]);	/* id after the CPUs' */
			EXPECT_EQ(0xfec00000, get(m, off + 4, 4));
			ioapics++;
		}
		ASSERT_LT(0, m[off + 1]);
		off += m[off + 1];
	}
	EXPECT_EQ(len, off);
	EXPECT_EQ(3u, cpus);
	EXPECT_EQ(1u, ioapics);
}

TEST(aml_package_lengths_grow_with_their_contents)
{
	static const uint8_t small[10], big[100];
	struct aml a = { 0 };

	/* Name(BUF, Buffer(10) {...}): PkgLength 1 + 2 + 10 after BufferOp. */
	aml_name_buffer(&a, "BUF", small, sizeof(small));
	ASSERT_FALSE(a.oom);
	EXPECT_EQ(0, memcmp(a.buf, "\x08" "BUF_" "\x11" "\x0d" "\x0a\x0a", 8));
	EXPECT_EQ(9u + 10u, a.len);
	aml_free(&a);
	/* 100 bytes: a two-byte PkgLength of 2 + 2 + 100 = 104. */
	aml_name_buffer(&a, "BUF", big, sizeof(big));
	EXPECT_EQ(0x40 | (104 & 0xf), a.buf[6]);
	EXPECT_EQ(104 >> 4, a.buf[7]);
	EXPECT_EQ(0x0a, a.buf[8]);
	EXPECT_EQ(100, a.buf[9]);
	EXPECT_EQ(6u + 104u, a.len);
	aml_free(&a);
}

TEST(aml_integers_take_their_shortest_form)
{
	struct aml a = { 0 };

	aml_integer(&a, 0);
	aml_integer(&a, 1);
	aml_integer(&a, 5);
	aml_integer(&a, 0x1234);
	aml_integer(&a, 0x12345678);
	ASSERT_EQ(1u + 1u + 2u + 3u + 5u, a.len);
	EXPECT_EQ(0, memcmp(a.buf, "\x00\x01\x0a\x05\x0b\x34\x12\x0c\x78\x56\x34\x12", 12));
	aml_free(&a);
}

TEST_HARNESS_MAIN
