// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"

/*
 * Split tcp:HOST:PORT (HOST may be [v6]) or, if host_optional, tcp:PORT.
 * 0, or -1 after printing why.
 */
static int split(const char *spec, char *host, size_t hlen, char *port,
		 size_t plen, int host_optional)
{
	const char *rest, *colon;
	size_t n;

	if (strncmp(spec, "tcp:", 4)) {
		fprintf(stderr, "hospes: %s: not tcp:HOST:PORT\n", spec);
		return -1;
	}
	rest = spec + 4;
	colon = strrchr(rest, ':');
	if (!colon && !host_optional) {
		fprintf(stderr, "hospes: %s: not tcp:HOST:PORT\n", spec);
		return -1;
	}
	host[0] = '\0';
	if (colon) {
		n = colon - rest;
		if (n >= 2 && rest[0] == '[' && rest[n - 1] == ']') {
			rest++;
			n -= 2;
		}
		if (n >= hlen) {
			fprintf(stderr, "hospes: %s: host name too long\n", spec);
			return -1;
		}
		memcpy(host, rest, n);
		host[n] = '\0';
		rest = colon + 1;
	}
	if (!*rest || strlen(rest) >= plen || strspn(rest, "0123456789") != strlen(rest)) {
		fprintf(stderr, "hospes: %s: the port is not a number\n", spec);
		return -1;
	}
	snprintf(port, plen, "%s", rest);
	return 0;
}

/*
 * A numeric IPv4 or IPv6 address ("localhost" too; empty: any). A static
 * binary cannot resolve names (glibc's resolver loads shared modules), and
 * migration targets are addresses anyway. 0, or -1 after printing why.
 */
static int address(const char *spec, const char *host, const char *port,
		   struct sockaddr_storage *sa, socklen_t *len)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
	struct sockaddr_in *in = (struct sockaddr_in *)sa;
	unsigned long p = strtoul(port, NULL, 10);

	memset(sa, 0, sizeof(*sa));
	if (p > 65535) {
		fprintf(stderr, "hospes: %s: port %s is out of range\n", spec, port);
		return -1;
	}
	if (!strcmp(host, "localhost"))
		host = "127.0.0.1";
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(p);
		*len = sizeof(*in6);
		return 0;
	}
	in->sin_family = AF_INET;
	in->sin_port = htons(p);
	*len = sizeof(*in);
	if (!*host)
		in->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (inet_pton(AF_INET, host, &in->sin_addr) != 1) {
		fprintf(stderr, "hospes: %s: '%s' is not an IPv4 or IPv6 address\n",
			spec, host);
		return -1;
	}
	return 0;
}

/* Pages go out in big writes: no need to wait for more. */
static void tune(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

int tcp_connect(const char *spec)
{
	char host[256], port[16];
	struct sockaddr_storage sa;
	socklen_t len;
	int fd;

	if (split(spec, host, sizeof(host), port, sizeof(port), 0) ||
	    address(spec, host, port, &sa, &len))
		return -1;
	fd = socket(sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, len)) {
		fprintf(stderr, "hospes: cannot connect to %s: %s\n", spec,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	tune(fd);
	return fd;
}

int tcp_accept_one(const char *spec)
{
	char host[256], port[16];
	struct sockaddr_storage sa;
	socklen_t len;
	int fd, conn, one = 1;

	if (split(spec, host, sizeof(host), port, sizeof(port), 1) ||
	    address(spec, host, port, &sa, &len))
		return -1;
	fd = socket(sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, len) || listen(fd, 1) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len)) {
		fprintf(stderr, "hospes: cannot listen on %s: %s\n", spec,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* The port in either family's address sits at the same offset. */
	fprintf(stderr, "hospes: waiting for an incoming migration on tcp:%u\n",
		ntohs(((struct sockaddr_in *)&sa)->sin_port));
	do {
		conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	} while (conn < 0 && errno == EINTR);
	if (conn < 0)
		fprintf(stderr, "hospes: accept on %s: %s\n", spec, strerror(errno));
	else
		tune(conn);
	close(fd);
	return conn;
}
