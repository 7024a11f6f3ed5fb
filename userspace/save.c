// SPDX-License-Identifier: GPL-2.0-only
/*
 * hospes save: have a running VM write itself to a file, then stop.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "machine.h"
#include "util.h"
#include "verbs.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: hospes save [--keep-running] [--suspend-timeout MS] NAME FILE\n"
		"\n"
		"Pause the VM called NAME, write it to FILE (docs/stream-format.md) and\n"
		"stop it; `hospes restore FILE` brings it back where it was, on this host\n"
		"or another whose CPU has every feature the guest was offered. A PV guest\n"
		"is first asked to suspend itself (HOSPES_PV_PORT_SUSPEND); if it does not\n"
		"call SUSPEND within the timeout, its state is taken as it is. A Linux\n"
		"guest (run --kernel) is paused as it runs; its disk image is reopened\n"
		"by its path, so it must be the same file at restore.\n"
		"\n"
		"  --keep-running        let the guest run on after the save (its SUSPEND\n"
		"                        returns 0 there, 1 in a restored copy)\n"
		"  --suspend-timeout MS  how long the guest may take to suspend (default 1000)\n"
		"  -h, --help            this text\n"
		"\n"
		"Exit status: 0 saved, %d failed (the guest runs on; FILE is removed),\n"
		"%d bad usage.\n", EXIT_VMM_ERROR, EXIT_USAGE);
}

static const struct option options[] = {
	{ "keep-running", no_argument, NULL, 'k' },
	{ "suspend-timeout", required_argument, NULL, 't' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int verb_save(int argc, char **argv)
{
	unsigned int keep = 0, timeout = 1000;
	char request[128], final[CONTROL_LINE_MAX];
	const char *name, *file;
	int opt, fd, ret;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (opt) {
		case 'k':
			keep = 1;
			break;
		case 't':
			if (parse_uint(optarg, 0, 3600 * 1000, &timeout)) {
				fprintf(stderr, "hospes save: --suspend-timeout %s: milliseconds\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	name = argv[optind];
	file = argv[optind + 1];
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "hospes save: %s: %s\n", file, strerror(errno));
		return EXIT_VMM_ERROR;
	}
	snprintf(request, sizeof(request), "save keep_running=%u suspend_timeout_ms=%u",
		 keep, timeout);
	ret = control_call(name, request, fd, stderr, final, sizeof(final));
	close(fd);
	if (ret) {
		unlink(file);
		return EXIT_VMM_ERROR;
	}
	printf("%s: %s\n", name, final);
	return 0;
}
