# SPDX-License-Identifier: GPL-2.0-or-later
# Fuzz targets (tests/fuzz/README): libFuzzer with clang, built apart from
# the library by fuzz.mk.  `make fuzz` runs each for FUZZ_SECONDS; `make
# fuzz-check` is CI's gate: it replays tests/fuzz/regress/ and runs each
# target for FUZZ_CHECK_SECONDS, printing ok/not ok lines.
FUZZ_TARGETS = image decompress config build
FUZZ_SECONDS = 60
FUZZ_CHECK_SECONDS = 20
FUZZ_MAX_LEN =
FUZZ_FILES = %reldir%/fuzz.h %reldir%/fuzz.mk %reldir%/mkseeds.sh \
	%reldir%/run.sh %reldir%/lsan.supp %reldir%/README \
	$(FUZZ_TARGETS:%=%reldir%/%.c)
EXTRA_DIST += $(FUZZ_FILES) %reldir%/configs %reldir%/regress

FUZZ_SUBMAKE = $(MAKE) -f $(srcdir)/%reldir%/fuzz.mk srcdir='$(srcdir)' \
	FUZZ_CC='$(FUZZ_CC)' DEFS='$(DEFS)' \
	FUZZ_CPPFLAGS='$(lib_libpvbcore_la_CPPFLAGS)' \
	FUZZ_LIBS='$(lib_libpvbcore_la_LIBADD)' \
	FUZZ_LIB_SOURCES='$(lib_libpvbcore_la_SOURCES)' \
	FUZZ_TARGETS='$(FUZZ_TARGETS)'
FUZZ_RUN = env FUZZ_MAX_LEN='$(FUZZ_MAX_LEN)' FUZZ_CC='$(FUZZ_CC)' FUZZ_WHY='$(FUZZ_WHY)' \
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	$(SHELL) $(srcdir)/%reldir%/run.sh

.PHONY: fuzz fuzz-check fuzz-build fuzz-seeds
fuzz-build:
	@if test -z '$(FUZZ_CC)'; then \
	  echo "fuzz targets not built: $(FUZZ_WHY)"; exit 1; fi
	@$(FUZZ_SUBMAKE) --no-print-directory

# Seed corpora: test guests, every compressor's output, the hostile images,
# Debian's kernel where installed.
fuzz-seeds: %reldir%/seeds/.stamp
%reldir%/seeds/.stamp: $(PVGUESTS) tests/image/hostile$(EXEEXT) \
		tests/image/mkbzimage$(EXEEXT) $(srcdir)/%reldir%/mkseeds.sh \
		$(srcdir)/tests/data/mkguest.sh $(wildcard $(srcdir)/%reldir%/configs/*)
	@top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	  $(SHELL) $(srcdir)/%reldir%/mkseeds.sh %reldir%/seeds
	@touch $@

fuzz: fuzz-build fuzz-seeds
	@$(FUZZ_RUN) run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The gate prints its own "not ok" when clang is missing: never a silent skip.
fuzz-check:
	@if test -n '$(FUZZ_CC)'; then $(MAKE) $(AM_MAKEFLAGS) fuzz-build fuzz-seeds \
	  >fuzz-check-build.log 2>&1 || { tail -n 30 fuzz-check-build.log; \
	  echo "not ok 1 - fuzz targets and seeds build"; echo "1..1"; exit 1; }; fi
	@$(FUZZ_RUN) check $(FUZZ_CHECK_SECONDS) $(FUZZ_TARGETS)

clean-local: clean-fuzz
.PHONY: clean-fuzz
clean-fuzz:
	-rm -rf %reldir%/obj %reldir%/seeds %reldir%/out \
	  $(FUZZ_TARGETS:%=%reldir%/fuzz-%) fuzz-check-build.log
