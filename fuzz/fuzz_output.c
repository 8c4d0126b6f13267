// SPDX-License-Identifier: GPL-2.0-only
/* What a decapsulated frame that leaves may look like: the inner packet, byte
 * for byte, with only the MACs, TTL, DF, NAT destination and their checksums
 * changed; checksums checked with tests/lib/pkt.c's RFC 1071 sums, never with
 * the program's arithmetic. */
#include "config.h"

#include <string.h>
#include <netinet/in.h>

#include "fuzz.h"

static const uint8_t mac_gw[] = MAC_GW, mac_out0[] = MAC_OUT0, mac_mtu0[] = MAC_MTU0;
static const uint8_t mac_in0[] = MAC_IN0; /* the ingress interface's own */
static const uint8_t mac_mtu_gw[] = { 0x02, 0x00, 0x00, 0x00, 0x03, 0x02 };

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* RFC 8200 §8.1: with a routing header that has segments left, the upper
 * layer checksum covers the final destination. NULL for a routing type whose
 * final destination this does not know. */
static const uint8_t *v6_pseudo_dst(const uint8_t *ip, size_t tot)
{
	size_t off = 40;
	uint8_t nh = ip[6];
	int n;

	for (n = 0; n < 8 && off + 8 <= tot; n++) {
		const uint8_t *h = ip + off;

		if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING && nh != IPPROTO_DSTOPTS &&
		    nh != IPPROTO_AH)
			break;
		if (nh == IPPROTO_ROUTING && h[3]) {
			size_t hl = (size_t)h[1] * 8 + 8;

			if (h[2] == 0 && h[1] >= 2 && off + hl <= tot)
				return h + 8 + ((size_t)h[1] / 2 - 1) * 16; /* the last */
			if ((h[2] == 2 || h[2] == 4) && h[1] >= 2 && off + 24 <= tot)
				return h + 8; /* home address; segment list[0] */
			return NULL;
		}
		off += nh == IPPROTO_AH ? ((size_t)h[1] + 2) * 4 : ((size_t)h[1] + 1) * 8;
		nh = h[0];
	}
	return ip + 24;
}

/* The L4 sum over the pseudo header and bytes [l4, tot) of an IP packet,
 * folded; 0xffff (or 0) when the checksum is right. NULL daddr: unknown. */
static int l4_residual(const uint8_t *ip, const struct model_frame *m)
{
	size_t alen = m->family == 4 ? 4 : 16, l4len = m->tot - m->l4;
	const uint8_t *src = ip + (m->family == 4 ? 12 : 8);
	const uint8_t *dst = m->family == 4 ? ip + 16 : v6_pseudo_dst(ip, m->tot);
	uint32_t sum;

	if (!dst)
		return -1;
	sum = csum_partial_ref(src, alen, 0);
	sum = csum_partial_ref(dst, alen, sum);
	sum += m->proto + (uint32_t)(l4len >> 16) + (uint32_t)(l4len & 0xffff);
	return csum_fold_ref(csum_partial_ref(ip + m->l4, l4len, sum));
}

static size_t l4_csum_off(const struct model_frame *m)
{
	return m->l4 + (m->proto == IPPROTO_TCP ? 16 : 6);
}

static uint16_t ipv4_residual(const uint8_t *ip, const struct model_frame *m)
{
	return csum_fold_ref(csum_partial_ref(ip, m->ihl, 0));
}

bool fuzz_fix_csums(uint8_t *f, const struct model_frame *m)
{
	uint8_t *ip = f + m->l3, before[2];
	size_t c;
	int res;
	bool changed = false;

	if (m->family == 4 && ipv4_residual(ip, m) != 0xffff) {
		put16(ip + 10, 0);
		put16(ip + 10, (uint16_t)~ipv4_residual(ip, m));
		changed = true;
	}
	if (!m->l4 || m->frag != MODEL_FRAG_NONE)
		return changed;
	c = l4_csum_off(m);
	if (m->proto == IPPROTO_UDP && m->family == 4 && !model_get16(ip + c))
		return changed; /* no checksum, and that is valid */
	memcpy(before, ip + c, 2);
	put16(ip + c, 0);
	res = l4_residual(ip, m);
	if (res < 0) {
		memcpy(ip + c, before, 2);
		return changed;
	}
	put16(ip + c, (uint16_t)~res);
	if (m->proto == IPPROTO_UDP && !model_get16(ip + c))
		put16(ip + c, 0xffff);
	return changed || memcmp(before, ip + c, 2);
}

