/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libpvbuild's lifecycle part: what a toolstack embedding the builder
 * needs to keep a domain as xl's monitor keeps it — domains by name, a
 * domain's death and its shutdown reason, the on_poweroff/on_reboot/
 * on_watchdog/on_crash policy, guest shutdown requests, the console pty
 * xenconsoled gives a guest, and the monitor loop itself.
 *
 * Everything here runs on a Xen dom0 with xenstored (reached through its
 * socket) and libxenctrl; pvb_lifecycle_open fails clearly elsewhere.
 * Functions return 0 or a negative errno and fill `err`; they never print.
 */
#ifndef PVBUILD_LIFECYCLE_H
#define PVBUILD_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pvbuild.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --------------------------------------------------------------- policy */

/* What to do when a guest stops, as xl.cfg(5) names them. */
enum pvb_action {
    PVB_ACTION_DESTROY = 0,
    PVB_ACTION_RESTART,
    PVB_ACTION_RENAME_RESTART,
    PVB_ACTION_PRESERVE,
    PVB_ACTION_COREDUMP_DESTROY,
    PVB_ACTION_COREDUMP_RESTART,
};

struct pvb_lifecycle_policy {
    enum pvb_action on_poweroff, on_reboot, on_watchdog, on_crash;
};

/* xl's defaults: destroy, restart, destroy, destroy. */
void pvb_lifecycle_policy_default(struct pvb_lifecycle_policy *p);

/*
 * One value through libxl's libxl_action_on_shutdown_from_string; the
 * xl.cfg spellings ("rename-restart", "coredump-destroy") are taken too.
 * `what` names the value in the message ("web.cfg: on_reboot").
 * soft-reset is refused (pvbuild cannot soft-reset a domain).
 */
int pvb_action_parse(const char *what, const char *text, enum pvb_action *out,
                     pvb_error *err);
const char *pvb_action_name(enum pvb_action a);   /* xl.cfg's word */

/* The policy a config asks for (its on_* strings over xl's defaults). */
int pvb_lifecycle_policy_from_config(const struct pvb_config *cfg,
                                     const char *path,
                                     struct pvb_lifecycle_policy *p,
                                     pvb_error *err);

/* --------------------------------------------------------------- domains */

typedef struct pvb_lifecycle pvb_lifecycle;

#define PVB_LIFECYCLE_OPTS_VERSION 1
struct pvb_lifecycle_opts {
    unsigned int version;        /* PVB_LIFECYCLE_OPTS_VERSION */
    const pvb_logger *log;
};
#define PVB_LIFECYCLE_OPTS_INIT { .version = PVB_LIFECYCLE_OPTS_VERSION }

/* Connect to xenstored (its socket only: no wait on a dead xenbus) and to
 * the hypervisor.  -ENOENT when either is absent, saying which. */
int pvb_lifecycle_open(const struct pvb_lifecycle_opts *opts,
                       pvb_lifecycle **out, pvb_error *err);
void pvb_lifecycle_close(pvb_lifecycle *lc);

/* A domain by name (/local/domain/N/name) or by id; only domains Xen has. */
int pvb_lifecycle_find(pvb_lifecycle *lc, const char *name_or_id,
                       uint32_t *domid, pvb_error *err);
int pvb_lifecycle_name(pvb_lifecycle *lc, uint32_t domid, char *buf,
                       size_t len, pvb_error *err);
/* Give a domain another name (as libxl does: its name node). */
int pvb_lifecycle_rename(pvb_lifecycle *lc, uint32_t domid, const char *name,
                         pvb_error *err);

/* Mark a domain as built by pvbuild: /local/domain/N/pvbuild = version. */
int pvb_lifecycle_mark(pvb_lifecycle *lc, uint32_t domid, pvb_error *err);

struct pvb_domain_entry {
    uint32_t domid;
    char name[PVB_DOMAIN_NAME_MAX];     /* "" when it has none */
    uint64_t memory_kib;                /* frames it owns now, in KiB */
    unsigned vcpus;                     /* online */
    bool running, blocked, paused, shutdown, crashed, dying;
    unsigned shutdown_reason;           /* SHUTDOWN_* when shutdown */
    uint64_t cpu_time_ns;
    bool by_pvbuild;                    /* pvb_lifecycle_mark'ed */
};

/*
 * xl's six state letters of e ("r-----": running, blocked, paused, shut
 * down, crashed, dying; '-' for each that does not hold) into buf, cut to
 * fit size bytes (7 holds them all).  Returns buf; with e NULL, "".
 */
const char *pvb_domain_entry_state(const struct pvb_domain_entry *e, char *buf,
                                   size_t size);

/* One domain as Xen and xenstored have it; -ENOENT when Xen has none. */
int pvb_lifecycle_domain(pvb_lifecycle *lc, uint32_t domid,
                         struct pvb_domain_entry *e, pvb_error *err);

