# SPDX-License-Identifier: GPL-2.0-or-later
TESTS += %reldir%/inspect.sh %reldir%/create.sh %reldir%/edges.sh %reldir%/life.sh \
	%reldir%/readme-usage.sh %reldir%/progress.sh
EXTRA_DIST += %reldir%/inspect.sh %reldir%/create.sh %reldir%/edges.sh %reldir%/life.sh \
	%reldir%/readme-usage.sh %reldir%/progress.sh
