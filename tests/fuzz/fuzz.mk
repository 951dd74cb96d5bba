# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the libFuzzer targets (GNU make, run by `make fuzz-build` from
# tests/fuzz/local.mk, which passes the variables below).  The library's
# sources are compiled again with clang, coverage-instrumented and with
# ASan and UBSan, into tests/fuzz/obj/: the project's own build (gcc, no
# instrumentation) is left as it is.
#
# In: srcdir FUZZ_CC DEFS FUZZ_CPPFLAGS FUZZ_LIBS FUZZ_LIB_SOURCES FUZZ_TARGETS
O := tests/fuzz/obj
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
CFLAGS_FUZZ := -std=gnu11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror $(SAN)
CPPFLAGS_FUZZ := $(DEFS) $(FUZZ_CPPFLAGS) -I$(srcdir)/tests -I$(srcdir)/tests/fuzz

LIB_OBJS := $(patsubst %.c,$(O)/%.o,$(filter %.c,$(FUZZ_LIB_SOURCES)))
BINS := $(addprefix tests/fuzz/fuzz-,$(FUZZ_TARGETS))

all: $(BINS)

$(O)/%.o: $(srcdir)/%.c
	@mkdir -p $(@D)
	@echo "  FUZZCC   $@"
	@$(FUZZ_CC) $(CPPFLAGS_FUZZ) $(CFLAGS_FUZZ) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(O)/lib.a: $(LIB_OBJS)
	@rm -f $@
	@ar rcs $@ $^

tests/fuzz/fuzz-%: $(O)/tests/fuzz/%.o $(O)/lib.a
	@echo "  FUZZLD   $@"
	@$(FUZZ_CC) $(CFLAGS_FUZZ) -fsanitize=fuzzer -o $@ $^ $(FUZZ_LIBS)

.SECONDARY:
-include $(LIB_OBJS:.o=.d) $(patsubst %,$(O)/tests/fuzz/%.d,$(FUZZ_TARGETS))
