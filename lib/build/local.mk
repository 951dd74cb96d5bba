# SPDX-License-Identifier: LGPL-2.1-or-later
lib_libpvbcore_la_SOURCES += \
	%reldir%/build.c %reldir%/build.h \
	%reldir%/claim.c \
	%reldir%/numa.c \
	%reldir%/affinity.c \
	%reldir%/populate.c \
	%reldir%/load.c \
	%reldir%/pagetables.c \
	%reldir%/boot.c \
	%reldir%/domain.c \
	%reldir%/json.c
