TESTS += %reldir%/inspect.sh %reldir%/create.sh
EXTRA_DIST += %reldir%/inspect.sh %reldir%/create.sh
