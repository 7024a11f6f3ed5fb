/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest RAM as the VMM sees it: one host mapping of guest-physical
 * [0, size). Everything the guest hands the VMM (buffers, rings) is checked
 * through gpa_to_host() before it is touched.
 */
#ifndef HOSPES_GUEST_MEM_H
#define HOSPES_GUEST_MEM_H

#include <stddef.h>
#include <stdint.h>

#define GUEST_PAGE_SIZE	4096ull

struct guest_mem {
	uint8_t *host;
	uint64_t size;
};

/* The host address of guest-physical [gpa, gpa + len), or NULL if not all RAM. */
static inline void *gpa_to_host(const struct guest_mem *mem, uint64_t gpa,
				uint64_t len)
{
	if (gpa > mem->size || len > mem->size - gpa)
		return NULL;
	return mem->host + gpa;
}

#endif /* HOSPES_GUEST_MEM_H */
