/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domains as a toolstack knows them: Xen's list (libxenctrl) joined with
 * the names xenstored keeps under /local/domain/N.  Names are only what
 * the name nodes say; a node left behind by a domain Xen no longer has is
 * ignored (nobody removes /local/domain/N when a domain is destroyed by
 * hand), so a name always resolves to a live domain.
 */
#include "util/alloc.h"
#include "toolstack/lifecycle_internal.h"
#include "util/domain_name.h"
#include "util/opts.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenstore.h>

#define PRIVCMD "/dev/xen/privcmd"

/* libxenctrl prints to stderr unless given a logger; ours stays quiet
 * (failures come back through errno and our own messages). */
static void quiet_vmessage(struct xentoollog_logger *l, xentoollog_level level,
                           int errnoval, const char *context, const char *format,
                           va_list al)
{
    (void)l, (void)level, (void)errnoval, (void)context, (void)format, (void)al;
}
static void quiet_progress(struct xentoollog_logger *l, const char *context,
                           const char *doing_what, int percent,
                           unsigned long done, unsigned long total)
{
    (void)l, (void)context, (void)doing_what, (void)percent, (void)done, (void)total;
}
static void quiet_destroy(struct xentoollog_logger *l) { (void)l; }
static xentoollog_logger quiet_logger = { quiet_vmessage, quiet_progress, quiet_destroy };

int pvb_lifecycle_open(const struct pvb_lifecycle_opts *opts,
                       pvb_lifecycle **out, pvb_error *err)
{
    if (!out)
        return fail(err, -EINVAL, "pvb_lifecycle_open: out is NULL");
    *out = NULL;
    int vrc = OPTS_CHECK(opts, "pvb_lifecycle_opts", PVB_LIFECYCLE_OPTS_VERSION, err);
    if (vrc < 0)
        return vrc;
    const pvb_logger *log = opts ? opts->log : NULL;
    if (access(PRIVCMD, F_OK) != 0)
        return fail(err, -ENOENT, "no Xen here (%s is missing): domains, their "
                    "names and consoles live on a Xen dom0", PRIVCMD);
    pvb_lifecycle *lc = mem_calloc(1, sizeof *lc);
    if (!lc)
        return fail(err, -ENOMEM, "out of memory");
    lc->log = log;
    lc->xch = xc_interface_open(&quiet_logger, &quiet_logger, 0);
    if (!lc->xch) {
        int e = errno ? errno : EIO;
        free(lc);
        return fail(err, -e, "cannot open the hypervisor interface (%s): %s",
                    PRIVCMD, strerror(e));
    }
    /* The socket only: a xenbus device with no xenstored behind it would
     * make every request wait for ever. */
    lc->xsh = xs_open(XS_OPEN_SOCKETONLY);
    if (!lc->xsh) {
        int e = errno ? errno : EIO;
        xc_interface_close(lc->xch);
        free(lc);
        return fail(err, -ENOENT, "no xenstored answers on %s (%s): domain "
                    "names, consoles and shutdown requests need it",
                    xs_daemon_socket(), strerror(e));
    }
    *out = lc;
    return 0;
}

void pvb_lifecycle_close(pvb_lifecycle *lc)
{
    if (!lc)
        return;
    xs_close(lc->xsh);
    xc_interface_close(lc->xch);
    free(lc);
}

int lc_domain_info(pvb_lifecycle *lc, uint32_t domid, xc_domaininfo_t *info,
                   pvb_error *err)
{
    int n = xc_domain_getinfolist(lc->xch, domid, 1, info);
    if (n < 0) {
        int e = errno ? errno : EIO;
        return fail(err, -e, "domain %u: reading Xen's domain info: %s", domid,
                    strerror(e));
    }
    return n == 1 && info->domain == domid;
}

char *lc_read(pvb_lifecycle *lc, const char *fmt, ...)
{
    char path[256];
    va_list ap;
    unsigned len;

    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    return xs_read(lc->xsh, XBT_NULL, path, &len);
}

/* "12" -> 12; anything else is a name. */
static bool parse_id(const char *s, uint32_t *id)
{
    if (!*s || strlen(s) > 5)
        return false;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    *id = (uint32_t)strtoul(s, NULL, 10);
    return true;
}

