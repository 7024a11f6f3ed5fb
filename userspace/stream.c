// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "stream.h"

/* ---- writing ---------------------------------------------------------- */

void stream_writer_init(struct stream_writer *w, int fd)
{
	w->fd = fd;
	w->error = 0;
	w->bytes = 0;
	w->len = 0;
	hash64_init(&w->hash);
}

static int write_all(struct stream_writer *w, const uint8_t *p, size_t len)
{
	while (len && !w->error) {
		ssize_t n = write(w->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			w->error = n < 0 ? errno : EIO;
			break;
		}
		p += n;
		len -= n;
		w->bytes += n;
	}
	return w->error ? -1 : 0;
}

int stream_flush(struct stream_writer *w)
{
	size_t len = w->len;

	w->len = 0;
	return write_all(w, w->buf, len);
}

/* Bytes that are not hashed: only the checksum itself. */
static int put_raw(struct stream_writer *w, const void *data, size_t len)
{
	if (w->error)
		return -1;
	if (len >= STREAM_BUF) {
		if (stream_flush(w))
			return -1;
		return write_all(w, data, len);
	}
	if (w->len + len > STREAM_BUF && stream_flush(w))
		return -1;
	memcpy(w->buf + w->len, data, len);
	w->len += len;
	return 0;
}

int stream_put(struct stream_writer *w, const void *data, size_t len)
{
	if (w->error)
		return -1;
	hash64_update(&w->hash, data, len);
	return put_raw(w, data, len);
}

int stream_put_header(struct stream_writer *w, uint32_t flags)
{
	struct stream_header h = {
		.major = STREAM_MAJOR,
		.minor = STREAM_MINOR,
		.flags = flags,
	};

	memcpy(h.magic, STREAM_MAGIC, sizeof(h.magic));
	return stream_put(w, &h, sizeof(h));
}

int stream_begin_section(struct stream_writer *w, uint32_t type,
			 uint32_t flags, uint64_t length)
{
	struct stream_section s = { .type = type, .flags = flags, .length = length };

	return stream_put(w, &s, sizeof(s));
}

int stream_put_section(struct stream_writer *w, uint32_t type, uint32_t flags,
		       const void *payload, size_t len)
{
	if (stream_begin_section(w, type, flags, len))
		return -1;
	return stream_put(w, payload, len);
}

int stream_put_end(struct stream_writer *w)
{
	uint64_t sum;

	if (stream_begin_section(w, SEC_END, 0, sizeof(sum)))
		return -1;
	sum = hash64_final(&w->hash);
	if (put_raw(w, &sum, sizeof(sum)))
		return -1;
	return stream_flush(w);
}

/* ---- reading ---------------------------------------------------------- */

void stream_reader_init(struct stream_reader *r, int fd)
{
	r->fd = fd;
	r->offset = 0;
	r->pos = r->len = 0;
	r->error[0] = '\0';
	hash64_init(&r->hash);
}

int stream_fail(struct stream_reader *r, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(r->error, sizeof(r->error), "at byte %llu: %s",
		 (unsigned long long)r->offset, what);
	return -1;
}

/* Up to len bytes into dst, from the buffer or (for big reads) the fd. */
static ssize_t fill(struct stream_reader *r, uint8_t *dst, size_t len)
{
	ssize_t n;

	if (r->pos == r->len) {
		/* Big reads skip the buffer: guest pages land in place. */
		if (len >= STREAM_BUF) {
			do {
				n = read(r->fd, dst, len);
			} while (n < 0 && errno == EINTR);
			return n;
		}
		do {
			n = read(r->fd, r->buf, STREAM_BUF);
		} while (n < 0 && errno == EINTR);
		if (n <= 0)
			return n;
		r->pos = 0;
		r->len = n;
	}
	n = r->len - r->pos < len ? r->len - r->pos : len;
	memcpy(dst, r->buf + r->pos, n);
	r->pos += n;
	return n;
}

static int get_raw(struct stream_reader *r, void *dst, size_t len)
{
	uint8_t *p = dst;

	while (len) {
		ssize_t n = fill(r, p, len);

		if (n == 0)
			return stream_fail(r, "the stream ends early: truncated");
		if (n < 0)
			return stream_fail(r, "cannot read the stream: %s",
					   errno == EAGAIN ? "timed out" :
					   strerror(errno));
		p += n;
		len -= n;
		r->offset += n;
	}
	return 0;
}

int stream_get(struct stream_reader *r, void *dst, size_t len)
{
	if (get_raw(r, dst, len))
		return -1;
	hash64_update(&r->hash, dst, len);
	return 0;
}

int stream_skip(struct stream_reader *r, uint64_t len)
{
	uint8_t sink[4096];

	while (len) {
		size_t n = len < sizeof(sink) ? len : sizeof(sink);

		if (stream_get(r, sink, n))
			return -1;
		len -= n;
	}
	return 0;
}

int stream_get_header(struct stream_reader *r, uint32_t *flags)
{
	struct stream_header h;

	if (stream_get(r, &h, sizeof(h)))
		return -1;
	if (memcmp(h.magic, STREAM_MAGIC, sizeof(h.magic)))
		return stream_fail(r, "not a hospes save or migration stream (bad magic)");
	if (h.major != STREAM_MAJOR)
		return stream_fail(r, "stream format version %u.%u, this hospes reads only %u.x%s",
				   h.major, h.minor, STREAM_MAJOR,
				   h.major > STREAM_MAJOR ? " (written by a newer hospes)" : "");
	if (h.flags & ~STREAM_F_LIVE)
		return stream_fail(r, "unknown stream flags %#x", h.flags);
	*flags = h.flags;
	r->minor = h.minor;
	return 0;
}

int stream_get_section(struct stream_reader *r, struct stream_section *s)
{
	if (stream_get(r, s, sizeof(*s)))
		return -1;
	if (s->flags & ~SECTION_F_OPTIONAL)
		return stream_fail(r, "section type %u has unknown flags %#x",
				   s->type, s->flags);
	return 0;
}

int stream_check_end(struct stream_reader *r, const struct stream_section *s)
{
	uint64_t want = hash64_final(&r->hash), got;

	if (s->length != sizeof(got))
		return stream_fail(r, "end marker of %llu bytes, expected %zu",
				   (unsigned long long)s->length, sizeof(got));
	if (get_raw(r, &got, sizeof(got)))
		return -1;
	if (got != want)
		return stream_fail(r, "checksum mismatch (stream says %016llx, content hashes to %016llx): the stream is corrupt",
				   (unsigned long long)got,
				   (unsigned long long)want);
	return 0;
}
