// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/hospes.h>

#include "verbs.h"
#include "vm.h"

int verb_version(int argc, char **argv)
{
	int fd;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: hospes version\n\n"
		       "Print the API version this program speaks and, if /dev/hospes\n"
		       "can be opened, the module's. Fails if they differ.\n");
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "hospes version: takes no arguments\n");
		return 2;
	}
	printf("hospes API version %d\n", HOSPES_API_VERSION);
	fd = hospes_open();
	if (fd < 0)
		return 1;
	printf("module API version %d\n", hospes_api_version(fd));
	close(fd);
	return 0;
}
