// SPDX-License-Identifier: GPL-2.0-only
#include "guest_mem.h"

int guest_mem_layout(struct guest_mem *mem, uint64_t size,
		     uint64_t hole_start, uint64_t high_gpa)
{
	mem->size = size;
	mem->low = 0;
	mem->high_gpa = 0;
	if (!hole_start || hole_start >= size)
		return 0;
	if (hole_start % GUEST_MEM_SPLIT_ALIGN || high_gpa < hole_start ||
	    high_gpa % GUEST_PAGE_SIZE || high_gpa + (size - hole_start) < high_gpa)
		return -1;
	mem->low = hole_start;
	mem->high_gpa = high_gpa;
	return 0;
}

unsigned int guest_mem_nr_ranges(const struct guest_mem *mem)
{
	return mem->low && mem->low < mem->size ? 2 : 1;
}

void guest_mem_range(const struct guest_mem *mem, unsigned int i,
		     struct guest_mem_range *r)
{
	uint64_t low = mem->low ? mem->low : mem->size;

	if (!i)
		*r = (struct guest_mem_range){ 0, low, 0 };
	else
		*r = (struct guest_mem_range){ mem->high_gpa, mem->size - low,
					       low };
}

uint64_t guest_mem_end(const struct guest_mem *mem)
{
	struct guest_mem_range r;

	guest_mem_range(mem, guest_mem_nr_ranges(mem) - 1, &r);
	return r.gpa + r.size;
}
