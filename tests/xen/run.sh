#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end on a real Xen: boots Xen 4.17 with a Debian dom0 under QEMU's
# software emulation (no KVM needed) and runs tests/xen/scenarios.sh in
# dom0, in one boot.  Prints the scenarios' TAP.
#
# Needs Debian's qemu-system-x86 xen-hypervisor-4.17-amd64 xen-utils-4.17
# linux-image-amd64 busybox-static cpio xz-utils (it installs nothing: what
# is missing ends the run with "Bail out!").  See
# /work/shared/docs/xen-in-qemu.md (in the steering repo) for the facts
# behind the QEMU and Xen command lines.
#
# Environment: top_srcdir, top_builddir, PVBUILD (as make check sets them);
#   PVBUILD_KERNEL dom0's and the domU's Debian kernel (default: what
#                 scripts/find-kernel finds, as make check sets it); its
#                 release (vmlinuz-RELEASE) names the modules dom0 loads
#   KVER          that release, when the file name does not say it
#   XEN_IMAGE     the hypervisor (default /boot/xen-4.17-amd64.gz)
#   XEN_GUESTS    our test guests (default: the Xen ELF files built in
#                 $top_builddir/tests/guests)
#   QEMU_TIMEOUT  seconds the whole QEMU run may take on an idle machine
#                 (default 900); the limit grows with how much slower than
#                 idle dom0 reached its /init or ran its calibration loop
#                 (the median of its figures), up to 4x (QEMU_HARD_TIMEOUT)
#   XEN_SERIAL_LOG where the serial log is kept (default
#                 $top_builddir/tests/xen/serial.log)
#   PVB_XEN_ONLY  "bench": only the timings (xl's and pvbuild's creates
#                 and the BENCH table), a few minutes; unset: everything
#   PVB_BENCH_RUNS each timed create this many times, the fastest kept
#                 (default 3)
set -u

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
if ! abs=$(cd "$top_builddir" 2>/dev/null && pwd); then
	echo "Bail out! top_builddir $top_builddir: no such directory"
	exit 1
fi
top_builddir=$abs
# modinfo lives in /sbin; not every PATH has it.
PATH=$PATH:/usr/sbin:/sbin
PVBUILD=${PVBUILD:-$top_builddir/tools/pvbuild}
XEN_IMAGE=${XEN_IMAGE:-/boot/xen-4.17-amd64.gz}
XEN_BIN=/usr/lib/xen-4.17/bin
QEMU_TIMEOUT=${QEMU_TIMEOUT:-900}
QEMU_HARD_TIMEOUT=$((QEMU_TIMEOUT * 4))
# Seconds from QEMU's start to dom0's /init on an idle 2-core machine (TCG).
DOM0_INIT_IDLE=12
SERIAL_LOG=${XEN_SERIAL_LOG:-$top_builddir/tests/xen/serial.log}
READGUEST=$top_builddir/tests/xen/readguest
TIMEIT=$top_builddir/tests/xen/timeit
VMLINUZ=${PVBUILD_KERNEL:-$(sh "$top_srcdir/scripts/find-kernel" --quiet)}
if [ -z "${KVER:-}" ]; then
	KVER=$(basename "${VMLINUZ:-none}" | sed -n 's|^vmlinuz-||p')
fi

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
t_start=$(now)

# ---------------------------------------------------------------------------
# What the run needs, all named at once.
missing=
need_cmd() { # COMMAND PACKAGE
	command -v "$1" >/dev/null 2>&1 || missing="$missing $1 (Debian: $2),"
}
need_file() { # FILE PACKAGE_OR_HINT
	[ -e "$1" ] || missing="$missing $1 ($2),"
}
need_cmd qemu-system-x86_64 qemu-system-x86
need_cmd timeout coreutils
need_cmd cpio cpio
need_cmd gzip gzip
need_cmd xz xz-utils
need_cmd readelf binutils
need_cmd ldd libc-bin
need_cmd modinfo kmod
need_file /bin/busybox "Debian: busybox-static"
if [ -e /bin/busybox ] && readelf -l /bin/busybox 2>/dev/null | grep -q 'program interpreter'; then
	missing="$missing a static /bin/busybox (Debian: busybox-static),"
