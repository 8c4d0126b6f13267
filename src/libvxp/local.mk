# SPDX-License-Identifier: GPL-2.0-only
# libvxp: what two or more programs share (configuration, logging, addresses,
# interfaces and their rtnetlink events, NAT table, counters, privileges, the
# HTTP client). It depends on no program: nothing here includes daemon/, cli/
# or trafficgen/.
noinst_LIBRARIES += src/libvxp/libvxp.a
src_libvxp_libvxp_a_SOURCES = \
	src/libvxp/addr.c src/libvxp/addr.h \
	src/libvxp/conf.c src/libvxp/conf.h \
	src/libvxp/conf_check.c src/libvxp/conf_check.h \
	src/libvxp/conf_load.c src/libvxp/conf_load.h \
	src/libvxp/conf_parse.c src/libvxp/conf_parse.h \
	src/libvxp/conf_rules.c src/libvxp/conf_rules.h \
	src/libvxp/conf_value.c src/libvxp/conf_value.h \
	src/libvxp/feature_socket.c src/libvxp/feature_socket.h \
	src/libvxp/file_trust.c src/libvxp/file_trust.h \
	src/libvxp/httpc.c src/libvxp/httpc.h \
	src/libvxp/log.c src/libvxp/log.h \
	src/libvxp/nat_count.c src/libvxp/nat_count.h \
	src/libvxp/nat_slots.c src/libvxp/nat_slots.h \
	src/libvxp/nat_table.c src/libvxp/nat_table.h \
	src/libvxp/netdev.c src/libvxp/netdev.h \
	src/libvxp/netlink.c src/libvxp/netlink.h \
	src/libvxp/privs.c src/libvxp/privs.h \
	src/libvxp/stats.c src/libvxp/stats.h \
	src/libvxp/sysfile.c src/libvxp/sysfile.h
src_libvxp_libvxp_a_CFLAGS = $(AM_CFLAGS) $(LIBBPF_CFLAGS) $(LIBCONFIG_CFLAGS) \
	$(LIBSYSTEMD_CFLAGS) $(LIBCAP_CFLAGS) $(LIBCURL_CFLAGS) $(LIBMNL_CFLAGS)

# what a program links for libvxp: the library, then what it needs
LIBVXP_LIBS = src/libvxp/libvxp.a $(LIBBPF_LIBS) $(LIBELF_LIBS) $(LIBCONFIG_LIBS) \
	$(LIBSYSTEMD_LIBS) $(LIBCAP_LIBS) $(LIBCURL_LIBS) $(LIBMNL_LIBS)
