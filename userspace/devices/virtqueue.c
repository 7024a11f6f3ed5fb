// SPDX-License-Identifier: GPL-2.0-only
/*
 * Split virtqueues (virtio 1.1, 2.6) from the device's side. The driver
 * writes descriptors and the available ring, then the ring's index; the
 * index is read with acquire semantics so that everything it covers is
 * seen. Used entries are written before the used index, with release.
 */
#include <string.h>

#include "devices/virtio.h"

#define DESC_SIZE	16
#define DESC_F_NEXT	1
#define DESC_F_WRITE	2
#define DESC_F_INDIRECT	4
#define AVAIL_F_NO_INTERRUPT	1
#define RING_HEADER	4	/* flags, idx */
#define AVAIL_ENTRY	2
#define USED_ENTRY	8

static bool in_ram(const struct guest_mem *mem, uint64_t gpa, uint64_t len,
		   uint64_t align)
{
	return !(gpa % align) && gpa_to_host(mem, gpa, len);
}

bool virtq_valid(const struct virtq *q, const struct guest_mem *mem)
{
	uint64_t n = q->num;

	/* Alignments and sizes: 2.6 "Virtqueue Layout" (plus the event word). */
	return n && n <= VIRTQ_MAX_SIZE && !(n & (n - 1)) &&
	       in_ram(mem, q->desc, DESC_SIZE * n, 16) &&
	       in_ram(mem, q->avail, RING_HEADER + AVAIL_ENTRY * n + 2, 2) &&
	       in_ram(mem, q->used, RING_HEADER + USED_ENTRY * n + 2, 4);
}

static uint16_t load16_acquire(const struct guest_mem *mem, uint64_t gpa)
{
	return __atomic_load_n((uint16_t *)gpa_to_host(mem, gpa, 2),
			       __ATOMIC_ACQUIRE);
}

static uint64_t load(const struct guest_mem *mem, uint64_t gpa, size_t len)
{
	uint64_t v = 0;

	memcpy(&v, gpa_to_host(mem, gpa, len), len);
	return v;
}

int virtq_pop(struct virtq *q, struct guest_mem *mem, struct virtq_chain *c)
{
	uint16_t avail_idx = load16_acquire(mem, q->avail + 2);
	unsigned int i, n;
	uint16_t flags;

	if (avail_idx == q->last_avail)
		return 0;
	/* More new entries than the ring holds: the index is garbage. */
	if ((uint16_t)(avail_idx - q->last_avail) > q->num)
		return -1;
	i = load(mem, q->avail + RING_HEADER +
		 AVAIL_ENTRY * (q->last_avail % q->num), 2);
	c->head = i;
	c->nr_out = c->nr_in = 0;
	c->out_len = c->in_len = 0;
	for (n = 0;; n++) {
		uint64_t d = q->desc + DESC_SIZE * i, addr, len;
		struct iovec *iov = &c->iov[n];

		/* A chain longer than the table loops. */
		if (i >= q->num || n == q->num)
			return -1;
		addr = load(mem, d, 8);
		len = load(mem, d + 8, 4);
		flags = load(mem, d + 12, 2);
		iov->iov_base = gpa_to_host(mem, addr, len);
		iov->iov_len = len;
		if (!iov->iov_base || (flags & DESC_F_INDIRECT))
			return -1;
		if (flags & DESC_F_WRITE) {
			c->nr_in++;
			c->in_len += len;
		} else if (c->nr_in) {
			return -1;	/* readable after writable (2.6.4.2) */
		} else {
			c->nr_out++;
			c->out_len += len;
		}
		if (!(flags & DESC_F_NEXT))
			break;
		i = load(mem, d + 14, 2);
	}
	q->last_avail++;
	return 1;
}

void virtq_unpop(struct virtq *q)
{
	q->last_avail--;
}

bool virtq_has_avail(const struct virtq *q, const struct guest_mem *mem)
{
	return load16_acquire(mem, q->avail + 2) != q->last_avail;
}

