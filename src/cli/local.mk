# SPDX-License-Identifier: GPL-2.0-only
# vxlan-pipeline, the operator's CLI: status, monitor, stats, nat, features
# through the daemon's control socket, and preflight. Depends on libvxp, never
# on another program; libcli.a is all but main(), for tests.
noinst_LIBRARIES += src/cli/libcli.a
src_cli_libcli_a_SOURCES = \
	src/cli/cli.c src/cli/cli.h \
	src/cli/cli_features.c src/cli/cli_features.h \
	src/cli/cli_monitor.c src/cli/cli_monitor.h \
	src/cli/cli_preflight.c src/cli/cli_preflight.h \
	src/cli/cli_status.c src/cli/cli_status.h \
	src/cli/cli_text.c src/cli/cli_text.h \
	src/cli/jpath.c src/cli/jpath.h
src_cli_libcli_a_CFLAGS = $(AM_CFLAGS) $(LIBBPF_CFLAGS) $(JANSSON_CFLAGS)
CLI_LIBS = src/cli/libcli.a $(LIBVXP_LIBS) $(JANSSON_LIBS) -lm

sbin_PROGRAMS += src/vxlan-pipeline
src_vxlan_pipeline_SOURCES = src/cli/vxlan-pipeline.c
src_vxlan_pipeline_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
src_vxlan_pipeline_LDADD = $(CLI_LIBS)
