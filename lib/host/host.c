/* What every host shares: closing one through its ops table. */
#include "host/host.h"
#include "host/sim.h"

void pvb_host_close(struct pvb_host *h)
{
    if (h)
        h->ops->close(h);
}
