# SPDX-License-Identifier: GPL-2.0-or-later
dist_man_MANS += %reldir%/pvbuild.1 %reldir%/libpvbuild.3
