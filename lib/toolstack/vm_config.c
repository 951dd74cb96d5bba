/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An xl config's devices and actions, read with Xen's libxlutil:
 * disk= entries through xlu_disk_parse (the xl-disk-configuration(5)
 * syntax is libxlutil's, not ours), vif= entries as xl reads them
 * (xl-network-configuration(5); the rate through xlu_vif_parse_rate),
 * on_* through the word table the lifecycle policy shares (action_words.h).
 */
#include "util/alloc.h"
#include "toolstack/vm.h"
#include "toolstack/action_words.h"
#include "config/config.h"
#include "config/xl.h"
#include "util/error.h"
#include "util/opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxlutil.h>

void pvb_vm_free(pvb_vm *vm)
{
    if (!vm)
        return;
    for (size_t i = 0; i < vm->nr_disks; i++)
        libxl_device_disk_dispose(&vm->disks[i]);
    for (size_t i = 0; i < vm->nr_nics; i++)
        libxl_device_nic_dispose(&vm->nics[i]);
    free(vm->disks);
    free(vm->nics);
    free(vm->path);
    free(vm);
}

/* libxlutil's last report without its leading "PATH: ". */
static const char *report_reason(pvb_vm *vm, struct xl_file *f, int e)
{
    const char *r = xl_file_last_report(f);
    size_t n = strlen(vm->path);
    if (strncmp(r, vm->path, n) == 0 && r[n] == ':' && r[n + 1] == ' ')
        r += n + 2;
    return *r ? r : strerror(e);
}

static int read_disks(pvb_vm *vm, struct xl_file *f, pvb_error *err)
{
    XLU_ConfigList *list;
    int n = 0;
    char shown[PRINTABLE_MAX];

    if (xlu_cfg_get_list(f->xc, "disk", &list, &n, 0) != 0)
        return 0;
    if (n <= 0)
        return 0;
    vm->disks = mem_calloc((size_t)n, sizeof *vm->disks);
    if (!vm->disks)
        return fail(err, -ENOMEM, "%s: disk: out of memory", vm->path);
    for (int i = 0; i < n; i++) {
        const char *spec = xlu_cfg_get_listitem(list, i);
        if (!spec)
            return fail(err, -EINVAL, "%s: disk entry %d is not a string",
                        vm->path, i + 1);
        libxl_device_disk *d = &vm->disks[vm->nr_disks++];
        libxl_device_disk_init(d);
        int e = xlu_disk_parse(f->xc, 1, &spec, d);
        if (e)
            return fail(err, -(e == ENOMEM ? ENOMEM : EINVAL),
                        "%s: disk entry %d \"%s\": %s", vm->path, i + 1,
                        printable_value(spec, shown, sizeof shown),
                        report_reason(vm, f, e));
        if (!d->vdev)
            return fail(err, -EINVAL, "%s: disk entry %d \"%s\": no vdev",
                        vm->path, i + 1,
                        printable_value(spec, shown, sizeof shown));
    }
    return 0;
}

static int replace(char **field, const char *value)
{
    char *copy = mem_strdup(value);
    if (!copy)
        return -ENOMEM;
    free(*field);
    *field = copy;
    return 0;
}

/* "00:16:3e:01:02:03": six hex bytes, colon separated. */
static bool parse_mac(const char *s, libxl_mac mac)
{
    for (int i = 0; i < 6; i++) {
        unsigned v = 0;
        for (int k = 0; k < 2; k++, s++) {
            char c = *s;
            int h = c >= '0' && c <= '9' ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (h < 0)
                return false;
            v = v * 16 + (unsigned)h;
        }
        mac[i] = (uint8_t)v;
        if (i < 5 && *s++ != ':')
            return false;
    }
    return *s == '\0';
}

static int nic_setting(pvb_vm *vm, struct xl_file *f, libxl_device_nic *nic,
                       int entry, const char *token, pvb_error *err)
{
    char shown[PRINTABLE_MAX];
    const char *eq = strchr(token, '=');
    size_t klen = eq ? (size_t)(eq - token) : strlen(token);
    const char *v = eq ? eq + 1 : "";
    char **field = NULL;

#define KEY(name) (klen == strlen(name) && strncmp(token, name, klen) == 0)
    if (KEY("mac")) {
        if (!parse_mac(v, nic->mac))
            return fail(err, -EINVAL, "%s: vif entry %d: mac \"%s\" is not "
                        "six hex bytes (xx:xx:xx:xx:xx:xx)", vm->path, entry,
                        printable_value(v, shown, sizeof shown));
        return 0;
    }
    if (KEY("rate")) {
        int e = xlu_vif_parse_rate(f->xc, v, nic);
        if (e)
            return fail(err, -EINVAL, "%s: vif entry %d: rate \"%s\": %s",
                        vm->path, entry, printable_value(v, shown, sizeof shown),
                        report_reason(vm, f, e));
        return 0;
    }
    if (KEY("type")) {
        if (strcmp(v, "vif") == 0)
            nic->nictype = LIBXL_NIC_TYPE_VIF;
        else if (strcmp(v, "ioemu") == 0)
            nic->nictype = LIBXL_NIC_TYPE_VIF_IOEMU;
        else
            return fail(err, -EINVAL, "%s: vif entry %d: type \"%s\": must "
                        "be vif or ioemu", vm->path, entry,
                        printable_value(v, shown, sizeof shown));
        return 0;
    }
    if (KEY("mtu")) {
        char *end;
        errno = 0;
        unsigned long mtu = strtoul(v, &end, 10);
        if (!*v || *end || errno || mtu < 68 || mtu > 65535)
            return fail(err, -EINVAL, "%s: vif entry %d: mtu \"%s\": must be "
                        "68 to 65535", vm->path, entry,
                        printable_value(v, shown, sizeof shown));
        nic->mtu = (unsigned)mtu;
        return 0;
    }
    if (KEY("bridge"))
        field = &nic->bridge;
    else if (KEY("ip"))
        field = &nic->ip;
    else if (KEY("script"))
        field = &nic->script;
    else if (KEY("model"))
        field = &nic->model;
    else if (KEY("vifname"))
        field = &nic->ifname;
    else if (KEY("backend"))
        field = &nic->backend_domname;
    else if (KEY("gatewaydev"))
        field = &nic->gatewaydev;
#undef KEY
    if (!field)
        return fail(err, -EINVAL, "%s: vif entry %d: unknown setting \"%s\" "
                    "(xl-network-configuration(5): mac, bridge, ip, script, "
                    "model, rate, vifname, backend, type, mtu, gatewaydev)",
                    vm->path, entry,
                    printable_value(token, shown, sizeof shown));
    if (!eq)
        return fail(err, -EINVAL, "%s: vif entry %d: \"%s\" needs a value "
                    "(%s=...)", vm->path, entry,
                    printable_value(token, shown, sizeof shown),
                    printable_value(token, shown, sizeof shown));
    if (replace(field, v) < 0)
        return fail(err, -ENOMEM, "%s: vif: out of memory", vm->path);
    return 0;
}

static int read_nics(pvb_vm *vm, struct xl_file *f, pvb_error *err)
{
    XLU_ConfigList *list;
    int n = 0;

    if (xlu_cfg_get_list(f->xc, "vif", &list, &n, 0) != 0 || n <= 0)
        return 0;
    vm->nics = mem_calloc((size_t)n, sizeof *vm->nics);
    if (!vm->nics)
        return fail(err, -ENOMEM, "%s: vif: out of memory", vm->path);
    for (int i = 0; i < n; i++) {
        const char *spec = xlu_cfg_get_listitem(list, i);
        if (!spec)
            return fail(err, -EINVAL, "%s: vif entry %d is not a string",
                        vm->path, i + 1);
        libxl_device_nic *nic = &vm->nics[vm->nr_nics++];
        libxl_device_nic_init(nic);
        nic->devid = i;                /* as xl numbers them */
        char *copy = mem_strdup(spec), *save = NULL;
        if (!copy)
            return fail(err, -ENOMEM, "%s: vif: out of memory", vm->path);
        int r = 0;
        for (char *tok = strtok_r(copy, ",", &save); tok && r == 0;
             tok = strtok_r(NULL, ",", &save)) {
            while (*tok == ' ' || *tok == '\t')
                tok++;
            size_t l = strlen(tok);
            while (l && (tok[l - 1] == ' ' || tok[l - 1] == '\t'))
                tok[--l] = '\0';
            if (*tok)
                r = nic_setting(vm, f, nic, i + 1, tok, err);
        }
        free(copy);
        if (r < 0)
            return r;
    }
    return 0;
}

static const struct {
    const char *event, *key;
    size_t offset;
    libxl_action_on_shutdown xl_default;
} actions[] = {
    { "poweroff", "on_poweroff", offsetof(pvb_vm, on_poweroff),
      LIBXL_ACTION_ON_SHUTDOWN_DESTROY },
    { "reboot", "on_reboot", offsetof(pvb_vm, on_reboot),
      LIBXL_ACTION_ON_SHUTDOWN_RESTART },
    { "crash", "on_crash", offsetof(pvb_vm, on_crash),
      LIBXL_ACTION_ON_SHUTDOWN_DESTROY },
    { "watchdog", "on_watchdog", offsetof(pvb_vm, on_watchdog),
      LIBXL_ACTION_ON_SHUTDOWN_DESTROY },
    { "soft_reset", "on_soft_reset", offsetof(pvb_vm, on_soft_reset),
      LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET },
};
#define NR_ACTIONS (sizeof actions / sizeof actions[0])

static libxl_action_on_shutdown *action_field(pvb_vm *vm, size_t i)
{
    return (libxl_action_on_shutdown *)((char *)vm + actions[i].offset);
}

static int read_actions(pvb_vm *vm, struct xl_file *f, pvb_error *err)
{
    char shown[PRINTABLE_MAX];

    for (size_t i = 0; i < NR_ACTIONS; i++) {
        const char *v = NULL;
        int e = xlu_cfg_get_string(f->xc, actions[i].key, &v, 0);
        if (e == ESRCH)
            continue;
        if (e)
            return fail(err, -EINVAL, "%s: %s must be a single value",
                        vm->path, actions[i].key);
        if (action_from_word(v, action_field(vm, i)) != 0)
            return fail(err, -EINVAL, "%s: %s \"%s\" is not an action "
                        "(destroy, restart, rename-restart, preserve, "
                        "coredump-destroy, coredump-restart, soft-reset)",
                        vm->path, actions[i].key,
                        printable_value(v, shown, sizeof shown));
    }
    return 0;
}

pvb_vm *vm_alloc(const char *path)
{
    pvb_vm *vm = mem_calloc(1, sizeof *vm);
    if (!vm || !(vm->path = mem_strdup(path))) {
        free(vm);
        return NULL;
    }
    for (size_t i = 0; i < NR_ACTIONS; i++)
        *action_field(vm, i) = actions[i].xl_default;
    return vm;
}

int pvb_vm_config_read(const char *path, const struct pvb_vm_opts *opts,
                       struct pvb_config *cfg, pvb_vm **vm_r, pvb_error *err)
{
    struct xl_file f;

    if (!path || !cfg || !vm_r)
        return fail(err, -EINVAL, "pvb_vm_config_read: missing argument");
    int vrc = OPTS_CHECK(opts, "pvb_vm_opts", PVB_VM_OPTS_VERSION, err);
    if (vrc < 0)
        return vrc;
    const char *const *overrides = opts ? opts->overrides : NULL;
    size_t nr_overrides = opts ? opts->nr_overrides : 0;
    unsigned flags = opts ? opts->flags : 0;
    const pvb_logger *log = opts ? opts->log : NULL;
    *vm_r = NULL;
    pvb_vm *vm = vm_alloc(path);
    if (!vm)
        return fail(err, -ENOMEM, "%s: out of memory", path);
    int r = xl_read(cfg, path, overrides, nr_overrides, XL_KEYS_VM,
                    flags & PVB_VM_IGNORE_UNSUPPORTED, log, &f, err);
    if (r == 0)
        r = read_disks(vm, &f, err);
    if (r == 0)
        r = read_nics(vm, &f, err);
    if (r == 0)
        r = read_actions(vm, &f, err);
    xl_file_close(&f);
    if (r < 0) {
        pvb_vm_free(vm);
        return r;
    }
    *vm_r = vm;
    return 0;
}

size_t pvb_vm_nr_disks(const pvb_vm *vm)
{
    return vm ? vm->nr_disks : 0;
}

size_t pvb_vm_nr_nics(const pvb_vm *vm)
{
    return vm ? vm->nr_nics : 0;
}

int pvb_vm_disk(const pvb_vm *vm, size_t i, struct pvb_vm_disk *out,
                pvb_error *err)
{
    if (!vm || !out || i >= vm->nr_disks)
        return fail(err, -ENOENT, "pvb_vm_disk: no disk %zu", i);
    const libxl_device_disk *d = &vm->disks[i];
    memset(out, 0, sizeof *out);
    out->vdev = d->vdev;
    out->target = d->pdev_path;
    out->format = libxl_disk_format_to_string(d->format);
    out->script = d->script;
    out->readwrite = d->readwrite != 0;
    out->cdrom = d->is_cdrom != 0;
    return 0;
}

int pvb_vm_nic(const pvb_vm *vm, size_t i, struct pvb_vm_nic *out,
               pvb_error *err)
{
    static const libxl_mac zero;
    if (!vm || !out || i >= vm->nr_nics)
        return fail(err, -ENOENT, "pvb_vm_nic: no vif %zu", i);
    const libxl_device_nic *n = &vm->nics[i];
    memset(out, 0, sizeof *out);
    if (memcmp(n->mac, zero, sizeof zero) != 0)
        snprintf(out->mac, sizeof out->mac, "%02x:%02x:%02x:%02x:%02x:%02x",
                 n->mac[0], n->mac[1], n->mac[2], n->mac[3], n->mac[4],
                 n->mac[5]);
    out->bridge = n->bridge;
    out->ip = n->ip;
    out->script = n->script;
    out->model = n->model;
    out->vifname = n->ifname;
    out->backend = n->backend_domname;
    out->rate_bytes_per_interval = n->rate_bytes_per_interval;
    out->rate_interval_usecs = n->rate_interval_usecs;
    out->devid = (unsigned)n->devid;
    return 0;
}

const char *pvb_vm_action(const pvb_vm *vm, const char *event)
{
    if (!vm || !event)
        return NULL;
    for (size_t i = 0; i < NR_ACTIONS; i++)
        if (strcmp(event, actions[i].event) == 0) {
            libxl_action_on_shutdown a = *action_field((pvb_vm *)vm, i);
            return action_word(a) ? action_word(a)
                                  : libxl_action_on_shutdown_to_string(a);
        }
    return NULL;
}
