/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest RAM in a stream: MEMORY sections of page runs by guest-physical
 * address, each run all data or all zero (docs/stream-format.md).
 */
#ifndef HOSPES_RAM_H
#define HOSPES_RAM_H

#include <stdbool.h>
#include <stdint.h>

#include "guest_mem.h"
#include "stream.h"

struct ram_stats {
	uint64_t data_pages;		/* sent with their bytes */
	uint64_t zero_pages;		/* sent as zero runs */
	uint64_t skipped_pages;		/* zero and not sent at all */
};

/*
 * Send the pages whose bits are set in bitmap (indexed by RAM page index,
 * guest_mem.h; every page if NULL), as runs by guest-physical address. With
 * skip_zero, zero pages are left out: the receiver's RAM starts zeroed,
 * so that is for a first pass only. Each page is copied before it is
 * hashed and written, so a guest writing it meanwhile cannot make the
 * checksum lie (its write is in the dirty log for the next pass). 0, or
 * -1 with w->error set.
 */
int ram_put_pages(struct stream_writer *w, const struct guest_mem *mem,
		  const uint64_t *bitmap, bool skip_zero,
		  struct ram_stats *stats);

/* A MEMORY section's payload of length bytes, into mem. 0, or -1 (r->error). */
int ram_get_section(struct stream_reader *r, struct guest_mem *mem,
		    uint64_t length);

/* A hash of all of guest RAM, for `hospes migrate --verify`. */
uint64_t ram_hash(const struct guest_mem *mem);

#endif /* HOSPES_RAM_H */
