#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole-VM habits on a machine without Xen: create -n/-q, the note
# that the simulated host is used, list, domain names, the on_* policy.
. "$top_srcdir/tests/lib.sh"
need jq
kernel=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -z "$kernel" ]; then
    echo "1..0 # SKIP no Debian kernel (install linux-image-amd64)"; exit 0
fi
if [ -e /dev/xen/privcmd ]; then
    echo "1..0 # SKIP this is a Xen dom0: these cases are about a machine without Xen"; exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# -n: parse, plan, print; nothing built, on any host (even a forced xen).
"$PVBUILD" create -n --host=xen --name=dry --kernel="$kernel" --memory=256 >"$tmp/n.txt" 2>"$tmp/n.err"
is "$?" 0 "create -n --host=xen succeeds without Xen: nothing is built"
like "$(cat "$tmp/n.txt")" "dry run: domain 'dry' planned, nothing built" "it says so"
ok_if "the plan's segment table is printed" grep -q "^pagetables " "$tmp/n.txt"
like "$(cat "$tmp/n.txt")" "on_poweroff=destroy on_reboot=restart on_watchdog=destroy on_crash=destroy" \
    "with xl's default actions"
is "$(cat "$tmp/n.err")" "" "and nothing on stderr (no host was opened)"
"$PVBUILD" create --dry-run --json --kernel="$kernel" --memory=512 >"$tmp/n.json"
is "$(jq -r '.memory_mib' "$tmp/n.json" 2>/dev/null)" 512 "--dry-run --json prints the plan as JSON"

# The policy from a config and options, read with libxl's parser.
cat >"$tmp/vm.cfg" <<CFG
name = "vm"
kernel = "$kernel"
on_reboot = "rename-restart"
on_crash = "preserve"
CFG
"$PVBUILD" create -n "$tmp/vm.cfg" on_poweroff=preserve >"$tmp/p.txt" 2>"$tmp/p.err"
like "$(cat "$tmp/p.txt")" "on_poweroff=preserve on_reboot=rename-restart on_watchdog=destroy on_crash=preserve" \
    "actions from the file and a KEY=VALUE override"
is "$(cat "$tmp/p.err")" "" "on_* keys are acted on: no warning about them"
"$PVBUILD" create -n --on-crash=coredump-destroy "$tmp/vm.cfg" >"$tmp/p.txt"
like "$(cat "$tmp/p.txt")" "on_crash=coredump-destroy" "--on-crash overrides the file"
"$PVBUILD" create -n "$tmp/vm.cfg" on_reboot=sometimes >/dev/null 2>"$tmp/e.err"
is "$?" 1 "a bad action fails"
is "$(wc -l <"$tmp/e.err")" 1 "with one line"
like "$(cat "$tmp/e.err")" "vm.cfg: on_reboot \"sometimes\" is not an action" "naming file, key and value"
"$PVBUILD" create -n --on-reboot=soft-reset "$tmp/vm.cfg" >/dev/null 2>"$tmp/e.err"
like "$(cat "$tmp/e.err")" "cannot soft-reset" "soft-reset is refused, saying why"

# No --host and no Xen: a note on stderr; -q silences it and the report.
"$PVBUILD" create --kernel="$kernel" >"$tmp/s.txt" 2>"$tmp/s.err"
is "$?" 0 "create without --host builds on the simulated host"
like "$(cat "$tmp/s.err")" "using the simulated host" "and says so on stderr"
"$PVBUILD" create --host=sim --kernel="$kernel" >/dev/null 2>"$tmp/h.err"
is "$(cat "$tmp/h.err")" "" "no note when --host=sim is asked for"
"$PVBUILD" create -q --kernel="$kernel" >"$tmp/q.txt" 2>"$tmp/q.err"
is "$?" 0 "create -q succeeds"
is "$(cat "$tmp/q.txt")$(cat "$tmp/q.err")" "" "-q prints nothing at all"
"$PVBUILD" create -q --kernel=/nonexistent 2>"$tmp/q.err" >/dev/null
is "$?" 1 "create -q of a missing kernel fails"
like "$(cat "$tmp/q.err")" "/nonexistent" "and -q still prints the error"
"$PVBUILD" create --host=sim -c --kernel="$kernel" >/dev/null 2>"$tmp/c.err"
is "$?" 2 "-c on the simulated host is a usage error"
"$PVBUILD" create --host=sim -F --kernel="$kernel" >/dev/null 2>"$tmp/c.err"
is "$?" 2 "-F on the simulated host is a usage error"

# list and names need Xen: one clear line each.
"$PVBUILD" list >"$tmp/l.txt" 2>"$tmp/l.err"
is "$?" 1 "list without Xen fails"
like "$(cat "$tmp/l.err")" "no Xen here (/dev/xen/privcmd is missing)" "saying why"
is "$(cat "$tmp/l.txt")" "" "and lists nothing"
for cmd in destroy shutdown reboot console verify; do
    "$PVBUILD" $cmd web 2>"$tmp/d.err" >/dev/null
    is "$?" 1 "$cmd NAME without Xen fails"
    like "$(cat "$tmp/d.err")" "$cmd: 'web': cannot look up a domain name: no Xen here" \
        "$cmd: the error names the command, the name and the reason"
done
"$PVBUILD" destroy 0 2>"$tmp/d.err"; is "$?" 1 "destroy 0 is refused"
like "$(cat "$tmp/d.err")" "not a domain id" "as not a domain id"
"$PVBUILD" shutdown 99999 2>"$tmp/d.err"; is "$?" 1 "an id past the range is refused"
"$PVBUILD" shutdown 2>/dev/null; is "$?" 2 "shutdown without a domain is a usage error"
"$PVBUILD" reboot a b 2>/dev/null; is "$?" 2 "reboot of two domains is a usage error"

# --help, the man page and the top-level usage agree.
for opt in -c --console -p --paused -n --dry-run -q --quiet -v --verbose -F --foreground \
           -e --no-monitor --on-poweroff --on-reboot --on-watchdog --on-crash; do
    "$PVBUILD" create --help | grep -q -- " $opt"; a=$?
    grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$top_srcdir/man/pvbuild.1"; b=$?
    is "$a$b" 00 "create $opt in --help and pvbuild.1"
done
for cmd in list console shutdown reboot; do
    "$PVBUILD" --help | grep -q "^  $cmd"; a=$?
    "$PVBUILD" $cmd --help >/dev/null; b=$?
    grep -q "^\.SS $cmd\|^\.B pvbuild $cmd\|^pvbuild $cmd" "$top_srcdir/man/pvbuild.1"; c=$?
    is "$a$b$c" 000 "$cmd in pvbuild --help, its own --help and pvbuild.1"
done
done_testing
