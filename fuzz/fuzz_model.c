// SPDX-License-Identifier: GPL-2.0-only
/* The fuzzer's own model of the data plane contract, from DESIGN.md §3 and the
 * README, independent of bpf/: step 1 (is it ours), steps 2 and 3 (what the
 * inner packet is, or why it is dropped), step 4 (which rule, and what a first
 * fragment leaves for the fragments after it) and step 5 (DF). */
#include "config.h"

#include <string.h>
#include <netinet/in.h>

#include "fuzz_model.h"
#include "vxlan_pipeline.h"

#define MODEL_CONTINUE (-1)
#define FRAG_SLOTS     64

struct frag_slot {
	bool used;
	int family;
	uint8_t proto; /* IPv4 only: an IPv6 datagram is (src, dst, id) */
	uint32_t id;
	uint8_t saddr[16], daddr[16];
	struct model_nat nat;
	int drop; /* the first fragment's reason when it was dropped, else 0 */
};

static struct frag_slot frags[FRAG_SLOTS];

uint16_t model_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)model_get16(p) << 16 | model_get16(p + 2);
}

void model_frag_reset(void)
{
	memset(frags, 0, sizeof(frags));
}

static struct frag_slot *frag_find(const struct model_frame *m)
{
	size_t alen = m->family == 4 ? 4 : 16;
	int i;

	for (i = 0; i < FRAG_SLOTS; i++) {
		struct frag_slot *s = &frags[i];

		if (s->used && s->family == m->family &&
		    (m->family == 6 || s->proto == m->frag_nh) && s->id == m->frag_id &&
		    !memcmp(s->saddr, m->saddr, alen) && !memcmp(s->daddr, m->daddr, alen))
			return s;
	}
	return NULL;
}

static void frag_remember(const struct model_frame *m, int drop)
{
	struct frag_slot *s = frag_find(m);
	int i;

	for (i = 0; !s && i < FRAG_SLOTS; i++)
		if (!frags[i].used)
			s = &frags[i];
	if (!s) /* more first fragments in one input than a fuzz input holds */
		s = &frags[0];
	s->used = true;
	s->family = m->family;
	s->proto = m->frag_nh;
	s->id = m->frag_id;
	memcpy(s->saddr, m->saddr, 16);
	memcpy(s->daddr, m->daddr, 16);
	s->nat = m->nat;
	s->drop = drop;
}

static bool is_vlan(uint16_t t)
{
	return t == 0x8100 || t == 0x88a8;
}

/* Ethernet and up to two tags: the offset after them, or 0 when cut short. */
static size_t eth_parse(const uint8_t *f, size_t len, size_t off, uint16_t *ret_type,
			int *ret_vlans)
{
	uint16_t t;
	int n = 0;

	if (off + 14 > len)
		return 0;
	t = model_get16(f + off + 12);
	off += 14;
	while (n < 2 && is_vlan(t)) {
		if (off + 4 > len)
			return 0;
		t = model_get16(f + off + 2);
		off += 4;
		n++;
	}
	*ret_type = t;
	*ret_vlans = n;
	return off;
}

static bool vni_allowed(const struct model_settings *set, uint32_t vni)
{
	size_t i;

	if (!set->vnis)
		return true;
	for (i = 0; i < set->n_vnis; i++)
		if (set->vnis[i] == vni)
			return true;
	return false;
}

static bool is_local(const struct model_settings *set, int family, const uint8_t *daddr)
{
	size_t i;

	for (i = 0; family == 4 && i < set->n_local4; i++)
		if (!memcmp(set->local4[i], daddr, 4))
			return true;
	for (i = 0; family == 6 && i < set->n_local6; i++)
		if (!memcmp(set->local6[i], daddr, 16))
			return true;
	return false;
}

/* Step 1: outer IPv4 (any IHL, not a fragment) or IPv6 (no extension
 * headers) to one of the ingress interface's own addresses, UDP to our
 * port, VXLAN with the I flag and an allowed VNI. */
static void step1(const struct model_settings *set, const uint8_t *f, size_t len,
		  struct model_frame *m)
{
	size_t off, udp;
	uint16_t type;

