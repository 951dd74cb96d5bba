#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What the built libpvbuild.so exports (nm -D): only pvb_* names, each with
# the version node of lib/libpvbuild.map (name@@PVBUILD_0.1), and exactly
# the functions the public headers declare.
. "$top_srcdir/tests/lib.sh"
need nm gcc
so=$(ls "$top_builddir"/lib/.libs/libpvbuild.so.* 2>/dev/null | head -n 1)
if [ -z "$so" ]; then echo "Bail out! no lib/.libs/libpvbuild.so.* in $top_builddir"; exit 1; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Defined dynamic symbols, without the version node's own (absolute) symbol.
nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' | sort > "$tmp/syms"
n=$(wc -l < "$tmp/syms" | tr -d ' ')
ok_if "the library exports symbols ($n)" test "$n" -gt 20
is "$(grep -v '^pvb_' "$tmp/syms" | tr '\n' ' ')" "" "every exported name starts with pvb_"
is "$(grep -v '@@PVBUILD_0\.1$' "$tmp/syms" | tr '\n' ' ')" "" "every one is versioned @@PVBUILD_0.1"
is "$(nm -D --defined-only "$so" | awk '$2 == "A" { print $3 }')" "PVBUILD_0.1" \
    "one version node, PVBUILD_0.1"
like "$(objdump -p "$so" | grep SONAME)" "libpvbuild.so.0" "SONAME libpvbuild.so.0"

# The functions the public headers declare (comments and static inline
# ones aside), all exported: the map names each one, and a name left out
# of it is not exported at all.
for h in "$top_srcdir"/include/pvbuild.h "$top_srcdir"/include/pvbuild/*.h \
         "$top_srcdir"/include/pvbuild/sys/*.h; do
    gcc -fpreprocessed -dD -E -P "$h" 2>/dev/null
done | grep -v '^static' | grep -o '\bpvb_[a-z0-9_]*[[:space:]]*(' | sed 's/[[:space:]]*($//' |
    grep -v '_fn$' | sort -u > "$tmp/declared"
sed 's/@@.*//' "$tmp/syms" > "$tmp/names"
ok_if "pvbuild.h declares functions ($(wc -l < "$tmp/declared" | tr -d ' '))" test -s "$tmp/declared"
is "$(comm -23 "$tmp/declared" "$tmp/names" | tr '\n' ' ')" "" \
    "every function the public headers declare is exported"
is "$(comm -13 "$tmp/declared" "$tmp/names" | tr '\n' ' ')" "" \
    "every exported function is declared in a public header"
done_testing
