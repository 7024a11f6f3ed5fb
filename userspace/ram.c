// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hash64.h"
#include "ram.h"

/* A run's header in a MEMORY section; data runs are followed by the pages. */
struct ram_run {
	uint64_t gpa;
	uint32_t pages;
	uint32_t kind;
};

#define RUN_DATA	0
#define RUN_ZERO	1

/*
 * A MEMORY section's payload at most: 128 pages and their run headers,
 * big enough for the writer to pass it on without copying it again.
 */
#define CHUNK_BYTES	(128 * (GUEST_PAGE_SIZE + sizeof(struct ram_run)))

/* A MEMORY section being built. */
struct chunk {
	uint8_t *buf;
	size_t len;
	struct ram_run *run;		/* the open run, inside buf */
};

static bool page_is_zero(const uint8_t *p)
{
	const uint64_t *w = (const uint64_t *)p;
	uint64_t acc = 0;
	size_t i;

	for (i = 0; i < GUEST_PAGE_SIZE / 8; i++)
		acc |= w[i];
	return !acc;
}

static int chunk_flush(struct stream_writer *w, struct chunk *c)
{
	int ret = 0;

	if (c->len)
		ret = stream_put_section(w, SEC_MEMORY, 0, c->buf, c->len);
	c->len = 0;
	c->run = NULL;
	return ret;
}

/*
 * Add the page at gpa (already copied to the end of buf if data) to the
 * open run, or a new one: a run never spans a hole in guest RAM.
 */
static void chunk_add(struct chunk *c, uint64_t gpa, uint32_t kind,
		      const uint8_t *copy)
{
	if (!c->run || c->run->kind != kind ||
	    c->run->gpa + c->run->pages * GUEST_PAGE_SIZE != gpa) {
		c->run = (struct ram_run *)(c->buf + c->len);
		*c->run = (struct ram_run){ .gpa = gpa, .kind = kind };
		c->len += sizeof(*c->run);
	}
	c->run->pages++;
	if (kind == RUN_DATA) {
		memcpy(c->buf + c->len, copy, GUEST_PAGE_SIZE);
		c->len += GUEST_PAGE_SIZE;
	}
}

int ram_put_pages(struct stream_writer *w, const struct guest_mem *mem,
		  const uint64_t *bitmap, bool skip_zero,
		  struct ram_stats *stats)
{
	uint64_t pages = mem->size / GUEST_PAGE_SIZE, page;
	uint8_t copy[GUEST_PAGE_SIZE];
	struct chunk c = { .buf = malloc(CHUNK_BYTES) };
	int ret;

	if (!c.buf) {
		w->error = ENOMEM;
		return -1;
	}
	for (page = 0; page < pages; page++) {
		bool zero;

		if (bitmap && !(bitmap[page / 64] & (1ull << (page % 64)))) {
			/* Skip whole empty words quickly. */
			if (!bitmap[page / 64])
				page |= 63;
			continue;
		}
		memcpy(copy, mem->host + page * GUEST_PAGE_SIZE, sizeof(copy));
		zero = page_is_zero(copy);
		if (zero && skip_zero) {
			stats->skipped_pages++;
			continue;
		}
		/* The worst case: a run of its own. */
		if (c.len + sizeof(struct ram_run) + GUEST_PAGE_SIZE > CHUNK_BYTES &&
		    chunk_flush(w, &c))
			break;
		chunk_add(&c, guest_mem_page_gpa(mem, page),
			  zero ? RUN_ZERO : RUN_DATA, copy);
		if (zero)
			stats->zero_pages++;
		else
			stats->data_pages++;
	}
	ret = w->error ? -1 : chunk_flush(w, &c);
	free(c.buf);
	return ret;
}

int ram_get_section(struct stream_reader *r, struct guest_mem *mem,
		    uint64_t length)
{
	while (length) {
		struct ram_run run;
		uint64_t bytes;
		void *host;

		if (length < sizeof(run))
			return stream_fail(r, "a memory section ends inside a run header");
		if (stream_get(r, &run, sizeof(run)))
			return -1;
		length -= sizeof(run);
		bytes = (uint64_t)run.pages * GUEST_PAGE_SIZE;
		host = gpa_to_host(mem, run.gpa, bytes);
		if (run.gpa % GUEST_PAGE_SIZE || !run.pages || !host)
			return stream_fail(r, "a memory run of %u pages at %#llx is outside the guest's %llu MiB",
					   run.pages, (unsigned long long)run.gpa,
					   (unsigned long long)(mem->size >> 20));
		if (run.kind == RUN_ZERO) {
			memset(host, 0, bytes);
			continue;
		}
		if (run.kind != RUN_DATA)
			return stream_fail(r, "a memory run of unknown kind %u", run.kind);
		if (bytes > length)
			return stream_fail(r, "a memory run goes past the end of its section");
		if (stream_get(r, host, bytes))
			return -1;
		length -= bytes;
	}
	return 0;
}

uint64_t ram_hash(const struct guest_mem *mem)
{
	return hash64(mem->host, mem->size);
}
