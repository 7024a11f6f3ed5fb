// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMM's side of the control socket (control.h): a thread that
 * accepts one request at a time and answers it; a save or a migration
 * runs in a worker thread of its own, so `hospes list` still gets an
 * answer meanwhile.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "machine.h"
#include "outgoing.h"
#include "util.h"

#define DEFAULT_MAX_DOWNTIME_MS		50
#define DEFAULT_MAX_ROUNDS		30
#define DEFAULT_SUSPEND_TIMEOUT_MS	1000

/* A request: its words, and the descriptor that came with it. */
struct request {
	char line[CONTROL_LINE_MAX];
	char *argv[16];
	int argc;
	int fd;
};

struct job {
	struct control *c;
	int conn;
	int fd;
	unsigned int keep_running;	/* save: resume after */
	unsigned int verify;
	struct outgoing_opts opts;
};

static int say(int conn, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int say(int conn, const char *fmt, ...)
{
	char line[CONTROL_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	return send(conn, line, n, MSG_NOSIGNAL) == n ? 0 : -1;
}

static int report(void *ctx, const char *fmt, ...)
{
	struct job *j = ctx;
	char text[CONTROL_LINE_MAX - 16];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return say(j->conn, "progress: %s", text);
}

/* One line and at most one fd. 0, or -1 (answered already). */
static int get_request(int conn, struct request *req)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = { .iov_base = req->line, .iov_len = sizeof(req->line) - 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm;
	char *save, *word;
	ssize_t n;

	req->fd = -1;
	req->argc = 0;
	n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return -1;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&req->fd, CMSG_DATA(cm), sizeof(int));
	req->line[n] = '\0';
	if (!strchr(req->line, '\n')) {
		say(conn, "error: a request is one line");
		return -1;
	}
	for (word = strtok_r(req->line, " \n", &save);
	     word && req->argc < (int)ARRAY_LEN(req->argv);
	     word = strtok_r(NULL, " \n", &save))
		req->argv[req->argc++] = word;
	if (!req->argc) {
		say(conn, "error: an empty request");
		return -1;
	}
	return 0;
}

/* key=N for each option word; -1 (answered) on an unknown key or bad value. */
static int get_options(int conn, const struct request *req, struct job *j)
{
	const struct {
		const char *key;
		unsigned int *value;
	} keys[] = {
		{ "keep_running", &j->keep_running },
		{ "suspend_timeout_ms", &j->opts.suspend_timeout_ms },
		{ "max_downtime_ms", &j->opts.max_downtime_ms },
		{ "max_rounds", &j->opts.max_rounds },
		{ "verify", &j->verify },
	};
	int a;

	for (a = 1; a < req->argc; a++) {
		char *eq = strchr(req->argv[a], '=');
		unsigned int k;

		for (k = 0; eq && k < ARRAY_LEN(keys); k++)
			if (strlen(keys[k].key) == (size_t)(eq - req->argv[a]) &&
			    !strncmp(keys[k].key, req->argv[a], eq - req->argv[a]))
				break;
		if (!eq || k == ARRAY_LEN(keys) ||
		    parse_uint(eq + 1, 0, 3600 * 1000, keys[k].value)) {
			say(conn, "error: bad option '%s'", req->argv[a]);
			return -1;
		}
	}
	j->opts.verify = j->verify;
	if (!j->opts.max_rounds)
		j->opts.max_rounds = 1;
	return 0;
}

static void answer_info(struct control *c, int conn)
{
	const char *state;

	pthread_mutex_lock(&c->lock);
	state = c->state;
	pthread_mutex_unlock(&c->lock);
	say(conn, "ok name=%s pid=%d memory=%llu vcpus=%u state=%s",
	    c->m->cfg->name, (int)getpid(),
	    (unsigned long long)c->m->mem.size, c->m->cfg->nr_vcpus, state);
}

/* The VM's counters now, as --stats prints them at the end. */
static void answer_stats(struct control *c, int conn)
{
	char words[CONTROL_LINE_MAX - 8];

	if (vm_format_stats(&c->m->vm, words, sizeof(words)))
		say(conn, "error: HOSPES_GET_VM_STATS: %s", strerror(errno));
	else
		say(conn, "ok%s", words);
}

static void set_transfer(struct control *c, int fd, const char *state, bool busy)
{
	pthread_mutex_lock(&c->lock);
	c->transfer_fd = fd;
	c->state = state;
	c->busy = busy;
	pthread_mutex_unlock(&c->lock);
}

static void report_done(struct job *j, const struct outgoing_result *r)
{
	double total = r->total_ns / 1e9;

	if (j->opts.live)
		say(j->conn, "ok migrated in %.0f ms: %.1f MiB sent in %u rounds (%.1f MiB/s), downtime %.1f ms (pause here to the target's answer; %.1f ms by the target's clock)%s",
		    total * 1000, r->bytes / (double)MIB, r->rounds,
		    r->bytes / (double)MIB / (total ? total : 1),
		    r->answer_us / 1000.0, r->downtime_us / 1000.0,
		    r->guest_suspended ? ", guest suspended itself" : "");
	else
		say(j->conn, "ok saved %.1f MiB in %.0f ms%s",
		    r->bytes / (double)MIB, total * 1000,
		    r->guest_suspended ? ", guest suspended itself" : "");
}

static void *worker(void *arg)
{
	struct job *j = arg;
	struct control *c = j->c;
	struct outgoing_result res;
	char err[256];
	bool ok;

	ok = !outgoing_send(c->m, j->fd, &j->opts, &res, err, sizeof(err));
	set_transfer(c, -1, "running", true);
	close(j->fd);
	if (ok && j->opts.verify)
		say(j->conn, "progress: guest RAM hash at the pause: %016llx",
		    (unsigned long long)res.ram_hash);
	if (ok)
		report_done(j, &res);
	else
		say(j->conn, "error: %s", err);
	close(j->conn);
	if (ok && j->keep_running) {
		machine_resume(c->m);
	} else if (ok) {
		fprintf(stderr, "hospes: the guest was %s: stopping it here\n",
			j->opts.live ? "migrated" : "saved");
		machine_stop(c->m, 0);
	}
	set_transfer(c, -1, "running", false);
	free(j);
	return NULL;
}

/* save or migrate: hand the job to a worker. conn is the worker's on success. */
static int start_job(struct control *c, int conn, struct request *req)
{
	bool live = !strcmp(req->argv[0], "migrate");
	struct job *j;
	int err;

	if (req->fd < 0) {
		say(conn, "error: %s needs a descriptor to write to", req->argv[0]);
		return -1;
	}
	j = calloc(1, sizeof(*j));
	if (!j) {
		say(conn, "error: out of memory");
		return -1;
	}
	*j = (struct job){
		.c = c, .conn = conn, .fd = req->fd,
		.opts = {
			.live = live,
			.max_downtime_ms = DEFAULT_MAX_DOWNTIME_MS,
			.max_rounds = DEFAULT_MAX_ROUNDS,
			.suspend_timeout_ms = DEFAULT_SUSPEND_TIMEOUT_MS,
			.report = report,
			.ctx = j,
		},
	};
	if (get_options(conn, req, j) || (live && j->keep_running)) {
		if (live && j->keep_running)
			say(conn, "error: keep_running is for save");
		free(j);
		return -1;
	}
	pthread_mutex_lock(&c->lock);
	if (c->busy || machine_stopping(c->m)) {
		pthread_mutex_unlock(&c->lock);
		say(conn, "error: %s", c->busy ? "a save or migration is already under way" :
		    "the guest is stopping");
		free(j);
		return -1;
	}
	if (c->worker_joinable)
		pthread_join(c->worker, NULL);
	c->busy = true;
	c->transfer_fd = j->fd;
	c->state = live ? "migrating" : "saving";
	err = pthread_create(&c->worker, NULL, worker, j);
	c->worker_joinable = !err;
	if (err)
		c->busy = false;
	pthread_mutex_unlock(&c->lock);
	if (err) {
		say(conn, "error: cannot start a thread: %s", strerror(err));
		free(j);
		return -1;
	}
	return 0;
}

/* A requester that says nothing must not hold up the others. */
#define REQUEST_TIMEOUT_S	5

static void serve(struct control *c, int conn)
{
	struct timeval tv = { .tv_sec = REQUEST_TIMEOUT_S };
	struct request req;

	setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (get_request(conn, &req)) {
		close(conn);
		return;
	}
	if (!strcmp(req.argv[0], "info")) {
		answer_info(c, conn);
	} else if (!strcmp(req.argv[0], "stats")) {
		answer_stats(c, conn);
	} else if (!strcmp(req.argv[0], "save") || !strcmp(req.argv[0], "migrate")) {
		if (!start_job(c, conn, &req))
			return;		/* the worker has conn and the fd now */
	} else {
		say(conn, "error: unknown request '%s'", req.argv[0]);
	}
	if (req.fd >= 0)
		close(req.fd);
	close(conn);
}

static void *control_thread(void *arg)
{
	struct control *c = arg;

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = c->listen_fd, .events = POLLIN },
			{ .fd = c->wake[0], .events = POLLIN },
		};
		int conn;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
		if (!(pfd[0].revents & POLLIN))
			continue;
		conn = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (conn >= 0)
			serve(c, conn);
	}
	return NULL;
}

