/* SPDX-License-Identifier: GPL-2.0-only */
/* TCP endpoints of a migration, written tcp:HOST:PORT (tcp:PORT to listen anywhere). */
#ifndef HOSPES_NET_H
#define HOSPES_NET_H

/* Connect to tcp:HOST:PORT: the fd, or -1 after printing why. */
int tcp_connect(const char *spec);
/*
 * Listen on tcp:[HOST:]PORT (port 0: any free one), accept one connection
 * and stop listening. The address is printed on stderr once listening.
 * The fd, or -1 after printing why.
 */
int tcp_accept_one(const char *spec);

#endif /* HOSPES_NET_H */
