// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-pipelined's start and shutdown: load the data plane, configure it,
 * check the interfaces, attach, drop privileges; and undo it all. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "daemon.h"
#include "daemon_ingress.h"
#include "daemon_reload.h"
#include "daemon_rules.h"
#include "daemon_start.h"
#include "daemon_takeover.h"
#include "datapath.h"
#include "fdstore.h"
#include "ingress_sysctl.h"
#include "feature_stream.h"
#include "http.h"
#include "pages.h"
#include "resolver.h"
#include "libvxp/log.h"

static int interface_ready(const struct daemon *d, struct netdev_info *nd, const char *role)
{
	char problem[256], fix[256];
	int err = netdev_query(nd->name, nd);

	if (err) {
		log_err("Failed to read %s interface '%s': %s", role, nd->name, strerror(-err));
		return err;
	}
	if (netdev_has_default_route(nd->name) && !d->cfg.allow_default_route) {
		log_err("Refusing to attach XDP to %s interface '%s': it carries the default "
			"route, and a program there could cut this host off (set "
			"allow_default_route = true to attach anyway)",
			role, nd->name);
		return -EPERM;
	}
	if (d->cfg.xdp_mode == XDP_MODE_GENERIC ||
	    !netdev_ena_check(nd, problem, sizeof(problem), fix, sizeof(fix)))
		return 0;
	if (!d->cfg.ena_fix) {
		log_err("Failed to prepare %s interface '%s' for native XDP: %s; run: %s (or set "
			"ena_fix = true)",
			role, nd->name, problem, fix);
		return -EINVAL;
	}
	log_notice("%s interface '%s': %s; applying: %s", role, nd->name, problem, fix);
	err = netdev_ena_apply(nd);
	if (err) {
		log_err("Failed to apply the ENA limits to '%s': %s; run: %s", nd->name,
			strerror(-err), fix);
		return err;
	}
	return netdev_query(nd->name, nd);
}

/* Next hops the program finds without a neighbour entry are resolved by a
 * child that keeps CAP_NET_ADMIN alone; without it, only the kernel's own
 * traffic resolves them. */
static void start_resolver(struct daemon *d)
{
	d->resolver = resolver_start(d->cfg.user);
	if (!d->resolver)
		log_warn("Failed to start the neighbour resolver: %s; packets to a next hop "
			 "without a neighbour entry are dropped until something else resolves it",
			 strerror(errno));
}

/* Attached while the daemon still holds CAP_PERFMON; without them, failed
 * redirects go unseen, and the health says it cannot tell. Not fatal. */
static void count_redirect_failures(struct daemon *d)
{
	int err = datapath_count_redirect_failures(d->dp, d->in.ifindex);

	d->redirects_counted = !err;
	if (err)
		log_warn("Failed to attach the programs that count redirects the egress refuses "
			 "(tracepoints xdp_devmap_xmit, xdp_redirect_err): %s; such failures "
			 "will go unseen (they need the kernel's BTF and CAP_PERFMON)",
			 strerror(-err));
}

/* After a takeover the device map may name the previous daemon's egress:
 * only this configuration's stays. */
static void prune_tx_ports(struct daemon *d)
{
	int n = datapath_prune_tx_ports(d->dp, &d->out.ifindex, 1);

	if (n > 0)
		log_info("removed %d transmit port%s the previous daemon had and this "
			 "configuration has not",
			 n, n == 1 ? "" : "s");
	else if (n < 0)
		log_warn("Failed to remove the previous daemon's transmit ports: %s", strerror(-n));
}

static int attach_one(struct daemon *d, int prog_fd, const struct netdev_info *nd, const char *role,
		      enum xdp_mode *ret_mode)
{
	const char *fields[] = { "MESSAGE_ID=" MESSAGE_ID_ATTACH, NULL, NULL, NULL };
	char f_if[64], f_mode[64];
	int native_err, fd;

