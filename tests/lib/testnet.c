// SPDX-License-Identifier: GPL-2.0-only
/* The routing world BPF tests run in: a private network namespace of the test
 * process with veth interfaces, neighbours and routes for every forwarding
 * outcome. It vanishes with the process, whatever happens. */
#include "config.h"

#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tap.h"
#include "testnet.h"

static const char *const topology[] = {
	"ip link set lo up",
	"ip link add in0 address 02:00:00:00:01:00 type veth peer name in1 address "
	"02:00:00:00:01:01",
	"ip link add out0 address 02:00:00:00:02:00 type veth peer name out1 address "
	"02:00:00:00:02:01",
	"ip link add mtu0 address 02:00:00:00:03:00 mtu 1280 type veth peer name mtu1 mtu 1280",
	"ip link add oth0 address 02:00:00:00:04:00 type veth peer name oth1",
	"for i in in0 in1 out0 out1 mtu0 mtu1 oth0 oth1; do ip link set $i up || exit 1; done",
	"ip addr add 10.0.0.1/24 dev in0",
	"ip addr add 10.1.0.1/24 dev out0",
	"ip addr add 10.3.0.1/24 dev mtu0",
	"ip addr add 10.19.0.1/24 dev oth0",
	"ip -6 addr add fd00::1/64 dev in0 nodad",
	"ip -6 addr add fd01::1/64 dev out0 nodad",
	"ip -6 addr add fd03::1/64 dev mtu0 nodad",
	"ip -6 addr add fd19::1/64 dev oth0 nodad",
	"ip neigh add 10.1.0.2 lladdr 02:00:00:00:02:02 dev out0 nud permanent",
	"ip neigh add fd01::2 lladdr 02:00:00:00:02:02 dev out0 nud permanent",
	"ip neigh add 10.3.0.2 lladdr 02:00:00:00:03:02 dev mtu0 nud permanent",
	"ip neigh add fd03::2 lladdr 02:00:00:00:03:02 dev mtu0 nud permanent",
	"ip neigh add 10.19.0.2 lladdr 02:00:00:00:04:02 dev oth0 nud permanent",
	"ip neigh add fd19::2 lladdr 02:00:00:00:04:02 dev oth0 nud permanent",
	"ip route add 10.2.0.0/16 via 10.1.0.2",
	"ip route add 192.168.0.0/16 via 10.1.0.2",
	"ip route add 10.10.0.0/16 via 10.1.0.2",
	"ip -6 route add fd02::/64 via fd01::2",
	"ip route add 10.4.0.0/16 dev out0",
	"ip -6 route add fd04::/64 dev out0",
	"ip route add 10.5.0.0/16 via 10.3.0.2",
	"ip route add 10.15.0.0/16 dev mtu0",
	"ip -6 route add fd05::/64 via fd03::2",
	"ip route add blackhole 10.6.0.0/16",
	"ip -6 route add blackhole fd06::/64",
	"ip route add unreachable 10.7.0.0/16",
	"ip -6 route add unreachable fd07::/64",
	"ip route add prohibit 10.8.0.0/16",
	"ip -6 route add prohibit fd08::/64",
	"ip route add 10.9.0.0/16 via 10.19.0.2",
	"ip -6 route add fd09::/64 via fd19::2",
	"sysctl -qw net.ipv4.ip_forward=1",
	"sysctl -qw net.ipv6.conf.all.forwarding=1",
};

int testnet_sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc == -1 || !WIFEXITED(rc))
		return -1;
	return WEXITSTATUS(rc);
}

static int ifindex(const char *name)
{
	int i = if_nametoindex(name);

	if (!i)
		tap_bail("no interface '%s' in the test namespace", name);
	return i;
}

void testnet_setup(struct testnet *tn)
{
	size_t i;

	tap_require_root("a test network namespace");
	if (unshare(CLONE_NEWNET))
		tap_bail("unshare(CLONE_NEWNET): %m");
	for (i = 0; i < sizeof(topology) / sizeof(topology[0]); i++)
		if (testnet_sh("%s", topology[i]))
			tap_bail("test topology: '%s' failed", topology[i]);
	tn->in0 = ifindex("in0");
	tn->out0 = ifindex("out0");
	tn->mtu0 = ifindex("mtu0");
	tn->oth0 = ifindex("oth0");
}
