// SPDX-License-Identifier: GPL-2.0-only
/* What needs the whole configuration: the command-line flags on top of the
 * files, required settings, names that must exist on this host, overlapping
 * NAT rules and the capacity of the NAT table. */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <netinet/in.h>

#include "addr.h"
#include "conf_check.h"
#include "conf_rules.h"
#include "feature_socket.h"
#include "file_trust.h"

/* The seed loader's defaults for a NAT rule given in part. */
#define SEED_NAT_ADDR	 "127.0.0.1"
#define SEED_NAT_PORT	 8080
#define SEED_SOURCE_PORT 31765

static const struct conf_src cmdline = { NULL, 0 };

static int override_rule(struct pipeline_config *cfg, const struct conf_overrides *o,
			 struct conf_errors *errs)
{
	struct conf_rule r = { .proto = IPPROTO_UDP, .match = VXP_NAT_MATCH_SRC, .src = cmdline };
	const char *addr = o->nat_addr ? o->nat_addr : SEED_NAT_ADDR;
	int port = o->nat_port >= 0 ? o->nat_port : SEED_NAT_PORT;
	int sport = o->source_port >= 0 ? o->source_port : SEED_SOURCE_PORT;
	int family = addr_parse(addr, &r.to_addr);

	if (family < 0)
		conf_error(errs, &cmdline, "-a is '%s'; expected an IPv4 or IPv6 address", addr);
	if (port < 1 || port > 65535)
		conf_error(errs, &cmdline, "-p is %d; expected a port from 1 to 65535", port);
	if (sport < 1 || sport > 65535)
		conf_error(errs, &cmdline, "-s is %d; expected a port from 1 to 65535", sport);
	if (family < 0 || port < 1 || port > 65535 || sport < 1 || sport > 65535)
		return -EINVAL;
	r.family = (uint8_t)family;
	r.to_port = (uint16_t)port;
	r.port_first = r.port_last = (uint16_t)sport;
	free(cfg->rules);
	cfg->rules = malloc(sizeof(r));
	if (!cfg->rules)
		return -ENOMEM;
	cfg->rules[0] = r;
	cfg->n_rules = 1;
	cfg->is_set[CONF_NAT] = true;
	cfg->set_at[CONF_NAT] = cmdline;
	return 0;
}

static void override_name(struct pipeline_config *cfg, enum conf_key key, char *field,
			  const char *flag, const char *value, struct conf_errors *errs)
{
	if (!value)
		return;
	if (!*value || strlen(value) >= IF_NAMESIZE) {
		conf_error(errs, &cmdline,
			   "%s is '%s'; expected an interface name of 1 to %d "
			   "characters",
			   flag, value, IF_NAMESIZE - 1);
		return;
	}
	snprintf(field, IF_NAMESIZE, "%s", value);
	cfg->is_set[key] = true;
	cfg->set_at[key] = cmdline;
}

int conf_apply_overrides(struct pipeline_config *cfg, const struct conf_overrides *o,
			 struct conf_errors *errs)
{
	unsigned before = errs->n;

	override_name(cfg, CONF_INGRESS, cfg->ingress, "-i", o->ingress, errs);
	override_name(cfg, CONF_EGRESS, cfg->egress, "-t", o->egress, errs);
	if (o->interval >= 0) {
		if (o->interval < 1 || o->interval > 3600)
			conf_error(errs, &cmdline, "-I is %d; expected 1 to 3600 seconds",
				   o->interval);
		cfg->stats_interval = (unsigned)o->interval;
		cfg->set_at[CONF_STATS_INTERVAL] = cmdline;
	}
	if (o->nat_addr || o->nat_port >= 0 || o->source_port >= 0)
		override_rule(cfg, o, errs);
	return errs->n == before ? 0 : -EINVAL;
}

static void check_required(const struct pipeline_config *cfg, enum conf_key key, const char *flag,
			   struct conf_errors *errs)
{
	struct conf_src where = { cfg->dir ? cfg->dir : CONF_DIR_DEFAULT, 0 };

	if (!cfg->is_set[key])
		conf_error(errs, &where,
			   "no '%s' in any *.conf here, and no %s on the command line",
			   conf_key_name(key), flag);
}

static void check_interface(const struct pipeline_config *cfg, enum conf_key key, const char *name,
			    struct conf_errors *errs)
{
	if (cfg->is_set[key] && !if_nametoindex(name))
		conf_error(errs, &cfg->set_at[key],
			   "'%s' names '%s', which is not an interface here (ip -brief link "
			   "lists them)",
			   conf_key_name(key), name);
}

/* The daemon takes over only a socket nobody answers on: anything else at
 * the control socket's path, or the features socket's beside it, would make
 * it refuse to start. */
static void check_socket_path(const struct pipeline_config *cfg, struct conf_errors *errs)
{
	struct conf_src where = cfg->set_at[CONF_CONTROL_SOCKET];
	char features[CONF_PATH_MAX + 16];
	const char *paths[2] = { cfg->control_socket, features };
	struct stat st;
	int i;

	if (!cfg->control_socket[0])
		return;
	if (!cfg->is_set[CONF_CONTROL_SOCKET])
		where = (struct conf_src){ cfg->dir ? cfg->dir : CONF_DIR_DEFAULT, 0 };
	feature_socket_path(cfg->control_socket, features, sizeof(features));
	for (i = 0; i < 2; i++)
		if (!lstat(paths[i], &st) && !S_ISSOCK(st.st_mode))
			conf_error(errs, &where,
				   "'control_socket': '%s' exists and is %s, not a socket: the "
				   "daemon would leave it alone and refuse to start; remove it, "
				   "or set control_socket to another path",
				   paths[i], file_kind(st.st_mode));
}

