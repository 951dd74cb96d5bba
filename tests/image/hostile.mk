# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile kernel images: each a valid control image with one defect.
check_PROGRAMS += tests/image/hostile
tests_image_hostile_SOURCES = %reldir%/hostile.c \
	%reldir%/hostile_util.c %reldir%/hostile_util.h
tests_image_hostile_CPPFLAGS = $(TEST_CPPFLAGS)
tests_image_hostile_LDADD = $(TEST_LIBS)
TESTS += tests/image/hostile
