# SPDX-License-Identifier: GPL-2.0-or-later
# Test guests: sources of the small Xen PV ELF "kernels" the tests build
# with tests/data/mkguest.sh at test time.
EXTRA_DIST += %reldir%/mkguest.sh \
	%reldir%/guest/guest.h \
	%reldir%/guest/kernel64.S %reldir%/guest/kernel64.lds.S \
	%reldir%/guest/kernel32.S %reldir%/guest/kernel32.lds.S
