# SPDX-License-Identifier: GPL-2.0-or-later
# pvbuild's own PV test guest (README.txt): a freestanding x86_64 kernel,
# built in three variants with the guest's flags below -- never with the
# project's CFLAGS or sanitizer flags -- and the tests that run it on the
# simulated host.  `make check` builds the variants (the sim test depends
# on them); `make pvguests` builds them alone.
PVGUEST_CC = $(CC)
PVGUEST_FLAGS = -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-ffreestanding -fno-pic -fno-pie -mno-red-zone -mcmodel=kernel \
	-mgeneral-regs-only -fno-stack-protector -fcf-protection=none \
	-fno-asynchronous-unwind-tables
PVGUEST_LINK_FLAGS = -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack
PVGUEST_SRC = \
	$(srcdir)/%reldir%/guest/head.S $(srcdir)/%reldir%/guest/notes.S \
	$(srcdir)/%reldir%/guest/main.c $(srcdir)/%reldir%/guest/checks.c \
	$(srcdir)/%reldir%/guest/report.c
PVGUEST_DEPS = $(PVGUEST_SRC) $(srcdir)/%reldir%/guest/guest.h \
	$(srcdir)/%reldir%/guest/guest.lds
PVGUEST_LINK = $(MKDIR_P) $(@D) && $(PVGUEST_CC) $(PVGUEST_FLAGS) \
	$(PVGUEST_LINK_FLAGS) -T $(srcdir)/%reldir%/guest/guest.lds -o $@ \
	$(PVGUEST_SRC)

PVGUESTS = %reldir%/pvguest-init-p2m-512g %reldir%/pvguest-init-p2m-1536g \
	%reldir%/pvguest-no-init-p2m

%reldir%/pvguest-init-p2m-512g: $(PVGUEST_DEPS)
	$(AM_V_GEN)$(PVGUEST_LINK) -DINIT_P2M=0x8000000000
%reldir%/pvguest-init-p2m-1536g: $(PVGUEST_DEPS)
	$(AM_V_GEN)$(PVGUEST_LINK) -DINIT_P2M=0x18000000000
%reldir%/pvguest-no-init-p2m: $(PVGUEST_DEPS)
	$(AM_V_GEN)$(PVGUEST_LINK)

.PHONY: pvguests
pvguests: $(PVGUESTS)
CLEANFILES += $(PVGUESTS)

# The guest's checks, built hosted, run against domains built on sim.
check_PROGRAMS += tests/guests/sim
tests_guests_sim_SOURCES = %reldir%/sim.c %reldir%/guest/guest.h \
	%reldir%/guest/checks.c %reldir%/guest/report.c
tests_guests_sim_CPPFLAGS = $(TEST_CPPFLAGS)
tests_guests_sim_LDADD = $(TEST_LIBS)
EXTRA_tests_guests_sim_DEPENDENCIES = $(PVGUESTS)
TESTS += tests/guests/sim %reldir%/inspect.sh

EXTRA_DIST += %reldir%/README.txt %reldir%/inspect.sh \
	%reldir%/guest/head.S %reldir%/guest/notes.S %reldir%/guest/main.c \
	%reldir%/guest/guest.lds
