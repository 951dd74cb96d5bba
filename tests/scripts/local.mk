# SPDX-License-Identifier: GPL-2.0-or-later
# The project's scripts, tested on scratch trees.
TESTS += %reldir%/spdx-check.sh %reldir%/find-kernel.sh
EXTRA_DIST += %reldir%/spdx-check.sh %reldir%/find-kernel.sh
