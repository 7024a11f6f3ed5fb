// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "loaders/pvboot.h"

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
#define RFLAGS_FIXED	(1ull << 1)

/* Inside the boot page. */
#define GDT_OFFSET	0x000
#define GDT_LIMIT	(PVBOOT_SEL_TSS + 16 - 1)	/* the TSS descriptor is 16 bytes */
#define TSS_OFFSET	0x080
#define TSS_LIMIT	0x67
#define PARK_OFFSET	0x100

#define SEG_TYPE_CODE	0xb	/* execute/read, accessed */
#define SEG_TYPE_DATA	0x3	/* read/write, accessed */
#define SEG_TYPE_TSS	0x9	/* 64-bit TSS, available */
#define SEG_TYPE_TSS_BUSY 0xb
#define SEG_TYPE_LDT	0x2

/* cli; 1: hlt; jmp 1b. An NMI or SMI could only bring it back to hlt. */
static const uint8_t park_loop[] = { 0xfa, 0xf4, 0xeb, 0xfd };

static uint64_t round_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) / align * align;
}

static uint64_t *gpa_u64(const struct pv_boot *b, uint64_t gpa)
{
	return gpa_to_host(b->mem, gpa, sizeof(uint64_t));
}

int pvboot_reserve(struct pv_boot *b, uint64_t pages, uint64_t *gpa)
{
	uint64_t bytes = pages * GUEST_PAGE_SIZE;
	void *host;

	if (pages > b->mem->size / GUEST_PAGE_SIZE)
		return -ENOMEM;
	host = gpa_to_host(b->mem, b->next_free, bytes);
	if (!host)
		return -ENOMEM;
	memset(host, 0, bytes);
	*gpa = b->next_free;
	b->next_free += bytes;
	return 0;
}

/* An identity map of RAM (rounded up to 2 MiB) in 2 MiB pages. */
static int build_page_tables(struct pv_boot *b)
{
	uint64_t map_end = round_up(b->mem->size, PD_SPAN);
	uint64_t nr_pd = round_up(map_end, PDPT_SPAN) / PDPT_SPAN;
	uint64_t nr_pdpt = round_up(nr_pd, ENTRIES) / ENTRIES;
	uint64_t pml4, pdpt, pd, i;

	if (nr_pdpt > ENTRIES ||
	    pvboot_reserve(b, 1 + nr_pdpt + nr_pd, &pml4))
		return -1;
	pdpt = pml4 + GUEST_PAGE_SIZE;
	pd = pdpt + nr_pdpt * GUEST_PAGE_SIZE;
	for (i = 0; i < nr_pdpt; i++)
		*gpa_u64(b, pml4 + 8 * i) = (pdpt + i * GUEST_PAGE_SIZE) |
					    PTE_PRESENT | PTE_WRITE;
	for (i = 0; i < nr_pd; i++)
		*gpa_u64(b, pdpt + 8 * i) = (pd + i * GUEST_PAGE_SIZE) |
					    PTE_PRESENT | PTE_WRITE;
	for (i = 0; i < map_end / PD_SPAN; i++)
		*gpa_u64(b, pd + 8 * i) = i * PD_SPAN | PTE_PRESENT |
					  PTE_WRITE | PTE_LARGE;
	b->page_tables_gpa = pml4;
	return 0;
}

static void flat_segment(struct hospes_segment *s, uint16_t selector,
			 uint8_t type, int code64)
{
	*s = (struct hospes_segment){
		.limit = 0xffffffff, .selector = selector, .type = type,
		.present = 1, .s = 1, .g = 1, .l = code64, .db = !code64,
	};
}

static void tss_segment(const struct pv_boot *b, struct hospes_segment *s)
{
	*s = (struct hospes_segment){
		.base = b->boot_page_gpa + TSS_OFFSET, .limit = TSS_LIMIT,
		.selector = PVBOOT_SEL_TSS, .type = SEG_TYPE_TSS_BUSY,
		.present = 1,
	};
}

/* The GDT descriptor (low 8 bytes) for a segment register's contents. */
static uint64_t descriptor(const struct hospes_segment *s)
{
	uint64_t limit = s->g ? s->limit >> 12 : s->limit;

	return (limit & 0xffff) | (s->base & 0xffffff) << 16 |
	       (uint64_t)s->type << 40 | (uint64_t)s->s << 44 |
	       (uint64_t)s->dpl << 45 | (uint64_t)s->present << 47 |
	       (limit >> 16 & 0xf) << 48 | (uint64_t)s->avl << 52 |
	       (uint64_t)s->l << 53 | (uint64_t)s->db << 54 |
	       (uint64_t)s->g << 55 | (s->base >> 24 & 0xff) << 56;
}

