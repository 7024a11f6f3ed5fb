/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtio 1.x devices (the OASIS virtio 1.1 specification) on the MMIO
 * transport, version 2 (4.2.2), with split virtqueues (2.6):
 *
 *  - virtqueue.c reads the rings a driver put in guest RAM: it pops
 *    descriptor chains, checked against RAM, and pushes them back used.
 *  - virtio_mmio.c is the register window every device shares: feature
 *    negotiation, queue setup, the status and interrupt registers, and the
 *    device's config space; it calls the device when a queue is kicked.
 *  - virtio_blk.c, ...: one device type per file, each embedding a
 *    struct virtio_mmio as its first member.
 *
 * The transport serializes everything under the device's lock (bus.h): a
 * device's callbacks, and anything else that touches its queues, hold it.
 */
#ifndef HOSPES_VIRTIO_H
#define HOSPES_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "bus.h"
#include "guest_mem.h"

#define VIRTIO_F_EVENT_IDX	29
#define VIRTIO_F_VERSION_1	32
#define VIRTIO_MAX_QUEUES	2
/* The longest chain a device takes: a queue's size, at most this. */
#define VIRTQ_MAX_SIZE		256

/* ---- split virtqueues ------------------------------------------------ */

struct virtq {
	uint16_t num;			/* entries; a power of two */
	bool ready;
	uint64_t desc, avail, used;	/* guest-physical ring addresses */
	uint16_t last_avail;		/* the next avail entry to take */
	uint16_t used_idx;		/* the next used entry to fill */
	bool event_idx;			/* VIRTIO_F_EVENT_IDX negotiated */
	uint16_t signalled_used;	/* used_idx when last interrupted */
};

/* One request: its buffers, device-readable ones before writable ones. */
struct virtq_chain {
	uint16_t head;			/* for virtq_push() */
	unsigned int nr_out, nr_in;	/* readable, writable buffers */
	size_t out_len, in_len;		/* their bytes */
	struct iovec iov[VIRTQ_MAX_SIZE];	/* nr_out, then nr_in */
};

/* Are the rings of q (num set) wholly inside RAM? */
bool virtq_valid(const struct virtq *q, const struct guest_mem *mem);
/*
 * Take the next chain the driver made available: 1, 0 if there is none,
 * -1 if it is malformed (a loop, a buffer outside RAM, a readable buffer
 * after a writable one, an indirect table nobody offered): the device is
 * then broken until the driver resets it.
 */
int virtq_pop(struct virtq *q, struct guest_mem *mem, struct virtq_chain *c);
/* Give back the chain virtq_pop() took last, unused: it comes again. */
void virtq_unpop(struct virtq *q);
/* Is there a chain for virtq_pop() to take? */
bool virtq_has_avail(const struct virtq *q, const struct guest_mem *mem);
/* Give a chain back with written bytes in its writable buffers. */
void virtq_push(struct virtq *q, struct guest_mem *mem,
		const struct virtq_chain *c, uint32_t written);

/*
 * Does the driver want an interrupt for the chains pushed since the last
 * call? It may have asked for none (VIRTQ_AVAIL_F_NO_INTERRUPT, 2.6.7:
 * while it polls), or, with EVENT_IDX, for none before the used index
 * passes its used_event (2.6.7.2).
 */
bool virtq_wants_interrupt(struct virtq *q, struct guest_mem *mem);
/*
 * The device has taken every chain and waits for a kick: with EVENT_IDX,
 * ask for one at the driver's next chain (avail_event, 2.6.8.2; without
 * it, drivers kick every time anyway). True if a chain came meanwhile:
 * take it rather than wait.
 */
bool virtq_enable_notify(struct virtq *q, struct guest_mem *mem);

/* Copy the chain's readable bytes from offset on into buf: bytes copied. */
size_t virtq_chain_read(const struct virtq_chain *c, size_t offset,
			void *buf, size_t len);