/*
 * Bind path, taking it over from a VMM that died without removing it.
 * The fd; -1 if a live VM has it; -2 if it cannot be made (printed).
 */
static int listen_at(const char *path, const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -2;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "hospes: a VM called '%s' is already running (%s)\n",
			name, path);
		close(fd);
		return -1;
	}
	if (errno == ECONNREFUSED)
		unlink(path);
	close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 8)) {
		fprintf(stderr, "hospes: control socket %s: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -2;
	}
	return fd;
}

int control_start(struct control *c, struct machine *m)
{
	const char *name = m->cfg->name;
	int err;

	memset(c, 0, sizeof(*c));
	c->m = m;
	c->listen_fd = c->wake[0] = c->wake[1] = c->transfer_fd = -1;
	c->state = "running";
	pthread_mutex_init(&c->lock, NULL);
	if (control_path(name, c->path, sizeof(c->path))) {
		c->path[0] = '\0';
		goto unreachable;
	}
	c->listen_fd = listen_at(c->path, name);
	if (c->listen_fd < 0) {
		c->path[0] = '\0';
		if (c->listen_fd == -1)
			return -1;
		goto unreachable;
	}
	if (pipe2(c->wake, O_CLOEXEC)) {
		fprintf(stderr, "hospes: pipe: %s\n", strerror(errno));
		goto unreachable;
	}
	err = pthread_create(&c->thread, NULL, control_thread, c);
	if (err) {
		fprintf(stderr, "hospes: cannot start the control thread: %s\n",
			strerror(err));
		goto unreachable;
	}
	c->started = true;
	return 0;
unreachable:
	fprintf(stderr, "hospes: '%s' runs without a control socket: list, save and migrate cannot reach it\n",
		name);
	return 1;
}

void control_stop(struct control *c)
{
	if (c->started) {
		if (write(c->wake[1], "", 1) < 0)
			fprintf(stderr, "hospes: cannot stop the control thread: %s\n",
				strerror(errno));
		pthread_join(c->thread, NULL);
	}
	/* A transfer still under way: make its blocked I/O fail now. */
	pthread_mutex_lock(&c->lock);
	if (c->transfer_fd >= 0)
		shutdown(c->transfer_fd, SHUT_RDWR);
	pthread_mutex_unlock(&c->lock);
	if (c->worker_joinable)
		pthread_join(c->worker, NULL);
	if (c->path[0])
		unlink(c->path);
	if (c->listen_fd >= 0)
		close(c->listen_fd);
	if (c->wake[0] >= 0) {
		close(c->wake[0]);
		close(c->wake[1]);
	}
	pthread_mutex_destroy(&c->lock);
	c->started = false;
}
