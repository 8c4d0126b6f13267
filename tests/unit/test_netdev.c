// SPDX-License-Identifier: GPL-2.0-only
/* The ENA guard rails: which interfaces break ENA's native XDP limits, and the
 * exact commands the daemon prints to fix them. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "libvxp/netdev.h"
#include "tap.h"

static void check(const struct netdev_info *nd, int want, const char *problem, const char *fix,
		  const char *what)
{
	char p[256] = "", f[256] = "";
	int ret = netdev_ena_check(nd, p, sizeof(p), f, sizeof(f));

	if (!tap_ok(ret == want && (!problem || (!strcmp(p, problem) && !strcmp(f, fix))), "%s",
		    what)) {
		tap_diag("problem: %s", p);
		tap_diag("fix:     %s", f);
	}
}

int main(void)
{
	const struct netdev_info veth = { "veth0", 2, "veth", 9000, false, 0, 0 };
	const struct netdev_info ena_ok = { "ens5", 2, "ena", 3498, true, 4, 8 };
	const struct netdev_info ena_mtu = { "ens5", 2, "ena", 9001, true, 4, 8 };
	const struct netdev_info ena_ch = { "ens5", 2, "ena", 1500, true, 8, 8 };
	const struct netdev_info ena_both = { "ens5", 2, "ena", 9001, true, 32, 32 };
	const struct netdev_info ena_no_ch = { "ens6", 3, "ena", 3000, false, 0, 0 };
	struct netdev_info lo;

	check(&veth, 0, NULL, NULL, "veth with MTU 9000: not ENA, no limits");
	check(&ena_ok, 0, NULL, NULL, "ENA at MTU 3498 with 4 of 8 channels: fine");
	check(&ena_no_ch, 0, NULL, NULL, "ENA without channel counts: MTU alone decides");
	check(&ena_mtu, -EINVAL, "driver ena: MTU 9001 > 3498", "ip link set dev ens5 mtu 3498",
	      "ENA at MTU 9001: the ip command");
	check(&ena_ch, -EINVAL, "driver ena: 8 combined channels > 4, half of the 8 maximum",
	      "ethtool -L ens5 combined 4", "ENA with all 8 channels: the ethtool command");
	check(&ena_both, -EINVAL,
	      "driver ena: MTU 9001 > 3498: 32 combined channels > 16, half of the 32 maximum",
	      "ip link set dev ens5 mtu 3498; ethtool -L ens5 combined 16",
	      "ENA with both wrong: both commands");
	tap_ok(!netdev_query("lo", &lo) && lo.ifindex > 0 && lo.mtu >= 1500 &&
		       !strcmp(lo.name, "lo"),
	       "netdev_query reads lo (ifindex %d, MTU %u)", lo.ifindex, lo.mtu);
	tap_ok(netdev_query("nosuch-vxp0", &lo) == -ENODEV, "an unknown interface is ENODEV");
	return tap_done();
}
