// SPDX-License-Identifier: GPL-2.0-only
/* Writes the fuzzers' seed corpora at build time, so that no generated frame
 * is committed: every packet of the real captures, frames from tests/lib/pkt.c
 * specs for each step of the contract (fragments as multi-frame inputs), a few
 * IPv6 extension header chains pkt.c does not build, and the configuration
 * corpus with each directory's files joined into one input.
 *   mkseeds DATAPATH_DIR CONF_DIR SRCDIR [PCAP_DIR...] */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <pcap/pcap.h>

#include "fuzz.h"
#include "specs.h"

static int written;

static void write_seed(const char *dir, const char *name, const void *a, size_t alen, const void *b,
		       size_t blen)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fwrite(a, 1, alen, f) != alen || (blen && fwrite(b, 1, blen, f) != blen) ||
	    fclose(f)) {
		fprintf(stderr, "mkseeds: writing '%s': %s\n", path, strerror(errno));
		exit(1);
	}
	written++;
}

static void from_pcap(const char *dir, const char *pcapdir, const char *file)
{
	char path[4096], err[PCAP_ERRBUF_SIZE], name[256];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s", pcapdir, file);
	p = pcap_open_offline(path, err);
	if (!p) {
		fprintf(stderr, "mkseeds: %s\n", err);
		exit(1);
	}
	while (pcap_next_ex(p, &h, &data) == 1) {
		snprintf(name, sizeof(name), "pcap-%.*s-%03d", (int)(strlen(file) - 5), file, n++);
		write_seed(dir, name, data, h->caplen, NULL, 0);
	}
	pcap_close(p);
}

static int is_pcap(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && !strcmp(d->d_name + n - 5, ".pcap");
}

static void pcaps(const char *dir, const char *pcapdir)
{
	struct dirent **names;
	int n, i;

	n = scandir(pcapdir, &names, is_pcap, alphasort);
	if (n < 0) {
		fprintf(stderr, "mkseeds: '%s': %s\n", pcapdir, strerror(errno));
		exit(1);
	}
	for (i = 0; i < n; i++) {
		from_pcap(dir, pcapdir, names[i]->d_name);
		free(names[i]);
	}
	free(names);
}

#define SEED_FRAG4(o, l, m)           \
	.ip = { .family = 4,          \
		.src = "10.1.1.1",    \
		.dst = "10.2.9.9",    \
		.proto = IPPROTO_UDP, \
		.id = 77,             \
		.frag_off = o,        \
		.frag_len = l,        \
		.mf = m },            \
	.l4 = { .sport = 1000, .dport = 53, .payload = 88 }
#define SEED_FRAG6(o, l, m)           \
	.ip = { .family = 6,          \
		.src = "fd00::9",     \
		.dst = "fd02::9",     \
		.proto = IPPROTO_UDP, \
		.frag_id6 = 99,       \
		.frag_off = o,        \
		.frag_len = l,        \
		.mf = m },            \
	.l4 = { .sport = 1000, .dport = 53, .payload = 88 }

/* destination options after the fragment header: in every fragment, the
 * fragment header names them, not UDP */
#define SEED_FRAG6X(o, l, m)                                  \
	.ip = { .family = 6,                                  \
		.src = "fd00::9",                             \
		.dst = "fd02::9",                             \
		.proto = IPPROTO_UDP,                         \
		.frag_id6 = 98,                               \
		.frag_off = o,                                \
		.frag_len = l,                                \
		.mf = m,                                      \
		.ext = { IPPROTO_FRAGMENT, IPPROTO_DSTOPTS }, \
		.n_ext = 2 },                                 \
	.l4 = { .sport = 1000, .dport = 53, .payload = 96 }

