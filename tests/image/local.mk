# SPDX-License-Identifier: GPL-2.0-or-later
check_PROGRAMS += tests/image/mkbzimage
tests_image_mkbzimage_SOURCES = %reldir%/mkbzimage.c

TESTS += %reldir%/debian-kernel.sh %reldir%/formats.sh
EXTRA_DIST += %reldir%/debian-kernel.sh %reldir%/formats.sh tests/lib.sh
