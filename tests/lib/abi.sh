#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/abi-check (make abi-check) catches an ABI change.  A baseline is
# made from the library just built (not the committed one, which the lead
# rewrites at releases), then edited as a change to the headers would
# change it: the check passes on the untouched baseline and fails, naming
# the change, on a struct that lost a member, on a parameter whose type
# changed (also through a system typedef), and on a function the baseline
# lacks (an addition needs a new
# version node and baseline, docs/api-stability.md).
. "$top_srcdir/tests/lib.sh"
need abidw abidiff readelf awk
so=$(ls "$top_builddir"/lib/.libs/libpvbuild.so.*.*.* 2>/dev/null | head -n 1)
if [ -z "$so" ]; then echo "Bail out! no lib/.libs/libpvbuild.so.* in $top_builddir"; exit 1; fi
if ! readelf -S "$so" | grep -q '\.debug_info'; then
    echo "1..0 # SKIP $so has no debug info (configured without -g)"; exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
check() { sh "$top_srcdir/scripts/abi-check" check "$top_srcdir" "$so" "$1" > "$tmp/out" 2>&1; }

sh "$top_srcdir/scripts/abi-check" baseline "$top_srcdir" "$so" "$tmp/base.abi" >/dev/null 2>&1
ok_if "abi-check baseline writes an ABI file" grep -q "<elf-symbol name='pvb_build'" "$tmp/base.abi"
ok_if "only pvb_* symbols are in it" sh -c "! grep \"<elf-symbol name='\" '$tmp/base.abi' | grep -vq \"name='pvb_\""
check "$tmp/base.abi"
is "$?" 0 "the library has the ABI of a baseline made from it"

# A member gone from struct pvb_domain_state: the struct's layout changes.
awk '/<class-decl name=.pvb_domain_state./ { in_s = 1 }
     in_s && /<\/class-decl>/ { in_s = 0 }
     in_s && /<data-member/ { held = $0; next }
     held != "" { if ($0 ~ /name=.dying./) { skip = 1; held = ""; next }
                  print held; held = "" }
     skip && /<\/data-member>/ { skip = 0; next }
     !skip { print }' "$tmp/base.abi" > "$tmp/member.abi"
ok_if "the edited baseline lacks the member" sh -c "! cmp -s '$tmp/base.abi' '$tmp/member.abi'"
check "$tmp/member.abi"; rc=$?
is "$rc" 1 "abi-check fails when a struct's members differ"
like "$(cat "$tmp/out")" "dying" "its report names the member"
like "$(cat "$tmp/out")" "pvb_domain_state" "and the struct"

# A parameter's type changed: pvb_plan_table_pfn's level, unsigned -> int.
int_id=$(sed -n "s/.*<type-decl name='int' size-in-bits='32' id='\([^']*\)'.*/\1/p" "$tmp/base.abi" | head -n 1)
awk -v id="$int_id" '/<function-decl name=.pvb_plan_table_pfn./ { f = 1 }
     f && /name=.level./ { sub(/type-id=.[^ ]*/, "type-id=\x27" id "\x27") }
     /<\/function-decl>/ { f = 0 } { print }' "$tmp/base.abi" > "$tmp/param.abi"
ok_if "the edited baseline has another parameter type" sh -c "! cmp -s '$tmp/base.abi' '$tmp/param.abi'"
check "$tmp/param.abi"; rc=$?
is "$rc" 1 "abi-check fails when a prototype changes"
like "$(cat "$tmp/out")" "pvb_plan_table_pfn" "its report names the function"

# A parameter of a system typedef narrowed: va, uint64_t -> uint32_t.
# (abidiff with --headers-dir counts uint32_t as private and hides this.)
u32_id=$(sed -n "s/.*<typedef-decl name='uint32_t' .* id='\([^']*\)'.*/\1/p" "$tmp/base.abi" | head -n 1)
awk -v id="$u32_id" '/<function-decl name=.pvb_plan_table_pfn./ { f = 1 }
     f && /name=.va./ { sub(/type-id=.[^ ]*/, "type-id=\x27" id "\x27") }
     /<\/function-decl>/ { f = 0 } { print }' "$tmp/base.abi" > "$tmp/typedef.abi"
ok_if "the edited baseline has a uint32_t va" sh -c "! cmp -s '$tmp/base.abi' '$tmp/typedef.abi'"
check "$tmp/typedef.abi"; rc=$?
is "$rc" 1 "abi-check fails when a uint64_t parameter becomes uint32_t"
like "$(cat "$tmp/out")" "uint32_t" "its report names the types"

# A function the baseline does not have: added without a new baseline.
grep -v "<elf-symbol name='pvb_version'" "$tmp/base.abi" |
    awk '/<function-decl name=.pvb_version. / { f = 1 } !f { print } f && /<\/function-decl>/ { f = 0 }' \
    > "$tmp/added.abi"
check "$tmp/added.abi"; rc=$?
is "$rc" 1 "abi-check fails on a function added without a new baseline"
like "$(cat "$tmp/out")" "pvb_version" "its report names it"
done_testing
