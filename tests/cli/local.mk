TESTS += %reldir%/inspect.sh %reldir%/create.sh %reldir%/edges.sh
EXTRA_DIST += %reldir%/inspect.sh %reldir%/create.sh %reldir%/edges.sh
