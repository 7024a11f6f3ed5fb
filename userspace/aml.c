// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <string.h>

#include "aml.h"

#define ZERO_OP		0x00
#define ONE_OP		0x01
#define NAME_OP		0x08
#define BYTE_PREFIX	0x0a
#define WORD_PREFIX	0x0b
#define DWORD_PREFIX	0x0c
#define STRING_PREFIX	0x0d
#define QWORD_PREFIX	0x0e
#define SCOPE_OP	0x10
#define BUFFER_OP	0x11
#define PACKAGE_OP	0x12
#define EXT_OP_PREFIX	0x5b
#define DEVICE_OP	0x82	/* after EXT_OP_PREFIX */
#define ROOT_CHAR	'\\'
#define NAME_SEG_LEN	4

/* Resource descriptor tags (ACPI 6.4.2, 6.4.3). */
#define RES_IO		0x47	/* small item 0x08, 7 bytes */
#define RES_END		0x79	/* small item 0x0f, 1 byte */
#define RES_MEMORY32	0x86	/* large item, 9 bytes */
#define RES_EXT_IRQ	0x89	/* large item, 6 bytes for one interrupt */
#define IO_DECODE16	0x01
#define MEM_READ_WRITE	0x01
#define IRQ_CONSUMER	0x01
#define IRQ_EDGE	0x02
#define IRQ_ACTIVE_LOW	0x04

void aml_free(struct aml *a)
{
	free(a->buf);
	*a = (struct aml){ 0 };
}

/* Room for n more bytes at the end; false (and oom) if there is none. */
static bool reserve(struct aml *a, size_t n)
{
	size_t cap = a->cap ? a->cap : 256;
	uint8_t *grown;

	if (a->oom)
		return false;
	while (cap - a->len < n)
		cap *= 2;
	if (cap == a->cap)
		return true;
	grown = realloc(a->buf, cap);
	if (!grown) {
		a->oom = true;
		return false;
	}
	a->buf = grown;
	a->cap = cap;
	return true;
}

void aml_bytes(struct aml *a, const void *p, size_t n)
{
	if (!reserve(a, n))
		return;
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void byte(struct aml *a, uint8_t b)
{
	aml_bytes(a, &b, 1);
}

/* Little-endian, n bytes of v. */
static void le(struct aml *a, uint64_t v, unsigned int n)
{
	while (n--) {
		byte(a, v);
		v >>= 8;
	}
}

void aml_integer(struct aml *a, uint64_t v)
{
	if (v == 0) {
		byte(a, ZERO_OP);
	} else if (v == 1) {
		byte(a, ONE_OP);
	} else if (v <= 0xff) {
		byte(a, BYTE_PREFIX);
		le(a, v, 1);
	} else if (v <= 0xffff) {
		byte(a, WORD_PREFIX);
		le(a, v, 2);
	} else if (v <= 0xffffffff) {
		byte(a, DWORD_PREFIX);
		le(a, v, 4);
	} else {
		byte(a, QWORD_PREFIX);
		le(a, v, 8);
	}
}

void aml_name_string(struct aml *a, const char *name)
{
	if (*name == ROOT_CHAR)
		byte(a, *name++);
	/* Shorter names are padded with '_', as ASL compilers do. */
	for (unsigned int i = 0; i < NAME_SEG_LEN; i++)
		byte(a, *name ? *name++ : '_');
}

void aml_name_integer(struct aml *a, const char *name, uint64_t v)
{
	byte(a, NAME_OP);
	aml_name_string(a, name);
	aml_integer(a, v);
}

void aml_name_str(struct aml *a, const char *name, const char *s)
{
	byte(a, NAME_OP);
	aml_name_string(a, name);
	byte(a, STRING_PREFIX);
	aml_bytes(a, s, strlen(s) + 1);
}

/*
 * PkgLength (20.2.4) of a block whose contents start at mark: 1 to 4
 * bytes, counting themselves, inserted at mark.
 */
void aml_end(struct aml *a, size_t mark)
{
	size_t body = a->len - mark, total;
	uint8_t enc[4];
	unsigned int n, i;

	for (n = 1; n < 4; n++) {
		/* One byte holds 6 bits; each further byte adds 8 to 4. */
		size_t max = n == 1 ? 0x3f : (1ul << (4 + 8 * (n - 1))) - 1;

		if (body + n <= max)
			break;
	}
	total = body + n;
	if (n == 1) {
		enc[0] = total;
	} else {
		enc[0] = (n - 1) << 6 | (total & 0xf);
		for (i = 1; i < n; i++)
			enc[i] = total >> (4 + 8 * (i - 1));
	}
	if (!reserve(a, n))
		return;
	memmove(a->buf + mark + n, a->buf + mark, body);
	memcpy(a->buf + mark, enc, n);
	a->len += n;
}

void aml_name_buffer(struct aml *a, const char *name, const void *p, size_t n)
{
	size_t mark;

	byte(a, NAME_OP);
	aml_name_string(a, name);
	byte(a, BUFFER_OP);
	mark = a->len;
	aml_integer(a, n);
	aml_bytes(a, p, n);
	aml_end(a, mark);
}

size_t aml_scope_begin(struct aml *a, const char *name)
{
	size_t mark;

	byte(a, SCOPE_OP);
	mark = a->len;
	aml_name_string(a, name);
	return mark;
}

size_t aml_device_begin(struct aml *a, const char *name)
{
	size_t mark;

	byte(a, EXT_OP_PREFIX);
	byte(a, DEVICE_OP);
	mark = a->len;
	aml_name_string(a, name);
	return mark;
}

size_t aml_name_package_begin(struct aml *a, const char *name, uint8_t count)
{
	size_t mark;

	byte(a, NAME_OP);
	aml_name_string(a, name);
	byte(a, PACKAGE_OP);
	mark = a->len;
	byte(a, count);
	return mark;
}

void aml_res_io(struct aml *a, uint16_t port, uint8_t len)
{
	byte(a, RES_IO);
	byte(a, IO_DECODE16);
	le(a, port, 2);		/* minimum and maximum base: fixed */
	le(a, port, 2);
	byte(a, 1);		/* alignment */
	byte(a, len);
}

void aml_res_memory32(struct aml *a, uint32_t base, uint32_t len)
{
	byte(a, RES_MEMORY32);
	le(a, 9, 2);
	byte(a, MEM_READ_WRITE);
	le(a, base, 4);
	le(a, len, 4);
}

void aml_res_interrupt(struct aml *a, uint32_t gsi, bool level,
		       bool active_low)
{
	byte(a, RES_EXT_IRQ);
	le(a, 6, 2);
	byte(a, IRQ_CONSUMER | (level ? 0 : IRQ_EDGE) |
		(active_low ? IRQ_ACTIVE_LOW : 0));
	byte(a, 1);		/* one interrupt in the table */
	le(a, gsi, 4);
}

void aml_res_end(struct aml *a)
{
	byte(a, RES_END);
	byte(a, 0);		/* checksum 0: "the sum is not checked" */
}