	m->kind = MODEL_NOT_OURS;
	m->reason = VXP_NOT_OURS;
	off = eth_parse(f, len, 0, &type, &m->outer_vlans);
	if (!off)
		return;
	if (type == 0x0800 && off + 20 <= len && f[off] >> 4 == 4) {
		size_t ihl = (size_t)(f[off] & 0xf) * 4;

		m->outer_family = 4;
		if (ihl < 20 || off + ihl > len || f[off + 9] != IPPROTO_UDP ||
		    (model_get16(f + off + 6) & 0x3fff))
			return;
		udp = off + ihl;
	} else if (type == 0x86dd && off + 40 <= len && f[off] >> 4 == 6) {
		m->outer_family = 6;
		if (f[off + 6] != IPPROTO_UDP)
			return;
		udp = off + 40;
	} else {
		return;
	}
	if (udp + 16 > len || model_get16(f + udp + 2) != set->vxlan_port)
		return;
	if (!is_local(set, m->outer_family, f + off + (m->outer_family == 4 ? 16 : 24)))
		return;
	m->kind = MODEL_FILTERED;
	m->reason = VXP_REASON_VXLAN_FILTERED;
	m->vni = get32(f + udp + 12) >> 8;
	if (!(f[udp + 8] & 0x08) || !vni_allowed(set, m->vni))
		return;
	m->kind = MODEL_DECAP;
	m->l3 = udp + 16; /* the inner Ethernet header, for now */
}

/* Step 2: the inner Ethernet header and up to two tags. */
static int step2(const uint8_t *f, size_t len, struct model_frame *m)
{
	size_t inner = m->l3, off;

	off = eth_parse(f, len, inner, &m->ethertype, &m->inner_vlans);
	if (!off)
		return VXP_REASON_INNER_TRUNCATED;
	if (m->ethertype != 0x0800 && m->ethertype != 0x86dd)
		return VXP_REASON_INNER_NOT_IP;
	memcpy(m->inner_smac, f + inner + 6, 6);
	m->l3 = off;
	return MODEL_CONTINUE;
}

/* A TCP or UDP header must lie inside the IP length. */
static int l4_ports(const uint8_t *ip, struct model_frame *m, size_t l4)
{
	size_t need = m->proto == IPPROTO_TCP ? 20 : m->proto == IPPROTO_UDP ? 8 : 0;

	if (!need)
		return MODEL_CONTINUE;
	if (l4 + need > m->tot)
		return VXP_REASON_INNER_MALFORMED;
	m->l4 = l4;
	m->sport = model_get16(ip + l4);
	m->dport = model_get16(ip + l4 + 2);
	return MODEL_CONTINUE;
}

static int step3_ipv4(const uint8_t *ip, size_t avail, struct model_frame *m)
{
	uint16_t fo;

	m->family = 4;
	if (avail < 20)
		return VXP_REASON_INNER_TRUNCATED;
	m->ihl = (uint32_t)(ip[0] & 0xf) * 4;
	m->tot = model_get16(ip + 2);
	if (ip[0] >> 4 != 4 || m->ihl < 20 || m->tot < m->ihl)
		return VXP_REASON_INNER_MALFORMED;
	if (m->tot > avail)
		return VXP_REASON_INNER_TRUNCATED;
	m->proto = ip[9];
	m->ttl = ip[8];
	fo = model_get16(ip + 6);
	m->df = fo & 0x4000;
	m->frag_id = model_get16(ip + 4);
	m->frag_nh = m->proto;
	memcpy(m->saddr, ip + 12, 4);
	memcpy(m->daddr, ip + 16, 4);
	if (fo & 0x1fff)
		m->frag = MODEL_FRAG_LATER;
	else if (fo & 0x2000)
		m->frag = MODEL_FRAG_FIRST;
	if (m->frag == MODEL_FRAG_LATER) {
		m->events |= 1U << VXP_EVENT_FRAG_LATER;
		return MODEL_CONTINUE;
	}
	if (m->frag == MODEL_FRAG_FIRST)
		m->events |= 1U << VXP_EVENT_FRAG_FIRST;
	return l4_ports(ip, m, m->ihl);
}

/* Headers that may stand between the IPv6 header and the upper layer, the
 * fragment header aside (DESIGN.md step 3: AH included). */
static bool ext_is_options(uint8_t nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING || nh == IPPROTO_DSTOPTS ||
	       nh == IPPROTO_AH;
}

/* The fragment header: what follows a later fragment's is the middle of the
 * datagram (RFC 8200 §4.5), no headers to read. */
static void ipv6_frag_hdr(const uint8_t *ip, size_t off, struct model_frame *m)
{
	uint16_t fo = model_get16(ip + off + 2);

	m->proto = ip[off];
	m->frag_nh = ip[off];
	m->frag_id = get32(ip + off + 4);
	if (fo & 0xfff8)
		m->frag = MODEL_FRAG_LATER;
	else if (fo & 1)
		m->frag = MODEL_FRAG_FIRST;
}

