// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvguest: the block front-end (blkfront.h).
 *
 * Ring protocol (linux/hospes_pv.h): we fill slot req_prod % nr_slots,
 * publish req_prod (release) and notify the port; the VMM writes each
 * response's status and advances rsp_prod, then raises the port. A slot is
 * free again once rsp_prod passed it. The VMM's indexes are read with
 * acquire semantics, ours written with release: the VMM runs on another
 * host CPU.
 */
#include "blkfront.h"
#include "console.h"
#include "events.h"
#include "hypercall.h"
#include "kernel.h"
#include "string.h"

const struct hospes_pv_device *blk_find(void)
{
	for (uint32_t i = 0; i < start_info->nr_devices &&
			     i < HOSPES_PV_MAX_DEVICES; i++)
		if (start_info->devices[i].type == HOSPES_PV_DEV_BLOCK)
			return &start_info->devices[i];
	return NULL;
}

/* Take every response the VMM published. Runs with interrupts off. */
static void blk_reap(struct blkfront *bf)
{
	uint32_t prod = __atomic_load_n(&bf->ring->rsp_prod, __ATOMIC_ACQUIRE);

	while (bf->rsp_cons != prod) {
		struct hospes_blk_request *s =
			&bf->ring->slots[bf->rsp_cons % bf->nr_slots];
		struct blk_request *req = (struct blk_request *)(uintptr_t)s->id;

		if (!req) {
			printk("blkfront: response %u without an id\n",
			       bf->rsp_cons);
		} else {
			req->status = s->status;
			req->done = true;
		}
		bf->rsp_cons++;
		bf->completions++;
	}
}

static void blk_event(unsigned int port, void *data)
{
	(void)port;
	blk_reap(data);
}

int blk_init(struct blkfront *bf, const struct hospes_pv_device *dev)
{
	uint64_t room;

	memset(bf, 0, sizeof(*bf));
	bf->dev = dev;
	bf->ring = (struct hospes_blk_ring *)(uintptr_t)dev->ring_gpa;
	bf->nr_slots = READ_ONCE(bf->ring->nr_slots);
	room = (dev->ring_pages * 4096ull - sizeof(*bf->ring)) /
	       sizeof(struct hospes_blk_request);
	if ((dev->ring_gpa & 4095) || !dev->ring_pages ||
	    dev->ring_gpa + dev->ring_pages * 4096ull > start_info->mem_bytes) {
		printk("blkfront: ring at 0x%llx (%u pages) is not in RAM\n",
		       (unsigned long long)dev->ring_gpa, dev->ring_pages);
		return -1;
	}
	if (!bf->nr_slots || bf->nr_slots > room) {
		printk("blkfront: ring has %u slots, room for 1..%llu\n",
		       bf->nr_slots, (unsigned long long)room);
		return -1;
	}
	if (dev->port >= HOSPES_PV_EVTCHN_PORTS ||
	    dev->port == HOSPES_PV_PORT_SUSPEND) {
		printk("blkfront: unusable event port %u\n", dev->port);
		return -1;
	}
	bf->req_prod = READ_ONCE(bf->ring->req_prod);
	bf->rsp_cons = READ_ONCE(bf->ring->rsp_prod);
	if (bf->req_prod != bf->rsp_cons)
		printk("blkfront: ring not idle at start (req_prod %u, rsp_prod %u)\n",
		       bf->req_prod, bf->rsp_cons);
	evtchn_bind(dev->port, blk_event, bf);
	return 0;
}

void blk_kick(struct blkfront *bf)
{
	long rc;

	if (!bf->unkicked)
		return;
	bf->unkicked = 0;
	bf->kicks++;
	rc = hc_evtchn_notify(bf->dev->port);
	if (rc < 0)
		panic("EVTCHN_NOTIFY(%u) failed: %ld", bf->dev->port, rc);
}

void blk_submit(struct blkfront *bf, struct blk_request *req)
{
	struct hospes_blk_request *s;

	/* Full: let the VMM see what is queued, and wait for a slot. */
	if (bf->req_prod - bf->rsp_cons >= bf->nr_slots) {
		blk_kick(bf);
		wait_event(bf->req_prod - bf->rsp_cons < bf->nr_slots);
	}
	req->done = false;
	req->status = 0;
	s = &bf->ring->slots[bf->req_prod % bf->nr_slots];
	s->id = (uintptr_t)req;
	s->op = req->op;
	s->status = 0;
	s->sector = req->sector;
	s->buf_gpa = req->buf_gpa;
	s->len = req->len;
	s->pad = 0;
	bf->req_prod++;
	__atomic_store_n(&bf->ring->req_prod, bf->req_prod, __ATOMIC_RELEASE);
	bf->unkicked++;
}

void blk_wait(struct blkfront *bf, struct blk_request *req)
{
	blk_kick(bf);
	wait_event(req->done);
}

int32_t blk_io(struct blkfront *bf, uint32_t op, uint64_t sector, void *buf,
	       uint32_t len)
{
	struct blk_request req = {
		.op = op, .sector = sector, .buf_gpa = (uintptr_t)buf,
		.len = len,
	};

	blk_submit(bf, &req);
	blk_wait(bf, &req);
	return req.status;
}
