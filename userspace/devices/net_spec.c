// SPDX-License-Identifier: GPL-2.0-only
/* The value of `hospes run --net`: tap:IFNAME[,mac=XX:XX:XX:XX:XX:XX]. */
#include <stdio.h>
#include <string.h>

#include "devices/devices.h"
#include "hash64.h"

#define MAC_TEXT_LEN	17	/* "xx:xx:xx:xx:xx:xx" */
#define MAC_LOCAL	0x02	/* first byte: locally administered */
#define MAC_GROUP	0x01	/* first byte: multicast */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mac_parse(const char *s, uint8_t mac[NET_MAC_LEN])
{
	uint8_t m[NET_MAC_LEN];
	unsigned int i;

	if (strlen(s) != MAC_TEXT_LEN)
		return -1;
	for (i = 0; i < NET_MAC_LEN; i++) {
		int hi = hex_digit(s[3 * i]), lo = hex_digit(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < NET_MAC_LEN - 1 && s[3 * i + 2] != ':'))
			return -1;
		m[i] = hi << 4 | lo;
	}
	/* A card's own address: not a group one, not all zeros. */
	if ((m[0] & MAC_GROUP) || !memcmp(m, (uint8_t[NET_MAC_LEN]){ 0 }, NET_MAC_LEN))
		return -1;
	memcpy(mac, m, NET_MAC_LEN);
	return 0;
}

bool net_ifname_valid(const char *s, size_t len)
{
	size_t i;

	if (!len || len > NET_IFNAME_MAX || !strncmp(s, ".", len) ||
	    !strncmp(s, "..", len))
		return false;
	for (i = 0; i < len; i++)
		if (s[i] == '/' || s[i] == ':' || s[i] <= ' ' || s[i] == 0x7f)
			return false;
	return true;
}

int net_spec_parse(const char *spec, struct net_spec *ns, char *err,
		   size_t errlen)
{
	const char *name, *opts;
	uint64_t h;
	size_t len;

	if (strncmp(spec, "tap:", 4)) {
		snprintf(err, errlen, "not tap:IFNAME (the only kind of network there is)");
		return -1;
	}
	name = spec + 4;
	opts = strchr(name, ',');
	len = opts ? (size_t)(opts - name) : strlen(name);
	if (!net_ifname_valid(name, len)) {
		snprintf(err, errlen, "not an interface name (1 to %d characters, no '/', ':' or spaces)",
			 NET_IFNAME_MAX);
		return -1;
	}
	memset(ns, 0, sizeof(*ns));
	memcpy(ns->ifname, name, len);
	/* A stable default, so the guest's address tables survive a restart. */
	h = hash64(ns->ifname, len);
	ns->mac[0] = MAC_LOCAL;
	memcpy(ns->mac + 1, &h, NET_MAC_LEN - 1);
	if (!opts)
		return 0;
	if (strncmp(opts, ",mac=", 5) || mac_parse(opts + 5, ns->mac)) {
		snprintf(err, errlen, "after the name, only ,mac=XX:XX:XX:XX:XX:XX (a unicast address)");
		return -1;
	}
	return 0;
}
