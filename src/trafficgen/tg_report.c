// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-trafficgen's reports, as text for a person or one JSON object. */
#include "config.h"

#include "tg_recv.h"
#include "tg_report.h"

static const char *mode_name(const struct tg_config *cfg, const struct tg_send_result *r)
{
	switch (cfg->mode) {
	case TG_MODE_RAW:
		return r->in_kernel ? "raw (in-kernel XDP sender)" : "raw (AF_PACKET)";
	case TG_MODE_PCAP:
		return "pcap";
	default:
		return "udp";
	}
}

struct totals {
	uint64_t sent, bytes, errors, min, max;
};

static struct totals totals(const struct tg_send_result *r)
{
	struct totals t = { .min = UINT64_MAX };
	unsigned i;

	for (i = 0; i < r->threads; i++) {
		t.sent += r->t[i].sent;
		t.bytes += r->t[i].bytes;
		t.errors += r->t[i].errors;
		t.min = r->t[i].sent < t.min ? r->t[i].sent : t.min;
		t.max = r->t[i].sent > t.max ? r->t[i].sent : t.max;
	}
	return t;
}

void tg_report_send(FILE *f, const struct tg_config *cfg, const struct tg_send_result *r,
		    const struct tg_pipeline *pipeline)
{
	struct totals t = totals(r);
	double pps = r->seconds > 0 ? (double)t.sent / r->seconds : 0;
	double mbps = r->seconds > 0 ? (double)t.bytes * 8 / r->seconds / 1e6 : 0;
	double accuracy = cfg->rate ? 100.0 * pps / (double)cfg->rate : 0;
	unsigned i;

	if (cfg->json) {
		fprintf(f,
			"{\"role\": \"send\", \"mode\": \"%s\", \"sent\": %llu, \"errors\": %llu, "
			"\"seconds\": %.3f, \"pps\": %.1f, \"target_pps\": %llu, "
			"\"accuracy_pct\": %.2f, \"mbps\": %.1f, \"size\": %u, \"flows\": %u, "
			"\"threads\": [",
			mode_name(cfg, r), (unsigned long long)t.sent, (unsigned long long)t.errors,
			r->seconds, pps, (unsigned long long)cfg->rate, accuracy, mbps, cfg->size,
			cfg->flows);
		for (i = 0; i < r->threads; i++)
			fprintf(f, "%s%llu", i ? ", " : "", (unsigned long long)r->t[i].sent);
		fprintf(f, "]");
		if (pipeline) {
			fprintf(f, ", ");
			tg_metrics_report(f, pipeline, true);
		}
		fprintf(f, "}\n");
		return;
	}
	if (cfg->mode == TG_MODE_PCAP) {
		fprintf(f,
			"wrote %llu frames (%llu bytes) to %s; %u-byte inner packets, %u flow%s\n",
			(unsigned long long)t.sent, (unsigned long long)t.bytes, cfg->pcap_path,
			cfg->size, cfg->flows, cfg->flows == 1 ? "" : "s");
		return;
	}
	fprintf(f, "sent %llu packets in %.3f s: %.0f pps", (unsigned long long)t.sent, r->seconds,
		pps);
	if (cfg->rate)
		fprintf(f, " of %llu asked (rate accuracy %.2f%%)", (unsigned long long)cfg->rate,
			accuracy);
	fprintf(f, ", %.1f Mbit/s on the wire; %s mode, %u-byte inner packets, %u flow%s\n", mbps,
		mode_name(cfg, r), cfg->size, cfg->flows, cfg->flows == 1 ? "" : "s");
	fprintf(f, "threads %u:", r->threads);
	for (i = 0; i < r->threads; i++)
		fprintf(f, " %llu", (unsigned long long)r->t[i].sent);
	fprintf(f, " (balance: smallest share %.1f%%, largest %.1f%%); send errors %llu\n",
		t.sent ? 100.0 * (double)t.min / (double)t.sent : 0,
		t.sent ? 100.0 * (double)t.max / (double)t.sent : 0, (unsigned long long)t.errors);
	if (pipeline)
		tg_metrics_report(f, pipeline, false);
}

void tg_report_recv(FILE *f, const struct tg_recv_result *r, bool json,
		    const struct tg_pipeline *pipeline)
{
	double pps = r->seconds > 0 ? (double)r->received / r->seconds : 0;
	double mbps = r->seconds > 0 ? (double)r->bytes * 8 / r->seconds / 1e6 : 0;
	uint64_t expected = r->received + r->lost;
	double avg = r->lat_n ? r->lat_sum_ns / (double)r->lat_n : 0;

	if (json) {
		fprintf(f,
			"{\"role\": \"receive\", \"received\": %llu, \"seconds\": %.3f, "
			"\"pps\": %.1f, \"payload_mbps\": %.1f, \"flows\": %u, \"lost\": %llu, "
			"\"duplicated\": %llu, \"reordered\": %llu, \"corrupt\": %llu, "
			"\"foreign\": %llu, \"latency_us\": {\"n\": %llu, \"min\": %.1f, "
			"\"avg\": %.1f, \"p50\": %.1f, \"p99\": %.1f, \"max\": %.1f}, "
			"\"clock_skewed\": %llu",
			(unsigned long long)r->received, r->seconds, pps, mbps, r->flows,
			(unsigned long long)r->lost, (unsigned long long)r->duplicated,
			(unsigned long long)r->reordered, (unsigned long long)r->corrupt,
			(unsigned long long)r->foreign, (unsigned long long)r->lat_n,
			(double)r->lat_min_ns / 1e3, avg / 1e3,
			(double)tg_latency_quantile(r, 0.5) / 1e3,
			(double)tg_latency_quantile(r, 0.99) / 1e3, (double)r->lat_max_ns / 1e3,
			(unsigned long long)r->lat_negative);
		if (pipeline) {
			fprintf(f, ", ");
			tg_metrics_report(f, pipeline, true);
		}
		fprintf(f, "}\n");
		return;
	}
	fprintf(f, "received %llu packets in %.3f s: %.0f pps, %.1f Mbit/s of payload, %u flow%s\n",
		(unsigned long long)r->received, r->seconds, pps, mbps, r->flows,
		r->flows == 1 ? "" : "s");
	fprintf(f,
		"lost %llu (%.3f%%), duplicated %llu, reordered %llu, corrupt %llu, "
		"not ours %llu\n",
		(unsigned long long)r->lost,
		expected ? 100.0 * (double)r->lost / (double)expected : 0,
		(unsigned long long)r->duplicated, (unsigned long long)r->reordered,
		(unsigned long long)r->corrupt, (unsigned long long)r->foreign);
	if (r->lat_n)
		fprintf(f,
			"one-way latency: min %.1f us, median %.1f us, p99 %.1f us, max %.1f us "
			"(meaningful when sender and receiver share a clock)\n",
			(double)r->lat_min_ns / 1e3, (double)tg_latency_quantile(r, 0.5) / 1e3,
			(double)tg_latency_quantile(r, 0.99) / 1e3, (double)r->lat_max_ns / 1e3);
	if (r->lat_negative)
		fprintf(f,
			"%llu packets arrived before they were sent by this clock: the clocks "
			"differ\n",
			(unsigned long long)r->lat_negative);
	if (pipeline)
		tg_metrics_report(f, pipeline, false);
}
