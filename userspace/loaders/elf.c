// SPDX-License-Identifier: GPL-2.0-only
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loaders/elf.h"

static enum elf_status fail(enum elf_status status, char *err, size_t errlen,
			    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return status;
}

static enum elf_status check_header(const Elf64_Ehdr *eh, size_t size,
				    char *err, size_t errlen)
{
	if (size < EI_NIDENT || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return fail(ELF_NOT_ELF, err, errlen, "not an ELF file");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return fail(ELF_NOT_64BIT, err, errlen,
			    "not a 64-bit ELF file (class %u): hospes runs 64-bit PV kernels",
			    eh->e_ident[EI_CLASS]);
	if (size < sizeof(*eh))
		return fail(ELF_NOT_ELF, err, errlen,
			    "ELF header cut short: %zu bytes", size);
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return fail(ELF_NOT_LITTLE_ENDIAN, err, errlen,
			    "not a little-endian ELF file");
	if (eh->e_machine != EM_X86_64)
		return fail(ELF_WRONG_MACHINE, err, errlen,
			    "built for ELF machine %u, not x86-64 (%u)",
			    eh->e_machine, EM_X86_64);
	if (eh->e_type != ET_EXEC)
		return fail(ELF_NOT_EXECUTABLE, err, errlen,
			    "not an executable (ELF type %u): a PV kernel is linked at fixed addresses",
			    eh->e_type);
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > size ||
	    (size - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum)
		return fail(ELF_BAD_HEADERS, err, errlen,
			    "program headers lie outside the file");
	return ELF_OK;
}

enum elf_status elf_load(const void *file, size_t size, struct guest_mem *mem,
			 struct elf_image *img, char *err, size_t errlen)
{
	const Elf64_Ehdr *eh = file;
	const Elf64_Phdr *ph;
	enum elf_status status;
	bool entry_ok = false;
	unsigned int i;

	status = check_header(eh, size, err, errlen);
	if (status != ELF_OK)
		return status;
	ph = (const Elf64_Phdr *)((const uint8_t *)file + eh->e_phoff);
	img->lo = UINT64_MAX;
	img->hi = 0;
	for (i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];
		uint8_t *dst;

		if (p->p_type != PT_LOAD || !p->p_memsz)
			continue;
		if (p->p_filesz > p->p_memsz || p->p_offset > size ||
		    p->p_filesz > size - p->p_offset)
			return fail(ELF_TRUNCATED, err, errlen,
				    "segment %u: its data lies outside the file", i);
		dst = gpa_to_host(mem, p->p_paddr, p->p_memsz);
		if (!dst)
			return fail(ELF_DOES_NOT_FIT, err, errlen,
				    "segment %u at %#llx..%#llx does not fit in %llu KiB of guest memory",
				    i, (unsigned long long)p->p_paddr,
				    (unsigned long long)(p->p_paddr + p->p_memsz),
				    (unsigned long long)(mem->size >> 10));
		memcpy(dst, (const uint8_t *)file + p->p_offset, p->p_filesz);
		memset(dst + p->p_filesz, 0, p->p_memsz - p->p_filesz);
		if (p->p_paddr < img->lo)
			img->lo = p->p_paddr;
		if (p->p_paddr + p->p_memsz > img->hi)
			img->hi = p->p_paddr + p->p_memsz;
		if (eh->e_entry - p->p_paddr < p->p_memsz)
			entry_ok = true;
	}
	if (img->hi == 0)
		return fail(ELF_NO_SEGMENTS, err, errlen,
			    "no loadable segment");
	if (!entry_ok)
		return fail(ELF_BAD_ENTRY, err, errlen,
			    "entry point %#llx is not inside a loaded segment (identity-mapped kernels only)",
			    (unsigned long long)eh->e_entry);
	img->entry = eh->e_entry;
	return ELF_OK;
}

enum elf_status elf_load_file(const char *path, struct guest_mem *mem,
			      struct elf_image *img, char *err, size_t errlen)
{
	enum elf_status status;
	struct stat st;
	void *file;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(ELF_UNREADABLE, err, errlen, "%s", strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(ELF_UNREADABLE, err, errlen, "not a regular file");
	}
	if (!st.st_size) {
		close(fd);
		return fail(ELF_NOT_ELF, err, errlen, "empty file, not an ELF file");
	}
	file = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (file == MAP_FAILED)
		return fail(ELF_UNREADABLE, err, errlen, "%s", strerror(errno));
	status = elf_load(file, st.st_size, mem, img, err, errlen);
	munmap(file, st.st_size);
	return status;
}
