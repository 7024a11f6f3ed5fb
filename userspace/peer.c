// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "peer.h"
#include "util.h"

int peer_say(int fd, const char *fmt, ...)
{
	char line[PEER_LINE_MAX];
	va_list ap;
	size_t len, off = 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	len = n < 0 ? 0 : (size_t)n < sizeof(line) - 1 ? (size_t)n : sizeof(line) - 2;
	line[len++] = '\n';
	while (off < len) {
		ssize_t w = send(fd, line + off, len - off, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += w;
	}
	return 0;
}

int peer_hear(int fd, char *line, size_t len, int timeout_ms)
{
	uint64_t end = monotonic_ns() + (uint64_t)timeout_ms * 1000000;
	size_t got = 0;

	while (got < len - 1) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = (int64_t)(end - monotonic_ns()) / 1000000;
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left + 1) == 0) {
			snprintf(line, len, "no answer from the target within %d s",
				 timeout_ms / 1000);
			return -1;
		}
		n = read(fd, line + got, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(line, len, "the target closed the connection%s%s",
				 n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
			return -1;
		}
		if (line[got] == '\n') {
			line[got] = '\0';
			return 0;
		}
		got++;
	}
	snprintf(line, len, "the target's answer is too long");
	return -1;
}

bool peer_spoke(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1;
}
