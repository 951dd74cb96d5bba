/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The on_poweroff/on_reboot/on_watchdog/on_crash policy.  Values are read
 * with libxl's own parser so that a word means to pvbuild what it means to
 * libxl; xl.cfg(5) spells some of them differently from libxl's table
 * ("rename-restart" is libxl's "restart_rename"), so those are mapped to
 * libxl's names first.  This is the only file of the lifecycle part that
 * includes libxl.
 */
#include "toolstack/lifecycle_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "toolstack/action_words.h"

void pvb_lifecycle_policy_default(struct pvb_lifecycle_policy *p)
{
    if (!p)
        return;
    p->on_poweroff = PVB_ACTION_DESTROY;
    p->on_reboot = PVB_ACTION_RESTART;
    p->on_watchdog = PVB_ACTION_DESTROY;
    p->on_crash = PVB_ACTION_DESTROY;
}

static const char *const action_names[] = {
    [PVB_ACTION_DESTROY] = "destroy",
    [PVB_ACTION_RESTART] = "restart",
    [PVB_ACTION_RENAME_RESTART] = "rename-restart",
    [PVB_ACTION_PRESERVE] = "preserve",
    [PVB_ACTION_COREDUMP_DESTROY] = "coredump-destroy",
    [PVB_ACTION_COREDUMP_RESTART] = "coredump-restart",
};

const char *pvb_action_name(enum pvb_action a)
{
    if ((unsigned)a < sizeof action_names / sizeof action_names[0])
        return action_names[a];
    return "unknown";
}

int pvb_action_parse(const char *what, const char *text, enum pvb_action *out,
                     pvb_error *err)
{
    libxl_action_on_shutdown a;

    if (!out)
        return fail(err, -EINVAL, "pvb_action_parse: out is NULL");
    if (action_from_word(text, &a) != 0)
        goto bad;
    switch (a) {
    case LIBXL_ACTION_ON_SHUTDOWN_DESTROY: *out = PVB_ACTION_DESTROY; return 0;
    case LIBXL_ACTION_ON_SHUTDOWN_RESTART: *out = PVB_ACTION_RESTART; return 0;
    case LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME:
        *out = PVB_ACTION_RENAME_RESTART;
        return 0;
    case LIBXL_ACTION_ON_SHUTDOWN_PRESERVE: *out = PVB_ACTION_PRESERVE; return 0;
    case LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY:
        *out = PVB_ACTION_COREDUMP_DESTROY;
        return 0;
    case LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART:
        *out = PVB_ACTION_COREDUMP_RESTART;
        return 0;
    case LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET:
        return fail(err, -ENOTSUP, "%s: \"%s\": pvbuild cannot soft-reset a "
                    "domain (use destroy, restart, rename-restart, preserve, "
                    "coredump-destroy or coredump-restart)", what, text);
    }
bad:
    return fail(err, -EINVAL, "%s: \"%.40s\" is not an action (destroy, restart, "
                "rename-restart, preserve, coredump-destroy, coredump-restart)",
                what ? what : "action", text ? text : "");
}

int pvb_lifecycle_policy_from_config(const struct pvb_config *cfg,
                                     const char *path,
                                     struct pvb_lifecycle_policy *p,
                                     pvb_error *err)
{
    if (!cfg || !p)
        return fail(err, -EINVAL, "%s: %s is NULL", __func__, !cfg ? "cfg" : "p");
    const struct { const char *key; const char *text; enum pvb_action *slot; } v[] = {
        { "on_poweroff", cfg->on_poweroff, &p->on_poweroff },
        { "on_reboot", cfg->on_reboot, &p->on_reboot },
        { "on_watchdog", cfg->on_watchdog, &p->on_watchdog },
        { "on_crash", cfg->on_crash, &p->on_crash },
    };
    pvb_lifecycle_policy_default(p);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char what[PVB_ERROR_MAX / 2];
        if (!v[i].text)
            continue;
        snprintf(what, sizeof what, "%s%s%s", path ? path : "",
                 path ? ": " : "", v[i].key);
        int r = pvb_action_parse(what, v[i].text, v[i].slot, err);
        if (r < 0)
            return r;
    }
    return 0;
}

enum pvb_action pvb_lifecycle_action(const struct pvb_lifecycle_policy *p,
                                     enum pvb_death_kind k)
{
    if (!p)
        return PVB_ACTION_DESTROY;
    switch (k) {
    case PVB_DEATH_POWEROFF: return p->on_poweroff;
    case PVB_DEATH_REBOOT: return p->on_reboot;
    case PVB_DEATH_WATCHDOG: return p->on_watchdog;
    case PVB_DEATH_CRASH: return p->on_crash;
    /* A soft reset asks for the same domain again, which a reboot gives. */
    case PVB_DEATH_SOFT_RESET: return p->on_reboot;
    case PVB_DEATH_SUSPEND:
    case PVB_DEATH_GONE:
        break;
    }
    return PVB_ACTION_PRESERVE;
}

const char *pvb_death_name(enum pvb_death_kind k)
{
    static const char *const names[] = {
        [PVB_DEATH_POWEROFF] = "poweroff", [PVB_DEATH_REBOOT] = "reboot",
        [PVB_DEATH_SUSPEND] = "suspend", [PVB_DEATH_CRASH] = "crash",
        [PVB_DEATH_WATCHDOG] = "watchdog", [PVB_DEATH_SOFT_RESET] = "soft_reset",
        [PVB_DEATH_GONE] = "gone",
    };
    if ((unsigned)k < sizeof names / sizeof names[0])
        return names[k];
    return "unknown";
}
