/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every host shares: opening one by kind, closing one through its ops. */
#include "host/host.h"
#include "host/sim.h"
#include "util/error.h"

#include <errno.h>
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

void pvb_host_close(struct pvb_host *h)
{
    if (h)
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
        return pvb_host_sim_open(&so, out, err);
    }
    if (kind && strcmp(kind, "xen") == 0)
        return pvb_host_xen_open(opts, out, err);
    return fail(err, -EINVAL, "host \"%s\": unknown (sim or xen)", kind ? kind : "");
}
