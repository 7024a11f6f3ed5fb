/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ACPI tables an unmodified Linux kernel finds the machine through:
 * RSDP -> XSDT -> FADT (-> FACS, DSDT) and MADT.
 *
 *  - MADT: one local APIC per vCPU (APIC ids 0..n-1), the I/O APIC (id n,
 *    GSIs 0-23 at 0xfec00000), no 8259 (so ISA IRQ n is GSI n, edge, active
 *    high), and the SCI as a level-triggered GSI.
 *  - FADT: the PM1a event and control blocks and a reset register in port
 *    space (devices/acpi_pm.c), no PM timer, no SMI command port (always in
 *    ACPI mode), and boot flags that tell the kernel there is no i8042,
 *    VGA or CMOS RTC to probe.
 *  - DSDT: \_S5 (the sleep type poweroff writes) and the devices nothing
 *    else describes: virtio-mmio transports (LNRO0005) and pvpanic
 *    (QEMU0001).
 */
#ifndef HOSPES_ACPI_H
#define HOSPES_ACPI_H

#include <stdint.h>

#include "guest_mem.h"

/* Where the tables go: the BIOS area, where a kernel also searches for the RSDP. */
#define ACPI_TABLES_GPA		0xe0000ull
#define ACPI_TABLES_SIZE	0x20000ull

#define ACPI_MAX_MMIO_DEVICES	8

struct acpi_mmio_device {
	const char *hid;		/* e.g. "LNRO0005" */
	uint64_t base;
	uint32_t size;
	uint32_t gsi;			/* level-triggered, active high */
};

struct acpi_config {
	unsigned int nr_cpus;
	uint32_t ioapic_gsi_base;
	uint64_t ioapic_addr;
	uint64_t lapic_addr;
	uint8_t sci_gsi;
	uint16_t pm1a_evt_port;		/* 4 bytes: status, enable */
	uint16_t pm1a_cnt_port;		/* 2 bytes */
	uint16_t reset_port;		/* 1 byte, written reset_value */
	uint8_t reset_value;
	uint8_t s5_sleep_type;		/* SLP_TYP for poweroff */
	uint16_t pvpanic_port;		/* 0: none */
	const struct acpi_mmio_device *mmio;
	unsigned int nr_mmio;
};

/*
 * Write every table into [ACPI_TABLES_GPA, + ACPI_TABLES_SIZE) of mem: the
 * RSDP's address, or 0 after printing why (too many CPUs or devices for
 * the room, out of memory).
 */
uint64_t acpi_build(struct guest_mem *mem, const struct acpi_config *cfg);

#endif /* HOSPES_ACPI_H */
