# SPDX-License-Identifier: GPL-2.0-or-later
# lib/toolstack's config side: no Xen needed.
check_PROGRAMS += tests/toolstack/vm_config
tests_toolstack_vm_config_SOURCES = %reldir%/vm_config.c
tests_toolstack_vm_config_CPPFLAGS = $(TEST_CPPFLAGS) $(XENLIGHT_CFLAGS)
tests_toolstack_vm_config_LDADD = $(TEST_LIBS)
TESTS += tests/toolstack/vm_config
# The builder core never includes libxl (only lib/toolstack does).
TESTS += %reldir%/core_without_libxl.sh
EXTRA_DIST += %reldir%/core_without_libxl.sh
# The README's whole-VM examples, run and compiled.
TESTS += %reldir%/readme.sh
EXTRA_DIST += %reldir%/readme.sh
