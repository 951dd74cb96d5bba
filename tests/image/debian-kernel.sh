#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Debian's own kernel (a bzImage with an xz payload), inspected by pvbuild,
# checked against binutils' readelf on the payload this test extracts itself.
. "$top_srcdir/tests/lib.sh"

kernel=$(debian_kernel)
if [ -z "$kernel" ]; then
    echo "1..0 # SKIP no Debian kernel (scripts/find-kernel --fetch)"
    exit 0
fi
need jq readelf xz

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Slice the payload with the boot protocol's own fields.
u8()  { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
sects=$(u8 "$kernel" $((0x1f1)))
poff=$(u32 "$kernel" $((0x248)))
plen=$(u32 "$kernel" $((0x24c)))
start=$(( (sects + 1) * 512 + poff ))
tail -c +$((start + 1)) "$kernel" | head -c "$plen" > "$tmp/payload.xz"
xz -dc < "$tmp/payload.xz" > "$tmp/vmlinux" 2>/dev/null
ok_if "extracted the xz payload with xz(1)" test -s "$tmp/vmlinux"

"$PVBUILD" inspect --json "$kernel" > "$tmp/k.json" 2>"$tmp/err"
ok_if "pvbuild inspect --json succeeds on $(basename "$kernel")" test $? -eq 0
j() { if [ "$1" = -c ]; then jq -c "$2" "$tmp/k.json"; else jq -r "$1" "$tmp/k.json"; fi; }
is "$(j .format)" bzimage "format"
is "$(j .compression)" xz "compression"
is "$(j .elf_class)" 64 "ELF class"
is "$(j .init_p2m)" 0x8000000000 "INIT_P2M"
is "$(j .virt_base)" 0xffffffff80000000 "VIRT_BASE"
is "$(j .paddr_offset)" 0x0 "PADDR_OFFSET"
is "$(j .hypercall_page)" null "no HYPERCALL_PAGE"
is "$(j .mod_start_pfn)" 0x1 "MOD_START_PFN"
is "$(j -c .features.required)" '["writable_page_tables"]' "FEATURES: writable_page_tables required"
is "$(j .notes_skipped)" 0 "no note skipped (FEATURES has no NUL; its size ends it)"
is "$(j .compressed_size)" "$plen" "compressed size = payload_length"
is "$(j .decompressed_size)" "$(wc -c < "$tmp/vmlinux" | tr -d ' ')" \
   "decompressed size = xz -dc output size"

# readelf -n names a few note types it knows for other owners (type 1 as
# NT_VERSION, 4 as GO BUILDID) and prints the rest as "Unknown note type:
# (0x...)"; the descriptor bytes follow, little endian.
readelf -n --wide "$tmp/vmlinux" > "$tmp/notes.txt"
note_value() { # type number (hex, no 0x) -> value from readelf's hex dump
    awk -v want="$1" '
        $1 == "Xen" {
            t = "";
            if (match($0, /\(0x[0-9a-f]+\)/)) {
                t = substr($0, RSTART + 3, RLENGTH - 4); sub(/^0+/, "", t)
            } else if ($0 ~ /NT_VERSION/) t = "1"
            else if ($0 ~ /GO BUILDID/) t = "4"
            if (t != want) next
            sub(/.*description data: */, ""); n = split($0, b, " ");
            v = ""; for (i = n; i >= 1; i--) v = v b[i];
            sub(/^0+/, "", v); print "0x" (v == "" ? "0" : v); exit }' "$tmp/notes.txt"
}
entry=$(note_value 1)
ok_if "readelf -n shows the ENTRY note" test -n "$entry"
is "$(j .entry)" "$entry" "entry equals readelf's ENTRY note"
is "$(j .init_p2m)" "$(note_value f)" "INIT_P2M equals readelf's note 15"
is "$(j .virt_base)" "$(note_value 3)" "VIRT_BASE equals readelf's note 3"
is "$(j .hv_start_low)" "$(note_value c)" "HV_START_LOW equals readelf's note 12"

# The segments pvbuild found are readelf's PT_LOADs.
readelf -lW "$tmp/vmlinux" | awk '$1 == "LOAD" { printf "%s %s %s %s\n", $2, $4, $5, $6 }' |
    while read -r off pa fs ms; do printf '0x%x 0x%x 0x%x 0x%x\n' "$off" "$pa" "$fs" "$ms"; done > "$tmp/readelf.seg"
jq -r '.segments[] | "\(.offset) \(.paddr) \(.filesz) \(.memsz)"' "$tmp/k.json" > "$tmp/pvb.seg"
ok_if "PT_LOAD segments (offset paddr filesz memsz) match readelf -l" cmp -s "$tmp/readelf.seg" "$tmp/pvb.seg"

# The raw ELF the test extracted loads to the same notes and segments.
"$PVBUILD" inspect --json "$tmp/vmlinux" > "$tmp/e.json"
for key in entry virt_base init_p2m mod_start_pfn hv_start_low features segments notes; do
    is "$(jq -c ".$key" "$tmp/e.json")" "$(jq -c ".$key" "$tmp/k.json")" "raw ELF: $key equal"
done
is "$(jq -r .format "$tmp/e.json")" elf "raw ELF: format elf"

# The text form names the same facts.
"$PVBUILD" inspect "$kernel" > "$tmp/k.txt"
ok_if "text output names INIT_P2M" grep -q "INIT_P2M *0x8000000000" "$tmp/k.txt"
ok_if "text output decodes SUPPORTED_FEATURES by name" \
    grep -q "SUPPORTED_FEATURES.*writable_page_tables" "$tmp/k.txt"
done_testing
