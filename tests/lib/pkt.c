// SPDX-License-Identifier: GPL-2.0-only
/* Test frames from a declarative spec, with every checksum computed from scratch
 * (RFC 1071) by this file, never by the code under test; and an independent
 * checker for the checksums of a frame the program sent. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"
#include "tap.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t csum_partial_ref(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;

	for (; len > 1; p += 2, len -= 2)
		sum += get16(p);
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t csum_fold_ref(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static size_t addr_parse(int family, const char *s, uint8_t *out)
{
	if (!s)
		s = family == 4 ? "0.0.0.0" : "::";
	if (inet_pton(family == 4 ? AF_INET : AF_INET6, s, out) != 1)
		tap_bail("test spec has a bad IPv%d address '%s'", family, s);
	return family == 4 ? 4 : 16;
}

static uint32_t pseudo_sum(const uint8_t *src, const uint8_t *dst, size_t alen, uint8_t proto,
			   size_t l4len)
{
	uint32_t sum = csum_partial_ref(src, alen, 0);

	sum = csum_partial_ref(dst, alen, sum);
	return sum + proto + (uint32_t)(l4len >> 16) + (uint32_t)(l4len & 0xffff);
}

static size_t l4_header(uint8_t proto, const struct pkt_l4 *l4, uint8_t *out, int *ret_csum_off)
{
	switch (proto) {
	case IPPROTO_UDP:
		put16(out, l4->sport);
		put16(out + 2, l4->dport);
		*ret_csum_off = 6;
		return 8;
	case IPPROTO_TCP:
		put16(out, l4->sport);
		put16(out + 2, l4->dport);
		put32(out + 4, 0x01020304);
		put32(out + 8, 0x05060708);
		out[12] = 5 << 4;
		out[13] = 0x18; /* PSH, ACK */
		put16(out + 14, 0xffff);
		*ret_csum_off = 16;
		return 20;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		out[0] = proto == IPPROTO_ICMP ? 8 : 128; /* echo request */
		put16(out + 4, l4->sport);
		put16(out + 6, l4->dport);
		*ret_csum_off = 2;
		return 8;
	default:
		*ret_csum_off = -1;
		return 0;
	}
}

/* The whole L4 datagram, checksummed over its pseudo header. */
static size_t l4_build(const struct pkt_ip *ip, const struct pkt_l4 *l4, const uint8_t *payload,
		       size_t plen, uint8_t *out)
{
	uint8_t src[16], dst[16];
	size_t hl, len, alen, i;
	uint32_t sum = 0;
	uint16_t c;
	int csum_off;

	memset(out, 0, 64);
	hl = l4_header(ip->proto, l4, out, &csum_off);
	if (!payload)
		plen = l4->payload;
	if (hl + plen > PKT_MAX - 128)
		tap_bail("test spec payload too large");
	for (i = 0; i < plen; i++)
		out[hl + i] = payload ? payload[i] : (uint8_t)(i * 7 + 3);
	if (l4->has_tweak && plen >= 2)
		put16(out + hl, l4->tweak);
	len = hl + plen;
	if (ip->proto == IPPROTO_UDP)
		put16(out + 4, (uint16_t)len);
	if (csum_off < 0 || (ip->proto == IPPROTO_UDP && l4->csum_zero))
		return len;
	if (ip->proto != IPPROTO_ICMP) {
		alen = addr_parse(ip->family, ip->src, src);
		addr_parse(ip->family, ip->home ? ip->home : ip->dst, dst);
		sum = pseudo_sum(src, dst, alen, ip->proto, len);
	}
	c = (uint16_t)~csum_fold_ref(csum_partial_ref(out, len, sum));
	if (c == 0 && ip->proto == IPPROTO_UDP)
		c = 0xffff;
	put16(out + csum_off, c);
	return len;
}

static size_t ipv4_build(const struct pkt_ip *ip, const uint8_t *data, size_t len, uint8_t *out)
{
	int ihl = ip->ihl ? ip->ihl : 5;
	size_t hl = ihl * 4;
	uint16_t fo;

	memset(out, 0, hl);
	out[0] = (uint8_t)((ip->version ? ip->version : 4) << 4 | ihl);
	out[1] = ip->tos;
	put16(out + 2, (uint16_t)(hl + len + ip->len_delta));
	put16(out + 4, ip->id);
	fo = (ip->df ? 0x4000 : 0) | (ip->mf ? 0x2000 : 0) | (ip->frag_off / 8);
	put16(out + 6, fo);
	out[8] = ip->ttl ? ip->ttl : 64;
	out[9] = ip->proto;
	addr_parse(4, ip->src, out + 12);
	addr_parse(4, ip->dst, out + 16);
	if (hl > 20) {
		memset(out + 20, 1, hl - 20); /* NOP */
		out[hl - 1] = 0;	      /* end of options */
	}
	put16(out + 10, (uint16_t)~csum_fold_ref(csum_partial_ref(out, hl, 0)));
	memcpy(out + hl, data, len);
	return hl + len;
}

