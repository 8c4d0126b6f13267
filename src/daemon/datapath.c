// SPDX-License-Identifier: GPL-2.0-only
/* The loaded data plane: the embedded BPF skeleton and the run-time settings
 * user space may change under traffic (VNI filter, DF threshold, egress ports). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "datapath.h"
#include "fdstore.h"
#include "libvxp/log.h"
#include "vxlan_pipeline.skel.h"
#include "vxp_xmit.skel.h"

struct datapath {
	struct vxp_bpf *skel;
	struct vxp_xmit_bpf *xmit; /* the redirect failure counters, if loaded */
	uint32_t *vnis;		   /* the bits set in vxp_vni now */
	size_t n_vnis;
	/* vxp_vni holds exactly vnis: not yet, since a map taken over from the
	 * previous daemon holds that daemon's list */
	bool vni_synced;
};

/* What a map from the previous daemon carries that a fresh one would not. */
static const char *map_loss(const char *name)
{
	static const struct {
		const char *name, *loss;
	} losses[] = {
		{ "vxp_stats", "the counters start again from zero" },
		{ "vxp_frag", "fragments in flight lose their first fragment's NAT decision" },
		{ "vxp_features", "feature records not yet read are lost" },
		{ "vxp_rules", "the per-rule counters start again from zero" },
	};
	size_t i;

	for (i = 0; i < sizeof(losses) / sizeof(losses[0]); i++)
		if (!strcmp(name, losses[i].name))
			return losses[i].loss;
	return "it is rebuilt from the configuration";
}

static void store_name(const struct bpf_map *m, char *buf, size_t size)
{
	snprintf(buf, size, "map%u-%s", VXP_ABI_VERSION, bpf_map__name(m));
}

/* The flags the kernel reports for a map created with m's: it adds
 * BPF_F_RDONLY_PROG to device maps (programs only read them). */
static bool flags_fit(const struct bpf_map *m, __u32 flags)
{
	__u32 want = bpf_map__map_flags(m);
	enum bpf_map_type t = bpf_map__type(m);

	if (t == BPF_MAP_TYPE_DEVMAP || t == BPF_MAP_TYPE_DEVMAP_HASH)
		return (flags & ~BPF_F_RDONLY_PROG) == want;
	return flags == want;
}

static bool map_fits(const struct bpf_map *m, int fd)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);

	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return false;
	return info.type == bpf_map__type(m) && info.key_size == bpf_map__key_size(m) &&
	       info.value_size == bpf_map__value_size(m) &&
	       info.max_entries == bpf_map__max_entries(m) && flags_fit(m, info.map_flags);
}

static bool is_nat(const struct bpf_map *m)
{
	return !strncmp(bpf_map__name(m), "vxp_nat", 7);
}

/* A map of the program and what the previous daemon stored for it. */
struct stored_map {
	struct bpf_map *map;
	int fd; /* -1: nothing stored under its name */
	bool fits;
};

/* Each map's stored fd, if any, and whether it fits; returns how many maps,
 * and in *ret_found how many had an fd. */
static size_t stored_maps(struct datapath *dp, struct fdstore *store, struct stored_map *out,
			  size_t max, int *ret_found)
{
	char name[FDSTORE_NAME_MAX];
	struct bpf_map *m;
	size_t n = 0;

	*ret_found = 0;
	bpf_object__for_each_map(m, dp->skel->obj)
	{
		if (bpf_map__is_internal(m) || n == max)
			continue;
		store_name(m, name, sizeof(name));
		out[n].map = m;
		out[n].fd = fdstore_get(store, name);
		out[n].fits = map_fits(m, out[n].fd);
		*ret_found += out[n].fd >= 0;
		n++;
	}
	return n;
}

static void log_not_reused(const struct stored_map *s)
{
	const char *name = bpf_map__name(s->map);

	log_notice("the previous daemon's map '%s' %s: a new one replaces it, and %s", name,
		   s->fd < 0 ? "is not in the store"
		   : s->fits ? "goes with NAT maps that do not fit"
			     : "does not fit this program",
		   map_loss(name));
}

