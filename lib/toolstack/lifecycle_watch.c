/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A domain's death, as xl's monitor learns it: xenstored fires
 * @releaseDomain whenever a domain shuts down or is destroyed, and Xen's
 * domain info then says which domain and why (the SHUTDOWN_* code the
 * guest gave in its shutdown hypercall).
 */
#include "toolstack/lifecycle_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenctrl.h>
#include <xenstore.h>

/* The watch is only a wake-up; Xen's domain info is re-read at least this
 * often, so a lost event costs a second, not the death. */
#define RECHECK_MS 1000

static enum pvb_death_kind kind_of(unsigned reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff: return PVB_DEATH_POWEROFF;
    case SHUTDOWN_reboot: return PVB_DEATH_REBOOT;
    case SHUTDOWN_suspend: return PVB_DEATH_SUSPEND;
    case SHUTDOWN_crash: return PVB_DEATH_CRASH;
    case SHUTDOWN_watchdog: return PVB_DEATH_WATCHDOG;
    case SHUTDOWN_soft_reset: return PVB_DEATH_SOFT_RESET;
    }
    /* An unknown code is a guest stopping in a way Xen calls a crash. */
    return PVB_DEATH_CRASH;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pvb_lifecycle_wait_death(pvb_lifecycle *lc, uint32_t domid, int timeout_ms,
                             struct pvb_death *death, pvb_error *err)
{
    if (!lc)
        return fail(err, -EINVAL, "%s: lc is NULL", __func__);
    if (!xs_watch(lc->xsh, "@releaseDomain", "pvb-death")) {
        int e = errno ? errno : EIO;
        return fail(err, -e, "domain %u: cannot watch @releaseDomain: %s", domid,
                    strerror(e));
    }
    long long end = timeout_ms < 0 ? 0 : now_ms() + timeout_ms;
    int r;
    for (;;) {
        xc_domaininfo_t info;
        r = lc_domain_info(lc, domid, &info, err);
        if (r < 0)
            break;
        if (r == 0) {
            death->kind = PVB_DEATH_GONE;
            death->reason = 0;
            r = 0;
            break;
        }
        if (info.flags & XEN_DOMINF_shutdown) {
            death->reason = (info.flags >> XEN_DOMINF_shutdownshift) &
                            XEN_DOMINF_shutdownmask;
            death->kind = kind_of(death->reason);
            r = 0;
            break;
        }
        if (info.flags & XEN_DOMINF_dying) {
            death->kind = PVB_DEATH_GONE;
            death->reason = 0;
            r = 0;
            break;
        }
        int wait = RECHECK_MS;
        if (timeout_ms >= 0) {
            long long left = end - now_ms();
            if (left <= 0) {
                r = fail(err, -ETIMEDOUT, "domain %u: still running after %d ms",
                         domid, timeout_ms);
                break;
            }
            if (left < wait)
                wait = (int)left;
        }
        r = lc_wait_event(lc, wait);
        if (r < 0 && r != -ETIMEDOUT) {
            r = fail(err, r, "domain %u: waiting for xenstored: %s", domid,
                     strerror(-r));
            break;
        }
    }
    xs_unwatch(lc->xsh, "@releaseDomain", "pvb-death");
    return r;
}

int pvb_lifecycle_release_fd(pvb_lifecycle *lc, pvb_error *err)
{
    if (!lc)
        return fail(err, -EINVAL, "%s: lc is NULL", __func__);
    if (!xs_watch(lc->xsh, "@releaseDomain", "pvb-release")) {
        int e = errno ? errno : EIO;
        return fail(err, -e, "cannot watch @releaseDomain: %s", strerror(e));
    }
    return xs_fileno(lc->xsh);
}

void pvb_lifecycle_release_drain(pvb_lifecycle *lc)
{
    if (!lc)
        return;
    char **ev;
    while ((ev = xs_check_watch(lc->xsh)) != NULL)
        free(ev);
}
