// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-trafficgen's frames: one prepared frame per flow (outer Ethernet, IP,
 * UDP and VXLAN around an inner Ethernet, IP and UDP or TCP packet), and the
 * per-packet stamp of sequence number and time with incremental checksums. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "tg_frame.h"

/* The mirrored frame's own MACs, as Traffic Mirroring keeps them. */
static const uint8_t inner_dmac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x02 };
static const uint8_t inner_smac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 };

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (; len > 1; p += 2, len -= 2)
		sum += get16(p);
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static size_t addr_len(int family)
{
	return family == VXP_AF_INET ? 4 : 16;
}

/* IPv4 or IPv6 header for an L4 payload of l4len bytes; returns its length. */
static size_t put_ip(uint8_t *p, int family, const union vxp_addr *src, const union vxp_addr *dst,
		     uint8_t proto, size_t l4len)
{
	if (family == VXP_AF_INET) {
		memset(p, 0, 20);
		p[0] = 0x45;
		put16(p + 2, (uint16_t)(20 + l4len));
		put16(p + 6, 0x4000); /* DF, as most senders set it */
		p[8] = 64;
		p[9] = proto;
		memcpy(p + 12, &src->v4, 4);
		memcpy(p + 16, &dst->v4, 4);
		put16(p + 10, (uint16_t)~fold(sum16(p, 20, 0)));
		return 20;
	}
	memset(p, 0, 40);
	p[0] = 0x60;
	put16(p + 4, (uint16_t)l4len);
	p[6] = proto;
	p[7] = 64;
	memcpy(p + 8, src->bytes, 16);
	memcpy(p + 24, dst->bytes, 16);
	return 40;
}

static uint32_t pseudo_sum(int family, const union vxp_addr *src, const union vxp_addr *dst,
			   uint8_t proto, size_t l4len)
{
	uint32_t sum = sum16(src->bytes, addr_len(family), 0);

	sum = sum16(dst->bytes, addr_len(family), sum);
	return sum + proto + (uint32_t)(l4len >> 16) + (uint32_t)(l4len & 0xffff);
}

/* L4 header at p with payload already in place after it; returns the header
 * length and sets *ret_csum_off (relative to p). */
static size_t put_l4(uint8_t *p, uint8_t proto, uint16_t sport, uint16_t dport, size_t l4len,
		     size_t *ret_csum_off)
{
	put16(p, sport);
	put16(p + 2, dport);
	if (proto == IPPROTO_UDP) {
		put16(p + 4, (uint16_t)l4len);
		put16(p + 6, 0);
		*ret_csum_off = 6;
		return 8;
	}
	memset(p + 4, 0, 16);
	p[7] = 1;	       /* sequence number 1 */
	p[12] = 5 << 4;	       /* data offset */
	p[13] = 0x18;	       /* PSH, ACK */
	put16(p + 14, 0xffff); /* window */
	*ret_csum_off = 16;
	return 20;
}

static void l4_checksum(uint8_t *l4, size_t l4len, size_t csum_off, uint32_t pseudo)
{
	uint16_t c;

	put16(l4 + csum_off, 0);
	c = (uint16_t)~fold(sum16(l4, l4len, pseudo));
	put16(l4 + csum_off, c ? c : 0xffff);
}

static void flow_tuple(const struct tg_config *cfg, unsigned flow, union vxp_addr *src,
		       uint16_t *sport)
{
	uint32_t host;

	*src = cfg->inner_src;
	*sport = (uint16_t)(cfg->inner_sport + flow % 16384);
	if (flow < 16384)
		return;
	/* beyond 16384 flows the source address moves too */
	if (cfg->inner_family == VXP_AF_INET) {
		host = ntohl(src->v4) + flow / 16384;
		src->v4 = htonl(host);
	} else {
		host = ntohl(src->v6[3]) + flow / 16384;
		src->v6[3] = htonl(host);
	}
}

uint16_t tg_flow_sport(const struct tg_config *cfg, unsigned flow)
{
	union vxp_addr src;
	uint16_t sport;

	flow_tuple(cfg, flow, &src, &sport);
	return sport;
}

