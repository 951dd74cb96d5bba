# SPDX-License-Identifier: GPL-2.0-or-later
# Whole-VM lifecycle on the real Xen (sourced by scenarios.sh, which gives
# the helpers: wait_until, state, is/like/ok_if, diag, show, domains,
# free_mib, settle_memory, ELF, RD, MEM, LOGDIR, W, FREE0).
#
# The domU's /init (mkinitramfs.sh) prints its marker line and then does
# what pvbuild_action= on its command line says: poweroff, reboot, crash,
# or wait for a shutdown request.  Every domain here is made by
# `pvbuild create CONFIG` without -p, so pvbuild's monitor applies the
# config's on_* actions; its log is /var/log/xen/pvbuild-NAME.log.

life_cfg() { # NAME ACTION ON_POWEROFF ON_REBOOT ON_CRASH [LOGLEVEL]
	cat >"$W/$1.cfg" <<EOF
name = "$1"
type = "pv"
kernel = "$ELF"
ramdisk = "$RD"
memory = $MEM
vcpus = 1
cmdline = "console=hvc0 loglevel=${6:-4} marker=$1 pvbuild_action=$2"
on_poweroff = "$3"
on_reboot = "$4"
on_crash = "$5"
EOF
}
# The domain id a name has now ("" when none), as xl resolves it.
domid_of() { xl domid "$1" 2>/dev/null; }
has_domid() { [ -n "$(domid_of "$1")" ]; }
no_domid() { [ -z "$(domid_of "$1")" ]; }
# markers LOG NAME: how many times the guest reached its /init.
markers() { grep -c -- "pvbuild-domu: marker=$2 " "$1" 2>/dev/null || true; }
markers_at_least() { [ "$(markers "$1" "$2")" -ge "$3" ]; }
other_domid() { _d=$(domid_of "$1"); [ -n "$_d" ] && [ "$_d" != "$2" ]; }
mon_log() { echo "/var/log/xen/pvbuild-$1.log"; }
# created NAME: the id pvbuild create said it started.
created_id() { sed -n 's/^pvbuild: domain \([0-9]*\) running$/\1/p' "$W/$1.err" | head -n 1; }
show_mon() { [ -s "$(mon_log "$1")" ] && sed 's/^/#   monitor: /' "$(mon_log "$1")" | tail -n 12; return 0; }
life_create() { # NAME ARGS...: pvbuild create ARGS, stdout/stderr kept
	_n=$1; shift
	pvbuild create "$@" >"$W/$_n.out" 2>"$W/$_n.err"
}

t_life=$(now)
life_before=$(domains)

# --- create -n on Xen: a plan, and no domain -----------------------------
life_cfg l0-dry poweroff destroy restart destroy
life_create l0-dry -n "$W/l0-dry.cfg"
is "$?" 0 "l0-dry: pvbuild create -n on Xen"
like "$(cat "$W/l0-dry.out")" "nothing built" "l0-dry: it says nothing was built"
is "$(domains)" "$life_before" "l0-dry: no domain appeared"
ok_if "l0-dry: no domain has its name" no_domid l0-dry