	fd = attach_xdp(prog_fd, nd->ifindex, d->cfg.xdp_mode, ret_mode, &native_err);
	if (fd < 0) {
		log_err("Failed to attach XDP to %s interface '%s' (%s mode): %s (driver %s%s%s)",
			role, nd->name, conf_xdp_mode_name(*ret_mode), strerror(-fd),
			nd->driver[0] ? nd->driver : "unknown", *attach_hint(-fd) ? "; " : "",
			attach_hint(-fd));
		return fd;
	}
	if (native_err)
		log_warn("%s interface '%s': native XDP failed: %s (driver %s%s%s); running in "
			 "generic mode, which is slower",
			 role, nd->name, strerror(native_err),
			 nd->driver[0] ? nd->driver : "unknown",
			 *attach_hint(native_err) ? "; " : "", attach_hint(native_err));
	snprintf(f_if, sizeof(f_if), "VXP_INTERFACE=%s", nd->name);
	snprintf(f_mode, sizeof(f_mode), "VXP_XDP_MODE=%s", conf_xdp_mode_name(*ret_mode));
	fields[1] = f_if;
	fields[2] = f_mode;
	log_fields(LOG_INFO, fields, "attached to %s interface '%s' (%s XDP, driver %s)", role,
		   nd->name, conf_xdp_mode_name(*ret_mode), nd->driver);
	return fd;
}

/* Drivers that accept redirected frames only with an XDP program of their own. */
static bool egress_needs_program(const struct daemon *d)
{
	return d->in.ifindex != d->out.ifindex &&
	       (!strcmp(d->out.driver, "ena") || !strcmp(d->out.driver, "veth"));
}

/* The previous daemon's links first (one atomic program swap each), else new
 * ones. */
static int attach_all(struct daemon *d, struct fdstore *s)
{
	int prog = datapath_pipeline_fd(d->dp);

	d->link_in = daemon_take_link(d, s, FDSTORE_LINK_IN, prog, &d->in, "ingress", &d->mode_in);
	if (d->link_in < 0)
		d->link_in = attach_one(d, prog, &d->in, "ingress", &d->mode_in);
	if (d->link_in < 0)
		return d->link_in;
	if (!egress_needs_program(d))
		return 0;
	prog = datapath_egress_fd(d->dp);
	d->link_out =
		daemon_take_link(d, s, FDSTORE_LINK_OUT, prog, &d->out, "egress", &d->mode_out);
	if (d->link_out < 0)
		d->link_out = attach_one(d, prog, &d->out, "egress", &d->mode_out);
	if (d->link_out < 0)
		return d->link_out;
	if (!strcmp(d->out.driver, "veth"))
		log_info(
			"egress '%s' is a veth: redirected frames also need XDP or GRO on its peer",
			d->out.name);
	return 0;
}

/* What a reload does with BPF maps, run by privs_probe() without capabilities:
 * install the NAT rules in force once more. */
static int probe_reload(void *arg)
{
	struct daemon *d = arg;

	log_set_max_level(-1); /* a refusal here is an answer, not an error */
	return daemon_apply(d, &d->cfg);
}

static int drop_privileges(struct daemon *d)
{
	const char *step = "";
	char held[512];
	int err;

	err = privs_probe(probe_reload, d, &d->privs);
	if (err) {
		d->privs = PRIVS_CAP_BPF;
		log_warn("Could not probe what reloads need (%s); keeping CAP_BPF", strerror(-err));
	}
	err = privs_drop(d->privs, d->cfg.user, &step);
	if (err) {
		log_err("Failed to drop privileges while %s: %s", step, strerror(-err));
		return err;
	}
	if (privs_describe(held, sizeof(held)))
		snprintf(held, sizeof(held), "keeping %s", privs_need_name(d->privs));
	log_info("privileges dropped: %s%s%s", held, d->cfg.user[0] ? "; running as " : "",
		 d->cfg.user);
	if (!getuid() || !geteuid())
		log_warn("running as root (uid 0) without capabilities: it still reads and writes "
			 "every file root owns; set user = \"vxlan-pipeline\" (or another user) in "
			 "pipeline.conf to run as that user once attached");
	return 0;
}

/* Both interfaces read, and ready for native XDP where that is asked for. */
static int interfaces_ready(struct daemon *d)
{
	int err;

	snprintf(d->in.name, sizeof(d->in.name), "%s", d->cfg.ingress);
	snprintf(d->out.name, sizeof(d->out.name), "%s", d->cfg.egress);
	err = interface_ready(d, &d->in, "ingress");
	if (err)
		return err;
	if (strcmp(d->in.name, d->out.name))
		return interface_ready(d, &d->out, "egress");
	d->out = d->in;
	return 0;
}

/* What the previous daemon left in systemd's fd store, if anything. */
static void take_store(struct fdstore *s)
{
	int err = fdstore_take(s);

	if (err > 0)
		log_info("the service manager handed back %u fds from the previous daemon", s->n);
	else if (err < 0)
		log_notice("Failed to take the fds the service manager handed back: %s; starting "
			   "afresh",
			   strerror(-err));
}

