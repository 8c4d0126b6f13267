// SPDX-License-Identifier: GPL-2.0-only
/* Restart without a gap, the daemon's part: take over the XDP links the
 * previous daemon left in systemd's fd store, swapping the new program in
 * with one link update; and leave this daemon's links and maps there for the
 * next. systemctl stop empties the store, which detaches. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "attach.h"
#include "daemon.h"
#include "daemon_takeover.h"
#include "datapath.h"
#include "fdstore.h"
#include "notify.h"
#include "libvxp/log.h"

/* The mode the kernel reports for the program on ifindex. */
static enum xdp_mode attached_mode(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q))
		return XDP_MODE_AUTO;
	return q.attach_mode == XDP_ATTACHED_SKB ? XDP_MODE_GENERIC : XDP_MODE_NATIVE;
}

/* Why the stored link cannot carry the new program, or NULL if it can. */
static const char *unfit(const struct daemon *d, int link, const struct netdev_info *nd,
			 enum xdp_mode mode)
{
	int ifindex = attach_link_ifindex(link);

	if (ifindex < 0)
		return "it is not an XDP link";
	if (ifindex != nd->ifindex)
		return "it is on another interface";
	if (d->cfg.xdp_mode != XDP_MODE_AUTO && d->cfg.xdp_mode != mode)
		return "xdp_mode changed";
	return NULL;
}

int daemon_take_link(struct daemon *d, struct fdstore *s, const char *name, int prog_fd,
		     const struct netdev_info *nd, const char *role, enum xdp_mode *ret_mode)
{
	const char *fields[] = { "MESSAGE_ID=" MESSAGE_ID_ATTACH, NULL, NULL, NULL };
	char f_if[64], f_mode[64];
	int link = fdstore_get(s, name);
	enum xdp_mode mode;
	const char *why;

	if (link < 0)
		return -1;
	mode = attached_mode(nd->ifindex);
	why = unfit(d, link, nd, mode);
	if (!why && bpf_link_update(link, prog_fd, NULL))
		why = strerror(errno);
	if (why) {
		log_notice(
			"not taking over the previous daemon's XDP link on %s interface '%s' "
			"(%s): attaching afresh, and what arrives meanwhile passes to the kernel",
			role, nd->name, why);
		close(link);
		return -1;
	}
	*ret_mode = mode;
	snprintf(f_if, sizeof(f_if), "VXP_INTERFACE=%s", nd->name);
	snprintf(f_mode, sizeof(f_mode), "VXP_XDP_MODE=%s", conf_xdp_mode_name(mode));
	fields[1] = f_if;
	fields[2] = f_mode;
	log_fields(LOG_INFO, fields,
		   "took over the XDP link on %s interface '%s' (%s XDP): this program replaced "
		   "the previous one in one update",
		   role, nd->name, conf_xdp_mode_name(mode));
	return link;
}

static void prune(struct fdstore *s)
{
	int n = fdstore_prune(s);

	if (n > 0)
		log_info("removed %d names from the service manager's fd store that the "
			 "previous daemon stored and this one does not use",
			 n);
	else if (n < 0)
		log_notice("Failed to remove the previous daemon's unused names from the service "
			   "manager's fd store: %s; they stay there until systemctl stop",
			   strerror(-n));
}

void daemon_store(struct daemon *d, struct fdstore *s)
{
	int err = 0, maps = 0;

	if (!notify_available())
		return;
	err = fdstore_put(s, d->link_in, FDSTORE_LINK_IN);
	if (!err && d->link_out >= 0)
		err = fdstore_put(s, d->link_out, FDSTORE_LINK_OUT);
	if (!err) {
		maps = datapath_store(d->dp, s);
		err = maps < 0 ? maps : 0;
	}
	if (err) {
		log_notice("Failed to leave the XDP links in the service manager's fd store: %s; "
			   "a restart will detach and attach again",
			   strerror(-err));
		return;
	}
	d->stored = true;
	log_info("the XDP links and %d maps are in the service manager's fd store: a restart "
		 "keeps forwarding, and systemctl stop detaches",
		 maps);
	prune(s);
}
