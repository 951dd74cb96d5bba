# SPDX-License-Identifier: GPL-2.0-or-later
# The ABI baseline (docs/api-stability.md): `make abi-check` compares the
# built library with it (abidiff), `make abi-baseline` rewrites it (abidw),
# only together with the version bump the change needs.
ABI_SO = lib/.libs/libpvbuild.so
abi-check: lib/libpvbuild.la
	$(SHELL) $(top_srcdir)/scripts/abi-check check $(top_srcdir) $(ABI_SO)
abi-baseline: lib/libpvbuild.la
	$(SHELL) $(top_srcdir)/scripts/abi-check baseline $(top_srcdir) $(ABI_SO)
.PHONY: abi-check abi-baseline
EXTRA_DIST += %reldir%/libpvbuild.abi scripts/abi-check docs/api-stability.md
