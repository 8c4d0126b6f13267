# SPDX-License-Identifier: GPL-2.0-only
# make check: unit tests without privileges, BPF tests through
# BPF_PROG_TEST_RUN on the real skeleton, all speaking TAP.
#
# The rule: a test in make check asserts an outcome that does not change
# with the machine's speed or load: counts, bytes, order, state, exit codes,
# messages. Rates, throughput, latency, timing and memory growth are figures
# of make bench (tests/bench/bench_pipeline.sh), reported there against their
# targets. Where loss under overload could hide in a correctness test, send
# at a rate far below what the machine carries (a few thousand packets a
# second), or measure a control window without the event and assert that the
# event adds no loss beyond it. Wait for a state, never for a time: poll until
# the condition holds and give up only after a generous bound (30 s or more;
# wait_until in tests/netns/lib.sh); a sleep followed by an assertion, or
# "within N ms", has no place here.
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
AM_TESTS_ENVIRONMENT = VXP_TEST_DATA='$(abs_top_srcdir)/tests/data'; export VXP_TEST_DATA; \
	VXP_TOP_SRCDIR='$(abs_top_srcdir)'; export VXP_TOP_SRCDIR; \
	VXP_BUILD_DIR='$(abs_top_builddir)'; export VXP_BUILD_DIR;

check_LIBRARIES += tests/lib/libvxptest.a
tests_lib_libvxptest_a_SOURCES = \
	tests/lib/tap.c tests/lib/tap.h \
	tests/lib/pkt.c tests/lib/pkt.h \
	tests/lib/testnet.c tests/lib/testnet.h \
	tests/lib/dprun.c tests/lib/dprun.h \
	tests/lib/fakehttp.c tests/lib/fakehttp.h
tests_lib_libvxptest_a_CFLAGS = $(AM_CFLAGS) $(LIBBPF_CFLAGS)

TEST_LIBS = tests/lib/libvxptest.a $(DAEMON_LIBS)

UNIT_TESTS = \
	tests/unit/test_addr \
	tests/unit/test_buf \
	tests/unit/test_cli \
	tests/unit/test_conf \
	tests/unit/test_daemon_cli \
	tests/unit/test_httpc \
	tests/unit/test_http_conns \
	tests/unit/test_netdev \
	tests/unit/test_notify \
	tests/unit/test_nat_slots \
	tests/unit/test_nat_table \
	tests/unit/test_pkt \
	tests/unit/test_sysfile \
	tests/unit/test_unix_listen
BPF_TESTS = \
	tests/bpf/test_attach \
	tests/bpf/test_recognise \
	tests/bpf/test_decap \
	tests/bpf/test_nat \
	tests/bpf/test_frag_map \
	tests/bpf/test_forward \
	tests/bpf/test_nexthop \
	tests/bpf/test_captures \
	tests/bpf/test_sample \
	tests/bpf/test_truncation \
	tests/bpf/test_verifier_log
SCRIPT_TESTS = \
	tests/unit/test_check_config.sh \
	tests/unit/test_hardening.sh \
	tests/unit/test_layout.sh \
	tests/unit/test_systemd_unit.sh \
	tests/unit/test_trafficgen_pcap.sh \
	tests/unit/test_monitoring.sh \
	tests/unit/test_kubernetes.sh
NETNS_TESTS = \
	tests/netns/test_daemon.sh \
	tests/netns/test_dataplane.sh \
	tests/netns/test_edges.sh \
	tests/netns/test_faults.sh \
	tests/netns/test_features.sh \
	tests/netns/test_memcheck.sh \
	tests/netns/test_metric_names.sh \
	tests/netns/test_nexthop.sh \
	tests/netns/test_operator.sh \
	tests/netns/test_preflight.sh \
	tests/netns/test_restart.sh \
	tests/netns/test_slow_clients.sh \
	tests/netns/test_socket_path.sh \
	tests/netns/test_trafficgen.sh

