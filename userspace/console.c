// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"

void console_init_fds(struct console *con, int in_fd, int out_fd,
		      bool drop_when_full)
{
	con->in_fd = in_fd;
	con->out_fd = out_fd;
	con->drop_when_full = drop_when_full;
	atomic_init(&con->stopping, false);
	con->pty_master = -1;
	con->pty_peer = -1;
	con->pty_path[0] = '\0';
	pthread_mutex_init(&con->lock, NULL);
}

static int open_pty(struct console *con)
{
	struct termios tio;
	const char *path;
	int master;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	path = master < 0 || grantpt(master) || unlockpt(master) ? NULL :
	       ptsname(master);
	if (!path) {
		fprintf(stderr, "hospes: cannot create a pty for the console: %s%s\n",
			strerror(errno),
			errno == ENOENT ? " (is devpts mounted on /dev/pts?)" : "");
		if (master >= 0)
			close(master);
		return -1;
	}
	/*
	 * Bytes pass as they are, as on a serial line; and holding the slave
	 * open keeps the master usable (no EIO) while nobody is attached.
	 */
	if (!tcgetattr(master, &tio)) {
		cfmakeraw(&tio);
		tcsetattr(master, TCSANOW, &tio);
	}
	console_init_fds(con, master, master, true);
	con->pty_master = master;
	snprintf(con->pty_path, sizeof(con->pty_path), "%s", path);
	con->pty_peer = open(con->pty_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	fprintf(stderr, "hospes: console on %s\n", con->pty_path);
	return 0;
}

int console_open(struct console *con, enum console_kind kind)
{
	if (kind == CONSOLE_PTY)
		return open_pty(con);
	console_init_fds(con, STDIN_FILENO, STDOUT_FILENO, false);
	return 0;
}

int console_kind_parse(const char *s, enum console_kind *kind)
{
	if (!strcmp(s, "stdio"))
		*kind = CONSOLE_STDIO;
	else if (!strcmp(s, "pty"))
		*kind = CONSOLE_PTY;
	else
		return -1;
	return 0;
}

void console_close(struct console *con)
{
	if (con->pty_peer >= 0)
		close(con->pty_peer);
	if (con->pty_master >= 0)
		close(con->pty_master);
	pthread_mutex_destroy(&con->lock);
}

void console_stop(struct console *con)
{
	atomic_store(&con->stopping, true);
}

void console_write(struct console *con, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	pthread_mutex_lock(&con->lock);
	while (len) {
		ssize_t n = write(con->out_fd, p, len);

		if (n > 0) {
			p += n;
			len -= n;
			continue;
		}
		/*
		 * EINTR is a vCPU kick: keep writing unless the VM is
		 * stopping. Anything else (a full pty, a closed pipe) loses
		 * the output, not the guest.
		 */
		if (n < 0 && errno == EINTR && !atomic_load(&con->stopping))
			continue;
		break;
	}
	pthread_mutex_unlock(&con->lock);
}

int console_wait_input(struct console *con, int timeout_ms)
{
	struct pollfd pfd = { .events = POLLIN };

	pthread_mutex_lock(&con->lock);
	pfd.fd = con->in_fd;
	pthread_mutex_unlock(&con->lock);
	if (pfd.fd < 0)
		return -1;
	return poll(&pfd, 1, timeout_ms) > 0;
}

int console_read(struct console *con, uint8_t *byte)
{
	struct pollfd pfd = { .events = POLLIN };
	int got = 0;

	pthread_mutex_lock(&con->lock);
	pfd.fd = con->in_fd;
	if (con->in_fd >= 0 && poll(&pfd, 1, 0) == 1) {
		ssize_t n = read(con->in_fd, byte, 1);

		if (n == 1)
			got = 1;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			con->in_fd = -1;	/* end of input: stop asking */
	}
	pthread_mutex_unlock(&con->lock);
	return got;
}