/* The previous daemon's maps, where they fit: its counters, fragment state
 * and the NAT table in force carry over. The NAT maps go together or not at
 * all: the outer map names one of the two tables. */
static int reuse_maps(struct datapath *dp, struct fdstore *store)
{
	struct stored_map maps[16];
	int found, reused = 0, err = 0;
	size_t n = stored_maps(dp, store, maps, sizeof(maps) / sizeof(maps[0]), &found), i;
	bool nat = true;

	for (i = 0; i < n; i++)
		if (is_nat(maps[i].map) && !maps[i].fits)
			nat = false;
	for (i = 0; i < n; i++) {
		if (maps[i].fits && (nat || !is_nat(maps[i].map))) {
			if (!err && bpf_map__reuse_fd(maps[i].map, maps[i].fd))
				err = -errno;
			reused += !err;
		} else if (found) {
			log_not_reused(&maps[i]);
		}
		if (maps[i].fd >= 0)
			close(maps[i].fd); /* reuse_fd took a copy */
	}
	return err ? err : reused;
}

int datapath_store(const struct datapath *dp, struct fdstore *store)
{
	struct bpf_map *m;
	char name[FDSTORE_NAME_MAX];
	int n = 0, err;

	bpf_object__for_each_map(m, dp->skel->obj)
	{
		if (bpf_map__is_internal(m))
			continue;
		store_name(m, name, sizeof(name));
		err = fdstore_put(store, bpf_map__fd(m), name);
		if (err)
			return err;
		n++;
	}
	return n;
}

/* A generation no earlier program left in next hops a reused vxp_rules map
 * holds: those are looked up again. */
static void nexthop_gen_start(struct datapath *dp)
{
	uint32_t gen = 0;

	if (getrandom(&gen, sizeof(gen), GRND_NONBLOCK) != sizeof(gen))
		gen = (uint32_t)time(NULL) ^ (uint32_t)getpid() << 16;
	__atomic_store_n(&dp->skel->bss->vxp_nh_gen, gen ? gen : 1, __ATOMIC_RELEASE);
}

struct datapath *datapath_open(const struct datapath_opts *opts)
{
	struct datapath *dp;
	int err;

	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return NULL;
	dp->skel = vxp_bpf__open();
	if (!dp->skel) {
		err = -errno;
		goto err_free;
	}
	dp->skel->rodata->vxlan_port =
		opts && opts->vxlan_port ? opts->vxlan_port : VXP_VXLAN_PORT_DEFAULT;
	if (opts && opts->store && opts->store->n) {
		err = reuse_maps(dp, opts->store);
		if (err < 0)
			goto err_destroy;
		if (err)
			log_info("took %d maps over from the previous daemon: its counters, "
				 "fragment state and NAT table carry over",
				 err);
	}
	err = vxp_bpf__load(dp->skel);
	if (err)
		goto err_destroy;
	nexthop_gen_start(dp);
	return dp;

err_destroy:
	vxp_bpf__destroy(dp->skel);
err_free:
	free(dp);
	errno = -err;
	return NULL;
}

void datapath_close(struct datapath *dp)
{
	if (!dp)
		return;
	vxp_xmit_bpf__destroy(dp->xmit);
	free(dp->vnis);
	vxp_bpf__destroy(dp->skel);
	free(dp);
}

int datapath_pipeline_fd(const struct datapath *dp)
{
	return bpf_program__fd(dp->skel->progs.vxp_pipeline);
}

int datapath_egress_fd(const struct datapath *dp)
{
	return bpf_program__fd(dp->skel->progs.vxp_egress);
}

int datapath_stats_fd(const struct datapath *dp)
{
	return bpf_map__fd(dp->skel->maps.vxp_stats);
}

int datapath_nat_fds(const struct datapath *dp, int *ret_outer, int ret_tables[2])
{
	*ret_outer = bpf_map__fd(dp->skel->maps.vxp_nat);
	ret_tables[0] = bpf_map__fd(dp->skel->maps.vxp_nat_a);
	ret_tables[1] = bpf_map__fd(dp->skel->maps.vxp_nat_b);
	return 0;
}

