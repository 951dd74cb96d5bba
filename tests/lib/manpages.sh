#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every name the built libpvbuild.so exports has a section 3 page whose NAME
# section names it (a group's page names all its functions; the other names
# are .so links to it), every link reaches a page that names it, every page
# is installed (man/local.mk) and renders without a groff warning.
. "$top_srcdir/tests/lib.sh"
need nm
so=$(ls "$top_builddir"/lib/.libs/libpvbuild.so.* 2>/dev/null | head -n 1)
if [ -z "$so" ]; then echo "Bail out! no lib/.libs/libpvbuild.so.* in $top_builddir"; exit 1; fi
man=$top_srcdir/man
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

nm -D --defined-only "$so" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' |
    sort -u > "$tmp/exported"
ok_if "the library exports names ($(wc -l < "$tmp/exported" | tr -d ' '))" test -s "$tmp/exported"

# The names each page's NAME section gives: the text before "\-", split at
# commas.  Pages that are only a .so link have no NAME section.
: > "$tmp/named"
for page in "$man"/*.3; do
    grep -q '^\.so ' "$page" && continue
    awk -v page="$(basename "$page")" '
        /^\.SH / { inname = ($2 == "NAME"); next }
        inname { text = text " " $0 }
        END {
            sub(/\\-.*/, "", text); n = split(text, w, /[ ,]+/)
            for (i = 1; i <= n; i++) if (w[i] != "") print w[i], page
        }' "$page" >> "$tmp/named"
done
cut -d' ' -f1 "$tmp/named" | sort -u > "$tmp/names"
ok_if "the pages name functions ($(wc -l < "$tmp/names" | tr -d ' '))" test -s "$tmp/names"
is "$(comm -23 "$tmp/exported" "$tmp/names" | tr '\n' ' ')" "" \
    "every exported name is named by a page's NAME section"

# Each link: man3/TARGET.3 exists and its NAME names the link's own name.
bad=
for page in "$man"/*.3; do
    target=$(sed -n 's|^\.so man3/||p' "$page")
    [ -n "$target" ] || continue
    name=$(basename "$page" .3)
    grep -qx "$name $target" "$tmp/named" || bad="$bad $name->$target"
done
is "$bad" "" "every .so link reaches a page that names it"

# Every page is installed.
missing=
for page in "$man"/*.3 "$man"/*.1; do
    grep -q "%reldir%/$(basename "$page")\b" "$man/local.mk" || missing="$missing $(basename "$page")"
done
is "$missing" "" "man/local.mk installs every page"

# Rendering: groff's every warning (-ww) is a failure; .so links resolve
# from the top of a man tree, as from /usr/share/man.
if command -v groff >/dev/null 2>&1; then
    mkdir -p "$tmp/root/man1" "$tmp/root/man3"
    cp "$man"/*.1 "$tmp/root/man1/"; cp "$man"/*.3 "$tmp/root/man3/"
    warn=
    for page in $(cd "$tmp/root" && ls man1/* man3/*); do
        out=$(cd "$tmp/root" && groff -man -Tutf8 -ww -z "$page" 2>&1 </dev/null)
        [ -z "$out" ] || warn="$warn $page: $out"
    done
    is "$warn" "" "every page renders without a groff warning"
else
    tap_n=$((tap_n + 1)); echo "ok $tap_n - # SKIP groff is not installed"
fi
done_testing
