#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pvbuild create on the simulated host, driven by options and by xl config
# files, with Debian's kernel.
. "$top_srcdir/tests/lib.sh"
need jq gzip
kernel=$(debian_kernel)
if [ -z "$kernel" ]; then
    echo "1..0 # SKIP no Debian kernel (scripts/find-kernel --fetch)"; exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# The reference ramdisk size: 0x1e4c10 bytes once unzipped.
head -c $((0x1e4c10)) /dev/urandom > "$tmp/initrd"
gzip -9 < "$tmp/initrd" > "$tmp/initrd.gz"

"$PVBUILD" create --host=sim --json --kernel="$kernel" --ramdisk="$tmp/initrd.gz" \
    --memory=256 --cmdline="console=hvc0 loglevel=8 ignore_loglevel" > "$tmp/c.json" 2>"$tmp/err"
is "$?" 0 "create --host=sim builds Debian's kernel"
j() { jq -r "$1" "$tmp/c.json"; }
is "$(j '.verify.ok')" true "the verifier passes it"
seg() { jq -r ".segments[] | select(.name == \"$1\") | \"\(.pfn) \(.pages)\"" "$tmp/c.json"; }
is "$(seg kernel)" "0x1000 0x3a00" "kernel pfn/pages as libxenguest"
is "$(seg start_info)" "0x4a00 0x1" "start_info"
is "$(seg pagetables)" "0x4a03 0x29" "page tables"
is "$(seg boot_stack)" "0x4a2c 0x1" "boot stack"
is "$(seg ramdisk)" "0x4c00 0x1e5" "ramdisk (gunzipped, unmapped)"
is "$(j .virt_pgtab_end)" 0xffffffff84c00000 "virt_pgtab_end"
is "$(j .start_info.first_p2m_pfn)" 0x4de5 "first_p2m_pfn"
is "$(j .start_info.nr_p2m_frames)" 0x83 "nr_p2m_frames"
is "$(j .start_info.mfn_list)" 0x8000000000 "mfn_list = INIT_P2M"
is "$(j .start_info.flags)" 0x8 "flags"
is "$(j .vcpu0.rsp)" 0xffffffff84a2d000 "rsp"
for c in vcpu_context start_info_magic pagetables_readonly p2m_mapped_writable \
         p2m_matches_mapping p2m_frames registers padding_512k start_info_fields; do
    is "$(j ".verify.$c.ok")" true "verify check $c reported and ok"
done

# Caller-chosen and inside placements.
"$PVBUILD" create --host=sim --json --kernel="$kernel" --memory=512 \
    --p2m-vaddr=0x18000000000 > "$tmp/a.json"
is "$(jq -r '.start_info.mfn_list + " " + (.verify.ok|tostring)' "$tmp/a.json")" \
   "0x18000000000 true" "--p2m-vaddr=0x18000000000"
"$PVBUILD" create --host=sim --json --kernel="$kernel" --memory=512 \
    --p2m-vaddr=inside > "$tmp/i.json"
is "$(jq -r '.start_info.first_p2m_pfn + " " + .p2m + " " + (.verify.ok|tostring)' "$tmp/i.json")" \
   "0x0 inside true" "--p2m-vaddr=inside"

# Bad addresses: one line, exit 1.
"$PVBUILD" create --host=sim --kernel="$kernel" --p2m-vaddr=0x8000000123 2>"$tmp/err" >/dev/null
is "$?" 1 "an unaligned --p2m-vaddr fails"
like "$(cat "$tmp/err")" "not page aligned" "and says why"
"$PVBUILD" create --host=sim --kernel="$kernel" --p2m-vaddr=banana 2>"$tmp/err" >/dev/null
is "$?" 1 "a --p2m-vaddr that is no address fails"
like "$(cat "$tmp/err")" "banana" "naming the value"
"$PVBUILD" create --host=sim --kernel="$kernel" --memory=32 2>"$tmp/err" >/dev/null
is "$?" 1 "too little memory fails"
like "$(cat "$tmp/err")" "32 MiB" "naming the memory"
"$PVBUILD" create --host=sim 2>/dev/null >/dev/null
is "$?" 2 "no kernel is a usage error"

# An xl config file, relative paths, KEY=VALUE overrides, ignored keys.
mkdir "$tmp/cfg"
cp "$tmp/initrd.gz" "$tmp/cfg/initrd.gz"
cat > "$tmp/cfg/guest.cfg" <<CFG
name = "deb"
type = "pv"
kernel = "$kernel"
ramdisk = "initrd.gz"
root = "/dev/xvda1"
extra = "console=hvc0"
memory = 300
vcpus = 2
vif = [ 'bridge=xenbr0' ]
on_crash = "destroy"
p2m_vaddr = "0x7f8000000000"
CFG
"$PVBUILD" create --host=sim --json "$tmp/cfg/guest.cfg" memory=320 > "$tmp/x.json" 2>"$tmp/err"
is "$?" 0 "create from an xl config file"
is "$(jq -r .start_info.cmd_line "$tmp/x.json")" "root=/dev/xvda1 console=hvc0" "cmdline from root + extra"
is "$(jq -r .memory_mib "$tmp/x.json")" 320 "memory=320 overrides the file"
is "$(jq -r .start_info.mfn_list "$tmp/x.json")" 0x7f8000000000 "p2m_vaddr from the file"
is "$(jq -r '.segments[] | select(.name == "ramdisk") | .pages' "$tmp/x.json")" 0x1e5 "relative ramdisk found"
like "$(cat "$tmp/err")" "guest.cfg: the simulated host runs no device backends: 0 disk(s) and 1 vif(s) not set up" \
    "the simulated host says the vif is not set up"
