// SPDX-License-Identifier: GPL-2.0-only
/* A verifier rejection: libbpf's messages come through the logger one level
 * lower, and the end of the verifier's log is shown at error level. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "libvxp/log.h"
#include "tap.h"

int main(void)
{
	const char *build = getenv("VXP_BUILD_DIR");
	char path[1024], logfile[] = "/tmp/vxp-verifier-XXXXXX", text[65536] = "";
	struct bpf_object *obj;
	int fd, err, saved;
	FILE *f;

	tap_require_root("loading a BPF program");
	snprintf(path, sizeof(path), "%s/tests/bpf/rejected.bpf.o", build ? build : ".");
	fd = mkstemp(logfile);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	log_init("test", LOG_TARGET_STDERR, LOG_INFO);
	log_bridge_libbpf();
	obj = bpf_object__open_file(path, NULL);
	err = obj ? bpf_object__load(obj) : -errno;
	if (err)
		log_verifier_tail();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	f = fopen(logfile, "r");
	if (f) {
		size_t n = fread(text, 1, sizeof(text) - 1, f);

		text[n] = '\0';
		fclose(f);
	}
	unlink(logfile);
	tap_ok(obj != NULL, "the object opens (%s)", path);
	tap_ok(err == -EACCES, "the verifier rejects it (%d)", err);
	tap_ok(strstr(text, "test: libbpf: prog 'rejected': BPF program load failed") != NULL,
	       "libbpf's warning comes through the logger, one level lower: no error label");
	tap_ok(!strstr(text, "test: libbpf: 0: R1=ctx()"),
	       "the verifier's log itself is not repeated at notice level");
	tap_ok(strstr(text,
		      "test: error: the verifier rejected the program; the end of its log:") !=
		       NULL,
	       "the rejection is logged at error level");
	tap_ok(strstr(text, "test: error:   invalid access to packet") != NULL,
	       "with the verifier's own last lines");
	if (tap_in_ci() || getenv("VERBOSE"))
		tap_diag("%s", text);
	bpf_object__close(obj);
	return tap_done();
}
