# SPDX-License-Identifier: GPL-2.0-or-later
# The end-to-end run on a real Xen 4.17 under QEMU's software emulation:
# one QEMU boot of Xen with a Debian dom0 that runs tests/xen/scenarios.sh
# (tests/xen/run.sh says what it needs).  Not part of `make check`: it
# needs the Xen, QEMU and kernel Debian packages and a few minutes;
# `make check-xen` runs it.

# Xen's own view of a paused domain, for the scenarios in dom0.
check_PROGRAMS += tests/xen/readguest
tests_xen_readguest_SOURCES = %reldir%/readguest.c
tests_xen_readguest_CPPFLAGS = $(AM_CPPFLAGS) $(XENCTRL_CFLAGS) $(XENFMEM_CFLAGS)
tests_xen_readguest_LDADD = $(XENCTRL_LIBS) $(XENFMEM_LIBS) -lxenguest

# The benchmark's clock: a command's wall time without a shell's own.
check_PROGRAMS += tests/xen/timeit
tests_xen_timeit_SOURCES = %reldir%/timeit.c

# Failures injected on the real hypervisor: only `make check-xen` runs it
# (in dom0); without Xen it has nothing to test, so it is not in TESTS.
check_PROGRAMS += tests/xen/xen_inject
tests_xen_xen_inject_SOURCES = %reldir%/xen_inject.c tests/proxy_host.h
tests_xen_xen_inject_CPPFLAGS = $(TEST_CPPFLAGS) $(XENSTORE_CFLAGS)
tests_xen_xen_inject_LDADD = $(TEST_LIBS) $(XENSTORE_LIBS)

EXTRA_DIST += %reldir%/run.sh %reldir%/mkinitramfs.sh %reldir%/scenarios.sh \
	%reldir%/scen_life.sh %reldir%/scen_vm.sh %reldir%/scen_example.sh %reldir%/scen_bench.sh \
	%reldir%/scen_numa.sh %reldir%/scen_readguest.sh
CLEANFILES += %reldir%/serial.log

.PHONY: check-xen
check-xen: tools/pvbuild lib/libpvbuild.la tests/xen/readguest tests/xen/timeit \
		tests/xen/xenhost_smoke tests/xen/xen_inject examples/mini-toolstack \
		pvguests
	@$(AM_TESTS_ENVIRONMENT) $(SHELL) $(srcdir)/%reldir%/run.sh