/* Starts the header of type at p: the previous header's next header field
 * (*nextp) names it, and its own becomes the one to fill next. */
static void chain_link(uint8_t **nextp, uint8_t type, uint8_t *p)
{
	**nextp = type;
	*nextp = p;
}

/* One extension header (type other than the fragment header); its length. */
static size_t ext_build(uint8_t type, uint8_t **nextp, uint8_t *p)
{
	size_t len = type == IPPROTO_AH ? 24 : 8;

	memset(p, 0, len);
	chain_link(nextp, type, p);
	switch (type) {
	case IPPROTO_AH: /* length in 4-byte units, minus 2 (RFC 4302) */
		p[1] = (uint8_t)(len / 4 - 2);
		put32(p + 4, 0x1000); /* SPI */
		put32(p + 8, 1);      /* sequence number */
		memset(p + 12, 0xa5, len - 12);
		break;
	case IPPROTO_HOPOPTS:
	case IPPROTO_DSTOPTS:
		p[2] = 1; /* PadN */
		p[3] = 4;
		break;
	case IPPROTO_ROUTING:
		p[2] = 4; /* segment routing header, no segment left */
		break;
	default: /* RFC 6564's uniform format: length 0 is 8 bytes */
		break;
	}
	return len;
}

/* A type 2 routing header (RFC 6275) to home, one segment left. */
static size_t home_build(const char *home, uint8_t **nextp, uint8_t *p)
{
	memset(p, 0, 24);
	chain_link(nextp, IPPROTO_ROUTING, p);
	p[1] = 2; /* (2 + 1) * 8 bytes */
	p[2] = 2;
	p[3] = 1;
	addr_parse(6, home, p + 8);
	return 24;
}

static size_t frag_hdr_build(const struct pkt_ip *ip, uint8_t **nextp, uint8_t *p)
{
	memset(p, 0, 8);
	chain_link(nextp, IPPROTO_FRAGMENT, p);
	put16(p + 2, (uint16_t)((ip->frag_off / 8) << 3 | (ip->mf ? 1 : 0)));
	put32(p + 4, ip->frag_id6);
	return 8;
}

/* The L4 datagram behind the fixed header, extension headers and, in a
 * fragment, its fragment header; what follows that header is the fragmented
 * datagram (RFC 8200 4.5), of which a fragment carries one slice. */
static size_t ipv6_build(const struct pkt_ip *ip, const uint8_t *dgram, size_t dlen, uint8_t *out)
{
	static uint8_t rest[PKT_MAX];
	bool frag = ip->frag_len > 0, after = false;
	uint8_t *nextp = out + 6, *p = out + 40, *q = rest;
	size_t rlen;
	int i;

	memset(out, 0, 40);
	out[0] = (uint8_t)((ip->version ? ip->version : 6) << 4 | ip->tos >> 4);
	out[1] = (uint8_t)(ip->tos << 4);
	out[7] = ip->ttl ? ip->ttl : 64;
	addr_parse(6, ip->src, out + 8);
	addr_parse(6, ip->dst, out + 24);
	if (ip->hbh)
		p += ext_build(IPPROTO_HOPOPTS, &nextp, p);
	if (ip->home)
		p += home_build(ip->home, &nextp, p);
	for (i = 0; i < ip->n_ext && i < (int)sizeof(ip->ext); i++) {
		if (ip->ext[i] == IPPROTO_FRAGMENT && !after) {
			p += frag_hdr_build(ip, &nextp, p);
			after = true;
		} else if (after) {
			q += ext_build(ip->ext[i], &nextp, q);
		} else {
			p += ext_build(ip->ext[i], &nextp, p);
		}
	}
	if (frag && !after)
		p += frag_hdr_build(ip, &nextp, p);
	*nextp = ip->proto;
	if ((size_t)(q - rest) + dlen > sizeof(rest) - 256)
		tap_bail("test spec payload too large");
	memcpy(q, dgram, dlen);
	rlen = (size_t)(q - rest) + dlen;
	if (frag) {
		if (ip->frag_off % 8 || ip->frag_off + ip->frag_len > rlen)
			tap_bail("test spec has a fragment outside its datagram");
		memcpy(p, rest + ip->frag_off, ip->frag_len);
		p += ip->frag_len;
	} else {
		memcpy(p, rest, rlen);
		p += rlen;
	}
	put16(out + 4, (uint16_t)((size_t)(p - out) - 40 + ip->len_delta));
	return (size_t)(p - out);
}

