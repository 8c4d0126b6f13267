// SPDX-License-Identifier: GPL-2.0-only
/* What the daemon's HTTP endpoint says: /metrics in the Prometheus text
 * format, /healthz for a load balancer, and JSON for the vxlan-pipeline CLI
 * (/status, /nat). */
#include "config.h"

#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "daemon_health.h"
#include "daemon_rules.h"
#include "datapath.h"
#include "feature_stream.h"
#include "pages.h"
#include "libvxp/addr.h"
#include "libvxp/nat_table.h"
#include "libvxp/stats.h"
#include "libvxp/sysfile.h"

#define ENA_STATS_MAX 16

static void help(struct buf *b, const char *name, const char *type, const char *text)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

static void counters(struct buf *b, const struct vxp_stats *st)
{
	int i;

	help(b, "vxlan_pipeline_packets_total", "counter",
	     "Frames that reached the VXLAN port, by what became of them and why.");
	for (i = 0; i < VXP_REASON__COUNT; i++)
		buf_printf(b, "vxlan_pipeline_packets_total{result=\"%s\",reason=\"%s\"} %llu\n",
			   stats_outcome_label(vxp_reason_outcome(i)), stats_reason_label(i),
			   (unsigned long long)st->reason[i].packets);
	help(b, "vxlan_pipeline_bytes_total", "counter",
	     "Bytes of those frames as received, outer headers included.");
	for (i = 0; i < VXP_REASON__COUNT; i++)
		buf_printf(b, "vxlan_pipeline_bytes_total{result=\"%s\",reason=\"%s\"} %llu\n",
			   stats_outcome_label(vxp_reason_outcome(i)), stats_reason_label(i),
			   (unsigned long long)st->reason[i].bytes);
	help(b, "vxlan_pipeline_events_total", "counter",
	     "What was done to packets on their way: NAT, DF cleared, fragments; and "
	     "forwarded frames the egress driver refused (redirect_failed).");
	for (i = 0; i < VXP_EVENT__COUNT; i++)
		buf_printf(b, "vxlan_pipeline_events_total{event=\"%s\"} %llu\n",
			   stats_event_label(i), (unsigned long long)st->event[i]);
}

static void attachment(struct buf *b, const struct daemon *d)
{
	help(b, "vxlan_pipeline_xdp_attached", "gauge",
	     "1 while a program of ours is attached to the interface, in this mode.");
	buf_printf(
		b,
		"vxlan_pipeline_xdp_attached{interface=\"%s\",role=\"ingress\",mode=\"%s\"} %d\n",
		d->in.name, conf_xdp_mode_name(d->mode_in), daemon_link_attached(d->link_in));
	if (d->link_out >= 0)
		buf_printf(b,
			   "vxlan_pipeline_xdp_attached{interface=\"%s\",role=\"egress\",mode=\"%"
			   "s\"} %d\n",
			   d->out.name, conf_xdp_mode_name(d->mode_out),
			   daemon_link_attached(d->link_out));
}

static void reloads(struct buf *b, const struct daemon *d)
{
	help(b, "vxlan_pipeline_redirect_failures_counted", "gauge",
	     "1 while the programs that count redirects the egress refuses are attached "
	     "(events_total{event=\"redirect_failed\"}).");
	buf_printf(b, "vxlan_pipeline_redirect_failures_counted %d\n", d->redirects_counted);
	help(b, "vxlan_pipeline_nat_rules", "gauge", "NAT rules in force.");
	buf_printf(b, "vxlan_pipeline_nat_rules %zu\n", d->cfg.n_rules);
	help(b, "vxlan_pipeline_reloads_total", "counter", "Reloads asked for (SIGHUP).");
	buf_printf(b, "vxlan_pipeline_reloads_total %u\n", d->reloads);
	help(b, "vxlan_pipeline_reload_failures_total", "counter",
	     "Reloads that kept the previous configuration.");
	buf_printf(b, "vxlan_pipeline_reload_failures_total %u\n", d->reload_failures);
	help(b, "vxlan_pipeline_last_reload_success", "gauge",
	     "1 if the last reload put its configuration in force (1 before any).");
	buf_printf(b, "vxlan_pipeline_last_reload_success %d\n", !d->reloads || d->reload_ok);
	help(b, "vxlan_pipeline_last_reload_timestamp_seconds", "gauge",
	     "When the last reload happened (0 before any).");
	buf_printf(b, "vxlan_pipeline_last_reload_timestamp_seconds %lld\n",
		   (long long)(d->reloads ? d->reload_time : 0));
	help(b, "vxlan_pipeline_start_time_seconds", "gauge", "When the daemon started.");
	buf_printf(b, "vxlan_pipeline_start_time_seconds %lld\n", (long long)d->started);
	help(b, "vxlan_pipeline_target_pps", "gauge",
	     "The packet rate this host is expected to carry.");
	buf_printf(b, "vxlan_pipeline_target_pps %llu\n", (unsigned long long)d->cfg.target_pps);
	help(b, "vxlan_pipeline_build_info", "gauge", "The running build.");
	buf_printf(b, "vxlan_pipeline_build_info{version=\"%s\"} 1\n", PACKAGE_VERSION);
}

