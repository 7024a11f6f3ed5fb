// SPDX-License-Identifier: GPL-2.0-only
/*
 * ring: exercise the block device of the start-info page.
 *
 *  1. write a batch of patterned extents (start, middle, end of the disk,
 *     one of 64 KiB) in one kick; the pattern depends on a per-run seed,
 *     so stale data from an earlier run cannot pass for this run's;
 *  2. flush;
 *  3. read the extents back into other, zeroed buffers and compare;
 *  4. more one-sector reads than the ring has slots, so the indexes wrap
 *     and the ring fills;
 *  5. bad requests, each of which must fail: past the end, straddling
 *     the end, a sector number that overflows, a buffer outside RAM, a
 *     length that is not whole sectors, over 64 KiB, and an unknown op;
 *     the straddling write must not have written anything.
 * PASS: exit 0, FAIL: exit 1.
 */
#include "../blkfront.h"
#include "../console.h"
#include "../kernel.h"
#include "../mm.h"
#include "../string.h"
#include "../time.h"

#define MAX_EXTENTS	8

struct extent {
	uint64_t sector;
	uint32_t sectors;
	uint8_t *wbuf, *rbuf;
	struct blk_request req;
};

static uint64_t seed;
static int fails;

static uint64_t pattern(uint64_t sector, uint32_t word)
{
	uint64_t x = seed ^ (sector * 0x9e3779b97f4a7c15ull) ^ word;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 29;
	return x;
}

static void fill(uint8_t *buf, uint64_t sector, uint32_t sectors)
{
	uint64_t *w = (uint64_t *)buf;

	for (uint32_t s = 0; s < sectors; s++)
		for (uint32_t i = 0; i < SECTOR_SIZE / 8; i++)
			w[s * SECTOR_SIZE / 8 + i] = pattern(sector + s, i);
}

/* Returns 0 if buf holds the pattern of [sector, sector + sectors). */
static int verify(const uint8_t *buf, uint64_t sector, uint32_t sectors)
{
	const uint64_t *w = (const uint64_t *)buf;

	for (uint32_t s = 0; s < sectors; s++)
		for (uint32_t i = 0; i < SECTOR_SIZE / 8; i++)
			if (w[s * SECTOR_SIZE / 8 + i] != pattern(sector + s, i)) {
				printk("ring: sector %llu word %u: 0x%llx, "
				       "expected 0x%llx\n",
				       (unsigned long long)(sector + s), i,
				       (unsigned long long)w[s * SECTOR_SIZE / 8 + i],
				       (unsigned long long)pattern(sector + s, i));
				return -1;
			}
	return 0;
}

static void fail(const char *what, int32_t status)
{
	printk("ring: FAILED: %s (status %d)\n", what, status);
	fails++;
}

static void *alloc_buf(uint32_t bytes)
{
	return alloc_pages((bytes + PAGE_SIZE - 1) / PAGE_SIZE);
}

/* Choose extents that fit the disk and do not overlap. */
static int plan(struct extent *ex, uint64_t cap)
{
	const struct { uint64_t sector; uint32_t sectors; } want[] = {
		{ 0, 8 },
		{ 8, 1 },
		{ 64, BLK_MAX_LEN / SECTOR_SIZE },
		{ cap / 2, 16 },
		{ cap - 8, 7 },
		{ cap - 1, 1 },
	};
	int n = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(want); i++) {
		uint64_t s = want[i].sector, c = want[i].sectors;
		int clash = 0;

		if (s >= cap || c > cap - s)
			continue;
		for (int j = 0; j < n; j++)
			if (s < ex[j].sector + ex[j].sectors &&
			    ex[j].sector < s + c)
				clash = 1;
		if (clash)
			continue;
		ex[n].sector = s;
		ex[n].sectors = (uint32_t)c;
		ex[n].wbuf = alloc_buf(c * SECTOR_SIZE);
		ex[n].rbuf = alloc_buf(c * SECTOR_SIZE);
		n++;
	}
	return n;
}

/* Submit every extent as one op, kick once, then wait for them in order. */
static void submit_all(struct blkfront *bf, struct extent *ex, int n,
		       uint32_t op)
{
	bool write = op == HOSPES_BLK_WRITE;

	for (int i = 0; i < n; i++) {
		ex[i].req = (struct blk_request){
			.op = op, .sector = ex[i].sector,
			.buf_gpa = (uintptr_t)(write ? ex[i].wbuf : ex[i].rbuf),
			.len = ex[i].sectors * SECTOR_SIZE,
		};
		blk_submit(bf, &ex[i].req);
	}
	blk_kick(bf);
	for (int i = 0; i < n; i++) {
		blk_wait(bf, &ex[i].req);
		if (ex[i].req.status)
			fail(write ? "write" : "read", ex[i].req.status);
		else if (!write && verify(ex[i].rbuf, ex[i].sector, ex[i].sectors))
			fail("read back what was written", 0);
	}
}

static void write_read_verify(struct blkfront *bf, struct extent *ex, int n)
{
	int32_t st;

	for (int i = 0; i < n; i++)
		fill(ex[i].wbuf, ex[i].sector, ex[i].sectors);
	submit_all(bf, ex, n, HOSPES_BLK_WRITE);

	st = blk_io(bf, HOSPES_BLK_FLUSH, 0, NULL, 0);
	if (st)
		fail("flush", st);

	submit_all(bf, ex, n, HOSPES_BLK_READ);
	printk("ring: %d extents written, flushed, read back%s\n", n,
	       fails ? "" : " and verified");
}

