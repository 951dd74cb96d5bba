/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pvbuild command: one file per subcommand, no build logic of its own. */
#ifndef PVB_TOOLS_CLI_H
#define PVB_TOOLS_CLI_H

#include "pvbuild.h"

/* Exit statuses shared by every subcommand. */
#define EXIT_USAGE 2

int cmd_inspect(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_destroy(int argc, char **argv);

/* "pvbuild: " + message on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A pvb_logger that prints warnings (and, with -v, info) on stderr. */
extern pvb_logger cli_logger;
/* Host options carrying cli_logger. */
extern const struct pvb_host_opts cli_host_opts;
/* Options of the lifecycle calls: the CLI's logger. */
extern const struct pvb_lifecycle_opts cli_lifecycle_opts;
extern int cli_verbosity;

/* Parse a byte count with an optional K/M/G/T suffix (binary). */
int cli_parse_size(const char *text, uint64_t *out);

#endif