static const struct {
	const char *name;
	struct pkt_spec s;
} specs[] = {
	{ "v4-udp-src-nat", { VX4, UDP4("10.1.1.1", "10.2.9.9"), PORTS(42844, 9999) } },
	{ "v4-udp-dst-nat", { VX4, UDP4("10.1.1.1", "10.2.9.9"), PORTS(3333, 53) } },
	{ "v4-udp-nocsum",
	  { VX4, UDP4("10.1.1.1", "10.2.9.9"),
	    .l4 = { .sport = 3333, .dport = 53, .payload = 20, .csum_zero = true } } },
	{ "v4-tcp-443", { VX4, TCP4("10.1.1.1", "10.2.9.9"), PORTS(50000, 443) } },
	{ "v4-tcp-80-addr", { VX4, TCP4("10.1.1.1", "10.2.99.80"), PORTS(50000, 80) } },
	{ "v4-tcp-80", { VX4, TCP4("10.1.1.1", "10.2.9.80"), PORTS(50000, 80) } },
	{ "v4-udp-5000-addr", { VX4, UDP4("10.1.1.1", "10.2.99.50"), PORTS(1, 5000) } },
	{ "v4-udp-unmatched", { VX4, UDP4("10.1.1.1", "10.2.9.9"), PORTS(1, 2) } },
	{ "v4-big-df",
	  { VX4,
	    .ip = { .family = 4,
		    .src = "10.1.1.1",
		    .dst = "10.2.9.9",
		    .proto = IPPROTO_UDP,
		    .df = true },
	    .l4 = { .sport = 1, .dport = 7000, .payload = 1450 } } },
	{ "v4-mtu",
	  { VX4, .ip = { .family = 4, .src = "10.1.1.1", .dst = "10.5.9.9", .proto = IPPROTO_TCP },
	    .l4 = { .sport = 1, .dport = 2, .payload = 1300 } } },
	{ "v4-ttl1",
	  { VX4,
	    .ip = { .family = 4,
		    .src = "10.1.1.1",
		    .dst = "10.2.9.9",
		    .proto = IPPROTO_UDP,
		    .ttl = 1 },
	    PORTS(3333, 53) } },
	{ "v4-options",
	  { VX4,
	    .ip = { .family = 4,
		    .src = "10.1.1.1",
		    .dst = "10.2.9.9",
		    .proto = IPPROTO_TCP,
		    .ihl = 8 },
	    PORTS(50000, 443) } },
	{ "v4-blackhole", { VX4, TCP4("10.1.1.1", "10.6.1.1"), PORTS(50000, 25) } },
	{ "v4-noneigh", { VX4, TCP4("10.1.1.1", "10.4.1.1"), PORTS(50000, 25) } },
	{ "v4-not-tx", { VX4, UDP4("10.1.1.1", "10.2.9.9"), PORTS(50000, 9) } },
	{ "v4-icmp",
	  { VX4, .ip = { .family = 4, .src = "10.1.1.1", .dst = "10.2.9.9", .proto = IPPROTO_ICMP },
	    PORTS(1, 1) } },
	{ "v4-truncated",
	  { VX4,
	    .ip = { .family = 4,
		    .src = "10.1.1.1",
		    .dst = "10.2.9.9",
		    .proto = IPPROTO_UDP,
		    .len_delta = 40 },
	    PORTS(3333, 53) } },
	{ "v4-short-l4",
	  { VX4,
	    .ip = { .family = 4,
		    .src = "10.1.1.1",
		    .dst = "10.2.9.9",
		    .proto = IPPROTO_TCP,
		    .len_delta = -40 },
	    .l4 = { .sport = 1, .dport = 443, .payload = 24 } } },
	{ "v4-version",
	  { VX4,
	    .ip = { .family = 4,
		    .src = "10.1.1.1",
		    .dst = "10.2.9.9",
		    .proto = IPPROTO_UDP,
		    .version = 5 },
	    PORTS(3333, 53) } },
	{ "inner-arp",
	  { VX4, .arp = true, .ip = { .family = 4, .src = "10.1.1.1", .dst = "10.1.1.2" } } },
	{ "inner-vlan2",
	  { .vxlan = true,
	    L2_OUTER,
	    IP_OUTER4,
	    .vni = 200,
	    .l2 = { .dst = INNER_DMAC,
		    .src = INNER_SMAC,
		    .nvlan = 2,
		    .tpid = { 0x88a8, 0x8100 },
		    .vid = { 5, 6 } },
	    UDP4("10.1.1.1", "10.2.9.9"),
	    PORTS(3333, 53) } },
	{ "outer-vlan2",
	  { .vxlan = true,
	    IP_OUTER4,
	    .vni = 100,
	    .outer_l2 = { .dst = MAC_IN0,
			  .src = MAC_PEER,
			  .nvlan = 2,
			  .tpid = { 0x88a8, 0x8100 },
			  .vid = { 7, 8 } },
	    L2_INNER,
	    TCP4("10.1.1.1", "10.2.9.9"),
	    PORTS(1, 443) } },
	{ "outer-v6", { VX6, UDP6("fd00::9", "fd02::9"), PORTS(3333, 53) } },
	{ "outer-v6-inner-v4", { VX6, TCP4("10.1.1.1", "10.2.9.9"), PORTS(1, 80) } },
	{ "v6-tcp-src-nat", { VX4, TCP6("fd00::9", "fd02::9"), PORTS(42844, 1) } },
	{ "v6-tcp-80-addr", { VX4, TCP6("fd00::9", "fd02::99"), PORTS(1, 80) } },
	{ "v6-udp-7000", { VX4, UDP6("fd00::9", "fd02::9"), PORTS(1, 7000) } },
	{ "v6-hbh",
	  { VX4,
	    .ip = { .family = 6,
		    .src = "fd00::9",
		    .dst = "fd02::9",
		    .proto = IPPROTO_TCP,
		    .hbh = true },
	    PORTS(1, 443) } },
	{ "v6-mtu",
	  { VX4, UDP6("fd00::9", "fd05::9"), .l4 = { .sport = 1, .dport = 2, .payload = 1300 } } },
	{ "v4-options-mtu",
	  { VX4,
	    .ip = { .family = 4,
		    .src = "10.1.1.1",
		    .dst = "10.5.9.9",
		    .proto = IPPROTO_UDP,
		    .ihl = 6,
		    .df = true },
	    .l4 = { .sport = 1, .dport = 2, .payload = 1300 } } },
	{ "v6-udp-nocsum",
	  { VX4, UDP6("fd00::9", "fd02::9"),
	    .l4 = { .sport = 3333, .dport = 53, .payload = 20, .csum_zero = true } } },
	{ "v6-ah-udp",
	  { VX4,
	    .ip = { .family = 6,
		    .src = "fd00::9",
		    .dst = "fd02::9",
		    .proto = IPPROTO_UDP,
		    .ext = { IPPROTO_AH },
		    .n_ext = 1 },
	    PORTS(1, 53) } },
	{ "v6-eight-ext",
	  { VX4,
	    .ip = { .family = 6,
		    .src = "fd00::9",
		    .dst = "fd02::9",
		    .proto = IPPROTO_TCP,
		    .hbh = true,
		    .ext = { IPPROTO_DSTOPTS, IPPROTO_ROUTING, IPPROTO_AH, IPPROTO_DSTOPTS,
			     IPPROTO_DSTOPTS, IPPROTO_DSTOPTS, IPPROTO_AH },
		    .n_ext = 7 },
	    PORTS(1, 443) } },
	{ "v6-nine-ext",
	  { VX4,
	    .ip = { .family = 6,
		    .src = "fd00::9",
		    .dst = "fd02::9",
		    .proto = IPPROTO_TCP,
		    .hbh = true,
		    .ext = { IPPROTO_DSTOPTS, IPPROTO_ROUTING, IPPROTO_AH, IPPROTO_DSTOPTS,
			     IPPROTO_DSTOPTS, IPPROTO_DSTOPTS, IPPROTO_AH, IPPROTO_DSTOPTS },
		    .n_ext = 8 },
	    PORTS(1, 443) } },
	{ "v6-hoplimit1",
	  { VX4,
	    .ip = { .family = 6,
		    .src = "fd00::9",
		    .dst = "fd02::9",
		    .proto = IPPROTO_UDP,
		    .ttl = 1 },
	    PORTS(1, 53) } },
	{ "v6-truncated",
	  { VX4,
	    .ip = { .family = 6,
		    .src = "fd00::9",
		    .dst = "fd02::9",
		    .proto = IPPROTO_UDP,
		    .len_delta = 9 },
	    PORTS(1, 53) } },
	{ "vni-filtered",
	  { .vxlan = true,
	    L2_OUTER,
	    IP_OUTER4,
	    .vni = 43,
	    L2_INNER,
	    UDP4("10.1.1.1", "10.2.9.9"),
	    PORTS(1, 53) } },
	{ "no-i-flag", { VX4, .no_i_flag = true, UDP4("10.1.1.1", "10.2.9.9"), PORTS(1, 53) } },
	{ "vni-max",
	  { .vxlan = true,
	    L2_OUTER,
	    IP_OUTER4,
	    .vni = 0xabcdef,
	    L2_INNER,
	    UDP4("10.1.1.1", "10.2.9.9"),
	    PORTS(1, 53) } },
	{ "plain-udp",
	  { .l2 = { .dst = MAC_IN0, .src = MAC_PEER },
	    UDP4("10.0.0.2", "10.0.0.1"),
	    PORTS(5353, 53) } },
	{ "plain-udp6",
	  { .l2 = { .dst = MAC_IN0, .src = MAC_PEER },
	    UDP6("fd00::2", "fd00::1"),
	    PORTS(5353, 4789) } },
};

