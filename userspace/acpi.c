// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>

#include "acpi.h"
#include "aml.h"

#define OEM_ID		"HOSPES"
#define OEM_TABLE_ID	"HOSPESVM"
#define CREATOR_ID	"HSPS"

/* Table revisions: ACPI 6.x layouts, which Linux reads in full. */
#define RSDP_REVISION	2
#define XSDT_REVISION	1
#define FADT_REVISION	6
#define FADT_MINOR	0
#define FACS_VERSION	2
#define MADT_REVISION	4
#define DSDT_REVISION	2	/* 2 and up: integers are 64-bit */

#define HEADER_SIZE	36
#define RSDP_SIZE	36
#define FADT_SIZE	276
#define FACS_SIZE	64

/* FADT flags and IA-PC boot architecture flags. */
#define FADT_WBINVD		(1u << 0)
#define FADT_C1_SUPPORTED	(1u << 2)
#define FADT_POWER_BUTTON	(1u << 4)	/* 1: no fixed power button */
#define FADT_SLEEP_BUTTON	(1u << 5)	/* 1: no fixed sleep button */
#define FADT_RESET_REGISTER	(1u << 10)
#define BOOT_NO_VGA		(1u << 2)
#define BOOT_NO_CMOS_RTC	(1u << 5)
/* No LEGACY_DEVICES and no 8042 bit: nothing to probe on ISA ports. */

#define GAS_SYSTEM_IO		1
#define GAS_ACCESS_BYTE		1

/* MADT entries. */
#define MADT_LOCAL_APIC		0
#define MADT_IO_APIC		1
#define MADT_OVERRIDE		2
#define MADT_APIC_ENABLED	1
#define MPS_ACTIVE_HIGH		0x1
#define MPS_LEVEL		(0x3 << 2)
#define ISA_BUS			0

/* The DSDT's \_S5 package: SLP_TYPa, SLP_TYPb, two reserved. */
#define S5_ELEMENTS		4

struct area {
	uint8_t *base;		/* host address of ACPI_TABLES_GPA */
	uint64_t used;
};

static void put(uint8_t *p, size_t off, size_t len, uint64_t v)
{
	memcpy(p + off, &v, len);	/* ACPI is little-endian */
}

static uint8_t checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return -sum;
}

/* len bytes of the area, aligned: their host address and *gpa, or NULL. */
static uint8_t *take(struct area *a, size_t len, size_t align, uint64_t *gpa)
{
	uint64_t off = (a->used + align - 1) / align * align;

	if (off + len > ACPI_TABLES_SIZE)
		return NULL;
	a->used = off + len;
	*gpa = ACPI_TABLES_GPA + off;
	return a->base + off;
}

/* The common header; the checksum comes last, with finish(). */
static void header(uint8_t *t, const char *sig, size_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put(t, 4, 4, len);
	put(t, 8, 1, rev);
	memcpy(t + 10, OEM_ID, 6);
	memcpy(t + 16, OEM_TABLE_ID, 8);
	put(t, 24, 4, 1);		/* OEM revision */
	memcpy(t + 28, CREATOR_ID, 4);
	put(t, 32, 4, 1);		/* creator revision */
}

static void finish(uint8_t *t, size_t len)
{
	t[9] = checksum(t, len);
}

/* A Generic Address Structure for an I/O port register of bytes bytes. */
static void gas_io(uint8_t *p, uint16_t port, unsigned int bytes)
{
	put(p, 0, 1, GAS_SYSTEM_IO);
	put(p, 1, 1, 8 * bytes);	/* register width in bits */
	put(p, 2, 1, 0);		/* bit offset */
	put(p, 3, 1, GAS_ACCESS_BYTE);
	put(p, 4, 8, port);
}