# --- on_reboot=restart: same name, new domid, boots again; then a
#     poweroff request and on_poweroff=destroy leave nothing ---------------
name=l1-reboot
t=$(now)
life_cfg $name reboot destroy restart destroy
settle_memory "$FREE0"
free_before=$(free_mib)
log=$LOGDIR/guest-$name.log
life_create $name "$W/$name.cfg"
rc=$?
id1=$(created_id $name)
is "$rc" 0 "$name: pvbuild create CONFIG starts the domain and returns"
[ $rc -eq 0 ] || show "$W/$name.err"
like "$(cat "$W/$name.err")" "monitor started, log $(mon_log $name)" "$name: a monitor is left behind, logging to $(mon_log $name)"
is "$(domid_of $name)" "${id1:-none}" "$name: xl resolves the name to domain ${id1:-?}"
if [ -n "$id1" ]; then
	wait_until "$BOOT_TIMEOUT" markers_at_least "$log" $name 1
	is "$(markers "$log" $name)" 1 "$name: domain $id1 reached its /init"
	# It reboots 10 s after its marker; the monitor builds it again.
	wait_until "$BOOT_TIMEOUT" other_domid $name "$id1"
	id2=$(domid_of $name)
	ok_if "$name: after the guest rebooted, the name has a new domain (${id2:-none}, was $id1)" \
		sh -c "[ -n '$id2' ] && [ '$id2' != '$id1' ]"
	is "$(state "$id1")" gone "$name: the old domain $id1 is gone"
	wait_until "$BOOT_TIMEOUT" markers_at_least "$log" $name 2
	is "$(markers "$log" $name)" 2 "$name: the new domain ${id2:-?} booted again to its /init"
	# It would reboot again, and be restarted again, for ever: hold the
	# monitor now (it is idle, waiting), see the guest reboot by itself
	# once more, destroy it by name and let the monitor go on: it finds
	# the domain gone and ends.
	mpid=$(sed -n 's/.*pvbuild-monitor\[\([0-9]*\)\].*/\1/p' "$(mon_log $name)" | tail -n 1)
	kill -STOP "${mpid:-0}" 2>/dev/null
	like "$(cat "$(mon_log $name)")" "domain $id1: shut down (reboot, code 1): action restart" \
		"$name: the monitor saw the reboot and restarted"
	like "$(cat "$(mon_log $name)")" "restarted as domain ${id2:-?}" "$name: its log names the new domain"
	like "$(pvbuild list $name 2>&1)" " yes" "$name: the restarted domain is marked as pvbuild's"
	ok_if "$name: the monitor (pid ${mpid:-?}) is still there" kill -0 "${mpid:-0}"
	wait_until 60 state_is "${id2:-0}" "shutdown:*"
	is "$(state "${id2:-0}")" shutdown:reboot "$name: domain ${id2:-?} rebooted by itself again"
	ok_if "$name: pvbuild destroy $name (by name)" pvbuild destroy $name
	kill -CONT "${mpid:-0}" 2>/dev/null
	wait_until 60 no_domid $name
	ok_if "$name: no domain has the name" no_domid $name
	is "$(state "${id2:-0}")" gone "$name: domain ${id2:-?} is gone"
	wait_until 30 log_has "$(mon_log $name)" "exiting"
	like "$(cat "$(mon_log $name)")" "destroyed by someone else; nothing left to watch" \
		"$name: the monitor saw it gone and ended"
	settle_memory "$free_before"
	is "$(free_mib)" "$free_before" "$name: xl info's free memory is back to $free_before MiB"
	show_mon $name
else
	fail_ok "$name: no domain id from pvbuild create: $(head -n 1 "$W/$name.err")"
	show "$W/$name.err"
fi
diag "time: $name $(since "$t") s"

# --- on_crash=preserve: the crashed domain stays -------------------------
name=l2-crash
t=$(now)
life_cfg $name crash destroy destroy preserve
log=$LOGDIR/guest-$name.log
life_create $name "$W/$name.cfg"
is "$?" 0 "$name: pvbuild create CONFIG"
id=$(created_id $name)
if [ -n "$id" ]; then
	wait_until "$BOOT_TIMEOUT" state_is "$id" "shutdown:*"
	is "$(state "$id")" shutdown:crash "$name: the guest crashed (a kernel panic)"
	wait_until 30 log_has "$(mon_log $name)" "preserved"
	like "$(cat "$(mon_log $name)")" "action preserve" "$name: the monitor applied on_crash=preserve"
	sleep 2
	is "$(state "$id")" shutdown:crash "$name: domain $id is still there, crashed"
	like "$(pvbuild list --json $name 2>&1 | tr -d ' \n')" '"shutdown_reason":"crash"' \
		"$name: pvbuild list --json gives the crash"
	ok_if "$name: pvbuild destroy $name (by name)" pvbuild destroy $name
	wait_until 60 state_is "$id" gone
	is "$(state "$id")" gone "$name: domain $id destroyed"
	show_mon $name
