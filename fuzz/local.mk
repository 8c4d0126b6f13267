# SPDX-License-Identifier: GPL-2.0-only
# make fuzz: libFuzzer harnesses for the data plane, the configuration
# parser and the CLI's reading of the daemon's replies, and the short pass
# make check runs.
#
# The harnesses build only in a tree of their own configured with CC=clang
# and sanitizers (scripts/fuzz.sh makes one, build-fuzz/): here they are
# EXTRA_PROGRAMS, never built by make or make check.
FUZZ_LINK = -fsanitize=fuzzer
FUZZ_SECONDS = 60
FUZZ_PROGS = fuzz/fuzz_datapath$(EXEEXT) fuzz/fuzz_conf$(EXEEXT) fuzz/fuzz_cli$(EXEEXT) \
	fuzz/mkseeds$(EXEEXT)
EXTRA_PROGRAMS += fuzz/fuzz_datapath fuzz/fuzz_conf fuzz/fuzz_cli fuzz/mkseeds

fuzz_fuzz_datapath_SOURCES = fuzz/fuzz_datapath.c fuzz/fuzz_model.c fuzz/fuzz_model.h \
	fuzz/fuzz_output.c fuzz/fuzz_util.c fuzz/fuzz.h
fuzz_fuzz_datapath_LDADD = $(TEST_LIBS)
fuzz_fuzz_datapath_LDFLAGS = $(FUZZ_LINK)

fuzz_fuzz_conf_SOURCES = fuzz/fuzz_conf.c fuzz/fuzz_util.c fuzz/fuzz.h
fuzz_fuzz_conf_LDADD = $(TEST_LIBS)
fuzz_fuzz_conf_LDFLAGS = $(FUZZ_LINK)

fuzz_fuzz_cli_SOURCES = fuzz/fuzz_cli.c
fuzz_fuzz_cli_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
fuzz_fuzz_cli_LDADD = $(CLI_LIBS)
fuzz_fuzz_cli_LDFLAGS = $(FUZZ_LINK)

fuzz_mkseeds_SOURCES = fuzz/mkseeds.c fuzz/fuzz.h
fuzz_mkseeds_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/bpf
fuzz_mkseeds_CFLAGS = $(AM_CFLAGS) $(LIBPCAP_CFLAGS)
fuzz_mkseeds_LDADD = $(TEST_LIBS) $(LIBPCAP_LIBS)

# what scripts/fuzz.sh builds in the fuzzing tree
fuzz-programs: $(BUILT_SOURCES)
	$(MAKE) $(AM_MAKEFLAGS) $(FUZZ_PROGS)

# FUZZ_SECONDS per harness; the fuzzing tree is build-fuzz/ under this one
fuzz:
	VXP_FUZZ_BUILD='$(abs_top_builddir)/build-fuzz' \
		$(SHELL) $(top_srcdir)/scripts/fuzz.sh $(FUZZ_SECONDS)

.PHONY: fuzz fuzz-programs
TESTS += fuzz/test_fuzz.sh
EXTRA_DIST += fuzz/test_fuzz.sh fuzz/README.md fuzz/datapath.dict fuzz/conf.dict fuzz/cli.dict \
	fuzz/cli-seeds fuzz/regress \
	scripts/fuzz.sh
