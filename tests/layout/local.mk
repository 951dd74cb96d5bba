# SPDX-License-Identifier: GPL-2.0-or-later
# Layout planner tests: the reference vector, P->M placement, properties.
check_PROGRAMS += tests/layout/reference tests/layout/placement \
	tests/layout/properties tests/layout/debian tests/layout/plan-dump
tests_layout_reference_SOURCES = %reldir%/reference.c %reldir%/guests.h
tests_layout_reference_CPPFLAGS = $(TEST_CPPFLAGS)
tests_layout_reference_LDADD = $(TEST_LIBS)
tests_layout_placement_SOURCES = %reldir%/placement.c %reldir%/guests.h
tests_layout_placement_CPPFLAGS = $(TEST_CPPFLAGS)
tests_layout_placement_LDADD = $(TEST_LIBS)
tests_layout_properties_SOURCES = %reldir%/properties.c %reldir%/guests.h
tests_layout_properties_CPPFLAGS = $(TEST_CPPFLAGS)
tests_layout_properties_LDADD = $(TEST_LIBS)
tests_layout_debian_SOURCES = %reldir%/debian.c
tests_layout_debian_CPPFLAGS = $(TEST_CPPFLAGS)
tests_layout_debian_LDADD = $(TEST_LIBS)
# Not a test itself: prints plans for print.sh to check.
tests_layout_plan_dump_SOURCES = %reldir%/plan-dump.c %reldir%/guests.h
tests_layout_plan_dump_CPPFLAGS = $(TEST_CPPFLAGS)
tests_layout_plan_dump_LDADD = $(TEST_LIBS)
TESTS += tests/layout/reference tests/layout/placement \
	tests/layout/properties tests/layout/debian %reldir%/print.sh
EXTRA_DIST += %reldir%/print.sh