/* Fragments: the first, then the rest, as one input of several frames. */
static const struct {
	const char *name;
	struct pkt_spec a, b;
} pairs[] = {
	{ "frag4", { VX4, SEED_FRAG4(0, 48, true) }, { VX4, SEED_FRAG4(48, 48, false) } },
	{ "frag6", { VX4, SEED_FRAG6(0, 48, true) }, { VX4, SEED_FRAG6(48, 48, false) } },
	{ "frag4-orphan", { VX4, SEED_FRAG4(48, 48, false) }, { VX4, SEED_FRAG4(0, 48, true) } },
	{ "frag6-dstopts", { VX4, SEED_FRAG6X(0, 56, true) }, { VX4, SEED_FRAG6X(56, 48, false) } },
};

static void fixtures(const char *dir)
{
	static uint8_t a[PKT_MAX], b[PKT_MAX * 2 + 16];
	char name[128];
	size_t i, la, lb;

	for (i = 0; i < ARRAY_SIZE(specs); i++) {
		la = pkt_build(&specs[i].s, a);
		snprintf(name, sizeof(name), "spec-%s", specs[i].name);
		write_seed(dir, name, a, la, NULL, 0);
	}
	for (i = 0; i < ARRAY_SIZE(pairs); i++) {
		la = pkt_build(&pairs[i].a, b);
		memcpy(b + la, FUZZ_FRAME_SEP, FUZZ_FRAME_SEP_LEN);
		lb = pkt_build(&pairs[i].b, a);
		snprintf(name, sizeof(name), "spec-%s", pairs[i].name);
		write_seed(dir, name, b, la + FUZZ_FRAME_SEP_LEN, a, lb);
	}
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* VXLAN over IPv4 to in0, VNI 42, around an inner IPv6 packet of ilen bytes. */
static size_t vxlan_wrap(const uint8_t *ip6, size_t ilen, uint8_t *out)
{
	static const uint8_t in0[] = MAC_IN0, peer[] = MAC_PEER, idst[] = INNER_DMAC,
			     isrc[] = INNER_SMAC;
	size_t len = 14 + 20 + 8 + 8 + 14 + ilen;
	uint8_t *ip = out + 14, *udp = ip + 20;

	memset(out, 0, len - ilen);
	memcpy(out, in0, 6);
	memcpy(out + 6, peer, 6);
	put16(out + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(len - 14));
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, (uint8_t[]){ 10, 0, 0, 2, 10, 0, 0, 1 }, 8);
	put16(ip + 10, (uint16_t)~csum_fold_ref(csum_partial_ref(ip, 20, 0)));
	put16(udp, 49152);
	put16(udp + 2, 4789);
	put16(udp + 4, (uint16_t)(len - 34));
	udp[8] = 0x08;
	udp[14] = 42;
	memcpy(udp + 16, idst, 6);
	memcpy(udp + 22, isrc, 6);
	put16(udp + 28, 0x86dd);
	memcpy(udp + 30, ip6, ilen);
	return len;
}

