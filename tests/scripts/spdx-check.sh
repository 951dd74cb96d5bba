#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/spdx-check on a scratch tree: it finds each unmarked file, --add
# marks it with the licence LICENSE gives its path in the syntax of its type
# (after a #! line), a second --add changes nothing, a wrong licence is
# reported, and a file of unknown type stops it.
. "$top_srcdir/tests/lib.sh"
check="$top_srcdir/scripts/spdx-check"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
mkdir -p lib/util include tools man tests docs debian
printf 'int x;\n' > lib/util/a.c
printf '#pragma once\n' > include/pvbuild.h
printf '#define V @V@\n' > include/version.h.in
printf 'int main(void) { return 0; }\n' > tools/main.c
printf '#!/bin/sh\necho hi\n' > tests/t.sh; chmod +x tests/t.sh
printf '.TH X 3\n' > man/x.3
printf '.TH X 1\n' > man/x.1
printf '# Title\n' > docs/a.md
printf 'x:\n\ttrue\n' > lib/util/local.mk
printf 'plain text\n' > README
printf 'Source: x\n' > debian/control
files="lib/util/a.c include/pvbuild.h include/version.h.in tools/main.c tests/t.sh man/x.3 man/x.1 docs/a.md lib/util/local.mk README debian/control"

# shellcheck disable=SC2086
out=$("$check" $files); rc=$?
is "$rc" 1 "unmarked files: exit 1"
is "$(printf '%s\n' "$out" | grep -c 'no SPDX')" 9 "lists the 9 that need a line (README, debian/ exempt)"
like "$out" "lib/util/a.c: no SPDX-License-Identifier (want LGPL-2.1-or-later)" "library source: LGPL"
like "$out" "tools/main.c: no SPDX-License-Identifier (want GPL-2.0-or-later)" "CLI source: GPL"

# shellcheck disable=SC2086
"$check" --add $files >/dev/null; is "$?" 0 "--add exits 0"
is "$(head -n 1 lib/util/a.c)" "/* SPDX-License-Identifier: LGPL-2.1-or-later */" ".c: C comment"
is "$(head -n 1 include/pvbuild.h)" "/* SPDX-License-Identifier: LGPL-2.1-or-later */" "public header: LGPL"
is "$(head -n 1 include/version.h.in)" "/* SPDX-License-Identifier: LGPL-2.1-or-later */" "a header template: C comment"
is "$(sed -n 1p tests/t.sh)" "#!/bin/sh" "#! stays the first line"
is "$(sed -n 2p tests/t.sh)" "# SPDX-License-Identifier: GPL-2.0-or-later" ".sh: after #!"
ok_if "the script still runs" test "$(sh tests/t.sh)" = hi
ok_if "and keeps its mode" test -x tests/t.sh
is "$(head -n 1 man/x.3)" '.\" SPDX-License-Identifier: LGPL-2.1-or-later' "library man page: roff comment, LGPL"
is "$(head -n 1 man/x.1)" '.\" SPDX-License-Identifier: GPL-2.0-or-later' "command man page: GPL"
is "$(head -n 1 docs/a.md)" "<!-- SPDX-License-Identifier: GPL-2.0-or-later -->" ".md: HTML comment"
is "$(head -n 1 lib/util/local.mk)" "# SPDX-License-Identifier: LGPL-2.1-or-later" ".mk: hash comment"
is "$(cat README)" "plain text" "exempt file untouched"

# shellcheck disable=SC2086
"$check" $files >/dev/null; is "$?" 0 "all marked: exit 0"
# shellcheck disable=SC2086
sum1=$(cat $files | cksum)
# shellcheck disable=SC2086
"$check" --add $files >/dev/null
# shellcheck disable=SC2086
is "$(cat $files | cksum)" "$sum1" "a second --add changes nothing"

sed -i 's/LGPL-2.1-or-later/GPL-2.0-only/' lib/util/a.c
out=$("$check" lib/util/a.c); rc=$?
is "$rc" 1 "a wrong licence: exit 1"
like "$out" "lib/util/a.c: SPDX-License-Identifier GPL-2.0-only, LICENSE says LGPL-2.1-or-later" "and says which"

printf 'data\n' > tests/blob.bin
out=$("$check" tests/blob.bin); rc=$?
is "$rc" 2 "unknown file type: exit 2"
like "$out" "no known comment syntax" "and says why"
done_testing