/* Step 8's records after the ring: the program counts its own (events
 * "sampled" and "sample_lost"); these are the daemon's side. */
static void feature_records(struct buf *b, const struct daemon *d)
{
	uint64_t records, dropped;
	unsigned readers;

	features_counts(d->features, &records, &dropped, &readers);
	help(b, "vxlan_pipeline_feature_sampling", "gauge",
	     "1 in this many decapsulated packets becomes a feature record (0: off).");
	buf_printf(b, "vxlan_pipeline_feature_sampling %u\n", d->cfg.feature_sampling);
	help(b, "vxlan_pipeline_feature_records_total", "counter",
	     "Feature records read from the ring.");
	buf_printf(b, "vxlan_pipeline_feature_records_total %llu\n", (unsigned long long)records);
	help(b, "vxlan_pipeline_feature_records_missed_total", "counter",
	     "Records a reader of the features socket missed because it was behind.");
	buf_printf(b, "vxlan_pipeline_feature_records_missed_total %llu\n",
		   (unsigned long long)dropped);
	help(b, "vxlan_pipeline_feature_readers", "gauge", "Readers of the features socket.");
	buf_printf(b, "vxlan_pipeline_feature_readers %u\n", readers);
}

/* A label value as the text format wants it: backslash, quote and newline
 * escaped. */
static void label_value(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			buf_printf(b, "\\%c", *s);
		else if (*s == '\n')
			buf_printf(b, "\\n");
		else
			buf_printf(b, "%c", *s);
	}
}

/* Where a rule was written, as "nat.conf:3": the file's name without its
 * directory, which every instance of a fleet shares. */
static void rule_where(const struct conf_rule *r, char *buf, size_t size)
{
	const char *slash = r->src.file ? strrchr(r->src.file, '/') : NULL;
	struct conf_src src = r->src;

	if (slash)
		src.file = slash + 1;
	conf_src_format(&src, buf, size);
}

static void rule_labels(struct buf *b, const struct daemon *d, size_t i)
{
	const struct conf_rule *r = &d->cfg.rules[i];
	char where[256], to[ADDR_STR_MAX + 8];

	rule_where(r, where, sizeof(where));
	addr_format(r->family, &r->to_addr, r->to_port, to, sizeof(to));
	buf_printf(b, "{rule=\"");
	label_value(b, where);
	buf_printf(b, "\",to=\"");
	label_value(b, to);
	buf_printf(b, "\"}");
}

/* Each rule's counters, read once for every report that shows them: NULL
 * when they cannot be read (free it). */
static struct vxp_counter *rule_counts(const struct daemon *d)
{
	struct vxp_counter *c = calloc(d->cfg.n_rules + 1, sizeof(*c));

	if (c && rules_counters(d, c, d->cfg.n_rules)) {
		free(c);
		c = NULL;
	}
	return c;
}

/* Per NAT rule, from the per-CPU state the program keeps by rule slot. */
static void rule_counters(struct buf *b, const struct daemon *d)
{
	static const char *const names[] = { "vxlan_pipeline_nat_rule_packets_total",
					     "vxlan_pipeline_nat_rule_bytes_total" };
	struct vxp_counter *c = rule_counts(d);
	size_t i;
	int k;

	for (k = 0; k < 2; k++) {
		help(b, names[k], "counter",
		     k ? "Bytes of the frames each NAT rule matched, as received."
		       : "Frames each NAT rule matched (later fragments included); kept "
			 "while the rule stays across reloads.");
		for (i = 0; c && i < d->cfg.n_rules; i++) {
			buf_printf(b, "%s", names[k]);
			rule_labels(b, d, i);
			buf_printf(b, " %llu\n",
				   (unsigned long long)(k ? c[i].bytes : c[i].packets));
		}
	}
	free(c);
}

