/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A 64-bit non-cryptographic hash, fed incrementally: the checksum of a
 * save/migration stream and the RAM hash of `hospes migrate --verify`.
 *
 * It is built like xxHash64 (four lanes of multiply-rotate over 32-byte
 * blocks, then a final avalanche), because that shape runs at memory speed
 * even when the VMM itself is emulated (the test host is QEMU TCG), where
 * a byte-at-a-time CRC would cost seconds per 100 MiB. It detects damage,
 * not tampering.
 */
#ifndef HOSPES_HASH64_H
#define HOSPES_HASH64_H

#include <stddef.h>
#include <stdint.h>

#define HASH64_BLOCK	32

struct hash64 {
	uint64_t lane[4];
	uint64_t total;			/* bytes fed so far */
	uint8_t tail[HASH64_BLOCK];	/* bytes not yet making a block */
	size_t tail_len;
};

void hash64_init(struct hash64 *h);
void hash64_update(struct hash64 *h, const void *data, size_t len);
/* The hash of everything fed so far; h may be fed on afterwards. */
uint64_t hash64_final(const struct hash64 *h);
/* Init, update, final in one. */
uint64_t hash64(const void *data, size_t len);

#endif /* HOSPES_HASH64_H */
