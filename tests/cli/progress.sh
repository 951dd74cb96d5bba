#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pvbuild create's progress line: on a terminal (script(1) gives the
# command a pty) for a build that takes more than a second, never in a
# pipe, with -q or with --json, never for a build that is over at once.
. "$top_srcdir/tests/lib.sh"
need script jq
kernel=$(debian_kernel)
if [ -z "$kernel" ]; then
    echo "1..0 # SKIP no Debian kernel (scripts/find-kernel --fetch)"; exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
secs() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# tty NAME ARGS...: pvbuild create on a pty; the terminal's bytes in NAME.tty
tty() {
    name=$1; shift
    script -qec "'$PVBUILD' create --host=sim --kernel='$kernel' $* >'$tmp/$name.stdout'; echo rc=\$? >'$tmp/$name.rc'" \
        /dev/null >"$tmp/$name.tty" 2>&1 </dev/null
    cat "$tmp/$name.rc"
}

# The guest is sized from this machine's speed, not fixed: the line shows
# only once the build has taken a second, and a 256 GiB build takes 0.8 s
# on an idle machine and 5 s on a loaded one.  So the guest doubles from
# 256 GiB until a build on the terminal draws the line, up to 4 TiB (tens
# of seconds anywhere: a line never drawn there is a failure).
"$PVBUILD" create --host=sim --kernel="$kernel" --memory=$((256 << 10)) \
    2>"$tmp/pipe.err" | cat >/dev/null
if grep -q 'pvbuild: memory:' "$tmp/pipe.err"; then bad=yes; else bad=no; fi
is "$bad" no "stderr in a file, stdout in a pipe: no progress line"

mult=1 tries=""
while :; do
    big=$((mult * (256 << 10))) pages=$((mult * (256 << 18)))
    t=$(date +%s.%N)
    rc=$(tty big --memory=$big)
    took=$(secs "$t")
    tries="$tries $((big >> 10)) GiB in $took s;"
    if [ "$rc" != rc=0 ] || grep -q 'pvbuild: memory:' "$tmp/big.tty" || [ $mult -ge 16 ]; then
        break
    fi
    mult=$((mult * 2))
done
is "$rc" rc=0 "a $((big >> 10)) GiB guest builds on a terminal (tried:$tries)"
like "$(tr '\r' '\n' <"$tmp/big.tty")" "pvbuild: memory: $pages/$pages pages (100%)" \
    "the progress line ends at $pages of $pages pages (the build took $took s)"
like "$(tr '\r' '\n' <"$tmp/big.tty" | grep 'pvbuild: memory:' | tail -n 1)" " pages/s, " \
    "... with the rate"
is "$(grep -c 'pvbuild: memory:' "$tmp/big.tty")" 1 \
    "... on one line, rewritten in place ($(tr '\r' '\n' <"$tmp/big.tty" | grep -c 'pvbuild: memory:') draws)"
if grep -q 'pvbuild: memory:' "$tmp/big.stdout"; then bad=yes; else bad=no; fi
is "$bad" no "... on stderr only: stdout has the layout report alone"


is "$(tty quiet -q --memory=$big)" rc=0 "-q on a terminal builds"
if grep -q 'pvbuild: memory:' "$tmp/quiet.tty"; then bad=yes; else bad=no; fi
is "$bad" no "... with no progress line"

is "$(tty json --json --memory=$big)" rc=0 "--json on a terminal builds"
if grep -q 'pvbuild: memory:' "$tmp/json.tty"; then bad=yes; else bad=no; fi
is "$bad" no "... with no progress line"
is "$(jq -r .start_info.nr_pages <"$tmp/json.stdout")" "$(printf '0x%x' $pages)" \
    "... and its JSON intact"

is "$(tty small --memory=256)" rc=0 "a 256 MiB guest on a terminal builds"
if grep -q 'pvbuild: memory:' "$tmp/small.tty"; then bad=yes; else bad=no; fi
is "$bad" no "... and is over before a progress line would show"
done_testing
