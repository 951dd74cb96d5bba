# SPDX-License-Identifier: GPL-2.0-or-later
# TAP helpers for the shell tests.
tap_n=0 tap_fail=0
ok_if() { # description, command...
    desc=$1; shift
    tap_n=$((tap_n + 1))
    if "$@" >/dev/null 2>&1; then echo "ok $tap_n - $desc"
    else echo "not ok $tap_n - $desc"; tap_fail=$((tap_fail + 1)); fi
}
is() { # got, want, description
    tap_n=$((tap_n + 1))
    if [ "$1" = "$2" ]; then echo "ok $tap_n - $3"
    else echo "not ok $tap_n - $3"; echo "#   got '$1', want '$2'"; tap_fail=$((tap_fail + 1)); fi
}
like() { # text, substring, description
    tap_n=$((tap_n + 1))
    case $1 in *"$2"*) echo "ok $tap_n - $3" ;;
    *) echo "not ok $tap_n - $3"; echo "#   '$1' lacks '$2'"; tap_fail=$((tap_fail + 1)) ;; esac
}
need() {
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || { echo "Bail out! $t is not installed (scripts/install-deps installs it)"; exit 1; }
    done
}
done_testing() { echo "1..$tap_n"; [ "$tap_fail" -eq 0 ]; }
# Debian's kernel, as scripts/find-kernel finds it (the harness's answer in
# PVBUILD_KERNEL), or nothing.
debian_kernel() {
    if [ -n "${PVBUILD_KERNEL+set}" ]; then echo "$PVBUILD_KERNEL"
    else "$top_srcdir/scripts/find-kernel" --quiet; fi
}
