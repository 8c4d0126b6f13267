# SPDX-License-Identifier: GPL-2.0-only
# The internal library: everything but the main()s, so tests link the code the
# binaries run.
noinst_LIBRARIES += src/libvxp.a
src_libvxp_a_SOURCES = \
	src/addr.c src/addr.h \
	src/conf.c src/conf.h src/conf_parse.c src/conf_parse.h \
	src/conf_rules.c src/conf_check.c \
	src/daemon.c src/daemon.h src/daemon_cli.c src/daemon_cli.h \
	src/daemon_health.c src/daemon_loop.c src/daemon_reload.c src/daemon_takeover.c \
	src/fdstore.c src/fdstore.h \
	src/feature_stream.c src/feature_stream.h \
	src/http.c src/http.h src/httpc.c src/httpc.h src/json.c src/json.h \
	src/pages.c src/pages.h \
	src/datapath.c src/datapath.h \
	src/attach.c src/attach.h \
	src/buf.c src/buf.h \
	src/cli.h src/cli_features.c src/cli_monitor.c src/cli_preflight.c src/cli_status.c \
	src/log.c src/log.h \
	src/netdev.c src/netdev.h \
	src/notify.c src/notify.h \
	src/privs.c src/privs.h \
	src/nat_table.c src/nat_table.h \
	src/stats.c src/stats.h \
	src/tg.h src/tg_cli.c src/tg_cli.h src/tg_frame.c src/tg_pcap.c \
	src/tg_metrics.c src/tg_metrics.h \
	src/tg_recv.c src/tg_report.c src/tg_report.h src/tg_send.c \
	src/tg_xdp.c src/tg_xdp.h
nodist_src_libvxp_a_SOURCES = bpf/vxlan_pipeline.skel.h bpf/tg_xmit.skel.h
src_libvxp_a_CFLAGS = $(AM_CFLAGS) $(LIBBPF_CFLAGS) $(LIBCONFIG_CFLAGS) \
	$(LIBSYSTEMD_CFLAGS) $(LIBCAP_CFLAGS) $(LIBMICROHTTPD_CFLAGS)

VXP_LIBS = src/libvxp.a $(LIBBPF_LIBS) $(LIBELF_LIBS) $(LIBCONFIG_LIBS) \
	$(LIBSYSTEMD_LIBS) $(LIBCAP_LIBS) $(LIBMICROHTTPD_LIBS)

sbin_PROGRAMS = src/vxlan-pipelined
src_vxlan_pipelined_SOURCES = src/vxlan-pipelined.c
src_vxlan_pipelined_LDADD = $(VXP_LIBS)

bin_PROGRAMS = src/vxlan-trafficgen
src_vxlan_trafficgen_SOURCES = src/vxlan-trafficgen.c
src_vxlan_trafficgen_LDADD = $(VXP_LIBS) -lpthread

sbin_PROGRAMS += src/vxlan-pipeline
src_vxlan_pipeline_SOURCES = src/vxlan-pipeline.c
src_vxlan_pipeline_LDADD = $(VXP_LIBS) -lm