ok_if "on_crash is no ignored key (the VM part reads it)" sh -c "! grep -q 'does not act on' '$tmp/err'"
"$PVBUILD" create --host=sim --json --memory=280 --p2m-vaddr=inside "$tmp/cfg/guest.cfg" > "$tmp/y.json"
is "$(jq -r '.memory_mib|tostring' "$tmp/y.json") $(jq -r .p2m "$tmp/y.json")" "280 inside" \
   "command-line options override the file"
# Keys pvbuild cannot give: refused in one line, unless --ignore-unsupported.
cp "$tmp/cfg/guest.cfg" "$tmp/cfg/pci.cfg"
echo "pci = [ '0000:00:1f.2' ]" >> "$tmp/cfg/pci.cfg"
"$PVBUILD" create --host=sim "$tmp/cfg/pci.cfg" >"$tmp/out" 2>"$tmp/err"
is "$?" 1 "pci= refused (exit 1)"
is "$(head -n 1 "$tmp/err")" "pvbuild: $tmp/cfg/pci.cfg: unsupported key pci: pvbuild cannot give a domain this" \
    "one line naming the file and the key"
is "$(cat "$tmp/out")" "" "nothing built"
"$PVBUILD" create --host=sim --ignore-unsupported "$tmp/cfg/pci.cfg" >/dev/null 2>"$tmp/err"
is "$?" 0 "--ignore-unsupported builds it"
like "$(cat "$tmp/err")" "pci.cfg: ignoring unsupported keys: pci" "with a warning"
# A key xl does not know: a warning naming the nearest one.
"$PVBUILD" create --host=sim "$tmp/cfg/guest.cfg" memroy=300 >/dev/null 2>"$tmp/err"
is "$?" 0 "an unknown key is no error"
like "$(cat "$tmp/err")" "guest.cfg: unknown key memroy (did you mean memory?)" "the warning names the nearest key"
echo 'type = "hvm"' >> "$tmp/cfg/guest.cfg"
"$PVBUILD" create --host=sim "$tmp/cfg/guest.cfg" 2>"$tmp/err" >/dev/null
is "$?" 1 "type hvm refused"
like "$(cat "$tmp/err")" "not supported" "with a clear error"

# The text form has the table and the verdict.
"$PVBUILD" create --host=sim --kernel="$kernel" > "$tmp/t.txt"
ok_if "text output has the segment table" grep -q "^pagetables *0x4a03 *0x29" "$tmp/t.txt"
ok_if "text output has the verdict" grep -q "^verify: ok" "$tmp/t.txt"

# Xen-only options are refused on the simulated host; domain commands check ids.
"$PVBUILD" create --host=sim --paused --kernel="$kernel" 2>"$tmp/err" >/dev/null
is "$?" 2 "--paused on the simulated host is a usage error"
like "$(cat "$tmp/err")" "--host=xen" "and says why"
"$PVBUILD" verify abc 2>"$tmp/err"; is "$?" 1 "verify of a name that cannot be looked up fails"
like "$(cat "$tmp/err")" "'abc'" "naming the name"
"$PVBUILD" verify --host=sim 7 2>"$tmp/err"; is "$?" 1 "verify of a domain that does not exist fails"
like "$(cat "$tmp/err")" "domain 7" "naming the domain"
"$PVBUILD" destroy 2>/dev/null; is "$?" 2 "destroy without a domain id is a usage error"
"$PVBUILD" create --host=sim --no-verify --json --kernel="$kernel" > "$tmp/nv.json"
is "$(jq -r .verify "$tmp/nv.json")" null "--no-verify: no verdict"

# --cpus, --cpus-soft and --vnuma on the simulated host (2 cpus per node):
# shown in the plan, and a cpu the host lacks refused in one line.
"$PVBUILD" create --host=sim --json --vcpus=2 --cpus=1 --cpus-soft=0-1 \
    --vnuma="pnode=0 size=128 vcpus=0;pnode=0 size=128 vcpus=1" --kernel="$kernel" > "$tmp/aff.json"
is "$?" 0 "create with --cpus, --cpus-soft and --vnuma"
is "$(jq -r '.affinity[0].hard + " " + .affinity[0].soft' "$tmp/aff.json")" "1 0-1" \
    "the JSON shows hard 1, soft 0-1"
is "$(jq -r '[.vnodes[] | .pfn + "+" + .pages + "@" + (.pnode|tostring) + ":" + .vcpus] | join(" ")' "$tmp/aff.json")" \
    "0x0+0x8000@0:0 0x8000+0x8000@0:1" "the JSON shows both vnodes"
"$PVBUILD" create --host=sim --cpus=9 --kernel="$kernel" >/dev/null 2>"$tmp/err"
is "$?" 1 "a cpu the host lacks fails"
is "$(cat "$tmp/err")" 'pvbuild: cpus "9": 9 is beyond the last cpu (1)' "in one line naming the cpu and the last"

# --help and the man page agree.
for opt in --host --kernel --ramdisk --cmdline --memory --vcpus --p2m-vaddr --name --json \
           --paused --console --no-verify --maxmem --ramdisk-compressed \
           --cache-dir --no-cache --timings --cpus --cpus-soft --vnuma; do
    "$PVBUILD" create --help | grep -q -- "$opt"; a=$?
    grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$top_srcdir/man/pvbuild.1"; b=$?
    is "$a$b" 00 "create $opt in --help and pvbuild.1"
done
done_testing
