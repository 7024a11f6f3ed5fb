// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"

void device_init(struct device *dev, const char *name,
		 void (*destroy)(struct device *dev))
{
	dev->name = name;
	pthread_mutex_init(&dev->lock, NULL);
	dev->destroy = destroy;
	dev->save = NULL;
	dev->next = NULL;
}

void device_release(struct device *dev)
{
	pthread_mutex_destroy(&dev->lock);
}

static uint64_t size_mask(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

int bus_add_range(struct bus *bus, enum bus_space space, uint64_t base,
		  uint64_t len, const struct bus_ops *ops, struct device *dev)
{
	struct bus_range *r = bus->ranges[space], *grown;
	unsigned int n = bus->nr_ranges[space], i;

	if (!len || base + len - 1 < base)
		return -EINVAL;
	/* i: the first range above the new one, which must end below it. */
	for (i = 0; i < n && r[i].base < base; i++)
		;
	if ((i < n && r[i].base - base < len) ||
	    (i > 0 && base - r[i - 1].base < r[i - 1].len))
		return -EEXIST;
	grown = realloc(r, (n + 1) * sizeof(*r));
	if (!grown)
		return -ENOMEM;
	memmove(&grown[i + 1], &grown[i], (n - i) * sizeof(*grown));
	grown[i] = (struct bus_range){ base, len, ops, dev };
	bus->ranges[space] = grown;
	bus->nr_ranges[space] = n + 1;
	return 0;
}

/* The range holding all of [addr, addr + size), or NULL. */
static struct bus_range *find(struct bus *bus, enum bus_space space,
			      uint64_t addr, unsigned int size)
{
	struct bus_range *r = bus->ranges[space];
	unsigned int lo = 0, hi = bus->nr_ranges[space];

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (addr < r[mid].base) {
			hi = mid;
		} else if (addr - r[mid].base >= r[mid].len) {
			lo = mid + 1;
		} else {
			if (size > r[mid].len - (addr - r[mid].base))
				return NULL;
			return &r[mid];
		}
	}
	return NULL;
}

uint64_t bus_read(struct bus *bus, enum bus_space space, uint64_t addr,
		  unsigned int size)
{
	struct bus_range *r = find(bus, space, addr, size);
	uint64_t value;

	if (!r || !r->ops->read)
		return size_mask(size);
	pthread_mutex_lock(&r->dev->lock);
	value = r->ops->read(r->dev, addr - r->base, size);
	pthread_mutex_unlock(&r->dev->lock);
	return value & size_mask(size);
}

void bus_write(struct bus *bus, enum bus_space space, uint64_t addr,
	       unsigned int size, uint64_t value)
{
	struct bus_range *r = find(bus, space, addr, size);

	if (!r || !r->ops->write)
		return;
	pthread_mutex_lock(&r->dev->lock);
	r->ops->write(r->dev, addr - r->base, size, value & size_mask(size));
	pthread_mutex_unlock(&r->dev->lock);
}

static struct bus_event *find_event(struct bus *bus, uint32_t port)
{
	unsigned int i;

	for (i = 0; i < bus->nr_events; i++)
		if (bus->events[i].port == port)
			return &bus->events[i];
	return NULL;
}

int bus_bind_event(struct bus *bus, uint32_t port,
		   void (*notify)(struct device *dev, uint32_t port),
		   struct device *dev)
{
	struct bus_event *grown;

	if (find_event(bus, port))
		return -EEXIST;
	grown = realloc(bus->events, (bus->nr_events + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	grown[bus->nr_events++] = (struct bus_event){ port, notify, dev };
	bus->events = grown;
	return 0;
}

bool bus_notify(struct bus *bus, uint32_t port)
{
	struct bus_event *e = find_event(bus, port);

	if (!e)
		return false;
	pthread_mutex_lock(&e->dev->lock);
	e->notify(e->dev, port);
	pthread_mutex_unlock(&e->dev->lock);
	return true;
}

void bus_free(struct bus *bus)
{
	unsigned int s;

	for (s = 0; s < BUS_SPACES; s++)
		free(bus->ranges[s]);
	free(bus->events);
	memset(bus, 0, sizeof(*bus));
}
