check_PROGRAMS += tests/host/sim
tests_host_sim_SOURCES = %reldir%/sim.c
tests_host_sim_CPPFLAGS = $(TEST_CPPFLAGS)
tests_host_sim_LDADD = $(TEST_LIBS)
TESTS += tests/host/sim
