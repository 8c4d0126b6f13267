// SPDX-License-Identifier: GPL-2.0-only
/* Parsing and printing of the addresses the configuration names: an IPv4 or
 * IPv6 address, optionally with a port ("10.0.0.1:80", "[fd00::1]:80"). */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

int addr_parse(const char *s, union vxp_addr *ret_addr)
{
	memset(ret_addr, 0, sizeof(*ret_addr));
	if (inet_pton(AF_INET, s, &ret_addr->v4) == 1)
		return VXP_AF_INET;
	if (inet_pton(AF_INET6, s, ret_addr->bytes) == 1)
		return VXP_AF_INET6;
	return -1;
}

static int port_parse(const char *s, uint16_t *ret_port)
{
	char *end;
	long v;

	if (!*s || *s == '-' || *s == '+')
		return -2;
	v = strtol(s, &end, 10);
	if (*end || v < 1 || v > 65535)
		return -2;
	*ret_port = (uint16_t)v;
	return 0;
}

int addr_parse_port(const char *s, union vxp_addr *ret_addr, uint16_t *ret_port)
{
	char host[ADDR_STR_MAX];
	const char *colon, *close;
	size_t len;
	int family;

	*ret_port = 0;
	if (s[0] == '[') { /* [IPv6]:port */
		close = strchr(s, ']');
		if (!close || (size_t)(close - s - 1) >= sizeof(host))
			return -1;
		memcpy(host, s + 1, close - s - 1);
		host[close - s - 1] = '\0';
		if (addr_parse(host, ret_addr) != VXP_AF_INET6)
			return -1;
		if (!close[1])
			return VXP_AF_INET6;
		if (close[1] != ':')
			return -1;
		return port_parse(close + 2, ret_port) ? -2 : VXP_AF_INET6;
	}
	family = addr_parse(s, ret_addr); /* IPv4 or bare IPv6, no port */
	if (family > 0)
		return family;
	colon = strrchr(s, ':');
	if (!colon || strchr(s, ':') != colon) /* bare IPv6 needs brackets for a port */
		return -1;
	len = colon - s;
	if (len >= sizeof(host))
		return -1;
	memcpy(host, s, len);
	host[len] = '\0';
	if (addr_parse(host, ret_addr) != VXP_AF_INET)
		return -1;
	return port_parse(colon + 1, ret_port) ? -2 : VXP_AF_INET;
}

void addr_format(int family, const union vxp_addr *a, uint16_t port, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN];

	inet_ntop(family == VXP_AF_INET ? AF_INET : AF_INET6, a, host, sizeof(host));
	if (!port)
		snprintf(buf, size, "%s", host);
	else if (family == VXP_AF_INET6)
		snprintf(buf, size, "[%s]:%u", host, port);
	else
		snprintf(buf, size, "%s:%u", host, port);
}

void addr_sockaddr(int family, const union vxp_addr *a, uint16_t port, struct sockaddr_storage *ret,
		   unsigned *ret_len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ret;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ret;

	memset(ret, 0, sizeof(*ret));
	if (family == VXP_AF_INET) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		if (a)
			s4->sin_addr.s_addr = a->v4;
		*ret_len = sizeof(*s4);
		return;
	}
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	if (a)
		memcpy(&s6->sin6_addr, a->bytes, 16);
	*ret_len = sizeof(*s6);
}
