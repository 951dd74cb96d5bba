#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The decompressed-kernel cache: the library (tests/image/cache.c) on our
# test guest compressed three ways and on Debian's kernel, gunzipped
# ramdisks (tests/image/rdcache.c), then the CLI's --cache-dir, --no-cache
# and --timings on the simulated host.
. "$top_srcdir/tests/lib.sh"
need gzip xz zstd as ld jq cpio
tmp=$(mktemp -d); trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
mkbz="$top_builddir/tests/image/mkbzimage"

sh "$top_srcdir/tests/data/mkguest.sh" "$tmp" >/dev/null 2>&1
ok_if "test guest built with as/ld" test -s "$tmp/guest64"
xz --check=crc32 -c "$tmp/guest64" >"$tmp/g.xz" && "$mkbz" "$tmp/g.xz" "$tmp/g-xz.bz"
gzip -9 -n -c "$tmp/guest64" >"$tmp/g.gz" && "$mkbz" "$tmp/g.gz" "$tmp/g-gz.bz"
zstd -19 -q -c "$tmp/guest64" >"$tmp/g.zst"
kernel=$(debian_kernel)
[ -n "$kernel" ] || echo "# no Debian kernel here (scripts/find-kernel): the test guests only"

# embed NAME MIN CMD...: CMD's TAP, renumbered after this script's own
# and prefixed with NAME, then one check that CMD exited 0 after at least
# MIN checks.
embed() {
	_name=$1 _min=$2; shift 2
	"$@" >"$tmp/$_name.tap" 2>&1
	_rc=$?
	awk -v n="$tap_n" -v p="$_name" '
	    /^(not )?ok [0-9]+ - / { sub(/ok [0-9]+ - /, "ok " ++n " - " p ": "); print; next }
	    /^1\.\./ { next }
	    /^#/ { print; next }
	    { print "# " $0 }' "$tmp/$_name.tap"
	_n=$(grep -c -E '^(not )?ok ' "$tmp/$_name.tap")
	_bad=$(grep -c '^not ok ' "$tmp/$_name.tap")
	tap_n=$((tap_n + _n)); tap_fail=$((tap_fail + _bad))
	ok_if "$_name: exit 0 after $_n checks" test "$_rc" -eq 0 -a "$_n" -ge "$_min"
}
embed lib 21 "$top_builddir/tests/image/cache" "$tmp" "$tmp/g-xz.bz" "$tmp/g-gz.bz" "$tmp/g.zst" $kernel

# Gunzipped ramdisks (tests/image/rdcache.c): a cpio archive of our own
# sources as gzip writes it, and the test guest's gzip file.
(cd "$top_srcdir" && find lib include -name '*.[ch]' | LC_ALL=C sort | cpio -o -H newc --quiet) |
	gzip -9 -n >"$tmp/rd.cpio.gz"
embed ramdisk 18 "$top_builddir/tests/image/rdcache" "$tmp/rdcache" "$tmp/rd.cpio.gz" "$tmp/g.gz"

# The CLI: first create decodes and writes, the second reads the entry.
k=${kernel:-$tmp/g-xz.bz}
c=$tmp/cli-cache
"$PVBUILD" create --host=sim --kernel="$k" --cache-dir="$c" --json --timings >"$tmp/1.json" 2>"$tmp/1.err"
is "$?" 0 "create --cache-dir: the first create succeeds"
is "$(jq -r '.timings | has("decompress")' "$tmp/1.json")" true "create --timings --json: the first create decoded the kernel"
is "$(ls "$c" | grep -c '\.elf$')" 1 "create --cache-dir: one entry written"
"$PVBUILD" create --host=sim --kernel="$k" --cache-dir="$c" --timings -q >"$tmp/2.out" 2>"$tmp/2.err"
is "$?" 0 "create --cache-dir: the second create succeeds"
like "$(cat "$tmp/2.err")" "pvbuild: timings (seconds)" "create --timings: the table on stderr"
ok_if "create --timings: the second create read the cache and decoded nothing" \
    sh -c "grep -q '^  cache ' '$tmp/2.err' && ! grep -q '^  decompress ' '$tmp/2.err'"
for p in read cache elf domain-create populate load tables boot verify total; do
    ok_if "create --timings: a '$p' row" grep -q "^  $p  *[0-9][0-9.]*\$" "$tmp/2.err"
done
sed -n 's/^/#   /p' "$tmp/2.err"
is "$(cat "$tmp/2.out")" "" "create -q --timings: nothing on stdout"

PVBUILD_CACHE_DIR=$tmp/env-cache "$PVBUILD" create --host=sim --kernel="$tmp/g-xz.bz" -q
is "$(ls "$tmp/env-cache" 2>/dev/null | grep -c '\.elf$')" 1 "PVBUILD_CACHE_DIR: the entry goes there"
PVBUILD_CACHE_DIR=$tmp/env-cache2 "$PVBUILD" create --host=sim --kernel="$tmp/g-xz.bz" --no-cache -q
ok_if "--no-cache: no directory, no entry" test ! -e "$tmp/env-cache2"

# A gzip ramdisk: gunzipped and kept by the first create, read back by the next.
c=$tmp/rd-cache
"$PVBUILD" create --host=sim --kernel="$k" --ramdisk="$tmp/rd.cpio.gz" --cache-dir="$c" -q
is "$?" 0 "create --ramdisk with a gzip ramdisk: succeeds"
is "$(ls "$c" | grep -c '\.rd$')" 1 "... one ramdisk entry written beside the kernel's"
"$PVBUILD" create --host=sim --kernel="$k" --ramdisk="$tmp/rd.cpio.gz" --cache-dir="$c" -v \
	>"$tmp/rd2.out" 2>"$tmp/rd2.err"
is "$?" 0 "create --ramdisk again: succeeds"
like "$(cat "$tmp/rd2.err")" "the gunzipped ramdisk, read back" "... reading the ramdisk back (-v says so)"
"$PVBUILD" create --host=sim --kernel="$k" --ramdisk="$tmp/rd.cpio.gz" --cache-dir="$c" \
	--ramdisk-compressed -v >/dev/null 2>"$tmp/rd3.err"
ok_if "--ramdisk-compressed: the ramdisk is neither gunzipped nor read back" \
	sh -c "! grep -q 'gunzipped ramdisk\|unpacked to' '$tmp/rd3.err'"

: >"$tmp/afile"
"$PVBUILD" create --host=sim --kernel="$tmp/g-xz.bz" --cache-dir="$tmp/afile/sub" >/dev/null 2>"$tmp/3.err"
is "$?" 0 "create with a cache directory that cannot be made: still builds"
like "$(cat "$tmp/3.err")" "pvbuild: warning: cache: $tmp/afile/sub" "... and warns, naming it"
is "$(grep -c 'warning: cache' "$tmp/3.err")" 1 "... once"
done_testing
