/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the virtio unit tests do as a guest's driver would: where a block
 * request's pieces sit in guest RAM, and bringing a transport up with
 * queue 0 there.
 */
#ifndef HOSPES_TEST_VIRTIO_DRIVER_H
#define HOSPES_TEST_VIRTIO_DRIVER_H

#include <stdint.h>

#include "bus.h"

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
