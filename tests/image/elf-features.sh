#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# List the XENFEAT_* bits of Xen's public features.h as "NAME BIT" lines,
# read from the header the compiler finds (the commented-out ones included:
# the header keeps deprecated bits inside comments).
set -eu
hdr=$(printf '#include <xen/features.h>\n' | ${CC:-cc} -E -x c - |
	sed -n 's/^# [0-9]* "\(.*xen\/features\.h\)".*/\1/p' | head -n 1)
[ -r "$hdr" ] || { echo "xen/features.h not found" >&2; exit 1; }
sed -n 's/^#define XENFEAT_\([A-Za-z0-9_]*\)[ 	]*\([0-9][0-9]*\)[ 	]*$/\1 \2/p' "$hdr" |
	grep -v '^NR_SUBMAPS '