else
	fail_ok "$name: no domain id: $(head -n 1 "$W/$name.err")"
	show "$W/$name.err"
fi
diag "time: $name $(since "$t") s"

# --- xl on a pvbuild domain; pvbuild list; names -------------------------
name=l3-wait
t=$(now)
life_cfg $name wait destroy destroy destroy
settle_memory "$FREE0"
free_before=$(free_mib)
log=$LOGDIR/guest-$name.log
life_create $name "$W/$name.cfg"
is "$?" 0 "$name: pvbuild create CONFIG"
id=$(created_id $name)
if [ -n "$id" ]; then
	wait_until "$BOOT_TIMEOUT" markers_at_least "$log" $name 1
	is "$(markers "$log" $name)" 1 "$name: the guest reached its /init and waits"
	xl list >"$W/$name.xl" 2>&1
	ok_if "$name: xl list shows it by name and id" grep -q "^$name  *$id " "$W/$name.xl"
	pvbuild list >"$W/$name.list" 2>&1
	is "$?" 0 "$name: pvbuild list"
	ok_if "$name: pvbuild list: $name, id $id, 256 MiB, 1 vCPU, pvbuild's" \
		grep -q -E "^$name +$id +25[0-9] +1 +[-rb]{2}---- +[0-9.]+ yes$" "$W/$name.list"
	ok_if "$name: pvbuild list: dom0 is there, not pvbuild's" \
		grep -q -E "^Domain-0 +0 .* no$" "$W/$name.list"
	grep -E "^($name|Domain-0) " "$W/$name.list" | sed 's/^/#   /'
	pvbuild list --json >"$W/$name.json" 2>&1
	like "$(tr -d ' \n' <"$W/$name.json")" "{\"domid\":$id,\"name\":\"$name\"," "$name: pvbuild list --json has it"
	like "$(tr -d ' \n' <"$W/$name.json")" "\"state\":\"" "$name: with its state"
	like "$(tr -d ' \n' <"$W/$name.json" | sed 's/},{/}\n{/g' | grep "\"name\":\"$name\"")" '"pvbuild":true' \
		"$name: marked as pvbuild's in --json"
	# A second domain may not take a name that is in use.
	pvbuild create "$W/$name.cfg" >/dev/null 2>"$W/$name.dup"
	is "$?" 1 "$name: a second create with the same name fails"
	like "$(cat "$W/$name.dup")" "a domain named '$name' exists already (domain $id)" "$name: saying which domain has it"
	# The guest's kernel announces what it supports (it needs write access
	# to its control/ node; the domain's node permissions are not this
	# scenario's work).
	if grep -q "feature-poweroff" "$log"; then
		diag "$name: the guest could not write control/feature-poweroff: $(grep -m1 feature-poweroff "$log" | tr -d '\r')"
	fi
	# pvbuild console NAME, attached while the guest waits, sees its
	# last words and ends when it is gone.
	timeout "$(scaled 120)" pvbuild console $name >"$W/$name.con" 2>"$W/$name.conerr" &
	con_pid=$!
	sleep 2
	ok_if "$name: xl shutdown $name" xl shutdown $name
	wait_until 60 state_is "$id" gone
	wait "$con_pid"
	is "$?" 0 "$name: pvbuild console $name ended by itself when the guest went"
	like "$(tr -d '\r' <"$W/$name.con")" "pvbuild-domu: asked to power off" "$name: pvbuild console showed the guest's last line"
	like "$(cat "$W/$name.conerr")" "domain $id" "$name: and said what became of domain $id: $(head -n 1 "$W/$name.conerr")"
	is "$(state "$id")" gone "$name: the guest powered off on xl's request; on_poweroff=destroy: the monitor destroyed it"
	like "$(cat "$log" | tr -d '\r')" "pvbuild-domu: asked to power off" "$name: the guest's /init saw the request"
	wait_until 30 log_has "$(mon_log $name)" "exiting"
	like "$(cat "$(mon_log $name)")" "destroyed; done" "$name: the monitor destroyed it and exited"
	settle_memory "$free_before"
	is "$(free_mib)" "$free_before" "$name: nothing left: xl info's free memory is back to $free_before MiB"
	show_mon $name

	# pvbuild shutdown -w by name.
	life_create $name "$W/$name.cfg"
	id=$(created_id $name)
	if [ -n "$id" ]; then
		wait_until "$BOOT_TIMEOUT" markers_at_least "$log" $name 2
		pvbuild shutdown -w $name >"$W/$name.sd" 2>&1
		is "$?" 0 "$name: pvbuild shutdown -w $name (domain $id)"
		like "$(cat "$W/$name.sd")" "shut down (poweroff)" "$name: it waited for the poweroff"
		wait_until 60 state_is "$id" gone
		is "$(state "$id")" gone "$name: on_poweroff=destroy: domain $id is gone"
	else
		fail_ok "$name: create for shutdown: $(head -n 1 "$W/$name.err")"
	fi

	# pvbuild reboot by name, and on_reboot=destroy.
	life_create $name "$W/$name.cfg"
	id=$(created_id $name)
	if [ -n "$id" ]; then
		wait_until "$BOOT_TIMEOUT" markers_at_least "$log" $name 3
		pvbuild reboot -w $name >"$W/$name.rb" 2>&1
		is "$?" 0 "$name: pvbuild reboot -w $name (domain $id)"
		like "$(cat "$W/$name.rb")" "shut down (reboot)" "$name: the guest rebooted on request"
		wait_until 60 state_is "$id" gone
		is "$(state "$id")" gone "$name: on_reboot=destroy: domain $id is gone"
		ok_if "$name: and nothing took its name" no_domid $name
	else
		fail_ok "$name: second create: $(head -n 1 "$W/$name.err")"
	fi
