/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The driver's side of a virtio-mmio device, for the VMM's unit tests: a
 * machine with RAM but no VM, the device's registers through the bus,
 * descriptors written into guest RAM; and where a block request's pieces
 * sit in guest RAM, with a transport brought up with queue 0 there.
 */
#ifndef HOSPES_TEST_VIRTIO_DRIVER_H
#define HOSPES_TEST_VIRTIO_DRIVER_H

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "bus.h"
#include "machine.h"

/* m with size bytes of zeroed RAM at GPA 0: 0, or -1. */
static inline int vdrv_machine(struct machine *m, const struct vm_config *cfg,
			       uint64_t size)
{
	machine_init(m, cfg);
	m->mem.size = size;
	m->mem.host = mmap(NULL, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return m->mem.host == MAP_FAILED ? -1 : 0;
}

static inline uint32_t vdrv_rd(struct machine *m, uint64_t base, uint64_t reg)
{
	return bus_read(&m->bus, BUS_MMIO, base + reg, 4);
}

static inline void vdrv_wr(struct machine *m, uint64_t base, uint64_t reg,
			   uint32_t v)
{
	bus_write(&m->bus, BUS_MMIO, base + reg, 4, v);
}

/* Descriptor i of the table at GPA table. */
static inline void vdrv_desc(struct machine *m, uint64_t table, unsigned int i,
			     uint64_t addr, uint32_t len, uint16_t flags,
			     uint16_t next)
{
	uint8_t *d = m->mem.host + table + 16 * i;

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

#define QSIZE		8
#define DESC		0x1000
#define AVAIL		0x2000
#define USED		0x3000
#define HDR		0x4000
#define DATA		0x5000
#define STATUS		0x6000

/* Negotiate VERSION_1 and set queue 0 up at DESC, AVAIL, USED. */
static inline void virtio_driver_init(struct bus *bus, uint64_t base)
{
	static const uint32_t writes[][2] = {
		{ 0x070, 1 | 2 },		/* ACKNOWLEDGE, DRIVER */
		{ 0x024, 1 },
		{ 0x020, 1 },			/* VERSION_1 */
		{ 0x070, 1 | 2 | 8 },		/* FEATURES_OK */
		{ 0x030, 0 },
		{ 0x038, QSIZE },
		{ 0x080, DESC },
		{ 0x090, AVAIL },
		{ 0x0a0, USED },
		{ 0x044, 1 },
		{ 0x070, 1 | 2 | 8 | 4 },	/* DRIVER_OK */
	};
	unsigned int i;

	for (i = 0; i < sizeof(writes) / sizeof(writes[0]); i++)
		bus_write(bus, BUS_MMIO, base + writes[i][0], 4, writes[i][1]);
}

#endif /* HOSPES_TEST_VIRTIO_DRIVER_H */
