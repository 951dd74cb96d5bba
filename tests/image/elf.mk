# SPDX-License-Identifier: GPL-2.0-or-later
# The ELF reader: test guests built at test time, Debian's kernel, readelf.
check_PROGRAMS += tests/image/elf
tests_image_elf_SOURCES = %reldir%/elf.c
tests_image_elf_CPPFLAGS = $(TEST_CPPFLAGS)
tests_image_elf_LDADD = $(TEST_LIBS)
TESTS += tests/image/elf
EXTRA_DIST += %reldir%/elf-readelf.sh %reldir%/elf-vmlinux.sh \
	%reldir%/elf-features.sh
