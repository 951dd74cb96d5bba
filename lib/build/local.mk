lib_libpvbcore_la_SOURCES += \
	%reldir%/build.c %reldir%/build.h \
	%reldir%/populate.c \
	%reldir%/load.c \
	%reldir%/pagetables.c \
	%reldir%/boot.c \
	%reldir%/domain.c
