# SPDX-License-Identifier: GPL-2.0-only
# vxlan-pipelined: start, event loop, reload, takeover, health, HTTP pages, fd
# store, notify, the feature stream and the loaded data path. Depends on
# libvxp, never on another program; libdaemon.a is all but main(), for tests.
noinst_LIBRARIES += src/daemon/libdaemon.a
src_daemon_libdaemon_a_SOURCES = \
	src/daemon/attach.c src/daemon/attach.h \
	src/daemon/buf.c src/daemon/buf.h \
	src/daemon/daemon.h \
	src/daemon/daemon_cli.c src/daemon/daemon_cli.h \
	src/daemon/daemon_health.c src/daemon/daemon_health.h \
	src/daemon/daemon_ingress.c src/daemon/daemon_ingress.h \
	src/daemon/daemon_loop.c src/daemon/daemon_loop.h \
	src/daemon/daemon_reload.c src/daemon/daemon_reload.h \
	src/daemon/daemon_rules.c src/daemon/daemon_rules.h \
	src/daemon/daemon_start.c src/daemon/daemon_start.h \
	src/daemon/daemon_takeover.c src/daemon/daemon_takeover.h \
	src/daemon/datapath.c src/daemon/datapath.h \
	src/daemon/fdstore.c src/daemon/fdstore.h \
	src/daemon/feature_stream.c src/daemon/feature_stream.h \
	src/daemon/http.c src/daemon/http.h \
	src/daemon/http_conns.c src/daemon/http_conns.h \
	src/daemon/ingress_sysctl.c src/daemon/ingress_sysctl.h \
	src/daemon/notify.c src/daemon/notify.h \
	src/daemon/pages.c src/daemon/pages.h \
	src/daemon/resolver.c src/daemon/resolver.h \
	src/daemon/unix_listen.c src/daemon/unix_listen.h
nodist_src_daemon_libdaemon_a_SOURCES = bpf/vxlan_pipeline.skel.h bpf/vxp_xmit.skel.h
src_daemon_libdaemon_a_CFLAGS = $(AM_CFLAGS) $(LIBBPF_CFLAGS) $(LIBSYSTEMD_CFLAGS) \
	$(LIBMICROHTTPD_CFLAGS)
DAEMON_LIBS = src/daemon/libdaemon.a $(LIBVXP_LIBS) $(LIBMICROHTTPD_LIBS)

# built where it always was: scripts, tests and packaging name build/src/
sbin_PROGRAMS += src/vxlan-pipelined
src_vxlan_pipelined_SOURCES = src/daemon/vxlan-pipelined.c
src_vxlan_pipelined_LDADD = $(DAEMON_LIBS)
