# SPDX-License-Identifier: LGPL-2.1-or-later
# The layout planner: pure functions, guest description + config -> plan.
lib_libpvbcore_la_SOURCES += \
	%reldir%/plan.c \
	%reldir%/layout.h \
	%reldir%/pgtables.c \
	%reldir%/p2m.c \
	%reldir%/print.c
