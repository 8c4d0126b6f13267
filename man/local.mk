# SPDX-License-Identifier: GPL-2.0-only
# The man pages, and the test that holds them to the binaries' --help.