static void check_macs(const struct model_frame *m, const uint8_t *out, bool forwarded,
		       fuzz_broken_fn broken)
{
	if (forwarded) {
		if (!(!memcmp(out, mac_gw, 6) && !memcmp(out + 6, mac_out0, 6)) &&
		    !(!memcmp(out, mac_mtu_gw, 6) && !memcmp(out + 6, mac_mtu0, 6)))
			broken("forward-macs", "forwarded with MACs that are no egress and "
					       "neighbour pair of a tx port");
		if (!memcmp(out + 6, mac_mtu0, 6) && m->tot > 1280)
			broken("forward-mtu", "%u bytes forwarded out of a 1280-byte MTU", m->tot);
		return;
	}
	if (memcmp(out, mac_in0, 6) || memcmp(out + 6, m->inner_smac, 6))
		broken("kernel-macs", "handed to the kernel without the ingress interface's MAC "
				      "and the inner source MAC");
}

/* The inner IP packet as it must leave, but for the checksum fields. */
static void expected_ip(const uint8_t *ip_in, const struct model_frame *m, const uint8_t *ip_out,
			bool forwarded, uint8_t *exp)
{
	memcpy(exp, ip_in, m->tot);
	if (m->family == 4) {
		exp[8] = (uint8_t)(exp[8] - forwarded);
		if (m->df_clear)
			exp[6] &= (uint8_t)~0x40;
		if (m->nat.hit)
			memcpy(exp + 16, m->nat.addr, 4);
		memcpy(exp + 10, ip_out + 10, 2);
	} else {
		exp[7] = (uint8_t)(exp[7] - forwarded);
		if (m->nat.hit)
			memcpy(exp + 24, m->nat.addr, 16);
	}
	if (!m->l4)
		return;
	if (m->nat.hit && m->nat.port)
		put16(exp + m->l4 + 2, m->nat.port);
	memcpy(exp + l4_csum_off(m), ip_out + l4_csum_off(m), 2);
}

static void check_l4_csum(const uint8_t *ip_in, const struct model_frame *m, const uint8_t *ip_out,
			  fuzz_broken_fn broken)
{
	size_t c = l4_csum_off(m);
	uint16_t in_c = model_get16(ip_in + c), out_c = model_get16(ip_out + c);
	int rin, rout;

	if (m->proto == IPPROTO_UDP && !in_c) {
		if (out_c)
			broken("udp-zero-checksum", "a zero UDP checksum became 0x%04x", out_c);
		return;
	}
	if (m->proto == IPPROTO_UDP && !out_c)
		broken("udp-zero-checksum", "a UDP checksum became zero (send 0xffff)");
	rin = l4_residual(ip_in, m);
	rout = l4_residual(ip_out, m);
	if (rin < 0 || rin % 0xffff == rout % 0xffff)
		return;
	broken("l4-checksum",
	       "%s checksum 0x%04x -> 0x%04x: RFC 1071 sum 0x%04x -> 0x%04x (%s input)",
	       m->proto == IPPROTO_TCP ? "TCP" : "UDP", in_c, out_c, rin, rout,
	       rin == 0xffff ? "a valid" : "an invalid");
}

void fuzz_check_output(const uint8_t *in, size_t len, const struct model_frame *m,
		       const struct dp_result *r, bool forwarded, fuzz_broken_fn broken)
{
	static uint8_t exp[PKT_MAX];
	const uint8_t *out = r->out, *ip_in = in + m->l3, *ip_out = out + 14;
	size_t want = len - m->l3 + 14, i;

	if (r->out_len != want)
		broken("decap-length",
		       "%u bytes left; the inner packet has %zu with its "
		       "Ethernet header",
		       r->out_len, want);
	if (model_get16(out + 12) != m->ethertype)
		broken("decap-ethertype", "ethertype 0x%04x, inner 0x%04x", model_get16(out + 12),
		       m->ethertype);
	check_macs(m, out, forwarded, broken);
	if (14 + m->tot > r->out_len)
		broken("ip-length", "IP length %u beyond a %u-byte frame", m->tot, r->out_len);
	expected_ip(ip_in, m, ip_out, forwarded, exp);
	for (i = 0; i < m->tot; i++)
		if (exp[i] != ip_out[i])
			broken("output-bytes", "inner IP byte %zu is 0x%02x, want 0x%02x", i,
			       ip_out[i], exp[i]);
	if (memcmp(ip_in + m->tot, ip_out + m->tot, len - m->l3 - m->tot))
		broken("output-bytes", "bytes after the IP length changed");
	if (m->family == 4 && ipv4_residual(ip_in, m) % 0xffff != ipv4_residual(ip_out, m) % 0xffff)
		broken("ipv4-header-checksum", "IPv4 header checksum 0x%04x -> 0x%04x (%s input)",
		       model_get16(ip_in + 10), model_get16(ip_out + 10),
		       ipv4_residual(ip_in, m) == 0xffff ? "a valid" : "an invalid");
	if (m->l4 && m->frag != MODEL_FRAG_LATER)
		check_l4_csum(ip_in, m, ip_out, broken);
}
