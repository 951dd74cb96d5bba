# Benchmarks print figures and assert nothing: they are not tests.
EXTRA_PROGRAMS += bench/build
bench_build_SOURCES = %reldir%/build.c tests/proxy_host.h
bench_build_CPPFLAGS = $(TEST_CPPFLAGS)
bench_build_LDADD = $(TEST_LIBS)
CLEANFILES += bench/build

bench-build: bench/build$(EXEEXT)
	./bench/build$(EXEEXT) "$$(ls /boot/vmlinuz-*-amd64 | sort -V | tail -n 1)" $(BENCH_SIZES)
.PHONY: bench-build
