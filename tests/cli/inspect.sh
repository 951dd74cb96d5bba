#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pvbuild's command line: help, version, inspect's errors and exit codes.
. "$top_srcdir/tests/lib.sh"
need jq
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

out=$("$PVBUILD" --help); rc=$?
is "$rc" 0 "--help exits 0"
like "$out" "inspect" "--help lists inspect"
like "$out" "create" "--help lists create"
out=$("$PVBUILD" --version)
version=$(sed -n 's/^AC_INIT(\[pvbuild\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
like "$out" "pvbuild $version" "--version says configure.ac's $version"
"$PVBUILD" frobnicate 2>"$tmp/err"; rc=$?
is "$rc" 2 "an unknown command exits 2"
like "$(cat "$tmp/err")" "unknown command 'frobnicate'" "and says so"
"$PVBUILD" 2>/dev/null; is "$?" 2 "no command exits 2"

"$PVBUILD" inspect "$tmp/missing" 2>"$tmp/err"; rc=$?
is "$rc" 1 "inspect of a missing file exits 1"
is "$(wc -l < "$tmp/err" | tr -d ' ')" 1 "with one line on stderr"
like "$(cat "$tmp/err")" "$tmp/missing: cannot open: No such file or directory" "naming the file"

printf 'not a kernel at all' > "$tmp/junk"
"$PVBUILD" inspect "$tmp/junk" 2>"$tmp/err"; rc=$?
is "$rc" 1 "inspect of junk exits 1"
like "$(cat "$tmp/err")" "$tmp/junk: not an ELF file, a bzImage or a compressed kernel" "and names what it is not"

"$PVBUILD" inspect --max-output=zzz /dev/null 2>"$tmp/err"; rc=$?
is "$rc" 2 "a bad --max-output is a usage error"
"$PVBUILD" inspect 2>/dev/null; is "$?" 2 "inspect without a kernel is a usage error"
"$PVBUILD" inspect --help | grep -q -- "--json"; is "$?" 0 "inspect --help lists --json"

# The man page documents every option --help lists.
for opt in --json --max-output; do
    grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$top_srcdir/man/pvbuild.1"
    is "$?" 0 "pvbuild.1 documents inspect $opt"
done
done_testing