static void cfg_set_flag(struct datapath *dp, uint32_t flag, int on)
{
	uint32_t *flags = &dp->skel->data->vxp_cfg.flags;
	uint32_t v = __atomic_load_n(flags, __ATOMIC_RELAXED);

	__atomic_store_n(flags, on ? v | flag : v & ~flag, __ATOMIC_RELEASE);
}

/* One word of the bitmap, read and written whole through the map fd: the
 * bitmap is 2 MiB, which a mapping would keep resident in the daemon. A word
 * already as wanted is not written: putting a previous configuration back
 * after a failed apply then writes only what the failed one changed. */
static int vni_bit(struct datapath *dp, uint32_t vni, bool on)
{
	int fd = bpf_map__fd(dp->skel->maps.vxp_vni);
	uint32_t key = vni >> 6;
	uint64_t word, next, bit = 1ULL << (vni & 63);

	if (bpf_map_lookup_elem(fd, &key, &word))
		return -errno;
	next = on ? word | bit : word & ~bit;
	if (next == word)
		return 0;
	return bpf_map_update_elem(fd, &key, &next, BPF_ANY) ? -errno : 0;
}

static bool vni_listed(const uint32_t *vnis, size_t n, uint32_t vni)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (vnis[i] == vni)
			return true;
	return false;
}

static int vni_word_put(int fd, uint32_t key, uint64_t word)
{
	return bpf_map_update_elem(fd, &key, &word, BPF_ANY) ? -errno : 0;
}

static int vni_read_each(int fd, uint64_t *words)
{
	uint32_t i;

	for (i = 0; i < VXP_VNI_WORDS; i++)
		if (bpf_map_lookup_elem(fd, &i, &words[i]))
			return -errno;
	return 0;
}

/* Every word of the bitmap: in one batch where the kernel has it (5.6), else
 * one by one. */
static int vni_read_all(int fd, uint64_t *words)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	/* zeroed: valgrind does not know that the kernel fills them */
	uint32_t *keys = calloc(VXP_VNI_WORDS, sizeof(*keys)), next = 0, count = VXP_VNI_WORDS, i;
	uint64_t *vals = calloc(VXP_VNI_WORDS, sizeof(*vals));
	bool whole = false;

	if (keys && vals &&
	    (!bpf_map_lookup_batch(fd, NULL, &next, keys, vals, &count, &opts) || errno == ENOENT))
		whole = count == VXP_VNI_WORDS;
	for (i = 0; whole && i < count; i++)
		if (keys[i] < VXP_VNI_WORDS)
			words[keys[i]] = vals[i];
	free(keys);
	free(vals);
	return whole ? 0 : vni_read_each(fd, words);
}

/* The whole bitmap made to say exactly vnis, additions before removals: a
 * map taken over from the previous daemon holds its list, which this one
 * must clear where the configuration no longer has it. */
static int vni_sync(struct datapath *dp, const uint32_t *vnis, size_t n)
{
	int fd = bpf_map__fd(dp->skel->maps.vxp_vni), err;
	uint64_t *cur = calloc(VXP_VNI_WORDS, sizeof(*cur));
	uint64_t *want = calloc(VXP_VNI_WORDS, sizeof(*want));
	uint32_t w;
	size_t i;

	err = cur && want ? vni_read_all(fd, cur) : -ENOMEM;
	for (i = 0; !err && i < n; i++)
		want[vnis[i] >> 6] |= 1ULL << (vnis[i] & 63);
	for (w = 0; !err && w < VXP_VNI_WORDS; w++)
		if (want[w] & ~cur[w])
			err = vni_word_put(fd, w, cur[w] | want[w]);
	if (!err)
		cfg_set_flag(dp, VXP_SETTINGS_ANY_VNI, 0);
	for (w = 0; !err && w < VXP_VNI_WORDS; w++)
		if (cur[w] & ~want[w])
			err = vni_word_put(fd, w, want[w]);
	free(cur);
	free(want);
	return err;
}

