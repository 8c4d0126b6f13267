// SPDX-License-Identifier: GPL-2.0-only
/* The XDP link as the daemon asks after it: on which interface it is (the
 * takeover checks a stored link with this), attached or not (health,
 * /metrics, /status), and what becomes of it when its interface goes. */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>

#include "daemon/attach.h"
#include "daemon/daemon_health.h"
#include "daemon/datapath.h"
#include "tap.h"
#include "testnet.h"

int main(void)
{
	struct testnet tn;
	struct datapath *dp;
	enum xdp_mode used;
	int link, native_err, ifindex;

	tap_require_root("attaching XDP programs");
	testnet_setup(&tn);
	dp = datapath_open(NULL);
	if (!dp)
		tap_bail("loading the data path: %s", strerror(errno));
	link = attach_xdp(datapath_pipeline_fd(dp), tn.oth0, XDP_MODE_GENERIC, &used, &native_err);
	if (link < 0)
		tap_bail("attaching to oth0: %s", strerror(-link));
	ifindex = attach_link_ifindex(link);
	tap_ok(ifindex == tn.oth0, "the link is on oth0 (index %d): %d", tn.oth0, ifindex);
	tap_ok(daemon_link_attached(link), "and attached");
	/* vxp_stats is a per-CPU array: type 6, as BPF_LINK_TYPE_XDP is */
	ifindex = attach_link_ifindex(datapath_stats_fd(dp));
	tap_ok(ifindex == -EINVAL, "a per-CPU array map's fd is no XDP link: -EINVAL (%d)",
	       ifindex);
	ifindex = attach_link_ifindex(datapath_pipeline_fd(dp));
	tap_ok(ifindex == -EINVAL, "nor is a program's: -EINVAL (%d)", ifindex);
	ifindex = attach_link_ifindex(-1);
	tap_ok(ifindex == -EBADF && !daemon_link_attached(-1), "no fd: -EBADF, not attached (%d)",
	       ifindex);
	if (testnet_sh("ip link del oth0"))
		tap_bail("ip link del oth0 failed");
	ifindex = attach_link_ifindex(link);
	tap_ok(ifindex == 0 && !daemon_link_attached(link),
	       "oth0 deleted: the link stays, on no interface (%d), not attached", ifindex);
	close(link);
	datapath_close(dp);
	return tap_done();
}
