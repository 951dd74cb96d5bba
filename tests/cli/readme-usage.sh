#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's "Using it" commands for the simulated host, as written there:
# the indented lines after the heading up to the first paragraph, run line by line with
# `pvbuild` the built one, `vmlinux` a test guest with an INIT_P2M note,
# `vmlinuz` Debian's kernel and guest.cfg naming it.
. "$top_srcdir/tests/lib.sh"
need jq
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

awk '/^Using it$/ { on = 1; next }
     on && /^    / { print substr($0, 5); got = 1; next }
     on && /^$/ { next }
     on && got { exit }' "$top_srcdir/README" >"$tmp/block"
like "$(cat "$tmp/block")" "pvbuild create --host=sim" "README: the \"Using it\" block found"
kernel=$(debian_kernel)
if [ -z "$kernel" ]; then
	echo "Bail out! no Debian kernel (scripts/find-kernel --fetch gets one)"
	exit 1
fi
cp "$top_builddir/tests/guests/pvguest-init-p2m-512g" "$tmp/vmlinux"
ln -s "$kernel" "$tmp/vmlinuz"
printf 'name = "readme"\nkernel = "vmlinuz"\nmemory = 256\n' >"$tmp/guest.cfg"
n=0
while IFS= read -r line; do
	n=$((n + 1))
	case $line in "" | *"<<"*) continue ;; esac
	# find-kernel is what the harness already asked (PVBUILD_KERNEL).
	cmd=$(printf '%s\n' "$line" | sed "s|sh scripts/find-kernel --fetch|echo '$kernel'|")
	(cd "$tmp" && PATH="$top_builddir/tools:$PATH" PVBUILD_CACHE_DIR="$tmp/cache" \
		K="$kernel" bash -o pipefail -c "K='$kernel'; $cmd" \
		>"$tmp/out.$n" 2>"$tmp/err.$n")
	is "$?" 0 "README line $n: $line"
	[ -s "$tmp/out.$n" ] || [ "${line#K=}" != "$line" ] ||
		{ tap_n=$((tap_n + 1)); tap_fail=$((tap_fail + 1)); echo "not ok $tap_n - line $n printed nothing"; }
done <"$tmp/block"
ok_if "README: the block ran $n lines" [ "$n" -ge 5 ]
done_testing
