# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmarks print figures and assert nothing: they are not tests.
EXTRA_PROGRAMS += bench/build
bench_build_SOURCES = %reldir%/build.c tests/proxy_host.h
bench_build_CPPFLAGS = $(TEST_CPPFLAGS)
bench_build_LDADD = $(TEST_LIBS)
CLEANFILES += bench/build

bench-build: bench/build$(EXEEXT)
	./bench/build$(EXEEXT) "$$($(SHELL) $(srcdir)/scripts/find-kernel)" $(BENCH_SIZES)
.PHONY: bench-build
