#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Generates ./configure and the Makefile templates from a git checkout.
set -e
cd "$(dirname "$0")"
autoreconf --force --install --warnings=all
