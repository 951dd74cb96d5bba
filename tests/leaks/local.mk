# SPDX-License-Identifier: GPL-2.0-or-later
# valgrind cannot run an ASan binary; in a sanitizer build LeakSanitizer
# (with lsan.supp, set for every test) is the leak check instead.
if !SANITIZERS
TESTS += %reldir%/valgrind.sh
endif
EXTRA_DIST += %reldir%/valgrind.sh %reldir%/libxlutil.supp %reldir%/lsan.supp