check_PROGRAMS += $(UNIT_TESTS) $(BPF_TESTS) tests/netns/flowtool tests/netns/svcman
# the packages, linted, and installed in a booted systemd container: slow
# (each builds them)
SYSTEM_TESTS = tests/system/test_packages.sh tests/system/test_system.sh \
	tests/system/test_upgrade.sh tests/system/test_container.sh
TESTS += $(UNIT_TESTS) $(SCRIPT_TESTS) $(BPF_TESTS) $(NETNS_TESTS) $(SYSTEM_TESTS)
tests_netns_flowtool_SOURCES = tests/netns/flowtool.c
tests_netns_svcman_SOURCES = tests/netns/svcman.c
tests_netns_svcman_LDADD = $(LIBBPF_LIBS)

tests_unit_test_addr_LDADD = $(TEST_LIBS)
tests_unit_test_conf_LDADD = $(TEST_LIBS)
tests_unit_test_daemon_cli_LDADD = $(TEST_LIBS)
tests_unit_test_buf_LDADD = $(TEST_LIBS) $(JANSSON_LIBS)
tests_unit_test_buf_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_cli_LDADD = tests/lib/libvxptest.a $(CLI_LIBS)
tests_unit_test_cli_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_http_conns_LDADD = $(TEST_LIBS)
tests_unit_test_httpc_LDADD = tests/lib/libvxptest.a $(LIBVXP_LIBS)
tests_unit_test_netdev_LDADD = $(TEST_LIBS)
tests_unit_test_notify_LDADD = $(TEST_LIBS)
tests_unit_test_nat_slots_LDADD = $(TEST_LIBS)
tests_unit_test_nat_table_LDADD = $(TEST_LIBS)
tests_unit_test_sysfile_LDADD = $(TEST_LIBS)
tests_unit_test_unix_listen_LDADD = $(TEST_LIBS)
# its bind() wrapped, to play another daemon binding the path at the same moment
tests_unit_test_unix_listen_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=bind
tests_unit_test_pkt_LDADD = $(TEST_LIBS) $(LIBPCAP_LIBS)
tests_unit_test_pkt_CFLAGS = $(AM_CFLAGS) $(LIBPCAP_CFLAGS)
tests_bpf_test_attach_LDADD = $(TEST_LIBS)
tests_bpf_test_recognise_LDADD = $(TEST_LIBS)
tests_bpf_test_decap_LDADD = $(TEST_LIBS)
tests_bpf_test_nat_LDADD = $(TEST_LIBS)
# a one-entry fragment map in place of the LRU, so that an update can fail
tests_bpf_test_frag_map_LDADD = $(TEST_LIBS)
tests_bpf_test_frag_map_LDFLAGS = -Wl,--wrap=bpf_object__load_skeleton
tests_bpf_test_forward_LDADD = $(TEST_LIBS)
tests_bpf_test_nexthop_LDADD = $(TEST_LIBS)
tests_bpf_test_captures_LDADD = $(TEST_LIBS) $(LIBPCAP_LIBS)
tests_bpf_test_captures_CFLAGS = $(AM_CFLAGS) $(LIBPCAP_CFLAGS)
tests_bpf_test_truncation_LDADD = $(TEST_LIBS)
tests_bpf_test_sample_LDADD = $(TEST_LIBS)
tests_bpf_test_verifier_log_LDADD = $(TEST_LIBS)

# a program the verifier must reject: built, never embedded
check_DATA = tests/bpf/rejected.bpf.o
tests/bpf/rejected.bpf.o: $(top_srcdir)/tests/bpf/rejected.bpf.c
	$(AM_V_GEN)$(MKDIR_P) tests/bpf && \
	$(BPF_COMPILE) $(top_srcdir)/tests/bpf/rejected.bpf.c -o $@
CLEANFILES += tests/bpf/rejected.bpf.o
EXTRA_DIST += tests/bpf/rejected.bpf.c
EXTRA_DIST += tests/data $(SCRIPT_TESTS) $(NETNS_TESTS) tests/netns/lib.sh tests/netns/memcheck.supp \
	tests/lib/tap.sh \
	$(SYSTEM_TESTS) tests/system/mkroot.sh tests/system/lib.sh

