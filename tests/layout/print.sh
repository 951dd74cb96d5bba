#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The plan's text and JSON renderings of the reference build
# (pv-boot-abi.md), read back with jq and grep.
dump="$top_builddir/tests/layout/plan-dump"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
t() { # t DESCRIPTION COMMAND...
    desc=$1; shift
    n=$((n + 1))
    if "$@" >/dev/null 2>&1; then echo "ok $n - $desc"; else echo "not ok $n - $desc"; fi
}

"$dump" json debian 256 0x1e4c10 >"$tmp/ref.json"
t "json: plan printed" test -s "$tmp/ref.json"
"$dump" text debian 256 0x1e4c10 >"$tmp/ref.txt"
t "text: plan printed" test -s "$tmp/ref.txt"

if ! command -v jq >/dev/null 2>&1; then
    n=$((n + 1)); echo "ok $n # SKIP jq not installed: JSON not read back"
else
    q() { # q DESCRIPTION FILTER EXPECTED
        got=$(jq -r "$2" "$tmp/ref.json" 2>&1)
        n=$((n + 1))
        if [ "$got" = "$3" ]; then echo "ok $n - $1"
        else echo "not ok $n - $1"; echo "#   got '$got', want '$3'"; fi
    }
    q "json: valid" 'type' object
    q "json: segment names in layout order" '[.segments[].name] | join(",")' \
        kernel,start_info,xenstore,console,pagetables,boot_stack,ramdisk,p2m,p2m_pagetables
    q "json: segment pfns" '[.segments[].pfn] | join(",")' \
        0x1000,0x4a00,0x4a01,0x4a02,0x4a03,0x4a2c,0x4c00,0x4de5,0x4e65
    q "json: segment pages" '[.segments[].pages] | join(",")' \
        0x3a00,0x1,0x1,0x1,0x29,0x1,0x1e5,0x80,0x3
    q "json: kernel vstart" '.segments[0].vstart' 0xffffffff81000000
    q "json: page tables vstart" '.segments[4].vstart' 0xffffffff84a03000
    q "json: unmapped ramdisk has null vstart" '.segments[6].vstart' null
    q "json: p2m list at its own address" '.segments[7].vstart' 0x8000000000
    q "json: virt_pgtab_end" '.virt_pgtab_end' 0xffffffff84c00000
    q "json: nr_pages" '.nr_pages' 0x10000
    q "json: p2m placement" '.p2m.placement' outside
    q "json: p2m nr_frames" '.p2m.nr_frames' 0x83
    q "json: start_info.flags" '.start_info.flags' 0x8
    q "json: start_info.first_p2m_pfn" '.start_info.first_p2m_pfn' 0x4de5
    q "json: start_info.nr_p2m_frames" '.start_info.nr_p2m_frames' 0x83
    q "json: start_info.pt_base" '.start_info.pt_base' 0xffffffff84a03000
    q "json: start_info.nr_pt_frames" '.start_info.nr_pt_frames' 0x29
    q "json: start_info.mfn_list" '.start_info.mfn_list' 0x8000000000
    q "json: start_info.mod_start" '.start_info.mod_start' 0x4c00
    q "json: start_info.mod_len" '.start_info.mod_len' 0x1e4c10
    q "json: start_info.nr_pages" '.start_info.nr_pages' 0x10000
    q "json: initial tables per level" \
        '[.page_tables.initial.levels[] | "\(.level)=\(.count)"] | join(",")' L4=1,L3=1,L2=1,L1=38
    q "json: p2m tables per level" \
        '[.page_tables.p2m.levels[] | "\(.level)=\(.count)"] | join(",")' L4=0,L3=1,L2=1,L1=1
    q "json: rsp" '.vcpu.rsp' 0xffffffff84a2d000
    q "json: rsi" '.vcpu.rsi' 0xffffffff84a00000
    q "json: no warnings" '.warnings | length' 0

    # A warning's text survives JSON escaping.
    "$dump" json debian 256 0 0xffff880000000000 >"$tmp/warn.json"
    got=$(jq -r '.warnings[0]' "$tmp/warn.json")
    n=$((n + 1))
    case $got in
    *"kernel-half address (top-level slot 272)"*) echo "ok $n - json: warning text" ;;
    *) echo "not ok $n - json: warning text"; echo "#   got '$got'" ;;
    esac
    "$dump" json pae 256 0 >"$tmp/pae.json"
    got=$(jq -r '[.levels, (.page_tables.initial.levels | length), .p2m.placement] | join(",")' "$tmp/pae.json")
    n=$((n + 1))
    if [ "$got" = "3,3,inside" ]; then echo "ok $n - json: PAE plan has 3 levels, list inside"
    else echo "not ok $n - json: PAE plan"; echo "#   got '$got'"; fi
fi

t "text: kernel row" grep -Eq '^kernel +0x1000 +0x3a00 +0xffffffff81000000-0xffffffff84a00000$' "$tmp/ref.txt"
t "text: ramdisk unmapped" grep -Eq '^ramdisk +0x4c00 +0x1e5 +\(unmapped\)$' "$tmp/ref.txt"
t "text: virt_pgtab_end" grep -q '^virt_pgtab_end  0xffffffff84c00000$' "$tmp/ref.txt"
t "text: 38 L1s" grep -q 'L1 entries 0..511: 38 tables at pfn 0x4a06' "$tmp/ref.txt"
t "text: p2m L4 shared" grep -q 'L4 entries 1..1: shared with the initial mapping' "$tmp/ref.txt"
t "text: start_info flags" grep -q 'flags 0x8 pt_base 0xffffffff84a03000 nr_pt_frames 0x29' "$tmp/ref.txt"

# Errors reach the caller as one line.
"$dump" json debian 16 0 >"$tmp/err.json" 2>"$tmp/err.txt"
rc=$?
n=$((n + 1))
if [ $rc -eq 1 ] && ! [ -s "$tmp/err.json" ] && [ "$(wc -l <"$tmp/err.txt")" -eq 1 ] && grep -q 'but memory is 0x1000 pages (16 MiB)' "$tmp/err.txt"; then
    echo "ok $n - too little memory: one-line error"
else
    echo "not ok $n - too little memory: one-line error"
fi
echo "1..$n"
