lib_libpvbcore_la_SOURCES += \
	%reldir%/host.h %reldir%/host.c %reldir%/console.c \
	%reldir%/sim.h %reldir%/sim_internal.h \
	%reldir%/sim.c \
	%reldir%/sim_memory.c \
	%reldir%/sim_map.c \
	%reldir%/sim_pagetable.c \
	%reldir%/sim_mfnmap.c
