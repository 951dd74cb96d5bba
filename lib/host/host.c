/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every host shares: closing one through its ops table. */
#include "host/host.h"
#include "host/sim.h"
#include "util/error.h"

#include <errno.h>
#include <string.h>

void pvb_host_close(struct pvb_host *h)
{
    if (h)
        h->ops->close(h);
}

int pvb_host_features(pvb_host *h, uint32_t *features, pvb_error *err)
{
    return h->ops->features(h, features, err);
}

int pvb_host_open(const char *kind, const pvb_logger *log, pvb_host **out,
                  pvb_error *err)
{
    *out = NULL;
    if (kind && strcmp(kind, "sim") == 0)
        return pvb_host_sim_open(NULL, out, err);
    if (kind && strcmp(kind, "xen") == 0)
        return pvb_host_xen_open(out, log, err);
    return fail(err, -EINVAL, "host \"%s\": unknown (sim or xen)", kind ? kind : "");
}
