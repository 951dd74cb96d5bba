# SPDX-License-Identifier: GPL-2.0-or-later
# pvb_decompress against the real compressors (gzip, bzip2, xz, lzop, lz4, zstd).
check_PROGRAMS += tests/image/decompress
tests_image_decompress_SOURCES = %reldir%/decompress.c
tests_image_decompress_CPPFLAGS = $(TEST_CPPFLAGS)
tests_image_decompress_LDADD = $(TEST_LIBS) $(ZLIB_LIBS)
TESTS += tests/image/decompress
