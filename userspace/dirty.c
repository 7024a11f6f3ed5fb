// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dirty.h"
#include "machine.h"

uint64_t dirty_words(const struct machine *m)
{
	return (m->mem.size / GUEST_PAGE_SIZE + 63) / 64;
}

/* Logging on or off for every RAM slot: 0, or -1 with errno. */
static int log_dirty(struct machine *m, bool on)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < guest_mem_nr_ranges(&m->mem); i++) {
		struct guest_mem_range r;

		guest_mem_range(&m->mem, i, &r);
		/* Turning off goes on through a failure: it must all end. */
		if (vm_log_dirty(&m->vm, MACHINE_RAM_SLOT + i, r.gpa, r.size,
				 m->mem.host + r.offset, on) && !ret) {
			ret = -1;
			if (on)
				break;
		}
	}
	return ret;
}

int dirty_start(struct machine *m, char *err, size_t errlen)
{
	size_t bytes = dirty_words(m) * sizeof(uint64_t);

	if (!m->mem.written) {
		m->mem.written = calloc(1, bytes);
		if (!m->mem.written) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	memset(m->mem.written, 0, bytes);
	__atomic_store_n(&m->mem.tracking, true, __ATOMIC_RELEASE);
	if (log_dirty(m, true)) {
		snprintf(err, errlen, "cannot log dirty pages (HOSPES_MEM_LOG_DIRTY): %s",
			 strerror(errno));
		dirty_stop(m);
		return -1;
	}
	return 0;
}

int64_t dirty_collect(struct machine *m, uint64_t *bitmap, uint64_t *scratch,
		      char *err, size_t errlen)
{
	uint64_t words = dirty_words(m), i;
	int64_t fresh = 0;

	/*
	 * Each slot's bitmap lands at its range's first RAM page index, a
	 * whole word (GUEST_MEM_SPLIT_ALIGN): scratch is indexed as bitmap.
	 */
	for (i = 0; i < guest_mem_nr_ranges(&m->mem); i++) {
		struct guest_mem_range r;

		guest_mem_range(&m->mem, i, &r);
		if (vm_get_dirty_log(&m->vm, MACHINE_RAM_SLOT + i,
				     scratch + r.offset / GUEST_PAGE_SIZE / 64) < 0) {
			snprintf(err, errlen, "HOSPES_GET_DIRTY_LOG (slot %llu): %s",
				 (unsigned long long)(MACHINE_RAM_SLOT + i),
				 strerror(errno));
			return -1;
		}
	}
	for (i = 0; i < words; i++) {
		uint64_t bits = scratch[i] |
			__atomic_exchange_n(&m->mem.written[i], 0, __ATOMIC_ACQ_REL);

		fresh += __builtin_popcountll(bits & ~bitmap[i]);
		bitmap[i] |= bits;
	}
	return fresh;
}

void dirty_stop(struct machine *m)
{
	__atomic_store_n(&m->mem.tracking, false, __ATOMIC_RELEASE);
	/* Only fails if the slot is gone, and then there is nothing to stop. */
	log_dirty(m, false);
}
