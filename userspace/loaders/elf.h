/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Loading an ELF64 x86-64 executable (a PV kernel) into guest RAM: each
 * PT_LOAD segment at its physical address p_paddr, zero-filled up to
 * p_memsz. The kernel runs on identity page tables, so its entry point
 * must be a physical address inside a loaded segment.
 */
#ifndef HOSPES_ELF_H
#define HOSPES_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"

enum elf_status {
	ELF_OK,
	ELF_NOT_ELF,
	ELF_NOT_64BIT,
	ELF_NOT_LITTLE_ENDIAN,
	ELF_NOT_EXECUTABLE,
	ELF_WRONG_MACHINE,
	ELF_BAD_HEADERS,	/* program headers out of the file */
	ELF_NO_SEGMENTS,
	ELF_TRUNCATED,		/* segment data out of the file */
	ELF_DOES_NOT_FIT,	/* segment outside guest RAM */
	ELF_BAD_ENTRY,
	ELF_UNREADABLE,		/* the file could not be opened or read */
};

struct elf_image {
	uint64_t entry;
	uint64_t lo, hi;	/* guest-physical [lo, hi) spans every segment */
};

/*
 * Load file (size bytes) into mem. On failure, nothing is promised about
 * mem's contents, and err holds a sentence saying why.
 */
enum elf_status elf_load(const void *file, size_t size, struct guest_mem *mem,
			 struct elf_image *img, char *err, size_t errlen);
/* The same from a file; the sentence does not repeat the path. */
enum elf_status elf_load_file(const char *path, struct guest_mem *mem,
			      struct elf_image *img, char *err, size_t errlen);

#endif /* HOSPES_ELF_H */
