// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-trafficgen --pcap: the frames it would send, written to a pcap file,
 * so that an independent decoder (tshark, libpcap) can check them. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tg_frame.h"
#include "tg_pcap.h"
#include "libvxp/log.h"

struct pcap_file_header {
	uint32_t magic;
	uint16_t major, minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;
};

struct pcap_record {
	uint32_t sec, usec, caplen, len;
};

int tg_write_pcap(const struct tg_config *cfg, struct tg_send_result *ret)
{
	const struct pcap_file_header fh = { 0xa1b2c3d4, 2, 4, 0, 0, TG_FRAME_MAX, 1 };
	uint8_t buf[TG_FRAME_MAX];
	struct tg_frame *frames;
	uint32_t *seq;
	struct timespec ts;
	char err[256];
	uint64_t i;
	FILE *f;
	int rc = 0;

	memset(ret, 0, sizeof(*ret));
	ret->threads = 1;
	frames = calloc(cfg->flows, sizeof(*frames));
	seq = calloc(cfg->flows, sizeof(*seq));
	if (!frames || !seq) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < cfg->flows; i++)
		if (tg_frame_build(cfg, (unsigned)i, &frames[i], err, sizeof(err))) {
			log_err("%s", err);
			rc = -EINVAL;
			goto out;
		}
	f = fopen(cfg->pcap_path, "wb");
	if (!f) {
		rc = -errno;
		log_err("Failed to open '%s': %s", cfg->pcap_path, strerror(errno));
		goto out;
	}
	fwrite(&fh, sizeof(fh), 1, f);
	for (i = 0; i < cfg->count; i++) {
		const struct tg_frame *fr = &frames[i % cfg->flows];
		struct pcap_record r;

		clock_gettime(CLOCK_REALTIME, &ts);
		memcpy(buf, fr->buf, fr->len);
		tg_frame_stamp(fr, buf, seq[i % cfg->flows]++,
			       (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
		r = (struct pcap_record){ (uint32_t)ts.tv_sec, (uint32_t)(ts.tv_nsec / 1000),
					  (uint32_t)fr->len, (uint32_t)fr->len };
		fwrite(&r, sizeof(r), 1, f);
		fwrite(buf, fr->len, 1, f);
		ret->t[0].sent++;
		ret->t[0].bytes += fr->len;
	}
	if (fclose(f)) {
		rc = -errno;
		log_err("Failed to write '%s': %s", cfg->pcap_path, strerror(errno));
	}
out:
	free(frames);
	free(seq);
	return rc;
}
