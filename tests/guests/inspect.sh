#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pvbuild inspect --json on the test guest's variants: the notes its
# sources declare (README.txt), ENTRY where nm finds _start, and as many
# notes as readelf counts.
. "$top_srcdir/tests/lib.sh"
need jq nm readelf
dir="$top_builddir/tests/guests"

for v in init-p2m-512g:0x8000000000 init-p2m-1536g:0x18000000000 no-init-p2m:null; do
    name=pvguest-${v%%:*} want_p2m=${v#*:}
    f=$dir/$name
    json=$("$PVBUILD" inspect --json "$f"); rc=$?
    is "$rc" 0 "$name: inspect --json exits 0"
    get() { printf '%s\n' "$json" | jq -r "$1"; }

    is "$(get .format)/$(get .elf_class)/$(get .elf_machine)" "elf/64/x86_64" "$name: a 64-bit x86_64 ELF"
    is "$(get .notes.GUEST_OS)" linux "$name: GUEST_OS"
    is "$(get .notes.XEN_VERSION)" xen-3.0 "$name: XEN_VERSION"
    is "$(get .notes.LOADER)" generic "$name: LOADER"
    is "$(get .notes.VIRT_BASE)" 0xffffffff80000000 "$name: VIRT_BASE"
    is "$(get .notes.PADDR_OFFSET)" 0x0 "$name: PADDR_OFFSET"
    is "$(get .notes.FEATURES)" '!writable_page_tables' "$name: FEATURES"
    is "$(get '.features.required | join(",")')" writable_page_tables "$name: writable_page_tables required"
    is "$(get .notes.MOD_START_PFN)" 0x1 "$name: MOD_START_PFN"
    is "$(get .notes.HYPERCALL_PAGE)/$(get .hypercall_page)" null/null "$name: no HYPERCALL_PAGE"
    is "$(get .notes.INIT_P2M)/$(get .init_p2m)" "$want_p2m/$want_p2m" "$name: INIT_P2M"

    start=$(nm "$f" | awk '$3 == "_start" { print "0x" $1 }')
    is "$(get .notes.ENTRY)" "$start" "$name: ENTRY is _start ($start)"
    is "$(get .entry)" "$start" "$name: the entry pvbuild uses"
    xen_notes=$(readelf -n "$f" | grep -c '^ *Xen ')
    is "$(get '.notes | length')" "$xen_notes" "$name: every one of readelf's $xen_notes Xen notes"
    ok_if "$name: a PT_NOTE segment" sh -c "readelf -lW '$f' | grep -q '^ *NOTE '"
done
done_testing
