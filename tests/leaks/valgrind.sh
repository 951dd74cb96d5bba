#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pvbuild create --host=sim under valgrind: good configs and bad ones
# (a libxlutil parse error, a NUL byte, an over-long line, a FIFO, a
# ramdisk too big, a kernel requiring an unknown feature) must show zero
# memory errors and zero bytes lost, libxlutil's own known parse-error leak
# aside (tests/leaks/libxlutil.supp says which and why).  Each run must
# still fail or succeed as it does without valgrind.
. "$top_srcdir/tests/lib.sh"
need valgrind gzip xz as ld
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sh "$top_srcdir/tests/data/mkguest.sh" "$tmp" >/dev/null 2>&1
ok_if "test guests built with as/ld" test -s "$tmp/guest64" -a -s "$tmp/badnotes64"
supp="$top_srcdir/tests/leaks/libxlutil.supp"

# vg NAME WANT_STATUS ARGS...: 99 from valgrind means an error or a leak.
vg() {
    name=$1 want=$2; shift 2
    "$top_builddir/libtool" --mode=execute valgrind -q --leak-check=full \
        --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible \
        --error-exitcode=99 --suppressions="$supp" \
        --log-file="$tmp/$name.vg" "$PVBUILD" create --host=sim "$@" \
        >"$tmp/$name.out" 2>"$tmp/$name.err"
    st=$?
    is "$st" "$want" "$name: exit $want under valgrind"
    is "$(cat "$tmp/$name.vg")" "" "$name: valgrind reports nothing"
    [ -s "$tmp/$name.vg" ] && sed 's/^/#   /' "$tmp/$name.vg" | head -40
    return 0
}

gzip -9 -n -c "$tmp/guest64" > "$tmp/guest64.gz"
xz --check=crc32 -c "$tmp/guest64" > "$tmp/guest64.xz"
head -c 300000 /dev/urandom > "$tmp/initrd"
gzip -9 -n -c "$tmp/initrd" > "$tmp/initrd.gz"
cat > "$tmp/good.cfg" <<CFG
name = "vg"
kernel = "guest64.gz"
ramdisk = "initrd.gz"
memory = 64
vcpus = 2
extra = "console=hvc0"
on_crash = "destroy"
CFG
vg good 0 "$tmp/good.cfg" memory=96
vg xz 0 --kernel="$tmp/guest64.xz" --ramdisk="$tmp/initrd" --memory=64 --json

printf 'a=[1,5\n%%%%\n' > "$tmp/parse.cfg"
vg parse-error 1 "$tmp/parse.cfg"
like "$(cat "$tmp/parse-error.err")" "parse.cfg:2: config parsing error" "parse-error: says where"
# The suppression is needed, so the leak is libxlutil's and still there.
"$top_builddir/libtool" --mode=execute valgrind -q --leak-check=full \
    --errors-for-leak-kinds=definite --error-exitcode=99 "$PVBUILD" create \
    --host=sim "$tmp/parse.cfg" >/dev/null 2>"$tmp/raw.vg"
like "$(cat "$tmp/raw.vg")" "xlu__cfg_string_mk" \
    "without the suppression valgrind sees libxlutil's parse-error leak"

printf 'name = "x"\nkernel = "a\000b"\n' > "$tmp/nul.cfg"
vg nul 1 "$tmp/nul.cfg"
like "$(cat "$tmp/nul.err")" "nul.cfg:2: a NUL byte at column 12" "nul: file and line named"
{ printf 'extra = "'; head -c 20000 /dev/zero | tr '\0' x; printf '"\n'; } > "$tmp/long.cfg"
vg long-line 1 "$tmp/long.cfg"
mkfifo "$tmp/fifo"
vg fifo 1 --kernel="$tmp/guest64" --ramdisk="$tmp/fifo"
truncate -s 900M "$tmp/big"
vg big-ramdisk 1 --kernel="$tmp/guest64" --ramdisk="$tmp/big" --memory=256
like "$(cat "$tmp/big-ramdisk.err")" "does not fit in the guest's memory of 256 MiB" \
    "big-ramdisk: refused by size"
vg feature 1 --kernel="$tmp/badnotes64" --memory=64
like "$(cat "$tmp/feature.err")" 'FEATURES requires "also_unknown"' "feature: named"
done_testing
