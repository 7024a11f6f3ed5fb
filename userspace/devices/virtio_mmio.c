// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtio-mmio register window, version 2 (virtio 1.1, 4.2.2), which
 * every virtio device here sits behind; the machine's ACPI tables list
 * each window with its interrupt (a level-triggered I/O APIC pin, high
 * while InterruptStatus is not 0). Registers are 32-bit; the config space
 * from 0x100 takes any access width.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pc.h"
#include "devices/virtio.h"
#include "machine.h"

#define REG_MAGIC		0x000
#define REG_VERSION		0x004
#define REG_DEVICE_ID		0x008
#define REG_VENDOR_ID		0x00c
#define REG_DEVICE_FEATURES	0x010
#define REG_DEVICE_FEATURES_SEL	0x014
#define REG_DRIVER_FEATURES	0x020
#define REG_DRIVER_FEATURES_SEL	0x024
#define REG_QUEUE_SEL		0x030
#define REG_QUEUE_NUM_MAX	0x034
#define REG_QUEUE_NUM		0x038
#define REG_QUEUE_READY		0x044
#define REG_QUEUE_NOTIFY	0x050
#define REG_INTERRUPT_STATUS	0x060
#define REG_INTERRUPT_ACK	0x064
#define REG_STATUS		0x070
#define REG_QUEUE_DESC_LOW	0x080
#define REG_QUEUE_DESC_HIGH	0x084
#define REG_QUEUE_DRIVER_LOW	0x090
#define REG_QUEUE_DRIVER_HIGH	0x094
#define REG_QUEUE_DEVICE_LOW	0x0a0
#define REG_QUEUE_DEVICE_HIGH	0x0a4
#define REG_CONFIG_GENERATION	0x0fc
#define REG_CONFIG		0x100

#define MAGIC			0x74726976	/* "virt" */
#define VERSION			2
#define VENDOR_ID		0x70736f68	/* "hosp" */

#define STATUS_FEATURES_OK	8
#define STATUS_NEEDS_RESET	64

#define INT_USED_BUFFER		1
#define INT_CONFIG_CHANGE	2

static struct virtio_mmio *to_mmio(struct device *dev)
{
	return (struct virtio_mmio *)dev;
}

static uint64_t offered(const struct virtio_mmio *t)
{
	return t->ops->features | 1ull << VIRTIO_F_VERSION_1;
}

/* The selected queue, or NULL if the selector names none. */
static struct virtq *selected(struct virtio_mmio *t)
{
	return t->queue_sel < t->ops->nr_queues ? &t->queues[t->queue_sel] : NULL;
}

static void update_irq(struct virtio_mmio *t)
{
	bool level = t->interrupt_status != 0;

	if (level == t->irq_level)
		return;
	t->irq_level = level;
	if (vm_irq_line(&t->m->vm, t->gsi, level))
		fprintf(stderr, "hospes: %s: interrupt pin %u: %m\n",
			t->ops->name, t->gsi);
}

void virtio_mmio_used(struct virtio_mmio *t)
{
	t->interrupt_status |= INT_USED_BUFFER;
	update_irq(t);
}

void virtio_mmio_config_changed(struct virtio_mmio *t)
{
	t->config_generation++;
	t->interrupt_status |= INT_CONFIG_CHANGE;
	update_irq(t);
}

void virtio_mmio_broken(struct virtio_mmio *t, const char *why)
{
	if (!(t->status & STATUS_NEEDS_RESET))
		fprintf(stderr, "hospes: %s: %s: the device stops until the guest resets it\n",
			t->ops->name, why);
	t->status |= STATUS_NEEDS_RESET;
}

bool virtio_mmio_queue_live(const struct virtio_mmio *t, unsigned int q)
{
	return q < t->ops->nr_queues && t->queues[q].ready &&
	       !(t->status & STATUS_NEEDS_RESET);
}

static void reset(struct virtio_mmio *t)
{
	t->status = 0;
	t->device_features_sel = t->driver_features_sel = t->queue_sel = 0;
	t->driver_features = 0;
	t->interrupt_status = 0;
	memset(t->queues, 0, sizeof(t->queues));
	update_irq(t);
	if (t->ops->reset)
		t->ops->reset(t);
}

static uint32_t read_reg(struct virtio_mmio *t, uint64_t reg)
{
	struct virtq *q = selected(t);

	switch (reg) {
	case REG_MAGIC:
		return MAGIC;
	case REG_VERSION:
		return VERSION;
	case REG_DEVICE_ID:
		return t->ops->device_id;
	case REG_VENDOR_ID:
		return VENDOR_ID;
	case REG_DEVICE_FEATURES:
		return t->device_features_sel < 2 ?
		       offered(t) >> (32 * t->device_features_sel) : 0;
	case REG_QUEUE_NUM_MAX:
		return q ? t->ops->queue_max : 0;
	case REG_QUEUE_READY:
		return q && q->ready;
	case REG_INTERRUPT_STATUS:
		return t->interrupt_status;
	case REG_STATUS:
		return t->status;
	case REG_CONFIG_GENERATION:
		return t->config_generation;
	default:
		return 0;
	}
}

