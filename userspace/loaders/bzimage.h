/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Linux's x86 boot protocol (Documentation/x86/boot.rst), 64-bit entry: a
 * bzImage's protected-mode kernel loaded at 1 MiB, an initramfs near the top
 * of RAM, and the zero page (struct boot_params) that tells the kernel
 * where everything is. The kernel is entered at load address + 0x200 in
 * long mode, with RSI = the zero page (linux.c prepares the vCPU).
 */
#ifndef HOSPES_BZIMAGE_H
#define HOSPES_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"

/* Where the protected-mode kernel goes, as for any bzImage. */
#define BZIMAGE_LOAD_GPA	0x100000ull
#define BZIMAGE_ENTRY64		0x200
/* The zero page's fixed size, and the room its e820 table has. */
#define BZIMAGE_PARAMS_SIZE	4096
#define BZIMAGE_E820_MAX	128

#define E820_RAM		1
#define E820_RESERVED		2

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

struct bzimage {
	uint64_t entry;			/* the 64-bit entry point */
	uint64_t kernel_end;		/* end of the loaded kernel */
	/*
	 * End of the RAM the kernel decompresses itself into (from 16 MiB,
	 * its preferred address, for init_size bytes): an initramfs must
	 * lie above it.
	 */
	uint64_t work_end;
	uint64_t initrd_max;		/* last byte an initramfs may use */
	uint32_t cmdline_max;		/* bytes, without the NUL */
	uint16_t version;		/* of the boot protocol */
	/* The setup header, copied into the zero page at the same offset. */
	uint8_t header[0x290 - 0x1f1];
	size_t header_len;
};

/*
 * Check a bzImage of size bytes (boot protocol 2.12 or later, with a
 * 64-bit entry) and load its protected-mode kernel at BZIMAGE_LOAD_GPA.
 * -1 with a sentence in err if it is not one or mem is too small for it.
 */
int bzimage_load(const void *file, size_t size, struct guest_mem *mem,
		 struct bzimage *img, char *err, size_t errlen);
int bzimage_load_file(const char *path, struct guest_mem *mem,
		      struct bzimage *img, char *err, size_t errlen);

/*
 * Read an initramfs into the highest page-aligned place of RAM below
 * ram_end that the kernel allows, above its decompression area ([0,
 * ram_end) must be RAM: the range below a machine's hole): its
 * guest-physical address in *gpa, its size in *size. -1 with err if it
 * does not fit or cannot be read.
 */
int bzimage_load_initrd(const struct bzimage *img, struct guest_mem *mem,
			uint64_t ram_end, const char *path, uint64_t *gpa,
			uint64_t *size, char *err, size_t errlen);

/* What the zero page tells the kernel besides its own header. */
struct bzimage_params {
	uint64_t cmdline_gpa;		/* a NUL-terminated string */
	uint64_t initrd_gpa, initrd_size;	/* size 0: none */
	uint64_t rsdp_gpa;		/* ACPI root pointer; 0: let it search */
	const struct e820_entry *e820;
	unsigned int nr_e820;		/* at most BZIMAGE_E820_MAX */
};

/* Write the zero page at params_gpa (BZIMAGE_PARAMS_SIZE bytes). */
void bzimage_write_params(const struct bzimage *img, struct guest_mem *mem,
			  uint64_t params_gpa, const struct bzimage_params *p);

#endif /* HOSPES_BZIMAGE_H */
