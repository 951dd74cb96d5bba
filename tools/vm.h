/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pvbuild command's whole-VM part: domains by name, list, shutdown,
 * console, the monitor.  The work is libpvbuild's (pvbuild/lifecycle.h);
 * these files parse options and print.
 */
#ifndef PVB_TOOLS_VM_H
#define PVB_TOOLS_VM_H

#include <stdbool.h>
#include <stdint.h>
#include "pvbuild.h"
#include "pvbuild/lifecycle.h"

int cmd_list(int argc, char **argv);
int cmd_shutdown(int argc, char **argv);   /* also "reboot" (argv[0]) */
int cmd_console(int argc, char **argv);

/* NAME or id -> domid, on this machine's Xen; prints its own error
 * ("CMD: ...") and returns -1 on failure. */
int cli_domain_arg(const char *cmd, const char *arg, uint32_t *domid);
/* 0 when no live domain has this name (or names cannot be read here). */
int cli_name_is_free(const char *cmd, const char *name);
/* Write the "built by pvbuild" mark; a failure is only a warning. */
void cli_mark_domain(uint32_t domid);
/* Closes what cli_name_is_free kept open for cli_mark_domain. */
void cli_lifecycle_release(void);

/* --- console: through xenconsoled's pty, or the ring when none runs. */
struct console_attach {
    int fd;                  /* the pty, or -1 */
    bool ring;               /* no xenconsoled: read the ring ourselves */
    uint32_t domid;
    uint64_t console_mfn;    /* with ring */
};
/* Before the domain first runs: so that not a byte is missed. */
int console_prepare(uint32_t domid, uint64_t console_mfn, struct console_attach *ca);
/* Copy the console to stdout until the domain shuts down or is gone. */
int console_follow(struct console_attach *ca);
void console_release(struct console_attach *ca);

/* --- the monitor (tools/monitor.c). */
struct vm_monitor {
    const char *name;
    struct pvb_lifecycle_policy policy;
    int (*restart)(void *ctx, uint32_t *domid, pvb_error *err);
    void *ctx;
    int console_fd;          /* the creator's console pty (or -1): the
                              * daemon closes its copy */
    void (*started)(void);   /* or NULL: run first in the daemon, to let
                              * go of what the creator leaves to its exit */
};
/* In the background, as a daemon logging to /var/log/xen/pvbuild-NAME.log:
 * returns in the caller once it is started (0) or could not be (1). */
int monitor_daemon(const struct vm_monitor *m, uint32_t domid);
/* In this process (create -F): returns when the monitor is done. */
int monitor_foreground(const struct vm_monitor *m, uint32_t domid);

/* --- dry run (create -n): parse, plan, print; no host at all. */
int dry_run(const struct pvb_config *cfg, const struct pvb_lifecycle_policy *p,
            bool keep_compressed, bool json);

#endif
