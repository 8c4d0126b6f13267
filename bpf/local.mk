# SPDX-License-Identifier: GPL-2.0-only
# The XDP object: compiled for the BPF target with its own flags (never the
# distribution's CFLAGS), stripped of DWARF, turned into a skeleton header the
# binaries embed. Nothing of it is installed.
BPF_CFLAGS = -g -O2 -mcpu=v3 -target bpf -Wall -Wextra -Werror \
	-I$(top_srcdir)/bpf $(BPF_SYS_INCLUDES)
BPF_DEPS = bpf/vxlan_pipeline.h bpf/parse.h bpf/csum.h bpf/maps.h \
	bpf/decap.h bpf/inner.h bpf/nat.h bpf/forward.h bpf/sample.h

BPF_COMPILE = $(CLANG) $(BPF_CFLAGS) -c
BPF_SKELETON = $(BPFTOOL) gen skeleton

bpf/vxlan_pipeline.bpf.o: $(top_srcdir)/bpf/vxlan_pipeline.bpf.c $(BPF_DEPS)
	$(AM_V_GEN)$(MKDIR_P) bpf && \
	$(BPF_COMPILE) $(top_srcdir)/bpf/vxlan_pipeline.bpf.c -o $@ && $(LLVM_STRIP) -g $@

bpf/vxlan_pipeline.skel.h: bpf/vxlan_pipeline.bpf.o
	$(AM_V_GEN)$(BPF_SKELETON) bpf/vxlan_pipeline.bpf.o name vxp_bpf > $@.tmp && mv $@.tmp $@

bpf/vxp_xmit.bpf.o: $(top_srcdir)/bpf/vxp_xmit.bpf.c bpf/vxlan_pipeline.h
	$(AM_V_GEN)$(MKDIR_P) bpf && \
	$(BPF_COMPILE) $(top_srcdir)/bpf/vxp_xmit.bpf.c -o $@ && $(LLVM_STRIP) -g $@

bpf/vxp_xmit.skel.h: bpf/vxp_xmit.bpf.o
	$(AM_V_GEN)$(BPF_SKELETON) bpf/vxp_xmit.bpf.o name vxp_xmit_bpf > $@.tmp && mv $@.tmp $@

bpf/tg_xmit.bpf.o: $(top_srcdir)/bpf/tg_xmit.bpf.c
	$(AM_V_GEN)$(MKDIR_P) bpf && \
	$(BPF_COMPILE) $(top_srcdir)/bpf/tg_xmit.bpf.c -o $@ && $(LLVM_STRIP) -g $@

bpf/tg_xmit.skel.h: bpf/tg_xmit.bpf.o
	$(AM_V_GEN)$(BPF_SKELETON) bpf/tg_xmit.bpf.o name tg_xmit_bpf > $@.tmp && mv $@.tmp $@

BUILT_SOURCES += bpf/vxlan_pipeline.skel.h bpf/vxp_xmit.skel.h bpf/tg_xmit.skel.h
CLEANFILES += bpf/vxlan_pipeline.bpf.o bpf/vxlan_pipeline.skel.h bpf/vxp_xmit.bpf.o \
	bpf/vxp_xmit.skel.h bpf/tg_xmit.bpf.o bpf/tg_xmit.skel.h
EXTRA_DIST += bpf/vxlan_pipeline.bpf.c bpf/vxp_xmit.bpf.c bpf/tg_xmit.bpf.c $(BPF_DEPS)
