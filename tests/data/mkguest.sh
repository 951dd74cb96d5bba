#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the ELF reader's test guests into OUTDIR from tests/data/guest/
# with the C preprocessor, as and ld (binutils; no multilib needed for the
# i386 ones).  Usage: mkguest.sh OUTDIR
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
out=$1
src=$(cd "$(dirname "$0")/guest" && pwd)
cpp="${CC:-cc} -E -P -x assembler-with-cpp -I$src"
mkdir -p "$out"

# build NAME BITS SOURCE LDSCRIPT [-DVARIANT...]
build() {
	name=$1 bits=$2 asm=$3 lds=$4
	shift 4
	$cpp "$@" "$src/$asm" >"$out/$name.s"
	$cpp "$@" "$src/$lds" >"$out/$name.lds"
	if [ "$bits" = 64 ]; then
		as --64 -o "$out/$name.o" "$out/$name.s"
		emul=elf_x86_64
	else
		as --32 -o "$out/$name.o" "$out/$name.s"
		emul=elf_i386
	fi
	ld -m "$emul" -static --build-id=none -z noexecstack \
		-z max-page-size=0x1000 -T "$out/$name.lds" \
		-o "$out/$name" "$out/$name.o"
	rm -f "$out/$name.s" "$out/$name.lds" "$out/$name.o"
}

build guest64 64 kernel64.S kernel64.lds.S
build guest64-hcall 64 kernel64.S kernel64.lds.S -DWITH_HYPERCALL_PAGE -DNO_PT_NOTE
build badnotes64 64 kernel64.S kernel64.lds.S -DBAD_NOTES
build manynotes64 64 kernel64.S kernel64.lds.S -DMANY_NOTES
build legacy64 64 kernel64.S kernel64.lds.S -DLEGACY
build guest32 32 kernel32.S kernel32.lds.S
build legacy32 32 kernel32.S kernel32.lds.S -DLEGACY
