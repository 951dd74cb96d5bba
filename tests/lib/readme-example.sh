#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's library example, as written there: the indented block after
# "Building a domain", compiled against the headers and the shared library,
# and run on this machine's kernel.
. "$top_srcdir/tests/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# From the heading to the first unindented line after the indented block.
awk '/^Building a domain on the simulated host/ { on = 1; next }
     on && /^    / { code = 1; sub(/^    /, ""); print; next }
     on && code && /^[^ ]/ { exit }
     on && code { print }' "$top_srcdir/README" >"$tmp/block.c"
like "$(cat "$tmp/block.c")" "pvb_domain_create(host, &cfg, img, NULL, plan" \
	"README: the library example found"
{
	printf '#include <stdio.h>\n#include <pvbuild.h>\n\n'
	printf 'int main(int argc, char **argv)\n{\n    const char *kernel = argc > 1 ? argv[1] : "vmlinuz";\n'
	cat "$tmp/block.c"
	printf '    return status;\n}\n'
} >"$tmp/example.c"
# A sanitizer build's library needs its runtime in the program too.
san=
ldd "$top_builddir/lib/.libs/libpvbuild.so" 2>/dev/null | grep -q libasan &&
	san="-fsanitize=address,undefined"
${CC:-cc} -std=c11 $san -Wall -Wextra -Werror -I"$top_builddir/include" \
	-I"$top_srcdir/include" -o "$tmp/example" "$tmp/example.c" \
	-L"$top_builddir/lib/.libs" -lpvbuild 2>"$tmp/cc.err"
is "$?" 0 "README: the library example compiles with -Wall -Wextra -Werror"
[ -s "$tmp/cc.err" ] && sed 's/^/# /' "$tmp/cc.err"
if [ -z "$PVBUILD_KERNEL" ]; then
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # SKIP no kernel here to run the example (scripts/find-kernel --fetch)"
else
	LD_LIBRARY_PATH="$top_builddir/lib/.libs" "$tmp/example" "$PVBUILD_KERNEL" \
		>"$tmp/out" 2>"$tmp/err"
	is "$?" 0 "README: the example builds and verifies $PVBUILD_KERNEL ($(cat "$tmp/err"))"
	like "$(cat "$tmp/out")" "verify ok" "README: and says the domain verified"
fi
done_testing