/* Every domain Xen has, dom0 first; free *out with free(). */
int pvb_lifecycle_list(pvb_lifecycle *lc, struct pvb_domain_entry **out,
                       size_t *nr, pvb_error *err);

/*
 * nr entries as a JSON array (what pvbuild list --json prints), one object
 * each: "domid", "name", "memory_mib", "vcpus", "state" (xl's letters,
 * "-b----"), "shutdown_reason" ("poweroff", ..., or null), "cpu_time_s",
 * "pvbuild".  *out as pvbuild.h's JSON calls give it: freed with pvb_free.
 * entries may be NULL only when nr is 0 (the text is then "[]").
 */
int pvb_domain_list_json(const struct pvb_domain_entry *entries, size_t nr,
                         char **out, pvb_error *err);

/* ------------------------------------------------------------- shutdown */

enum pvb_request { PVB_REQUEST_POWEROFF, PVB_REQUEST_REBOOT };

/* Ask the guest to power off or reboot through its control/shutdown node,
 * as libxl does for a PV guest.  The guest decides; see wait_death. */
int pvb_lifecycle_request(pvb_lifecycle *lc, uint32_t domid,
                          enum pvb_request what, pvb_error *err);

enum pvb_death_kind {
    PVB_DEATH_POWEROFF, PVB_DEATH_REBOOT, PVB_DEATH_SUSPEND, PVB_DEATH_CRASH,
    PVB_DEATH_WATCHDOG, PVB_DEATH_SOFT_RESET,
    PVB_DEATH_GONE,            /* destroyed (or dying) without a shutdown */
};

struct pvb_death {
    enum pvb_death_kind kind;
    unsigned reason;           /* Xen's SHUTDOWN_* code, when shut down */
};

const char *pvb_death_name(enum pvb_death_kind k);

/*
 * Wait until the domain has shut down or is gone, woken by xenstored's
 * @releaseDomain watch and reading Xen's domain info.  timeout_ms < 0
 * waits for ever; -ETIMEDOUT when it ran out first.
 */
int pvb_lifecycle_wait_death(pvb_lifecycle *lc, uint32_t domid,
                             int timeout_ms, struct pvb_death *death,
                             pvb_error *err);

/* The action a policy takes for a death (GONE and SUSPEND: preserve). */
/*
 * For a caller's own poll loop: a file descriptor that becomes readable
 * when any domain shuts down or is destroyed (xenstored's @releaseDomain),
 * and the call that empties it before the caller re-reads the domain.
 */
int pvb_lifecycle_release_fd(pvb_lifecycle *lc, pvb_error *err);
void pvb_lifecycle_release_drain(pvb_lifecycle *lc);

enum pvb_action pvb_lifecycle_action(const struct pvb_lifecycle_policy *p,
                                     enum pvb_death_kind k);

/* -------------------------------------------------------------- console */

/* Whether a xenconsoled runs on this machine (it then owns every
 * console ring: reading one ourselves would take its bytes). */
bool pvb_xenconsoled_runs(void);

/* The pty xenconsoled made for the guest's console (console/tty), waiting
 * up to timeout_ms for it to appear. */
int pvb_lifecycle_console_tty(pvb_lifecycle *lc, uint32_t domid,
                              int timeout_ms, char *path, size_t len,
                              pvb_error *err);

/* The console ring's machine frame (console/ring-ref), for reading the
 * ring where no xenconsoled runs (pvb_console_read). */
int pvb_lifecycle_console_mfn(pvb_lifecycle *lc, uint32_t domid,
                              uint64_t *mfn, pvb_error *err);

/* -------------------------------------------------------------- monitor */

#define PVB_MONITOR_OPTS_VERSION 1
struct pvb_monitor_opts {
    unsigned int version;               /* PVB_MONITOR_OPTS_VERSION */
    const char *name;                   /* the domain's name (for rename) */
    struct pvb_lifecycle_policy policy;
    /* Destroy a domain as the toolstack does (devices and all). */
    int (*destroy)(void *opaque, uint32_t domid, pvb_error *err);
    /* Build and start the domain again from the same config: the same
     * create path the first one took.  Fills *domid. */
    int (*restart)(void *opaque, uint32_t *domid, pvb_error *err);
    void *opaque;
    const pvb_logger *log;              /* what it does, at info level */
    const char *dump_dir;               /* coredump-*: NULL /var/lib/xen/dump */
};
#define PVB_MONITOR_OPTS_INIT { .version = PVB_MONITOR_OPTS_VERSION }

/*
 * Watch domid until its story ends, as xl's monitor does: on each death,
 * apply the policy's action; restart and rename-restart build a new
 * domain and go on watching it.  Returns 0 when there is nothing left to
 * watch (destroyed, preserved, gone, suspended), negative on a failure
 * (e.g. a restart that could not build).
 */
int pvb_monitor_run(pvb_lifecycle *lc, uint32_t domid,
                    const struct pvb_monitor_opts *m, pvb_error *err);

#ifdef __cplusplus
}
#endif

#endif
