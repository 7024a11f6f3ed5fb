/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `hospes run --kernel`: a PC-like machine for an unmodified Linux kernel
 * (a bzImage). Guest-physical layout:
 *
 *   0x00000000  real-mode IVT and BIOS data area (zero)
 *   0x00000500  boot stack, growing down from 0x1000
 *   0x00001000  GDT: __BOOT_CS 0x10, __BOOT_DS 0x18, a TSS at 0x20
 *   0x00002000  page tables: 0 .. 4 GiB identity-mapped, 2 MiB pages
 *   0x00008000  boot_params (the zero page)
 *   0x00009000  the command line
 *   0x0009fc00  reserved (where an EBDA would be) up to 0xa0000
 *   0x000e0000  ACPI tables (acpi.h), reserved up to 1 MiB
 *   0x00100000  the kernel, which decompresses itself from 16 MiB on
 *   ........    the initramfs, at the top of RAM below the hole
 *   0xc0000000  the hole, up to 4 GiB: no RAM
 *   0xd0000000  virtio-mmio windows (devices/pc.h)
 *   0xfec00000  I/O APIC; 0xfee00000 local APICs (in the module)
 *   0x100000000 the rest of RAM, if more than 3 GiB
 *
 * With up to 3 GiB, all of RAM is at 0; beyond, the first 3 GiB are at 0
 * and the rest from 4 GiB, each range a memory slot over one host mapping
 * (guest_mem.h). 3 GiB, as QEMU's pc machine splits a large RAM: room
 * below 4 GiB for the device windows, and a DMA32 zone that is still
 * most of the 32-bit space for the devices that need it. The e820 map
 * lists RAM below 0x9fc00, from 1 MiB to the hole, and from 4 GiB to the
 * end of RAM; the gaps are where the devices are.
 */
#ifndef HOSPES_LINUX_H
#define HOSPES_LINUX_H

#include "guest_mem.h"
#include "loaders/bzimage.h"

struct machine;

#define LINUX_RAM_HOLE_START	(3ull << 30)
#define LINUX_HIGH_RAM_GPA	(4ull << 30)
#define LINUX_E820_MAX		5

/* The e820 map of the machine's RAM mem: its number of entries. */
unsigned int linux_e820(const struct guest_mem *mem,
			struct e820_entry e820[LINUX_E820_MAX]);

/*
 * Load the kernel and initramfs of m->cfg, describe the machine (ACPI,
 * e820), create the VM with its interrupt controllers, devices and vCPUs
 * (vCPU 0 at the kernel's 64-bit entry, the others waiting for INIT and
 * SIPI). 0, or -1 after printing why.
 */
int linux_build(struct machine *m);

#endif /* HOSPES_LINUX_H */
