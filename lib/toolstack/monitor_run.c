/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The monitor: what xl's daemon does for a domain it created
 * (xl_vmcontrol.c, handle_domain_death): wait for the domain to stop,
 * take the action the policy gives for the reason, and when that action
 * makes a new domain, watch the new one.
 *
 * rename-restart keeps the old domain under NAME-YYYYMMDDTHHMMZ (xl's
 * suffix, UTC) before the new one takes NAME; the coredump actions write
 * Xen's core file (xc_domain_dumpcore) to DIR/NAME-SECONDS.USECS.core
 * first, as xl does, and go on even if that fails.
 */
#include "toolstack/lifecycle_internal.h"
#include "util/domain_name.h"
#include "util/opts.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include <xenctrl.h>

#define DEFAULT_DUMP_DIR "/var/lib/xen/dump"

static void dump_core(pvb_lifecycle *lc, uint32_t domid, const struct pvb_monitor_opts *m,
                      const char *name)
{
    const char *dir = m->dump_dir ? m->dump_dir : DEFAULT_DUMP_DIR;
    char path[512];
    struct timeval tv;

    gettimeofday(&tv, NULL);
    snprintf(path, sizeof path, "%s/%s-%ld.%06ld.core", dir, name, (long)tv.tv_sec,
             (long)tv.tv_usec);
    mkdir(dir, 0700);
    log_info(m->log, "domain %u: dumping its core to %s", domid, path);
    if (xc_domain_dumpcore(lc->xch, domid, path) != 0)
        log_warn(m->log, "domain %u: core dump to %s failed: %s", domid, path,
                 strerror(errno));
}

static int keep_renamed(pvb_lifecycle *lc, uint32_t domid, const char *name,
                        const struct pvb_monitor_opts *m, pvb_error *err)
{
    char suffix[24], newname[PVB_DOMAIN_NAME_MAX];
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(suffix, sizeof suffix, "-%Y%m%dT%H%MZ", &tm);
    /* The kept name must fit the limit too: a long name loses its tail,
     * the time stays (it is what tells kept domains apart). */
    size_t keep = domain_name_prefix(name, sizeof newname - 1 - strlen(suffix));
    snprintf(newname, sizeof newname, "%.*s%s", (int)keep, name, suffix);
    log_info(m->log, "domain %u: preserving it as %s", domid, newname);
    return pvb_lifecycle_rename(lc, domid, newname, err);
}

int pvb_monitor_run(pvb_lifecycle *lc, uint32_t domid, const struct pvb_monitor_opts *m,
                    pvb_error *err)
{
    char name[PVB_DOMAIN_NAME_MAX];
    int r;

    if (!m || !m->destroy || !m->restart)
        return fail(err, -EINVAL, "pvb_monitor_run: missing callback");
    if ((r = opts_check("pvb_monitor_opts", m->version, PVB_MONITOR_OPTS_VERSION,
                        err)) < 0)
        return r;
    if (!lc)
        return fail(err, -EINVAL, "pvb_monitor_run: lc is NULL");
    snprintf(name, sizeof name, "%s", m->name ? m->name : "");
    if (!name[0])
        snprintf(name, sizeof name, "domain-%u", domid);

    for (;;) {
        struct pvb_death d;
        log_info(m->log, "domain %u (%s): watching it", domid, name);
        r = pvb_lifecycle_wait_death(lc, domid, -1, &d, err);
        if (r < 0)
            return r;
        if (d.kind == PVB_DEATH_GONE) {
            log_info(m->log, "domain %u: destroyed by someone else; nothing "
                     "left to watch", domid);
            return 0;
        }
        if (d.kind == PVB_DEATH_SUSPEND) {
            log_info(m->log, "domain %u: suspended; leaving it to whoever "
                     "suspended it", domid);
            return 0;
        }
        enum pvb_action a = pvb_lifecycle_action(&m->policy, d.kind);
        log_info(m->log, "domain %u: shut down (%s, code %u): action %s", domid,
                 pvb_death_name(d.kind), d.reason, pvb_action_name(a));

        if (a == PVB_ACTION_COREDUMP_DESTROY || a == PVB_ACTION_COREDUMP_RESTART) {
            dump_core(lc, domid, m, name);
            a = a == PVB_ACTION_COREDUMP_DESTROY ? PVB_ACTION_DESTROY
                                                 : PVB_ACTION_RESTART;
        }
        switch (a) {
        case PVB_ACTION_PRESERVE:
            log_info(m->log, "domain %u: preserved as it is; done", domid);
            return 0;
        case PVB_ACTION_DESTROY:
            r = m->destroy(m->opaque, domid, err);
            if (r < 0)
                return r;
            log_info(m->log, "domain %u: destroyed; done", domid);
            return 0;
        case PVB_ACTION_RENAME_RESTART:
            if ((r = keep_renamed(lc, domid, name, m, err)) < 0)
                return r;
            break;
        case PVB_ACTION_RESTART:
            if ((r = m->destroy(m->opaque, domid, err)) < 0)
                return r;
            log_info(m->log, "domain %u: destroyed", domid);
            break;
        default:
            return fail(err, -EINVAL, "domain %u: action %d unknown", domid, a);
        }
        uint32_t next;
        if ((r = m->restart(m->opaque, &next, err)) < 0)
            return r;
        log_info(m->log, "domain %u: restarted as domain %u (%s)", domid, next, name);
        domid = next;
    }
}
