# SPDX-License-Identifier: GPL-2.0-or-later
# i) NUMA on real Xen (sourced by scenarios.sh, whose helpers it uses).
# run.sh gives QEMU two NUMA nodes (-numa: cpu 0 and half the memory on
# node 0, cpu 1 and the other half on node 1); Xen reads them from the
# SRAT.  What each domain's pages are on is read back from Xen itself: the
# 'u' debug key prints every domain's pages per node into `xl dmesg`.  The
# expected figures come from `xl info -n` (free MiB per node), not from
# pvbuild's own plan.
t=$(now)
is "$(xl info 2>/dev/null | sed -n 's/^nr_nodes *: *//p')" 2 "i) Xen sees QEMU's two NUMA nodes (xl info nr_nodes)"
# node_free N: node N's free memory in MiB, from xl info -n.
node_free() {
	xl info -n 2>/dev/null | awk -v n="$1" '/^numa_info/ { f = 1; next }
		f && $1 == n ":" { print $3; exit }'
}
# dumps: how many 'u' dumps xl dmesg holds.
dumps() { xl dmesg 2>/dev/null | grep -c 'Memory location of each domain'; }
# pages_in_dump DOMID: "NODE0 NODE1" pages of the domain in the last dump.
pages_in_dump() {
	xl dmesg 2>/dev/null | tr -d '\r' | awk -v d="$1" '
		/Memory location of each domain/ { p0 = ""; p1 = ""; cur = 0; v = ""; next }
		/\(total: / { cur = ($0 ~ ("Domain " d " \\(total") || $0 ~ (" d" d " \\(total")); next }
		cur && /Node 0: / { x = $0; sub(/.*Node 0: */, "", x); p0 = x + 0 }
		cur && /Node 1: / { x = $0; sub(/.*Node 1: */, "", x); p1 = x + 0 }
		cur && /vnodes, .* vcpus/ { x = $0; sub(/^.*\) */, "", x); sub(/^ */, "", x); v = x }
		END { if (p0 != "" && p1 != "") print p0, p1, v }'
}
dump_after() { [ "$(dumps)" -gt "$1" ] && [ -n "$(pages_in_dump "$2")" ]; }
# node_pages DOMID: press 'u' and wait for its dump to name the domain.
node_pages() {
	_before=$(dumps)
	xl debug-keys u >/dev/null 2>&1
	if wait_until 30 dump_after "$_before" "$1"; then
		pages_in_dump "$1"
	else
		echo "none"
	fi
}
# affinity DOMID VCPU: "HARD / SOFT" as xl vcpu-list shows them.
affinity() {
	xl vcpu-list "$1" 2>/dev/null | awk -v v="$2" 'NR > 1 && $3 == v {
		print $(NF - 2), $(NF - 1), $NF }'
}
# numa_create_k KERNEL NAME MIB [OPTION...]: a paused domain; its id in $W/NAME.id.
numa_create_k() {
	_k=$1 _n=$2 _m=$3; shift 3
	pvbuild create --host=xen --paused --json --name="$_n" --kernel="$_k" \
		--memory="$_m" "$@" >"$W/$_n.json" 2>"$W/$_n.err"
	_rc=$?
	_id=$(sed -n 's/^  "domid": \([0-9]*\),*$/\1/p' "$W/$_n.json")
	if [ $_rc -ne 0 ] || [ -z "$_id" ]; then
		fail_ok "$_n: pvbuild create --paused $* (exit $_rc): $(head -n 1 "$W/$_n.err")"
		show "$W/$_n.err"
		return 1
	fi
	echo "$_id" >"$W/$_n.id"
}
numa_create() { numa_create_k "$ELF" "$@"; }
numa_destroy() { # NAME DOMID
	ok_if "$1: pvbuild destroy $2" pvbuild destroy "$2"
	wait_until 60 state_is "$2" gone
	is "$(state "$2")" gone "$1: domain $2 is gone"
}
settle_memory "$FREE0"
f0=$(node_free 0) f1=$(node_free 1)
diag "i) free per node before: node 0 $f0 MiB, node 1 $f1 MiB (xl info -n)"

# i1) cpus="nodes:L" for L the node with less free memory (dom0 fills one
#     node): every page there though the other node is freer, both vCPUs
#     pinned to cpu L.  Our small test guest, so that it fits that node.
lo=1
[ "$f0" -lt "$f1" ] && lo=0
small_guest=$(ls /payload/guests/pvguest-init-p2m-512g 2>/dev/null)
n=i1-pinned
if [ -z "$small_guest" ]; then
	fail_ok "$n: no /payload/guests/pvguest-init-p2m-512g"
