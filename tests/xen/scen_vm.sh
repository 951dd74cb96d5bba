# SPDX-License-Identifier: GPL-2.0-or-later
# h) Whole VMs (sourced by scenarios.sh, whose helpers it uses): Debian's
# kernel from an xl config with a raw disk image (a file, through the loop
# device the block hotplug script sets up) and a vif on a bridge, both
# added through libxl by pvbuild create.  The guest's /init (pvbuild_vm=
# block, mkinitramfs.sh) reads the marker written here from /dev/xvda,
# writes one back, and pings dom0 over IPv6 link-local (and is pinged).
# Then xl's view of the domain, block-attach/detach, destroy; and the
# refusals: an unsupported key, a disk whose target does not exist.

# xs PATH: a xenstore value, "" when absent.
xs() { xenstore-read "$1" 2>/dev/null; }
xs_is() { [ "$(xs "$1")" = "$2" ]; }
xs_gone() { ! xenstore-exists "$1" 2>/dev/null; }
# The domain id pvbuild create reported on stderr.
created_id() { sed -n 's/^pvbuild: domain \([0-9]*\) built.*/\1/p' "$1" | head -n 1; }
bridge_ports() { ls /sys/class/net/xenbr0/brif 2>/dev/null | tr '\n' ' '; }
loops_of() { losetup -a 2>/dev/null | grep -c -- "$1"; }

t_vm=$(now)
# dom0's side of the network: a bridge with fe80::1, nothing else on it.
ip link add name xenbr0 type bridge stp_state 0 forward_delay 0 2>"$W/br.err"
echo 0 >/proc/sys/net/ipv6/conf/xenbr0/accept_dad
ip -6 addr add fe80::1/64 dev xenbr0 2>>"$W/br.err"
ip link set xenbr0 up 2>>"$W/br.err"
ok_if "vm: dom0 has bridge xenbr0 with fe80::1" sh -c 'ip -6 addr show dev xenbr0 | grep -q "fe80::1/64"'
show "$W/br.err"

settle_memory "$FREE0"
vm_free0=$(free_mib)
name=vm1
token=tok$$
disk=$W/$name.img
dd if=/dev/zero of="$disk" bs=1M count=8 2>/dev/null
printf 'pvbuild-in=%s' "$token" | dd of="$disk" conv=notrunc 2>/dev/null
mac=00:16:3e:5a:00:01
cat >"$W/$name.cfg" <<CFG
name = "$name"
type = "pv"
kernel = "$ELF"
ramdisk = "$RD"
memory = $MEM
vcpus = 1
cmdline = "$(cmdline_for $name) pvbuild_vm=$token"
disk = [ 'format=raw, vdev=xvda, access=rw, target=$disk' ]
vif = [ 'bridge=xenbr0, mac=$mac' ]
on_poweroff = "destroy"
CFG
pvbuild create --host=xen --paused "$W/$name.cfg" >"$W/$name.out" 2>"$W/$name.err"
rc=$?
id=$(created_id "$W/$name.err")
if [ $rc -ne 0 ] || [ -z "$id" ]; then
	fail_ok "$name: pvbuild create --paused of an xl config with disk= and vif= (exit $rc): $(grep -v warning "$W/$name.err" | head -n 1)"
	show "$W/$name.err"
