# The lifecycle part of libpvbuild (include/pvbuild/lifecycle.h): domains
# by name, their deaths, xl's on_* policy, the monitor.  A toolstack part:
# it may use libxl (the policy's parser); the builder core never does.
lib_libpvbcore_la_SOURCES += \
	%reldir%/lifecycle_internal.h \
	%reldir%/lifecycle_policy.c \
	%reldir%/lifecycle_store.c \
	%reldir%/lifecycle_watch.c \
	%reldir%/monitor_run.c
lib_libpvbcore_la_CPPFLAGS += $(XENLIGHT_CFLAGS)
lib_libpvbcore_la_LIBADD += $(XENLIGHT_LIBS)
pvblifecycledir = $(includedir)/pvbuild
pvblifecycle_HEADERS = include/pvbuild/lifecycle.h
