# SPDX-License-Identifier: GPL-2.0-or-later
# The library as a program outside the tree sees it: the shared library's
# exports and the version macros of the installed header.
check_PROGRAMS += tests/lib/version
tests_lib_version_SOURCES = %reldir%/version.c
tests_lib_version_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_lib_version_LDADD = lib/libpvbuild.la
check_PROGRAMS += tests/lib/nullargs
tests_lib_nullargs_SOURCES = %reldir%/nullargs.c
tests_lib_nullargs_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_lib_nullargs_LDADD = lib/libpvbuild.la
check_PROGRAMS += tests/lib/json
tests_lib_json_SOURCES = %reldir%/json.c
tests_lib_json_CPPFLAGS = $(TEST_CPPFLAGS)
tests_lib_json_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/lib/oneline
tests_lib_oneline_SOURCES = %reldir%/oneline.c
tests_lib_oneline_CPPFLAGS = $(TEST_CPPFLAGS)
tests_lib_oneline_LDADD = $(TEST_LIBS)
TESTS += tests/lib/nullargs tests/lib/version tests/lib/json tests/lib/oneline %reldir%/exports.sh %reldir%/readme-example.sh \
	%reldir%/manpages.sh %reldir%/abi.sh
EXTRA_DIST += %reldir%/exports.sh %reldir%/readme-example.sh tests/plan_copy.h \
	%reldir%/manpages.sh %reldir%/abi.sh
