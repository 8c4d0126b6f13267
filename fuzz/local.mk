# SPDX-License-Identifier: GPL-2.0-only
# make fuzz: libFuzzer harnesses for the data plane and the configuration
# parser, and the short pass make check runs.