/* Copy buf into the chain's writable bytes from offset on: bytes copied. */
size_t virtq_chain_write(const struct virtq_chain *c, size_t offset,
			 const void *buf, size_t len);
/*
 * The len bytes of iov[0..n) that follow the first skip ones, as iovecs
 * in out (n of them at most): how many there are.
 */
unsigned int virtq_iov_slice(const struct iovec *iov, unsigned int n,
			     size_t skip, size_t len, struct iovec *out);

/* ---- the MMIO transport --------------------------------------------- */

struct virtio_mmio;
struct machine;

struct virtio_ops {
	const char *name;
	uint32_t device_id;		/* 2: block, 3: console */
	uint64_t features;		/* offered, besides VIRTIO_F_VERSION_1 */
	unsigned int nr_queues;
	uint16_t queue_max;		/* at most VIRTQ_MAX_SIZE */
	/* The driver kicked queue q (already set up and ready). */
	void (*notify)(struct virtio_mmio *t, unsigned int q);
	/* The driver reset the device: forget requests in flight. */
	void (*reset)(struct virtio_mmio *t);
	/*
	 * Optional: end the device's own threads, which take its lock,
	 * before the lock goes away; then destroy.
	 */
	void (*stop)(struct virtio_mmio *t);
	void (*destroy)(struct virtio_mmio *t);	/* frees the device */
};

struct virtio_mmio {
	struct device dev;
	struct machine *m;
	const struct virtio_ops *ops;
	uint8_t *config;		/* the device's config space */
	size_t config_len;
	uint64_t base;			/* of the register window */
	unsigned int gsi;
	uint32_t status;
	uint32_t device_features_sel, driver_features_sel, queue_sel;
	uint64_t driver_features;
	uint32_t interrupt_status;
	uint32_t config_generation;
	bool irq_level;			/* what the pin is driven to */
	struct virtq queues[VIRTIO_MAX_QUEUES];
};

/*
 * Attach t, its ops and config already set by its device, to the machine:
 * device list, MMIO window at base (VIRTIO_MMIO_SIZE bytes) and pin gsi.
 * 0, or -1 after printing why (t is then the machine's to free).
 */
int virtio_mmio_attach(struct virtio_mmio *t, struct machine *m,
		       uint64_t base, unsigned int gsi);
/* The device used buffers of a queue: tell the driver. */
void virtio_mmio_used(struct virtio_mmio *t);
/* The device changed its config space: tell the driver. */
void virtio_mmio_config_changed(struct virtio_mmio *t);
/* A malformed queue: stop serving until the driver resets the device. */
void virtio_mmio_broken(struct virtio_mmio *t, const char *why);
/* May queue q be served: set up, ready, and the device not broken? */
bool virtio_mmio_queue_live(const struct virtio_mmio *t, unsigned int q);

/*
 * Save and restore of the transport, which a virtio device's own save
 * and restore wrap (docs/stream-format.md, "virtio-mmio transport").
 * Nothing is ever in flight inside a device: a kick is served before the
 * vCPU that made it goes on, and a pause waits for that. So a queue is
 * its addresses and the two indexes, and the rings themselves are guest
 * RAM, which the stream carries.
 *
 * virtio_mmio_save: append the transport's state (the machine is paused).
 * virtio_mmio_load: parse it into t, whose ops are set, before
 * virtio_mmio_attach(t, m, t->base, t->gsi); 0, or -1 if malformed. The
 * device's own state follows: the device checks blob_done().
 * virtio_mmio_resume: once attached, check every live queue against RAM
 * and serve what the driver made available but the device had not taken
 * yet (so no request is lost; last_avail keeps any from being served
 * twice). 0, or -1 after printing why.
 */
struct blob;
void virtio_mmio_save(const struct virtio_mmio *t, struct blob *out);
int virtio_mmio_load(struct virtio_mmio *t, struct blob *state);
int virtio_mmio_resume(struct virtio_mmio *t);

#endif /* HOSPES_VIRTIO_H */
