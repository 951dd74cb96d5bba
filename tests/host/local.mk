# SPDX-License-Identifier: GPL-2.0-or-later
check_PROGRAMS += tests/host/sim
tests_host_sim_SOURCES = %reldir%/sim.c
tests_host_sim_CPPFLAGS = $(TEST_CPPFLAGS)
tests_host_sim_LDADD = $(TEST_LIBS)
TESTS += tests/host/sim

check_PROGRAMS += tests/host/console
tests_host_console_SOURCES = %reldir%/console.c
tests_host_console_CPPFLAGS = $(TEST_CPPFLAGS)
tests_host_console_LDADD = $(TEST_LIBS)
TESTS += tests/host/console

# Bring your own domain and handles, through the public headers only.
check_PROGRAMS += tests/host/byo
tests_host_byo_SOURCES = %reldir%/byo.c
tests_host_byo_CPPFLAGS = $(TEST_CPPFLAGS)
tests_host_byo_LDADD = $(TEST_LIBS)
TESTS += tests/host/byo

# A host of one's own (pvbuild/sys/host.h): a counting, failing proxy.
check_PROGRAMS += tests/host/double
tests_host_double_SOURCES = %reldir%/double.c
tests_host_double_CPPFLAGS = $(TEST_CPPFLAGS)
tests_host_double_LDADD = $(TEST_LIBS)
TESTS += tests/host/double

# pvb_host_opts.keep_mappings: kept after a good build, never past unpause.
check_PROGRAMS += tests/host/keep
tests_host_keep_SOURCES = %reldir%/keep.c tests/build/common.h tests/proxy_host.h
tests_host_keep_CPPFLAGS = $(TEST_CPPFLAGS)
tests_host_keep_LDADD = $(TEST_LIBS)
TESTS += tests/host/keep

# xenstore requests sent at once, against a scripted xenstored.
check_PROGRAMS += tests/host/store_wire
tests_host_store_wire_SOURCES = %reldir%/store_wire.c
tests_host_store_wire_CPPFLAGS = $(TEST_CPPFLAGS) $(XENSTORE_CFLAGS)
tests_host_store_wire_LDADD = $(TEST_LIBS) $(XENSTORE_LIBS)
TESTS += tests/host/store_wire