else
	fail_ok "$name: no domain id: $(head -n 1 "$W/$name.err")"
	show "$W/$name.err"
fi
diag "time: $name $(since "$t") s"

# --- on_reboot=rename-restart: the old domain is kept under a new name ----
# A 60-byte name: the kept one, NAME-YYYYMMDDTHHMMZ, must still fit the
# 63-byte limit, so it keeps the name's first 48 bytes and the time.
name=l5-rename-$(printf '%050d' 0)
kept=$(printf %s "$name" | cut -c 1-48)
t=$(now)
life_cfg $name reboot destroy rename-restart destroy
log=$LOGDIR/guest-$name.log
# The kept domain and its successor both hold memory: 160 MiB each fits.
life_create $name "$W/$name.cfg" memory=160
is "$?" 0 "$name: pvbuild create CONFIG"
id1=$(created_id $name)
if [ -n "$id1" ]; then
	wait_until "$BOOT_TIMEOUT" other_domid $name "$id1"
	id2=$(domid_of $name)
	ok_if "$name: after the reboot the name has a new domain (${id2:-none}, was $id1)" \
		sh -c "[ -n '$id2' ] && [ '$id2' != '$id1' ]"
	renamed=$(xl list 2>/dev/null | awk -v n="$kept-20" 'index($1, n) == 1 { print $1 }' | head -n 1)
	like "${renamed:-none}" "$kept-20" "$name: the old domain is kept as its first 48 bytes-YYYYMMDDTHHMMZ (${renamed:-none})"
	is "${#renamed}" 63 "$name: that name is 63 bytes, the limit"
	vm_of_id1=$(xenstore-read "/local/domain/$id1/vm" 2>/dev/null)
	is "$(xenstore-read "${vm_of_id1:-/none}/name" 2>/dev/null)" "${renamed:-none}" \
		"$name: its VM's name (${vm_of_id1:-no vm node}/name) is the new one too, as libxl renames"
	is "$(domid_of "${renamed:-none}")" "$id1" "$name: under that name it is domain $id1"
	is "$(state "$id1")" shutdown:reboot "$name: as it stopped (shut down: reboot)"
	wait_until "$BOOT_TIMEOUT" markers_at_least "$log" $name 2
	is "$(markers "$log" $name)" 2 "$name: the new domain booted to its /init"
	# As in l1: hold the monitor before the new one reboots again.
	mpid=$(sed -n 's/.*pvbuild-monitor\[\([0-9]*\)\].*/\1/p' "$(mon_log $name)" | tail -n 1)
	kill -STOP "${mpid:-0}" 2>/dev/null
	ok_if "$name: pvbuild destroy $name (the new one)" pvbuild destroy $name
	kill -CONT "${mpid:-0}" 2>/dev/null
	wait_until 60 no_domid $name
	ok_if "$name: the new one is gone" no_domid $name
	ok_if "$name: pvbuild destroy ${renamed:-none} (the kept one, by its new name)" pvbuild destroy "${renamed:-none}"
	wait_until 60 state_is "$id1" gone
	is "$(state "$id1")" gone "$name: domain $id1 is gone too"
	show_mon $name
