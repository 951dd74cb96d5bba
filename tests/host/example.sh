#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# examples/mini-toolstack on the simulated host: it makes its own domain,
# calls only pvb_build and pvb_verify, and says so in one line.
. "$top_srcdir/tests/lib.sh"
MTS=$top_builddir/examples/mini-toolstack
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$MTS" 2>"$tmp/err"; rc=$?
is "$rc" 2 "no kernel: a usage error"
like "$(cat "$tmp/err")" "usage: mini-toolstack" "with the usage line"
"$MTS" "$tmp/missing" >"$tmp/out" 2>"$tmp/err"; rc=$?
is "$rc" 1 "a missing kernel fails"
like "$(cat "$tmp/err")" "$tmp/missing: cannot open" "naming the file"

kernel=$(debian_kernel)
if [ -z "$kernel" ]; then
    echo "ok $((tap_n += 1)) # SKIP no Debian kernel (scripts/find-kernel --fetch)"
    done_testing; exit
fi
"$MTS" --memory=128 --vcpus=2 "$kernel" >"$tmp/out" 2>"$tmp/err"; rc=$?
is "$rc" 0 "mini-toolstack builds $kernel on the simulated host"
is "$(wc -l <"$tmp/out" | tr -d ' ')" 1 "one line of output"
like "$(cat "$tmp/out")" "mini-toolstack: sim: domain 1 built, verified (" "the domain was built and verified"
like "$(cat "$tmp/out")" "checks), destroyed" "and destroyed"
is "$(cat "$tmp/err")" "" "nothing on stderr"
"$MTS" --memory=1 "$kernel" >"$tmp/out" 2>"$tmp/err"; rc=$?
is "$rc" 1 "1 MiB is too little for the kernel"
like "$(cat "$tmp/err")" "mini-toolstack: " "and it says why: $(head -n 1 "$tmp/err")"
done_testing
