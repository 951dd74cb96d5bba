# SPDX-License-Identifier: GPL-2.0-or-later
# The example toolstack, built here too so that `make check` compiles it
# with the project's warnings and runs it on the simulated host, and
# `make check-xen` can put it in dom0.  examples/Makefile builds it
# against the installed library instead (CI's install stage).
check_PROGRAMS += examples/mini-toolstack
examples_mini_toolstack_SOURCES = %reldir%/mini-toolstack.c
examples_mini_toolstack_CPPFLAGS = $(TEST_CPPFLAGS)
examples_mini_toolstack_LDADD = $(TEST_LIBS)
TESTS += tests/host/example.sh
EXTRA_DIST += %reldir%/Makefile tests/host/example.sh
