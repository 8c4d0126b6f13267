/* SPDX-License-Identifier: GPL-2.0-only */
/* Test frames from a declarative spec, with every checksum computed from scratch
 * (RFC 1071) by this file, never by the code under test; and an independent
 * checker for the checksums of a frame the program sent. */
#ifndef VXP_TEST_PKT_H
#define VXP_TEST_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_MAX 4096

struct pkt_l2 {
	uint8_t dst[6];
	uint8_t src[6];
	int nvlan;	  /* tags, outermost first */
	uint16_t tpid[3]; /* 0: 802.1Q */
	uint16_t vid[3];
	uint16_t ethertype; /* 0: from what follows */
};

struct pkt_ip {
	int family; /* 4 or 6 */
	const char *src;
	const char *dst;
	uint8_t proto; /* what the IP header says follows */
	uint8_t ttl;   /* 0: 64 */
	uint8_t tos;
	int ihl; /* IPv4: 0 is 5; more adds NOP options */
	uint16_t id;
	bool df;
	/* A fragment carries bytes [frag_off, frag_off + frag_len) of the L4
	 * datagram; frag_len 0 means not a fragment. */
	unsigned frag_off, frag_len;
	bool mf;
	uint32_t frag_id6; /* IPv6 fragment header identification */
	bool hbh;	   /* IPv6: a hop-by-hop options header first */
	/* IPv6: a type 2 routing header, one segment left, to this final
	 * destination (the address the L4 pseudo header holds) */
	const char *home;
	/* IPv6: more extension headers, in order, after those above: hop-by-hop
	 * and destination options, routing (no segments left), AH (RFC 4302,
	 * 24 bytes), or any other number (8 bytes, RFC 6564's format). Where
	 * IPPROTO_FRAGMENT stands, a fragment's header goes (else last); the
	 * headers after it are part of the fragmented datagram. */
	uint8_t ext[12];
	int n_ext;
	int len_delta;	 /* added to the length field: a lie about the size */
	uint8_t version; /* 0: from family */
};

struct pkt_l4 {
	uint16_t sport, dport;
	int payload;	/* bytes after the L4 header */
	bool csum_zero; /* UDP: send no checksum */
	bool has_tweak; /* first two payload bytes set to tweak */
	uint16_t tweak;
};

struct pkt_spec {
	bool vxlan; /* false: the inner frame is the whole frame */
	struct pkt_l2 outer_l2;
	struct pkt_ip outer_ip;
	uint16_t udp_sport; /* 0: 49152 */
	uint16_t udp_dport; /* 0: 4789 */
	bool no_i_flag;
	uint32_t vni;
	struct pkt_l2 l2;
	struct pkt_ip ip;
	struct pkt_l4 l4;
	bool arp; /* inner ARP request instead of IP */
};

/* The frame for a spec; aborts the test on a spec it cannot build. */
size_t pkt_build(const struct pkt_spec *s, uint8_t *out);

/* RFC 1071 sum of buf, folded, not complemented, starting from sum. */
uint32_t csum_partial_ref(const void *buf, size_t len, uint32_t sum);
uint16_t csum_fold_ref(uint32_t sum);

/* Checks the IPv4 header checksum and, for an unfragmented TCP, UDP, ICMP or
 * ICMPv6 packet, the L4 checksum of an Ethernet frame without VLAN tags.
 * Returns NULL when all hold, or what failed. */
const char *pkt_verify_csums(const uint8_t *frame, size_t len);
/* The same for a frame made from an input whose UDP checksum was set
 * (had_udp_csum): a UDP checksum of zero over IPv4 means "none", which such
 * a frame must not leave with (a computed zero goes out as 0xffff). */
const char *pkt_verify_csums_from(const uint8_t *frame, size_t len, bool had_udp_csum);

/* The L4 checksum field of an Ethernet/IP frame without tags (host order). */
uint16_t pkt_l4_csum(const uint8_t *frame, size_t len);

void pkt_hexdiff(const uint8_t *want, size_t wlen, const uint8_t *got, size_t glen);

#endif /* VXP_TEST_PKT_H */
