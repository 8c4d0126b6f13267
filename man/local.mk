# SPDX-License-Identifier: GPL-2.0-only
# The man pages, and the test that holds them to the binaries' --help.
dist_man_MANS = man/vxlan-pipelined.8 man/vxlan-pipeline.8 man/vxlan-trafficgen.1 \
	man/vxlan-pipeline.conf.5
TESTS += man/test_man.sh
EXTRA_DIST += man/test_man.sh
