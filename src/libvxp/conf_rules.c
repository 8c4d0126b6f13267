// SPDX-License-Identifier: GPL-2.0-only
/* NAT rules in the configuration: parsing each rule group, counting the
 * entries they need before anything is expanded, and expanding port ranges
 * into the rules the data plane holds. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/in.h>

#include "addr.h"
#include "conf_rules.h"
#include "conf_value.h"
#include "nat_count.h"

static const char *const rule_keys = "proto, dst_port, src_port, dst, to";

/* Digits for a number up to 65535 at *s, which moves past them. */
static bool port_digits(const char **s, unsigned *ret)
{
	unsigned v = 0;

	if (**s < '0' || **s > '9')
		return false;
	for (; **s >= '0' && **s <= '9'; (*s)++) {
		v = v * 10 + (unsigned)(**s - '0');
		if (v > 65535)
			return false;
	}
	*ret = v;
	return true;
}

/* "80" or "8000-8100", digits only, each from 1 to 65535, in order. */
static bool port_range(const char *s, unsigned *ret_first, unsigned *ret_last)
{
	if (!port_digits(&s, ret_first))
		return false;
	*ret_last = *ret_first;
	if (*s == '-') {
		s++;
		if (!port_digits(&s, ret_last))
			return false;
	}
	return !*s && *ret_first >= 1 && *ret_first <= *ret_last;
}

/* A port, or "first-last", or "port" */
static int get_ports(const config_setting_t *s, const char *what, struct conf_rule *r,
		     const struct conf_src *src, struct conf_errors *errs)
{
	unsigned first, last;
	long long v;

	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		const char *str = config_setting_get_string(s);

		if (!port_range(str, &first, &last)) {
			conf_error(errs, src,
				   "'%s' is '%s'; expected a port from 1 to 65535 or a range "
				   "like \"8000-8100\"",
				   what, str);
			return -EINVAL;
		}
		r->port_first = (uint16_t)first;
		r->port_last = (uint16_t)last;
		return 0;
	}
	if (conf_get_int(s, what, 1, 65535, &v, src, errs))
		return -EINVAL;
	r->port_first = r->port_last = (uint16_t)v;
	return 0;
}

static int get_proto(const config_setting_t *s, struct conf_rule *r, const struct conf_src *src,
		     struct conf_errors *errs)
{
	const char *v;

	if (conf_get_string(s, "proto", &v, src, errs))
		return -EINVAL;
	if (!strcasecmp(v, "tcp"))
		r->proto = IPPROTO_TCP;
	else if (!strcasecmp(v, "udp"))
		r->proto = IPPROTO_UDP;
	else {
		conf_error(errs, src, "'proto' is '%s'; expected \"tcp\" or \"udp\"", v);
		return -EINVAL;
	}
	return 0;
}

static int get_to(const config_setting_t *s, struct conf_rule *r, const struct conf_src *src,
		  struct conf_errors *errs)
{
	const char *v;
	int family;

	if (conf_get_string(s, "to", &v, src, errs))
		return -EINVAL;
	family = addr_parse_port(v, &r->to_addr, &r->to_port);
	if (family < 0) {
		conf_error(errs, src,
			   "'to' is '%s'; expected an IPv4 or IPv6 address with an optional "
			   "port: \"10.0.0.1:8080\", \"[fd00::1]:8080\", \"10.0.0.1\"",
			   v);
		return -EINVAL;
	}
	r->family = (uint8_t)family;
	return 0;
}

static int get_dst(const config_setting_t *s, struct conf_rule *r, int *ret_family,
		   const struct conf_src *src, struct conf_errors *errs)
{
	const char *v;

	if (conf_get_string(s, "dst", &v, src, errs))
		return -EINVAL;
	*ret_family = addr_parse(v, &r->daddr);
	if (*ret_family < 0) {
		conf_error(errs, src, "'dst' is '%s'; expected an IPv4 or IPv6 address", v);
		return -EINVAL;
	}
	if (!r->daddr.v6[0] && !r->daddr.v6[1] && !r->daddr.v6[2] && !r->daddr.v6[3]) {
		conf_error(errs, src, "'dst' is '%s'; leave 'dst' out to match any address", v);
		return -EINVAL;
	}
	r->has_daddr = true;
	return 0;
}

/* One member of a rule group; returns 0, -EINVAL, or 1 for a member seen twice. */
static int rule_member(const config_setting_t *m, struct conf_rule *r, int *dst_family,
		       unsigned *seen, const char *file, struct conf_errors *errs)
{
	struct conf_src src = { file, config_setting_source_line(m) };
	const char *name = config_setting_name(m);

	if (!strcmp(name, "proto"))
		return get_proto(m, r, &src, errs);
	if (!strcmp(name, "to"))
		return get_to(m, r, &src, errs);
	if (!strcmp(name, "dst"))
		return get_dst(m, r, dst_family, &src, errs);
	if (!strcmp(name, "dst_port") || !strcmp(name, "src_port")) {
		if (*seen) {
			conf_error(errs, &src,
				   "a NAT rule matches 'dst_port' or 'src_port', not both");
			return -EINVAL;
		}
		*seen = 1;
		r->match = name[0] == 'd' ? VXP_NAT_MATCH_DST : VXP_NAT_MATCH_SRC;
		return get_ports(m, name, r, &src, errs);
	}
	conf_error(errs, &src, "unknown NAT rule setting '%s'; expected %s", name, rule_keys);
	return -EINVAL;
}