# the drop-and-count sink for the netns tests and benchmarks
check_PROGRAMS += tests/bench/xdpsink
tests_bench_xdpsink_SOURCES = tests/bench/xdpsink.c
nodist_tests_bench_xdpsink_SOURCES = tests/bench/xdpsink.skel.h
tests_bench_xdpsink_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/tests/bench
tests_bench_xdpsink_LDADD = $(LIBBPF_LIBS)
tests/bench/xdpsink.bpf.o: $(top_srcdir)/tests/bench/xdpsink.bpf.c
	$(AM_V_GEN)$(MKDIR_P) tests/bench && \
	$(BPF_COMPILE) $(top_srcdir)/tests/bench/xdpsink.bpf.c -o $@ && $(LLVM_STRIP) -g $@
tests/bench/xdpsink.skel.h: tests/bench/xdpsink.bpf.o
	$(AM_V_GEN)$(BPF_SKELETON) tests/bench/xdpsink.bpf.o name xdpsink > $@.tmp && mv $@.tmp $@
tests/bench/xdpsink-xdpsink.$(OBJEXT): tests/bench/xdpsink.skel.h
CLEANFILES += tests/bench/xdpsink.bpf.o tests/bench/xdpsink.skel.h
EXTRA_DIST += tests/bench/xdpsink.bpf.c

# make bench-prog: not part of make check
EXTRA_PROGRAMS += tests/bench/bench_prog
tests_bench_bench_prog_SOURCES = tests/bench/bench_prog.c
nodist_tests_bench_bench_prog_SOURCES = tests/bench/bench_restore.skel.h
tests_bench_bench_prog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/tests/bench \
	-I$(top_srcdir)/tests/bpf
tests_bench_bench_prog_LDADD = $(TEST_LIBS) -lm -lpthread

tests/bench/bench_restore.bpf.o: $(top_srcdir)/tests/bench/bench_restore.bpf.c
	$(AM_V_GEN)$(MKDIR_P) tests/bench && \
	$(BPF_COMPILE) $(top_srcdir)/tests/bench/bench_restore.bpf.c -o $@ && $(LLVM_STRIP) -g $@

tests/bench/bench_restore.skel.h: tests/bench/bench_restore.bpf.o
	$(AM_V_GEN)$(BPF_SKELETON) tests/bench/bench_restore.bpf.o name bench_restore > $@.tmp && \
	mv $@.tmp $@

tests/bench/bench_prog-bench_prog.$(OBJEXT): tests/bench/bench_restore.skel.h

bench-prog: tests/bench/bench_prog$(EXEEXT)
	./tests/bench/bench_prog$(EXEEXT)

# make bench-reload: installing a full NAT table, not part of make check
EXTRA_PROGRAMS += tests/bench/bench_reload
tests_bench_bench_reload_SOURCES = tests/bench/bench_reload.c
tests_bench_bench_reload_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/bpf
tests_bench_bench_reload_LDADD = $(TEST_LIBS)

bench-reload: tests/bench/bench_reload$(EXEEXT)
	./tests/bench/bench_reload$(EXEEXT)

# make bench: the pipeline on the testbed against the kernel and the ceiling
bench: all tests/bench/xdpsink$(EXEEXT) tests/netns/flowtool$(EXEEXT) tests/netns/svcman$(EXEEXT)
	VXP_BUILD_DIR='$(abs_top_builddir)' $(top_srcdir)/tests/bench/bench_pipeline.sh

# make mutate: each mutation of scripts/mutations.txt alone in a scratch
# copy of the tree, against the tests that must catch it; slow (an hour or
# more), so not part of make check or CI
mutate:
	$(top_srcdir)/scripts/mutate.sh

.PHONY: bench-prog bench-reload bench mutate
CLEANFILES += tests/bench/bench_prog$(EXEEXT) tests/bench/bench_reload$(EXEEXT) \
	tests/bench/bench_restore.bpf.o \
	tests/bench/bench_restore.skel.h
EXTRA_DIST += tests/bench/bench_restore.bpf.c tests/bpf/specs.h tests/bench/bench_pipeline.sh \
	tests/bench/bench_figures.sh
