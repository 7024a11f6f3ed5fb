/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a migration target says back to its source, on the same TCP
 * connection the stream comes in on: one text line, either
 *
 *   running downtime_us=N      the guest runs here now
 *   error: WHY                 refused; the target discards its copy
 *
 * The source commits (stops its guest) only on "running"; anything else,
 * or nothing, and its guest runs on.
 */
#ifndef HOSPES_PEER_H
#define HOSPES_PEER_H

#include <stdbool.h>
#include <stddef.h>

#define PEER_LINE_MAX	512

/* Send one line: 0, or -1 with errno. */
int peer_say(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One line, without its newline, within timeout_ms: 0, or -1 with a sentence in line. */
int peer_hear(int fd, char *line, size_t len, int timeout_ms);
/* True if the peer has written something (an early refusal) or hung up. */
bool peer_spoke(int fd);

#endif /* HOSPES_PEER_H */
