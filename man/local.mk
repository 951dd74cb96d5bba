dist_man_MANS += %reldir%/pvbuild.1
