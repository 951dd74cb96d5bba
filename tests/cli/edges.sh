#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pvbuild create at the edges of its input: a FIFO, socket or device as
# kernel, ramdisk or config fails at once (under `timeout`, so a regression
# fails instead of hanging the suite); a ramdisk too large for the guest is
# refused before it is read (strace counts the bytes read from it); a guest
# larger than the simulated machine is refused when it is created.
. "$top_srcdir/tests/lib.sh"
need timeout as ld
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sh "$top_srcdir/tests/data/mkguest.sh" "$tmp" >/dev/null 2>&1
ok_if "test guest built with as/ld" test -s "$tmp/guest64"
k="$tmp/guest64"
mkfifo "$tmp/fifo"
printf 'kernel = "%s"\n' "$k" > "$tmp/ok.cfg"

# run NAME ARGS...: pvbuild create --host=sim, at most 60 s.
run() {
    name=$1; shift
    timeout 60 "$PVBUILD" create --host=sim "$@" >/dev/null 2>"$tmp/$name.err"
    echo $?
}
is "$(run fk --kernel="$tmp/fifo")" 1 "a FIFO as kernel fails at once"
like "$(cat "$tmp/fk.err")" "$tmp/fifo: not a regular file (a FIFO)" "naming it"
is "$(run fr --kernel="$k" --ramdisk="$tmp/fifo")" 1 "a FIFO as ramdisk fails at once"
like "$(cat "$tmp/fr.err")" "$tmp/fifo: not a regular file (a FIFO)" "naming it"
is "$(run fc "$tmp/fifo")" 1 "a FIFO as config fails at once"
like "$(cat "$tmp/fc.err")" "$tmp/fifo: not a regular file (a FIFO)" "naming it"
is "$(run dz --kernel=/dev/zero)" 1 "/dev/zero as kernel fails"
like "$(cat "$tmp/dz.err")" "/dev/zero: not a regular file (a character device)" "naming it"
is "$(run dr --kernel="$k" --ramdisk=/dev/urandom)" 1 "/dev/urandom as ramdisk fails"
is "$(run dd --kernel="$tmp")" 1 "a directory as kernel fails"
like "$(cat "$tmp/dd.err")" "not a regular file (a directory)" "naming it"

truncate -s 900M "$tmp/big"
is "$(run big --kernel="$k" --ramdisk="$tmp/big" --memory=256)" 1 \
   "a 900 MiB ramdisk with --memory=256 fails"
like "$(cat "$tmp/big.err")" \
   "$tmp/big: ramdisk of 0x38400000 bytes (900 MiB) does not fit in the guest's memory of 256 MiB" \
   "naming the file, its size and the memory"
if command -v strace >/dev/null 2>&1; then
    # -y shows each fd's path: sum what read() returned on the big file.
    strace -f -y -e trace=read,pread64 -o "$tmp/trace" "$PVBUILD" create --host=sim \
        --kernel="$k" --ramdisk="$tmp/big" --memory=256 >/dev/null 2>&1
    got=$(grep "$tmp/big>" "$tmp/trace" | sed -n 's/.*= \([0-9][0-9]*\)$/\1/p' |
          awk '{s += $1} END {print s + 0}')
    ok_if "and reads at most 64 bytes of it ($got)" test "$got" -le 64
else
    echo "# strace not installed: tests/build/files checks the bytes read instead"
fi

is "$(run huge --kernel="$k" --memory=$((17 << 20)))" 1 \
   "a 17 TiB guest on the 16 TiB simulated machine fails"
like "$(cat "$tmp/huge.err")" "cannot hold the guest's 0x110000000 pages (17825792 MiB): free 0xfffffdff pages (16777213 MiB)" \
   "at the claim, naming the guest and the free memory"
n63=$(printf 'n%062d' 0)
is "$(run n64 --kernel="$k" --name="${n63}x")" 1 "a 64-byte --name fails"
like "$(cat "$tmp/n64.err")" 'config: name "n00000000000000000000000..." is 64 bytes, above the limit of 63' \
   "naming the field, its length and the limit"
is "$(run n64c "$tmp/ok.cfg" name="${n63}x")" 1 "a 64-byte name= override fails"
like "$(cat "$tmp/n64c.err")" "$tmp/ok.cfg: config: name \"n0" "naming the config file"
is "$(run n63 --kernel="$k" --name="$n63")" 0 "a 63-byte name builds"
is "$(run okc "$tmp/ok.cfg" memory=64)" 0 "and a plain config still builds"
done_testing
