// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtio-mmio transport's state for save and restore (virtio.h). The
 * config generation is not carried: the config spaces here never change,
 * so it is always 0.
 */
#include <stdio.h>

#include "blob.h"
#include "devices/pc.h"
#include "devices/virtio.h"
#include "machine.h"

#define STATE_F_IRQ_LEVEL	(1u << 0)
#define QUEUE_F_READY		(1u << 0)

void virtio_mmio_save(const struct virtio_mmio *t, struct blob *out)
{
	unsigned int i;

	blob_put_u64(out, t->base);
	blob_put_u32(out, t->gsi);
	blob_put_u32(out, t->status);
	blob_put_u32(out, t->device_features_sel);
	blob_put_u32(out, t->driver_features_sel);
	blob_put_u32(out, t->queue_sel);
	blob_put_u64(out, t->driver_features);
	blob_put_u32(out, t->interrupt_status);
	blob_put_u32(out, t->irq_level ? STATE_F_IRQ_LEVEL : 0);
	blob_put_u32(out, t->ops->nr_queues);
	for (i = 0; i < t->ops->nr_queues; i++) {
		const struct virtq *q = &t->queues[i];

		blob_put_u32(out, q->num);
		blob_put_u32(out, q->ready ? QUEUE_F_READY : 0);
		blob_put_u64(out, q->desc);
		blob_put_u64(out, q->avail);
		blob_put_u64(out, q->used);
		blob_put_u32(out, q->last_avail);
		blob_put_u32(out, q->used_idx);
	}
}

/* One of the windows and pins linux.c hands out (devices/pc.h). */
static bool slot_valid(uint64_t base, uint32_t gsi)
{
	return base >= VIRTIO_MMIO_BASE && !(base % VIRTIO_MMIO_SIZE) &&
	       (base - VIRTIO_MMIO_BASE) / VIRTIO_MMIO_SIZE < VIRTIO_MMIO_MAX &&
	       gsi >= VIRTIO_MMIO_FIRST_GSI &&
	       gsi < VIRTIO_MMIO_FIRST_GSI + VIRTIO_MMIO_MAX;
}

static bool queue_valid(const struct virtio_mmio *t, const struct virtq *q)
{
	/* A ready queue has a size the driver could have set. */
	if (q->num > t->ops->queue_max || (q->num & (q->num - 1)))
		return false;
	return !q->ready || q->num;
}

int virtio_mmio_load(struct virtio_mmio *t, struct blob *state)
{
	uint32_t flags, nr, i, num, qflags, last_avail, used_idx;

	t->base = blob_get_u64(state);
	t->gsi = blob_get_u32(state);
	t->status = blob_get_u32(state);
	t->device_features_sel = blob_get_u32(state);
	t->driver_features_sel = blob_get_u32(state);
	t->queue_sel = blob_get_u32(state);
	t->driver_features = blob_get_u64(state);
	t->interrupt_status = blob_get_u32(state);
	flags = blob_get_u32(state);
	nr = blob_get_u32(state);
	if (state->bad || nr != t->ops->nr_queues || (flags & ~STATE_F_IRQ_LEVEL) ||
	    !slot_valid(t->base, t->gsi))
		return -1;
	t->irq_level = flags & STATE_F_IRQ_LEVEL;
	for (i = 0; i < nr; i++) {
		struct virtq *q = &t->queues[i];

		num = blob_get_u32(state);
		qflags = blob_get_u32(state);
		q->desc = blob_get_u64(state);
		q->avail = blob_get_u64(state);
		q->used = blob_get_u64(state);
		last_avail = blob_get_u32(state);
		used_idx = blob_get_u32(state);
		if (num > UINT16_MAX || (qflags & ~QUEUE_F_READY) ||
		    last_avail > UINT16_MAX || used_idx > UINT16_MAX)
			return -1;
		q->num = num;
		q->ready = qflags & QUEUE_F_READY;
		q->last_avail = last_avail;
		q->used_idx = used_idx;
		if (!queue_valid(t, q))
			return -1;
	}
	/* The pin follows InterruptStatus: a state where it does not is forged. */
	if (state->bad || t->irq_level != (t->interrupt_status != 0))
		return -1;
	return 0;
}

int virtio_mmio_resume(struct virtio_mmio *t)
{
	unsigned int i;

	for (i = 0; i < t->ops->nr_queues; i++)
		if (t->queues[i].ready && !virtq_valid(&t->queues[i], &t->m->mem)) {
			fprintf(stderr, "hospes: %s: the saved queue %u is not in guest RAM\n",
				t->ops->name, i);
			return -1;
		}
	pthread_mutex_lock(&t->dev.lock);
	for (i = 0; i < t->ops->nr_queues; i++)
		if (virtio_mmio_queue_live(t, i) &&
		    virtq_has_avail(&t->queues[i], &t->m->mem))
			t->ops->notify(t, i);
	pthread_mutex_unlock(&t->dev.lock);
	return 0;
}