/* GDT, TSS and halt loop, matching what pvboot_vcpu_state() loads. */
static int build_boot_page(struct pv_boot *b)
{
	struct hospes_segment seg;
	uint64_t *gdt;
	uint8_t *page;

	if (pvboot_reserve(b, 1, &b->boot_page_gpa))
		return -1;
	page = gpa_to_host(b->mem, b->boot_page_gpa, GUEST_PAGE_SIZE);
	gdt = (uint64_t *)(page + GDT_OFFSET);
	flat_segment(&seg, PVBOOT_SEL_CODE64, SEG_TYPE_CODE, 1);
	gdt[PVBOOT_SEL_CODE64 / 8] = descriptor(&seg);
	flat_segment(&seg, PVBOOT_SEL_DATA, SEG_TYPE_DATA, 0);
	gdt[PVBOOT_SEL_DATA / 8] = descriptor(&seg);
	/* Available in the GDT, so that the guest may LTR it itself. */
	tss_segment(b, &seg);
	seg.type = SEG_TYPE_TSS;
	gdt[PVBOOT_SEL_TSS / 8] = descriptor(&seg);
	gdt[PVBOOT_SEL_TSS / 8 + 1] = seg.base >> 32;
	/* No I/O permission bitmap: its offset points past the limit. */
	*(uint16_t *)(page + TSS_OFFSET + 0x66) = TSS_LIMIT + 1;
	memcpy(page + PARK_OFFSET, park_loop, sizeof(park_loop));
	return 0;
}

int pvboot_init(struct pv_boot *b, struct guest_mem *mem, uint64_t image_lo,
		uint64_t image_hi, const char *cmdline, char *err,
		size_t errlen)
{
	size_t len = strlen(cmdline);

	memset(b, 0, sizeof(*b));
	b->mem = mem;
	b->image_lo = image_lo;
	b->next_free = round_up(image_hi, GUEST_PAGE_SIZE);
	if (image_lo < PVBOOT_STACK_MIN) {
		snprintf(err, errlen,
			 "the kernel starts at %#llx: the boot stack needs %u KiB of RAM below it",
			 (unsigned long long)image_lo, PVBOOT_STACK_MIN / 1024);
		return -1;
	}
	if (len > PVBOOT_CMDLINE_MAX) {
		snprintf(err, errlen, "command line of %zu bytes, at most %llu",
			 len, PVBOOT_CMDLINE_MAX);
		return -1;
	}
	if (pvboot_reserve(b, 1, &b->start_info_gpa) ||
	    pvboot_reserve(b, 1, &b->cmdline_gpa) ||
	    build_boot_page(b) || build_page_tables(b)) {
		snprintf(err, errlen,
			 "%llu KiB of memory is too small for the kernel (ends at %#llx) and its boot data",
			 (unsigned long long)(mem->size >> 10),
			 (unsigned long long)image_hi);
		return -1;
	}
	memcpy(gpa_to_host(mem, b->cmdline_gpa, len + 1), cmdline, len + 1);
	b->cmdline_len = len;
	return 0;
}

int pvboot_add_device(struct pv_boot *b, const struct hospes_pv_device *dev)
{
	if (b->nr_devices == HOSPES_PV_MAX_DEVICES)
		return -ENOSPC;
	b->devices[b->nr_devices++] = *dev;
	return 0;
}

void pvboot_finish(struct pv_boot *b, unsigned int nr_vcpus)
{
	struct hospes_start_info *si =
		gpa_to_host(b->mem, b->start_info_gpa, sizeof(*si));

	*si = (struct hospes_start_info){
		.magic = HOSPES_START_INFO_MAGIC,
		.version = HOSPES_PV_ABI_VERSION,
		.nr_vcpus = nr_vcpus,
		.mem_bytes = b->mem->size,
		.first_free_gpa = b->next_free,
		.page_tables_gpa = b->page_tables_gpa,
		.cmdline_gpa = b->cmdline_gpa,
		.cmdline_len = b->cmdline_len,
		.nr_devices = b->nr_devices,
	};
	memcpy(si->devices, b->devices, sizeof(si->devices));
}

void pvboot_vcpu_state(const struct pv_boot *b, unsigned int vcpu_id,
		       uint64_t entry, struct hospes_regs *regs,
		       struct hospes_sregs *sregs)
{
	memset(sregs, 0, sizeof(*sregs));
	flat_segment(&sregs->cs, PVBOOT_SEL_CODE64, SEG_TYPE_CODE, 1);
	flat_segment(&sregs->ds, PVBOOT_SEL_DATA, SEG_TYPE_DATA, 0);
	sregs->es = sregs->fs = sregs->gs = sregs->ss = sregs->ds;
	tss_segment(b, &sregs->tr);
	sregs->ldt = (struct hospes_segment){ .type = SEG_TYPE_LDT, .unusable = 1 };
	sregs->gdt.base = b->boot_page_gpa + GDT_OFFSET;
	sregs->gdt.limit = GDT_LIMIT;
	sregs->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	sregs->cr3 = b->page_tables_gpa;
	/* SSE usable from the first instruction, as compilers assume. */
	sregs->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	sregs->efer = EFER_LME | EFER_LMA;

	memset(regs, 0, sizeof(*regs));
	regs->rflags = RFLAGS_FIXED;	/* interrupts off */
	if (vcpu_id == 0) {
		regs->rip = entry;
		regs->rdi = b->start_info_gpa;
		regs->rsp = b->image_lo & ~0xfull;
	} else {
		regs->rip = b->boot_page_gpa + PARK_OFFSET;
	}
}
