/* SPDX-License-Identifier: GPL-2.0-only */
/* The routing world BPF tests run in: a private network namespace of the test
 * process with veth interfaces, neighbours and routes for every forwarding
 * outcome. It vanishes with the process, whatever happens. */
#ifndef VXP_TESTNET_H
#define VXP_TESTNET_H

#define MAC_IN0                                    \
	{                                          \
		0x02, 0x00, 0x00, 0x00, 0x01, 0x00 \
	} /* ingress, our own */
#define MAC_PEER                                   \
	{                                          \
		0x02, 0x00, 0x00, 0x00, 0x01, 0x01 \
	} /* mirror source side */
#define MAC_OUT0                                   \
	{                                          \
		0x02, 0x00, 0x00, 0x00, 0x02, 0x00 \
	} /* egress */
#define MAC_GW                                     \
	{                                          \
		0x02, 0x00, 0x00, 0x00, 0x02, 0x02 \
	} /* neighbour on egress */
#define MAC_MTU0                                   \
	{                                          \
		0x02, 0x00, 0x00, 0x00, 0x03, 0x00 \
	} /* small-MTU egress */
#define MAC_OTH0                                   \
	{                                          \
		0x02, 0x00, 0x00, 0x00, 0x04, 0x00 \
	} /* egress not in tx ports */
#define MAC_OTH_GW                                 \
	{                                          \
		0x02, 0x00, 0x00, 0x00, 0x04, 0x02 \
	} /* neighbour on oth0 */

/*
 * Destinations, IPv4 and IPv6 alike:
 *   10.2.0.0/16  fd02::/64   via the neighbour MAC_GW on out0    -> forwarded
 *   10.4.0.0/16  fd04::/64   on-link on out0, no neighbours      -> no_neighbour
 *   10.5.0.0/16  fd05::/64   via mtu0 (MTU 1280)                 -> frag_needed (IPv4)
 *   10.15.0.0/16             on-link on mtu0, no neighbours      -> no_neighbour
 *   10.6.0.0/16  fd06::/64   blackhole
 *   10.7.0.0/16  fd07::/64   unreachable
 *   10.8.0.0/16  fd08::/64   prohibit
 *   10.9.0.0/16  fd09::/64   via oth0, not a tx port             -> egress_not_in_tx_ports
 *   10.0.0.1     fd00::1     in0's own address                   -> not_forwarded
 *   172.31.0.0/16            no route                            -> not_forwarded
 * The real captures' inner networks (192.168.0.0/16, 10.10.0.0/16) go via
 * MAC_GW too.
 */
struct testnet {
	int in0;
	int out0;
	int mtu0;
	int oth0;
};

/* Enters a new network namespace and builds the topology; bails out of the test
 * on failure. */
void testnet_setup(struct testnet *tn);
/* Runs a shell command in the test's namespace; returns its exit status. */
int testnet_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* VXP_TESTNET_H */
