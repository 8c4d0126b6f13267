/* SPDX-License-Identifier: GPL-2.0-only */
/* vxlan-trafficgen --pcap: the frames it would send, written to a pcap file,
 * so that an independent decoder (tshark, libpcap) can check them. */
#ifndef VXP_TG_PCAP_H
#define VXP_TG_PCAP_H

#include "tg.h"

/* Writes cfg->count frames (all flows in turn) to a pcap file. */
int tg_write_pcap(const struct tg_config *cfg, struct tg_send_result *ret);

#endif /* VXP_TG_PCAP_H */
