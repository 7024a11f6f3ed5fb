/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest RAM as the VMM sees it: one host mapping of size bytes, placed in
 * the guest-physical space as at most two ranges: [0, low) and, for a
 * machine with a hole below 4 GiB for its devices, the rest from high_gpa
 * on. Everything the guest hands the VMM (buffers, rings) is checked
 * through gpa_to_host() before it is touched: an address in the hole is
 * not RAM.
 *
 * RAM pages are also numbered by their offset in the host mapping ("RAM
 * page index"): the dirty bitmaps and the save stream walk RAM that way.
 */
#ifndef HOSPES_GUEST_MEM_H
#define HOSPES_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_PAGE_SIZE	4096ull
/*
 * A split must fall on a bitmap word (64 pages, 256 KiB), so that each
 * range's dirty log lands in whole words of the machine's bitmap.
 */
#define GUEST_MEM_SPLIT_ALIGN	(64 * GUEST_PAGE_SIZE)
#define GUEST_MEM_MAX_RANGES	2

struct guest_mem {
	uint8_t *host;
	uint64_t size;			/* bytes of RAM: the host mapping */
	/*
	 * Bytes at guest-physical 0; the other size - low from high_gpa on.
	 * 0 (as zero-initialised): all of RAM at 0, as for a PV machine.
	 */
	uint64_t low;
	uint64_t high_gpa;
	/*
	 * The kernel's dirty log sees only the guest's writes. While a
	 * migration runs (tracking set), the VMM's own writes into guest RAM
	 * (a device's) are marked here, a bit per RAM page index, for it to
	 * send. Allocated by the first migration, freed with the machine.
	 */
	uint64_t *written;
	bool tracking;
};

/* One range of RAM: guest-physical [gpa, gpa + size) at host + offset. */
struct guest_mem_range {
	uint64_t gpa;
	uint64_t size;
	uint64_t offset;
};

/*
 * Lay out size bytes of RAM: below hole_start at 0, the rest from high_gpa
 * (hole_start 0 or >= size: all at 0). The host mapping is the caller's.
 * -1 if the split is not GUEST_MEM_SPLIT_ALIGN-aligned or high_gpa is
 * below hole_start.
 */
int guest_mem_layout(struct guest_mem *mem, uint64_t size,
		     uint64_t hole_start, uint64_t high_gpa);

/* How many ranges (1 or 2); range i of them in *r. */
unsigned int guest_mem_nr_ranges(const struct guest_mem *mem);
void guest_mem_range(const struct guest_mem *mem, unsigned int i,
		     struct guest_mem_range *r);

/* The end of guest-physical RAM: the highest RAM address + 1. */
uint64_t guest_mem_end(const struct guest_mem *mem);

/* The guest-physical address of a RAM page index (below size / 4K). */
static inline uint64_t guest_mem_page_gpa(const struct guest_mem *mem,
					  uint64_t page)
{
	uint64_t off = page * GUEST_PAGE_SIZE;

	if (!mem->low || off < mem->low)
		return off;
	return mem->high_gpa + (off - mem->low);
}

/* The host address of guest-physical [gpa, gpa + len), or NULL if not all RAM. */
static inline void *gpa_to_host(const struct guest_mem *mem, uint64_t gpa,
				uint64_t len)
{
	uint64_t low = mem->low ? mem->low : mem->size, off;

	if (gpa <= low && len <= low - gpa)
		return mem->host + gpa;
	if (low == mem->size || gpa < mem->high_gpa)
		return NULL;
	off = gpa - mem->high_gpa;
	if (off > mem->size - low || len > mem->size - low - off)
		return NULL;
	return mem->host + low + off;
}

/* The VMM wrote host [p, p + len), inside guest RAM (already checked). */
static inline void guest_mem_written_host(struct guest_mem *mem,
					  const void *p, uint64_t len)
{
	uint64_t off = (const uint8_t *)p - mem->host, page, last;

	if (!len || !__atomic_load_n(&mem->tracking, __ATOMIC_ACQUIRE))
		return;
	last = (off + len - 1) / GUEST_PAGE_SIZE;
	for (page = off / GUEST_PAGE_SIZE; page <= last; page++)
		__atomic_fetch_or(&mem->written[page / 64], 1ull << (page % 64),
				  __ATOMIC_RELEASE);
}

/* The VMM wrote guest-physical [gpa, gpa + len) (already checked). */
static inline void guest_mem_written(struct guest_mem *mem, uint64_t gpa,
				     uint64_t len)
{
	void *p = gpa_to_host(mem, gpa, len);

	if (p)
		guest_mem_written_host(mem, p, len);
}

#endif /* HOSPES_GUEST_MEM_H */
