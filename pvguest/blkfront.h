/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvguest: the block front-end, for a struct hospes_pv_device of type
 * HOSPES_PV_DEV_BLOCK from the start-info page.
 *
 * blk_submit() puts a request in the ring (waiting for a free slot if the
 * ring is full) without notifying; blk_kick() notifies the VMM of all the
 * requests submitted since; blk_wait() sleeps until a request completed.
 * Completions are matched by id (the request's address), so they may come
 * in any slot and any order.
 */
#ifndef PVGUEST_BLKFRONT_H
#define PVGUEST_BLKFRONT_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/hospes_pv.h>

#define SECTOR_SIZE	512u
#define BLK_MAX_LEN	(64u << 10)

struct blk_request {
	uint32_t op;		/* HOSPES_BLK_* */
	uint64_t sector;
	uint64_t buf_gpa;
	uint32_t len;
	volatile bool done;
	int32_t status;		/* once done: 0 or a negated errno */
};

struct blkfront {
	const struct hospes_pv_device *dev;
	struct hospes_blk_ring *ring;
	uint32_t nr_slots;
	uint32_t req_prod;	/* ours, published to ring->req_prod */
	uint32_t rsp_cons;	/* responses we have taken */
	uint32_t unkicked;
	uint64_t kicks, completions;
};

/* The first block device, or NULL. */
const struct hospes_pv_device *blk_find(void);
/* 0, or -1 with a message on a ring that is unusable. */
int blk_init(struct blkfront *bf, const struct hospes_pv_device *dev);
void blk_submit(struct blkfront *bf, struct blk_request *req);
void blk_kick(struct blkfront *bf);
void blk_wait(struct blkfront *bf, struct blk_request *req);
/* Submit, kick and wait, for one request: returns its status. */
int32_t blk_io(struct blkfront *bf, uint32_t op, uint64_t sector,
	       void *buf, uint32_t len);

#endif /* PVGUEST_BLKFRONT_H */
