# SPDX-License-Identifier: LGPL-2.1-or-later
lib_libpvbcore_la_SOURCES += \
	%reldir%/decompress.c %reldir%/decompress.h \
	%reldir%/bzimage.c %reldir%/bzimage.h \
	%reldir%/elf.c %reldir%/elf.h \
	%reldir%/notes.c %reldir%/notes.h \
	%reldir%/features.c %reldir%/features.h %reldir%/note_names.c \
	%reldir%/image.c %reldir%/image.h %reldir%/image_impl.h \
	%reldir%/image_load.c %reldir%/elfview.c %reldir%/elfview.h \
	%reldir%/cache.c %reldir%/cache.h \
	%reldir%/json.c \
	%reldir%/ramdisk.c %reldir%/ramdisk.h
