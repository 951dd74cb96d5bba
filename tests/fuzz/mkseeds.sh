#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Seed corpora for the fuzz targets, made from what the tests make:
#   image:      the test guests (tests/data, tests/guests) as ELF, in a
#               bzImage with every compressor's payload, whole-file
#               compressed; the hostile images; Debian's kernel if installed
#   decompress: every compressor's output of the guests, the hostile
#               streams and ramdisks (two selector bytes first, fuzz/decompress.c)
#   config:     tests/fuzz/configs/*
#   build:      the guests and Debian's kernel behind a config header
#               (fuzz/build.c), with P->M placements and a ramdisk
# Usage: mkseeds.sh OUTDIR (top_srcdir and top_builddir in the environment).
# The compressors are the real tools; a missing one is an error.
set -eu
out=$1
: "${top_srcdir:?}" "${top_builddir:?}"
for t in gzip bzip2 xz lzop lz4 zstd perl as ld; do
    command -v $t >/dev/null 2>&1 ||
        { echo "mkseeds: $t is not installed (scripts/install-deps installs it)" >&2; exit 1; }
done
rm -rf "$out"
mkdir -p "$out/image" "$out/decompress" "$out/config" "$out/build"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# hdr MEM_BYTE MAXMEM VCPUS MAXVCPUS P2M VADDR RDLEN FLAGS CMDLEN: the
# 20-byte header of a build input (see tests/fuzz/build.c).
hdr() {
    perl -e 'print pack("CCCCCQ<vCvx2", map { /^0x/ ? hex : $_ } @ARGV)' "$@"
}

codec() { # tool -> its enum pvb_compression value
    case $1 in
    gzip) echo 1 ;; bzip2) echo 2 ;; lzma) echo 3 ;; xz) echo 4 ;;
    lzo) echo 5 ;; lz4) echo 6 ;; zstd) echo 7 ;;
    esac
}

compress() { # tool file -> stdout
    case $1 in
    gzip)  gzip -9 -n -c "$2" ;;
    bzip2) bzip2 -9 -c "$2" ;;
    xz)    xz --check=crc32 -c "$2" ;;
    lzma)  xz --format=lzma -c "$2" ;;
    lzo)   lzop -9 -c "$2" ;;
    lz4)   lz4 -l -9 -c "$2" ;;
    zstd)  zstd -19 -q -c "$2" ;;
    esac
}

sh "$top_srcdir/tests/data/mkguest.sh" "$tmp/g" >/dev/null
for g in "$top_builddir"/tests/guests/pvguest-*; do
    cp "$g" "$tmp/g/"
done
mkbz="$top_builddir/tests/image/mkbzimage"

for g in "$tmp"/g/*; do
    n=$(basename "$g")
    cp "$g" "$out/image/$n"
    for c in gzip bzip2 xz lzma lzo lz4 zstd; do
        compress $c "$g" > "$tmp/$n.$c"
        cp "$tmp/$n.$c" "$out/image/$n.$c"
        "$mkbz" "$tmp/$n.$c" "$out/image/$n.$c.bzimage"
        # Default limits, the codec's enum value (fuzz/decompress.c).
        { printf "\\000\\00$(codec $c)"; cat "$tmp/$n.$c"; } > "$out/decompress/$n.$c"
    done
    # A 4 KiB output cap; a gzip ramdisk kept; a wrong codec; sniffed.
    { printf '\003\001'; cat "$tmp/$n.gzip"; } > "$out/decompress/$n.gzip.cap4k"
    { printf '\020\001'; cat "$tmp/$n.gzip"; } > "$out/decompress/$n.gzip.kept"
    { printf '\000\004'; cat "$tmp/$n.gzip"; } > "$out/decompress/$n.gzip.as-xz"
    { printf '\000\011'; cat "$tmp/$n.zstd"; } > "$out/decompress/$n.zstd.sniffed"
    { printf '\000\011'; cat "$g"; } > "$out/decompress/$n.raw"
    # Build: 32 MiB, default placement; bzImage/xz with P->M inside.
    { hdr 31 0 1 0 0 0 0 0 0; cat "$g"; } > "$out/build/$n"
    { hdr 31 0 2 4 2 0 0 0 0; cat "$out/image/$n.xz.bzimage"; } > "$out/build/$n.xz.inside"
done
for g in "$tmp"/g/pvguest-init-p2m-*; do
    n=$(basename "$g")
    # At an address of its own, with a command line and a gzip ramdisk.
    cmd="console=hvc0 pvguest.p2m=0x10000000000"
    rd="$tmp/g/guest64.gzip"
    gzip -9 -n -c "$tmp/g/guest64" > "$rd"
    { hdr 63 0x90 2 8 1 0x10000000000 "$(wc -c < "$rd")" 0 ${#cmd};
      printf '%s' "$cmd"; cat "$g" "$rd"; } > "$out/build/$n.addr-rd"
done

# The hostile images, as tests/image/hostile makes them.
PVB_HOSTILE_DUMP="$tmp/h" sh -c 'mkdir -p "$PVB_HOSTILE_DUMP" &&
    exec "$1" >"$2" 2>&1' sh "$top_builddir/tests/image/hostile" "$tmp/hostile.log" ||
    { tail -n 20 "$tmp/hostile.log" >&2; echo "mkseeds: tests/image/hostile failed" >&2; exit 1; }
for f in "$tmp"/h/*; do
    n=$(basename "$f")
    case $n in
    mem-*|file-*) cp "$f" "$out/image/hostile-$n" ;;
    ramdisk-*|decompress-*) { printf '\000\011'; cat "$f"; } > "$out/decompress/hostile-$n" ;;
    esac
done

cp "$top_srcdir"/tests/fuzz/configs/* "$out/config/"

# Debian's kernel, the newest installed (never a pinned name): 128 MiB.
k=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
if [ -n "$k" ] && [ -r "$k" ]; then
    cp "$k" "$out/image/debian-$(basename "$k")"
    { hdr 0xc0 0 1 0 0 0 0 0 0; cat "$k"; } > "$out/build/debian-$(basename "$k")"
fi

for t in image decompress config build; do
    echo "seeds: $t: $(ls "$out/$t" | wc -l) files"
done
