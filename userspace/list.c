// SPDX-License-Identifier: GPL-2.0-only
/*
 * hospes list: the running VMs, from their control sockets.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "machine.h"
#include "util.h"
#include "verbs.h"

/* The value of key=VALUE in an info answer, into buf. */
static const char *field(const char *answer, const char *key, char *buf,
			 size_t len)
{
	size_t klen = strlen(key);
	const char *p;

	for (p = answer; (p = strstr(p, key)); p += klen)
		if ((p == answer || p[-1] == ' ') && p[klen] == '=') {
			snprintf(buf, len, "%.*s", (int)strcspn(p + klen + 1, " "),
				 p + klen + 1);
			return buf;
		}
	return "?";
}

static void show(const char *name)
{
	char answer[CONTROL_LINE_MAX], pid[16], mem[32], vcpus[8], state[16];
	int fd = control_connect(name);

	if (fd < 0)
		return;
	if (control_send(fd, "info", -1) ||
	    control_answer(fd, NULL, answer, sizeof(answer))) {
		close(fd);
		return;
	}
	close(fd);
	field(answer, "memory", mem, sizeof(mem));
	printf("%-24s %8s %8llu %5s  %s\n", name, field(answer, "pid", pid, sizeof(pid)),
	       strtoull(mem, NULL, 10) / MIB, field(answer, "vcpus", vcpus, sizeof(vcpus)),
	       field(answer, "state", state, sizeof(state)));
}

int verb_list(int argc, char **argv)
{
	const char *dir;
	struct dirent *e;
	DIR *d;

	if (argc > 1) {
		bool help = !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h");

		fprintf(help ? stdout : stderr,
			"usage: hospes list\n\nThe VMs running on this machine (as this user): name, pid,\nmemory in MiB, vCPUs and state (running, saving, migrating).\n");
		return help ? 0 : EXIT_USAGE;
	}
	dir = control_dir();
	if (!dir)
		return EXIT_VMM_ERROR;
	d = opendir(dir);
	if (!d) {
		perror(dir);
		return EXIT_VMM_ERROR;
	}
	printf("%-24s %8s %8s %5s  %s\n", "NAME", "PID", "MEM(MiB)", "VCPUS", "STATE");
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char name[CONTROL_NAME_MAX + 1];

		if (len <= 5 || len - 5 > CONTROL_NAME_MAX ||
		    strcmp(e->d_name + len - 5, ".sock"))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - 5), e->d_name);
		show(name);
	}
	closedir(d);
	return 0;
}
