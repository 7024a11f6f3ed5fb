// SPDX-License-Identifier: GPL-2.0-only
/*
 * hospes: the VMM command. Dispatches to one verb per file.
 */
#include <stdio.h>
#include <string.h>

#include "verbs.h"

static const struct verb verbs[] = {
	{ "run", "boot a PV kernel in a new VM (or receive a migrating one)", verb_run },
	{ "list", "list the running VMs", verb_list },
	{ "save", "save a running VM to a file and stop it", verb_save },
	{ "restore", "run a VM saved to a file", verb_restore },
	{ "migrate", "move a running VM to another hospes, live", verb_migrate },
	{ "version", "print this program's and the module's API version", verb_version },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: hospes VERB [ARGS...]\n\nverbs:\n");
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(out, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(out, "\n'hospes VERB --help' describes a verb.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].run(argc - 1, argv + 1);
	fprintf(stderr, "hospes: unknown verb '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
