# SPDX-License-Identifier: GPL-2.0-or-later
check_PROGRAMS += tests/config/p2m tests/config/xl
tests_config_p2m_SOURCES = %reldir%/p2m.c
tests_config_p2m_CPPFLAGS = $(TEST_CPPFLAGS)
tests_config_p2m_LDADD = $(TEST_LIBS)
tests_config_xl_SOURCES = %reldir%/xl.c
tests_config_xl_CPPFLAGS = $(TEST_CPPFLAGS)
tests_config_xl_LDADD = $(TEST_LIBS)
TESTS += tests/config/p2m tests/config/xl
