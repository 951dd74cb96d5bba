# SPDX-License-Identifier: LGPL-2.1-or-later
lib_libpvbcore_la_SOURCES += \
	%reldir%/config.c %reldir%/config.h \
	%reldir%/resolve.c %reldir%/resolve.h \
	%reldir%/cpuspec.c %reldir%/cpuspec.h \
	%reldir%/vnuma.c %reldir%/vnuma.h \
	%reldir%/xl.c %reldir%/xl.h \
	%reldir%/xl_values.c \
	%reldir%/xl_numa.c \
	%reldir%/xl_keys.c %reldir%/xl_key_table.c \
	%reldir%/xl_override.c \
	%reldir%/xl_text.c
