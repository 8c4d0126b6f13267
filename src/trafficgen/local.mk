# SPDX-License-Identifier: GPL-2.0-only
# vxlan-trafficgen: VXLAN or plain UDP at a set rate (UDP socket, AF_PACKET,
# the in-kernel sender, a pcap file) and the receiver that checks it. Depends
# on libvxp, never on another program; libtrafficgen.a is all but main().
noinst_LIBRARIES += src/trafficgen/libtrafficgen.a
src_trafficgen_libtrafficgen_a_SOURCES = \
	src/trafficgen/tg.h src/trafficgen/tg_cli.c src/trafficgen/tg_cli.h \
	src/trafficgen/tg_frame.c src/trafficgen/tg_frame.h \
	src/trafficgen/tg_metrics.c src/trafficgen/tg_metrics.h \
	src/trafficgen/tg_pcap.c src/trafficgen/tg_pcap.h \
	src/trafficgen/tg_recv.c src/trafficgen/tg_recv.h \
	src/trafficgen/tg_report.c src/trafficgen/tg_report.h \
	src/trafficgen/tg_send.c src/trafficgen/tg_send.h \
	src/trafficgen/tg_xdp.c src/trafficgen/tg_xdp.h
nodist_src_trafficgen_libtrafficgen_a_SOURCES = bpf/tg_xmit.skel.h
src_trafficgen_libtrafficgen_a_CFLAGS = $(AM_CFLAGS) $(LIBBPF_CFLAGS)
TRAFFICGEN_LIBS = src/trafficgen/libtrafficgen.a $(LIBVXP_LIBS) -lpthread

bin_PROGRAMS += src/vxlan-trafficgen
src_vxlan_trafficgen_SOURCES = src/trafficgen/vxlan-trafficgen.c
src_vxlan_trafficgen_LDADD = $(TRAFFICGEN_LIBS)
