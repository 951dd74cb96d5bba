/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"
#include "vm.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_verbosity;

static void print_log(void *opaque, enum pvb_log_level level, const char *msg)
{
    (void)opaque;
    static const char *const prefix[] = { "error", "warning", "info", "debug" };
    if ((int)level > PVB_LOG_WARNING + cli_verbosity)
        return;
    fprintf(stderr, "pvbuild: %s: %s\n", prefix[level], msg);
}

pvb_logger cli_logger = { print_log, NULL };
const struct pvb_host_opts cli_host_opts = {
    .version = PVB_HOST_OPTS_VERSION, .log = &cli_logger,
};
const struct pvb_lifecycle_opts cli_lifecycle_opts = {
    .version = PVB_LIFECYCLE_OPTS_VERSION, .log = &cli_logger,
};

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("pvbuild: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_parse_size(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!text[0] || text[0] == '-')
        return -EINVAL;
    unsigned long long v = strtoull(text, &end, 0);
    if (errno)
        return -EINVAL;
    unsigned shift = 0;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    case 't': case 'T': shift = 40; end++; break;
    }
    if (*end || (shift && v > (UINT64_MAX >> shift)))
        return -EINVAL;
    *out = (uint64_t)v << shift;
    return 0;
}

static void usage(FILE *f)
{
    fputs(
"Usage: pvbuild [--help] [--version] COMMAND [ARGS...]\n"
"\n"
"Build Xen PV x86_64 domains, with the initial P->M list placed outside the\n"
"kernel's initial mapping.\n"
"\n"
"Commands:\n"
"  inspect [--json] [--max-output=SIZE] KERNEL\n"
"                 show what a kernel image is and what its Xen notes ask for\n"
"  create [-c] [-p] [-n] [-q] [-v] [-F] [-e] [--host=sim|xen] [--json]\n"
"         [--kernel=F] [--ramdisk=F] [--cmdline=S] [--memory=MiB] [--vcpus=N]\n"
"         [--p2m-vaddr=ADDR|inside] [CONFIG [K=V...]]\n"
"                 build a domain, print its layout, start_info and the\n"
"                 verifier's verdict; on Xen, start it and leave a monitor\n"
"                 that applies on_poweroff/on_reboot/on_watchdog/on_crash\n"
"  list [--json] [NAME|DOMID...]\n"
"                 the domains Xen has, and which pvbuild built\n"
"  console NAME|DOMID\n"
"                 show a guest's console (through xenconsoled's pty)\n"
"  shutdown [-w] NAME|DOMID\n"
"  reboot [-w] NAME|DOMID\n"
"                 ask a guest to power off or reboot (xenstore control node)\n"
"  verify [--kernel=F] [--json] NAME|DOMID\n"
"                 check a built, paused Xen domain against the PV boot ABI\n"
"  destroy NAME|DOMID\n"
"                 destroy a Xen domain\n"
"\n"
"Run 'pvbuild COMMAND --help' for a command's options; see pvbuild(1).\n", f);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { 0, 0, 0, 0 },
    };
    int c;

    /* Global options stop at the first word that is not one (the command). */
    while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("pvbuild %s\n", pvb_version());
            return 0;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[optind];
    argc -= optind;
    argv += optind;
    optind = 0; /* reset getopt for the subcommand (glibc: 0 reinitialises) */

    if (strcmp(cmd, "inspect") == 0)
        return cmd_inspect(argc, argv);
    if (strcmp(cmd, "create") == 0)
        return cmd_create(argc, argv);
    if (strcmp(cmd, "verify") == 0)
        return cmd_verify(argc, argv);
    if (strcmp(cmd, "destroy") == 0)
        return cmd_destroy(argc, argv);
    if (strcmp(cmd, "list") == 0)
        return cmd_list(argc, argv);
    if (strcmp(cmd, "console") == 0)
        return cmd_console(argc, argv);
    if (strcmp(cmd, "shutdown") == 0 || strcmp(cmd, "reboot") == 0)
        return cmd_shutdown(argc, argv);
    if (strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    cli_error("unknown command '%s' (try 'pvbuild --help')", cmd);
    return EXIT_USAGE;
}