static int parse_rule(const config_setting_t *g, const char *file, struct conf_rule *r,
		      struct conf_errors *errs)
{
	struct conf_src src = { file, config_setting_source_line(g) };
	unsigned before = errs->n, port_seen = 0;
	int i, dst_family = 0;

	memset(r, 0, sizeof(*r));
	r->src = src;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		conf_error(errs, &src,
			   "a NAT rule must be a group like { proto = \"udp\"; "
			   "dst_port = 53; to = \"10.0.0.1\"; }, not %s",
			   conf_type_name(g));
		return -EINVAL;
	}
	for (i = 0; i < config_setting_length(g); i++)
		rule_member(config_setting_get_elem(g, i), r, &dst_family, &port_seen, file, errs);
	if (errs->n != before)
		return -EINVAL;
	if (!r->proto)
		conf_error(errs, &src, "the NAT rule has no 'proto'; expected \"tcp\" or \"udp\"");
	else if (!port_seen)
		conf_error(errs, &src, "the NAT rule has no 'dst_port' or 'src_port' to match");
	else if (!r->family)
		conf_error(errs, &src, "the NAT rule has no 'to': where should its packets go?");
	else if (dst_family && dst_family != r->family)
		conf_error(errs, &src, "'dst' is IPv%d but 'to' is IPv%d; a rule keeps the family",
			   dst_family == VXP_AF_INET ? 4 : 6, r->family == VXP_AF_INET ? 4 : 6);
	return errs->n == before ? 0 : -EINVAL;
}

static void table_full(const struct conf_src *src, struct conf_errors *errs)
{
	conf_error(errs, src,
		   "the NAT table is full at this rule: it holds %d entries, one per matched "
		   "port and one more per port that also has rules with 'dst'",
		   VXP_NAT_ENTRIES_MAX);
}

static int append(struct pipeline_config *cfg, const struct conf_rule *r, size_t *cap)
{
	struct conf_rule *rules = cfg->rules;

	if (cfg->n_rules == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		rules = realloc(cfg->rules, *cap * sizeof(*rules));
		if (!rules)
			return -ENOMEM;
		cfg->rules = rules;
	}
	rules[cfg->n_rules++] = *r;
	return 0;
}

/* The rules already kept (earlier files'), counted again. */
static struct nat_count *count_kept(const struct pipeline_config *cfg)
{
	struct nat_count *count = nat_count_new();
	size_t i;

	for (i = 0; count && i < cfg->n_rules; i++)
		nat_count_add(count, &cfg->rules[i]);
	return count;
}

int conf_parse_rules(struct pipeline_config *cfg, const config_setting_t *list, const char *file,
		     struct conf_errors *errs)
{
	struct conf_src src = { file, config_setting_source_line(list) };
	size_t cap = cfg->n_rules;
	struct nat_count *count;
	struct conf_rule r;
	int i, n, ret = 0;

	if (config_setting_type(list) != CONFIG_TYPE_LIST) {
		conf_error(errs, &src,
			   "'nat' must be a list of rules like ( { ... }, { ... } ), not %s",
			   conf_type_name(list));
		return -EINVAL;
	}
	count = count_kept(cfg);
	if (!count)
		return -ENOMEM;
	n = config_setting_length(list);
	for (i = 0; i < n && ret != -E2BIG && ret != -ENOMEM; i++) {
		if (parse_rule(config_setting_get_elem(list, i), file, &r, errs)) {
			ret = -EINVAL;
		} else if (nat_count_add(count, &r) > VXP_NAT_ENTRIES_MAX) {
			table_full(&r.src, errs); /* the rules after it are not looked at */
			ret = -E2BIG;
		} else if (append(cfg, &r, &cap)) {
			ret = -ENOMEM;
		}
	}
	nat_count_free(count);
	return ret == -ENOMEM ? ret : ret ? -EINVAL : 0;
}

int conf_rules_fit(const struct pipeline_config *cfg, struct conf_errors *errs)
{
	struct nat_count *count = nat_count_new();
	size_t i;

	if (!count)
		return -ENOMEM;
	for (i = 0; i < cfg->n_rules; i++)
		if (nat_count_add(count, &cfg->rules[i]) > VXP_NAT_ENTRIES_MAX) {
			table_full(&cfg->rules[i].src, errs);
			break;
		}
	nat_count_free(count);
	return i < cfg->n_rules ? -E2BIG : 0;
}

int conf_nat_rules(const struct pipeline_config *cfg, struct nat_rule **ret_rules,
		   size_t **ret_origin, size_t *ret_n)
{
	size_t i, n = 0, k = 0;
	struct nat_rule *rules;
	size_t *origin;
	unsigned p;

	for (i = 0; i < cfg->n_rules; i++)
		n += cfg->rules[i].port_last - cfg->rules[i].port_first + 1;
	rules = calloc(n + 1, sizeof(*rules));
	origin = calloc(n + 1, sizeof(*origin));
	if (!rules || !origin) {
		free(rules);
		free(origin);
		return -ENOMEM;
	}
	for (i = 0; i < cfg->n_rules; i++) {
		const struct conf_rule *c = &cfg->rules[i];

		for (p = c->port_first; p <= c->port_last; p++, k++) {
			rules[k] = (struct nat_rule){
				.family = c->family,
				.proto = c->proto,
				.match = c->match,
				.has_daddr = c->has_daddr,
				.port = (uint16_t)p,
				.daddr = c->daddr,
				.to_addr = c->to_addr,
				.to_port = c->to_port,
				.id = (uint32_t)i,
			};
			origin[k] = i;
		}
	}
	*ret_rules = rules;
	*ret_origin = origin;
	*ret_n = n;
	return 0;
}
