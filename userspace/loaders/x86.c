// SPDX-License-Identifier: GPL-2.0-only
#include "loaders/x86.h"

#define PTE_PRESENT	(1ull << 0)
#define PTE_WRITE	(1ull << 1)
#define PTE_LARGE	(1ull << 7)
#define PD_SPAN		(2ull << 20)	/* one page-directory entry */
#define PDPT_SPAN	(1ull << 30)	/* one page directory */
#define ENTRIES		512

#define CR0_PE		(1ull << 0)
#define CR0_MP		(1ull << 1)
#define CR0_ET		(1ull << 4)
#define CR0_NE		(1ull << 5)
#define CR0_WP		(1ull << 16)
#define CR0_PG		(1ull << 31)
#define CR4_PAE		(1ull << 5)
#define CR4_OSFXSR	(1ull << 9)
#define CR4_OSXMMEXCPT	(1ull << 10)
#define EFER_LME	(1ull << 8)
#define EFER_LMA	(1ull << 10)

static uint64_t round_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) / align * align;
}

void x86_flat_segment(struct hospes_segment *s, uint16_t selector,
		      uint8_t type, bool code64)
{
	*s = (struct hospes_segment){
		.limit = 0xffffffff, .selector = selector, .type = type,
		.present = 1, .s = 1, .g = 1, .l = code64, .db = !code64,
	};
}

void x86_tss_segment(struct hospes_segment *s, uint16_t selector,
		     uint64_t base)
{
	*s = (struct hospes_segment){
		.base = base, .limit = X86_TSS_LIMIT, .selector = selector,
		.type = X86_SEG_TYPE_TSS_BUSY, .present = 1,
	};
}

uint64_t x86_descriptor(const struct hospes_segment *s)
{
	uint64_t limit = s->g ? s->limit >> 12 : s->limit;

	return (limit & 0xffff) | (s->base & 0xffffff) << 16 |
	       (uint64_t)s->type << 40 | (uint64_t)s->s << 44 |
	       (uint64_t)s->dpl << 45 | (uint64_t)s->present << 47 |
	       (limit >> 16 & 0xf) << 48 | (uint64_t)s->avl << 52 |
	       (uint64_t)s->l << 53 | (uint64_t)s->db << 54 |
	       (uint64_t)s->g << 55 | (s->base >> 24 & 0xff) << 56;
}

/* Page directories, and page-directory-pointer tables, for map_end. */
static void table_counts(uint64_t map_end, uint64_t *nr_pd, uint64_t *nr_pdpt)
{
	*nr_pd = round_up(round_up(map_end, PD_SPAN), PDPT_SPAN) / PDPT_SPAN;
	*nr_pdpt = round_up(*nr_pd, ENTRIES) / ENTRIES;
}

uint64_t x86_identity_map_pages(uint64_t map_end)
{
	uint64_t nr_pd, nr_pdpt;

	table_counts(map_end, &nr_pd, &nr_pdpt);
	return 1 + nr_pdpt + nr_pd;
}

int x86_identity_map(struct guest_mem *mem, uint64_t tables_gpa,
		     uint64_t map_end)
{
	uint64_t nr_pd, nr_pdpt, pdpt, pd, i, *t;

	table_counts(map_end, &nr_pd, &nr_pdpt);
	t = gpa_to_host(mem, tables_gpa,
			x86_identity_map_pages(map_end) * GUEST_PAGE_SIZE);
	if (!t || nr_pdpt > ENTRIES)
		return -1;
	pdpt = tables_gpa + GUEST_PAGE_SIZE;
	pd = pdpt + nr_pdpt * GUEST_PAGE_SIZE;
	/* The tables are consecutive pages: index them from the PML4. */
	for (i = 0; i < nr_pdpt; i++)
		t[i] = (pdpt + i * GUEST_PAGE_SIZE) | PTE_PRESENT | PTE_WRITE;
	for (i = 0; i < nr_pd; i++)
		t[ENTRIES + i] = (pd + i * GUEST_PAGE_SIZE) | PTE_PRESENT |
				 PTE_WRITE;
	for (i = 0; i < round_up(map_end, PD_SPAN) / PD_SPAN; i++)
		t[(1 + nr_pdpt) * ENTRIES + i] = i * PD_SPAN | PTE_PRESENT |
						 PTE_WRITE | PTE_LARGE;
	return 0;
}

void x86_long_mode(struct hospes_sregs *sregs, uint64_t cr3)
{
	sregs->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	sregs->cr3 = cr3;
	/* SSE usable from the first instruction, as compilers assume. */
	sregs->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	sregs->efer = EFER_LME | EFER_LMA;
}
