# SPDX-License-Identifier: LGPL-2.1-or-later
# The lifecycle part of libpvbuild (include/pvbuild/lifecycle.h): domains
# by name, their deaths, xl's on_* policy, the monitor.  A toolstack part:
# it may use libxl (the policy's parser); the builder core never does.
lib_libpvbcore_la_SOURCES += \
	%reldir%/lifecycle_internal.h \
	%reldir%/lifecycle_policy.c \
	%reldir%/lifecycle_store.c \
	%reldir%/lifecycle_watch.c \
	%reldir%/list_json.c \
	%reldir%/monitor_run.c
# (libxl flags: lib/toolstack/local.mk)
pvbuildinclude_HEADERS += include/pvbuild/lifecycle.h
