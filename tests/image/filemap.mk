# SPDX-License-Identifier: GPL-2.0-or-later
# file_map_apart: where a file's mapping is placed, and what it leaves.
check_PROGRAMS += tests/image/filemap
tests_image_filemap_SOURCES = %reldir%/filemap.c
tests_image_filemap_CPPFLAGS = $(TEST_CPPFLAGS)
tests_image_filemap_LDADD = $(TEST_LIBS)
TESTS += tests/image/filemap
