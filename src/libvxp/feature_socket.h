/* SPDX-License-Identifier: GPL-2.0-only */
/* The features socket as its two ends see it: where it is (beside the control
 * socket) and what each SOCK_SEQPACKET message carries. The daemon writes it
 * (daemon/feature_stream.c), vxlan-pipeline features reads it. */
#ifndef VXP_FEATURE_SOCKET_H
#define VXP_FEATURE_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include "vxlan_pipeline.h"

#define FEATURES_SOCKET "features.sock" /* beside the control socket */

/* A record on the features socket. Each message carries 1 to FEATURES_BATCH
 * of them: the ring is drained in bursts. */
#define FEATURES_BATCH 64
struct feature_msg {
	struct vxp_feature f;
	uint64_t time_ns;    /* CLOCK_REALTIME when the program saw the packet */
	uint64_t latency_ns; /* from the program seeing it to the daemon reading it */
};

/* "DIR/features.sock" for a control socket "DIR/control.sock"; "" for "". */
void feature_socket_path(const char *control, char *buf, size_t size);

#endif /* VXP_FEATURE_SOCKET_H */
