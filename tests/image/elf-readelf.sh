#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What binutils' readelf sees in an ELF file, one fact a line, for
# tests/image/elf.c to compare with the ELF reader's results:
#   entry ADDR                                  (e_entry)
#   load OFFSET VADDR PADDR FILESZ MEMSZ FLAGS  (each PT_LOAD, flags PF_*)
#   pt_note COUNT                               (number of PT_NOTE headers)
#   note OWNER TYPE DESCSZ [HEXBYTE...]         (each note readelf -n shows)
#   sym NAME VALUE                              (with --syms)
#   guest_string TEXT                           (the __xen_guest section)
# Usage: elf-readelf.sh FILE [--syms]
set -eu
f=$1
export LC_ALL=C

readelf -hW "$f" | awk '/^ *Entry point address:/ { print "entry", $4 }'

readelf -lW "$f" | awk '
	$1 == "LOAD" {
		fl = 0
		for (i = 7; i < NF; i++) {
			if ($i ~ /R/) fl += 4
			if ($i ~ /W/) fl += 2
			if ($i ~ /E/) fl += 1
		}
		printf "load %s %s %s %s %s %d\n", $2, $3, $4, $5, $6, fl
	}
	$1 == "NOTE" { notes++ }
	END { print "pt_note", notes + 0 }'

# readelf names a few generic note types; the rest it prints as
# "Unknown note type: (0x...)".  Anything else is reported as type "?".
readelf -nW "$f" | awk -F '\t' '
	function flush() {
		if (owner != "") print "note", owner, type, size hex
		owner = ""
	}
	/^  [^ ]/ && NF >= 2 && $1 !~ /^  Owner / {
		flush()
		split($1, a, " ")
		owner = a[1]; size = a[2]; hex = ""
		if (NF >= 3 && $3 ~ /description data:/) {
			h = $3; sub(/^.*description data:/, "", h); hex = " " h
		}
		t = $2
		if (t ~ /^Unknown note type: \(0x[0-9a-f]+\)/) {
			sub(/^Unknown note type: \(/, "", t); sub(/\).*/, "", t); type = t
		} else if (t ~ /^NT_VERSION/) type = "0x1"
		else if (t ~ /^NT_ARCH/) type = "0x2"
		else if (t == "GO BUILDID") type = "0x4"
		else if (t == "OPEN") type = "0x100"
		else if (t == "func") type = "0x101"
		else type = "?"
		next
	}
	/^ +description data:/ {
		sub(/^ +description data:/, "")
		hex = hex " " $0
		next
	}
	END { flush() }' | sed 's/  */ /g; s/ $//'

if [ "${2:-}" = --syms ]; then
	readelf -sW "$f" | awk '$1 ~ /^[0-9]+:$/ && NF >= 8 { print "sym", $8, "0x" $2 }'
fi

if readelf -SW "$f" | grep -q ' __xen_guest '; then
	readelf -p __xen_guest "$f" |
		sed -n 's/^  \[ *0\]  /guest_string /p'
fi
