/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A section payload in memory, built field by field or parsed field by
 * field (little-endian integers, strings as u32 length + bytes). Parsing
 * never reads past the end: a short or malformed payload sets bad, and
 * every later get returns zeros, so a parser checks once at the end.
 */
#ifndef HOSPES_BLOB_H
#define HOSPES_BLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BLOB_STR_MAX	4096	/* longest string a parser accepts */

struct blob {
	uint8_t *data;
	size_t len;		/* building: bytes so far; parsing: the payload's */
	size_t cap;		/* building: allocated */
	size_t pos;		/* parsing: next byte */
	bool bad;		/* building: out of memory; parsing: malformed */
};

/* Building. blob_free() releases it. */
void blob_put(struct blob *b, const void *data, size_t len);
void blob_put_u32(struct blob *b, uint32_t v);
void blob_put_u64(struct blob *b, uint64_t v);
void blob_put_str(struct blob *b, const char *s);
void blob_free(struct blob *b);

/* Parsing a payload the caller owns. */
void blob_parse(struct blob *b, const void *data, size_t len);
void blob_get(struct blob *b, void *dst, size_t len);
uint32_t blob_get_u32(struct blob *b);
uint64_t blob_get_u64(struct blob *b);
/* A copy with a NUL, for the caller to free; NULL (and bad) if malformed. */
char *blob_get_str(struct blob *b);
/* True if the payload was well formed and wholly consumed. */
bool blob_done(const struct blob *b);

#endif /* HOSPES_BLOB_H */