uint16_t tg_outer_sport(const struct tg_config *cfg, unsigned flow)
{
	uint8_t tuple[40];
	union vxp_addr src;
	uint32_t h = 2166136261U; /* FNV-1a */
	uint16_t sport;
	size_t n, i, alen = addr_len(cfg->inner_family);

	flow_tuple(cfg, flow, &src, &sport);
	memcpy(tuple, src.bytes, alen);
	memcpy(tuple + alen, cfg->inner_dst.bytes, alen);
	n = 2 * alen;
	put16(tuple + n, sport);
	put16(tuple + n + 2, cfg->inner_dport);
	tuple[n + 4] = cfg->inner_proto;
	for (i = 0; i < n + 5; i++)
		h = (h ^ tuple[i]) * 16777619U;
	return (uint16_t)(49152 + h % 16384);
}

static size_t put_eth(uint8_t *p, const uint8_t *dst, const uint8_t *src, int family)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	put16(p + 12, family == VXP_AF_INET ? 0x0800 : 0x86dd);
	return 14;
}

static void put_payload(uint8_t *p, size_t len, unsigned flow)
{
	struct tg_payload h = { .magic = htons(TG_MAGIC), .flow = htons((uint16_t)flow) };
	size_t i;

	memcpy(p, &h, sizeof(h));
	for (i = sizeof(h); i < len; i++)
		p[i] = tg_pattern((uint16_t)flow, i);
}

/* The inner packet (plain mode: the packet) at p; returns its length. */
static size_t put_inner_ip(const struct tg_config *cfg, unsigned flow, uint8_t *p,
			   struct tg_frame *f, size_t base)
{
	size_t ip_len = cfg->inner_family == VXP_AF_INET ? 20 : 40;
	size_t l4_hlen = cfg->inner_proto == IPPROTO_UDP ? 8 : 20;
	size_t l4len = cfg->size - ip_len, csum_off;
	union vxp_addr src;
	uint16_t sport;

	flow_tuple(cfg, flow, &src, &sport);
	put_payload(p + ip_len + l4_hlen, l4len - l4_hlen, flow);
	put_ip(p, cfg->inner_family, &src, &cfg->inner_dst, cfg->inner_proto, l4len);
	put_l4(p + ip_len, cfg->inner_proto, sport, cfg->inner_dport, l4len, &csum_off);
	l4_checksum(p + ip_len, l4len, csum_off,
		    pseudo_sum(cfg->inner_family, &src, &cfg->inner_dst, cfg->inner_proto, l4len));
	f->inner_l3_off = base;
	f->payload_off = base + ip_len + l4_hlen;
	f->l4_csum_off = base + ip_len + csum_off;
	if (cfg->inner_proto == IPPROTO_TCP) {
		f->tcp_seq_off = base + ip_len + 4;
		f->tcp_step = (uint32_t)(l4len - l4_hlen);
	}
	return cfg->size;
}

static int check_size(const struct tg_config *cfg, char *err, size_t errsize)
{
	unsigned min = (cfg->inner_family == VXP_AF_INET ? 20 : 40) +
		       (cfg->inner_proto == IPPROTO_UDP ? 8 : 20) + sizeof(struct tg_payload);
	unsigned outer =
		cfg->plain ? 14 : 14 + (cfg->outer_family == VXP_AF_INET ? 20 : 40) + 16 + 14;

	if (cfg->size < min || cfg->size + outer > TG_FRAME_MAX) {
		snprintf(err, errsize,
			 "--size %u: an IPv%d %s packet with the generator's "
			 "%zu-byte header needs %u to %u bytes",
			 cfg->size, cfg->inner_family == VXP_AF_INET ? 4 : 6,
			 cfg->inner_proto == IPPROTO_UDP ? "UDP" : "TCP", sizeof(struct tg_payload),
			 min, TG_FRAME_MAX - outer);
		return -EINVAL;
	}
	return 0;
}

