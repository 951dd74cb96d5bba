#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The end-to-end scenarios, run by dom0's /init under a real Xen (see
# run.sh).  Prints TAP; /init prefixes each line with "TAP: ".
#
# What dom0 holds (mkinitramfs.sh, run.sh):
#   /payload/vmlinuz      Debian's kernel, a bzImage with an xz payload
#   /payload/vmlinux      the same kernel as a raw ELF (extracted by run.sh)
#   /payload/domu.cpio.gz busybox and an /init printing
#                         "pvbuild-domu: marker=M cpus=N memtotal_kb=K" on hvc0
#   /payload/guests/*     our PV test guests (tests/guests/): each prints
#                         "pvbuild-guest: PASS" or "FAIL" and powers off
#                         (crashes on failure)
#   /payload/facts        values read on the build host with binutils'
#                         readelf and gzip, independently of pvbuild
#   readguest             Xen's libraries' view of a paused domain
#
# Each domain is checked before it first runs (pvbuild verify, readguest)
# and then run until it powers off.  Values printed as "# BENCH:" are
# measurements, not assertions.
. /lib/tap.sh
. /payload/facts

LOGDIR=/var/log/xen/console
W=/tmp/scenarios
mkdir -p "$W"
BZ=/payload/vmlinuz
ELF=/payload/vmlinux
RD=/payload/domu.cpio.gz
MEM=256
NR_PAGES=$((MEM * 256))
BOOT_TIMEOUT=${BOOT_TIMEOUT:-120}
# The reference command line (pv-boot-abi.md's reference build takes
# "console=hvc0 ..."); the marker tells the domU's /init what to print.
cmdline_for() { echo "console=hvc0 loglevel=4 marker=$1"; }

now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
diag() { echo "# $*"; }
# show FILE: its first lines as TAP comments (why something failed).
show() { [ -s "$1" ] && sed -n '1,15s/^/#   /p' "$1"; return 0; }
# field KEY FILE: KEY=VALUE lines as readguest prints them.
field() { sed -n "s/^$1=//p" "$2" | head -n 1; }
free_mib() { xl info 2>/dev/null | sed -n 's/^free_memory *: *\([0-9]*\).*/\1/p'; }
# The domains other than dom0, by id, as Xen has them.
domains() { xl list 2>/dev/null | awk 'NR > 1 && $2 != 0 { print $2 }' | sort -n | tr '\n' ' '; }
# state DOMID: Xen's word for the domain, or "unknown" when three reads in a
# row gave nothing (a busy dom0 can fail a read; that is no evidence of
# anything, and no wait may end on it).
state() {
	for _try in 1 2 3; do
		_st=$(readguest -s "$1" 2>/dev/null | sed -n 's/^state=//p')
		[ -n "$_st" ] && { echo "$_st"; return 0; }
		sleep 0.2
	done
	echo unknown
}
fail_ok() { # description: a failed step that leaves the rest of a scenario moot
	tap_n=$((tap_n + 1)); tap_fail=$((tap_fail + 1))
	echo "not ok $tap_n - $1"
}

# Time limits scale with how fast this machine is running dom0: SLOW is
# how much longer than on an idle 2-core machine a fixed piece of shell work
# takes (at least 1, at most 8).  The load on the machine changes while the
# suite runs, so a wait measures it again every 10 s and its limit grows
# with the slowest figure it saw.  A loaded machine gets longer limits
# instead of failures.
# calibrate N: seconds the loop takes for N rounds.
calibrate() {
	_t=$(now) _i=0
	while [ $_i -lt "$1" ]; do _i=$((_i + 1)); done
	since "$_t"
}
# The idle figure: 20000 rounds in dom0 on this project's 2-core machine
# (tests/xen/run.sh, TCG), the fastest seen, in seconds.
CALIBRATE_IDLE=0.40
# Every figure measured also goes to the console, where tests/xen/run.sh
# reads it: the whole run's time limit grows with their median.
report_slow() { echo "XENHARNESS: slow $1" >/dev/console 2>/dev/null || true; }
# slow_now: SLOW measured now, with a quarter of the loop.
slow_now() {
	_s=$(awk -v t="$(calibrate 5000)" -v idle="$CALIBRATE_IDLE" 'BEGIN {
		s = 4 * t / idle; if (s < 1) s = 1; if (s > 8) s = 8; printf "%.2f", s }')
	report_slow "$_s"
	echo "$_s"
}
CALIBRATE_SECS=$(calibrate 20000)
SLOW=$(awk -v t="$CALIBRATE_SECS" -v idle="$CALIBRATE_IDLE" 'BEGIN {
	s = t / idle; if (s < 1) s = 1; if (s > 8) s = 8; printf "%.2f", s }')
