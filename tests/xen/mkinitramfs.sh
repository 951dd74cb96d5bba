#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the dom0 initramfs for the Xen-under-QEMU run.
#
# Usage: mkinitramfs.sh OUT.cpio.gz [SRC[=DEST]...]
#   Each SRC is copied to DEST (an absolute path in dom0), or to
#   /payload/BASENAME without one; dynamically linked executables among
#   them bring their shared libraries along.
#
# Environment:
#   top_srcdir    source tree (default: two levels above this script)
#   top_builddir  build tree holding tools/pvbuild (optional: without it
#                 dom0 has no pvbuild and the pvbuild scenarios say so)
#   KVER          kernel release whose modules dom0 loads (default: the
#                 newest /boot/vmlinuz-*)
#   XEN_BIN       where Xen's tools are (default /usr/lib/xen-4.17/bin)
#
# dom0 gets busybox, the Xen modules and tools with their libraries,
# pvbuild with libpvbuild, a domU initramfs at /payload/domu.cpio.gz and
# an /init that starts the toolstack's daemons, runs /scenarios.sh and
# prints its output with a "TAP: " prefix before powering off.
set -eu

if [ $# -lt 1 ]; then
	echo "usage: $0 OUT.cpio.gz [SRC[=DEST]...]" >&2
	exit 2
fi
out=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
PATH=$PATH:/usr/sbin:/sbin
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
XEN_BIN=${XEN_BIN:-/usr/lib/xen-4.17/bin}
if [ -z "${KVER:-}" ]; then
	KVER=$(ls /boot/vmlinuz-* | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)
fi
BUSYBOX=${BUSYBOX:-/bin/busybox}

fail() { echo "mkinitramfs: $*" >&2; exit 1; }

busybox_is_static() {
	! readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'
}
[ -x "$BUSYBOX" ] || fail "$BUSYBOX not found (Debian: busybox-static)"
busybox_is_static "$BUSYBOX" || fail "$BUSYBOX is dynamically linked (Debian: busybox-static)"
for t in cpio gzip readelf ldd modinfo; do
	command -v $t >/dev/null 2>&1 || fail "$t not found"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/pvb-initramfs.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
root=$work/root

# add_file SRC DEST: copy one file (following symlinks), creating its dir.
add_file() {
	mkdir -p "$root$(dirname "$2")"
	cp -L "$1" "$root$2"
}

# add_libs FILE: the dynamic loader and the ldd closure of FILE, each at
# the path the loader resolved it from, so no ld.so.conf is needed.
add_libs() {
	readelf -l "$1" 2>/dev/null | grep -q 'program interpreter' || return 0
	interp=$(readelf -l "$1" | sed -n 's/.*program interpreter: \(.*\)\]/\1/p')
	[ -e "$root$interp" ] || add_file "$interp" "$interp"
	ldd "$1" >"$work/ldd" || fail "ldd $1 failed"
	if grep -q 'not found' "$work/ldd"; then
		fail "$1: $(grep 'not found' "$work/ldd" | tr -s ' \t' ' ' | head -n 1)"
	fi
	awk '$2 == "=>" && $3 ~ /^\// { print $3 }' "$work/ldd" | while read -r lib; do
		case $lib in "${skip_libs:-/nonexistent}"/*) continue ;; esac
		[ -e "$root$lib" ] || add_file "$lib" "$lib"
	done
}

# add_busybox DIR: busybox and a link for every applet it has.
add_busybox() {
	mkdir -p "$1/bin" "$1/sbin" "$1/usr/bin" "$1/usr/sbin"
	cp "$BUSYBOX" "$1/bin/busybox"
	"$BUSYBOX" --list-full | while read -r applet; do
		[ -e "$1/$applet" ] || ln -s /bin/busybox "$1/$applet"
	done
}

# mkcpio DIR OUT: a newc archive owned by root, gzip compressed.
mkcpio() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -6 -n >"$2"
}

mkdir -p "$root"
for d in proc sys dev tmp run var/log/xen/console var/lib/xen var/run/xen \
	etc/xen payload modules; do
	mkdir -p "$root/$d"
done
add_busybox "$root"
echo "# xl reads this file; the defaults suit the test run." >"$root/etc/xen/xl.conf"

# --- Kernel modules, dependencies first (modinfo's "depends"), into
# $mod_root/modules (dom0's root, or the domU's below).
loaded=
mod_root=$root
add_module() {
	case " $loaded " in *" $1 "*) return 0 ;; esac
	deps=$(modinfo -k "$KVER" -F depends "$1") || fail "module $1 not found for kernel $KVER (Debian: linux-image-$KVER)"
	for dep in $(echo "$deps" | tr ',' ' '); do
		add_module "$dep"
	done
	file=$(modinfo -k "$KVER" -F filename "$1")
	case $file in
	(builtin*) ;; # nothing to load
	(*.ko) cp "$file" "$mod_root/modules/$1.ko" ;;
	(*.ko.xz) xz -dc "$file" >"$mod_root/modules/$1.ko" ;;
	(*.ko.zst) zstd -qdc "$file" >"$mod_root/modules/$1.ko" ;;
	(*.ko.gz) gzip -dc "$file" >"$mod_root/modules/$1.ko" ;;
	(*) fail "module $1: unexpected file $file" ;;
	esac
	case $file in builtin*) ;; *) echo "$1" >>"$mod_root/modules/order" ;; esac
	loaded="$loaded $1"
}
for m in xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc; do
	add_module "$m"
done
# Device backends for whole VMs (tests/xen/scen_vm.sh): blkback over a
# loop device, netback on a bridge.
for m in xen-blkback xen-netback loop bridge; do
	add_module "$m"
done

# --- Xen's hotplug scripts and the real programs they run (busybox's
# stat, losetup, flock and ip differ from what the scripts expect).  Each
# program replaces any busybox link of its name, in /usr/sbin (first in
# dom0's PATH); brctl goes, so that the scripts take their ip path.
add_real_tool() { # NAME [DEST]
	src=$(command -v "$1") || fail "$1 not found (Debian: bash, util-linux, coreutils, mount, iproute2)"
	for d in /bin /sbin /usr/bin /usr/sbin; do rm -f "$root$d/$1"; done
	add_file "$src" "${2:-/usr/sbin/$1}"
	add_libs "$src"
}
[ -d /etc/xen/scripts ] || fail "/etc/xen/scripts not found (Debian: xen-utils-common)"
mkdir -p "$root/etc/xen/scripts" "$root/var/lock"
cp -L /etc/xen/scripts/* "$root/etc/xen/scripts/"
add_real_tool bash /bin/bash
for t in flock stat losetup ip readlink; do
	add_real_tool "$t"
done
for d in /bin /sbin /usr/bin /usr/sbin; do rm -f "$root$d/brctl"; done
# The hotplug scripts' xenstore-read, -write, ...: one program, named by argv[0].
xs_tool=$(command -v xenstore) || fail "xenstore not found (Debian: xen-utils-4.17)"
for d in /bin /sbin /usr/bin /usr/sbin; do rm -f "$root$d/xenstore"; done
add_file "$xs_tool" /usr/bin/xenstore
add_libs "$xs_tool"
for n in read write rm exists list ls chmod watch; do
	ln -sf xenstore "$root/usr/bin/xenstore-$n"
done

# --- Xen's tools and their libraries.  glibc dlopens libgcc_s.so.1 for
# pthread_cancel (libxl uses it); ldd does not list it.
for t in xl xenstored xen-init-dom0 xenconsoled; do
	[ -x "$XEN_BIN/$t" ] || fail "$XEN_BIN/$t not found (Debian: xen-utils-4.17)"
	add_file "$XEN_BIN/$t" "$XEN_BIN/$t"
	add_libs "$XEN_BIN/$t"
	ln -sf "$XEN_BIN/$t" "$root/usr/sbin/$t"
done
libgcc=$(gcc -print-file-name=libgcc_s.so.1 2>/dev/null || true)
for cand in "$libgcc" /lib/x86_64-linux-gnu/libgcc_s.so.1 /usr/lib/x86_64-linux-gnu/libgcc_s.so.1; do
	if [ -n "$cand" ] && [ -f "$cand" ]; then
		add_file "$cand" /lib/x86_64-linux-gnu/libgcc_s.so.1
		break
	fi
done
[ -e "$root/lib/x86_64-linux-gnu/libgcc_s.so.1" ] || fail "libgcc_s.so.1 not found (Debian: libgcc-s1)"

# --- pvbuild from the build tree: libtool keeps the real binary in .libs
# when it links against the uninstalled shared libpvbuild.
if [ -n "${top_builddir:-}" ]; then
	b=$(cd "$top_builddir" && pwd)
	mkdir -p "$root/opt/pvbuild/bin" "$root/opt/pvbuild/lib"
	if [ -f "$b/tools/.libs/pvbuild" ]; then
		cp "$b/tools/.libs/pvbuild" "$root/opt/pvbuild/bin/pvbuild"
		cp -P "$b"/lib/.libs/libpvbuild.so* "$root/opt/pvbuild/lib/"
		LD_LIBRARY_PATH=$b/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
			skip_libs=$b add_libs "$b/tools/.libs/pvbuild"
	elif [ -f "$b/tools/pvbuild" ] && readelf -h "$b/tools/pvbuild" >/dev/null 2>&1; then
		cp "$b/tools/pvbuild" "$root/opt/pvbuild/bin/pvbuild"
		add_libs "$b/tools/pvbuild"
	else
		fail "$b/tools/pvbuild not built (run make in $b)"
	fi
fi

# --- The domU's initramfs: busybox and an /init that reports what the
# guest saw (the marker from its command line, its CPUs and memory) on
# hvc0 and powers off.
droot=$work/domu
mkdir -p "$droot/proc" "$droot/sys" "$droot/dev" "$droot/modules"
add_busybox "$droot"
# The PV frontends are modules in Debian's kernel: the domU loads them
# when its command line asks for the whole-VM test.
loaded= mod_root=$droot
for m in xen-blkfront xen-netfront; do
	add_module "$m"
done
mod_root=$root
cat >"$droot/init" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t devtmpfs dev /dev 2>/dev/null

# --- pvbuild_vm=TOKEN (tests/xen/scen_vm.sh): a whole VM's disk and vif.
# Reads the marker dom0 wrote at the start of /dev/xvda and writes
# "pvbuild-out=TOKEN" at 4 KiB; brings eth0 up as fe80::2 (IPv6
# link-local only) and pings dom0's bridge (fe80::1); then waits (at
# most 300 s) until dom0 has pinged it back before going on.
vm_token=
for arg in $(cat /proc/cmdline); do
	case $arg in pvbuild_vm=*) vm_token=${arg#pvbuild_vm=} ;; esac
done
if [ -n "$vm_token" ]; then
	while read -r m; do insmod "/modules/$m.ko"; done </modules/order
	i=0
	while [ ! -b /dev/xvda ] && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
	got=$(dd if=/dev/xvda bs=64 count=1 2>/dev/null | tr -cd 'A-Za-z0-9=_-')
	echo "pvbuild-vm: disk-read=$got" >/dev/hvc0
	echo "pvbuild-out=$vm_token" | dd of=/dev/xvda bs=512 seek=8 conv=notrunc 2>/dev/null &&
		sync && echo "pvbuild-vm: disk-wrote=$vm_token" >/dev/hvc0
	i=0
	while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
	echo 0 >/proc/sys/net/ipv6/conf/eth0/accept_dad
	ip link set eth0 up
	ip -6 addr add fe80::2/64 dev eth0
	if ping -6 -c 2 -w 60 -I eth0 fe80::1 >/dev/null 2>&1; then
		echo "pvbuild-vm: ping-dom0=ok" >/dev/hvc0
	else
		echo "pvbuild-vm: ping-dom0=failed" >/dev/hvc0
	fi
	echo "pvbuild-vm: ready" >/dev/hvc0
	i=0
	while [ $i -lt 1500 ]; do
		echos=$(awk '$1 == "Icmp6InEchos" { print $2 }' /proc/net/snmp6)
		[ "${echos:-0}" -gt 0 ] && break
		sleep 0.2
		i=$((i + 1))
	done
	echo "pvbuild-vm: pinged-by-dom0=${echos:-0}" >/dev/hvc0
fi
# --- end of pvbuild_vm
marker=none
for arg in $(cat /proc/cmdline); do
	case $arg in marker=*) marker=${arg#marker=} ;; esac
done
cpus=$(grep -c '^processor' /proc/cpuinfo)
mem=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
echo "pvbuild-domu: marker=$marker cpus=$cpus memtotal_kb=$mem" >/dev/hvc0

# --- lifecycle (tests/xen/scen_life.sh) ------------------------------------
# pvbuild_action= on the command line says what the guest does after its
# marker: poweroff (the default), reboot (itself, after 10 seconds),
# crash (a kernel panic: Xen's SHUTDOWN_crash), or wait (until asked
# through xenstore's control/shutdown).  A request from dom0 reaches us
# as the kernel runs busybox's poweroff/reboot, which signal init:
# USR2 (poweroff) and TERM (reboot); `wait` returns on a trapped signal.
action=poweroff
for arg in $(cat /proc/cmdline); do
	case $arg in pvbuild_action=*) action=${arg#pvbuild_action=} ;; esac
done
trap 'echo "pvbuild-domu: asked to power off" >/dev/hvc0; sync; poweroff -f' USR2
trap 'echo "pvbuild-domu: asked to reboot" >/dev/hvc0; sync; reboot -f' TERM
case $action in
reboot)
	sleep 10 &
	wait $!
	echo "pvbuild-domu: rebooting" >/dev/hvc0
	reboot -f ;;
crash)
	echo "pvbuild-domu: crashing" >/dev/hvc0
	echo c >/proc/sysrq-trigger ;;
wait)
	while :; do
		sleep 1 &
		wait $!
	done ;;
esac
# --- end of lifecycle -------------------------------------------------------
sync
poweroff -f
EOF
chmod 755 "$droot/init"
mkcpio "$droot" "$root/payload/domu.cpio.gz"

# --- Payloads named on the command line.
for arg in "$@"; do
	case $arg in
	(*=*) src=${arg%%=*} dest=${arg#*=} ;;
	(*) src=$arg dest=/payload/$(basename "$arg") ;;
	esac
	[ -f "$src" ] || fail "$src: no such file"
	add_file "$src" "$dest"
	[ -x "$src" ] && add_libs "$src"
done

# --- The scenarios and the TAP helpers they use.
add_file "$here/scenarios.sh" /scenarios.sh
add_file "$here/scen_life.sh" /scen_life.sh
chmod 755 "$root/scenarios.sh"
add_file "$here/scen_vm.sh" /scen_vm.sh
add_file "$here/scen_example.sh" /scen_example.sh
add_file "$here/scen_bench.sh" /scen_bench.sh
add_file "$here/scen_numa.sh" /scen_numa.sh
add_file "$here/scen_readguest.sh" /scen_readguest.sh
add_file "$top_srcdir/tests/lib.sh" /lib/tap.sh

# --- dom0's /init.
cat >"$root/init" <<'EOF'
#!/bin/sh
export PATH=/opt/pvbuild/bin:/usr/lib/xen-4.17/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LD_LIBRARY_PATH=/opt/pvbuild/lib
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# devtmpfs has none of these; the hotplug scripts' lock routine needs them.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts   # xenconsoled gives each guest a pty
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
mkdir -p /var/run/xen /run/xenstored
echo "XENHARNESS: dom0 init at $(cut -d' ' -f1 /proc/uptime) s"
# Keep the console for our lines: only kernel errors interleave with them.
echo 3 >/proc/sys/kernel/printk

harness_fail() {
	echo "TAP: Bail out! dom0: $*"
	poweroff -f
}

while read -r m; do
	insmod "/modules/$m.ko" || harness_fail "insmod $m failed"
done </modules/order
mkdir -p /proc/xen
mount -t xenfs xenfs /proc/xen || harness_fail "mount xenfs failed"

export XENSTORED_ROOTDIR=/run/xenstored
xenstored --pid-file=/run/xenstored.pid || harness_fail "xenstored did not start"
xen-init-dom0 >/tmp/xen-init-dom0.log 2>&1 || harness_fail "xen-init-dom0: $(tail -n 1 /tmp/xen-init-dom0.log)"
xenconsoled --log=guest --log-dir=/var/log/xen/console --pid-file=/run/xenconsoled.pid ||
	harness_fail "xenconsoled did not start"
echo "XENHARNESS: toolstack up at $(cut -d' ' -f1 /proc/uptime) s"

# A sanitizer build of pvbuild would keep up to 256 MiB of freed memory in
# ASan's quarantine: more than dom0 can spare beside its initramfs.
export ASAN_OPTIONS=quarantine_size_mb=16

# One line per write so the hypervisor's own messages cannot split them.
/scenarios.sh 2>&1 | while IFS= read -r line; do
	echo "TAP: $line"
done
echo "XENHARNESS: scenarios done at $(cut -d' ' -f1 /proc/uptime) s"
# What the quiet console kept back, should a tool have been killed.
dmesg | grep -i -E 'out of memory|killed process|segfault|general protection' |
	sed 's/^/XENHARNESS: dmesg: /'
poweroff -f
EOF
chmod 755 "$root/init"

mkcpio "$root" "$out.tmp"
mv "$out.tmp" "$out"
