dist_man_MANS += %reldir%/pvbuild.1 %reldir%/libpvbuild.3