report_slow "$SLOW"
scaled() { awk -v n="$1" -v s="${2:-$SLOW}" 'BEGIN { printf "%d", n * s + 0.5 }'; }
# gt A B: A > B as numbers; false when either is empty, so that a helper
# that died (busybox's awk has crashed in dom0 while a 2-vCPU guest boots)
# can never end a wait_until.
gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 > b + 0) }'; }

# wait_until SECONDS COMMAND...: poll every half second for up to SECONDS
# scaled by the slowest SLOW seen (at the start and during the wait).  On
# timeout it says what it waited for, how long, and the speed it measured.
wait_until() {
	_w_base=$1; shift
	_w_start=$(now) _w_slow=$(slow_now) _w_cal=10
	gt "$SLOW" "$_w_slow" && _w_slow=$SLOW
	while ! "$@" >/dev/null 2>&1; do
		_w_waited=$(since "$_w_start")
		if gt "$_w_waited" "$_w_cal"; then
			_w_s=$(slow_now)
			gt "$_w_s" "$_w_slow" && _w_slow=$_w_s
			_w_cal=$(awk -v w="$_w_waited" 'BEGIN { print w + 10 }')
		fi
		if gt "$_w_waited" "$(scaled "$_w_base" "$_w_slow")"; then
			diag "gave up after $_w_waited s (limit $_w_base s x SLOW $_w_slow) waiting for: $*"
			return 1
		fi
		sleep 0.5
	done
}
log_has() { grep -q -- "$2" "$1" 2>/dev/null; }
# marker_or_down LOG TEXT DOMID: the line is there, or it never will be
# (Xen says the domain has shut down or is gone; a state that could not be
# read is not such evidence).
marker_or_down() {
	log_has "$1" "$2" && return 0
	case $(state "$3") in shutdown:* | dying | gone) return 0 ;; esac
	return 1
}
# shellcheck disable=SC2254 # $2 is a pattern: "shutdown:*"
state_is() { case $(state "$1") in $2) return 0 ;; esac; return 1; }
between() { [ "$1" -gt "$2" ] && [ "$1" -le "$3" ]; }
free_is() { [ "$(free_mib)" = "$1" ]; }

# Wait for memory that dying domains still hold to come back to Xen.
settle_memory() { wait_until 60 free_is "$1" || true; }

# ---------------------------------------------------------------------------
# The harness itself: Xen's toolstack runs in dom0.
t=$(now)
ok_if "harness: xl info runs in dom0" xl info
FREE0=$(free_mib)
ok_if "harness: xl info gives free_memory (${FREE0:-none} MiB)" [ -n "$FREE0" ]
is "$(domains)" "" "harness: no domain but dom0 runs"
ok_if "harness: readguest is in dom0" command -v readguest
ok_if "harness: pvbuild is in dom0" command -v pvbuild
like "$(cat /payload/facts)" "INIT_P2M=0x" "harness: the Debian kernel's INIT_P2M note was read on the build host"
RD_LEN=$(zcat "$RD" | wc -c)
diag "time: harness $(since "$t") s; calibration loop $CALIBRATE_SECS s (idle $CALIBRATE_IDLE s): limits scaled by SLOW=$SLOW"