static void build_dsdt_body(struct aml *a, const struct acpi_config *cfg)
{
	unsigned int i;
	size_t sb, dev, pkg;
	char name[5];

	pkg = aml_name_package_begin(a, "\\_S5", S5_ELEMENTS);
	aml_integer(a, cfg->s5_sleep_type);
	aml_integer(a, cfg->s5_sleep_type);
	aml_integer(a, 0);
	aml_integer(a, 0);
	aml_end(a, pkg);

	sb = aml_scope_begin(a, "\\_SB");
	for (i = 0; i < cfg->nr_mmio; i++) {
		const struct acpi_mmio_device *d = &cfg->mmio[i];
		struct aml crs = { 0 };

		snprintf(name, sizeof(name), "M%03u", i % 1000);
		dev = aml_device_begin(a, name);
		aml_name_str(a, "_HID", d->hid);
		aml_name_integer(a, "_UID", i);
		aml_res_memory32(&crs, d->base, d->size);
		aml_res_interrupt(&crs, d->gsi, true, false);
		aml_res_end(&crs);
		aml_name_buffer(a, "_CRS", crs.buf, crs.len);
		a->oom |= crs.oom;
		aml_free(&crs);
		aml_end(a, dev);
	}
	if (cfg->pvpanic_port) {
		struct aml crs = { 0 };

		dev = aml_device_begin(a, "PEVT");
		aml_name_str(a, "_HID", "QEMU0001");
		aml_res_io(&crs, cfg->pvpanic_port, 1);
		aml_res_end(&crs);
		aml_name_buffer(a, "_CRS", crs.buf, crs.len);
		a->oom |= crs.oom;
		aml_free(&crs);
		aml_end(a, dev);
	}
	aml_end(a, sb);
}

static uint8_t *build_dsdt(struct area *area, const struct acpi_config *cfg,
			   uint64_t *gpa)
{
	struct aml a = { 0 };
	uint8_t *t;

	build_dsdt_body(&a, cfg);
	t = a.oom ? NULL : take(area, HEADER_SIZE + a.len, 16, gpa);
	if (t) {
		header(t, "DSDT", HEADER_SIZE + a.len, DSDT_REVISION);
		memcpy(t + HEADER_SIZE, a.buf, a.len);
		finish(t, HEADER_SIZE + a.len);
	}
	aml_free(&a);
	return t;
}

static uint8_t *build_madt(struct area *area, const struct acpi_config *cfg,
			   uint64_t *gpa)
{
	size_t len = HEADER_SIZE + 8 + 8 * cfg->nr_cpus + 12 + 10, off;
	uint8_t *t = take(area, len, 16, gpa);
	unsigned int i;

	if (!t)
		return NULL;
	header(t, "APIC", len, MADT_REVISION);
	put(t, 36, 4, cfg->lapic_addr);
	put(t, 40, 4, 0);		/* no PCAT_COMPAT: there is no 8259 */
	off = 44;
	for (i = 0; i < cfg->nr_cpus; i++, off += 8) {
		put(t, off, 1, MADT_LOCAL_APIC);
		put(t, off + 1, 1, 8);
		put(t, off + 2, 1, i);		/* ACPI processor UID */
		put(t, off + 3, 1, i);		/* APIC id: the vCPU id */
		put(t, off + 4, 4, MADT_APIC_ENABLED);
	}
	put(t, off, 1, MADT_IO_APIC);
	put(t, off + 1, 1, 12);
	put(t, off + 2, 1, cfg->nr_cpus);	/* its id, after the CPUs' */
	put(t, off + 4, 4, cfg->ioapic_addr);
	put(t, off + 8, 4, cfg->ioapic_gsi_base);
	off += 12;
	/* The SCI is level-triggered; a device drives it active high. */
	put(t, off, 1, MADT_OVERRIDE);
	put(t, off + 1, 1, 10);
	put(t, off + 2, 1, ISA_BUS);
	put(t, off + 3, 1, cfg->sci_gsi);
	put(t, off + 4, 4, cfg->sci_gsi);
	put(t, off + 8, 2, MPS_ACTIVE_HIGH | MPS_LEVEL);
	finish(t, len);
	return t;
}