static size_t ip_build(const struct pkt_ip *ip, const uint8_t *dgram, size_t dlen, uint8_t *out)
{
	if (ip->family == 6)
		return ipv6_build(ip, dgram, dlen, out);
	if (ip->family != 4)
		tap_bail("test spec has IP family %d", ip->family);
	if (ip->frag_len) {
		if (ip->frag_off % 8 || ip->frag_off + ip->frag_len > dlen)
			tap_bail("test spec has a fragment outside its datagram");
		dgram += ip->frag_off;
		dlen = ip->frag_len;
	}
	return ipv4_build(ip, dgram, dlen, out);
}

static size_t l2_build(const struct pkt_l2 *l2, uint16_t ethertype, uint8_t *out)
{
	size_t off = 12;
	int i;

	memcpy(out, l2->dst, 6);
	memcpy(out + 6, l2->src, 6);
	for (i = 0; i < l2->nvlan && i < 3; i++, off += 4) {
		put16(out + off, l2->tpid[i] ? l2->tpid[i] : 0x8100);
		put16(out + off + 2, l2->vid[i]);
	}
	put16(out + off, l2->ethertype ? l2->ethertype : ethertype);
	return off + 2;
}

static size_t arp_build(const struct pkt_spec *s, uint8_t *out)
{
	size_t off = l2_build(&s->l2, 0x0806, out);
	uint8_t *a = out + off;

	memset(a, 0, 28);
	put16(a, 1);
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, 1);
	memcpy(a + 8, s->l2.src, 6);
	addr_parse(4, s->ip.src, a + 14);
	addr_parse(4, s->ip.dst, a + 24);
	return off + 28;
}

static size_t inner_build(const struct pkt_spec *s, uint8_t *out)
{
	static uint8_t dgram[PKT_MAX];
	size_t off, dlen;

	if (s->arp)
		return arp_build(s, out);
	off = l2_build(&s->l2, s->ip.family == 6 ? 0x86dd : 0x0800, out);
	dlen = l4_build(&s->ip, &s->l4, NULL, 0, dgram);
	return off + ip_build(&s->ip, dgram, dlen, out + off);
}

size_t pkt_build(const struct pkt_spec *s, uint8_t *out)
{
	static uint8_t inner[PKT_MAX], dgram[PKT_MAX];
	struct pkt_ip oip = s->outer_ip;
	struct pkt_l4 ol4 = {
		.sport = s->udp_sport ? s->udp_sport : 49152,
		.dport = s->udp_dport ? s->udp_dport : 4789,
		.csum_zero = s->outer_ip.family == 4, /* as AWS and Linux send it */
	};
	size_t ilen, dlen, off;

	ilen = inner_build(s, s->vxlan ? inner + 8 : out);
	if (!s->vxlan)
		return ilen;
	memset(inner, 0, 8);
	inner[0] = s->no_i_flag ? 0 : 0x08;
	put32(inner + 4, s->vni << 8);
	if (!oip.proto)
		oip.proto = IPPROTO_UDP;
	dlen = l4_build(&oip, &ol4, inner, ilen + 8, dgram);
	off = l2_build(&s->outer_l2, oip.family == 6 ? 0x86dd : 0x0800, out);
	return off + ip_build(&oip, dgram, dlen, out + off);
}

static const char *l4_verify(const uint8_t *l3, const uint8_t *dst6, int family, uint8_t proto,
			     const uint8_t *l4, size_t l4len, bool had_udp_csum)
{
	uint32_t sum = 0;

	if (proto != IPPROTO_UDP && proto != IPPROTO_TCP && proto != IPPROTO_ICMP &&
	    proto != IPPROTO_ICMPV6)
		return NULL;
	if (proto == IPPROTO_UDP && family == 4 && get16(l4 + 6) == 0)
		return had_udp_csum ? "UDP checksum: zero (none) where the input had one"
				    : NULL; /* no checksum, as it came */
	if (proto != IPPROTO_ICMP)
		sum = family == 4 ? pseudo_sum(l3 + 12, l3 + 16, 4, proto, l4len)
				  : pseudo_sum(l3 + 8, dst6, 16, proto, l4len);
	if (csum_fold_ref(csum_partial_ref(l4, l4len, sum)) != 0xffff)
		return "L4 checksum";
	return NULL;
}

