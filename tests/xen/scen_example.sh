# SPDX-License-Identifier: GPL-2.0-or-later
# e) The example toolstack (examples/mini-toolstack.c; sourced by
# scenarios.sh, whose helpers it uses): it creates its own domain with its
# own libxenctrl handle, event channels and xenstore handle, hands them to
# pvb_host_xen_open_handles, calls only pvb_build and pvb_verify, then
# introduces and unpauses the domain.  Debian's kernel must reach its
# /init (the marker on its console), and after destroy `xl list` shows no
# domain but dom0.
if command -v mini-toolstack >/dev/null 2>&1; then
	name=mts marker=mts
	t=$(now)
	mini-toolstack --xen --name="$name" --memory=$MEM --ramdisk="$RD" \
		--cmdline="$(cmdline_for "$marker")" "$BZ" >"$W/$name.out" 2>"$W/$name.err"
	rc=$?
	line=$(head -n 1 "$W/$name.out")
	is "$rc" 0 "$name: mini-toolstack --xen exits 0 in $(since "$t") s"
	show "$W/$name.err"
	like "$line" "mini-toolstack: xen: domain " "$name: it says it built a domain: $line"
	like "$line" "checks), running" "$name: pvb_verify passed and the domain runs"
	id=$(echo "$line" | sed -n 's/^mini-toolstack: xen: domain \([0-9]*\) .*/\1/p')
	if [ -n "$id" ]; then
		log=$LOGDIR/guest-$name.log
		wait_until "$BOOT_TIMEOUT" marker_or_down "$log" "pvbuild-domu: marker=$marker " "$id"
		if log_has "$log" "pvbuild-domu: marker=$marker "; then
			got=$(grep -- "pvbuild-domu: marker=$marker " "$log" | head -n 1 | tr -d '\r')
		else
			got="(no marker; domain $(state "$id"))"
			tail -n 8 "$log" 2>/dev/null | sed 's/^/#   /'
		fi
		like "$got" "marker=$marker cpus=1 " "$name: Debian's kernel reached its /init in the toolstack's own domain $id"
		ok_if "$name: pvbuild destroy $id" pvbuild destroy "$id"
		wait_until 60 state_is "$id" gone
		is "$(state "$id")" gone "$name: domain $id is gone"
	else
		fail_ok "$name: no domain id in mini-toolstack's line"
	fi
	is "$(domains)" "" "$name: xl list shows no domain but dom0"
	diag "time: $name $(since "$t") s"
else
	fail_ok "mini-toolstack: not in dom0 (make examples/mini-toolstack)"
fi
