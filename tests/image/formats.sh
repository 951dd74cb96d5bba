#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every container and compressor a PV builder meets, made by the real tools:
# test guests (ELF64 and ELF32, built with as/ld) compressed with gzip,
# bzip2, xz, lzma, lzop, lz4 -l and zstd, wrapped in a bzImage header or
# left as a whole compressed file, must load to the same segments and notes
# as the plain ELF.  Broken bzImage headers fail with the field named.
. "$top_srcdir/tests/lib.sh"
need jq gzip bzip2 xz lzop lz4 zstd as ld
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkbz="$top_builddir/tests/image/mkbzimage"

sh "$top_srcdir/tests/data/mkguest.sh" "$tmp" >/dev/null 2>&1
ok_if "test guests built with as/ld" test -s "$tmp/guest64" -a -s "$tmp/guest32"

# The facts that must not depend on the container.
facts='{elf_class, elf_machine, entry, virt_base, paddr_offset, virt_kstart, virt_kend,
        init_p2m, hypercall_page, mod_start_pfn, hv_start_low, features,
        supported_features, notes, segments, decompressed_size}'

compress() { # name file -> file.name
    case $1 in
    gzip)  gzip -9 -n -c "$2" ;;
    bzip2) bzip2 -9 -c "$2" ;;
    xz)    xz --check=crc32 -c "$2" ;;        # as Linux's bzImage does
    lzma)  xz --format=lzma -c "$2" ;;
    lzo)   lzop -9 -c "$2" ;;
    lz4)   lz4 -l -9 -c "$2" ;;
    zstd)  zstd -19 -q -c "$2" ;;
    esac > "$2.$1"
}

for g in guest64 guest32; do
    "$PVBUILD" inspect --json "$tmp/$g" > "$tmp/$g.json"
    is "$(jq -r .format "$tmp/$g.json")" elf "$g: plain ELF loads"
    jq -S "$facts" "$tmp/$g.json" > "$tmp/$g.facts"
    for c in gzip bzip2 xz lzma lzo lz4 zstd; do
        compress $c "$tmp/$g"
        "$mkbz" "$tmp/$g.$c" "$tmp/$g.$c.bz"
        "$PVBUILD" inspect --json "$tmp/$g.$c.bz" > "$tmp/j" 2>"$tmp/err"
        is "$(jq -r '.format + " " + .compression' "$tmp/j")" "bzimage $c" "$g: bzImage with a $c payload"
        jq -S "$facts" "$tmp/j" > "$tmp/f"
        ok_if "$g: bzImage/$c loads to the same segments and notes" cmp -s "$tmp/f" "$tmp/$g.facts"
        is "$(jq -r .compressed_size "$tmp/j")" "$(wc -c < "$tmp/$g.$c" | tr -d ' ')" \
           "$g: bzImage/$c compressed size is the payload's"
    done
    # libxenguest also takes a whole-file gzip kernel; so do we, and the rest.
    for c in gzip xz zstd; do
        "$PVBUILD" inspect --json "$tmp/$g.$c" > "$tmp/j"
        is "$(jq -r '.format + " " + .compression' "$tmp/j")" "compressed-elf $c" "$g: whole-file $c"
        jq -S "$facts" "$tmp/j" > "$tmp/f"
        ok_if "$g: whole-file $c loads to the same segments and notes" cmp -s "$tmp/f" "$tmp/$g.facts"
    done
done

# bzImage header fields out of range, each named in the error.
g="$tmp/guest64.gzip"
fails_with() { # description, expected substring, mkbzimage args...
    d=$1 want=$2; shift 2
    "$mkbz" "$@" "$g" "$tmp/bad" && "$PVBUILD" inspect "$tmp/bad" 2>"$tmp/err" >/dev/null
    rc=$?
    is "$rc" 1 "$d: refused"
    like "$(cat "$tmp/err")" "$want" "$d: error names it"
    is "$(wc -l < "$tmp/err" | tr -d ' ')" 1 "$d: one line"
}
fails_with "boot protocol 2.07" "version 2.07 is older than the required 2.08" -v 0x0207
fails_with "payload_length past EOF" "payload_length 0x" -l 0x7fffffff
fails_with "payload_offset past EOF" "payload_offset 0x" -o 0x7fff0000
"$mkbz" "$g" "$tmp/bad"
printf '\377' | dd of="$tmp/bad" bs=1 seek=$((0x1f1)) conv=notrunc 2>/dev/null
"$PVBUILD" inspect "$tmp/bad" 2>"$tmp/err" >/dev/null
is "$?" 1 "setup_sects 255 past EOF: refused"
like "$(cat "$tmp/err")" "setup_sects 255" "setup_sects past EOF: error names it"
head -c 600 "$tmp/bad" > "$tmp/short"
"$PVBUILD" inspect "$tmp/short" 2>"$tmp/err" >/dev/null
like "$(cat "$tmp/err")" "bzImage" "a bzImage cut inside its setup code: refused"

# A gzip ramdisk is unpacked (as Xen 4.17 does) unless asked not to; that
# is checked through create, which reports the ramdisk's pages.
done_testing
