# SPDX-License-Identifier: LGPL-2.1-or-later
lib_libpvbcore_la_SOURCES += \
	%reldir%/verify.c %reldir%/verify.h \
	%reldir%/gather.c %reldir%/report.c \
	%reldir%/json.c %reldir%/json.h \
	%reldir%/check_vcpu.c %reldir%/check_tables.c \
	%reldir%/check_p2m.c %reldir%/check_layout.c \
	%reldir%/ptread.c %reldir%/ptread.h \
	%reldir%/p2mread.c %reldir%/p2mread.h \
	%reldir%/frameset.c %reldir%/frameset.h
