#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The builder core (image, layout, build, host, verify, util) and
# the public pvbuild.h include no libxl header: only lib/toolstack may.
. "$top_srcdir/tests/lib.sh"
for d in image layout build host verify util; do
	hits=$(grep -l -E '#[[:space:]]*include[[:space:]]*[<"]libxl' "$top_srcdir"/lib/$d/*.[ch] 2>/dev/null)
	is "$hits" "" "lib/$d includes no libxl header"
done
hits=$(grep -l -E 'include[[:space:]]*[<"]libxl' "$top_srcdir/include/pvbuild.h")
is "$hits" "" "pvbuild.h includes no libxl header"
ok_if "lib/toolstack does use libxl" grep -q -E '#include <libxl' "$top_srcdir/lib/toolstack/vm.h"
done_testing
