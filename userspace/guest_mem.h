/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest RAM as the VMM sees it: one host mapping of guest-physical
 * [0, size). Everything the guest hands the VMM (buffers, rings) is checked
 * through gpa_to_host() before it is touched.
 */
#ifndef HOSPES_GUEST_MEM_H
#define HOSPES_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_PAGE_SIZE	4096ull

struct guest_mem {
	uint8_t *host;
	uint64_t size;
	/*
	 * The kernel's dirty log sees only the guest's writes. While a
	 * migration runs (tracking set), the VMM's own writes into guest RAM
	 * (a device's) are marked here, a bit per page, for it to send.
	 * Allocated by the first migration, freed with the machine.
	 */
	uint64_t *written;
	bool tracking;
};

/* The host address of guest-physical [gpa, gpa + len), or NULL if not all RAM. */
static inline void *gpa_to_host(const struct guest_mem *mem, uint64_t gpa,
				uint64_t len)
{
	if (gpa > mem->size || len > mem->size - gpa)
		return NULL;
	return mem->host + gpa;
}

/* The VMM wrote guest-physical [gpa, gpa + len) (already checked). */
static inline void guest_mem_written(struct guest_mem *mem, uint64_t gpa,
				     uint64_t len)
{
	uint64_t page, last;

	if (!len || !__atomic_load_n(&mem->tracking, __ATOMIC_ACQUIRE))
		return;
	last = (gpa + len - 1) / GUEST_PAGE_SIZE;
	for (page = gpa / GUEST_PAGE_SIZE; page <= last; page++)
		__atomic_fetch_or(&mem->written[page / 64], 1ull << (page % 64),
				  __ATOMIC_RELEASE);
}

#endif /* HOSPES_GUEST_MEM_H */
