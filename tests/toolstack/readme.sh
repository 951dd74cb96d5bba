#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's whole-VM examples: its web.cfg through pvbuild create on the
# simulated host (kernel and ramdisk swapped for this machine's), and its
# toolstack C fragment compiled against the headers.
. "$top_srcdir/tests/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
readme=$top_srcdir/README

# The lines of the heredoc after "cat > web.cfg <<EOF", unindented.
sed -n '/cat > web.cfg <<EOF/,/^    EOF/p' "$readme" | sed '1d;$d' | sed 's/^    //' >"$tmp/web.cfg"
like "$(cat "$tmp/web.cfg")" "disk = [ 'format=raw, vdev=xvda, access=rw, target=/srv/web.img' ]" \
	"README: web.cfg found"
kernel=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -n "$kernel" ]; then
	head -c 65536 /dev/urandom | gzip >"$tmp/initrd.gz"
	"$PVBUILD" create --host=sim "$tmp/web.cfg" kernel="$kernel" ramdisk="$tmp/initrd.gz" \
		>"$tmp/out" 2>"$tmp/err"
	is "$?" 0 "README: pvbuild create web.cfg builds on the simulated host"
	like "$(cat "$tmp/err")" "web.cfg: the simulated host runs no device backends: 1 disk(s) and 1 vif(s) not set up" \
		"README: and says the disk and vif are not set up there"
else
	ok_if "README: web.cfg read (no Debian kernel here to build)" sh -c \
		"'$PVBUILD' create --host=sim '$tmp/web.cfg' 2>&1 | grep -q 'No such file'"
fi

# The C fragment: the indented block from "pvb_vm *vm;" to its blank line.
sed -n '/^    pvb_vm \*vm;$/,/^$/p' "$readme" | sed 's/^    //' >"$tmp/fragment.c"
like "$(cat "$tmp/fragment.c")" "pvb_vm_start(vm, dom.domid" "README: toolstack fragment found"
cat >"$tmp/example.c" <<'C'
#include <stdbool.h>
#include <stdio.h>
#include <pvbuild.h>
#include <pvbuild/toolstack.h>

int example(pvb_host *host, struct pvb_domain dom, struct pvb_config cfg,
            pvb_logger log);
int example(pvb_host *host, struct pvb_domain dom, struct pvb_config cfg,
            pvb_logger log)
{
    pvb_error err;
#include "fragment.c"
    return 0;
}
C
${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -I"$top_srcdir/include" -I"$top_builddir/include" \
	$(pkg-config --cflags xenlight 2>/dev/null) -c "$tmp/example.c" -o "$tmp/example.o" 2>"$tmp/cc.err"
is "$?" 0 "README: the toolstack fragment compiles"
[ -s "$tmp/cc.err" ] && sed 's/^/# /' "$tmp/cc.err"
done_testing
