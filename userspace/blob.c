// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <string.h>

#include "blob.h"

void blob_put(struct blob *b, const void *data, size_t len)
{
	if (b->bad)
		return;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *p;

		while (cap < b->len + len)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p) {
			b->bad = true;
			return;
		}
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

void blob_put_u32(struct blob *b, uint32_t v)
{
	blob_put(b, &v, sizeof(v));
}

void blob_put_u64(struct blob *b, uint64_t v)
{
	blob_put(b, &v, sizeof(v));
}

void blob_put_str(struct blob *b, const char *s)
{
	size_t len = s ? strlen(s) : 0;

	blob_put_u32(b, len);
	blob_put(b, s, len);
}

void blob_free(struct blob *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void blob_parse(struct blob *b, const void *data, size_t len)
{
	*b = (struct blob){ .data = (uint8_t *)data, .len = len };
}

void blob_get(struct blob *b, void *dst, size_t len)
{
	if (b->bad || len > b->len - b->pos) {
		b->bad = true;
		memset(dst, 0, len);
		return;
	}
	memcpy(dst, b->data + b->pos, len);
	b->pos += len;
}

uint32_t blob_get_u32(struct blob *b)
{
	uint32_t v;

	blob_get(b, &v, sizeof(v));
	return v;
}

uint64_t blob_get_u64(struct blob *b)
{
	uint64_t v;

	blob_get(b, &v, sizeof(v));
	return v;
}

char *blob_get_str(struct blob *b)
{
	uint32_t len = blob_get_u32(b);
	char *s;

	if (b->bad || len > BLOB_STR_MAX || len > b->len - b->pos ||
	    memchr(b->data + b->pos, '\0', len)) {
		b->bad = true;
		return NULL;
	}
	s = malloc(len + 1);
	if (!s) {
		b->bad = true;
		return NULL;
	}
	blob_get(b, s, len);
	s[len] = '\0';
	return s;
}

bool blob_done(const struct blob *b)
{
	return !b->bad && b->pos == b->len;
}
