// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loaders/bzimage.h"
#include "util.h"

/* Setup header fields: offsets in the image and in the zero page alike. */
#define HDR_START		0x1f1
#define HDR_SETUP_SECTS		0x1f1
#define HDR_BOOT_FLAG		0x1fe
#define HDR_JUMP		0x200	/* a short jump; its offset ends the header */
#define HDR_MAGIC		0x202
#define HDR_VERSION		0x206
#define HDR_TYPE_OF_LOADER	0x210
#define HDR_LOADFLAGS		0x211
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_KERNEL_ALIGNMENT	0x230
#define HDR_RELOCATABLE		0x234
#define HDR_XLOADFLAGS		0x236
#define HDR_CMDLINE_SIZE	0x238
#define HDR_PREF_ADDRESS	0x258
#define HDR_INIT_SIZE		0x260
#define HDR_END_MAX		0x290	/* where the zero page's next field starts */

/* Zero page fields outside the setup header. */
#define BP_ACPI_RSDP_ADDR	0x070
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_E820_ENTRIES		0x1e8
#define BP_E820_TABLE		0x2d0
#define E820_ENTRY_SIZE		20

#define BOOT_FLAG		0xaa55
#define HDR_SIGNATURE		"HdrS"
#define MIN_VERSION		0x020c	/* 2.12: xloadflags, the 64-bit entry */
#define LOADED_HIGH		0x01
#define XLF_KERNEL_64		0x01
#define XLF_CAN_BE_LOADED_ABOVE_4G 0x02
#define LOADER_UNDEFINED	0xff	/* type_of_loader: no assigned id */
#define SECTOR			512
#define DEFAULT_SETUP_SECTS	4	/* what setup_sects 0 means */

static uint64_t get(const uint8_t *p, size_t off, size_t len)
{
	uint64_t v = 0;

	memcpy(&v, p + off, len);	/* the boot protocol is little-endian */
	return v;
}

static void put(uint8_t *p, size_t off, size_t len, uint64_t v)
{
	memcpy(p + off, &v, len);
}

static uint64_t round_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) / align * align;
}

/* The setup header's checks; fills img from it. */
static int parse_header(const uint8_t *f, size_t size, struct bzimage *img,
			char *err, size_t errlen)
{
	uint64_t load_end, align, pref;

	if (size < HDR_END_MAX || get(f, HDR_BOOT_FLAG, 2) != BOOT_FLAG ||
	    memcmp(f + HDR_MAGIC, HDR_SIGNATURE, 4))
		return say_why(err, errlen, "not a Linux bzImage (no boot sector flag or HdrS header)");
	img->version = get(f, HDR_VERSION, 2);
	if (img->version < MIN_VERSION)
		return say_why(err, errlen, "boot protocol %u.%02u: hospes needs 2.12 or later (a 64-bit entry point)",
			    img->version >> 8, img->version & 0xff);
	if (!(get(f, HDR_XLOADFLAGS, 2) & XLF_KERNEL_64))
		return say_why(err, errlen, "the kernel has no 64-bit entry point (a 32-bit kernel?)");
	if (!(get(f, HDR_LOADFLAGS, 1) & LOADED_HIGH))
		return say_why(err, errlen, "a zImage (loaded low): hospes boots bzImages only");
	img->header_len = HDR_JUMP + 2 + f[HDR_JUMP + 1] - HDR_START;
	if (HDR_START + img->header_len > HDR_END_MAX)
		return say_why(err, errlen, "setup header of %zu bytes: malformed",
			    img->header_len);
	memcpy(img->header, f + HDR_START, img->header_len);

	/*
	 * A relocatable kernel decompresses itself at its preferred address
	 * (or where it was loaded, aligned, if that is higher).
	 */
	align = get(f, HDR_KERNEL_ALIGNMENT, 4);
	pref = get(f, HDR_PREF_ADDRESS, 8);
	load_end = BZIMAGE_LOAD_GPA;
	if (get(f, HDR_RELOCATABLE, 1) && align && !(align & (align - 1)))
		load_end = round_up(BZIMAGE_LOAD_GPA, align);
	if (pref > load_end)
		load_end = pref;
	img->work_end = load_end + get(f, HDR_INIT_SIZE, 4);
	img->initrd_max = get(f, HDR_INITRD_ADDR_MAX, 4);
	if (get(f, HDR_XLOADFLAGS, 2) & XLF_CAN_BE_LOADED_ABOVE_4G)
		img->initrd_max = ~0ull;
	img->cmdline_max = get(f, HDR_CMDLINE_SIZE, 4);
	img->entry = BZIMAGE_LOAD_GPA + BZIMAGE_ENTRY64;
	return 0;
}

int bzimage_load(const void *file, size_t size, struct guest_mem *mem,
		 struct bzimage *img, char *err, size_t errlen)
{
	const uint8_t *f = file;
	uint64_t setup_sects, offset;
	void *dst;

