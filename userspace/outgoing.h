/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sending a running machine as a stream: `hospes save` (to a file, the
 * guest paused first) and `hospes migrate` (to a TCP peer, live pre-copy)
 * are one path that differs in whether memory goes before the pause.
 */
#ifndef HOSPES_OUTGOING_H
#define HOSPES_OUTGOING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

struct outgoing_opts {
	bool live;			/* pre-copy while the guest runs; a peer answers */
	unsigned int max_downtime_ms;	/* live: the target of the last pass */
	unsigned int max_rounds;	/* live: passes of dirty pages at most */
	unsigned int suspend_timeout_ms; /* for the guest's SUSPEND call */
	bool verify;			/* send a hash of guest RAM at the pause */
	/*
	 * A line of progress for whoever asked; returns -1 if they went
	 * away, which cancels the transfer.
	 */
	int (*report)(void *ctx, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));
	void *ctx;
};

/* What a transfer did, for the final report. */
struct outgoing_result {
	uint64_t bytes;			/* of the stream */
	uint64_t total_ns;		/* start to end (live: the peer's answer) */
	unsigned int rounds;		/* passes over memory, the first included */
	uint64_t downtime_us;		/* live: as the peer measured it */
	/*
	 * Live: pause here to the peer's word that the guest runs there, by
	 * this host's clock alone: the downtime plus the word's trip. The
	 * peer's figure takes its clock against ours, so means little
	 * between hosts whose clocks are not in step.
	 */
	uint64_t answer_us;
	bool guest_suspended;		/* the guest called SUSPEND first */
	uint64_t ram_hash;		/* verify: at the pause */
};

/*
 * Write the machine to fd. On success (0) the guest is left paused: the
 * caller stops it, or resumes it to keep running. On failure (-1, a
 * sentence in err) the guest runs on as before, dirty logging off, and a
 * SUSPEND it made returns 0.
 */
int outgoing_send(struct machine *m, int fd, const struct outgoing_opts *o,
		  struct outgoing_result *res, char *err, size_t errlen);

#endif /* HOSPES_OUTGOING_H */