int pvb_lifecycle_find(pvb_lifecycle *lc, const char *name_or_id, uint32_t *domid,
                       pvb_error *err)
{
    if (!lc)
        return fail(err, -EINVAL, "%s: lc is NULL", __func__);
    xc_domaininfo_t info;
    uint32_t id;
    int r;

    if (!name_or_id || !*name_or_id)
        return fail(err, -EINVAL, "an empty domain name");
    if (parse_id(name_or_id, &id)) {
        if (id >= DOMID_FIRST_RESERVED)
            return fail(err, -EINVAL, "%s is not a domain id (0..%u)", name_or_id,
                        DOMID_FIRST_RESERVED - 1);
        if ((r = lc_domain_info(lc, id, &info, err)) < 0)
            return r;
        if (!r)
            return fail(err, -ENOENT, "there is no domain %u", id);
        *domid = id;
        return 0;
    }

    unsigned n = 0;
    char **dirs = xs_directory(lc->xsh, XBT_NULL, "/local/domain", &n);
    if (!dirs) {
        int e = errno ? errno : EIO;
        return fail(err, -e, "cannot list /local/domain in xenstore: %s",
                    strerror(e));
    }
    r = fail(err, -ENOENT, "no domain is named '%.64s'", name_or_id);
    for (unsigned i = 0; i < n; i++) {
        if (!parse_id(dirs[i], &id))
            continue;
        char *name = lc_read(lc, "/local/domain/%u/name", id);
        bool same = name && strcmp(name, name_or_id) == 0;
        free(name);
        if (!same)
            continue;
        int live = lc_domain_info(lc, id, &info, err);
        if (live < 0) {
            r = live;
            break;
        }
        if (live && !(info.flags & XEN_DOMINF_dying)) {
            *domid = id;
            r = 0;
            break;
        }
    }
    free(dirs);
    return r;
}

int pvb_lifecycle_name(pvb_lifecycle *lc, uint32_t domid, char *buf, size_t len,
                       pvb_error *err)
{
    if (!lc)
        return fail(err, -EINVAL, "%s: lc is NULL", __func__);
    char *name = lc_read(lc, "/local/domain/%u/name", domid);
    if (!name)
        return fail(err, -ENOENT, "domain %u has no name in xenstore", domid);
    snprintf(buf, len, "%s", name);
    free(name);
    return 0;
}

static int write_node(pvb_lifecycle *lc, uint32_t domid, const char *rel,
                      const char *value, pvb_error *err)
{
    char path[128];
    snprintf(path, sizeof path, "/local/domain/%u/%s", domid, rel);
    if (!xs_write(lc->xsh, XBT_NULL, path, value, (unsigned)strlen(value))) {
        int e = errno ? errno : EIO;
        return fail(err, -e, "domain %u: writing %s in xenstore: %s", domid, path,
                    strerror(e));
    }
    return 0;
}

/* Inside transaction t: the name node and, when the domain has a VM, its. */
static int rename_in(pvb_lifecycle *lc, xs_transaction_t t, uint32_t domid,
                     const char *name, pvb_error *err)
{
    char own[64], vm_name[256] = "";
    unsigned len;
    snprintf(own, sizeof own, "/local/domain/%u/vm", domid);
    char *vm = xs_read(lc->xsh, t, own, &len);
    bool too_long = vm && vm[0] == '/' &&
                    snprintf(vm_name, sizeof vm_name, "%s/name", vm) >= (int)sizeof vm_name;
    free(vm);
    if (too_long)
        return fail(err, -ENAMETOOLONG, "domain %u: its /local/domain/%u/vm path is "
                    "longer than %zu bytes", domid, domid, sizeof vm_name - 6);
    snprintf(own, sizeof own, "/local/domain/%u/name", domid);
    if (!xs_write(lc->xsh, t, own, name, (unsigned)strlen(name)) ||
        (vm_name[0] && !xs_write(lc->xsh, t, vm_name, name, (unsigned)strlen(name)))) {
        int e = errno ? errno : EIO;
        return fail(err, -e, "domain %u: writing its name in xenstore: %s", domid,
                    strerror(e));
    }
    return 0;
}

