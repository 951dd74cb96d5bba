TESTS += %reldir%/inspect.sh %reldir%/create.sh %reldir%/life.sh
EXTRA_DIST += %reldir%/inspect.sh %reldir%/create.sh %reldir%/life.sh
