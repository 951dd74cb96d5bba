#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Extract the ELF from a Debian x86 bzImage with standard tools only, so the
# tests get it independently of pvbuild's own bzImage and xz code.
# The setup header gives: setup_sects (byte at 0x1f1), payload_offset (u32
# at 0x248) and payload_length (u32 at 0x24c); the payload starts at
# (setup_sects + 1) * 512 + payload_offset and is compressed (xz on Debian).
# Usage: elf-vmlinux.sh BZIMAGE OUT
set -eu
in=$1 out=$2

u8()  { od -An -tu1 -j "$1" -N1 "$in" | tr -d ' \n'; }
u32() { od -An -tu4 -j "$1" -N4 "$in" | tr -d ' \n'; }

setup_sects=$(u8 $((0x1f1)))
[ "$setup_sects" -ne 0 ] || setup_sects=4	# 0 means 4 (boot protocol)
payload_offset=$(u32 $((0x248)))
payload_length=$(u32 $((0x24c)))
start=$(( (setup_sects + 1) * 512 + payload_offset ))

tail -c +$((start + 1)) "$in" | head -c "$payload_length" >"$out.payload"
# Linux appends the decompressed size after the stream (4 bytes).
case $(od -An -tx1 -N6 "$out.payload" | tr -d ' \n') in
fd377a585a00)
	xz -dc --single-stream <"$out.payload" >"$out" ;;
1f8b*)
	# gzip warns about the trailing size (exit status 2); 1 is an error.
	rc=0; gzip -dc <"$out.payload" >"$out" 2>/dev/null || rc=$?
	[ $rc -ne 1 ] ;;
*)
	echo "$in: payload format not known to this script" >&2; exit 1 ;;
esac
rm -f "$out.payload"
[ "$(od -An -c -N4 "$out" | tr -d ' ')" = '177ELF' ]
