/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Just enough ACPI Machine Language (ACPI 6.x, chapter 20) to describe the
 * machine's devices in a DSDT: named integers, strings, buffers and
 * packages, Scope and Device blocks; and the resource descriptors
 * (chapter 6.4) a _CRS buffer holds. The bytes go to a growing buffer;
 * an allocation failure is remembered and reported once at the end.
 */
#ifndef HOSPES_AML_H
#define HOSPES_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct aml {
	uint8_t *buf;
	size_t len, cap;
	bool oom;
};

void aml_free(struct aml *a);
void aml_bytes(struct aml *a, const void *p, size_t n);
/* An integer in its shortest encoding (ZeroOp, OneOp, Byte..QWord). */
void aml_integer(struct aml *a, uint64_t v);
/* A NameString: one 4-character segment, after a '\' if absolute. */
void aml_name_string(struct aml *a, const char *name);

/* Name(name, v) for an integer, a string, a buffer of n bytes. */
void aml_name_integer(struct aml *a, const char *name, uint64_t v);
void aml_name_str(struct aml *a, const char *name, const char *s);
void aml_name_buffer(struct aml *a, const char *name, const void *p, size_t n);

/*
 * Blocks with a PkgLength: begin returns a mark for aml_end(), which
 * inserts the length once the contents are known.
 */
size_t aml_scope_begin(struct aml *a, const char *name);
size_t aml_device_begin(struct aml *a, const char *name);
/* Name(name, Package(count) {...}): the elements come before aml_end(). */
size_t aml_name_package_begin(struct aml *a, const char *name, uint8_t count);
void aml_end(struct aml *a, size_t mark);

/* Resource descriptors, appended to a _CRS buffer under construction. */
void aml_res_io(struct aml *a, uint16_t port, uint8_t len);
void aml_res_memory32(struct aml *a, uint32_t base, uint32_t len);
/* One interrupt (a GSI), edge or level, active high or low. */
void aml_res_interrupt(struct aml *a, uint32_t gsi, bool level,
		       bool active_low);
void aml_res_end(struct aml *a);

#endif /* HOSPES_AML_H */
