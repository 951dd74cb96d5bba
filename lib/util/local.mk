# SPDX-License-Identifier: LGPL-2.1-or-later
lib_libpvbcore_la_SOURCES += \
	%reldir%/alloc.c %reldir%/alloc.h \
	%reldir%/error.c %reldir%/error.h \
	%reldir%/file.c %reldir%/file.h \
	%reldir%/phase.c %reldir%/phase.h \
	%reldir%/json.c %reldir%/json.h \
	%reldir%/opts.c %reldir%/opts.h \
	%reldir%/domain_name.c %reldir%/domain_name.h \
	%reldir%/xenstored.c %reldir%/xenstored.h \
	%reldir%/xenabi.h