fi
need_file "$XEN_IMAGE" "Debian: xen-hypervisor-4.17-amd64"
for t in xl xenstored xen-init-dom0 xenconsoled; do
	need_file "$XEN_BIN/$t" "Debian: xen-utils-4.17"
done
need_file "${VMLINUZ:-a Debian kernel}" "scripts/find-kernel --fetch gets one"
need_file "$PVBUILD" "make tools/pvbuild"
need_file "$READGUEST" "make tests/xen/readguest"
need_file "$TIMEIT" "make tests/xen/timeit"
if [ -n "$missing" ]; then
	echo "Bail out! missing:${missing%,} (scripts/install-deps --xen installs the packages)"
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pvb-xen.XXXXXX")
qpid=
cleanup() {
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
		kill "$qpid" 2>/dev/null
		wait "$qpid" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

bail() {
	echo "Bail out! $*"
	exit 1
}

# ---------------------------------------------------------------------------
# Payloads, prepared on this host.

# xen_note FILE TYPE: a numeric Xen ELF note as readelf shows it (its bytes,
# little endian), as 0x... ; TYPE is "init_p2m" (0xf) or "entry" (1, which
# binutils names NT_VERSION).
xen_note() {
	readelf -n "$1" 2>/dev/null | awk -v want="$2" '
		/^ *Xen / { t = ""
			if ($0 ~ /\(0x0000000f\)/) t = "init_p2m"
			else if ($0 ~ /NT_VERSION/) t = "entry"
			next }
		/^ *[A-Za-z]/ && !/description data/ { t = "" }
		t == want && /description data:/ {
			v = ""
			for (i = NF; i >= 3; i--) v = v $i
			sub(/^0+/, "", v)
			print "0x" (v == "" ? "0" : v)
			exit }'
}

# extract_elf BZIMAGE OUT: the kernel ELF inside a bzImage, through its
# header's payload_offset/payload_length and the compressor's own tool.
extract_elf() {
	u8() { od -A n -t u1 -j "$2" -N 1 "$1" | tr -d ' '; }
	u32() { od -A n -t u4 -j "$2" -N 4 "$1" | tr -d ' '; }
	[ "$(od -A n -c -j 514 -N 4 "$1" | tr -d ' ')" = HdrS ] || return 1
	sects=$(u8 "$1" 497)
	[ "$sects" -eq 0 ] && sects=4
	off=$(( (sects + 1) * 512 + $(u32 "$1" 584) ))
	len=$(u32 "$1" 588)
	magic=$(od -A n -t x1 -j "$off" -N 4 "$1" | tr -d ' ')
	case $magic in
	(fd377a58) dec="xz -dc --single-stream" ;;
	(1f8b*) dec="gzip -dc" ;;
	(28b52ffd) dec="zstd -dc" ;;
	(*) echo "payload magic $magic: no decompressor here" >&2; return 1 ;;
	esac
	tail -c +$((off + 1)) "$1" | head -c "$len" | $dec >"$2" 2>/dev/null
	[ "$(od -A n -c -N 4 "$2" | tr -d ' ')" = '177ELF' ]
}

t=$(now)
zcat "$XEN_IMAGE" >"$work/xen" || bail "cannot unpack $XEN_IMAGE"
extract_elf "$VMLINUZ" "$work/vmlinux" || bail "cannot extract the ELF kernel from $VMLINUZ"
init_p2m=$(xen_note "$work/vmlinux" init_p2m)
entry=$(xen_note "$work/vmlinux" entry)
[ -n "$init_p2m" ] && [ -n "$entry" ] || bail "readelf -n $work/vmlinux: no INIT_P2M or ENTRY note"
{
	echo "INIT_P2M=$init_p2m"
	echo "KERNEL_ENTRY=$entry"
	echo "PVB_XEN_ONLY=${PVB_XEN_ONLY:-}"
	# Three rounds in the whole suite too: one run's xl create -p of the
	# same bzImage, ramdisk and memory (another command line) took 6.3 s
	# as xlref and 8.9 s as the bench's one round, a spread larger than
	# the first-time ratio's margin.  With three rounds the scenarios took
	# 418-419 s, with one 441 s (median SLOW 1.1-1.2): the rounds' cost
	# was within the machine's noise there, under a limit that grows
	# with SLOW.
	echo "PVB_BENCH_RUNS=${PVB_BENCH_RUNS:-3}"
} >"$work/facts"

payloads="$VMLINUZ=/payload/vmlinuz $work/vmlinux=/payload/vmlinux $work/facts=/payload/facts"
payloads="$payloads $READGUEST=/usr/bin/readguest $TIMEIT=/usr/bin/timeit"
if [ -z "${XEN_GUESTS+set}" ]; then
	XEN_GUESTS=
	for f in "$top_builddir"/tests/guests/*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		readelf -n "$f" 2>/dev/null | grep -q '^ *Xen ' && XEN_GUESTS="$XEN_GUESTS $f"
	done
fi
# The xen host's op-by-op test (tests/xen/xenhost_smoke.c), failures
# injected on Xen (tests/xen/xen_inject.c) and the example toolstack
# (examples/mini-toolstack.c), when built.
for p in tests/xen/xenhost_smoke tests/xen/xen_inject examples/mini-toolstack; do
	for f in "$top_builddir/$(dirname "$p")/.libs/$(basename "$p")" "$top_builddir/$p"; do
		if [ -f "$f" ] && readelf -h "$f" >/dev/null 2>&1; then
			payloads="$payloads $f=/usr/bin/$(basename "$p")"
			break
		fi
	done
done
for g in $XEN_GUESTS; do
	n=$(basename "$g")
	payloads="$payloads $g=/payload/guests/$n"
	echo "GUEST_INIT_P2M_$(echo "$n" | tr -c 'A-Za-z0-9\n' '_')=$(xen_note "$g" init_p2m)" >>"$work/facts"
done

# shellcheck disable=SC2086 # the payload list is split on purpose
top_srcdir=$top_srcdir top_builddir=$top_builddir KVER=$KVER \
	sh "$here/mkinitramfs.sh" "$work/dom0.cpio.gz" $payloads >"$work/mkinitramfs.log" 2>&1 ||
	bail "mkinitramfs.sh: $(tail -n 1 "$work/mkinitramfs.log")"
t_initramfs=$(secs "$t" "$(now)")
size_mib=$(du -m "$work/dom0.cpio.gz" | cut -f1)

# Two NUMA nodes, each one cpu and half the memory (scen_numa.sh): Xen
# reads them from QEMU's SRAT.
QEMU_NUMA="-object memory-backend-ram,id=mem0,size=512M -object memory-backend-ram,id=mem1,size=512M
 -numa node,nodeid=0,cpus=0,memdev=mem0 -numa node,nodeid=1,cpus=1,memdev=mem1"
# ---------------------------------------------------------------------------
# One QEMU boot runs every scenario.  smap=0: Xen under TCG with -cpu max
# needs it; bootscrub=0 keeps QEMU near 0.9 GiB.
mkdir -p "$(dirname "$SERIAL_LOG")"
: >"$SERIAL_LOG"
t_qemu=$(now)
timeout -k 10 "$QEMU_HARD_TIMEOUT" qemu-system-x86_64 -machine q35 -accel tcg -cpu max \
	-smp 2 -m 1G $QEMU_NUMA -display none -monitor none -serial "file:$SERIAL_LOG" \
	-no-reboot -kernel "$work/xen" \
	-append "console=com1 com1=115200,8n1 dom0_mem=512M,max:512M dom0_max_vcpus=1 loglvl=all guest_loglvl=all smap=0 bootscrub=0" \
	-initrd "$VMLINUZ console=hvc0 earlyprintk=xen,$work/dom0.cpio.gz" \
	</dev/null >"$work/qemu.out" 2>&1 &
qpid=$!

t_init="" t_toolstack="" f_init=1 slow=1
# A busy machine runs everything slower, and the load changes while the
# suite runs: the limit is QEMU_TIMEOUT times the larger of how much slower
# than idle dom0 reached its /init and the median of the speeds the
# scenarios measured in dom0 (their "XENHARNESS: slow" lines, the SLOW
# that scales their own waits), up to QEMU_HARD_TIMEOUT.  It never
# shrinks: a load that lifts late must not end a run that is on time.
deadline=$QEMU_TIMEOUT
waited=0
while kill -0 "$qpid" 2>/dev/null; do
	if [ -z "$t_init" ] && grep -q '^XENHARNESS: dom0 init' "$SERIAL_LOG"; then
		t_init=$(secs "$t_qemu" "$(now)")
		f_init=$(awk -v t="$t_init" -v idle="$DOM0_INIT_IDLE" 'BEGIN { f = t / idle; printf "%.2f", f < 1 ? 1 : f }')
	fi
	# The median, not the slowest: a wait measures while a guest boots
	# beside it, and single figures reach the cap of 8 on an idle machine.
	slow=$(tr -d '\r' <"$SERIAL_LOG" | awk '$1 == "XENHARNESS:" && $2 == "slow" { print $3 + 0 }' |
		sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 1 }')
	deadline=$(awk -v a="$f_init" -v b="$slow" -v l="$QEMU_TIMEOUT" -v h="$QEMU_HARD_TIMEOUT" -v was="$deadline" 'BEGIN {
		f = a > b ? a : b; d = l * f; if (d > h) d = h; if (d < was) d = was; printf "%d", d }')
	if [ -z "$t_toolstack" ] && grep -q '^XENHARNESS: toolstack up' "$SERIAL_LOG"; then
		t_toolstack=$(secs "$t_qemu" "$(now)")
	fi
	waited=$(awk -v a="$t_qemu" -v b="$(now)" 'BEGIN { printf "%d", b - a }')
	if [ "$waited" -ge "$deadline" ]; then
		kill "$qpid" 2>/dev/null
		break
	fi
	sleep 1
done
wait "$qpid"
qrc=$?
qpid=
t_total=$(secs "$t_qemu" "$(now)")

# ---------------------------------------------------------------------------
# The TAP lines dom0 printed, and a verdict on the run itself.
tr -d '\r' <"$SERIAL_LOG" | sed -n 's/^TAP: //p' >"$work/tap"
n=$(grep -c -E '^(not )?ok ' "$work/tap")
grep -v -E '^1\.\.[0-9]+' "$work/tap"
problem=
grep -q -E '^1\.\.[0-9]+' "$work/tap" || problem="dom0 did not finish the scenarios"
grep -q '^Bail out!' "$work/tap" && problem="dom0 bailed out"
if [ "$waited" -ge "$deadline" ]; then
	problem="${problem:+$problem; }QEMU stopped after ${waited} s: the limit was $deadline s (QEMU_TIMEOUT $QEMU_TIMEOUT s times the larger of ${f_init}, from dom0 reaching /init in ${t_init:-?} s against $DOM0_INIT_IDLE s idle, and the median SLOW dom0 measured, ${slow}; at most ${QEMU_HARD_TIMEOUT} s)"
elif [ $qrc -ne 0 ]; then
	problem="${problem:+$problem; }QEMU exited with status $qrc$([ $qrc -eq 124 ] && echo " (hard limit of ${QEMU_HARD_TIMEOUT} s)")"
fi
if [ -n "$problem" ]; then
	n=$((n + 1))
	echo "not ok $n - the Xen run: $problem"
fi
echo "# time: initramfs ${t_initramfs} s (${size_mib} MiB), QEMU start to dom0 /init ${t_init:-?} s, median SLOW in dom0 ${slow} (limit ${deadline} s), to toolstack up ${t_toolstack:-?} s, whole run ${t_total} s, with preparation $(secs "$t_start" "$(now)") s"
if [ -n "$problem" ] || grep -q '^not ok' "$work/tap"; then
	echo "# serial log kept in $SERIAL_LOG; its last lines:"
	tr -d '\r' <"$SERIAL_LOG" | grep -v '^TAP: ' | tail -n 40 | sed 's/^/#   /'
	[ -s "$work/qemu.out" ] && sed 's/^/#   qemu: /' "$work/qemu.out"
fi
echo "1..$n"
[ -z "$problem" ] && ! grep -q '^not ok' "$work/tap"