/* The next hops NAT rules keep in the data plane: what moved them on. */
static void nexthops(struct buf *b, const struct daemon *d)
{
	static const char *const kinds[DAEMON_NH_EVENT__COUNT] = { "route", "neighbour", "link",
								   "address" };
	int i;

	help(b, "vxlan_pipeline_nexthop_events_total", "counter",
	     "rtnetlink events after which NAT rules' next hops are looked up again.");
	for (i = 0; i < DAEMON_NH_EVENT__COUNT; i++)
		buf_printf(b, "vxlan_pipeline_nexthop_events_total{kind=\"%s\"} %llu\n", kinds[i],
			   (unsigned long long)d->nh_events[i]);
	help(b, "vxlan_pipeline_nexthop_generations_total", "counter",
	     "Times the next hops were declared stale: events, reloads, and the age limit.");
	buf_printf(b, "vxlan_pipeline_nexthop_generations_total %llu\n",
		   (unsigned long long)d->nh_moves);
}

/* ENA counts what AWS dropped before our program saw it. */
static void ena_allowances(struct buf *b, const struct daemon *d)
{
	const struct netdev_info *nds[] = { &d->in, &d->out };
	struct netdev_stat st[ENA_STATS_MAX];
	bool helped = false;
	int i, j, n;

	for (i = 0; i < 2; i++) {
		if (strcmp(nds[i]->driver, "ena") || (i && d->out.ifindex == d->in.ifindex))
			continue;
		n = netdev_ethtool_stats(nds[i]->name, "allowance", st, ENA_STATS_MAX);
		if (n > 0 && !helped) {
			help(b, "vxlan_pipeline_ena_allowance_exceeded_total", "counter",
			     "Packets ENA dropped or queued for exceeding an instance allowance "
			     "(ethtool -S), before XDP saw them.");
			helped = true;
		}
		for (j = 0; j < n; j++)
			buf_printf(b,
				   "vxlan_pipeline_ena_allowance_exceeded_total{interface=\"%s\","
				   "counter=\"%s\"} %llu\n",
				   nds[i]->name, st[j].name, st[j].value);
	}
}

/* The process's own figures under the names Prometheus' client libraries
 * give them, so dashboards made for any exporter read them. */