else
	fail_ok "$name: no domain id: $(head -n 1 "$W/$name.err")"
	show "$W/$name.err"
fi
diag "time: $name $(since "$t") s"

# --- create -c with xenconsoled running: the whole boot log, as
#     xenconsoled logs it ------------------------------------------------
name=l4-console
t=$(now)
# The kernel's whole boot log (loglevel=8: every message on the console).
life_cfg $name poweroff destroy destroy destroy 8
log=$LOGDIR/guest-$name.log
ok_if "$name: xenconsoled runs" pidof xenconsoled
# -q: stdout is then the console alone (no layout report before it).
timeout "$(scaled "$BOOT_TIMEOUT")" pvbuild create -q -c "$W/$name.cfg" >"$W/$name.out" 2>"$W/$name.err"
rc=$?
is "$rc" 0 "$name: pvbuild create -c runs until the guest shuts down"
[ $rc -eq 0 ] || show "$W/$name.err"
like "$(tr -d '\r' <"$W/$name.out")" "pvbuild-domu: marker=$name cpus=1 " "$name: the guest's /init line came through xenconsoled's pty"
like "$(cat "$W/$name.err")" "shut down (poweroff)" "$name: pvbuild says the guest powered off"
wait_until 30 log_has "$log" "pvbuild-domu: marker=$name "
# Compared up to the end of the marker line: that is the boot log the
# guest wrote before its /init powered it off; what a guest writes in the
# instant it powers off may reach xenconsoled's log after the pty closes.
upto_marker() { awk -v m="pvbuild-domu: marker=$name " '{ print } index($0, m) { exit }' "$1"; }
upto_marker "$W/$name.out" >"$W/$name.out.boot"
upto_marker "$log" >"$W/$name.log.boot"
out_len=$(wc -c <"$W/$name.out.boot") log_len=$(wc -c <"$W/$name.log.boot")
ok_if "$name: the boot log is a whole kernel boot ($out_len bytes through the pty, $log_len in xenconsoled's log)" \
	[ "$log_len" -gt 10000 ]
like "$(head -c 300 "$W/$name.out.boot")" "Linux version" "$name: the pty's stream starts at the kernel's first line"
ok_if "$name: byte for byte what xenconsoled logged, from the first byte to the /init marker" \
	cmp -s "$W/$name.out.boot" "$W/$name.log.boot"
cmp "$W/$name.out.boot" "$W/$name.log.boot" 2>&1 | sed 's/^/#   /'
head -c 120 "$W/$name.out" | od -c | head -n 3 | sed 's/^/#   pty: /'
if cmp -s "$W/$name.out" "$log"; then
	diag "$name: the whole streams are identical too ($(wc -c <"$log") bytes)"
else
	diag "$name: after the marker: pty $(wc -c <"$W/$name.out") bytes, log $(wc -c <"$log") bytes in all"
fi
wait_until 60 no_domid $name
ok_if "$name: the monitor destroyed it (on_poweroff=destroy)" no_domid $name
diag "time: $name $(since "$t") s"

settle_memory "$FREE0"
is "$(domains)" "$life_before" "lifecycle: no domain left behind"
diag "time: lifecycle scenarios $(since "$t_life") s"
