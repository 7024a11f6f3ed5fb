/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The save/migration stream (docs/stream-format.md): a header, then
 * sections of type + flags + length, ending with an END section that
 * carries a hash of every byte before it. This file knows the framing and
 * the checksum; what goes inside sections is snapshot.c's and ram.c's.
 *
 * The writer and reader work on any fd (a file, a TCP socket) with their
 * own buffer, so a save to a file and a live migration are the same code.
 */
#ifndef HOSPES_STREAM_H
#define HOSPES_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash64.h"

#define STREAM_MAGIC		"HOSPESVM"	/* 8 bytes, no NUL */
#define STREAM_MAJOR		1	/* a reader refuses any other major */
#define STREAM_MINOR		2	/* grows with optional additions */

/* Header flags. */
#define STREAM_F_LIVE		(1u << 0)	/* pages may come more than once */

/* Section flags. */
#define SECTION_F_OPTIONAL	(1u << 0)	/* a reader may skip it if unknown */

enum stream_section_type {
	SEC_CONFIG		= 1,
	SEC_MEMORY		= 2,
	SEC_CLOCK		= 3,
	SEC_PV_STATE		= 4,
	SEC_VCPU_REGS		= 5,
	SEC_VCPU_SREGS		= 6,
	SEC_VCPU_MSRS		= 7,
	SEC_VCPU_XSAVE		= 8,
	SEC_VCPU_EVENTS		= 9,
	SEC_DEVICE		= 10,
	SEC_MIGRATION		= 11,
	SEC_MACHINE		= 12,
	SEC_VCPU_CPUID		= 13,
	SEC_VCPU_LAPIC		= 14,
	SEC_IOAPIC		= 15,
	SEC_BOOT		= 16,
	SEC_END			= 0xffff,
};

struct stream_header {
	char magic[8];
	uint16_t major;
	uint16_t minor;
	uint32_t flags;
};

struct stream_section {
	uint32_t type;
	uint32_t flags;
	uint64_t length;		/* of the payload that follows */
};

/* Sections other than memory are read whole into memory: at most this. */
#define SECTION_MAX_SMALL	(1u << 20)

#define STREAM_BUF		(256 * 1024)

struct stream_writer {
	int fd;
	int error;			/* first errno; later calls do nothing */
	uint64_t bytes;			/* handed to write() so far */
	struct hash64 hash;
	size_t len;			/* buffered, not yet written */
	uint8_t buf[STREAM_BUF];
};

/* All functions return 0, or -1 with the (sticky) errno in w->error. */
void stream_writer_init(struct stream_writer *w, int fd);
int stream_put_header(struct stream_writer *w, uint32_t flags);
/* A section header: length bytes of payload must follow (stream_put). */
int stream_begin_section(struct stream_writer *w, uint32_t type,
			 uint32_t flags, uint64_t length);
int stream_put(struct stream_writer *w, const void *data, size_t len);
/* Header and payload in one. */
int stream_put_section(struct stream_writer *w, uint32_t type, uint32_t flags,
		       const void *payload, size_t len);
/* The END section with the checksum, then everything is written out. */
int stream_put_end(struct stream_writer *w);
int stream_flush(struct stream_writer *w);

struct stream_reader {
	int fd;
	uint64_t offset;		/* bytes consumed so far */
	uint16_t minor;			/* the header's minor version */
	struct hash64 hash;
	size_t pos, len;		/* unread bytes are buf[pos..len) */
	char error[256];		/* why the last call failed */
	uint8_t buf[STREAM_BUF];
};

/* All functions return 0, or -1 with a sentence in r->error. */
void stream_reader_init(struct stream_reader *r, int fd);
/* Check magic and version; the header's flags go to *flags. */
int stream_get_header(struct stream_reader *r, uint32_t *flags);
int stream_get_section(struct stream_reader *r, struct stream_section *s);
/* Exactly len payload bytes: running out is a truncated stream. */
int stream_get(struct stream_reader *r, void *dst, size_t len);
int stream_skip(struct stream_reader *r, uint64_t len);
/* After an END section's header: compare the stream's checksum. */
int stream_check_end(struct stream_reader *r, const struct stream_section *s);
/* Record why reading failed, with the stream offset; returns -1. */
int stream_fail(struct stream_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* HOSPES_STREAM_H */