int datapath_set_vni_filter(struct datapath *dp, const uint32_t *vnis, size_t n)
{
	uint32_t *copy;
	size_t i;
	int err = 0;

	if (!vnis) {
		cfg_set_flag(dp, VXP_SETTINGS_ANY_VNI, 1);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (vnis[i] >> VXP_VNI_BITS)
			return -ERANGE;
	copy = malloc((n ? n : 1) * sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	memcpy(copy, vnis, n * sizeof(*copy));
	if (!dp->vni_synced) {
		err = vni_sync(dp, vnis, n);
		dp->vni_synced = !err;
		goto done;
	}
	for (i = 0; !err && i < n; i++) /* additions first, then narrow */
		err = vni_bit(dp, vnis[i], true);
	if (err) {
		free(copy);
		return err;
	}
	cfg_set_flag(dp, VXP_SETTINGS_ANY_VNI, 0);
	for (i = 0; !err && i < dp->n_vnis; i++)
		if (!vni_listed(vnis, n, dp->vnis[i]))
			err = vni_bit(dp, dp->vnis[i], false);
done:
	free(dp->vnis);
	dp->vnis = copy;
	dp->n_vnis = n;
	return err;
}

void datapath_set_sample_rate(struct datapath *dp, uint32_t rate)
{
	__atomic_store_n(&dp->skel->data->vxp_cfg.sample_rate, rate, __ATOMIC_RELEASE);
}

int datapath_features_fd(const struct datapath *dp)
{
	return bpf_map__fd(dp->skel->maps.vxp_features);
}

int datapath_frag_fd(const struct datapath *dp)
{
	return bpf_map__fd(dp->skel->maps.vxp_frag);
}

int datapath_neigh_fd(const struct datapath *dp)
{
	return bpf_map__fd(dp->skel->maps.vxp_neigh);
}

void datapath_set_df_threshold(struct datapath *dp, uint32_t threshold)
{
	__atomic_store_n(&dp->skel->data->vxp_cfg.df_threshold, threshold, __ATOMIC_RELEASE);
}

void datapath_set_drop_unmatched(struct datapath *dp, bool drop)
{
	cfg_set_flag(dp, VXP_SETTINGS_DROP_UNMATCHED, drop);
}

void datapath_set_rule_counters(struct datapath *dp, bool on)
{
	cfg_set_flag(dp, VXP_SETTINGS_NO_RULE_COUNTS, !on);
}

int datapath_rules_fd(const struct datapath *dp)
{
	return bpf_map__fd(dp->skel->maps.vxp_rules);
}

uint32_t datapath_nexthop_bump(struct datapath *dp)
{
	uint32_t *gen = &dp->skel->bss->vxp_nh_gen;
	uint32_t next = __atomic_load_n(gen, __ATOMIC_RELAXED) + 1;

	next += !next; /* 0 is no generation */
	__atomic_store_n(gen, next, __ATOMIC_RELEASE);
	return next;
}

int datapath_count_redirect_failures(struct datapath *dp, int ifindex)
{
	struct vxp_xmit_bpf *x;
	int err;

	if (dp->xmit)
		return 0;
	x = vxp_xmit_bpf__open();
	if (!x)
		return -errno;
	x->rodata->ingress_ifindex = ifindex;
	err = bpf_map__reuse_fd(x->maps.vxp_stats, bpf_map__fd(dp->skel->maps.vxp_stats));
	if (!err)
		err = vxp_xmit_bpf__load(x);
	if (!err)
		err = vxp_xmit_bpf__attach(x);
	if (err) {
		vxp_xmit_bpf__destroy(x);
		return err;
	}
	dp->xmit = x;
	return 0;
}

/* One packet may see a MAC half written, while it changes: it then goes to
 * the kernel under neither address, and is dropped there. */
void datapath_set_ingress_mac(struct datapath *dp, const uint8_t mac[6])
{
	memcpy(dp->skel->bss->vxp_in.mac, mac, sizeof(dp->skel->bss->vxp_in.mac));
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static int local_find(const struct vxp_ingress *in, int family, const void *addr)
{
	unsigned i;

	if (family == VXP_AF_INET) {
		for (i = 0; i < in->n4; i++)
			if (!memcmp(&in->v4[i], addr, 4))
				return (int)i;
		return -1;
	}
	for (i = 0; i < in->n6; i++)
		if (!memcmp(in->v6[i], addr, 16))
			return (int)i;
	return -1;
}

/* The program reads the count, then the entries below it: an entry is
 * written whole before the count shows it. */
int datapath_add_local_addr(struct datapath *dp, int family, const void *addr)
{
	struct vxp_ingress *in = &dp->skel->bss->vxp_in;
	__u8 *n = family == VXP_AF_INET ? &in->n4 : &in->n6;

	if (family != VXP_AF_INET && family != VXP_AF_INET6)
		return -EAFNOSUPPORT;
	if (local_find(in, family, addr) >= 0)
		return 0;
	if (*n >= VXP_LOCAL_ADDRS_MAX)
		return -ENOSPC;
	if (family == VXP_AF_INET)
		memcpy(&in->v4[*n], addr, 4);
	else
		memcpy(in->v6[*n], addr, 16);
	__atomic_store_n(n, (__u8)(*n + 1), __ATOMIC_RELEASE);
	return 1;
}

int datapath_local_addrs(const struct datapath *dp, int family, union vxp_addr *out, size_t max)
{
	const struct vxp_ingress *in = &dp->skel->bss->vxp_in;
	unsigned n = family == VXP_AF_INET ? in->n4 : in->n6, i;

	for (i = 0; out && i < n && i < max; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		if (family == VXP_AF_INET)
			out[i].v4 = in->v4[i];
		else
			memcpy(&out[i], in->v6[i], 16);
	}
	return (int)n;
}

/* The last entry moves over the removed one before the count drops: an
 * address that stays is found, whole, at one of its two places throughout. */
int datapath_del_local_addr(struct datapath *dp, int family, const void *addr)
{
	struct vxp_ingress *in = &dp->skel->bss->vxp_in;
	__u8 *n = family == VXP_AF_INET ? &in->n4 : &in->n6;
	int i, last;

	if (family != VXP_AF_INET && family != VXP_AF_INET6)
		return -EAFNOSUPPORT;
	i = local_find(in, family, addr);
	if (i < 0)
		return -ENOENT;
	last = *n - 1;
	if (i != last && family == VXP_AF_INET)
		in->v4[i] = in->v4[last];
	else if (i != last)
		memcpy(in->v6[i], in->v6[last], 16);
	__atomic_store_n(n, (__u8)last, __ATOMIC_RELEASE);
	return 0;
}

int datapath_add_tx_port(struct datapath *dp, int ifindex)
{
	uint32_t key = ifindex, val = ifindex;

	if (bpf_map_update_elem(bpf_map__fd(dp->skel->maps.vxp_tx_ports), &key, &val, BPF_ANY))
		return -errno;
	return 0;
}

int datapath_prune_tx_ports(struct datapath *dp, const int *keep, size_t n)
{
	int fd = bpf_map__fd(dp->skel->maps.vxp_tx_ports), err = 0;
	uint32_t key, next, gone[VXP_TX_PORTS_MAX];
	size_t i, n_gone = 0;
	bool kept;

	/* collected first: deleting while walking the keys restarts the walk */
	for (err = bpf_map_get_next_key(fd, NULL, &next); !err && n_gone < VXP_TX_PORTS_MAX;
	     err = bpf_map_get_next_key(fd, &key, &next)) {
		key = next;
		for (i = 0, kept = false; i < n; i++)
			kept |= (uint32_t)keep[i] == key;
		if (!kept)
			gone[n_gone++] = key;
	}
	for (i = 0; i < n_gone; i++)
		if (bpf_map_delete_elem(fd, &gone[i]) && errno != ENOENT)
			return -errno;
	return (int)n_gone;
}

int datapath_del_tx_port(struct datapath *dp, int ifindex)
{
	uint32_t key = ifindex;

	if (bpf_map_delete_elem(bpf_map__fd(dp->skel->maps.vxp_tx_ports), &key))
		return -errno;
	return 0;
}
