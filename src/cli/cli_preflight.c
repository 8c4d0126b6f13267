// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-pipeline preflight: the seed's readiness check, made exact. Each line
 * OK, WARN or FAIL with the fix; the exit status says the worst. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "cli.h"
#include "cli_preflight.h"
#include "libvxp/conf.h"
#include "libvxp/conf_check.h"
#include "libvxp/conf_load.h"
#include "libvxp/netdev.h"
#include "libvxp/privs.h"
#include "libvxp/sysfile.h"

#define BPF_FS_MAGIC 0xcafe4a11

enum level { OK, WARN, FAIL };

struct check {
	const struct cli *c;
	int worst;
	unsigned warnings, failures;
};

__attribute__((format(printf, 4, 5))) static void say(struct check *k, enum level l,
						      const char *fix, const char *fmt, ...)
{
	static const char *const names[] = { "OK", "WARN", "FAIL" };
	static const char *const colors[] = { "\033[32m", "\033[33m", "\033[1;31m" };
	va_list ap;

	printf("  %s%-4s%s  ", cli_color(k->c, colors[l]), names[l], cli_color(k->c, "\033[0m"));
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (fix)
		printf("        fix: %s\n", fix);
	k->worst = (int)l > k->worst ? (int)l : k->worst;
	k->warnings += l == WARN;
	k->failures += l == FAIL;
}

static void kernel(struct check *k)
{
	struct utsname u;
	int major = 0, minor = 0;

	uname(&u);
	sscanf(u.release, "%d.%d", &major, &minor);
	if (major < 5 || (major == 5 && minor < 9))
		say(k, FAIL, "run a kernel of 5.9 or later (6.5 or later is best)",
		    "kernel %s: XDP through bpf_link needs 5.9", u.release);
	else if (major < 6 || (major == 6 && minor < 5))
		say(k, WARN, NULL,
		    "kernel %s: map updates need CAP_BPF before 6.5, so the daemon keeps it",
		    u.release);
	else
		say(k, OK, NULL,
		    "kernel %s: bpf_link for XDP, live frames, map updates without "
		    "CAP_BPF",
		    u.release);
}

static void filesystems(struct check *k)
{
	struct statfs fs;

	if (!access("/sys/kernel/btf/vmlinux", R_OK))
		say(k, OK, NULL, "kernel BTF at /sys/kernel/btf/vmlinux");
	else
		say(k, WARN, "a kernel built with CONFIG_DEBUG_INFO_BTF",
		    "no kernel BTF: bpftool and tracing tools see less");
	if (!statfs("/sys/fs/bpf", &fs) && fs.f_type == BPF_FS_MAGIC)
		say(k, OK, NULL, "bpffs mounted at /sys/fs/bpf");
	else
		say(k, WARN, "mount -t bpf bpf /sys/fs/bpf", "bpffs is not mounted at /sys/fs/bpf");
}

static int probe_update(void *arg)
{
	int key = 0, value = 1;

	return bpf_map_update_elem(*(int *)arg, &key, &value, BPF_ANY) ? -1 : 0;
}

static void bpf_features(struct check *k)
{
	static const struct {
		enum bpf_func_id id;
		const char *name;
	} helpers[] = {
		{ BPF_FUNC_fib_lookup, "bpf_fib_lookup" },
		{ BPF_FUNC_redirect_map, "bpf_redirect_map" },
		{ BPF_FUNC_xdp_adjust_head, "bpf_xdp_adjust_head" },
	};
	enum privs_need need;
	size_t i;
	int fd;

	if (geteuid()) {
		say(k, WARN, "run preflight as root", "not root: the BPF features are not probed");
		return;
	}
	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_XDP, NULL) != 1) {
		say(k, FAIL, "a kernel with CONFIG_BPF_SYSCALL and XDP",
		    "XDP programs cannot load");
		return;
	}
	for (i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++)
		if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, helpers[i].id, NULL) != 1)
			say(k, FAIL, "a newer kernel", "XDP programs cannot call %s",
			    helpers[i].name);
	say(k, OK, NULL,
	    "XDP programs load; bpf_fib_lookup, bpf_redirect_map, bpf_xdp_adjust_head");
	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "vxp_probe", sizeof(int), sizeof(int), 1, NULL);
	if (fd < 0 || privs_probe(probe_update, &fd, &need))
		say(k, WARN, NULL, "could not probe map updates without capabilities");
	else if (need == PRIVS_NONE)
		say(k, OK, NULL,
		    "map updates through open fds need no capability: the daemon drops all");
	else
		say(k, WARN, NULL, "map updates need %s: the daemon keeps it after attaching",
		    privs_need_name(need));
	if (fd >= 0)
		close(fd);
}

static bool in_list(const char *driver, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(driver, *list))
			return true;
	return false;
}

/* Drivers with native XDP and XDP_REDIRECT transmit in mainline Linux. */
static const char *const native_xdp[] = { "ena",	"ixgbe",	"ixgbevf", "i40e",
					  "ice",	"igb",		"igc",	   "mlx4_en",
					  "mlx5_core",	"bnxt_en",	"nfp",	   "qede",
					  "virtio_net", "veth",		"tun",	   "sfc",
					  "hv_netvsc",	"xen-netfront", "stmmac",  NULL };

