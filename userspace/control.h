/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket of a running VM: a UNIX socket named after the VM in
 * a runtime directory, through which `hospes list`, `save` and `migrate`
 * reach the VMM process that owns the guest.
 *
 * The protocol is text. A request is one line, "VERB [key=value ...]",
 * sent with at most one file descriptor (SCM_RIGHTS): the file to save
 * to, the connected socket to migrate over. That way the requester opens
 * files and connections with its own rights and working directory. The
 * answer is any number of "progress: TEXT" lines, then "ok [TEXT]" or
 * "error: TEXT", and the VMM closes the connection.
 *
 *   info                  ok name=N pid=P memory=BYTES vcpus=N state=S
 *   stats                 ok runs=N exits=N ... (struct hospes_stats, as
 *                         hospes run --stats prints it at the end)
 *   save [keep_running=1] [suspend_timeout_ms=N]            + the file
 *   migrate [max_downtime_ms=N] [max_rounds=N] [verify=1]
 *           [suspend_timeout_ms=N]                          + the socket
 */
#ifndef HOSPES_CONTROL_H
#define HOSPES_CONTROL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CONTROL_NAME_MAX	64
#define CONTROL_LINE_MAX	1024

struct machine;

/* The directory of control sockets; NULL after printing why it cannot be made. */
const char *control_dir(void);
/* Letters, digits, '.', '_', '-'; not starting with '.'; 1..64 of them. */
bool control_name_valid(const char *name);
/* dir/NAME.sock into buf: 0, or -1 if it does not fit a socket address. */
int control_path(const char *name, char *buf, size_t len);
/* A VM's name when none is given: "hospes-PID", in a static buffer. */
const char *control_default_name(void);

/* ---- in the VMM --------------------------------------------------------- */

struct control {
	struct machine *m;
	char path[108];
	int listen_fd;
	int wake[2];			/* control_stop() writes here */
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;		/* the fields below */
	bool busy;			/* a save or migration runs */
	bool worker_joinable;
	pthread_t worker;
	int transfer_fd;		/* its file or socket, -1 */
	const char *state;		/* for info */
};

/*
 * Listen as m->cfg->name: 0; -1 if a running VM has that name; 1 if there
 * can be no socket (no runtime directory...), after a warning: the VM
 * runs, but no other verb reaches it.
 */
int control_start(struct control *c, struct machine *m);
/* The machine is stopping: end the socket, a transfer, their threads. */
void control_stop(struct control *c);

/* ---- in the requesting process ----------------------------------------- */

/* Connect to the VM called name: the fd, or -1 after printing why. */
int control_connect(const char *name);
/* Send a request line (no newline) with pass_fd (or -1). 0, or -1 with errno. */
int control_send(int fd, const char *request, int pass_fd);
/*
 * Read the answer: progress lines go to progress (if not NULL). Returns 0
 * for "ok" (its text in final), or -1 for an error, whose text (or what
 * went wrong with the connection) is in final.
 */
int control_answer(int fd, FILE *progress, char *final, size_t len);
/*
 * Connect to name, send request with pass_fd, relay progress to progress.
 * 0 for "ok" (text in final); -1 for an error, already printed.
 */
int control_call(const char *name, const char *request, int pass_fd,
		 FILE *progress, char *final, size_t len);

#endif /* HOSPES_CONTROL_H */