elif [ "$(node_free $lo)" -lt 66 ]; then
	fail_ok "$n: node $lo has $(node_free $lo) MiB free, less than the 64 MiB guest needs"
elif numa_create_k "$small_guest" $n 64 --vcpus=2 --cpus=nodes:$lo; then
	id=$(cat "$W/$n.id")
	want="0 16384 "
	[ $lo -eq 0 ] && want="16384 0 "
	is "$(node_pages "$id")" "$want" "$n: Xen has all 16384 pages of domain $id on node $lo ($f0 / $f1 MiB free), none on the other ('u' key)"
	is "$(affinity "$id" 0)" "$lo / $lo" "$n: vCPU 0 hard affinity cpu $lo (node $lo), soft the same (xl vcpu-list)"
	is "$(affinity "$id" 1)" "$lo / $lo" "$n: vCPU 1 too"
	like "$(cat "$W/$n.json")" "\"hard\": \"$lo\"" "$n: the JSON plan shows hard affinity $lo"
	numa_destroy $n "$id"
fi

# i2) no keys: the freest node, and soft affinity there (as libxl does).
settle_memory "$FREE0"
f0=$(node_free 0) f1=$(node_free 1)
want_node=1 want="0 32768 "
if [ "$f0" -ge "$f1" ]; then
	want_node=0 want="32768 0 "
fi
n=i2-auto
if numa_create $n 128; then
	id=$(cat "$W/$n.id")
	is "$(node_pages "$id")" "$want" "$n: all pages on node $want_node, the freest ($f0 / $f1 MiB free)"
	is "$(affinity "$id" 0)" "all / $want_node" "$n: vCPU 0 hard all, soft cpu $want_node (the chosen node's)"
	numa_destroy $n "$id"
fi

# i3) larger than either node's free memory: spread, the nodes' free 2 MiB
#     runs in node order, freest first chosen: exact figures from xl info -n.
settle_memory "$FREE0"
f0=$(node_free 0) f1=$(node_free 1)
big=$(( f0 > f1 ? f0 : f1 ))
small=$(( f0 > f1 ? f1 : f0 ))
if [ "$small" -ge 36 ]; then
	mib=$((big + 32))
	share0=$(( f0 / 2 * 2 ))
	[ "$share0" -gt "$mib" ] && share0=$mib
	want="$((share0 * 256)) $(( (mib - share0) * 256 )) "
	n=i3-spread
	if numa_create $n $mib; then
		id=$(cat "$W/$n.id")
		is "$(node_pages "$id")" "$want" "$n: $mib MiB over nodes with $f0 / $f1 MiB free: node 0 holds $share0 MiB, node 1 the rest"
		like "$(cat "$W/$n.json")" '"node": 1' "$n: the JSON plan names both nodes"
		numa_destroy $n "$id"
	fi
else
	fail_ok "i3-spread: node free memory $f0 / $f1 MiB leaves no room to spread a guest"
fi

# i4) vnuma=: each vnode's pages on its pnode; Xen holds the guest's vNUMA.
settle_memory "$FREE0"
n=i4-vnuma
if numa_create $n 128 --vcpus=2 --vnuma="pnode=1 size=64 vcpus=0;pnode=0 size=64 vcpus=1"; then
	id=$(cat "$W/$n.id")
	is "$(node_pages "$id")" "16384 16384 2 vnodes, 2 vcpus, guest physical layout:" \
		"$n: 16384 pages on each node, and Xen dumps 2 vnodes for domain $id"
	is "$(affinity "$id" 0)" "all / 1" "$n: vCPU 0 (vnode 0, pnode 1) soft cpu 1"
	is "$(affinity "$id" 1)" "all / 0" "$n: vCPU 1 (vnode 1, pnode 0) soft cpu 0"
	numa_destroy $n "$id"
fi

# i5) a vnode larger than its pnode's free memory, and a pnode Xen lacks:
#     refused before the domain is made, nothing left.
fails_clean i5-vnuma-over-node "vnuma: node 1: the vnodes on it need" --kernel="$ELF" \
	--memory=$((f1 + 64)) --vnuma="pnode=1 size=$((f1 + 64)) vcpus=0"
fails_clean i5-vnuma-pnode "pnode 2 is not on this host (it has 2 nodes)" --kernel="$ELF" \
	--memory=128 --vnuma="pnode=2 size=128 vcpus=0"
# i6) larger than the host, pinned to node 1: refused at the claim.
fails_clean i6-host-too-small "cannot hold the guest's" --kernel="$ELF" \
	--memory=$((FREE0 + 64)) --cpus=nodes:1
like "$(cat "$W/i6-host-too-small.err")" "nothing populated" "i6-host-too-small: the error says nothing was populated"
diag "time: i) $(since "$t") s"