static void process_figures(struct buf *b)
{
	unsigned long long size = 0, resident = 0;
	struct rusage ru = { 0 };
	struct rlimit nofile = { 0 };
	struct dirent *e;
	unsigned fds = 0;
	FILE *f = fopen("/proc/self/statm", "re");
	DIR *dir = opendir("/proc/self/fd");
	long page = sysconf(_SC_PAGESIZE);

	if (f) {
		if (fscanf(f, "%llu %llu", &size, &resident) != 2)
			size = resident = 0;
		fclose(f);
	}
	while (dir && (e = readdir(dir)))
		fds += e->d_name[0] != '.';
	if (dir)
		closedir(dir);
	getrusage(RUSAGE_SELF, &ru);
	getrlimit(RLIMIT_NOFILE, &nofile);
	help(b, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
	buf_printf(b, "process_resident_memory_bytes %llu\n", resident * (unsigned long long)page);
	help(b, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
	buf_printf(b, "process_virtual_memory_bytes %llu\n", size * (unsigned long long)page);
	help(b, "process_cpu_seconds_total", "counter", "User and system CPU time spent.");
	buf_printf(b, "process_cpu_seconds_total %.3f\n",
		   (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
			   (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	help(b, "process_open_fds", "gauge", "Open file descriptors (this read's own included).");
	buf_printf(b, "process_open_fds %u\n", dir ? fds : 0);
	help(b, "process_max_fds", "gauge", "The limit on open file descriptors.");
	buf_printf(b, "process_max_fds %llu\n", (unsigned long long)nofile.rlim_cur);
}

static int page_metrics(void *ctx, struct buf *b)
{
	struct daemon *d = ctx;
	struct vxp_stats st;
	int err = stats_read(datapath_stats_fd(d->dp), &st);

	if (err) {
		buf_printf(b, "reading the counters failed: %s\n", strerror(-err));
		return 500;
	}
	counters(b, &st);
	attachment(b, d);
	reloads(b, d);
	rule_counters(b, d);
	nexthops(b, d);
	feature_records(b, d);
	ena_allowances(b, d);
	process_figures(b);
	return 200;
}

static int page_health(void *ctx, struct buf *b)
{
	struct daemon *d = ctx;
	char reason[256];
	bool ok = daemon_health(d, reason, sizeof(reason));

	buf_printf(b, "%s: %s\n", ok ? "ok" : "unhealthy", reason);
	return ok ? 200 : 503;
}

static void json_counters(struct buf *b, const struct vxp_stats *st)
{
	int i;

	buf_printf(b, "\"reasons\": {");
	for (i = 0; i < VXP_REASON__COUNT; i++)
		buf_printf(b, "%s\"%s\": {\"result\": \"%s\", \"packets\": %llu, \"bytes\": %llu}",
			   i ? ", " : "", stats_reason_label(i),
			   stats_outcome_label(vxp_reason_outcome(i)),
			   (unsigned long long)st->reason[i].packets,
			   (unsigned long long)st->reason[i].bytes);
	buf_printf(b, "}, \"events\": {");
	for (i = 0; i < VXP_EVENT__COUNT; i++)
		buf_printf(b, "%s\"%s\": %llu", i ? ", " : "", stats_event_label(i),
			   (unsigned long long)st->event[i]);
	buf_printf(b, "}");
}

static void json_interface(struct buf *b, const char *role, const struct netdev_info *nd,
			   enum xdp_mode mode, bool attached)
{
	buf_printf(b, "\"%s\": {\"name\": ", role);
	buf_json_string(b, nd->name);
	buf_printf(b, ", \"driver\": ");
	buf_json_string(b, nd->driver);
	buf_printf(b, ", \"mode\": \"%s\", \"attached\": %s}", conf_xdp_mode_name(mode),
		   attached ? "true" : "false");
}

static int page_stats(void *ctx, struct buf *b)
{
	struct daemon *d = ctx;
	struct vxp_stats st;
	int err = stats_read(datapath_stats_fd(d->dp), &st);

	if (err) {
		buf_printf(b, "{\"error\": \"reading the counters: %s\"}\n", strerror(-err));
		return 500;
	}
	buf_printf(b, "{");
	json_counters(b, &st);
	buf_printf(b, "}\n");
	return 200;
}

/* The ingress interface's own count of frames: all traffic, ours or not. */
static long long rx_packets(const char *ifname)
{
	char path[128];
	long long v;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/rx_packets", ifname);
	return sysfile_read(path, &v) ? -1 : v;
}

static int page_status(void *ctx, struct buf *b)
{
	struct daemon *d = ctx;
	struct vxp_stats st;
	struct timespec now;
	char reason[256];
	bool ok = daemon_health(d, reason, sizeof(reason));
	size_t i;

	if (stats_read(datapath_stats_fd(d->dp), &st))
		memset(&st, 0, sizeof(st));
	clock_gettime(CLOCK_REALTIME, &now);
	buf_printf(b, "{\"version\": \"%s\", \"pid\": %d, \"time\": %.3f, \"started\": %lld, ",
		   PACKAGE_VERSION, (int)getpid(), (double)now.tv_sec + (double)now.tv_nsec / 1e9,
		   (long long)d->started);
	json_interface(b, "ingress", &d->in, d->mode_in, daemon_link_attached(d->link_in));
	buf_printf(b, ", ");
	json_interface(b, "egress", &d->out, d->mode_out, daemon_link_attached(d->link_out));
	buf_printf(b, ", \"health\": {\"ok\": %s, \"reason\": ", ok ? "true" : "false");
	buf_json_string(b, reason);
	buf_printf(b, "}, \"ingress_rx_packets\": %lld, \"nat_rules\": %zu, \"vni\": ",
		   rx_packets(d->in.name), d->cfg.n_rules);
	if (d->cfg.any_vni)
		buf_printf(b, "\"any\"");
	for (i = 0; !d->cfg.any_vni && i < d->cfg.n_vnis; i++)
		buf_printf(b, "%s%u", i ? ", " : "[", d->cfg.vnis[i]);
	buf_printf(b,
		   "%s, \"redirect_failures_counted\": %s, "
		   "\"feature_sampling\": %u, \"df_threshold\": %u, \"unmatched\": \"%s\", "
		   "\"target_pps\": %llu, "
		   "\"stats_interval\": %u, \"reloads\": %u, \"reload_failures\": %u, "
		   "\"last_reload\": {\"ok\": %s, \"time\": %lld, \"message\": ",
		   d->cfg.any_vni ? "" : "]", d->redirects_counted ? "true" : "false",
		   d->cfg.feature_sampling, d->cfg.df_threshold,
		   d->cfg.drop_unmatched ? "drop" : "forward",
		   (unsigned long long)d->cfg.target_pps, d->cfg.stats_interval, d->reloads,
		   d->reload_failures, !d->reloads || d->reload_ok ? "true" : "false",
		   (long long)(d->reloads ? d->reload_time : 0));
	buf_json_string(b, d->reloads ? d->reload_msg : "");
	buf_printf(b, "}, \"counters\": {");
	json_counters(b, &st);
	buf_printf(b, "}}\n");
	return 200;
}

static void json_rule(struct buf *b, const struct daemon *d, const struct nat_entry *e)
{
	int family = e->key.family == VXP_AF_INET ? VXP_AF_INET : VXP_AF_INET6;
	int origin = rules_origin(d, e->value.rule_id);
	char addr[ADDR_STR_MAX], where[256] = "";

	buf_printf(b,
		   "{\"family\": \"ipv%d\", \"proto\": \"%s\", \"match\": \"%s\", \"port\": %u, ",
		   family == VXP_AF_INET ? 4 : 6, e->key.proto == IPPROTO_TCP ? "tcp" : "udp",
		   e->key.match == VXP_NAT_MATCH_DST ? "dst_port" : "src_port", ntohs(e->key.port));
	if (nat_entry_is_marker(e)) { /* a port that only has rules naming an address */
		buf_printf(b, "\"marker\": true}");
		return;
	}
	buf_printf(b, "\"dst\": ");
	if (e->value.flags & VXP_NAT_F_WILDCARD)
		buf_printf(b, "null");
	else {
		addr_format(family, &e->key.daddr, 0, addr, sizeof(addr));
		buf_json_string(b, addr);
	}
	addr_format(family, &e->value.addr, ntohs(e->value.port), addr, sizeof(addr));
	buf_printf(b, ", \"to\": ");
	buf_json_string(b, addr);
	if (origin >= 0)
		conf_src_format(&d->cfg.rules[origin].src, where, sizeof(where));
	buf_printf(b, ", \"source\": ");
	buf_json_string(b, where);
	buf_printf(b, "}");
}

/* Each rule of the configuration with what it matched (0 when that cannot
 * be read). */
static void json_rule_counters(struct buf *b, const struct daemon *d)
{
	char where[256], to[ADDR_STR_MAX + 8];
	struct vxp_counter *c = rule_counts(d), none = { 0 };
	size_t i;

	for (i = 0; i < d->cfg.n_rules; i++) {
		const struct conf_rule *r = &d->cfg.rules[i];
		const struct vxp_counter *ci = c ? &c[i] : &none;

		conf_src_format(&r->src, where, sizeof(where));
		addr_format(r->family, &r->to_addr, r->to_port, to, sizeof(to));
		buf_printf(b, "%s{\"source\": ", i ? ",\n  " : "\n  ");
		buf_json_string(b, where);
		buf_printf(b, ", \"to\": ");
		buf_json_string(b, to);
		buf_printf(b, ", \"packets\": %llu, \"bytes\": %llu}",
			   (unsigned long long)ci->packets, (unsigned long long)ci->bytes);
	}
	free(c);
}

static int page_nat(void *ctx, struct buf *b)
{
	struct daemon *d = ctx;
	struct nat_entry *entries = calloc(VXP_NAT_ENTRIES_MAX, sizeof(*entries));
	int outer, tables[2], n, i;

	if (!entries)
		return 500;
	datapath_nat_fds(d->dp, &outer, tables);
	n = nat_table_dump(outer, tables, entries, VXP_NAT_ENTRIES_MAX);
	if (n < 0) {
		free(entries);
		buf_printf(b, "{\"error\": \"reading the NAT table: %s\"}\n", strerror(-n));
		return 500;
	}
	buf_printf(b, "{\"table\": %d, \"entries\": [", nat_table_active(outer, tables));
	for (i = 0; i < n; i++) {
		buf_printf(b, i ? ",\n  " : "\n  ");
		json_rule(b, d, &entries[i]);
	}
	buf_printf(b, "\n], \"rules\": [");
	json_rule_counters(b, d);
	buf_printf(b, "\n]}\n");
	free(entries);
	return 200;
}

const struct http_page pages[PAGES_N] = {
	/* the scraper's and the load balancer's, wherever they come from */
	{ "/metrics", "text/plain; version=0.0.4; charset=utf-8", page_metrics,
	  HTTP_ON_TCP | HTTP_ON_CONTROL },
	{ "/healthz", "text/plain; charset=utf-8", page_health, HTTP_ON_TCP | HTTP_ON_CONTROL },
	/* the operator's: rules, files and addresses for the service group only */
	{ "/status", "application/json", page_status, HTTP_ON_CONTROL },
	{ "/stats", "application/json", page_stats, HTTP_ON_CONTROL },
	{ "/nat", "application/json", page_nat, HTTP_ON_CONTROL },
};