int pvb_lifecycle_rename(pvb_lifecycle *lc, uint32_t domid, const char *name,
                         pvb_error *err)
{
    if (!lc || !name)
        return fail(err, -EINVAL, "%s: %s is NULL", __func__, lc ? "name" : "lc");
    char what[32];
    snprintf(what, sizeof what, "domain %u", domid);
    int rc = domain_name_check(what, name, err);
    if (rc < 0)
        return rc;
    uint32_t other;
    pvb_error ignored;
    if (pvb_lifecycle_find(lc, name, &other, &ignored) == 0 && other != domid)
        return fail(err, -EEXIST, "domain %u: cannot take the name '%s': domain "
                    "%u has it", domid, name, other);
    /* Both of the domain's names, as libxl renames: its own and its VM's
     * (/vm/UUID/name, when it has a VM), together or not at all. */
    for (int tries = 0; tries < 16; tries++) {
        xs_transaction_t t = xs_transaction_start(lc->xsh);
        if (t == XBT_NULL)
            break;
        if ((rc = rename_in(lc, t, domid, name, err)) < 0) {
            xs_transaction_end(lc->xsh, t, true);
            return rc;
        }
        if (xs_transaction_end(lc->xsh, t, false))
            return 0;
        if (errno != EAGAIN)
            break;
    }
    int e = errno ? errno : EIO;
    return fail(err, -e, "domain %u: renaming it in a xenstore transaction: %s", domid,
                strerror(e));
}

int pvb_lifecycle_mark(pvb_lifecycle *lc, uint32_t domid, pvb_error *err)
{
    if (!lc)
        return fail(err, -EINVAL, "%s: lc is NULL", __func__);
    return write_node(lc, domid, "pvbuild", pvb_version(), err);
}

static void fill_entry(pvb_lifecycle *lc, const xc_domaininfo_t *x,
                       struct pvb_domain_entry *d)
{
    memset(d, 0, sizeof *d);
    d->domid = x->domain;
    d->memory_kib = x->tot_pages * 4;
    d->vcpus = x->nr_online_vcpus;
    d->running = x->flags & XEN_DOMINF_running;
    d->blocked = x->flags & XEN_DOMINF_blocked;
    d->paused = x->flags & XEN_DOMINF_paused;
    d->shutdown = x->flags & XEN_DOMINF_shutdown;
    d->dying = x->flags & XEN_DOMINF_dying;
    d->shutdown_reason = (x->flags >> XEN_DOMINF_shutdownshift) &
                         XEN_DOMINF_shutdownmask;
    d->crashed = d->shutdown && d->shutdown_reason == SHUTDOWN_crash;
    d->cpu_time_ns = x->cpu_time;
    char *name = lc_read(lc, "/local/domain/%u/name", d->domid);
    if (name)
        snprintf(d->name, sizeof d->name, "%s", name);
    free(name);
    char *mark = lc_read(lc, "/local/domain/%u/pvbuild", d->domid);
    d->by_pvbuild = mark != NULL;
    free(mark);
}

int pvb_lifecycle_domain(pvb_lifecycle *lc, uint32_t domid,
                         struct pvb_domain_entry *e, pvb_error *err)
{
    if (!lc)
        return fail(err, -EINVAL, "%s: lc is NULL", __func__);
    xc_domaininfo_t info;
    int r = lc_domain_info(lc, domid, &info, err);
    if (r < 0)
        return r;
    if (!r)
        return fail(err, -ENOENT, "there is no domain %u", domid);
    fill_entry(lc, &info, e);
    return 0;
}

int pvb_lifecycle_list(pvb_lifecycle *lc, struct pvb_domain_entry **out,
                       size_t *nr, pvb_error *err)
{
    if (!lc)
        return fail(err, -EINVAL, "%s: lc is NULL", __func__);
    struct pvb_domain_entry *list = NULL;
    size_t n = 0, cap = 0;
    xc_domaininfo_t info[64];
    uint32_t next = 0;

    *out = NULL;
    *nr = 0;
    while (next < DOMID_FIRST_RESERVED) {
        int got = xc_domain_getinfolist(lc->xch, next, 64, info);
        if (got < 0) {
            int e = errno ? errno : EIO;
            free(list);
            return fail(err, -e, "reading Xen's domain list: %s", strerror(e));
        }
        if (got == 0)
            break;
        for (int i = 0; i < got; i++) {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                struct pvb_domain_entry *l = mem_realloc(list, cap * sizeof *l);
                if (!l) {
                    free(list);
                    return fail(err, -ENOMEM, "out of memory");
                }
                list = l;
            }
            fill_entry(lc, &info[i], &list[n++]);
        }
        next = (uint32_t)info[got - 1].domain + 1;
    }
    *out = list;
    *nr = n;
    return 0;
}

