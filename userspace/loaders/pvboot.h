/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PV boot protocol of linux/hospes_pv.h: what the VMM lays out in guest
 * RAM around a loaded PV kernel, and the vCPU state it starts with.
 *
 * Guest-physical layout:
 *
 *   0 ........ image_lo   the boot stack (RSP = image_lo, growing down)
 *   image_lo . image_hi   the kernel's PT_LOAD segments
 *   then, page aligned:   start-info page, command line, boot page (GDT,
 *                         TSS, the secondary vCPUs' halt loop), identity
 *                         page tables, then whatever devices reserve
 *                         (block rings)
 *   first_free_gpa ...    free for the guest, up to mem_bytes
 *
 * The protocol asks for no GDT, but the vCPU's segment registers must
 * describe something; a guest that reloads them before installing its own
 * GDT finds the same flat segments in ours (selectors below).
 */
#ifndef HOSPES_PVBOOT_H
#define HOSPES_PVBOOT_H

#include <stddef.h>
#include <stdint.h>

#include <linux/hospes.h>
#include <linux/hospes_pv.h>

#include "guest_mem.h"

#define PVBOOT_SEL_CODE64	0x08
#define PVBOOT_SEL_DATA		0x10
#define PVBOOT_SEL_TSS		0x18
/* Room the boot stack needs below the image. */
#define PVBOOT_STACK_MIN	(16 * 1024)
#define PVBOOT_CMDLINE_MAX	(GUEST_PAGE_SIZE - 1)

struct pv_boot {
	struct guest_mem *mem;
	uint64_t image_lo;
	uint64_t next_free;		/* reservations go here, page aligned */
	uint64_t start_info_gpa;
	uint64_t cmdline_gpa;
	uint32_t cmdline_len;
	uint64_t boot_page_gpa;
	uint64_t page_tables_gpa;
	uint32_t nr_devices;
	struct hospes_pv_device devices[HOSPES_PV_MAX_DEVICES];
};

/*
 * Lay out and write everything but the start-info page, for an image at
 * guest-physical [image_lo, image_hi). -1 with a sentence in err if memory
 * is too small or cmdline too long.
 */
int pvboot_init(struct pv_boot *b, struct guest_mem *mem, uint64_t image_lo,
		uint64_t image_hi, const char *cmdline, char *err,
		size_t errlen);
/* Reserve pages of zeroed RAM for the VMM: 0, or -ENOMEM. */
int pvboot_reserve(struct pv_boot *b, uint64_t pages, uint64_t *gpa);
/* List a device in the start-info page: 0, or -ENOSPC. */
int pvboot_add_device(struct pv_boot *b, const struct hospes_pv_device *dev);
/* Write the start-info page; nothing can be reserved afterwards. */
void pvboot_finish(struct pv_boot *b, unsigned int nr_vcpus);

/*
 * Initial registers: vCPU 0 at entry with RDI = the start-info page, any
 * other vCPU in the halt loop (the PV kernel starts no secondary vCPUs yet).
 */
void pvboot_vcpu_state(const struct pv_boot *b, unsigned int vcpu_id,
		       uint64_t entry, struct hospes_regs *regs,
		       struct hospes_sregs *sregs);

#endif /* HOSPES_PVBOOT_H */
