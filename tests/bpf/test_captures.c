// SPDX-License-Identifier: GPL-2.0-only
/* The real captures in tests/data/pcaps, recorded by others: each VXLAN packet
 * decapsulates to exactly its inner frame, apart from the MAC and TTL rewrites
 * of forwarding; inner ARP is dropped; plain traffic passes untouched. */
#include "config.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specs.h"
#include "libvxp/stats.h"
#include "tap.h"

struct capture {
	const char *file;
	int packets, forwarded, not_ip, passed;
};

/* Counts from the captures' README; the test checks every packet besides. */
static const struct capture captures[] = {
	{ "lesnoh_vxlan.pcap", 4, 4, 0, 0 },
	{ "akachana_vxlan.pcap", 12, 10, 2, 0 },
	{ "antmrlt_plain_icmp.pcap", 24, 0, 0, 24 },
};

/* Where the inner frame starts if this is untagged VXLAN over IPv4 to 4789,
 * found by this test's own parsing, or 0. */
static size_t vxlan_inner_offset(const uint8_t *f, size_t len)
{
	size_t l4;

	if (len < 14 + 20 || f[12] != 0x08 || f[13] != 0x00 || f[14 + 9] != 17)
		return 0;
	l4 = 14 + (size_t)(f[14] & 0x0f) * 4;
	if (len < l4 + 16 + 14 || f[l4 + 2] != 0x12 || f[l4 + 3] != 0xb5)
		return 0;
	return l4 + 16;
}

/* The inner IPv4 frame as it must leave: next hop MACs, TTL one less, and
 * the header checksum recomputed from scratch. */
static size_t forwarded_frame(const uint8_t *inner, size_t len, uint8_t *want)
{
	static const uint8_t gw[] = MAC_GW, out0[] = MAC_OUT0;
	uint8_t *ip = want + 14;
	size_t ihl;
	uint16_t c;

	memcpy(want, inner, len);
	memcpy(want, gw, 6);
	memcpy(want + 6, out0, 6);
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	ip[8]--;
	ip[10] = ip[11] = 0;
	c = (uint16_t)~csum_fold_ref(csum_partial_ref(ip, ihl, 0));
	ip[10] = c >> 8;
	ip[11] = c & 0xff;
	return len;
}

static int check_packet(struct dp_env *env, const char *tag, const uint8_t *f, size_t len)
{
	static uint8_t want[PKT_MAX];
	static struct dp_result r;
	size_t inner = vxlan_inner_offset(f, len), wlen;
	int reason = VXP_NOT_OURS;
	bool same;

	if (inner)
		reason = (f[inner + 12] == 0x08 && f[inner + 13] == 0x00) ? VXP_REASON_FORWARDED
									  : VXP_REASON_INNER_NOT_IP;
	if (!tap_ok(!dp_run(env, f, len, &r), "%s: runs", tag))
		return -1;
	tap_ok(r.verdict == dp_verdict(reason) && dp_counted(&r.delta, reason, len, 0), "%s: %s",
	       tag, stats_reason_label(reason));
	if (reason == VXP_NOT_OURS) {
		same = r.out_len == len && !memcmp(r.out, f, len);
		if (!tap_ok(same, "%s: unchanged", tag))
			pkt_hexdiff(f, len, r.out, r.out_len);
	} else if (reason == VXP_REASON_FORWARDED) {
		wlen = forwarded_frame(f + inner, len - inner, want);
		same = r.out_len == wlen && !memcmp(r.out, want, wlen);
		if (!tap_ok(same, "%s: exactly the inner frame, MACs and TTL rewritten", tag))
			pkt_hexdiff(want, wlen, r.out, r.out_len);
		tap_ok(!pkt_verify_csums_from(r.out, r.out_len,
					      pkt_l4_csum(f + inner, len - inner) != 0),
		       "%s: checksums verify", tag);
	}
	return reason;
}

static void check_capture(struct dp_env *env, const struct capture *cap)
{
	const char *dir = getenv("VXP_TEST_DATA");
	int n = 0, fwd = 0, not_ip = 0, passed = 0, reason;
	char path[512], errbuf[PCAP_ERRBUF_SIZE], tag[128];
	struct pcap_pkthdr *h;
	const uint8_t *data;
	pcap_t *p;

	snprintf(path, sizeof(path), "%s/pcaps/%s", dir ? dir : "tests/data", cap->file);
	p = pcap_open_offline(path, errbuf);
	if (!tap_ok(p != NULL, "%s opens", cap->file)) {
		tap_diag("%s", errbuf);
		return;
	}
	while (pcap_next_ex(p, &h, &data) == 1) {
		n++;
		snprintf(tag, sizeof(tag), "%s #%d", cap->file, n);
		if (!tap_ok(h->caplen == h->len, "%s: captured whole", tag))
			continue;
		reason = check_packet(env, tag, data, h->caplen);
		fwd += reason == VXP_REASON_FORWARDED;
		not_ip += reason == VXP_REASON_INNER_NOT_IP;
		passed += reason == VXP_NOT_OURS;
	}
	pcap_close(p);
	tap_ok(n == cap->packets && fwd == cap->forwarded && not_ip == cap->not_ip &&
		       passed == cap->passed,
	       "%s: %d packets: %d forwarded, %d inner not IP, %d passed", cap->file, n, fwd,
	       not_ip, passed);
}

int main(void)
{
	struct dp_env env;
	size_t i;

	dp_env_setup(&env);
	/* the captures' mirror targets, as if they were in0's */
	if (dp_env_local(&env, "10.10.11.11") || dp_env_local(&env, "192.168.5.11") ||
	    dp_env_local(&env, "192.168.56.21") || dp_env_local(&env, "192.168.56.22"))
		tap_bail("the captures' outer destinations as the ingress's addresses");
	for (i = 0; i < ARRAY_SIZE(captures); i++)
		check_capture(&env, &captures[i]);
	dp_env_teardown(&env);
	return tap_done();
}
