/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every 64-bit entry the loaders prepare has in common: flat
 * segments and their GDT descriptors, identity page tables in 2 MiB pages,
 * and the control registers of long mode with paging on.
 */
#ifndef HOSPES_X86_H
#define HOSPES_X86_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/hospes.h>

#include "guest_mem.h"

#define X86_SEG_TYPE_CODE	0xb	/* execute/read, accessed */
#define X86_SEG_TYPE_DATA	0x3	/* read/write, accessed */
#define X86_SEG_TYPE_TSS	0x9	/* 64-bit TSS, available */
#define X86_SEG_TYPE_TSS_BUSY	0xb
#define X86_SEG_TYPE_LDT	0x2
#define X86_TSS_LIMIT		0x67
#define X86_RFLAGS_FIXED	(1ull << 1)

/* A 4 GiB flat code (64-bit if code64) or data segment. */
void x86_flat_segment(struct hospes_segment *s, uint16_t selector,
		      uint8_t type, bool code64);
/* A busy 64-bit TSS of X86_TSS_LIMIT + 1 bytes at base. */
void x86_tss_segment(struct hospes_segment *s, uint16_t selector,
		     uint64_t base);
/*
 * The GDT descriptor (its low 8 bytes; a system segment's high 8 bytes
 * hold base >> 32) for a segment register's contents.
 */
uint64_t x86_descriptor(const struct hospes_segment *s);

/* How many pages x86_identity_map() writes for [0, map_end). */
uint64_t x86_identity_map_pages(uint64_t map_end);
/*
 * Identity-map guest-virtual [0, map_end rounded up to 2 MiB) with 2 MiB
 * pages, in x86_identity_map_pages() zeroed pages at tables_gpa; the first
 * is the PML4 (CR3). -1 if they do not fit in mem.
 */
int x86_identity_map(struct guest_mem *mem, uint64_t tables_gpa,
		     uint64_t map_end);

/*
 * Long mode with paging on CR3's tables, SSE usable: CR0, CR3, CR4 and
 * EFER of sregs; its segments are the caller's.
 */
void x86_long_mode(struct hospes_sregs *sregs, uint64_t cr3);

#endif /* HOSPES_X86_H */