static uint8_t *build_fadt(struct area *area, const struct acpi_config *cfg,
			   uint64_t facs, uint64_t dsdt, uint64_t *gpa)
{
	uint8_t *t = take(area, FADT_SIZE, 16, gpa);

	if (!t)
		return NULL;
	header(t, "FACP", FADT_SIZE, FADT_REVISION);
	put(t, 36, 4, facs);
	put(t, 40, 4, dsdt);
	put(t, 46, 2, cfg->sci_gsi);
	/* SMI_CMD 0 (offset 48): the machine is in ACPI mode from the start. */
	put(t, 56, 4, cfg->pm1a_evt_port);
	put(t, 64, 4, cfg->pm1a_cnt_port);
	put(t, 88, 1, 4);			/* PM1_EVT_LEN */
	put(t, 89, 1, 2);			/* PM1_CNT_LEN */
	/* C2 and C3 latencies above their limits: no such states. */
	put(t, 96, 2, 101);
	put(t, 98, 2, 1001);
	put(t, 109, 2, BOOT_NO_VGA | BOOT_NO_CMOS_RTC);
	put(t, 112, 4, FADT_WBINVD | FADT_C1_SUPPORTED | FADT_POWER_BUTTON |
		       FADT_SLEEP_BUTTON | FADT_RESET_REGISTER);
	gas_io(t + 116, cfg->reset_port, 1);
	put(t, 128, 1, cfg->reset_value);
	put(t, 131, 1, FADT_MINOR);
	put(t, 132, 8, facs);			/* X_FIRMWARE_CTRL */
	put(t, 140, 8, dsdt);			/* X_DSDT */
	gas_io(t + 148, cfg->pm1a_evt_port, 4);	/* X_PM1a_EVT_BLK */
	gas_io(t + 172, cfg->pm1a_cnt_port, 2);	/* X_PM1a_CNT_BLK */
	finish(t, FADT_SIZE);
	return t;
}

uint64_t acpi_build(struct guest_mem *mem, const struct acpi_config *cfg)
{
	struct area area = { gpa_to_host(mem, ACPI_TABLES_GPA, ACPI_TABLES_SIZE), 0 };
	uint64_t rsdp, xsdt, facs, dsdt, fadt, madt;
	uint8_t *r, *x, *f;

	if (!area.base) {
		fprintf(stderr, "hospes: no RAM for the ACPI tables at %#llx\n",
			(unsigned long long)ACPI_TABLES_GPA);
		return 0;
	}
	memset(area.base, 0, ACPI_TABLES_SIZE);
	r = take(&area, RSDP_SIZE, 16, &rsdp);
	x = take(&area, HEADER_SIZE + 2 * 8, 16, &xsdt);
	f = take(&area, FACS_SIZE, 64, &facs);
	if (!r || !x || !f || !build_dsdt(&area, cfg, &dsdt) ||
	    !build_fadt(&area, cfg, facs, dsdt, &fadt) ||
	    !build_madt(&area, cfg, &madt)) {
		fprintf(stderr, "hospes: the ACPI tables for %u vCPUs and %u devices do not fit in %llu KiB\n",
			cfg->nr_cpus, cfg->nr_mmio,
			(unsigned long long)(ACPI_TABLES_SIZE >> 10));
		return 0;
	}
	/* The FACS has no checksum, and no header of the common kind. */
	memcpy(f, "FACS", 4);
	put(f, 4, 4, FACS_SIZE);
	put(f, 32, 1, FACS_VERSION);

	header(x, "XSDT", HEADER_SIZE + 2 * 8, XSDT_REVISION);
	put(x, HEADER_SIZE, 8, fadt);
	put(x, HEADER_SIZE + 8, 8, madt);
	finish(x, HEADER_SIZE + 2 * 8);

	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, OEM_ID, 6);
	put(r, 15, 1, RSDP_REVISION);
	put(r, 20, 4, RSDP_SIZE);
	put(r, 24, 8, xsdt);
	r[8] = checksum(r, 20);		/* the ACPI 1.0 part */
	r[32] = checksum(r, RSDP_SIZE);	/* all of it */
	return rsdp;
}
