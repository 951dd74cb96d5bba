/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Domains as pvb_lifecycle_list gives them: xl's state letters, and as
 * JSON (pvbuild list --json). */
#include "pvbuild/lifecycle.h"
#include "util/error.h"
#include "util/json.h"

#include <errno.h>
#include <stdio.h>

const char *pvb_domain_entry_state(const struct pvb_domain_entry *d, char *buf,
                                   size_t size)
{
    if (!buf || !size)
        return buf;
    if (!d) {
        buf[0] = 0;
        return buf;
    }
    snprintf(buf, size, "%c%c%c%c%c%c", d->running ? 'r' : '-', d->blocked ? 'b' : '-',
             d->paused ? 'p' : '-', d->shutdown && !d->crashed ? 's' : '-',
             d->crashed ? 'c' : '-', d->dying ? 'd' : '-');
    return buf;
}

/* Xen's SHUTDOWN_* codes by name (xen/sched.h's order). */
static const char *reason_word(const struct pvb_domain_entry *d)
{
    static const char *const w[] = { "poweroff", "reboot", "suspend", "crash",
                                     "watchdog", "soft_reset" };
    if (!d->shutdown)
        return NULL;
    return d->shutdown_reason < sizeof w / sizeof w[0] ? w[d->shutdown_reason] : "other";
}

int pvb_domain_list_json(const struct pvb_domain_entry *entries, size_t nr,
                         char **out, pvb_error *err)
{
    if (out)
        *out = NULL;
    if ((!entries && nr) || !out)
        return fail(err, -EINVAL, "the domain list as JSON: %s is NULL",
                    !out ? "the output pointer" : "the list of entries");
    struct json j;

    json_begin(&j);
    json_array(&j, NULL);
    for (size_t i = 0; i < nr; i++) {
        const struct pvb_domain_entry *d = &entries[i];
        char st[7];
        pvb_domain_entry_state(d, st, sizeof st);
        json_object(&j, NULL);
        json_uint(&j, "domid", d->domid);
        json_string_n(&j, "name", d->name, sizeof d->name);
        json_uint(&j, "memory_mib", d->memory_kib / 1024);
        json_uint(&j, "vcpus", d->vcpus);
        json_string(&j, "state", st);
        json_string(&j, "shutdown_reason", reason_word(d));
        json_uint(&j, "cpu_time_s", d->cpu_time_ns / 1000000000u);
        json_bool(&j, "pvbuild", d->by_pvbuild);
        json_object_end(&j);
    }
    json_array_end(&j);
    return json_end(&j, "the domain list", out, err);
}