/* What two rules must share to overlap, besides a port. */
static bool same_group(const struct conf_rule *a, const struct conf_rule *b)
{
	return a->family == b->family && a->proto == b->proto && a->match == b->match &&
	       a->has_daddr == b->has_daddr &&
	       (!a->has_daddr || !memcmp(&a->daddr, &b->daddr, sizeof(a->daddr)));
}

static void overlap_error(const struct conf_rule *a, const struct conf_rule *b,
			  struct conf_errors *errs)
{
	char first[CONF_MSG_MAX / 2], dst[ADDR_STR_MAX + 8] = "";
	unsigned port = a->port_first > b->port_first ? a->port_first : b->port_first;
	bool same = a->port_first == b->port_first && a->port_last == b->port_last;

	conf_src_format(&a->src, first, sizeof(first));
	if (a->has_daddr) {
		strcpy(dst, " to ");
		addr_format(a->family, &a->daddr, 0, dst + 4, sizeof(dst) - 4);
	}
	conf_error(errs, &b->src,
		   "this NAT rule %s the one at %s: both match IPv%d %s "
		   "%s port %u%s",
		   same ? "repeats" : "overlaps", first, a->family == VXP_AF_INET ? 4 : 6,
		   a->proto == IPPROTO_TCP ? "tcp" : "udp",
		   a->match == VXP_NAT_MATCH_DST ? "destination" : "source", port, dst);
}

/* Each matched port of each group, with the first rule that matches it, in
 * an open-addressing table: a rule overlaps the first earlier rule that
 * holds one of its ports. Linear in the ports matched, which
 * conf_rules_fit() bounds; comparing every pair took half a second for 8192
 * rules. */
struct port_owner {
	uint32_t rule; /* index + 1; 0: empty */
	uint16_t port;
};

static uint32_t owner_hash(const struct conf_rule *r, unsigned port, uint32_t mask)
{
	uint32_t h = 2166136261u ^ port;
	const uint8_t *a = (const uint8_t *)&r->daddr;
	size_t i;

	h = (h ^ r->family) * 16777619u;
	h = (h ^ r->proto) * 16777619u;
	h = (h ^ r->match) * 16777619u;
	for (i = 0; r->has_daddr && i < sizeof(r->daddr); i++)
		h = (h ^ a[i]) * 16777619u;
	return (h ^ (h >> 15)) & mask;
}

/* The slot of (r's group, port): its owner's, or the empty one to take. */
static struct port_owner *owner_slot(const struct pipeline_config *cfg, struct port_owner *tab,
				     uint32_t mask, const struct conf_rule *r, unsigned port)
{
	uint32_t h = owner_hash(r, port, mask);

	while (tab[h].rule && !(tab[h].port == port && same_group(&cfg->rules[tab[h].rule - 1], r)))
		h = (h + 1) & mask;
	return &tab[h];
}

static void check_overlaps(const struct pipeline_config *cfg, struct conf_errors *errs)
{
	uint32_t size = 1024, mask, first;
	struct port_owner *tab, *o;
	size_t ports = 0, i;
	unsigned p;

	for (i = 0; i < cfg->n_rules; i++)
		ports += cfg->rules[i].port_last - cfg->rules[i].port_first + 1;
	while (size < 2 * ports)
		size *= 2;
	mask = size - 1;
	tab = calloc(size, sizeof(*tab));
	if (!tab)
		return;
	for (i = 0; i < cfg->n_rules; i++) {
		const struct conf_rule *r = &cfg->rules[i];

		first = 0;
		for (p = r->port_first; p <= r->port_last; p++) {
			o = owner_slot(cfg, tab, mask, r, p);
			if (!o->rule)
				*o = (struct port_owner){ (uint32_t)i + 1, (uint16_t)p };
			else if (!first || o->rule < first)
				first = o->rule;
		}
		if (first)
			overlap_error(&cfg->rules[first - 1], r, errs);
	}
	free(tab);
}

int conf_check(const struct pipeline_config *cfg, struct conf_errors *errs)
{
	unsigned before = errs->n;

	check_required(cfg, CONF_INGRESS, "-i", errs);
	check_required(cfg, CONF_EGRESS, "-t", errs);
	check_interface(cfg, CONF_INGRESS, cfg->ingress, errs);
	check_interface(cfg, CONF_EGRESS, cfg->egress, errs);
	check_socket_path(cfg, errs);
	if (cfg->user[0] && !getpwnam(cfg->user))
		conf_error(errs, &cfg->set_at[CONF_USER],
			   "'user' names '%s', which is not a user here; create it, or leave "
			   "'user' out to stay root",
			   cfg->user);
	/* counted first: a rule count the table holds bounds the overlap check */
	if (!conf_rules_fit(cfg, errs))
		check_overlaps(cfg, errs);
	return errs->n == before ? 0 : -EINVAL;
}
