// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/hospes.h>

#include "vm.h"

int hospes_api_version(int dev_fd)
{
	return ioctl(dev_fd, HOSPES_GET_API_VERSION, 0);
}

int hospes_open(void)
{
	int fd = open("/dev/hospes", O_RDWR | O_CLOEXEC);
	int version;

	if (fd < 0) {
		if (errno == ENOENT)
			fprintf(stderr, "hospes: /dev/hospes does not exist: is the module loaded? (insmod kmod/hospes.ko)\n");
		else
			fprintf(stderr, "hospes: /dev/hospes: %s\n", strerror(errno));
		return -1;
	}
	version = hospes_api_version(fd);
	if (version != HOSPES_API_VERSION) {
		fprintf(stderr, "hospes: module speaks API version %d, this program needs %d\n",
			version, HOSPES_API_VERSION);
		close(fd);
		return -1;
	}
	return fd;
}