static void interface(struct check *k, const struct pipeline_config *cfg, const char *name,
		      const char *role)
{
	char problem[256], fix[256];
	struct netdev_info nd;

	if (netdev_query(name, &nd))
		return; /* the configuration check said so, with file and line */
	if (in_list(nd.driver, native_xdp))
		say(k, OK, NULL, "%s '%s': driver %s has native XDP and XDP_REDIRECT", role, name,
		    nd.driver);
	else
		say(k, WARN, "xdp_mode = \"generic\" says so; or use a driver with native XDP",
		    "%s '%s': driver %s: no native XDP known, generic mode is slower", role, name,
		    nd.driver[0] ? nd.driver : "unknown");
	if (netdev_ena_check(&nd, problem, sizeof(problem), fix, sizeof(fix)))
		say(k, cfg->ena_fix ? WARN : FAIL, cfg->ena_fix ? NULL : fix, "%s '%s': %s%s", role,
		    name, problem,
		    cfg->ena_fix ? " (ena_fix = true: the daemon applies the fix)" : "");
	if (netdev_has_default_route(name))
		say(k, cfg->allow_default_route ? WARN : FAIL,
		    cfg->allow_default_route ? NULL
					     : "allow_default_route = true in pipeline.conf, "
					       "or mirror to another interface",
		    "%s '%s' carries the default route", role, name);
}

/* A sysctl's value; -1 when there is none. */
static long sysctl_long(const char *path)
{
	long long v;

	return sysfile_read(path, &v) ? -1 : (long)v;
}

/* Inner IPv6 forwards only where IPv6 forwarding is on for the ingress; and
 * the kernel must not send ICMP redirects to mirrored sources. */
static void sysctls_answers(struct check *k, const char *ingress)
{
	char path[128];
	long v;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/forwarding", ingress);
	v = sysctl_long(path);
	if (v == 1)
		say(k, OK, NULL, "IPv6 forwarding on '%s'", ingress);
	else if (v == 0)
		say(k, WARN, "vxlan-pipelined --prepare-sysctl (the unit runs it before it starts)",
		    "IPv6 forwarding off on '%s': inner IPv6 is dropped as forwarding_disabled",
		    ingress);
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/send_redirects", ingress);
	if (sysctl_long("/proc/sys/net/ipv4/conf/all/send_redirects") == 0 &&
	    sysctl_long(path) == 0)
		say(k, OK, NULL, "no ICMP redirects from '%s'", ingress);
	else
		say(k, WARN,
		    "sysctl -w net.ipv4.conf.all.send_redirects=0 "
		    "net.ipv4.conf.INGRESS.send_redirects=0 (the package's sysctl.d file sets "
		    "them)",
		    "'%s' may send ICMP redirects to mirrored sources", ingress);
}

static void sysctls(struct check *k, const char *ingress)
{
	char path[128];
	long all, rp;

	if (sysctl_long("/proc/sys/net/ipv4/ip_forward") == 1)
		say(k, OK, NULL, "net.ipv4.ip_forward = 1");
	else
		say(k, FAIL,
		    "sysctl -w net.ipv4.ip_forward=1 (the package's sysctl.d file sets it)",
		    "net.ipv4.ip_forward = 0: the program drops everything as forwarding_disabled");
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter", ingress);
	all = sysctl_long("/proc/sys/net/ipv4/conf/all/rp_filter");
	rp = sysctl_long(path);
	if (rp < 0)
		return; /* no such interface: said already */
	if ((all > rp ? all : rp) == 1)
		say(k, WARN,
		    "sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.INGRESS.rp_filter=2",
		    "strict rp_filter on '%s': what the program hands the kernel (IPv4 too big "
		    "for the egress, to be fragmented) comes from mirrored sources not routed "
		    "back there and is dropped",
		    ingress);
	else
		say(k, OK, NULL, "rp_filter on '%s' is not strict", ingress);
	sysctls_answers(k, ingress);
}

static void ec2(struct check *k)
{
	char vendor[64] = "";
	FILE *f = fopen("/sys/devices/virtual/dmi/id/sys_vendor", "re");

	if (f && !fgets(vendor, sizeof(vendor), f))
		vendor[0] = '\0';
	if (f)
		fclose(f);
	if (!strstr(vendor, "Amazon"))
		return;
	say(k, WARN,
	    "aws ec2 modify-network-interface-attribute --network-interface-id ENI "
	    "--no-source-dest-check",
	    "EC2: forwarded packets keep their mirrored source address; the egress ENI must have "
	    "its source/destination check off (not visible from inside the instance)");
}

int cli_preflight(const struct cli *c)
{
	struct check k = { .c = c };
	struct conf_errors errs = { 0 };
	struct pipeline_config cfg;
	unsigned i;

	printf("vxlan-pipeline preflight of this host, with %s\n", c->config_dir);
	kernel(&k);
	filesystems(&k);
	bpf_features(&k);
	conf_init(&cfg);
	if (conf_load_dir(&cfg, c->config_dir, true, &errs) || conf_check(&cfg, &errs)) {
		for (i = 0; i < errs.n && i < CONF_ERRORS_MAX; i++)
			say(&k, FAIL, NULL, "%s", errs.msg[i]);
	}
	if (cfg.is_set[CONF_INGRESS])
		interface(&k, &cfg, cfg.ingress, "ingress");
	if (cfg.is_set[CONF_EGRESS] && strcmp(cfg.egress, cfg.ingress))
		interface(&k, &cfg, cfg.egress, "egress");
	sysctls(&k, cfg.is_set[CONF_INGRESS] ? cfg.ingress : "all");
	ec2(&k);
	conf_free(&cfg);
	printf("%u failure%s, %u warning%s\n", k.failures, k.failures == 1 ? "" : "s", k.warnings,
	       k.warnings == 1 ? "" : "s");
	return k.worst == FAIL ? 2 : k.worst == WARN ? 1 : 0;
}
