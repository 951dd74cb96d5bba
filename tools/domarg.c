/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Domains named on the command line: a NAME (xenstore's) or an id. */
#include "cli.h"
#include "vm.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

int cli_domain_arg(const char *cmd, const char *arg, uint32_t *domid)
{
    pvb_lifecycle *lc;
    pvb_error err;

    if (all_digits(arg)) {
        /* An id needs no xenstore: commands on ids work without one. */
        unsigned long v = strtoul(arg, NULL, 10);
        if (strlen(arg) > 5 || v == 0 || v >= 0x7ff0) {
            cli_error("%s: '%s' is not a domain id (1..32751)", cmd, arg);
            return -1;
        }
        *domid = (uint32_t)v;
        return 0;
    }
    if (pvb_lifecycle_open(&cli_lifecycle_opts, &lc, &err) < 0) {
        cli_error("%s: '%s': cannot look up a domain name: %s", cmd, arg, err.msg);
        return -1;
    }
    int r = pvb_lifecycle_find(lc, arg, domid, &err);
    pvb_lifecycle_close(lc);
    if (r < 0) {
        cli_error("%s: %s", cmd, err.msg);
        return -1;
    }
    if (*domid == 0) {
        cli_error("%s: '%s' is domain 0, which pvbuild leaves alone", cmd, arg);
        return -1;
    }
    return 0;
}

/*
 * create's name check and its mark after the introduce share one
 * connection: opening one (a hypervisor handle and a xenstored socket)
 * and closing it is some twenty system calls, each a trip through the
 * hypervisor in a PV dom0.
 */
static pvb_lifecycle *create_lc;

int cli_name_is_free(const char *cmd, const char *name)
{
    pvb_error err;
    uint32_t id;

    if (!name || (!create_lc &&
                  pvb_lifecycle_open(&cli_lifecycle_opts, &create_lc, &err) < 0))
        return 0;
    int r = pvb_lifecycle_find(create_lc, name, &id, &err);
    if (r == 0) {
        cli_error("%s: a domain named '%s' exists already (domain %u)", cmd, name, id);
        return -1;
    }
    return 0;
}

void cli_mark_domain(uint32_t domid)
{
    pvb_lifecycle *lc = create_lc;
    pvb_error err;

    create_lc = NULL;
    if ((!lc && pvb_lifecycle_open(&cli_lifecycle_opts, &lc, &err) < 0) ||
        pvb_lifecycle_mark(lc, domid, &err) < 0)
        fprintf(stderr, "pvbuild: warning: domain %u: not marked as pvbuild's: %s\n",
                domid, err.msg);
    pvb_lifecycle_close(lc);
}

void cli_lifecycle_release(void)
{
    pvb_lifecycle_close(create_lc);
    create_lc = NULL;
}
