// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_tun.h>

#include "tap.h"

#define TUN_PATH	"/dev/net/tun"

/* TUNSETIFF's refusals, in words a user can act on. */
static void explain(const char *ifname, int e, char *err, size_t errlen)
{
	switch (e) {
	case EPERM:
		snprintf(err, errlen, "not allowed to create or attach tap %s: creating one needs CAP_NET_ADMIN; or let root make it persistent for this user first (ip tuntap add dev %s mode tap user USER)",
			 ifname, ifname);
		break;
	case EBUSY:
		snprintf(err, errlen, "tap %s is in use by another program", ifname);
		break;
	case EINVAL:
		snprintf(err, errlen, "%s exists and is not a single-queue tap",
			 ifname);
		break;
	default:
		snprintf(err, errlen, "tap %s: %s", ifname, strerror(e));
	}
}

int tap_open(const char *ifname, int vnet_hdr_len, char *err, size_t errlen)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int fd, e;

	if (strlen(ifname) >= sizeof(ifr.ifr_name)) {
		snprintf(err, errlen, "%s: an interface name has at most %zu characters",
			 ifname, sizeof(ifr.ifr_name) - 1);
		return -1;
	}
	fd = open(TUN_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "%s: %s%s", TUN_PATH, strerror(e),
			 e == ENOENT ? " (is the tun module loaded?)" : "");
		return -1;
	}
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		explain(ifname, errno, err, errlen);
		close(fd);
		return -1;
	}
	/* Nothing offloaded until the guest's driver takes it (tap_set_offloads). */
	if (ioctl(fd, TUNSETVNETHDRSZ, &vnet_hdr_len) || tap_set_offloads(fd, 0)) {
		snprintf(err, errlen, "tap %s: its virtio-net header: %s", ifname,
			 strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int tap_set_offloads(int fd, unsigned int offloads)
{
	return ioctl(fd, TUNSETOFFLOAD, (unsigned long)offloads) ? -errno : 0;
}