	memset(img, 0, sizeof(*img));
	if (parse_header(f, size, img, err, errlen))
		return -1;
	setup_sects = f[HDR_SETUP_SECTS] ? f[HDR_SETUP_SECTS] : DEFAULT_SETUP_SECTS;
	/* The boot sector and the real-mode setup come first; 64-bit needs neither. */
	offset = (setup_sects + 1) * SECTOR;
	if (offset >= size)
		return say_why(err, errlen, "%llu setup sectors, but the file ends before the kernel",
			    (unsigned long long)setup_sects);
	img->kernel_end = BZIMAGE_LOAD_GPA + size - offset;
	if (img->work_end < img->kernel_end)
		img->work_end = img->kernel_end;
	dst = gpa_to_host(mem, BZIMAGE_LOAD_GPA, size - offset);
	/* Where it decompresses itself must be RAM, all of it. */
	if (!dst || !gpa_to_host(mem, BZIMAGE_LOAD_GPA,
				 img->work_end - BZIMAGE_LOAD_GPA))
		return say_why(err, errlen, "%llu MiB of memory is too small: the kernel needs %llu MiB to decompress itself",
			    (unsigned long long)(mem->size >> 20),
			    (unsigned long long)((img->work_end + (1 << 20) - 1) >> 20));
	memcpy(dst, f + offset, size - offset);
	return 0;
}

/* A regular file, mapped: its address, or NULL with err. */
static void *map_file(const char *path, size_t *size, char *err, size_t errlen)
{
	struct stat st;
	void *p;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		say_why(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || !st.st_size) {
		close(fd);
		say_why(err, errlen, "not a regular file, or empty");
		return NULL;
	}
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		say_why(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	*size = st.st_size;
	return p;
}

int bzimage_load_file(const char *path, struct guest_mem *mem,
		      struct bzimage *img, char *err, size_t errlen)
{
	size_t size;
	void *file = map_file(path, &size, err, errlen);
	int ret;

	if (!file)
		return -1;
	ret = bzimage_load(file, size, mem, img, err, errlen);
	munmap(file, size);
	return ret;
}

int bzimage_load_initrd(const struct bzimage *img, struct guest_mem *mem,
			uint64_t ram_end, const char *path, uint64_t *gpa,
			uint64_t *size, char *err, size_t errlen)
{
	uint64_t top = ram_end < mem->size ? ram_end : mem->size;
	void *file, *dst;
	size_t len;

	if (img->initrd_max < top - 1)
		top = img->initrd_max + 1;
	file = map_file(path, &len, err, errlen);
	if (!file)
		return -1;
	/* As high as it goes, for the kernel's heap to grow below it. */
	if (len > top || (top - len) / GUEST_PAGE_SIZE * GUEST_PAGE_SIZE <
			 round_up(img->work_end, GUEST_PAGE_SIZE)) {
		munmap(file, len);
		return say_why(err, errlen, "%zu KiB do not fit between the kernel (up to %llu MiB) and the end of usable memory (%llu MiB)",
			    len >> 10, (unsigned long long)(img->work_end >> 20),
			    (unsigned long long)(top >> 20));
	}
	*gpa = (top - len) / GUEST_PAGE_SIZE * GUEST_PAGE_SIZE;
	*size = len;
	dst = gpa_to_host(mem, *gpa, len);
	if (!dst) {
		munmap(file, len);
		return say_why(err, errlen, "%zu KiB at %#llx: not all RAM (ram_end %#llx is past a hole?)",
			    len >> 10, (unsigned long long)*gpa,
			    (unsigned long long)ram_end);
	}
	memcpy(dst, file, len);
	munmap(file, len);
	return 0;
}

void bzimage_write_params(const struct bzimage *img, struct guest_mem *mem,
			  uint64_t params_gpa, const struct bzimage_params *p)
{
	uint8_t *bp = gpa_to_host(mem, params_gpa, BZIMAGE_PARAMS_SIZE);
	unsigned int i, n = p->nr_e820 < BZIMAGE_E820_MAX ? p->nr_e820 :
			    BZIMAGE_E820_MAX;

	memset(bp, 0, BZIMAGE_PARAMS_SIZE);
	memcpy(bp + HDR_START, img->header, img->header_len);
	put(bp, HDR_TYPE_OF_LOADER, 1, LOADER_UNDEFINED);
	/* 32-bit fields with their high halves beside them (protocol 2.12). */
	put(bp, HDR_CMD_LINE_PTR, 4, p->cmdline_gpa);
	put(bp, BP_EXT_CMD_LINE_PTR, 4, p->cmdline_gpa >> 32);
	put(bp, HDR_RAMDISK_IMAGE, 4, p->initrd_gpa);
	put(bp, BP_EXT_RAMDISK_IMAGE, 4, p->initrd_gpa >> 32);
	put(bp, HDR_RAMDISK_SIZE, 4, p->initrd_size);
	put(bp, BP_EXT_RAMDISK_SIZE, 4, p->initrd_size >> 32);
	/* Read from protocol 2.14 on; older kernels search the BIOS area. */
	put(bp, BP_ACPI_RSDP_ADDR, 8, p->rsdp_gpa);
	put(bp, BP_E820_ENTRIES, 1, n);
	for (i = 0; i < n; i++) {
		uint8_t *e = bp + BP_E820_TABLE + i * E820_ENTRY_SIZE;

		put(e, 0, 8, p->e820[i].addr);
		put(e, 8, 8, p->e820[i].size);
		put(e, 16, 4, p->e820[i].type);
	}
}
