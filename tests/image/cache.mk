# SPDX-License-Identifier: GPL-2.0-or-later
# The decompressed-kernel cache (lib/image/cache.c), driven by cache.sh.
check_PROGRAMS += tests/image/cache
tests_image_cache_SOURCES = %reldir%/cache.c
tests_image_cache_CPPFLAGS = $(TEST_CPPFLAGS)
tests_image_cache_LDADD = $(TEST_LIBS)
TESTS += %reldir%/cache.sh
EXTRA_DIST += %reldir%/cache.sh
