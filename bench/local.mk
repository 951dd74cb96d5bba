# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmarks: built and run on demand only, never by `make all` or `make check`.
#   make bench-decompress [BENCH_KERNEL=/boot/vmlinuz-...]
EXTRA_PROGRAMS = bench/decompress
bench_decompress_SOURCES = %reldir%/decompress.c
bench_decompress_CPPFLAGS = $(AM_CPPFLAGS) $(DEP_CFLAGS)
bench_decompress_LDADD = lib/libpvbcore.la
CLEANFILES += bench/decompress$(EXEEXT)

# Default: the kernel scripts/find-kernel finds (installed, else cached).
BENCH_KERNEL = "$$($(SHELL) $(srcdir)/scripts/find-kernel)"
bench-decompress: bench/decompress$(EXEEXT)
	bench/decompress$(EXEEXT) $(BENCH_KERNEL)
.PHONY: bench-decompress
