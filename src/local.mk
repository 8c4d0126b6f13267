# SPDX-License-Identifier: GPL-2.0-only
# The internal library: everything but the main()s, so tests link the code the
# binaries run.
noinst_LIBRARIES += src/libvxp.a
src_libvxp_a_SOURCES = \
	src/datapath.c src/datapath.h \
	src/nat_table.c src/nat_table.h \
	src/stats.c src/stats.h
nodist_src_libvxp_a_SOURCES = bpf/vxlan_pipeline.skel.h
src_libvxp_a_CFLAGS = $(AM_CFLAGS) $(LIBBPF_CFLAGS)

VXP_LIBS = src/libvxp.a $(LIBBPF_LIBS) $(LIBELF_LIBS)
