/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The devices of the PC-like machine an unmodified Linux kernel boots in
 * (linux.c): where each sits, and how the machine attaches it. Each
 * attach function returns 0, or -1 after printing why.
 */
#ifndef HOSPES_DEVICES_PC_H
#define HOSPES_DEVICES_PC_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

/* ---- ACPI fixed hardware: PM1a event and control blocks, reset ------- */

#define ACPI_PM1A_EVT_PORT	0x600	/* 4 bytes: PM1 status, PM1 enable */
#define ACPI_PM1A_CNT_PORT	0x604	/* 2 bytes: PM1 control */
#define ACPI_RESET_PORT		0x608	/* the FADT's reset register */
#define ACPI_RESET_VALUE	0x01
/* SLP_TYP that \_S5 names: writing it with SLP_EN powers off. */
#define ACPI_S5_SLEEP_TYPE	5
/* The SCI's GSI; nothing raises it (no fixed events are modelled). */
#define ACPI_SCI_GSI		9

/* Poweroff through S5 stops the machine with 0; a reset reboots it. */
int acpi_pm_attach(struct machine *m);

/* ---- 8042 keyboard controller: its reset line only -------------------- */

#define I8042_COMMAND_PORT	0x64

/* Command 0xfe (pulse reset) reboots the machine. */
int i8042_attach(struct machine *m);

/* ---- pvpanic: the guest reports its own panic ------------------------ */

#define PVPANIC_PORT		0x505

/* A panic stops the machine with EXIT_GUEST_DIED. */
int pvpanic_attach(struct machine *m);

/* ---- MC146818 CMOS clock: the wall clock at boot --------------------- */

#define CMOS_PORT		0x70	/* index, then data at 0x71 */

int cmos_rtc_attach(struct machine *m);

/* ---- virtio-mmio transports ------------------------------------------ */

/* Each transport has a 4 KiB window from here and a pin from 16 on. */
#define VIRTIO_MMIO_BASE	0xd0000000ull
#define VIRTIO_MMIO_SIZE	0x1000
#define VIRTIO_MMIO_FIRST_GSI	16
#define VIRTIO_MMIO_MAX		8	/* I/O APIC pins 16..23 */

/* A virtio block device backed by the raw image at path, read-write. */
int virtio_blk_attach(struct machine *m, const char *path, uint64_t base,
		      unsigned int gsi);
/*
 * A virtio console on the machine's console (hvc0 in the guest), which
 * takes the console's input from the UART.
 */
int virtio_console_attach(struct machine *m, uint64_t base, unsigned int gsi);
/* A virtio network card on the host tap that spec (--net) names. */
int virtio_net_attach(struct machine *m, const char *spec, uint64_t base,
		      unsigned int gsi);
/*
 * The same on fd, which it owns from here on: a tap with a 12-byte vnet
 * header (tap: it takes offload settings), or any descriptor that carries
 * one frame with its header per read and write, as a datagram socket
 * does. what names it in messages.
 */
int virtio_net_attach_fd(struct machine *m, int fd, bool tap,
			 const char *what, const uint8_t mac[6], uint64_t base,
			 unsigned int gsi);

#endif /* HOSPES_DEVICES_PC_H */