/* An inner IPv6 TCP packet to port 443 behind the extension headers exts
 * (their next header fields filled in here), its checksum over pseudo_dst. */
static size_t ipv6_chain(const uint8_t *exts, size_t elen, const uint8_t *first_nh,
			 const uint8_t *pseudo_dst, uint8_t *ip)
{
	static const uint8_t src[16] = { 0xfd, 0, [15] = 9 }, dst[16] = { 0xfd, 2, [15] = 9 };
	uint8_t *tcp = ip + 40 + elen;
	uint32_t sum;

	memset(ip, 0, 40);
	ip[0] = 0x60;
	put16(ip + 4, (uint16_t)(elen + 20 + 16));
	ip[6] = *first_nh;
	ip[7] = 64;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	memcpy(ip + 40, exts, elen);
	memset(tcp, 0, 36);
	put16(tcp, 40000);
	put16(tcp + 2, 443);
	tcp[12] = 5 << 4;
	tcp[13] = 0x18;
	sum = csum_partial_ref(src, 16, 0);
	sum = csum_partial_ref(pseudo_dst ? pseudo_dst : dst, 16, sum);
	sum += IPPROTO_TCP + 36;
	put16(tcp + 16, (uint16_t)~csum_fold_ref(csum_partial_ref(tcp, 36, sum)));
	return 40 + elen + 36;
}