/* IPv6 extension headers up to the upper layer (or a fragment that is not the
 * first); each must lie inside the payload length, or the packet is malformed.
 * AH counts its length in 4-byte units less two (RFC 4302), the others in
 * 8-byte units less one. The data plane walks VXP_IPV6_EXT_MAX headers
 * (README: eight); a transport header not found within them fails closed. */
static int ipv6_exts(const uint8_t *ip, struct model_frame *m, size_t *ret_off)
{
	size_t off = 40;

	while (ext_is_options(m->proto) || m->proto == IPPROTO_FRAGMENT) {
		uint8_t type = m->proto;

		if (m->n_ext++ == 8)
			return VXP_REASON_INNER_TOO_DEEP;
		if (off + 8 > m->tot)
			return VXP_REASON_INNER_MALFORMED;
		if (m->proto == IPPROTO_FRAGMENT) {
			ipv6_frag_hdr(ip, off, m);
			off += 8;
			if (m->frag == MODEL_FRAG_LATER)
				break;
			continue;
		}
		m->proto = ip[off];
		if (type == IPPROTO_ROUTING && ip[off + 3])
			m->routed = true;
		off += type == IPPROTO_AH ? ((size_t)ip[off + 1] + 2) * 4
					  : ((size_t)ip[off + 1] + 1) * 8;
		if (off > m->tot)
			return VXP_REASON_INNER_MALFORMED;
	}
	if (off > m->tot)
		return VXP_REASON_INNER_MALFORMED;
	*ret_off = off;
	return MODEL_CONTINUE;
}

static int step3_ipv6(const uint8_t *ip, size_t avail, struct model_frame *m)
{
	size_t off = 0;
	int r;

	m->family = 6;
	if (avail < 40)
		return VXP_REASON_INNER_TRUNCATED;
	if (ip[0] >> 4 != 6)
		return VXP_REASON_INNER_MALFORMED;
	m->tot = 40 + (uint32_t)model_get16(ip + 4);
	if (m->tot > avail)
		return VXP_REASON_INNER_TRUNCATED;
	m->proto = ip[6];
	m->ttl = ip[7];
	memcpy(m->saddr, ip + 8, 16);
	memcpy(m->daddr, ip + 24, 16);
	r = ipv6_exts(ip, m, &off);
	if (r != MODEL_CONTINUE)
		return r;
	if (m->frag == MODEL_FRAG_LATER) {
		m->events |= 1U << VXP_EVENT_FRAG_LATER;
		return MODEL_CONTINUE;
	}
	if (m->frag == MODEL_FRAG_FIRST)
		m->events |= 1U << VXP_EVENT_FRAG_FIRST;
	return l4_ports(ip, m, off);
}

static bool rule_matches(const struct nat_rule *r, int family, uint8_t proto, int match,
			 uint16_t port, const uint8_t *daddr, bool with_addr)
{
	size_t alen = family == 4 ? 4 : 16;

	return r->family == family && r->proto == proto && r->match == match && r->port == port &&
	       r->has_daddr == with_addr && (!with_addr || !memcmp(r->daddr.bytes, daddr, alen));
}

static int lookup_one(const struct model_settings *set, int family, uint8_t proto, int match,
		      uint16_t port, const uint8_t *daddr)
{
	int pass;
	size_t i;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < set->n_rules; i++)
			if (rule_matches(&set->rules[i], family, proto, match, port, daddr,
					 pass == 0))
				return (int)i;
	return -1;
}

int model_nat_lookup(const struct model_settings *set, int family, uint8_t proto, uint16_t sport,
		     uint16_t dport, const uint8_t *daddr)
{
	int r = lookup_one(set, family, proto, VXP_NAT_MATCH_DST, dport, daddr);

	return r >= 0 ? r : lookup_one(set, family, proto, VXP_NAT_MATCH_SRC, sport, daddr);
}

static int unmatched(const struct model_settings *set)
{
	return set->drop_unmatched ? VXP_REASON_NAT_UNMATCHED : MODEL_CONTINUE;
}

static bool is_tcp_udp(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP;
}

/* Whether a datagram whose fragments name nh may carry ports: TCP, UDP, or
 * in IPv6 an extension header that may stand before them. */
static bool may_have_ports(const struct model_frame *m)
{
	return is_tcp_udp(m->frag_nh) || (m->family == 6 && ext_is_options(m->frag_nh));
}