/* The programs and maps loaded (the previous daemon's maps where they fit),
 * the configuration in them, the egress interface among the ports. */
static int load_datapath(struct daemon *d, struct fdstore *s)
{
	struct datapath_opts opts = { .vxlan_port = d->cfg.vxlan_port, .store = s };
	int err;

	d->dp = datapath_open(&opts);
	if (!d->dp) {
		err = -errno;
		log_err("Failed to load the BPF programs: %s", strerror(-err));
		log_verifier_tail();
		return err;
	}
	/* the ingress's MAC and addresses before the program is attached: it
	 * takes no VXLAN before it knows them */
	err = daemon_ingress_start(d);
	if (!err && !ingress_sysctl_ipv6_forwarding(d->in.name))
		log_warn("IPv6 forwarding is off on '%s': inner IPv6 is dropped as "
			 "forwarding_disabled (vxlan-pipelined --prepare-sysctl, which the unit "
			 "runs before it starts, turns it on)",
			 d->in.name);
	if (!err)
		count_redirect_failures(d);
	if (!err)
		err = daemon_apply(d, &d->cfg);
	if (!err && (err = datapath_add_tx_port(d->dp, d->out.ifindex)))
		log_err("Failed to add '%s' to the transmit ports: %s", d->out.name,
			strerror(-err));
	if (!err)
		prune_tx_ports(d);
	return err;
}

/* The HTTP endpoint and the features socket; each logs why it failed. */
static int open_sockets(struct daemon *d)
{
	char path[CONF_PATH_MAX + 16];

	d->http = http_open(pages, PAGES_N, d, d->cfg.metrics_listen, d->cfg.control_socket);
	if (!d->http)
		return -errno;
	feature_socket_path(d->cfg.control_socket, path, sizeof(path));
	d->features = features_open(datapath_features_fd(d->dp), path);
	if (!d->features)
		return -errno;
	features_drain(d->features, d->cfg.feature_sampling > 0);
	return 0;
}

int daemon_start(struct daemon *d)
{
	struct fdstore store = { 0 };
	int err;

	d->link_in = d->link_out = -1;
	d->epfd = d->sigfd = d->statfd = d->wdfd = d->neighfd = -1;
	d->started = time(NULL);
	err = interfaces_ready(d);
	if (err)
		return err;
	start_resolver(d); /* before anything worth hiding from it is open */
	take_store(&store);
	err = load_datapath(d, &store);
	/* the sockets before the interfaces: a taken port must not cost an
	 * attach and a detach (on ENA, two link resets) per start attempt */
	if (!err)
		err = open_sockets(d);
	if (!err)
		err = attach_all(d, &store);
	fdstore_close(&store); /* links not taken over detach here */
	if (!err)
		err = drop_privileges(d);
	if (!err) /* only a daemon that started whole hands on its links */
		daemon_store(d, &store);
	return err;
}

void daemon_shutdown(struct daemon *d)
{
	const char *fields[] = { "MESSAGE_ID=" MESSAGE_ID_DETACH, NULL };
	bool in = d->link_in >= 0, out = d->link_out >= 0;

	/* closing the last reference to a bpf_link detaches its program; with
	 * copies in systemd's fd store, systemd holds the last one */
	if (out)
		close(d->link_out);
	if (in)
		close(d->link_in);
	d->link_in = d->link_out = -1;
	if (in && d->stored)
		log_info("closed the XDP links; the copies in the service manager's fd store, if "
			 "it kept them, hold the programs attached until systemctl stop");
	else if (in)
		log_fields(LOG_INFO, fields, "detached from '%s'%s%s%s", d->in.name,
			   out ? " and '" : "", out ? d->out.name : "", out ? "'" : "");
	http_close(d->http);
	d->http = NULL;
	features_close(d->features);
	d->features = NULL;
	daemon_ingress_stop(d);
	resolver_stop(d->resolver);
	d->resolver = NULL;
	datapath_close(d->dp);
	d->dp = NULL;
	rules_free(d);
	conf_free(&d->cfg);
	if (d->epfd >= 0)
		close(d->epfd);
	if (d->sigfd >= 0)
		close(d->sigfd);
	if (d->statfd >= 0)
		close(d->statfd);
	if (d->wdfd >= 0)
		close(d->wdfd);
	if (d->neighfd >= 0)
		close(d->neighfd);
	d->epfd = d->sigfd = d->statfd = d->wdfd = d->neighfd = -1;
}
