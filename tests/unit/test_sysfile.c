// SPDX-License-Identifier: GPL-2.0-only
/* sysfile_read: the number a one-value file holds, and an error, never a
 * number, for a file that holds none or is not there. No privileges needed. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libvxp/sysfile.h"
#include "tap.h"

static char dir[] = "/tmp/vxp-sysfile.XXXXXX";

/* sysfile_read() of a file holding text; the file is gone afterwards. */
static int read_text(const char *text, long long *ret)
{
	char path[64];
	FILE *f;
	int err;

	snprintf(path, sizeof(path), "%s/value", dir);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		tap_bail("writing '%s': %s", path, strerror(errno));
	err = sysfile_read(path, ret);
	unlink(path);
	return err;
}

int main(void)
{
	long long v = 0;
	int err;

	if (!mkdtemp(dir))
		tap_bail("mkdtemp: %s", strerror(errno));
	err = read_text("1\n", &v);
	tap_ok(!err && v == 1, "a sysctl's \"1\\n\": 1 (%d, %lld)", err, v);
	err = read_text("123456789012\n", &v);
	tap_ok(!err && v == 123456789012LL, "a counter past 32 bits (%d, %lld)", err, v);
	err = read_text("-1\n", &v);
	tap_ok(!err && v == -1, "a negative value (%d, %lld)", err, v);
	v = 7;
	err = read_text("stable_secret\n", &v);
	tap_ok(err == -EINVAL && v == 7, "no number: -EINVAL, *ret untouched (%d)", err);
	err = read_text("", &v);
	tap_ok(err == -EINVAL, "an empty file: -EINVAL (%d)", err);
	err = sysfile_read("/tmp/vxp-sysfile-none/value", &v);
	tap_ok(err == -ENOENT, "no such file: -ENOENT (%d)", err);
	rmdir(dir);
	return tap_done();
}