/* Single-sector reads of the first extent, more than the ring holds. */
static void wrap(struct blkfront *bf, const struct extent *ex0)
{
	static struct blk_request reqs[64];
	uint32_t total = 2 * bf->nr_slots + 3, done = 0;
	uint8_t *bufs = alloc_buf(ARRAY_SIZE(reqs) * SECTOR_SIZE);
	int bad = 0;

	if (total > 256)
		total = 256;
	/* Windows of up to 64 requests in flight, the ring fills and wraps. */
	while (done < total) {
		uint32_t n = total - done;

		if (n > ARRAY_SIZE(reqs))
			n = ARRAY_SIZE(reqs);
		for (uint32_t i = 0; i < n; i++) {
			uint32_t k = done + i;

			memset(bufs + i * SECTOR_SIZE, 0, SECTOR_SIZE);
			reqs[i] = (struct blk_request){
				.op = HOSPES_BLK_READ,
				.sector = ex0->sector + k % ex0->sectors,
				.buf_gpa = (uintptr_t)(bufs + i * SECTOR_SIZE),
				.len = SECTOR_SIZE,
			};
			blk_submit(bf, &reqs[i]);
		}
		blk_kick(bf);
		for (uint32_t i = 0; i < n; i++) {
			blk_wait(bf, &reqs[i]);
			if (reqs[i].status || verify(bufs + i * SECTOR_SIZE,
						     reqs[i].sector, 1))
				bad++;
		}
		done += n;
	}
	if (bad)
		fail("reads around the ring", bad);
	printk("ring: %u reads through %u slots: %s\n", total, bf->nr_slots,
	       bad ? "errors" : "ok");
}

static void bad_requests(struct blkfront *bf, uint64_t cap, bool last_written)
{
	uint8_t *buf = alloc_buf(2 * BLK_MAX_LEN);
	uint8_t *check = alloc_buf(SECTOR_SIZE);
	const struct {
		const char *what;
		uint32_t op;
		uint64_t sector, buf_gpa;
		uint32_t len;
	} bad[] = {
		{ "read past the end", HOSPES_BLK_READ, cap,
		  (uintptr_t)buf, SECTOR_SIZE },
		{ "write straddling the end", HOSPES_BLK_WRITE, cap - 1,
		  (uintptr_t)buf, 2 * SECTOR_SIZE },
		{ "read at sector 2^64-1", HOSPES_BLK_READ, ~0ull,
		  (uintptr_t)buf, 2 * SECTOR_SIZE },
		{ "read into a buffer outside RAM", HOSPES_BLK_READ, 0,
		  start_info->mem_bytes, SECTOR_SIZE },
		{ "read into a buffer running off RAM", HOSPES_BLK_READ, 0,
		  start_info->mem_bytes - SECTOR_SIZE, 2 * SECTOR_SIZE },
		{ "read of 100 bytes", HOSPES_BLK_READ, 0,
		  (uintptr_t)buf, 100 },
		{ "read of 128 KiB", HOSPES_BLK_READ, 0,
		  (uintptr_t)buf, 2 * BLK_MAX_LEN },
		{ "unknown op 7", 7, 0, (uintptr_t)buf, SECTOR_SIZE },
	};
	int32_t st;

	/* What the straddling write would put in the last sector. */
	memset(buf, 0xa5, 2 * BLK_MAX_LEN);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		st = blk_io(bf, bad[i].op, bad[i].sector,
			    (void *)(uintptr_t)bad[i].buf_gpa, bad[i].len);
		printk("ring: bad request: %s -> %d %s\n", bad[i].what, st,
		       st < 0 ? "ok" : "WRONG");
		if (st >= 0)
			fail(bad[i].what, st);
	}
	if (!last_written)
		return;
	st = blk_io(bf, HOSPES_BLK_READ, cap - 1, check, SECTOR_SIZE);
	if (st)
		fail("read of the last sector", st);
	else if (verify(check, cap - 1, 1))
		fail("last sector unchanged by the refused write", 0);
}

int prog_ring(const struct args *a)
{
	static const char *const keys[] = { NULL };
	const struct hospes_pv_device *dev;
	struct extent ex[MAX_EXTENTS];
	struct blkfront bf;
	bool last_written = false;
	uint64_t cap;
	int n;

	if (args_check(a, keys))
		return 2;
	dev = blk_find();
	if (!dev) {
		printk("ring: no block device in the start-info page\nring: FAIL\n");
		return 1;
	}
	cap = dev->capacity;
	printk("ring: block device: %llu sectors (%llu KiB), port %u, "
	       "ring 0x%llx (%u pages)\n",
	       (unsigned long long)cap, (unsigned long long)(cap / 2),
	       dev->port, (unsigned long long)dev->ring_gpa, dev->ring_pages);
	if (cap < 2) {
		printk("ring: the disk is too small to test\nring: FAIL\n");
		return 1;
	}
	if (blk_init(&bf, dev)) {
		printk("ring: FAIL\n");
		return 1;
	}
	printk("ring: %u slots\n", bf.nr_slots);

	seed = time_ns() ^ ((uint64_t)start_info->mem_bytes << 17) ^
	       rdtsc_ordered();
	n = plan(ex, cap);
	write_read_verify(&bf, ex, n);
	wrap(&bf, &ex[0]);
	for (int i = 0; i < n; i++)
		if (ex[i].sector + ex[i].sectors == cap)
			last_written = true;
	bad_requests(&bf, cap, last_written);

	printk("ring: %llu requests completed, %llu notifications\n",
	       (unsigned long long)bf.completions,
	       (unsigned long long)bf.kicks);
	printk("ring: %s\n", fails ? "FAIL" : "PASS");
	return fails ? 1 : 0;
}
