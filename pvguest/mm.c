// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvguest: the page allocator and our own page tables.
 *
 * The loader's tables are fine but not ours to keep: they sit wherever the
 * loader chose and may map more than RAM. We build a 4-level identity map
 * of [0, RAM end) with 2 MiB pages, except the first 2 MiB, which get 4 KiB
 * pages so that page 0 can stay unmapped (a NULL dereference then faults)
 * when nothing the loader handed us lives there, and the guard page below
 * our stack too (an overflow then faults, see desc.c). Every entry has the user
 * bit, for the CPL3 checks of the badcalls program: this kernel has no
 * user processes to protect itself from.
 */
#include "console.h"
#include "kernel.h"
#include "mm.h"
#include "string.h"

#define PTE_P		(1ull << 0)
#define PTE_W		(1ull << 1)
#define PTE_U		(1ull << 2)
#define PTE_PS		(1ull << 7)
#define PTE_FLAGS	(PTE_P | PTE_W | PTE_U)
#define SZ_2M		(2ull << 20)
#define SZ_1G		(1ull << 30)

static uint64_t next_free, free_end;

uint64_t mem_bytes(void)
{
	return start_info->mem_bytes;
}

void *alloc_pages(uint64_t n)
{
	uint64_t p = next_free;

	if (n > (free_end - next_free) / PAGE_SIZE)
		panic("out of memory: %llu pages wanted, %llu free",
		      (unsigned long long)n,
		      (unsigned long long)free_pages());
	next_free += n * PAGE_SIZE;
	memset((void *)p, 0, n * PAGE_SIZE);
	return (void *)p;
}

uint64_t free_pages(void)
{
	return (free_end - next_free) / PAGE_SIZE;
}

static uint64_t *new_table(void)
{
	return alloc_pages(1);
}

/* Is anything the loader gave us in [start, start + len)? */
static int in_use(uint64_t start, uint64_t len)
{
	const struct hospes_start_info *si = start_info;
	uint64_t a = (uintptr_t)si;

	if (a < start + len && a + sizeof(*si) > start)
		return 1;
	if (si->cmdline_gpa < start + len &&
	    si->cmdline_gpa + si->cmdline_len + 1 > start)
		return 1;
	for (uint32_t i = 0; i < si->nr_devices && i < HOSPES_PV_MAX_DEVICES;
	     i++) {
		const struct hospes_pv_device *d = &si->devices[i];

		if (d->ring_gpa < start + len &&
		    d->ring_gpa + d->ring_pages * PAGE_SIZE > start)
			return 1;
	}
	return 0;
}

void mm_init(void)
{
	uint64_t end = start_info->mem_bytes;
	uint64_t *pml4, *pdpt, *pd = NULL, *pd0 = NULL, *pt;

	next_free = PAGE_ALIGN(start_info->first_free_gpa);
	if (next_free < (uintptr_t)_image_end)
		next_free = PAGE_ALIGN((uintptr_t)_image_end);
	free_end = end & ~(PAGE_SIZE - 1);
	if (next_free >= free_end)
		panic("no free memory: first free 0x%llx, RAM ends 0x%llx",
		      (unsigned long long)next_free, (unsigned long long)end);
	if (end > 512 * SZ_1G)
		panic("more than 512 GiB of RAM is not supported");

	pml4 = new_table();
	pdpt = new_table();
	pml4[0] = (uintptr_t)pdpt | PTE_FLAGS;

	for (uint64_t a = 0; a < end; a += SZ_2M) {
		if (a % SZ_1G == 0) {
			pd = new_table();
			pdpt[a / SZ_1G] = (uintptr_t)pd | PTE_FLAGS;
			if (!pd0)
				pd0 = pd;
		}
		pd[(a % SZ_1G) / SZ_2M] = a | PTE_FLAGS | PTE_PS;
	}

	/* The first 2 MiB in 4 KiB pages, page 0 left out if unused. */
	pt = new_table();
	for (uint64_t i = 0; i < 512; i++)
		pt[i] = i * PAGE_SIZE | PTE_FLAGS;
	if (!in_use(0, PAGE_SIZE))
		pt[0] = 0;
	if ((uintptr_t)stack_guard < SZ_2M)
		pt[(uintptr_t)stack_guard / PAGE_SIZE] = 0;
	pd0[0] = (uintptr_t)pt | PTE_FLAGS;

	/* No SMEP/SMAP: our CPL3 test code runs on user pages we also use. */
	write_cr4(read_cr4() & ~(X86_CR4_SMEP | X86_CR4_SMAP));
	write_cr3((uintptr_t)pml4);
}
