/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pvbuild's monitor process, as xl create leaves one: the library's
 * pvb_monitor_run with pvbuild's own create path for restarts and
 * `pvbuild destroy` for destroys, logging to /var/log/xen/pvbuild-NAME.log.
 *
 * A destroy runs this very program's `destroy` command (/proc/self/exe),
 * so that the monitor destroys a domain exactly as a user does, devices
 * and all.
 */
#include "cli.h"
#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LOG_DIR "/var/log/xen"

static void monitor_log(void *opaque, enum pvb_log_level level, const char *msg)
{
    static const char *const prefix[] = { "error", "warning", "info", "debug" };
    char when[32];
    time_t now = time(NULL);
    struct tm tm;

    (void)opaque;
    if (level > PVB_LOG_INFO)
        return;
    localtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    fprintf(stderr, "%s pvbuild-monitor[%ld]: %s: %s\n", when, (long)getpid(),
            prefix[level], msg);
    fflush(stderr);
}

static pvb_logger mon_logger = { monitor_log, NULL };

static int destroy_by_command(void *opaque, uint32_t domid, pvb_error *err)
{
    char id[16];
    (void)opaque;
    snprintf(id, sizeof id, "%u", domid);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        snprintf(err->msg, sizeof err->msg, "domain %u: fork for destroy: %s", domid,
                 strerror(e));
        return err->code = -e;
    }
    if (pid == 0) {
        execl("/proc/self/exe", "pvbuild", "destroy", "--host=xen", id, (char *)NULL);
        fprintf(stderr, "pvbuild-monitor: exec of /proc/self/exe: %s\n",
                strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        snprintf(err->msg, sizeof err->msg, "domain %u: pvbuild destroy failed "
                 "(status 0x%x)", domid, st);
        return err->code = -EIO;
    }
    return 0;
}

static int run(const struct vm_monitor *m, uint32_t domid)
{
    pvb_lifecycle *lc;
    pvb_error err;
    struct pvb_monitor_opts pm = {
        .version = PVB_MONITOR_OPTS_VERSION,
        .name = m->name,
        .policy = m->policy,
        .destroy = destroy_by_command,
        .restart = m->restart,
        .opaque = m->ctx,
        .log = &mon_logger,
    };
    struct pvb_lifecycle_opts lo = { .version = PVB_LIFECYCLE_OPTS_VERSION,
                                     .log = &mon_logger };
    /* restart's callback wants the CLI context, destroy's none: both
     * get m->ctx, destroy ignores it. */
    if (pvb_lifecycle_open(&lo, &lc, &err) < 0) {
        monitor_log(NULL, PVB_LOG_ERROR, err.msg);
        return 1;
    }
    monitor_log(NULL, PVB_LOG_INFO, "started");
    char pol[160];
    snprintf(pol, sizeof pol, "policy: on_poweroff=%s on_reboot=%s on_watchdog=%s "
             "on_crash=%s", pvb_action_name(m->policy.on_poweroff),
             pvb_action_name(m->policy.on_reboot),
             pvb_action_name(m->policy.on_watchdog),
             pvb_action_name(m->policy.on_crash));
    monitor_log(NULL, PVB_LOG_INFO, pol);
    int r = pvb_monitor_run(lc, domid, &pm, &err);
    if (r < 0)
        monitor_log(NULL, PVB_LOG_ERROR, err.msg);
    monitor_log(NULL, PVB_LOG_INFO, "exiting");
    pvb_lifecycle_close(lc);
    return r < 0 ? 1 : 0;
}

int monitor_foreground(const struct vm_monitor *m, uint32_t domid)
{
    return run(m, domid);
}

static int open_log(const char *name, uint32_t domid, char *path, size_t len)
{
    mkdir(LOG_DIR, 0755);
    if (name && *name && !strchr(name, '/'))
        snprintf(path, len, "%s/pvbuild-%s.log", LOG_DIR, name);
    else
        snprintf(path, len, "%s/pvbuild-domain-%u.log", LOG_DIR, domid);
    return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

int monitor_daemon(const struct vm_monitor *m, uint32_t domid)
{
    char path[512];
    int logfd = open_log(m->name, domid, path, sizeof path);
    if (logfd < 0) {
        cli_error("monitor: cannot open its log %s: %s", path, strerror(errno));
        return 1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        cli_error("monitor: fork: %s", strerror(errno));
        close(logfd);
        return 1;
    }
    if (pid > 0) {
        /* The first child only starts the daemon and leaves. */
        int st;
        close(logfd);
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            cli_error("monitor: could not start (see %s)", path);
            return 1;
        }
        if (cli_verbosity >= 0)
            fprintf(stderr, "pvbuild: domain %u: monitor started, log %s\n", domid,
                    path);
        return 0;
    }
    /* A session of its own, then a grandchild that can never get a
     * controlling terminal: the usual daemon, as xl's. */
    if (setsid() < 0)
        _exit(1);
    pid = fork();
    if (pid < 0)
        _exit(1);
    if (pid > 0)
        _exit(0);
    if (m->console_fd >= 0)
        close(m->console_fd);
    if (m->started)
        m->started();
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
        dup2(devnull, STDIN_FILENO);
        if (devnull > STDERR_FILENO)
            close(devnull);
    }
    dup2(logfd, STDOUT_FILENO);
    dup2(logfd, STDERR_FILENO);
    if (logfd > STDERR_FILENO)
        close(logfd);
    /* No chdir("/"): a restart opens the kernel and ramdisk again, and
     * their paths may be relative to where create ran. */
    signal(SIGHUP, SIG_IGN);
    _exit(run(m, domid));
}
