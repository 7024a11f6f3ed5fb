/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's console: where the PV console hypercall and the UART send
 * their bytes, and where the UART reads typed input from. Either this
 * process's stdin/stdout, or a new pseudo-terminal for someone to attach to.
 */
#ifndef HOSPES_CONSOLE_H
#define HOSPES_CONSOLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum console_kind {
	CONSOLE_STDIO,
	CONSOLE_PTY,
};

struct console {
	int in_fd;			/* -1: no input (or it ended) */
	int out_fd;
	/*
	 * A pty may have no reader for ever: output it cannot take at once is
	 * dropped rather than stalling the guest. Stdout is written in full.
	 */
	bool drop_when_full;
	atomic_bool stopping;		/* writers stop waiting for a slow reader */
	int pty_master;			/* -1 on stdio */
	int pty_peer;			/* our own open of the pty's slave side */
	char pty_path[64];		/* where others attach; "" on stdio */
	pthread_mutex_t lock;		/* one writer or reader at a time */
};

/* "stdio" or "pty": 0, or -1 for anything else. */
int console_kind_parse(const char *s, enum console_kind *kind);
/* Open a console of that kind; a pty's path goes to stderr. 0 or -1. */
int console_open(struct console *con, enum console_kind kind);
/* A console on given descriptors (stdio, and tests); never fails. */
void console_init_fds(struct console *con, int in_fd, int out_fd,
		      bool drop_when_full);
void console_close(struct console *con);

void console_write(struct console *con, const void *buf, size_t len);
/* One byte of input if one is waiting: 1, else 0. Never blocks. */
int console_read(struct console *con, uint8_t *byte);
/*
 * Wait up to timeout_ms for input: 1 if some is waiting (or its end is:
 * console_read() finds out), 0 if none came, -1 if none ever will.
 */
int console_wait_input(struct console *con, int timeout_ms);
/* The VM is stopping: a write blocked on a full pipe gives up. */
void console_stop(struct console *con);

#endif /* HOSPES_CONSOLE_H */
