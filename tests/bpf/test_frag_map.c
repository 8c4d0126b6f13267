// SPDX-License-Identifier: GPL-2.0-only
/* Contract step 4: a first fragment whose decision the fragment map cannot
 * keep is counted (fragment_map_error), and its later fragments end as orphans. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "specs.h"
#include "tap.h"

#define FWD VXP_REASON_FORWARDED

/* The fragment map is an LRU, which makes room for every update; to see an
 * update fail, the data plane is loaded with a plain hash of one entry in
 * its place (linked with -Wl,--wrap=bpf_object__load_skeleton), which the
 * test fills. The program and its helpers are the real ones. */
int __real_bpf_object__load_skeleton(struct bpf_object_skeleton *s);
int __wrap_bpf_object__load_skeleton(struct bpf_object_skeleton *s);

int __wrap_bpf_object__load_skeleton(struct bpf_object_skeleton *s)
{
	struct bpf_map *m = bpf_object__find_map_by_name(*s->obj, "vxp_frag");

	if (m && (bpf_map__set_type(m, BPF_MAP_TYPE_HASH) || bpf_map__set_max_entries(m, 1)))
		return -EINVAL;
	return __real_bpf_object__load_skeleton(s);
}

/* The map full: each first fragment still leaves NATed, its decision lost
 * and counted; the rest of its datagram is then an orphan. */
static const struct dp_case full[] = {
	{ "map full: IPv4 first fragment NATed, its decision not kept, counted",
	  .in = { VX4, FRAG4(0x1234, 0, 48, true), DGRAM(7000) }, .reason = FWD,
	  .events = EV(FRAG_FIRST) | EV(NAT_HIT) | EV(FRAG_MAP_FAILED), .nat_addr = "10.2.0.70",
	  .nat_port = 7001 },
	{ "map full: its later fragment is an orphan",
	  .in = { VX4, FRAG4(0x1234, 48, 96, false), DGRAM(7000) },
	  .reason = VXP_REASON_FRAG_ORPHAN, .events = EV(FRAG_LATER) },
	{ "map full: IPv6 first fragment without a rule, its decision not kept, counted",
	  .in = { VX6, FRAG6(77, 0, 48, true), DGRAM(7002) }, .reason = FWD,
	  .events = EV(FRAG_FIRST) | EV(FRAG_MAP_FAILED) },
	{ "map full: its later fragment is an orphan",
	  .in = { VX6, FRAG6(77, 48, 96, false), DGRAM(7002) }, .reason = VXP_REASON_FRAG_ORPHAN,
	  .events = EV(FRAG_LATER) },
};

/* With its one entry free, the same map keeps a decision: no error. */
static const struct dp_case room[] = {
	{ "room for one: IPv4 first fragment, decision kept",
	  .in = { VX4, FRAG4(0x1235, 0, 48, true), DGRAM(7000) }, .reason = FWD,
	  .events = EV(FRAG_FIRST) | EV(NAT_HIT), .nat_addr = "10.2.0.70", .nat_port = 7001 },
	{ "room for one: its later fragment follows it",
	  .in = { VX4, FRAG4(0x1235, 48, 96, false), DGRAM(7000) }, .reason = FWD,
	  .events = EV(FRAG_LATER) | EV(NAT_HIT), .nat_addr = "10.2.0.70", .nat_port = 7001 },
};

static int frag_map_fill(int fd, struct vxp_frag_key *key)
{
	struct vxp_frag_value v = { .action = VXP_FRAG_KEEP };

	memset(key, 0, sizeof(*key));
	key->family = VXP_AF_INET;
	key->proto = IPPROTO_UDP;
	key->id = 0xfeed;
	return bpf_map_update_elem(fd, key, &v, BPF_NOEXIST) ? -errno : 0;
}

int main(void)
{
	const struct nat_rule rules[] = {
		dp_rule(IPPROTO_UDP, VXP_NAT_MATCH_DST, 7000, NULL, "10.2.0.70", 7001),
	};
	struct vxp_frag_key key;
	struct dp_env env;
	int fd, err;
	size_t i;

	dp_env_setup(&env);
	dp_env_nat(&env, rules, ARRAY_SIZE(rules));
	fd = datapath_frag_fd(env.dp);
	err = frag_map_fill(fd, &key);
	tap_ok(!err, "the one-entry fragment map filled from user space (%s)", strerror(-err));
	for (i = 0; i < ARRAY_SIZE(full); i++)
		dp_case_check(&env, &full[i]);
	err = bpf_map_delete_elem(fd, &key) ? -errno : 0;
	tap_ok(!err, "its entry removed (%s)", strerror(-err));
	for (i = 0; i < ARRAY_SIZE(room); i++)
		dp_case_check(&env, &room[i]);
	dp_env_teardown(&env);
	return tap_done();
}
