# SPDX-License-Identifier: LGPL-2.1-or-later
lib_libpvbcore_la_SOURCES += \
	%reldir%/host.h %reldir%/host.c %reldir%/console.c %reldir%/domain.c \
	%reldir%/custom.c %reldir%/expose.c \
	%reldir%/sim.h %reldir%/sim_internal.h \
	%reldir%/sim.c \
	%reldir%/sim_memory.c \
	%reldir%/sim_map.c \
	%reldir%/sim_pagetable.c \
	%reldir%/sim_mfnmap.c \
	%reldir%/sim_cpus.c
# The real-Xen host (libxenctrl, libxenforeignmemory; libxenstore when
# configure defines PVB_HAVE_XENSTORE and XENSTORE_CFLAGS/_LIBS).
lib_libpvbcore_la_SOURCES += \
	%reldir%/xen_internal.h \
	%reldir%/xen.c \
	%reldir%/xen_memory.c \
	%reldir%/xen_cpus.c \
	%reldir%/xen_store.c \
	%reldir%/store_wire.h %reldir%/store_wire.c
lib_libpvbcore_la_CPPFLAGS += $(XENSTORE_CFLAGS)
lib_libpvbcore_la_LIBADD += $(XENSTORE_LIBS)
# The xen host op by op (tests/xen/xenhost_smoke.c): in dom0 it drives Xen;
# without Xen it checks that open fails cleanly and skips the rest.
check_PROGRAMS += tests/xen/xenhost_smoke
tests_xen_xenhost_smoke_SOURCES = tests/xen/xenhost_smoke.c
tests_xen_xenhost_smoke_CPPFLAGS = $(TEST_CPPFLAGS) $(XENSTORE_CFLAGS)
tests_xen_xenhost_smoke_LDADD = $(TEST_LIBS) $(XENSTORE_LIBS)
TESTS += tests/xen/xenhost_smoke
# The public headers of the host layer: a Xen host over the caller's
# handles, and the ops table for a host of one's own.
hostincludedir = $(includedir)/pvbuild
hostinclude_HEADERS = include/pvbuild/xen.h
hostsysincludedir = $(includedir)/pvbuild/sys
hostsysinclude_HEADERS = include/pvbuild/sys/host.h
