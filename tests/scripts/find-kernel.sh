#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/find-kernel: the installed kernel first (newest by version), else
# the cache, else nothing without --fetch; --fetch resolves the versioned
# package behind linux-image-amd64, downloads it and unpacks only its
# kernel into the cache.  apt is a test double here (no network); the
# package is a real .deb, made with dpkg-deb -b and unpacked with -x.
. "$top_srcdir/tests/lib.sh"
need dpkg-deb
fk="$top_srcdir/scripts/find-kernel"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/boot" "$tmp/empty" "$tmp/bin"
export PVBUILD_BOOT_DIR="$tmp/boot" PVBUILD_KERNEL_CACHE="$tmp/cache"

: > "$tmp/boot/vmlinuz-6.1.0-9-amd64"
: > "$tmp/boot/vmlinuz-6.1.0-10-amd64"
: > "$tmp/boot/vmlinuz-6.1.0-11-rt-amd64.old"
is "$("$fk")" "$tmp/boot/vmlinuz-6.1.0-10-amd64" "installed: the newest by version (10 > 9)"

export PVBUILD_BOOT_DIR="$tmp/empty"
out=$("$fk" 2>"$tmp/err"); rc=$?
is "$rc" 1 "none installed, none cached, no --fetch: exit 1"
is "$out" "" "and prints no path"
like "$(cat "$tmp/err")" "find-kernel --fetch downloads one" "says how to get one"
"$fk" --quiet 2>"$tmp/err"
is "$(cat "$tmp/err")" "" "--quiet: nothing on stderr"

# A kernel package as Debian ships it, and apt doubles that serve it.
mkdir -p "$tmp/pkg/DEBIAN" "$tmp/pkg/boot" "$tmp/pkg/lib/modules/6.1.0-99-amd64"
printf 'Package: linux-image-6.1.0-99-amd64\nVersion: 6.1.1-1\nArchitecture: amd64\nMaintainer: t <t@t>\nDescription: t\n' \
    > "$tmp/pkg/DEBIAN/control"
printf 'kernel bytes' > "$tmp/pkg/boot/vmlinuz-6.1.0-99-amd64"
printf 'CONFIG_XEN=y\n' > "$tmp/pkg/boot/config-6.1.0-99-amd64"
: > "$tmp/pkg/lib/modules/6.1.0-99-amd64/modules.dep"
dpkg-deb -b "$tmp/pkg" "$tmp/kernel.deb" >/dev/null 2>&1
ok_if "a kernel package built" test -s "$tmp/kernel.deb"
cat > "$tmp/bin/apt-cache" <<EOS
#!/bin/sh
[ "\$*" = "depends linux-image-amd64" ] || exit 100
printf 'linux-image-amd64\n  Depends: linux-image-6.1.0-99-amd64\n  Depends: apt\n'
EOS
cat > "$tmp/bin/apt-get" <<EOS
#!/bin/sh
echo "\$*" >> "$tmp/apt-get.args"
[ "\$1" = download ] && [ "\$3" = linux-image-6.1.0-99-amd64 ] || exit 100
cp "$tmp/kernel.deb" ./linux-image-6.1.0-99-amd64_6.1.1-1_amd64.deb
EOS
chmod +x "$tmp/bin/apt-cache" "$tmp/bin/apt-get"

out=$(PATH="$tmp/bin:$PATH" "$fk" --fetch 2>"$tmp/err"); rc=$?
is "$rc" 0 "--fetch: exit 0 ($(cat "$tmp/err"))"
is "$out" "$tmp/cache/boot/vmlinuz-6.1.0-99-amd64" "prints the cached kernel"
is "$(cat "$tmp/apt-get.args")" "download -q linux-image-6.1.0-99-amd64" \
    "downloaded the versioned package, installed nothing"
is "$(cat "$out")" "kernel bytes" "the kernel's bytes, unpacked"
ok_if "modules are not kept" test ! -e "$tmp/cache/lib"
is "$(ls -A "$tmp/cache" | tr '\n' ' ')" "boot " "no download left behind"
is "$(PATH="$tmp/bin:$PATH" "$fk")" "$out" "then found in the cache without --fetch"
rm "$tmp/apt-get.args"
PATH="$tmp/bin:$PATH" "$fk" --fetch >/dev/null 2>&1
ok_if "a cached kernel is not fetched again" test ! -e "$tmp/apt-get.args"

: > "$tmp/empty/vmlinuz-6.1.0-1-amd64"
is "$("$fk")" "$tmp/empty/vmlinuz-6.1.0-1-amd64" "an installed kernel comes before the cache"

rm -rf "$tmp/cache" "$tmp/empty"/*
printf '#!/bin/sh\nexit 0\n' > "$tmp/bin/apt-cache"
out=$(PATH="$tmp/bin:$PATH" "$fk" --fetch 2>&1); rc=$?
is "$rc" 1 "apt knows no kernel package: exit 1"
like "$out" "apt-get update" "and suggests apt-get update"
done_testing
