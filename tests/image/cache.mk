# SPDX-License-Identifier: GPL-2.0-or-later
# The decompressed-kernel and gunzipped-ramdisk cache (lib/image/cache.c),
# driven by cache.sh.
check_PROGRAMS += tests/image/cache
tests_image_cache_SOURCES = %reldir%/cache.c %reldir%/cachelog.h
tests_image_cache_CPPFLAGS = $(TEST_CPPFLAGS)
tests_image_cache_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/image/rdcache
tests_image_rdcache_SOURCES = %reldir%/rdcache.c %reldir%/cachelog.h
tests_image_rdcache_CPPFLAGS = $(TEST_CPPFLAGS)
tests_image_rdcache_LDADD = $(TEST_LIBS)
TESTS += %reldir%/cache.sh
EXTRA_DIST += %reldir%/cache.sh
