/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every host shares: opening one by kind, closing one through its ops. */
#include "host/host.h"
#include "host/sim.h"
#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int host_opts_version(const char *what, unsigned version, unsigned known,
                      pvb_error *err)
{
    if (version == 0 || version > known)
        return fail(err, -EINVAL, "%s: version %u is not known to libpvbuild %s "
                    "(it knows %u)", what, version, PVB_VERSION, known);
    return 0;
}

int host_opts_log(const struct pvb_host_opts *opts, const pvb_logger **log,
                  pvb_error *err)
{
    *log = NULL;
    if (!opts)
        return 0;
    int rc = host_opts_version("pvb_host_opts", opts->version, PVB_HOST_OPTS_VERSION,
                               err);
    if (rc < 0)
        return rc;
    *log = opts->log;
    return 0;
}

void host_opts_apply(struct pvb_host *h, const struct pvb_host_opts *opts)
{
    /* A version-1 struct ends before keep_mappings: never read past it. */
    h->keep_mappings = opts && opts->version >= 2 && opts->keep_mappings;
}

void host_keep(struct pvb_host *h, uint32_t domid, void *addr, size_t count)
{
    if (h->nr_kept == h->cap_kept) {
        size_t cap = h->cap_kept ? 2 * h->cap_kept : 4;
        struct host_kept *k = mem_realloc(h->kept, cap * sizeof *k);
        if (!k) {
            /* Keeping only saves time: unmapping now is still right. */
            h->ops->unmap(h, addr, count);
            return;
        }
        h->kept = k;
        h->cap_kept = cap;
    }
    h->kept[h->nr_kept++] = (struct host_kept){ domid, addr, count };
}

static void release_kept(struct pvb_host *h, bool all, uint32_t domid)
{
    size_t n = 0;
    for (size_t i = 0; i < h->nr_kept; i++) {
        if (all || h->kept[i].domid == domid)
            h->ops->unmap(h, h->kept[i].addr, h->kept[i].count);
        else
            h->kept[n++] = h->kept[i];
    }
    h->nr_kept = n;
}

void host_release_kept(struct pvb_host *h, uint32_t domid)
{
    release_kept(h, false, domid);
}

int host_unpause(struct pvb_host *h, uint32_t domid, pvb_error *err)
{
    host_release_kept(h, domid);
    return h->ops->unpause(h, domid, err);
}

int host_domain_destroy(struct pvb_host *h, uint32_t domid, pvb_error *err)
{
    host_release_kept(h, domid);
    return h->ops->domain_destroy(h, domid, err);
}

void pvb_host_close(struct pvb_host *h)
{
    if (!h)
        return;
    release_kept(h, true, 0);
    free(h->kept);
    h->ops->close(h);
}

int pvb_host_features(pvb_host *h, uint32_t *features, pvb_error *err)
{
    if (!h || !features)
        return fail(err, -EINVAL, "host features: no %s", h ? "output" : "host");
    return h->ops->features(h, features, err);
}

int pvb_host_open(const char *kind, const struct pvb_host_opts *opts,
                  pvb_host **out, pvb_error *err)
{
    const pvb_logger *log;
    if (!out)
        return fail(err, -EINVAL, "host open: no output handle");
    *out = NULL;
    int rc = host_opts_log(opts, &log, err);
    if (rc < 0)
        return rc;
    if (kind && strcmp(kind, "sim") == 0) {
        struct pvb_sim_opts so = PVB_SIM_OPTS_INIT;
        so.log = log;
        rc = pvb_host_sim_open(&so, out, err);
        if (rc == 0)
            host_opts_apply(*out, opts);
        return rc;
    }
    if (kind && strcmp(kind, "xen") == 0)
        return pvb_host_xen_open(opts, out, err);
    return fail(err, -EINVAL, "host \"%s\": unknown (sim or xen)", kind ? kind : "");
}
