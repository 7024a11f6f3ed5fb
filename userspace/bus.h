/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Devices and the address spaces they answer on. A device model registers
 * callbacks on port I/O or MMIO ranges, and on PV event ports; the vCPU
 * loop hands every exit to the bus, which finds the device, so the loop
 * never knows which device it talks to.
 *
 * Ranges are registered while the machine is built, before any vCPU runs;
 * afterwards the tables are only read. Calls into one device are serialized
 * by its lock, so a device model needs no locking of its own.
 */
#ifndef HOSPES_BUS_H
#define HOSPES_BUS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct blob;

/* What every device model embeds. */
struct device {
	const char *name;			/* its model's */
	pthread_mutex_t lock;
	void (*destroy)(struct device *dev);	/* frees the device */
	/*
	 * Append the device's state for a save or migration (the machine
	 * is paused), for its model's restore(). NULL: nothing to carry.
	 */
	void (*save)(struct device *dev, struct blob *out);
	struct device *next;			/* the machine's list */
};

void device_init(struct device *dev, const char *name,
		 void (*destroy)(struct device *dev));
/* For destroy callbacks: release what device_init() set up. */
void device_release(struct device *dev);

/*
 * Accesses of 1, 2, 4 or 8 bytes at offset into the range; values are
 * little-endian, in the low size bytes.
 */
struct bus_ops {
	uint64_t (*read)(struct device *dev, uint64_t offset, unsigned int size);
	void (*write)(struct device *dev, uint64_t offset, unsigned int size,
		      uint64_t value);
};

enum bus_space {
	BUS_PIO,
	BUS_MMIO,
	BUS_SPACES,
};

struct bus_range {
	uint64_t base;
	uint64_t len;
	const struct bus_ops *ops;
	struct device *dev;
};

struct bus_event {
	uint32_t port;
	void (*notify)(struct device *dev, uint32_t port);
	struct device *dev;
};

struct bus {
	struct bus_range *ranges[BUS_SPACES];	/* sorted by base */
	unsigned int nr_ranges[BUS_SPACES];
	struct bus_event *events;
	unsigned int nr_events;
};

/* 0, or -EINVAL (empty or wrapping range), -EEXIST (overlap), -ENOMEM. */
int bus_add_range(struct bus *bus, enum bus_space space, uint64_t base,
		  uint64_t len, const struct bus_ops *ops, struct device *dev);
/*
 * An access must lie wholly inside one range. Anything else reads as all
 * ones and its writes are dropped, as on a bus with nothing to answer.
 */
uint64_t bus_read(struct bus *bus, enum bus_space space, uint64_t addr,
		  unsigned int size);
void bus_write(struct bus *bus, enum bus_space space, uint64_t addr,
	       unsigned int size, uint64_t value);

/* Have port's notifications from the guest call notify. 0, -EEXIST, -ENOMEM. */
int bus_bind_event(struct bus *bus, uint32_t port,
		   void (*notify)(struct device *dev, uint32_t port),
		   struct device *dev);
/* Deliver a guest notification; false if no device is bound to port. */
bool bus_notify(struct bus *bus, uint32_t port);

void bus_free(struct bus *bus);

#endif /* HOSPES_BUS_H */
