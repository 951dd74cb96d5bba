/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The lifecycle policy: xl.cfg's words through libxl's parser, xl's
 * defaults, the action each death takes, and lifecycle_open's refusal
 * where there is no Xen.
 */
#include "tap.h"
#include "pvbuild/lifecycle.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    pvb_error err;
    enum pvb_action a;
    static const struct { const char *text; enum pvb_action want; } good[] = {
        { "destroy", PVB_ACTION_DESTROY },
        { "restart", PVB_ACTION_RESTART },
        { "rename-restart", PVB_ACTION_RENAME_RESTART },
        { "restart_rename", PVB_ACTION_RENAME_RESTART },   /* libxl's own word */
        { "preserve", PVB_ACTION_PRESERVE },
        { "coredump-destroy", PVB_ACTION_COREDUMP_DESTROY },
        { "coredump-restart", PVB_ACTION_COREDUMP_RESTART },
        { "RESTART", PVB_ACTION_RESTART },                 /* libxl ignores case */
        { "coredump_destroy", PVB_ACTION_COREDUMP_DESTROY }, /* libxl's spelling */
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        a = (enum pvb_action)-1;
        int r = pvb_action_parse("t.cfg: on_reboot", good[i].text, &a, &err);
        ok(r == 0 && a == good[i].want, "\"%s\" is %s", good[i].text,
           pvb_action_name(good[i].want));
    }
    static const char *const bad[] = { "", "reboot", "destroy ", "rename-", "x" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int r = pvb_action_parse("t.cfg: on_crash", bad[i], &a, &err);
        ok(r == -EINVAL && strstr(err.msg, "t.cfg: on_crash: \"") &&
           strstr(err.msg, "is not an action"), "\"%s\" refused: %s", bad[i], err.msg);
    }
    int r = pvb_action_parse("on_reboot", "soft-reset", &a, &err);
    ok(r == -ENOTSUP && strstr(err.msg, "soft-reset"), "soft-reset refused: %s", err.msg);
    r = pvb_action_parse("on_reboot", NULL, &a, &err);
    ok(r == -EINVAL, "no text refused");

    struct pvb_lifecycle_policy p;
    pvb_lifecycle_policy_default(&p);
    ok(p.on_poweroff == PVB_ACTION_DESTROY && p.on_reboot == PVB_ACTION_RESTART &&
       p.on_watchdog == PVB_ACTION_DESTROY && p.on_crash == PVB_ACTION_DESTROY,
       "xl's defaults: destroy, restart, destroy, destroy");

    struct pvb_config cfg;
    pvb_config_init(&cfg);
    pvb_config_set_string(&cfg.on_crash, "preserve", &err);
    pvb_config_set_string(&cfg.on_reboot, "rename-restart", &err);
    r = pvb_lifecycle_policy_from_config(&cfg, "vm.cfg", &p, &err);
    ok(r == 0 && p.on_crash == PVB_ACTION_PRESERVE &&
       p.on_reboot == PVB_ACTION_RENAME_RESTART && p.on_poweroff == PVB_ACTION_DESTROY,
       "config values over the defaults");
    is_u64(pvb_lifecycle_action(&p, PVB_DEATH_CRASH), PVB_ACTION_PRESERVE,
           "a crash takes on_crash");
    is_u64(pvb_lifecycle_action(&p, PVB_DEATH_REBOOT), PVB_ACTION_RENAME_RESTART,
           "a reboot takes on_reboot");
    is_u64(pvb_lifecycle_action(&p, PVB_DEATH_POWEROFF), PVB_ACTION_DESTROY,
           "a poweroff takes on_poweroff");
    is_u64(pvb_lifecycle_action(&p, PVB_DEATH_WATCHDOG), PVB_ACTION_DESTROY,
           "a watchdog takes on_watchdog");
    is_u64(pvb_lifecycle_action(&p, PVB_DEATH_GONE), PVB_ACTION_PRESERVE,
           "a domain gone already: nothing to do");
    pvb_config_set_string(&cfg.on_watchdog, "sometimes", &err);
    r = pvb_lifecycle_policy_from_config(&cfg, "vm.cfg", &p, &err);
    ok(r == -EINVAL && strstr(err.msg, "vm.cfg: on_watchdog: \"sometimes\""),
       "a bad value names the file and key: %s", err.msg);
    pvb_config_free(&cfg);

    pvb_lifecycle *lc = NULL;
    if (access("/dev/xen/privcmd", F_OK) != 0) {
        r = pvb_lifecycle_open(NULL, &lc, &err);
        ok(r == -ENOENT && !lc && strstr(err.msg, "/dev/xen/privcmd"),
           "without Xen, open fails clearly: %s", err.msg);
    } else {
        diag("Xen is here: lifecycle_open is exercised by make check-xen");
    }
    return done_testing();
}
