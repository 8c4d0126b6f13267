// SPDX-License-Identifier: GPL-2.0-only
/* Addresses as the configuration writes them, with and without ports. */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "libvxp/addr.h"
#include "tap.h"

static void check(const char *s, int want_family, const char *want_addr, unsigned want_port)
{
	union vxp_addr a, want = { 0 };
	char back[ADDR_STR_MAX];
	uint16_t port = 0;
	int family = addr_parse_port(s, &a, &port);

	if (want_family > 0)
		inet_pton(want_family == VXP_AF_INET ? AF_INET : AF_INET6, want_addr, &want);
	if (want_family < 0) {
		tap_ok(family == want_family, "'%s' is refused (%d)", s, family);
		return;
	}
	addr_format(family, &a, port, back, sizeof(back));
	tap_ok(family == want_family && !memcmp(&a, &want, sizeof(a)) && port == want_port,
	       "'%s': IPv%d %s port %u, printed back as %s", s, want_family == VXP_AF_INET ? 4 : 6,
	       want_addr, want_port, back);
}

int main(void)
{
	char buf[ADDR_STR_MAX];
	union vxp_addr a;

	check("10.2.41.17:8081", VXP_AF_INET, "10.2.41.17", 8081);
	check("10.2.41.17", VXP_AF_INET, "10.2.41.17", 0);
	check("[fd02::53]:5353", VXP_AF_INET6, "fd02::53", 5353);
	check("[fd02::53]", VXP_AF_INET6, "fd02::53", 0);
	check("fd02::53", VXP_AF_INET6, "fd02::53", 0);
	check("::ffff:10.0.0.1", VXP_AF_INET6, "::ffff:10.0.0.1", 0);
	check("10.2.41.300:80", -1, NULL, 0);
	check("10.2.41.17:", -2, NULL, 0);
	check("10.2.41.17:0", -2, NULL, 0);
	check("10.2.41.17:65536", -2, NULL, 0);
	check("10.2.41.17:80x", -2, NULL, 0);
	check("[fd02::53]:", -2, NULL, 0);
	check("[10.0.0.1]:80", -1, NULL, 0);
	check("[fd02::53", -1, NULL, 0);
	check("", -1, NULL, 0);
	check("localhost:80", -1, NULL, 0);
	addr_parse("fd02::53", &a);
	addr_format(VXP_AF_INET6, &a, 80, buf, sizeof(buf));
	tap_ok(!strcmp(buf, "[fd02::53]:80"), "IPv6 with a port prints in brackets");
	return tap_done();
}
