#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Generate ./configure from a git checkout.
set -e
cd "$(dirname "$0")"
mkdir -p build-aux m4
autoreconf -fi
# automake does not install its TAP driver by itself.
cp -f "$(automake --print-libdir)/tap-driver.sh" build-aux/