/* Mark the first written bytes of the writable buffers for migration. */
static void mark_written(struct guest_mem *mem, const struct virtq_chain *c,
			 size_t written)
{
	const struct iovec *iov = c->iov + c->nr_out;
	unsigned int i;

	for (i = 0; i < c->nr_in && written; i++) {
		size_t n = iov[i].iov_len < written ? iov[i].iov_len : written;

		guest_mem_written_host(mem, iov[i].iov_base, n);
		written -= n;
	}
}

void virtq_push(struct virtq *q, struct guest_mem *mem,
		const struct virtq_chain *c, uint32_t written)
{
	uint64_t e = q->used + RING_HEADER + USED_ENTRY * (q->used_idx % q->num);
	uint32_t elem[2] = { c->head, written };

	mark_written(mem, c, written);
	memcpy(gpa_to_host(mem, e, USED_ENTRY), elem, USED_ENTRY);
	q->used_idx++;
	__atomic_store_n((uint16_t *)gpa_to_host(mem, q->used + 2, 2),
			 q->used_idx, __ATOMIC_RELEASE);
	guest_mem_written(mem, e, USED_ENTRY);
	guest_mem_written(mem, q->used + 2, 2);
}

bool virtq_wants_interrupt(struct virtq *q, struct guest_mem *mem)
{
	uint16_t old = q->signalled_used, now = q->used_idx, event;

	/*
	 * The used index is stored before the driver's wishes are read: a
	 * driver that states them and then looks at the used index (with a
	 * full barrier, as Linux's virtqueue_poll() does) sees what was
	 * pushed, or is interrupted.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	q->signalled_used = now;
	if (!q->event_idx)
		return !(load(mem, q->avail, 2) & AVAIL_F_NO_INTERRUPT);
	event = load(mem, q->avail + RING_HEADER + AVAIL_ENTRY * q->num, 2);
	/* Did the used index just pass used_event? */
	return (uint16_t)(now - event - 1) < (uint16_t)(now - old);
}

bool virtq_enable_notify(struct virtq *q, struct guest_mem *mem)
{
	uint64_t e = q->used + RING_HEADER + USED_ENTRY * q->num;

	if (q->event_idx) {
		__atomic_store_n((uint16_t *)gpa_to_host(mem, e, 2),
				 q->last_avail, __ATOMIC_RELAXED);
		guest_mem_written(mem, e, 2);
		/* Stored before the index is read again: see above. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	}
	return virtq_has_avail(q, mem);
}

/* Copy between buf and the iovecs' bytes from offset on. */
static size_t copy_iov(const struct iovec *iov, unsigned int n, size_t offset,
		       void *buf, size_t len, bool to_iov)
{
	uint8_t *p = buf;
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < n && done < len; i++) {
		size_t chunk;

		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		chunk = iov[i].iov_len - offset;
		if (chunk > len - done)
			chunk = len - done;
		if (to_iov)
			memcpy((uint8_t *)iov[i].iov_base + offset, p + done, chunk);
		else
			memcpy(p + done, (uint8_t *)iov[i].iov_base + offset, chunk);
		done += chunk;
		offset = 0;
	}
	return done;
}

size_t virtq_chain_read(const struct virtq_chain *c, size_t offset,
			void *buf, size_t len)
{
	return copy_iov(c->iov, c->nr_out, offset, buf, len, false);
}

size_t virtq_chain_write(const struct virtq_chain *c, size_t offset,
			 const void *buf, size_t len)
{
	return copy_iov(c->iov + c->nr_out, c->nr_in, offset, (void *)buf, len,
			true);
}

unsigned int virtq_iov_slice(const struct iovec *iov, unsigned int n,
			     size_t skip, size_t len, struct iovec *out)
{
	unsigned int i, k = 0;

	for (i = 0; i < n && len; i++) {
		size_t l = iov[i].iov_len;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		out[k].iov_base = (uint8_t *)iov[i].iov_base + skip;
		out[k].iov_len = l - skip < len ? l - skip : len;
		len -= out[k].iov_len;
		skip = 0;
		k++;
	}
	return k;
}
