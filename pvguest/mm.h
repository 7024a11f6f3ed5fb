/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvguest: memory. Guest-physical = guest-virtual (identity map of RAM,
 * built fresh by mm_init). Pages come from a bump allocator over the free
 * memory the start-info page names; nothing is ever freed.
 */
#ifndef PVGUEST_MM_H
#define PVGUEST_MM_H

#include <stdint.h>

void mm_init(void);

/* n zeroed, page-aligned pages, or panic. */
void *alloc_pages(uint64_t n);
/* Pages still free. */
uint64_t free_pages(void);

uint64_t mem_bytes(void);

#endif /* PVGUEST_MM_H */
