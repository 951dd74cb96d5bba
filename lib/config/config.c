/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The build config: its lifetime, and the P->M placement syntax. */
#include "config/config.h"
#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void pvb_config_init(struct pvb_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof *cfg);
}

void pvb_config_free(struct pvb_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->name);
    free(cfg->kernel);
    free(cfg->ramdisk);
    free(cfg->cmdline);
    free(cfg->on_poweroff);
    free(cfg->on_reboot);
    free(cfg->on_watchdog);
    free(cfg->on_crash);
    free(cfg->cpus);
    free(cfg->cpus_soft);
    free(cfg->vnuma);
    pvb_config_init(cfg);
}

int pvb_config_set_string(char **field, const char *value, pvb_error *err)
{
    char *copy = NULL;

    if (!field)
        return fail(err, -EINVAL, "pvb_config_set_string: field is NULL");
    if (value) {
        copy = mem_strdup(value);
        if (!copy)
            return fail(err, -ENOMEM, "cannot allocate 0x%zx bytes for a "
                        "config string", strlen(value) + 1);
    }
    free(*field);
    *field = copy;
    return 0;
}

const char *printable_value(const char *value, char *buf, size_t size)
{
    if (size == 0)
        return buf;
    if (!value)
        value = "(null)";

    size_t len = strlen(value), room = size - 1;
    bool cut = len > room;
    size_t keep = cut ? (room > 3 ? room - 3 : 0) : len, n;

    for (n = 0; n < keep; n++) {
        unsigned char c = (unsigned char)value[n];
        buf[n] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    while (cut && n < room)
        buf[n++] = '.';
    buf[n] = '\0';
    return buf;
}

static int parse_address(const char *text, uint64_t *out)
{
    const char *digits = text;
    int base = 10;
    char *end;

    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        digits = text + 2;
        base = 16;
    }
    /* strtoull would also take spaces, signs and a bare "0x": refuse them. */
    if (base == 16 ? !strchr("0123456789abcdefABCDEF", *digits) || !*digits
                   : !(*digits >= '0' && *digits <= '9'))
        return -EINVAL;
    errno = 0;
    unsigned long long v = strtoull(digits, &end, base);
    if (*end)
        return -EINVAL;
    if (errno == ERANGE)
        return -ERANGE;
    *out = v;
    return 0;
}

int pvb_p2m_parse(const char *text, enum pvb_p2m_placement *mode,
                  uint64_t *vaddr, pvb_error *err)
{
    char shown[PRINTABLE_MAX];
    uint64_t v;

    if (!text)
        return fail(err, -EINVAL, "p2m placement: no value given");
    if (!mode || !vaddr)
        return fail(err, -EINVAL, "pvb_p2m_parse: %s is NULL", !mode ? "mode" : "vaddr");
    if (strcmp(text, "inside") == 0) {
        *mode = PVB_P2M_INSIDE;
        *vaddr = 0;
        return 0;
    }
    if (strcmp(text, "default") == 0 || strcmp(text, "auto") == 0) {
        *mode = PVB_P2M_DEFAULT;
        *vaddr = 0;
        return 0;
    }
    int r = parse_address(text, &v);
    if (r == -ERANGE)
        return fail(err, -ERANGE, "p2m placement \"%s\": address does not "
                    "fit in 64 bits",
                    printable_value(text, shown, sizeof shown));
    if (r < 0)
        return fail(err, -EINVAL, "p2m placement \"%s\" is not \"inside\", "
                    "\"default\" or a virtual address (0x... or decimal)",
                    printable_value(text, shown, sizeof shown));
    *mode = PVB_P2M_ADDRESS;
    *vaddr = v;
    return 0;
}