else
	echo "ok $((tap_n += 1)) - $name: pvbuild create --paused with disk= and vif= built domain $id"
	like "$(cat "$W/$name.err")" "1 disk(s) and 1 vif(s) set up" "$name: pvbuild says the devices are set up"
	vbd=/local/domain/0/backend/vbd/$id/51712
	vif=/local/domain/0/backend/vif/$id/0
	node=$(xs "$vbd/node")
	like "$node" "/dev/loop" "$name: the block script put the image on a loop device (${node:-none})"
	is "$(losetup -a 2>/dev/null | grep -- "$disk" | cut -d: -f1)" "$node" "$name: losetup -a lists $disk on $node"
	is "$(xs "$vbd/params")" "$disk" "$name: vbd backend params is the image"
	is "$(xs "$vif/bridge")" xenbr0 "$name: vif backend on xenbr0"
	is "$(xs "$vif/mac")" "$mac" "$name: vif backend has the config's mac"
	is "$(xs /libxl/$id/type)" pv "$name: /libxl/$id/type is pv"
	like "$(xs /local/domain/$id/vm)" "/vm/" "$name: /local/domain/$id/vm names its /vm/UUID"
	# The domain owns its control nodes (libxl's perms): xenstore-ls -p shows owner first.
	like "$(xenstore-ls -p /local/domain/$id/control 2>/dev/null | grep feature-poweroff)" "(n$id)" \
		"$name: control/feature-poweroff is owned by domain $id"
	xl list -l "$name" >"$W/$name.json" 2>"$W/$name.xlerr"
	is "$?" 0 "$name: xl list -l $name reads the domain's libxl configuration"
	show "$W/$name.xlerr"
	like "$(tr -d ' \n' <"$W/$name.json")" "\"vdev\":\"xvda\"" "$name: xl list -l shows the disk"
	like "$(tr -d ' \n' <"$W/$name.json")" "\"bridge\":\"xenbr0\"" "$name: xl list -l shows the vif"

	log=$LOGDIR/guest-$name.log
	t_run=$(now)
	ok_if "$name: xl unpause $id" xl unpause "$id"
	wait_until "$BOOT_TIMEOUT" marker_or_down "$log" "pvbuild-vm: ready" "$id"
	if ! log_has "$log" "pvbuild-vm: ready"; then
		diag "$name: no 'ready' after $(since "$t_run") s; domain $(state "$id"); end of $log:"
		tail -n 12 "$log" 2>/dev/null | sed 's/^/#   /'
	else
		diag "time: $name from unpause to ready $(since "$t_run") s"
	fi
	wait_until 30 xs_is "$vbd/state" 4
	is "$(xs "$vbd/state")" 4 "$name: vbd backend connected (state 4)"
	wait_until 30 xs_is "$vif/state" 4
	is "$(xs "$vif/state")" 4 "$name: vif backend connected (state 4)"
	vifdev=$(xs "$vif/vifname")
	vifdev=${vifdev:-vif$id.0}
	like "$(bridge_ports)" "$vifdev" "$name: $vifdev is a port of xenbr0"
	like "$(tr -d '\r' <"$log")" "pvbuild-vm: disk-read=pvbuild-in=$token" "$name: the guest read the marker from /dev/xvda"
	like "$(tr -d '\r' <"$log")" "pvbuild-vm: ping-dom0=ok" "$name: the guest pinged dom0's fe80::1 over the vif"
	is "$(xs /local/domain/$id/control/feature-poweroff)" 1 "$name: the guest wrote control/feature-poweroff = 1"
	ok_if "$name: no 'Error -13' from the guest's xenstore writes" sh -c "! grep -q 'Error -13' '$log'"

	# xl manages the domain's devices too.
	disk2=$W/$name-2.img
	dd if=/dev/zero of="$disk2" bs=1M count=1 2>/dev/null
	xl block-attach "$name" "format=raw, vdev=xvdb, access=ro, target=$disk2" >"$W/$name.attach" 2>&1
	is "$?" 0 "$name: xl block-attach $name xvdb"
	show "$W/$name.attach"
	vbd2=/local/domain/0/backend/vbd/$id/51728
	wait_until 30 xs_is "$vbd2/state" 4
	is "$(xs "$vbd2/state")" 4 "$name: the attached xvdb connects (state 4)"
	like "$(xl block-list "$name" 2>&1 | tr -s ' ')" "51728 " "$name: xl block-list shows xvdb"
	xl block-detach "$name" xvdb >"$W/$name.detach" 2>&1
	is "$?" 0 "$name: xl block-detach $name xvdb"
	show "$W/$name.detach"
	wait_until 30 xs_gone "$vbd2"
	ok_if "$name: xvdb's backend node is gone" xs_gone "$vbd2"
	is "$(loops_of "$disk2")" 0 "$name: xvdb's loop device released"

	# dom0 pings the guest; the guest then goes on to power off.
	# One echo: the guest powers off once it has seen one.
	ping -6 -c 1 -w "$(scaled 30)" -I xenbr0 fe80::2 >"$W/$name.ping" 2>&1
	is "$?" 0 "$name: dom0 pings the guest's fe80::2 over xenbr0"
	show "$W/$name.ping"
	wait_until 60 state_is "$id" "shutdown:*"
	is "$(state "$id")" shutdown:poweroff "$name: the guest powered off"
	ok_if "$name: the guest saw dom0's echo requests ($(tr -d '\r' <"$log" | grep -o 'pinged-by-dom0=[0-9]*'))" \
		grep -q -E 'pvbuild-vm: pinged-by-dom0=[1-9]' "$log"

	ok_if "$name: pvbuild destroy $id" pvbuild destroy "$id"
	wait_until 60 state_is "$id" gone
	is "$(state "$id")" gone "$name: domain $id is gone"
	ok_if "$name: no vbd backend nodes left" xs_gone "/local/domain/0/backend/vbd/$id"
	ok_if "$name: no vif backend nodes left" xs_gone "/local/domain/0/backend/vif/$id"
	ok_if "$name: no /local/domain/$id, no /libxl/$id" sh -c "! xenstore-exists /local/domain/$id && ! xenstore-exists /libxl/$id"
	is "$(loops_of "$disk")" 0 "$name: the loop device is released (losetup -a)"
	ok_if "$name: $vifdev is gone from the bridge ($(bridge_ports))" sh -c "! ls /sys/class/net/xenbr0/brif | grep -q '$vifdev'"
	back=$(dd if="$disk" bs=512 skip=8 count=1 2>/dev/null | tr -cd 'A-Za-z0-9=_-')
	is "$back" "pvbuild-out=$token" "$name: the guest's marker is in the image after it is gone"
	settle_memory "$vm_free0"
	is "$(free_mib)" "$vm_free0" "$name: free memory back to $vm_free0 MiB"
