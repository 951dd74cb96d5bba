# SPDX-License-Identifier: LGPL-2.1-or-later
# The toolstack part (include/pvbuild/toolstack.h): a built domain made a
# VM through libxl and libxlutil.  Same library, its own directory: the
# builder core (image, layout, build, host, verify) never includes libxl.
lib_libpvbcore_la_SOURCES += \
	%reldir%/action_words.c \
	%reldir%/action_words.h \
	%reldir%/vm.h \
	%reldir%/vm_config.c \
	%reldir%/vm_libxl.c
lib_libpvbcore_la_CPPFLAGS += $(XENLIGHT_CFLAGS)
lib_libpvbcore_la_LIBADD += $(XENLIGHT_LIBS)
pvbuildinclude_HEADERS = include/pvbuild/toolstack.h
