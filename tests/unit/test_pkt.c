// SPDX-License-Identifier: GPL-2.0-only
/* The tests' own checksum routine and frame builder, checked against published
 * values and against checksums in real captures, so that agreement between
 * the builder and the data plane means something. */
#include "config.h"

#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"
#include "tap.h"

/* The IPv4 header from the Wikipedia "IPv4 header checksum" example. */
static void check_known_header(void)
{
	uint8_t h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			  0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	uint16_t c = (uint16_t)~csum_fold_ref(csum_partial_ref(h, sizeof(h), 0));

	tap_ok(c == 0xb861, "IPv4 header checksum of the textbook example is 0xb861 (0x%04x)", c);
	/* RFC 1071 section 3's example words sum to 0xddf2 */
	{
		uint8_t w[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

		tap_ok(csum_fold_ref(csum_partial_ref(w, sizeof(w), 0)) == 0xddf2,
		       "RFC 1071 example sums to 0xddf2");
	}
	tap_ok(csum_fold_ref(csum_partial_ref((uint8_t[]){ 0xab }, 1, 0)) == 0xab00,
	       "an odd byte is padded with zero");
}

/* Every IPv4 frame in the plain capture verifies; a flipped byte does not. */
static void check_capture(void)
{
	const char *dir = getenv("VXP_TEST_DATA");
	char path[512], errbuf[PCAP_ERRBUF_SIZE];
	int n = 0, good = 0, flipped_bad = 0;
	struct pcap_pkthdr *h;
	const uint8_t *data;
	uint8_t f[PKT_MAX];
	pcap_t *p;

	snprintf(path, sizeof(path), "%s/pcaps/antmrlt_plain_icmp.pcap", dir ? dir : "tests/data");
	p = pcap_open_offline(path, errbuf);
	if (!tap_ok(p != NULL, "capture opens")) {
		tap_diag("%s", errbuf);
		return;
	}
	while (pcap_next_ex(p, &h, &data) == 1) {
		if (h->caplen < 34 || data[12] != 0x08 || data[13] != 0x00)
			continue;
		n++;
		good += !pkt_verify_csums(data, h->caplen);
		memcpy(f, data, h->caplen);
		f[h->caplen - 1] ^= 0x5a;
		flipped_bad += pkt_verify_csums(f, h->caplen) != NULL;
	}
	pcap_close(p);
	tap_ok(n == 20 && good == n, "all %d captured ICMP frames verify (%d)", n, good);
	tap_ok(flipped_bad == n, "each with a flipped payload byte fails (%d)", flipped_bad);
}

/* Built frames verify, for every protocol the builder writes. */
static void check_built(void)
{
	static const struct {
		int family;
		uint8_t proto;
		bool hbh;
	} kinds[] = {
		{ 4, IPPROTO_UDP, false }, { 4, IPPROTO_TCP, false }, { 4, IPPROTO_ICMP, false },
		{ 6, IPPROTO_UDP, true },  { 6, IPPROTO_TCP, false }, { 6, IPPROTO_ICMPV6, false },
	};
	uint8_t f[PKT_MAX];
	size_t i, len;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct pkt_spec s = {
			.ip = { .family = kinds[i].family,
				.proto = kinds[i].proto,
				.hbh = kinds[i].hbh,
				.src = kinds[i].family == 4 ? "10.0.0.1" : "fd00::1",
				.dst = kinds[i].family == 4 ? "10.0.0.2" : "fd00::2" },
			.l4 = { .sport = 1234, .dport = 80, .payload = 33 },
		};

		len = pkt_build(&s, f);
		tap_ok(!pkt_verify_csums(f, len), "built IPv%d protocol %d verifies",
		       kinds[i].family, kinds[i].proto);
	}
}

/* An extension header chain, laid out by hand: each header names the next,
 * AH counts its length in 4-byte units less two, and the headers after the
 * fragment header travel inside the fragments. */
static void check_ext_chain(void)
{
	struct pkt_spec s = {
		.ip = { .family = 6,
			.src = "fd00::1",
			.dst = "fd00::2",
			.proto = IPPROTO_UDP,
			.hbh = true,
			.ext = { IPPROTO_AH, IPPROTO_FRAGMENT, IPPROTO_DSTOPTS },
			.n_ext = 3 },
		.l4 = { .sport = 1234, .dport = 80, .payload = 24 },
	};
	uint8_t f[PKT_MAX], *ip = f + 14;
	size_t len;

	len = pkt_build(&s, f);
	/* 40 + hop-by-hop 8 + AH 24 + fragment 8 + options 8 + UDP 8 + 24 */
	tap_ok(len == 14 + 120, "the chain's frame is %zu bytes, want 134", len);
	tap_ok(ip[6] == IPPROTO_HOPOPTS && ip[40] == IPPROTO_AH && ip[41] == 0 &&
		       ip[48] == IPPROTO_FRAGMENT && ip[49] == 4 && ip[72] == IPPROTO_DSTOPTS &&
		       ip[80] == IPPROTO_UDP && ip[81] == 0,
	       "each header names the next; AH's length field is 4");
	tap_ok(ip[4] == 0 && ip[5] == 80, "the payload length counts every header");
	tap_ok(ip[74] == 0 && ip[75] == 0, "not a fragment: an atomic fragment header, offset 0");
	s.ip.frag_id6 = 7;
	s.ip.frag_off = 8;
	s.ip.frag_len = 16;
	len = pkt_build(&s, f);
	/* the slice from byte 8 of (options, UDP, payload): the UDP header */
	tap_ok(len == 14 + 40 + 8 + 24 + 8 + 16 && ip[80] == 0x04 && ip[81] == 0xd2 &&
		       ip[82] == 0 && ip[83] == 80,
	       "a later fragment carries its slice of options, UDP and payload");
	tap_ok(ip[74] == 0 && ip[75] == 8 && ip[72] == IPPROTO_DSTOPTS && ip[79] == 7,
	       "its fragment header says offset 8 and id 7, and names the options");
}

/* A UDP checksum of zero over IPv4 is "none": fine for a packet that came
 * without one, wrong for one that had one (a computed zero is 0xffff). */
static void check_udp_zero(void)
{
	struct pkt_spec s = {
		.ip = { .family = 4, .proto = IPPROTO_UDP, .src = "10.0.0.1", .dst = "10.0.0.2" },
		.l4 = { .sport = 1234, .dport = 80, .payload = 33, .csum_zero = true },
	};
	uint8_t f[PKT_MAX];
	size_t len = pkt_build(&s, f);

	tap_ok(pkt_l4_csum(f, len) == 0 && !pkt_verify_csums_from(f, len, false),
	       "UDP without a checksum, from an input without one: verifies");
	tap_ok(pkt_verify_csums_from(f, len, true) != NULL,
	       "UDP without a checksum, from an input with one: does not");
	s.l4.csum_zero = false;
	len = pkt_build(&s, f);
	tap_ok(!pkt_verify_csums_from(f, len, true), "UDP with its checksum: verifies");
}

int main(void)
{
	check_known_header();
	check_capture();
	check_built();
	check_ext_chain();
	check_udp_zero();
	return tap_done();
}
