# SPDX-License-Identifier: GPL-2.0-or-later
check_PROGRAMS += tests/toolstack/lifecycle_policy
tests_toolstack_lifecycle_policy_SOURCES = %reldir%/lifecycle_policy.c
tests_toolstack_lifecycle_policy_CPPFLAGS = $(TEST_CPPFLAGS)
tests_toolstack_lifecycle_policy_LDADD = $(TEST_LIBS)
TESTS += tests/toolstack/lifecycle_policy
