/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which guest pages changed since the last look, during a migration: the
 * kernel's dirty logs of the RAM slots (the guest's writes and the
 * kernel's on its behalf) merged with the VMM's own writes
 * (guest_mem.written). Bitmaps are indexed by RAM page index (guest_mem.h),
 * not by guest-physical page: one bit per page of RAM, none for the hole.
 */
#ifndef HOSPES_DIRTY_H
#define HOSPES_DIRTY_H

#include <stdint.h>

struct machine;

/* Words in a bitmap of every guest page. */
uint64_t dirty_words(const struct machine *m);
/* Start logging: 0, or -1 after a sentence in err. */
int dirty_start(struct machine *m, char *err, size_t errlen);
/*
 * OR the pages written since the last call (or dirty_start) into bitmap;
 * returns how many were new to it, or -1 after a sentence in err.
 */
int64_t dirty_collect(struct machine *m, uint64_t *bitmap, uint64_t *scratch,
		      char *err, size_t errlen);
void dirty_stop(struct machine *m);

#endif /* HOSPES_DIRTY_H */