# check_layout NAME RGFILE VCPUS P2M_EXPECTED ENTRY CMDLINE:
# what readguest read back from a paused domain.
check_layout() {
	is "$(field magic "$2")" "xen-3.0-x86_64" "$1: start_info magic"
	is "$(field nr_pages "$2")" "$NR_PAGES" "$1: start_info nr_pages is ${MEM} MiB"
	is "$(field vcpus "$2")" "$3" "$1: $3 vCPU(s)"
	is "$(field mfn_list "$2")" "$4" "$1: mfn_list (the P->M list) at $4"
	is "$(field rip "$2")" "$5" "$1: vCPU 0 starts at the kernel's ENTRY note"
	is "$(field pt_base_is_cr3 "$2")" 1 "$1: pt_base is the table cr3 holds"
	is "$(field p2m_m2p_mismatches "$2")" 0 "$1: every P->M entry agrees with Xen's M2P ($(field p2m_checked "$2") checked)"
	# libxenguest gives the ramdisk segment's page-rounded length.
	ok_if "$1: mod_len $(field mod_len "$2") covers the unpacked ramdisk ($RD_LEN bytes) up to a page" \
		between "$(field mod_len "$2")" $((RD_LEN - 1)) $(( (RD_LEN + 4095) / 4096 * 4096 ))
	is "$(field cmd_line "$2")" "$6" "$1: the command line reached start_info"
}

# run_domu NAME DOMID MARKER VCPUS [ring]: unpause a built domain, read its
# /init's line from xenconsoled's log, see it power off.  With "ring" (a
# domain that stays, shut down, until destroyed: pvbuild --paused leaves
# no monitor), the console ring is read back from the guest's memory too
# (readguest -c, at xenstore's console/ring-ref) and must hold the line:
# what the guest wrote where pvbuild told it to, whatever xenconsoled
# made of it.  The line is then taken from the ring when xenconsoled's log
# lacks it (once in a clean CI run the log held the guest's last line,
# "reboot: System halted", but not the /init line the guest wrote into
# the same ring before it); that is shown, not hidden.
run_domu() {
	name=$1 id=$2 marker=$3 vcpus=$4
	log=$LOGDIR/guest-$name.log want="pvbuild-domu: marker=$marker "
	t_run=$(now)
	ok_if "$name: xl unpause $id" xl unpause "$id"
	limit=$BOOT_TIMEOUT
	# Without xenstore nobody reads its console: no use waiting long.
	grep -q 'not introduced' "$W/$name.err" 2>/dev/null && limit=5
	wait_until "$limit" marker_or_down "$log" "$want" "$id"
	# A guest that powers off the instant it wrote its line can be down
	# before xenconsoled has read the line from the ring: a moment more.
	log_has "$log" "$want" || wait_until 10 log_has "$log" "$want"
	t_init=$(since "$t_run")
	ring_line=
	if [ "${5:-}" = ring ]; then
		ref=$(xenstore-read "/local/domain/$id/console/ring-ref" 2>/dev/null)
		readguest -c "$id" "${ref:-none}" >"$W/$name.ring" 2>"$W/$name.ringerr"
		ring_line=$(grep -a -- "$want" "$W/$name.ring" | head -n 1 | tr -d '\r')
		ok_if "$name: its console ring (frame ${ref:-none}, read back from its memory) holds the /init line" \
			[ -n "$ring_line" ]
		[ -n "$ring_line" ] || show "$W/$name.ringerr"
	fi
	if log_has "$log" "$want"; then
		line=$(grep -- "$want" "$log" | head -n 1 | tr -d '\r')
		diag "time: $name from unpause to its /init $t_init s"
	elif [ -n "$ring_line" ]; then
		line=$ring_line
		diag "$name: xenconsoled's log lacks the /init line that the console ring holds (domain $(state "$id") after $t_init s); the log's end:"
		tail -n 8 "$log" 2>/dev/null | sed 's/^/#   /'
	else
		line="(no marker after $t_init s; domain $(state "$id"))"
		diag "$name: end of $log:"
		tail -n 8 "$log" 2>/dev/null | sed 's/^/#   /'
		ls "$LOGDIR" | sed 's/^/#   log: /'
	fi
	like "$line" "marker=$marker cpus=$vcpus " "$name: the kernel ran its /init, which saw the marker and $vcpus CPU(s)"
	memkb=$(echo "$line" | sed -n 's/.*memtotal_kb=\([0-9]*\).*/\1/p')
	ok_if "$name: the guest sees most of its ${MEM} MiB (MemTotal ${memkb:-?} kB)" \
		between "${memkb:-0}" $((MEM * 1024 * 3 / 4)) $((MEM * 1024))
}

