/* SPDX-License-Identifier: GPL-2.0-only */
/* Feature records (contract step 8) from the program's ring buffer to whoever
 * listens on the features socket: vxlan-pipeline features, or an analytics
 * consumer. The daemon drains the ring in its loop and never waits for a
 * reader: a reader that falls behind loses records, and they are counted. */
#ifndef VXP_FEATURE_STREAM_H
#define VXP_FEATURE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "libvxp/feature_socket.h"

#define FEATURES_SUBSCRIBERS 8

struct features;

/* socket_path NULL or "": records are drained and dropped. NULL with errno,
 * the cause logged, on failure. */
struct features *features_open(int ring_fd, const char *socket_path);
void features_close(struct features *f);
/* The fds to watch: the ring's, the drain timer's, the readers' hang-ups'
 * and the listening socket's. */
#define FEATURES_FDS 4
int features_fds(const struct features *f, int fds[FEATURES_FDS]);
/* Drains the ring every VXP_FEATURES_DRAIN_MS while on (sampling is on): the
 * program wakes the reader only once an eighth of the ring waits. */
void features_drain(struct features *f, bool on);
/* One of them is ready. */
void features_run(struct features *f, int fd);
/* Records read from the ring, records a reader missed (one per reader it
 * could not take), readers connected. */
void features_counts(const struct features *f, uint64_t *records, uint64_t *dropped,
		     unsigned *readers);

#endif /* VXP_FEATURE_STREAM_H */