int tg_frame_build(const struct tg_config *cfg, unsigned flow, struct tg_frame *f, char *err,
		   size_t errsize)
{
	size_t ip_len = cfg->outer_family == VXP_AF_INET ? 20 : 40, off, udp, len;
	uint8_t *p = f->buf;
	int ret = check_size(cfg, err, errsize);

	if (ret)
		return ret;
	memset(f, 0, sizeof(*f));
	f->flow = (uint16_t)flow;
	if (cfg->plain) { /* the inner packet is the packet */
		off = put_eth(p, cfg->dst_mac, cfg->src_mac, cfg->inner_family);
		f->len = off + put_inner_ip(cfg, flow, p + off, f, off);
		f->udp_data_off = f->payload_off;
		return 0;
	}
	off = put_eth(p, cfg->dst_mac, cfg->src_mac, cfg->outer_family);
	udp = off + ip_len;
	f->udp_data_off = udp + 8;
	memset(p + f->udp_data_off, 0, 8);
	p[f->udp_data_off] = 0x08; /* I flag */
	put16(p + f->udp_data_off + 4, (uint16_t)(cfg->vni >> 8));
	p[f->udp_data_off + 6] = (uint8_t)cfg->vni;
	off = f->udp_data_off + 8;
	off += put_eth(p + off, inner_dmac, inner_smac, cfg->inner_family);
	off += put_inner_ip(cfg, flow, p + off, f, off);
	len = off - udp;
	f->outer_sport = tg_outer_sport(cfg, flow);
	put_ip(p + 14, cfg->outer_family, &cfg->outer_src, &cfg->outer_dst, IPPROTO_UDP, len);
	put16(p + udp, f->outer_sport);
	put16(p + udp + 2, cfg->vxlan_port);
	put16(p + udp + 4, (uint16_t)len);
	put16(p + udp + 6, 0); /* zero over IPv4, as AWS and Linux send VXLAN */
	if (cfg->outer_family == VXP_AF_INET6) {
		l4_checksum(p + udp, len, 6,
			    pseudo_sum(VXP_AF_INET6, &cfg->outer_src, &cfg->outer_dst, IPPROTO_UDP,
				       len));
		f->outer_csum_off = udp + 6;
	}
	f->len = off;
	return 0;
}

/* RFC 1624 eqn. 3 over the 16-bit words that changed */
static void csum_adjust(uint8_t *field, const uint8_t *old, const uint8_t *new, size_t len)
{
	uint32_t sum = (uint16_t)~get16(field);
	size_t i;

	for (i = 0; i < len; i += 2)
		sum += (uint16_t)~get16(old + i) + get16(new + i);
	put16(field, (uint16_t)~fold(sum));
}

/* The stamped words (payload seq and time; a TCP sequence number) and then
 * the inner checksum change; an IPv6 outer UDP checksum covers all of them.
 * Every changed field starts at an even offset. */
void tg_frame_stamp(const struct tg_frame *f, uint8_t *buf, uint32_t seq, uint64_t sent_ns)
{
	uint8_t *p = buf + f->payload_off + offsetof(struct tg_payload, seq);
	uint8_t *csum = buf + f->l4_csum_off;
	uint8_t old[18], new[18];
	uint32_t be_seq = htonl(seq), tcp_seq = htonl(1 + seq * f->tcp_step);
	uint64_t be_ns = htobe64(sent_ns);
	size_t n = 12;

	memcpy(old, p, 12);
	memcpy(new, &be_seq, 4);
	memcpy(new + 4, &be_ns, 8);
	memcpy(p, new, 12);
	if (f->tcp_seq_off) {
		memcpy(old + n, buf + f->tcp_seq_off, 4);
		memcpy(new + n, &tcp_seq, 4);
		memcpy(buf + f->tcp_seq_off, &tcp_seq, 4);
		n += 4;
	}
	memcpy(old + n, csum, 2);
	csum_adjust(csum, old, new, n);
	if (!get16(csum))
		put16(csum, 0xffff);
	memcpy(new + n, csum, 2);
	if (f->outer_csum_off) {
		csum_adjust(buf + f->outer_csum_off, old, new, n + 2);
		if (!get16(buf + f->outer_csum_off))
			put16(buf + f->outer_csum_off, 0xffff);
	}
}
