// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "loaders/pvboot.h"
#include "loaders/x86.h"

/* Inside the boot page. */
#define GDT_OFFSET	0x000
#define GDT_LIMIT	(PVBOOT_SEL_TSS + 16 - 1)	/* the TSS descriptor is 16 bytes */
#define TSS_OFFSET	0x080
#define PARK_OFFSET	0x100

/* cli; 1: hlt; jmp 1b. An NMI or SMI could only bring it back to hlt. */
static const uint8_t park_loop[] = { 0xfa, 0xf4, 0xeb, 0xfd };

static uint64_t round_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) / align * align;
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
	uint64_t pages = x86_identity_map_pages(b->mem->size);

	return pvboot_reserve(b, pages, &b->page_tables_gpa) ||
	       x86_identity_map(b->mem, b->page_tables_gpa, b->mem->size);
}

static void tss_segment(const struct pv_boot *b, struct hospes_segment *s)
{
	x86_tss_segment(s, PVBOOT_SEL_TSS, b->boot_page_gpa + TSS_OFFSET);
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
	x86_flat_segment(&seg, PVBOOT_SEL_CODE64, X86_SEG_TYPE_CODE, true);
	gdt[PVBOOT_SEL_CODE64 / 8] = x86_descriptor(&seg);
	x86_flat_segment(&seg, PVBOOT_SEL_DATA, X86_SEG_TYPE_DATA, false);
	gdt[PVBOOT_SEL_DATA / 8] = x86_descriptor(&seg);
	/* Available in the GDT, so that the guest may LTR it itself. */
	tss_segment(b, &seg);
	seg.type = X86_SEG_TYPE_TSS;
	gdt[PVBOOT_SEL_TSS / 8] = x86_descriptor(&seg);
	gdt[PVBOOT_SEL_TSS / 8 + 1] = seg.base >> 32;
	/* No I/O permission bitmap: its offset points past the limit. */
	*(uint16_t *)(page + TSS_OFFSET + 0x66) = X86_TSS_LIMIT + 1;
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
	x86_flat_segment(&sregs->cs, PVBOOT_SEL_CODE64, X86_SEG_TYPE_CODE, true);
	x86_flat_segment(&sregs->ds, PVBOOT_SEL_DATA, X86_SEG_TYPE_DATA, false);
	sregs->es = sregs->fs = sregs->gs = sregs->ss = sregs->ds;
	tss_segment(b, &sregs->tr);
	sregs->ldt = (struct hospes_segment){ .type = X86_SEG_TYPE_LDT, .unusable = 1 };
	sregs->gdt.base = b->boot_page_gpa + GDT_OFFSET;
	sregs->gdt.limit = GDT_LIMIT;
	x86_long_mode(sregs, b->page_tables_gpa);

	memset(regs, 0, sizeof(*regs));
	regs->rflags = X86_RFLAGS_FIXED;	/* interrupts off */
	if (vcpu_id == 0) {
		regs->rip = entry;
		regs->rdi = b->start_info_gpa;
		regs->rsp = b->image_lo & ~0xfull;
	} else {
		regs->rip = b->boot_page_gpa + PARK_OFFSET;
	}
}
