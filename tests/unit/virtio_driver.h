/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The driver's side of a virtio-mmio device, for the VMM's unit tests: a
 * machine with RAM but no VM, the device's registers through the bus,
 * descriptors written into guest RAM.
 */
#ifndef HOSPES_TEST_VIRTIO_DRIVER_H
#define HOSPES_TEST_VIRTIO_DRIVER_H

#include <string.h>
#include <sys/mman.h>

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

#endif /* HOSPES_TEST_VIRTIO_DRIVER_H */