/* Extension header chains pkt.c does not build: destination options, and a
 * type 2 routing header, whose final destination the TCP checksum covers. */
static void ext_chains(const char *dir)
{
	static const uint8_t home[16] = { 0xfd, 2, [14] = 0x12, [15] = 0x34 };
	static uint8_t ip[256], frame[512];
	uint8_t ext[24] = { 0 }, nh;
	size_t n;

	ext[0] = IPPROTO_TCP; /* destination options, 8 bytes of PadN */
	ext[2] = 1;
	ext[3] = 4;
	nh = IPPROTO_DSTOPTS;
	n = ipv6_chain(ext, 8, &nh, NULL, ip);
	write_seed(dir, "ext-v6-dstopts", frame, vxlan_wrap(ip, n, frame), NULL, 0);
	memset(ext, 0, sizeof(ext));
	ext[0] = IPPROTO_TCP; /* routing type 2, one segment left */
	ext[1] = 2;
	ext[2] = 2;
	ext[3] = 1;
	memcpy(ext + 8, home, 16);
	nh = IPPROTO_ROUTING;
	n = ipv6_chain(ext, 24, &nh, home, ip);
	write_seed(dir, "ext-v6-routing", frame, vxlan_wrap(ip, n, frame), NULL, 0);
}

static int conf_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".conf");
}

static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "r");
	char *buf = malloc(65536);

	if (!f || !buf) {
		fprintf(stderr, "mkseeds: '%s': %s\n", path, strerror(errno));
		exit(1);
	}
	*ret_len = fread(buf, 1, 65536, f);
	fclose(f);
	return buf;
}

/* One configuration directory as one input: its files joined. */
static void conf_dir(const char *out, const char *in, const char *name)
{
	static char joined[65536 * 4];
	struct dirent **names;
	char path[4096];
	size_t len = 0, n_read;
	char *buf;
	int n, i;

	n = scandir(in, &names, conf_file, alphasort);
	if (n <= 0)
		return;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", in, names[i]->d_name);
		buf = slurp(path, &n_read);
		if (i && i < FUZZ_FILES_MAX) {
			memcpy(joined + len, FUZZ_FILE_SEP, strlen(FUZZ_FILE_SEP));
			len += strlen(FUZZ_FILE_SEP);
		}
		if (i < FUZZ_FILES_MAX && len + n_read < sizeof(joined) / 2) {
			memcpy(joined + len, buf, n_read);
			len += n_read;
		}
		free(buf);
		free(names[i]);
	}
	free(names);
	write_seed(out, name, joined, len, NULL, 0);
}

static void conf_corpus(const char *out, const char *top, const char *kind)
{
	char path[4096], name[256];
	struct dirent **names;
	int n, i;

	snprintf(path, sizeof(path), "%s/tests/data/conf/%s", top, kind);
	n = scandir(path, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/tests/data/conf/%s/%s", top, kind,
				 names[i]->d_name);
			snprintf(name, sizeof(name), "%s-%s", kind, names[i]->d_name);
			conf_dir(out, path, name);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

static void mkdir_p(const char *dir)
{
	char path[4096], *p;

	snprintf(path, sizeof(path), "%s", dir);
	for (p = path + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	if (mkdir(path, 0755) && errno != EEXIST) {
		fprintf(stderr, "mkseeds: '%s': %s\n", dir, strerror(errno));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	char path[4096];
	int i;

	if (argc < 4) {
		fprintf(stderr, "usage: mkseeds DATAPATH_DIR CONF_DIR SRCDIR [PCAP_DIR...]\n");
		return 2;
	}
	mkdir_p(argv[1]);
	mkdir_p(argv[2]);
	fixtures(argv[1]);
	ext_chains(argv[1]);
	snprintf(path, sizeof(path), "%s/tests/data/pcaps", argv[3]);
	pcaps(argv[1], path);
	for (i = 4; i < argc; i++)
		pcaps(argv[1], argv[i]);
	snprintf(path, sizeof(path), "%s/conf", argv[3]);
	conf_dir(argv[2], path, "shipped");
	conf_corpus(argv[2], argv[3], "good");
	conf_corpus(argv[2], argv[3], "bad");
	printf("mkseeds: %d seeds\n", written);
	return 0;
}
