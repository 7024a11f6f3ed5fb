// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where control sockets live, and the requesting side of the protocol
 * (control.h).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"

/* mkdir -p: a minimal system (the test host) may have no /run yet. */
static int make_dirs(char *path)
{
	char *slash;

	for (slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			*slash = '/';
			return -1;
		}
		*slash = '/';
	}
	return mkdir(path, 0700) && errno != EEXIST ? -1 : 0;
}

/*
 * $HOSPES_RUNTIME_DIR if set; else /run/hospes for root, as daemons keep
 * their sockets; else $XDG_RUNTIME_DIR/hospes, the user's own; else a
 * directory in /tmp named after the user.
 */
const char *control_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("HOSPES_RUNTIME_DIR");

	if (env && *env)
		snprintf(dir, sizeof(dir), "%s", env);
	else if (!geteuid())
		snprintf(dir, sizeof(dir), "/run/hospes");
	else if ((env = getenv("XDG_RUNTIME_DIR")) && *env)
		snprintf(dir, sizeof(dir), "%s/hospes", env);
	else
		snprintf(dir, sizeof(dir), "/tmp/hospes-%u", (unsigned)geteuid());
	if (make_dirs(dir)) {
		fprintf(stderr, "hospes: cannot create %s: %s\n", dir, strerror(errno));
		return NULL;
	}
	return dir;
}

bool control_name_valid(const char *name)
{
	size_t i, len = strlen(name);

	if (!len || len > CONTROL_NAME_MAX || name[0] == '.')
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			return false;
	return true;
}

int control_path(const char *name, char *buf, size_t len)
{
	const char *dir = control_dir();
	int n;

	if (!dir)
		return -1;
	n = snprintf(buf, len, "%s/%s.sock", dir, name);
	if (n < 0 || (size_t)n >= len ||
	    (size_t)n >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		fprintf(stderr, "hospes: %s/%s.sock: too long for a socket address\n",
			dir, name);
		return -1;
	}
	return 0;
}

const char *control_default_name(void)
{
	static char name[32];

	snprintf(name, sizeof(name), "hospes-%d", (int)getpid());
	return name;
}

int control_connect(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (!control_name_valid(name)) {
		fprintf(stderr, "hospes: '%s' is not a VM name (letters, digits, . _ -)\n",
			name);
		return -1;
	}
	if (control_path(name, sa.sun_path, sizeof(sa.sun_path)))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "hospes: socket: %s\n", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			fprintf(stderr, "hospes: no VM called '%s' is running ('hospes list' shows those that are)\n",
				name);
		else
			fprintf(stderr, "hospes: %s: %s\n", sa.sun_path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int control_send(int fd, const char *request, int pass_fd)
{
	char line[CONTROL_LINE_MAX];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = { .iov_base = line };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	int n = snprintf(line, sizeof(line), "%s\n", request);

	if (n < 0 || (size_t)n >= sizeof(line)) {
		errno = E2BIG;
		return -1;
	}
	iov.iov_len = n;
	if (pass_fd >= 0) {
		struct cmsghdr *c;

		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	return sendmsg(fd, &msg, MSG_NOSIGNAL) == n ? 0 : -1;
}

int control_answer(int fd, FILE *progress, char *final, size_t len)
{
	FILE *in = fdopen(dup(fd), "r");
	char line[CONTROL_LINE_MAX];
	int ret = -1;

	if (!in) {
		snprintf(final, len, "%s", strerror(errno));
		return -1;
	}
	snprintf(final, len, "the VM's process closed the connection without an answer");
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "progress: ", 10)) {
			if (progress) {
				fprintf(progress, "%s\n", line + 10);
				fflush(progress);
			}
		} else if (!strncmp(line, "ok", 2) && (!line[2] || line[2] == ' ')) {
			snprintf(final, len, "%s", line[2] ? line + 3 : "");
			ret = 0;
			break;
		} else {
			snprintf(final, len, "%s",
				 strncmp(line, "error: ", 7) ? line : line + 7);
			break;
		}
	}
	fclose(in);
	return ret;
}

int control_call(const char *name, const char *request, int pass_fd,
		 FILE *progress, char *final, size_t len)
{
	int fd = control_connect(name), ret;

	if (fd < 0)
		return -1;
	if (control_send(fd, request, pass_fd)) {
		fprintf(stderr, "hospes: cannot ask '%s': %s\n", name, strerror(errno));
		close(fd);
		return -1;
	}
	ret = control_answer(fd, progress, final, len);
	close(fd);
	if (ret)
		fprintf(stderr, "hospes: %s: %s\n", name, final);
	return ret;
}