/* FEATURES_OK sticks only for a subset of the offer that has VERSION_1. */
static void write_status(struct virtio_mmio *t, uint32_t v)
{
	if (!v) {
		reset(t);
		return;
	}
	if ((v & STATUS_FEATURES_OK) &&
	    ((t->driver_features & ~offered(t)) ||
	     !(t->driver_features >> VIRTIO_F_VERSION_1 & 1)))
		v &= ~STATUS_FEATURES_OK;
	t->status = v | (t->status & STATUS_NEEDS_RESET);
}

static void set_half(uint64_t *v, bool high, uint32_t half)
{
	if (high)
		*v = (*v & 0xffffffffull) | (uint64_t)half << 32;
	else
		*v = (*v & ~0xffffffffull) | half;
}

static void write_queue_ready(struct virtio_mmio *t, struct virtq *q,
			      uint32_t v)
{
	if (!v) {
		q->ready = false;
		return;
	}
	if (!virtq_valid(q, &t->m->mem)) {
		virtio_mmio_broken(t, "a queue's rings are not in RAM");
		return;
	}
	q->ready = true;
	q->last_avail = q->used_idx = q->signalled_used = 0;
	q->event_idx = t->driver_features >> VIRTIO_F_EVENT_IDX & 1;
}

static void write_reg(struct virtio_mmio *t, uint64_t reg, uint32_t v)
{
	struct virtq *q = selected(t);

	switch (reg) {
	case REG_DEVICE_FEATURES_SEL:
		t->device_features_sel = v;
		return;
	case REG_DRIVER_FEATURES:
		if (t->driver_features_sel < 2)
			set_half(&t->driver_features, t->driver_features_sel, v);
		return;
	case REG_DRIVER_FEATURES_SEL:
		t->driver_features_sel = v;
		return;
	case REG_QUEUE_SEL:
		t->queue_sel = v;
		return;
	case REG_INTERRUPT_ACK:
		t->interrupt_status &= ~v;
		update_irq(t);
		return;
	case REG_STATUS:
		write_status(t, v);
		return;
	case REG_QUEUE_NOTIFY:
		if (virtio_mmio_queue_live(t, v))
			t->ops->notify(t, v);
		return;
	}
	/* The rest configure the selected queue, while it is not live. */
	if (!q || (q->ready && reg != REG_QUEUE_READY))
		return;
	switch (reg) {
	case REG_QUEUE_NUM:
		q->num = v <= t->ops->queue_max ? v : 0;
		break;
	case REG_QUEUE_READY:
		write_queue_ready(t, q, v);
		break;
	case REG_QUEUE_DESC_LOW:
	case REG_QUEUE_DESC_HIGH:
		set_half(&q->desc, reg == REG_QUEUE_DESC_HIGH, v);
		break;
	case REG_QUEUE_DRIVER_LOW:
	case REG_QUEUE_DRIVER_HIGH:
		set_half(&q->avail, reg == REG_QUEUE_DRIVER_HIGH, v);
		break;
	case REG_QUEUE_DEVICE_LOW:
	case REG_QUEUE_DEVICE_HIGH:
		set_half(&q->used, reg == REG_QUEUE_DEVICE_HIGH, v);
		break;
	}
}

static uint64_t virtio_mmio_read(struct device *dev, uint64_t offset,
				 unsigned int size)
{
	struct virtio_mmio *t = to_mmio(dev);
	uint64_t v = 0;

	if (offset >= REG_CONFIG) {
		offset -= REG_CONFIG;
		if (offset < t->config_len && size <= t->config_len - offset)
			memcpy(&v, t->config + offset, size);
		return v;
	}
	/* Registers are read whole, 32 bits at a time (4.2.2.2). */
	if (size != 4 || offset % 4)
		return 0;
	return read_reg(t, offset);
}

static void virtio_mmio_write(struct device *dev, uint64_t offset,
			      unsigned int size, uint64_t value)
{
	struct virtio_mmio *t = to_mmio(dev);

	/* The config spaces here are read-only: writes are dropped. */
	if (offset >= REG_CONFIG || size != 4 || offset % 4)
		return;
	write_reg(t, offset, value);
}

static const struct bus_ops virtio_mmio_ops = {
	.read = virtio_mmio_read,
	.write = virtio_mmio_write,
};

static void virtio_mmio_destroy(struct device *dev)
{
	struct virtio_mmio *t = to_mmio(dev);

	if (t->ops->stop)
		t->ops->stop(t);
	device_release(dev);
	t->ops->destroy(t);
}

int virtio_mmio_attach(struct virtio_mmio *t, struct machine *m,
		       uint64_t base, unsigned int gsi)
{
	int err;

	device_init(&t->dev, t->ops->name, virtio_mmio_destroy);
	t->m = m;
	t->base = base;
	t->gsi = gsi;
	machine_add_device(m, &t->dev);
	err = bus_add_range(&m->bus, BUS_MMIO, base, VIRTIO_MMIO_SIZE,
			    &virtio_mmio_ops, &t->dev);
	if (err) {
		fprintf(stderr, "hospes: %s at %#llx: %s\n", t->ops->name,
			(unsigned long long)base, strerror(-err));
		return -1;
	}
	return 0;
}
