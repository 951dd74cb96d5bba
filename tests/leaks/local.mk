TESTS += %reldir%/valgrind.sh
EXTRA_DIST += %reldir%/valgrind.sh %reldir%/libxlutil.supp %reldir%/lsan.supp