# pvb_debian NAME KERNEL VCPUS P2M_OPTION P2M_EXPECTED MARKER:
# pvbuild create --paused, verify, readguest, run, destroy.
pvb_debian() {
	name=$1 kernel=$2 vcpus=$3 p2m=$4 want_p2m=$5 marker=$6
	cmdline=$(cmdline_for "$marker")
	timeit "$W/$name.time" pvbuild create --host=xen --paused --json --name="$name" \
		--kernel="$kernel" --ramdisk="$RD" --memory=$MEM --vcpus="$vcpus" \
		--p2m-vaddr="$p2m" --cmdline="$cmdline" >"$W/$name.json" 2>"$W/$name.err"
	rc=$?
	secs=$(cat "$W/$name.time" 2>/dev/null)
	id=$(sed -n 's/^  "domid": \([0-9]*\),*$/\1/p' "$W/$name.json")
	if [ $rc -ne 0 ] || [ -z "$id" ]; then
		fail_ok "$name: pvbuild create --host=xen --paused (exit $rc): $(head -n 1 "$W/$name.err")"
		show "$W/$name.err"
		return
	fi
	echo "ok $((tap_n += 1)) - $name: pvbuild create --host=xen --paused built domain $id in $secs s"
	is "$(state "$id")" paused "$name: domain $id is paused"
	like "$(cat "$W/$name.err")" "domain $id built, paused" "$name: pvbuild reports the domain (and no xenstore trouble)"
	grep -q 'not introduced' "$W/$name.err" && diag "$name: xenconsoled will not see the console: $(grep 'not introduced' "$W/$name.err")"
	pvbuild verify --kernel="$kernel" "$id" >"$W/$name.verify" 2>&1
	is "$?" 0 "$name: pvbuild verify $id before it runs"
	[ -s "$W/$name.verify" ] && grep -i -E 'fail|not ok' "$W/$name.verify" | sed 's/^/#   /'
	readguest "$id" >"$W/$name.rg" 2>"$W/$name.rgerr"
	is "$?" 0 "$name: readguest $id reads it back through libxenctrl"
	show "$W/$name.rgerr"
	check_layout "$name" "$W/$name.rg" "$vcpus" "$want_p2m" "$KERNEL_ENTRY" "$cmdline"
	run_domu "$name" "$id" "$marker" "$vcpus" ring
	is "$(state "$id")" shutdown:poweroff "$name: the guest powered itself off"
	ok_if "$name: pvbuild destroy $id" pvbuild destroy "$id"
	wait_until 60 state_is "$id" gone
	is "$(state "$id")" gone "$name: domain $id is gone"
	diag "time: $name $(since "$t") s"
}

# ---------------------------------------------------------------------------
# The xen host op by op (tests/xen/xenhost_smoke.c, its own TAP), failures
# injected (tests/xen/xen_inject.c), readguest at a domain's edges.
# tap_program NAME PROGRAM ARGS...: one program of its own TAP, its lines
# shown, one check that it ran whole and clean.
tap_program() {
	_n=$1
	shift
	if ! command -v "$1" >/dev/null 2>&1; then
		fail_ok "$_n: not built (make tests/xen/$1)"
		return
	fi
	t=$(now)
	"$@" >"$W/$_n.tap" 2>&1
	rc=$?
	sed "s/^/#   $_n: /" "$W/$_n.tap"
	nall=$(grep -c -E '^(not )?ok ' "$W/$_n.tap")
	nbad=$(grep -c -E '^not ok ' "$W/$_n.tap")
	ok_if "$_n: exit 0, $nall assertions, $nbad failed, plan printed" \
		sh -c "[ $rc -eq 0 ] && [ $nbad -eq 0 ] && [ $nall -gt 0 ] && grep -q -E '^1\.\.[0-9]+' '$W/$_n.tap'"
	diag "time: $_n $(since "$t") s"
}

