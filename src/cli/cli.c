// SPDX-License-Identifier: GPL-2.0-only
/* The vxlan-pipeline command's shared parts: colour on a terminal only, the
 * daemon's pages fetched from its control socket, and the rates between two
 * samples of its /status. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_text.h"
#include "jpath.h"
#include "libvxp/httpc.h"

#define ERROR_BODY_MAX 512 /* of an error page, in a message */

const char *cli_color(const struct cli *c, const char *code)
{
	return c->color ? code : "";
}

char *cli_answer(const struct cli *c, const char *path, int status, char *body, int *ret_exit)
{
	if (status == -ENOENT || status == -ECONNREFUSED) {
		fprintf(stderr,
			"vxlan-pipelined is not running: nothing answers on %s "
			"(systemctl status vxlan-pipeline)\n",
			c->socket);
		*ret_exit = CLI_NOT_RUNNING;
	} else if (status == -EACCES) {
		fprintf(stderr,
			"%s: permission denied: run as root or as a member of the "
			"vxlan-pipeline group\n",
			c->socket);
		*ret_exit = CLI_FAILED;
	} else if (status < 0) {
		fprintf(stderr, "asking vxlan-pipelined at %s: %s\n", c->socket, strerror(-status));
		*ret_exit = CLI_FAILED;
	} else if (status != 200) {
		fprintf(stderr, "vxlan-pipelined answered %d to %s: ", status, path);
		cli_put_text(stderr, body ? body : "", ERROR_BODY_MAX);
		if (!body || !*body || body[strlen(body) - 1] != '\n')
			fputc('\n', stderr);
		*ret_exit = CLI_FAILED;
	} else {
		return body;
	}
	free(body);
	return NULL;
}

char *cli_get(const struct cli *c, const char *path, int *ret_exit)
{
	char *body = NULL;
	int status = httpc_get(c->socket, path, &body);

	return cli_answer(c, path, status, body, ret_exit);
}

/* Numbers as doubles, as the CLI prints them: a counter past 2^63 too. */
json_t *cli_parse(const char *path, const char *body, int *ret_exit)
{
	char text[sizeof(((json_error_t *)0)->text)];
	json_error_t err;
	json_t *j = json_loads(body, JSON_DECODE_INT_AS_REAL, &err);

	if (!j) {
		fprintf(stderr, "vxlan-pipelined sent %s that does not parse: %s at offset %d\n",
			path, cli_text_clean(err.text, strlen(err.text), false, text, sizeof(text)),
			err.position);
		*ret_exit = CLI_FAILED;
	}
	return j;
}

json_t *cli_fetch(const struct cli *c, const char *path, int *ret_exit)
{
	char *body = cli_get(c, path, ret_exit);
	json_t *j;

	if (!body)
		return NULL;
	j = cli_parse(path, body, ret_exit);
	free(body);
	return j;
}

static double packets(const json_t *reasons, const char *reason)
{
	return jpath_num(json_object_get(reasons, reason), "packets", 0);
}

struct cli_rates cli_rates(const json_t *a, const json_t *b)
{
	double dt = jpath_num(b, "time", 0) - jpath_num(a, "time", 0), sum[4] = { 0 };
	static const char *const results[] = { "pass", "drop", "kernel", "redirect" };
	json_t *ra = jpath_get(a, "counters.reasons"), *rb = jpath_get(b, "counters.reasons");
	struct cli_rates out = { .rx = -1 };
	double rx_a = jpath_num(a, "ingress_rx_packets", -1),
	       rx_b = jpath_num(b, "ingress_rx_packets", -1);
	const char *key;
	json_t *x;
	int i;

	if (dt <= 0)
		return out;
	json_object_foreach (rb, key, x)
		for (i = 0; i < 4; i++)
			if (!strcmp(jpath_str(x, "result", ""), results[i]))
				sum[i] += packets(rb, key) - packets(ra, key);
	out.forwarded = sum[3] / dt;
	out.kernel = sum[2] / dt;
	out.dropped = sum[1] / dt;
	out.decap = out.forwarded + out.kernel + out.dropped;
	out.vxlan = out.decap + sum[0] / dt;
	if (rx_a >= 0 && rx_b >= rx_a)
		out.rx = (rx_b - rx_a) / dt;
	out.redirect_failed = (jpath_num(b, "counters.events.redirect_failed", 0) -
			       jpath_num(a, "counters.events.redirect_failed", 0)) /
			      dt;
	if (sum[1] + sum[2] + sum[3] > 0)
		out.nat_hit_pct = 100.0 *
				  (jpath_num(b, "counters.events.nat_hit", 0) -
				   jpath_num(a, "counters.events.nat_hit", 0)) /
				  (sum[1] + sum[2] + sum[3]);
	return out;
}
