# SPDX-License-Identifier: GPL-2.0-or-later
check_PROGRAMS += tests/build/debian
tests_build_debian_SOURCES = %reldir%/debian.c %reldir%/common.h
tests_build_debian_CPPFLAGS = $(TEST_CPPFLAGS)
tests_build_debian_LDADD = $(TEST_LIBS)
TESTS += tests/build/debian

check_PROGRAMS += tests/build/direct
tests_build_direct_SOURCES = %reldir%/direct.c %reldir%/common.h
tests_build_direct_CPPFLAGS = $(TEST_CPPFLAGS) $(ZLIB_CFLAGS)
tests_build_direct_LDADD = $(TEST_LIBS) $(ZLIB_LIBS)
TESTS += tests/build/direct

check_PROGRAMS += tests/build/undo
tests_build_undo_SOURCES = %reldir%/undo.c %reldir%/common.h tests/proxy_host.h
tests_build_undo_CPPFLAGS = $(TEST_CPPFLAGS)
tests_build_undo_LDADD = $(TEST_LIBS)
TESTS += tests/build/undo

check_PROGRAMS += tests/build/property
tests_build_property_SOURCES = %reldir%/property.c %reldir%/common.h
tests_build_property_CPPFLAGS = $(TEST_CPPFLAGS)
tests_build_property_LDADD = $(TEST_LIBS)
TESTS += tests/build/property

check_PROGRAMS += tests/build/files
tests_build_files_SOURCES = %reldir%/files.c %reldir%/common.h
tests_build_files_CPPFLAGS = $(TEST_CPPFLAGS)
tests_build_files_LDADD = $(TEST_LIBS)
TESTS += tests/build/files

check_PROGRAMS += tests/build/features
tests_build_features_SOURCES = %reldir%/features.c %reldir%/common.h tests/proxy_host.h
tests_build_features_CPPFLAGS = $(TEST_CPPFLAGS)
tests_build_features_LDADD = $(TEST_LIBS)
TESTS += tests/build/features

check_PROGRAMS += tests/build/inject
tests_build_inject_SOURCES = %reldir%/inject.c %reldir%/common.h tests/proxy_host.h
tests_build_inject_CPPFLAGS = $(TEST_CPPFLAGS)
tests_build_inject_LDADD = $(TEST_LIBS)
TESTS += tests/build/inject

check_PROGRAMS += tests/build/agree
tests_build_agree_SOURCES = %reldir%/agree.c %reldir%/common.h
tests_build_agree_CPPFLAGS = $(TEST_CPPFLAGS)
tests_build_agree_LDADD = $(TEST_LIBS)
TESTS += tests/build/agree

check_PROGRAMS += tests/build/claim
tests_build_claim_SOURCES = %reldir%/claim.c %reldir%/common.h tests/proxy_host.h
tests_build_claim_CPPFLAGS = $(TEST_CPPFLAGS)
tests_build_claim_LDADD = $(TEST_LIBS)
TESTS += tests/build/claim

check_PROGRAMS += tests/build/numa
tests_build_numa_SOURCES = %reldir%/numa.c %reldir%/common.h
tests_build_numa_CPPFLAGS = $(TEST_CPPFLAGS)
tests_build_numa_LDADD = $(TEST_LIBS)
TESTS += tests/build/numa
check_PROGRAMS += tests/build/affinity
tests_build_affinity_SOURCES = %reldir%/affinity.c %reldir%/common.h
tests_build_affinity_CPPFLAGS = $(TEST_CPPFLAGS)
tests_build_affinity_LDADD = $(TEST_LIBS)
TESTS += tests/build/affinity