/* Locates the L4 header and, for IPv6, the pseudo header's destination: the
 * final one when a routing header has segments left (RFC 8200 8.1); returns
 * 0, or 1 for a fragment, or -1. */
static int l4_locate(const uint8_t *f, size_t len, int *ret_family, uint8_t *ret_proto,
		     size_t *ret_off, size_t *ret_len, const uint8_t **ret_dst6)
{
	const uint8_t *l3 = f + 14;
	size_t ihl, off;
	int n;

	*ret_dst6 = l3 + 24;
	if (len < 14 + 20)
		return -1;
	if (get16(f + 12) == 0x0800) {
		ihl = (l3[0] & 0xf) * 4;
		*ret_family = 4;
		*ret_proto = l3[9];
		*ret_off = 14 + ihl;
		*ret_len = get16(l3 + 2) - ihl;
		return (get16(l3 + 6) & 0x3fff) ? 1 : 0;
	}
	if (get16(f + 12) != 0x86dd || len < 14 + 40)
		return -1;
	*ret_family = 6;
	*ret_proto = l3[6];
	off = 40;
	for (n = 0; n < 16 && *ret_proto != IPPROTO_FRAGMENT; n++) {
		const uint8_t *h = l3 + off;
		uint8_t type = *ret_proto;

		if (type != IPPROTO_HOPOPTS && type != IPPROTO_DSTOPTS && type != IPPROTO_ROUTING &&
		    type != IPPROTO_AH)
			break;
		if (14 + off + 8 > len)
			return -1;
		/* types 2 and 4 hold the final destination first */
		if (type == IPPROTO_ROUTING && h[3] && 14 + off + 24 <= len)
			*ret_dst6 = h + 8;
		*ret_proto = h[0];
		off += type == IPPROTO_AH ? ((size_t)h[1] + 2) * 4 : ((size_t)h[1] + 1) * 8;
	}
	if (*ret_proto == IPPROTO_FRAGMENT)
		return 1;
	*ret_off = 14 + off;
	*ret_len = get16(l3 + 4) + 40 - off;
	return 0;
}

const char *pkt_verify_csums(const uint8_t *f, size_t len)
{
	return pkt_verify_csums_from(f, len, false);
}

const char *pkt_verify_csums_from(const uint8_t *f, size_t len, bool had_udp_csum)
{
	const uint8_t *dst6;
	size_t l4off, l4len;
	uint8_t proto;
	int family, rc;

	rc = l4_locate(f, len, &family, &proto, &l4off, &l4len, &dst6);
	if (rc < 0)
		return "not an untagged IPv4 or IPv6 frame";
	if (family == 4 && csum_fold_ref(csum_partial_ref(f + 14, (f[14] & 0xf) * 4, 0)) != 0xffff)
		return "IPv4 header checksum";
	if (rc == 1)
		return NULL; /* a fragment's L4 sum covers bytes it does not carry */
	if (l4off + l4len > len)
		return "IP length beyond the frame";
	return l4_verify(f + 14, dst6, family, proto, f + l4off, l4len, had_udp_csum);
}

uint16_t pkt_l4_csum(const uint8_t *f, size_t len)
{
	const uint8_t *dst6;
	size_t l4off, l4len;
	uint8_t proto;
	int family;

	if (l4_locate(f, len, &family, &proto, &l4off, &l4len, &dst6))
		return 0;
	return get16(f + l4off + (proto == IPPROTO_TCP ? 16 : proto == IPPROTO_UDP ? 6 : 2));
}

/* Lines of b that differ from other, with * before each differing byte. */
static void hexdump(const char *tag, const uint8_t *b, size_t len, const uint8_t *other,
		    size_t olen)
{
	char line[160];
	bool any;
	size_t i, j;
	int n;

	for (i = 0; i < len; i += 16) {
		n = snprintf(line, sizeof(line), "%s %04zx:", tag, i);
		any = false;
		for (j = i; j < i + 16 && j < len; j++) {
			bool differs = j >= olen || other[j] != b[j];

			any |= differs;
			n += snprintf(line + n, sizeof(line) - n, "%s%02x", differs ? "*" : " ",
				      b[j]);
		}
		if (any)
			tap_diag("%s", line);
	}
}

void pkt_hexdiff(const uint8_t *want, size_t wlen, const uint8_t *got, size_t glen)
{
	tap_diag("want %zu bytes, got %zu; lines that differ, * before each difference:", wlen,
		 glen);
	hexdump("want", want, wlen, got, glen);
	hexdump("got ", got, glen, want, wlen);
}
