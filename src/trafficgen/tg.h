/* SPDX-License-Identifier: GPL-2.0-only */
/* vxlan-trafficgen's shared definitions: what to send (flows, frames), how
 * (UDP socket, AF_PACKET, a pcap file), and what was counted. Types only: the
 * functions are in tg_frame.h, tg_send.h, tg_pcap.h and tg_recv.h. */
#ifndef VXP_TG_H
#define VXP_TG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vxlan_pipeline.h"

#define TG_MAGIC	 0x5654 /* "VT" */
#define TG_FRAME_MAX	 9216
#define TG_FLOWS_MAX	 65536
#define TG_THREADS_MAX	 64
#define TG_UDP_PORTS_MAX 64 /* outer source ports a UDP-socket sender spreads flows over */

enum tg_mode {
	TG_MODE_UDP,  /* a UDP socket: the kernel builds the outer headers */
	TG_MODE_RAW,  /* AF_PACKET: whole frames, the highest rates */
	TG_MODE_PCAP, /* whole frames into a pcap file, for checking them */
};

/* The head of every payload the generator sends; the rest is a pattern
 * derived from flow and seq, so a receiver can check every byte. */
struct tg_payload {
	__be16 magic;
	__be16 flow;
	__be32 seq;
	__be64 sent_ns; /* CLOCK_REALTIME, for one-way latency on a shared clock */
} __attribute__((packed));

struct tg_config {
	enum tg_mode mode;
	bool plain;		  /* plain UDP: no VXLAN, the inner packet is the packet */
	char ifname[IF_NAMESIZE]; /* raw mode: where frames leave */
	const char *pcap_path;
	uint8_t dst_mac[6], src_mac[6];
	int outer_family; /* VXP_AF_INET or VXP_AF_INET6 */
	union vxp_addr outer_src, outer_dst;
	uint16_t vxlan_port;
	uint32_t vni;
	int inner_family;
	uint8_t inner_proto; /* IPPROTO_UDP or IPPROTO_TCP */
	union vxp_addr inner_src, inner_dst;
	uint16_t inner_sport, inner_dport;
	unsigned size;	 /* inner IP packet length */
	unsigned flows;	 /* flows vary the inner source port, then source address */
	uint64_t rate;	 /* packets per second, all threads together */
	uint64_t count;	 /* 0: until duration */
	double duration; /* seconds; 0: until count */
	unsigned threads;
	bool json;
	bool progress; /* a live line on stderr */
};

/* One flow's prepared frame: whole Ethernet frame, and where its parts are. */
struct tg_frame {
	uint8_t buf[TG_FRAME_MAX];
	size_t len;
	size_t udp_data_off; /* what a UDP socket sends: the VXLAN header, or in plain
			      * mode the payload */
	size_t inner_l3_off;
	size_t payload_off;    /* struct tg_payload */
	size_t l4_csum_off;    /* inner L4 checksum */
	size_t outer_csum_off; /* outer UDP checksum over IPv6; 0 when zero (IPv4) */
	size_t tcp_seq_off;    /* inner TCP sequence number; 0 for UDP */
	uint32_t tcp_step;     /* payload bytes a TCP segment advances the sequence by */
	uint16_t outer_sport;
	uint16_t flow;
};

struct tg_thread_stats {
	uint64_t sent;
	uint64_t bytes; /* on the wire, without FCS */
	uint64_t errors;
};

struct tg_send_result {
	double seconds;
	unsigned threads;
	bool in_kernel; /* raw mode went through the in-kernel XDP sender */
	struct tg_thread_stats t[TG_THREADS_MAX];
};

#define TG_WINDOW     1024  /* per flow: duplicates within this many are seen */
#define TG_LATENCY_US 10000 /* latency histogram: 1 us buckets, then overflow */

struct tg_recv_config {
	int family;
	union vxp_addr addr;
	uint16_t port;
	uint64_t count;	 /* stop after this many; 0: no limit */
	double duration; /* stop after this long; 0: no limit */
	double idle;	 /* stop after this long without a packet, once one came */
	bool progress;
};

struct tg_recv_result {
	uint64_t received; /* unique, whole, ours */
	uint64_t bytes;	   /* UDP payload bytes */
	uint64_t lost, duplicated, reordered, corrupt, foreign;
	unsigned flows;
	double seconds; /* first packet to last */
	uint64_t lat_n, lat_min_ns, lat_max_ns, lat_negative;
	double lat_sum_ns;
	uint32_t lat_hist[TG_LATENCY_US + 1];
};

#endif /* VXP_TG_H */