int pvb_lifecycle_request(pvb_lifecycle *lc, uint32_t domid, enum pvb_request what,
                          pvb_error *err)
{
    if (!lc)
        return fail(err, -EINVAL, "%s: lc is NULL", __func__);
    xc_domaininfo_t info;
    int r = lc_domain_info(lc, domid, &info, err);
    if (r < 0)
        return r;
    if (!r)
        return fail(err, -ENOENT, "there is no domain %u", domid);
    if (domid == 0)
        return fail(err, -EINVAL, "domain 0 is shut down from inside, not by pvbuild");
    char *node = lc_read(lc, "/local/domain/%u/control/shutdown", domid);
    if (!node)
        return fail(err, -ENOTSUP, "domain %u has no control/shutdown node in "
                    "xenstore: it cannot be asked to shut down", domid);
    free(node);
    return write_node(lc, domid, "control/shutdown",
                      what == PVB_REQUEST_REBOOT ? "reboot" : "poweroff", err);
}

int lc_wait_event(pvb_lifecycle *lc, int timeout_ms)
{
    struct pollfd p = { .fd = xs_fileno(lc->xsh), .events = POLLIN };
    int n = poll(&p, 1, timeout_ms);
    if (n < 0)
        return errno == EINTR ? 0 : -errno;
    char **ev;
    while ((ev = xs_check_watch(lc->xsh)) != NULL)
        free(ev);
    return n == 0 ? -ETIMEDOUT : 0;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pvb_lifecycle_console_tty(pvb_lifecycle *lc, uint32_t domid, int timeout_ms,
                              char *path, size_t len, pvb_error *err)
{
    if (!lc)
        return fail(err, -EINVAL, "%s: lc is NULL", __func__);
    char node[96];
    snprintf(node, sizeof node, "/local/domain/%u/console/tty", domid);
    if (!xs_watch(lc->xsh, node, "pvb-tty")) {
        int e = errno ? errno : EIO;
        return fail(err, -e, "domain %u: cannot watch %s: %s", domid, node,
                    strerror(e));
    }
    long long end = now_ms() + timeout_ms;
    int r;
    for (;;) {
        char *tty = lc_read(lc, "%s", node);
        if (tty && *tty) {
            snprintf(path, len, "%s", tty);
            free(tty);
            r = 0;
            break;
        }
        free(tty);
        long long left = end - now_ms();
        if (left <= 0) {
            r = fail(err, -ETIMEDOUT, "domain %u: xenconsoled gave its console no "
                     "pty (%s stayed empty for %d ms)", domid, node, timeout_ms);
            break;
        }
        r = lc_wait_event(lc, left > 1000 ? 1000 : (int)left);
        if (r < 0 && r != -ETIMEDOUT) {
            r = fail(err, r, "domain %u: waiting for %s: %s", domid, node,
                     strerror(-r));
            break;
        }
    }
    xs_unwatch(lc->xsh, node, "pvb-tty");
    return r;
}

int pvb_lifecycle_console_mfn(pvb_lifecycle *lc, uint32_t domid, uint64_t *mfn,
                              pvb_error *err)
{
    if (!lc)
        return fail(err, -EINVAL, "%s: lc is NULL", __func__);
    char *ref = lc_read(lc, "/local/domain/%u/console/ring-ref", domid);
    char *end;
    if (!ref)
        return fail(err, -ENOENT, "domain %u has no console/ring-ref in xenstore",
                    domid);
    errno = 0;
    unsigned long long v = strtoull(ref, &end, 10);
    bool bad = !*ref || *end || errno;
    free(ref);
    if (bad)
        return fail(err, -EINVAL, "domain %u: console/ring-ref is not a frame "
                    "number", domid);
    *mfn = v;
    return 0;
}

bool pvb_xenconsoled_runs(void)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    bool found = false;

    if (!d)
        return false;
    while (!found && (e = readdir(d)) != NULL) {
        char path[300], comm[64] = "";
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        snprintf(path, sizeof path, "/proc/%s/comm", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        if (fgets(comm, sizeof comm, f))
            found = strcmp(comm, "xenconsoled\n") == 0;
        fclose(f);
    }
    closedir(d);
    return found;
}