/* A later fragment carries no ports: it gets its first fragment's decision,
 * found by the datagram's identity (DESIGN.md step 4: IPv4 source,
 * destination, ID and protocol; IPv6 source, destination and ID, RFC 8200),
 * whatever its own header says comes next. Without a first fragment, a
 * datagram that may carry ports is an orphan. */
static int step4_later(const struct model_settings *set, struct model_frame *m)
{
	const struct frag_slot *s = frag_find(m);

	if (!s)
		return may_have_ports(m) ? VXP_REASON_FRAG_ORPHAN : unmatched(set);
	if (s->drop)
		return s->drop;
	if (!s->nat.hit)
		return unmatched(set);
	m->nat = s->nat;
	m->nat.port = 0; /* no ports in a later fragment */
	m->nat.rule = -1;
	m->events |= 1U << VXP_EVENT_NAT_HIT;
	return MODEL_CONTINUE;
}

/* IPv6 UDP without a checksum is dropped (DESIGN.md step 4 and README:
 * every IPv6 receiver discards it), matched by a rule or not. */
static bool udp6_no_csum(const uint8_t *ip, const struct model_frame *m)
{
	return m->family == 6 && m->proto == IPPROTO_UDP && m->l4 && !model_get16(ip + m->l4 + 6);
}

/* Step 4. A first fragment's decision is kept whatever its protocol: a
 * later IPv6 fragment cannot tell what its datagram carries. */
static int step4(const struct model_settings *set, const uint8_t *ip, struct model_frame *m)
{
	int r = -1;

	if (m->frag == MODEL_FRAG_LATER)
		return step4_later(set, m);
	if (udp6_no_csum(ip, m)) {
		if (m->frag == MODEL_FRAG_FIRST)
			frag_remember(m, VXP_REASON_INNER_UDP6_NO_CSUM);
		return VXP_REASON_INNER_UDP6_NO_CSUM;
	}
	if (is_tcp_udp(m->proto))
		r = model_nat_lookup(set, m->family, m->proto, m->sport, m->dport, m->daddr);
	if (r >= 0 && m->routed) {
		/* README step 4: a rule cannot deliver a packet whose routing
		 * header sends it on */
		if (m->frag == MODEL_FRAG_FIRST)
			frag_remember(m, VXP_REASON_INNER_ROUTED);
		return VXP_REASON_INNER_ROUTED;
	}
	m->nat.rule = r;
	if (r >= 0) {
		m->nat.hit = true;
		memcpy(m->nat.addr, set->rules[r].to_addr.bytes, 16);
		m->nat.port = set->rules[r].to_port;
	}
	if (m->frag == MODEL_FRAG_FIRST)
		frag_remember(m, 0);
	if (r < 0)
		return unmatched(set);
	m->events |= 1U << VXP_EVENT_NAT_HIT;
	return MODEL_CONTINUE;
}

void model_frame(const struct model_settings *set, const uint8_t *f, size_t len,
		 struct model_frame *m)
{
	int r;

	memset(m, 0, sizeof(*m));
	m->nat.rule = -1;
	step1(set, f, len, m);
	if (m->kind != MODEL_DECAP)
		return;
	r = step2(f, len, m);
	if (r == MODEL_CONTINUE)
		r = m->ethertype == 0x0800 ? step3_ipv4(f + m->l3, len - m->l3, m)
					   : step3_ipv6(f + m->l3, len - m->l3, m);
	if (r == MODEL_CONTINUE) {
		m->sampled = true;
		r = step4(set, f + m->l3, m);
	}
	if (r == MODEL_CONTINUE && m->family == 4 && m->df && m->tot > set->df_threshold) {
		m->df_clear = true;
		m->events |= 1U << VXP_EVENT_DF_CLEARED;
	}
	m->reason = r == MODEL_CONTINUE ? MODEL_STEP6 : r;
}

/* DESIGN.md step 6: the kernel gets a packet only to fragment it, and only
 * IPv4 without options (IPv6 is never fragmented on the way; the kernel's
 * option processing answers bad options with ICMP), DF cleared first. */
const char *model_step6(struct model_frame *m, int reason)
{
	bool fragmentable = m->family == 4 && m->ihl == 20;

	if (reason == VXP_REASON_FRAG_NEEDED) {
		if (!fragmentable)
			return "only IPv4 without options goes to the kernel to be fragmented";
		if (m->df && !m->df_clear) {
			m->df_clear = true;
			m->events |= 1U << VXP_EVENT_DF_CLEARED;
		}
	}
	if (reason == VXP_REASON_TOO_BIG && fragmentable)
		return "IPv4 without options is the kernel's to fragment";
	return NULL;
}