# It builds a small domain (64 MiB): our test guest fits, Debian's kernel
# does not.
smoke_kernel=$(ls /payload/guests/pvguest-init-p2m-512g /payload/guests/* 2>/dev/null | head -n 1)
if [ "${PVB_XEN_ONLY:-}" != bench ]; then
	tap_program xenhost_smoke xenhost_smoke "${smoke_kernel:-$ELF}"
	is "$(domains)" "" "xenhost_smoke: no domain left"
	# Failures injected on Xen (tests/xen/xen_inject.c): every host op,
	# undo op and allocation of pvb_domain_create and every host op of
	# pvb_verify failing in turn.
	tap_program xen_inject xen_inject "${smoke_kernel:-$ELF}"
	is "$(domains)" "" "xen_inject: no domain left"
	. /scen_readguest.sh # readguest over a domain built, run, destroyed, gone
	is "$(domains)" "" "rg-edge: no domain left"
fi

# Whatever ran, nothing is left and Xen has all its memory back.
the_end() {
	settle_memory "$FREE0"
	is "$(domains)" "" "end: no domain but dom0"
	is "$(free_mib)" "$FREE0" "end: free memory back to $FREE0 MiB"
	diag "time: all scenarios $(since "$t0") s"
	done_testing
}

# ---------------------------------------------------------------------------
# The reference: xl create -p (libxenguest) of the same kernel and ramdisk.
xl_create() { # NAME KERNEL MARKER [PAUSE]: PAUSE "" runs the guest at once
	cat >"$W/$1.cfg" <<EOF
name = "$1"
type = "pv"
kernel = "$2"
ramdisk = "$RD"
memory = $MEM
vcpus = 1
cmdline = "$(cmdline_for "$3")"
on_poweroff = "destroy"
on_crash = "destroy"
EOF
	# shellcheck disable=SC2086 # an empty PAUSE is no word at all
	timeit "$W/$1.time" xl create ${4--p} "$W/$1.cfg" >"$W/$1.out" 2>&1
}

# PVB_XEN_ONLY=bench (run.sh passes it through /payload/facts): only g)'s
# timings, to measure a change in a few minutes; the whole suite
# otherwise.  PVB_BENCH_RUNS=N: N rounds of xl's and pvbuild's creates,
# the fastest of each kept.
if [ "${PVB_XEN_ONLY:-}" = bench ]; then
	t0=$(now)
	. /scen_bench.sh
	the_end
	exit
fi

t0=$(now)
if xl_create xlref "$BZ" debian; then
	echo "ok $((tap_n += 1)) - xlref: xl create -p of Debian's bzImage, ${MEM} MiB, in $(cat "$W/xlref.time") s"
	id=$(xl domid xlref)
	readguest "$id" >"$W/xlref.rg" 2>"$W/xlref.rgerr"
	is "$?" 0 "xlref: readguest $id reads xl's domain back"
	show "$W/xlref.rgerr"
	check_layout xlref "$W/xlref.rg" 1 "$INIT_P2M" "$KERNEL_ENTRY" "$(cmdline_for debian)"
	run_domu xlref "$id" debian 1
	xl destroy xlref >/dev/null 2>&1 # xl's own monitor may have done it already
	wait_until 60 state_is "$id" gone
	is "$(state "$id")" gone "xlref: domain $id is gone"
else
	fail_ok "xlref: xl create -p of Debian's bzImage: $(grep -i error "$W/xlref.out" | head -n 1)"
	show "$W/xlref.out"
fi
diag "time: xlref $(since "$t0") s"

# The raw ELF through xl, for the benchmark only: built, timed, destroyed.
if xl_create xlelf "$ELF" debian-elf; then
	xl destroy xlelf >/dev/null 2>&1
	wait_until 60 sh -c '! xl domid xlelf'
else
	diag "xlelf: xl create -p of the raw ELF failed"
	show "$W/xlelf.out"
fi

# ---------------------------------------------------------------------------
# b) Debian's bzImage + ramdisk, 1 and 2 vCPUs, the P->M list at the
#    kernel's INIT_P2M address and in other top-level slots.
#    d) pvbuild verify on each before it runs (inside pvb_debian).
pvb_debian b1-bz-1cpu "$BZ" 1 default "$INIT_P2M" debian
pvb_debian b2-bz-2cpu "$BZ" 2 "$INIT_P2M" "$INIT_P2M" b2
# Not slot 2 (0x10000000000): Linux moves its P->M list there
# (xen_relocate_p2m's 2 * PGDIR_SIZE) and would write over the initial one.
pvb_debian b3-bz-1cpu-slot3 "$BZ" 1 0x18000000000 0x18000000000 b3
pvb_debian b4-bz-2cpu-slot255 "$BZ" 2 0x7ff000000000 0x7ff000000000 b4

# c) the same kernel from its raw ELF.
pvb_debian c1-elf-1cpu "$ELF" 1 default "$INIT_P2M" c1
pvb_debian c2-elf-2cpu-slot3 "$ELF" 2 0x18000000000 0x18000000000 c2

. /scen_example.sh # the example toolstack, its own domain and handles

# pvbuild create --console: the console ring copied to stdout until the
# guest shuts down.  xenconsoled would consume the same ring, so it stops
# for this one (pvbuild then reads the ring itself).  -e: no monitor, so
# the domain stays for pvbuild to see how it shut down.
t=$(now)
name=console
kill "$(cat /run/xenconsoled.pid)" 2>/dev/null
wait_until 10 sh -c '! pidof xenconsoled'
timeout "$(scaled "$BOOT_TIMEOUT")" pvbuild create --host=xen --console -e --name=$name --kernel="$ELF" \
	--ramdisk="$RD" --memory=$MEM --cmdline="$(cmdline_for console)" \
	>"$W/$name.out" 2>"$W/$name.err"
rc=$?
is "$rc" 0 "$name: pvbuild create --console runs the guest until it shuts down"
[ $rc -eq 0 ] || show "$W/$name.err"
like "$(tr -d '\r' <"$W/$name.out")" "pvbuild-domu: marker=console cpus=1 " "$name: the guest's /init line came through the console ring"
like "$(cat "$W/$name.err")" "poweroff" "$name: pvbuild says the guest powered off"
id=$(sed -n 's/^pvbuild: domain \([0-9]*\) .*/\1/p' "$W/$name.err" | head -n 1)
if [ -n "$id" ]; then
	pvbuild destroy "$id" >/dev/null 2>&1
	wait_until 60 state_is "$id" gone
fi
is "$(domains)" "" "$name: no domain left"
xenconsoled --log=guest --log-dir=$LOGDIR --pid-file=/run/xenconsoled.pid
ok_if "$name: xenconsoled restarted" wait_until 10 pidof xenconsoled
diag "time: $name $(since "$t") s"

# ---------------------------------------------------------------------------
# a) our test guests (tests/guests/): the P->M list at the guest's
#    INIT_P2M address, at two addresses of our choosing, and inside the
#    initial mapping.  The guest checks its boot state from the inside
#    against what its command line says to expect, prints
#    "pvbuild-guest: PASS" or "FAIL", and powers off (crashes on FAIL).
GUEST_MEM=128
run_guest() { # NAME FILE P2M_OPTION WANT_P2M|inside
	name=$1 file=$2 p2m=$3 want=$4
	t=$(now)
	if [ "$want" = inside ]; then expect="expect_inside=1"; else expect="expect_p2m=$want"; fi
	pvbuild create --host=xen --paused --json --name="$name" --kernel="$file" \
		--memory=$GUEST_MEM --p2m-vaddr="$p2m" --cmdline="$expect" \
		>"$W/$name.json" 2>"$W/$name.err"
	rc=$?
	id=$(sed -n 's/^  "domid": \([0-9]*\),*$/\1/p' "$W/$name.json")
	if [ $rc -ne 0 ] || [ -z "$id" ]; then
		fail_ok "$name: pvbuild create --host=xen --paused --p2m-vaddr=$p2m (exit $rc): $(head -n 1 "$W/$name.err")"
		show "$W/$name.err"
		return
	fi
	echo "ok $((tap_n += 1)) - $name: pvbuild create --host=xen --paused --p2m-vaddr=$p2m built domain $id"
	pvbuild verify --kernel="$file" "$id" >"$W/$name.verify" 2>&1
	is "$?" 0 "$name: pvbuild verify $id before it runs"
	readguest "$id" >"$W/$name.rg" 2>"$W/$name.rgerr"
	is "$?" 0 "$name: readguest $id"
	show "$W/$name.rgerr"
	if [ "$want" = inside ]; then
		is "$(field nr_p2m_frames "$W/$name.rg")" 0 "$name: no P->M frames outside the initial mapping (nr_p2m_frames 0)"
	else
		is "$(field mfn_list "$W/$name.rg")" "$want" "$name: mfn_list at $want"
	fi
	is "$(field p2m_m2p_mismatches "$W/$name.rg")" 0 "$name: every P->M entry agrees with Xen's M2P"
	ok_if "$name: xl unpause $id" xl unpause "$id"
	wait_until 120 state_is "$id" "shutdown:*"
	log=$LOGDIR/guest-$name.log
	wait_until 10 log_has "$log" "pvbuild-guest: [PF]A"
	verdict=$(tr -d '\r' <"$log" 2>/dev/null | grep -x -E 'pvbuild-guest: (PASS|FAIL)' | tr '\n' ' ')
	is "$verdict" "pvbuild-guest: PASS " "$name: the guest checked its boot state and passed"
	[ "$verdict" = "pvbuild-guest: PASS " ] || { tr -d '\r' <"$log" 2>/dev/null | tail -n 15 | sed 's/^/#   /'; }
	is "$(state "$id")" shutdown:poweroff "$name: the guest powered off (a crash is a failure)"
	pvbuild destroy "$id" >/dev/null 2>&1
	wait_until 60 state_is "$id" gone
	is "$(state "$id")" gone "$name: domain $id destroyed"
	diag "time: $name $(since "$t") s"
}
nguests=0
for g in /payload/guests/*; do
	[ -f "$g" ] || continue
	nguests=$((nguests + 1))
	gname=$(basename "$g")
	eval "ginit=\${GUEST_INIT_P2M_$(echo "$gname" | tr -c 'A-Za-z0-9\n' '_'):-}"
	if [ -n "$ginit" ]; then
		run_guest "a-$gname-init" "$g" default "$ginit"
		run_guest "a-$gname-slot3" "$g" 0x18000000000 0x18000000000
		run_guest "a-$gname-slot255" "$g" 0x7ff000000000 0x7ff000000000
		run_guest "a-$gname-inside" "$g" inside inside
	else
		# Without INIT_P2M the kernel cannot take the list outside.
		run_guest "a-$gname-default" "$g" default inside
		NOINIT_GUEST=$g
	fi
done
[ $nguests -gt 0 ] || fail_ok "a) test guest: none was built (tests/guests/; run.sh puts them in /payload/guests)"

# ---------------------------------------------------------------------------
# e) a failing build leaves no domain and loses no memory.
fails_clean() { # NAME EXPECTED_STDERR_WORD PVBUILD_ARGS...
	name=$1 word=$2; shift 2
	settle_memory "$FREE0"
	before_free=$(free_mib) before_doms=$(domains)
	pvbuild create --host=xen --name="$name" "$@" >"$W/$name.out" 2>"$W/$name.err"
	rc=$?
	is "$rc" 1 "$name: pvbuild create fails (exit 1)"
	like "$(cat "$W/$name.err")" "$word" "$name: the error names the cause: $(grep -v '^pvbuild: warning' "$W/$name.err" | head -n 1)"
	settle_memory "$before_free"
	is "$(domains)" "$before_doms" "$name: no domain left behind"
	is "$(free_mib)" "$before_free" "$name: free memory back to $before_free MiB"
}
t=$(now)
fails_clean e1-guest-too-small memory --kernel="$BZ" --ramdisk="$RD" --memory=16
# Larger than the host: refused at the claim, before any populate; the
# error gives Xen's free memory as xl info does (free_pages / 256).
fails_clean e2-host-too-small "cannot hold the guest's" --kernel="$BZ" --ramdisk="$RD" --memory=$((FREE0 + 256))
like "$(cat "$W/e2-host-too-small.err")" "pages ($before_free MiB), claimed by domains 0x0 pages (0 MiB); nothing populated" \
	"e2-host-too-small: the claim's error gives xl info's free memory ($before_free MiB) and no claims"
fails_clean e3-p2m-in-xen 0xffff800000000000 --kernel="$ELF" --memory=$MEM --p2m-vaddr=0xffff800000000000
fails_clean e4-p2m-over-kernel 0xffffffff81000000 --kernel="$ELF" --memory=$MEM --p2m-vaddr=0xffffffff81000000
fails_clean e5-p2m-crosses-slot 0xfffffff000 --kernel="$ELF" --memory=$MEM --p2m-vaddr=0xfffffff000
# A 64-byte name: refused whole rather than cut short in xenstore.
fails_clean "e7-name-too-long-$(printf '%047d' 0)" "is 64 bytes, above the limit of 63" --kernel="$ELF" --memory=$MEM
if [ -n "${NOINIT_GUEST:-}" ]; then
	fails_clean e6-p2m-without-note INIT_P2M --kernel="$NOINIT_GUEST" --memory=$GUEST_MEM --p2m-vaddr=0x18000000000
fi
diag "time: e) $(since "$t") s"

# ---------------------------------------------------------------------------
# f) pvbuild's layout of b1 against xl's for the same kernel, ramdisk,
#    memory and command line.  Machine frames differ by nature; readguest
#    turns them into guest pfns through Xen's M2P, so those compare too.
if [ -s "$W/xlref.rg" ] && [ -s "$W/b1-bz-1cpu.rg" ]; then
	for k in magic nr_pages tot_pages max_pages vcpus flags rip rsp rsi start_info_pfn \
		store_pfn console_pfn cr3_pfn pt_base nr_pt_frames mfn_list mod_start \
		first_p2m_pfn nr_p2m_frames cmd_line p2m_checked; do
		is "$(field $k "$W/b1-bz-1cpu.rg")" "$(field $k "$W/xlref.rg")" "f) $k: pvbuild as xl ($(field $k "$W/xlref.rg"))"
	done
	# mod_len: libxenguest gives the ramdisk segment's length, rounded up
	# to a page; pvbuild the ramdisk's own.  Linux's initramfs unpacker
	# skips the zero padding, so both boot (b1 and xlref did).
	pv_len=$(field mod_len "$W/b1-bz-1cpu.rg") xl_len=$(field mod_len "$W/xlref.rg")
	is "$xl_len" $(( (RD_LEN + 4095) / 4096 * 4096 )) "f) mod_len: xl gives the unpacked ramdisk's $RD_LEN bytes rounded up to a page"
	ok_if "f) mod_len: pvbuild gives $pv_len: xl's, or the exact $RD_LEN" \
		sh -c "[ '$pv_len' = '$xl_len' ] || [ '$pv_len' = '$RD_LEN' ]"
	# Event channel ports are dom0's, handed out in the order each
	# toolstack asks for them: not part of the guest's layout.
	for k in store_evtchn console_evtchn; do
		diag "f) $k: pvbuild $(field $k "$W/b1-bz-1cpu.rg"), xl $(field $k "$W/xlref.rg") (dom0's port numbers, not layout)"
	done
else
	fail_ok "f) layout comparison: needs both xlref and b1-bz-1cpu read back"
fi

. "${0%/*}/scen_life.sh" # whole VMs: monitor, on_* actions, xl, list, console
. /scen_vm.sh # h) whole VMs: devices through libxl (tests/xen/scen_vm.sh)
. /scen_numa.sh # i) NUMA placement, affinity, vnuma (tests/xen/scen_numa.sh)
# ---------------------------------------------------------------------------
# g) timing: a measurement, not an assertion (tests/xen/scen_bench.sh).
. /scen_bench.sh

the_end
