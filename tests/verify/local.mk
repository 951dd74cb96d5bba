# SPDX-License-Identifier: GPL-2.0-or-later
check_PROGRAMS += tests/verify/verify
tests_verify_verify_SOURCES = %reldir%/verify.c \
	%reldir%/mini_domain.c %reldir%/mini_domain.h
tests_verify_verify_CPPFLAGS = $(TEST_CPPFLAGS)
tests_verify_verify_LDADD = $(TEST_LIBS)
TESTS += tests/verify/verify

check_PROGRAMS += tests/verify/big
tests_verify_big_SOURCES = %reldir%/big.c %reldir%/mini_domain.c %reldir%/mini_domain.h
tests_verify_big_CPPFLAGS = $(TEST_CPPFLAGS)
tests_verify_big_LDADD = $(TEST_LIBS)
TESTS += tests/verify/big

check_PROGRAMS += tests/verify/frameset
tests_verify_frameset_SOURCES = %reldir%/frameset.c
tests_verify_frameset_CPPFLAGS = $(TEST_CPPFLAGS)
tests_verify_frameset_LDADD = $(TEST_LIBS)
TESTS += tests/verify/frameset
