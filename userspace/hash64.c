// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "hash64.h"

/* Odd 64-bit constants with well-spread bits (the multipliers of xxHash64). */
#define P1	0x9e3779b185ebca87ull
#define P2	0xc2b2ae3d27d4eb4full
#define P3	0x165667b19e3779f9ull
#define P4	0x85ebca77c2b2ae63ull
#define P5	0x27d4eb2f165667c5ull

static uint64_t rotl(uint64_t v, unsigned int n)
{
	return v << n | v >> (64 - n);
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));	/* unaligned, little-endian on x86 */
	return v;
}

static uint64_t round64(uint64_t acc, uint64_t word)
{
	return rotl(acc + word * P2, 31) * P1;
}

static void block(struct hash64 *h, const uint8_t *p)
{
	h->lane[0] = round64(h->lane[0], load64(p));
	h->lane[1] = round64(h->lane[1], load64(p + 8));
	h->lane[2] = round64(h->lane[2], load64(p + 16));
	h->lane[3] = round64(h->lane[3], load64(p + 24));
}

void hash64_init(struct hash64 *h)
{
	memset(h, 0, sizeof(*h));
	h->lane[0] = P1 + P2;
	h->lane[1] = P2;
	h->lane[2] = 0;
	h->lane[3] = -P1;
}

void hash64_update(struct hash64 *h, const void *data, size_t len)
{
	const uint8_t *p = data;

	h->total += len;
	if (h->tail_len) {
		size_t n = HASH64_BLOCK - h->tail_len;

		if (n > len)
			n = len;
		memcpy(h->tail + h->tail_len, p, n);
		h->tail_len += n;
		p += n;
		len -= n;
		if (h->tail_len < HASH64_BLOCK)
			return;
		block(h, h->tail);
		h->tail_len = 0;
	}
	for (; len >= HASH64_BLOCK; p += HASH64_BLOCK, len -= HASH64_BLOCK)
		block(h, p);
	memcpy(h->tail, p, len);
	h->tail_len = len;
}

uint64_t hash64_final(const struct hash64 *h)
{
	uint64_t v = rotl(h->lane[0], 1) + rotl(h->lane[1], 7) +
		     rotl(h->lane[2], 12) + rotl(h->lane[3], 18);
	const uint8_t *p = h->tail;
	size_t len = h->tail_len;
	unsigned int i;

	for (i = 0; i < 4; i++)
		v = (v ^ round64(0, h->lane[i])) * P1 + P4;
	v += h->total;
	for (; len >= 8; p += 8, len -= 8)
		v = rotl(v ^ round64(0, load64(p)), 27) * P1 + P4;
	for (; len; p++, len--)
		v = rotl(v ^ *p * P5, 11) * P1;
	v ^= v >> 33;
	v *= P2;
	v ^= v >> 29;
	v *= P3;
	v ^= v >> 32;
	return v;
}

uint64_t hash64(const void *data, size_t len)
{
	struct hash64 h;

	hash64_init(&h);
	hash64_update(&h, data, len);
	return hash64_final(&h);
}
