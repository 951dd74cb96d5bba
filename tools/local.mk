# SPDX-License-Identifier: GPL-2.0-or-later
bin_PROGRAMS += tools/pvbuild
tools_pvbuild_SOURCES = \
	%reldir%/pvbuild.c %reldir%/cli.h \
	%reldir%/cmd_inspect.c \
	%reldir%/cmd_create.c \
	%reldir%/create_vm.c %reldir%/create_vm.h \
	%reldir%/cmd_domain.c \
	%reldir%/report.c %reldir%/report.h \
	%reldir%/vm.h %reldir%/domarg.c %reldir%/cmd_list.c \
	%reldir%/cmd_shutdown.c %reldir%/console.c %reldir%/monitor.c \
	%reldir%/dryrun.c %reldir%/timings.c %reldir%/timings.h \
	%reldir%/prepare.c %reldir%/prepare.h \
	%reldir%/progress.c %reldir%/progress.h
tools_pvbuild_LDADD = lib/libpvbuild.la