fi
is "$(domains)" "" "$name: no domain left"

# A key pvbuild cannot give: refused, nothing created.
name=vm-pci
sed -e "s/^name = .*/name = \"$name\"/" "$W/vm1.cfg" >"$W/$name.cfg"
echo "pci = [ '0000:00:1f.2' ]" >>"$W/$name.cfg"
pvbuild create --host=xen --paused "$W/$name.cfg" >"$W/$name.out" 2>"$W/$name.err"
is "$?" 1 "$name: pvbuild create refuses pci= (exit 1)"
like "$(head -n 1 "$W/$name.err")" "$name.cfg: unsupported key pci" "$name: the error names the file and the key"
is "$(domains)" "" "$name: no domain created"

# A disk whose target does not exist, and what says so: libxl itself
# (it stats the target before it runs the block script), or, with
# script=block, the block script (Xen 4.17's exits with status 1 and no
# hotplug-error for a path that is neither a file nor a block device).
nodisk() { # NAME SCRIPT_SETTING REASON_STARTS [REASON_HAS]
	name=$1
	settle_memory "$vm_free0"
	free_before=$(free_mib)
	sed -e "s/^name = .*/name = \"$name\"/" \
		-e "s|^disk = .*|disk = [ 'format=raw, vdev=xvda, access=rw, $2target=$W/missing.img' ]|" \
		"$W/vm1.cfg" >"$W/$name.cfg"
	pvbuild create --host=xen --paused -v "$W/$name.cfg" >"$W/$name.out" 2>"$W/$name.err"
	is "$?" 1 "$name: pvbuild create fails (exit 1)"
	line=$(grep "^pvbuild: $W/$name.cfg: disk" "$W/$name.err")
	like "$line" "disk xvda (target $W/missing.img): $3" "$name: the error names the disk and the reason: ${line#pvbuild: }"
	[ -z "${4:-}" ] || like "$line" "$4" "$name: the reason has \"$4\""
	like "$line" "destroyed domain" "$name: and says the domain was destroyed"
	[ -n "$line" ] || grep -v ': info: \(libxl: \)*libxl: debug' "$W/$name.err" | tail -n 12 | sed 's/^/#   /'
	is "$(domains)" "" "$name: no domain left"
	ok_if "$name: no backend nodes left" sh -c "! xenstore-ls /local/domain/0/backend 2>/dev/null | grep -q '^ *[0-9]'"
	is "$(loops_of "$W/missing.img")" 0 "$name: no loop device"
	settle_memory "$free_before"
	is "$(free_mib)" "$free_before" "$name: free memory back to $free_before MiB"
}
nodisk vm-nodisk "" "Disk vdev=xvda failed to stat: $W/missing.img"
nodisk vm-nodisk-script "script=block, " "/etc/xen/scripts/block add [" "exited with error status 1"
is "$(bridge_ports)" "" "vm: no vif left on xenbr0"
ip link del xenbr0 2>/dev/null
diag "time: h) whole VMs $(since "$t_vm") s"
