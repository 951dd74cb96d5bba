/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pvb_vm_config_read on xl config files written here: disk= through
 * libxlutil's xlu_disk_parse, vif= as xl-network-configuration(5) has
 * it, on_* actions, refused and unknown keys.  No Xen needed: reading
 * creates nothing.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "pvbuild.h"
#include "pvbuild/toolstack.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/pvb-vmcfg.XXXXXX";

static const char *write_file(const char *name, const char *text)
{
    static char paths[4][512];
    static int slot;
    char *path = paths[slot++ % 4];
    snprintf(path, 512, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        printf("Bail out! cannot write %s\n", path);
        exit(1);
    }
    return path;
}

struct captured {
    int warnings;
    char all[4096];
};

static void capture(void *opaque, enum pvb_log_level level, const char *msg)
{
    struct captured *c = opaque;
    if (level != PVB_LOG_WARNING)
        return;
    c->warnings++;
    size_t n = strlen(c->all);
    snprintf(c->all + n, sizeof c->all - n, "%s\n", msg);
}

static struct captured logged;
static pvb_logger logger = { capture, &logged };

/* Read a config; the VM in *vm (NULL on error). */
static int read_vm(const char *path, const char *const *ovr, size_t nr,
                   unsigned flags, pvb_vm **vm, pvb_error *err)
{
    struct pvb_config cfg;
    pvb_config_init(&cfg);
    memset(&logged, 0, sizeof logged);
    struct pvb_vm_opts vo = { .version = PVB_VM_OPTS_VERSION, .overrides = ovr,
                              .nr_overrides = nr, .flags = flags, .log = &logger };
    int r = pvb_vm_config_read(path, &vo, &cfg, vm, err);
    pvb_config_free(&cfg);
    return r;
}

#define BASE "name = \"t\"\nkernel = \"/boot/vmlinuz\"\nmemory = 128\n"

static void test_devices(void)
{
    pvb_error err = { 0 };
    pvb_vm *vm = NULL;
    const char *path = write_file("web.cfg", BASE
        "disk = [ 'format=raw, vdev=xvda, access=rw, target=/srv/web.img',\n"
        "         'file:/srv/data.img,xvdb,r',\n"
        "         '/dev/vg/swap,raw,xvdc,w' ]\n"
        "vif = [ 'mac=00:16:3e:01:02:03, bridge=xenbr0, ip=fe80::2, "
        "script=vif-bridge, model=e1000, rate=10Mb/s@20ms, vifname=web0, "
        "backend=0',\n"
        "        'bridge=xenbr1' ]\n"
        "on_poweroff = 'destroy'\non_reboot = 'rename-restart'\n"
        "on_crash = 'preserve'\n");
    int r = read_vm(path, NULL, 0, 0, &vm, &err);
    if (!ok(r == 0, "web.cfg: read"))
        diag("error: %s", err.msg);
    is_u64(logged.warnings, 0, "web.cfg: no warning");
    is_u64(pvb_vm_nr_disks(vm), 3, "three disks");
    is_u64(pvb_vm_nr_nics(vm), 2, "two vifs");

    struct pvb_vm_disk d;
    ok(pvb_vm_disk(vm, 0, &d, &err) == 0, "disk 0");
    is_str(d.vdev, "xvda", "disk 0: vdev from vdev=");
    is_str(d.target, "/srv/web.img", "disk 0: target=");
    is_str(d.format, "raw", "disk 0: format=raw");
    ok(d.readwrite, "disk 0: access=rw");
    ok(pvb_vm_disk(vm, 1, &d, &err) == 0, "disk 1");
    is_str(d.vdev, "xvdb", "disk 1: positional vdev");
    is_str(d.target, "/srv/data.img", "disk 1: file: prefix dropped by libxlutil");
    ok(!d.readwrite, "disk 1: r is read-only");
    ok(pvb_vm_disk(vm, 2, &d, &err) == 0, "disk 2");
    is_str(d.vdev, "xvdc", "disk 2: vdev after the format");
    is_str(d.target, "/dev/vg/swap", "disk 2: target first");
    ok(d.readwrite, "disk 2: w is read-write");
    ok(pvb_vm_disk(vm, 3, &d, &err) == -ENOENT, "disk 3: none");

    struct pvb_vm_nic n;
    ok(pvb_vm_nic(vm, 0, &n, &err) == 0, "vif 0");
    is_str(n.mac, "00:16:3e:01:02:03", "vif 0: mac");
    is_str(n.bridge, "xenbr0", "vif 0: bridge");
    is_str(n.ip, "fe80::2", "vif 0: ip");
    is_str(n.script, "vif-bridge", "vif 0: script");
    is_str(n.model, "e1000", "vif 0: model");
    is_str(n.vifname, "web0", "vif 0: vifname");
    is_str(n.backend, "0", "vif 0: backend");
    /* libxlutil: 10 Mbit/s every 20 ms is 25000 bytes per 20000 us. */
    is_u64(n.rate_interval_usecs, 20000, "vif 0: rate interval from xlu_vif_parse_rate");
    is_u64(n.rate_bytes_per_interval, 25000, "vif 0: rate bytes per interval");
    is_u64(n.devid, 0, "vif 0: devid 0");
    ok(pvb_vm_nic(vm, 1, &n, &err) == 0, "vif 1");
    is_str(n.mac, "", "vif 1: no mac: libxl picks one");
    is_str(n.bridge, "xenbr1", "vif 1: bridge");
    ok(n.script == NULL, "vif 1: script left to libxl");
    is_u64(n.devid, 1, "vif 1: devid 1");

    is_str(pvb_vm_action(vm, "poweroff"), "destroy", "on_poweroff");
    is_str(pvb_vm_action(vm, "reboot"), "rename-restart", "on_reboot");
    is_str(pvb_vm_action(vm, "crash"), "preserve", "on_crash");
    is_str(pvb_vm_action(vm, "watchdog"), "destroy", "on_watchdog: xl's default");
    ok(pvb_vm_action(vm, "nap") == NULL, "no such event");
    pvb_vm_free(vm);

    /* Overrides reach the devices too, as with xl create FILE KEY=VALUE. */
    const char *ovr[] = { "vif=['bridge=xenbr9']", "on_reboot=destroy" };
    r = read_vm(path, ovr, 2, 0, &vm, &err);
    ok(r == 0, "web.cfg with overrides: read");
    is_u64(pvb_vm_nr_nics(vm), 1, "vif= override replaces the list");
    ok(pvb_vm_nic(vm, 0, &n, &err) == 0 && n.bridge && strcmp(n.bridge, "xenbr9") == 0,
       "vif override: bridge xenbr9");
    is_str(pvb_vm_action(vm, "reboot"), "destroy", "on_reboot override");
    pvb_vm_free(vm);

    r = read_vm(write_file("none.cfg", BASE), NULL, 0, 0, &vm, &err);
    ok(r == 0 && pvb_vm_nr_disks(vm) == 0 && pvb_vm_nr_nics(vm) == 0,
       "no disk= or vif=: no devices");
    is_str(pvb_vm_action(vm, "reboot"), "restart", "on_reboot: xl's default restart");
    pvb_vm_free(vm);
}

/* A config that must fail: the message names the file and says why. */
static void bad(const char *name, const char *text, int want, const char *want_msg)
{
    pvb_error err = { 0 };
    pvb_vm *vm = (pvb_vm *)1;
    const char *path = write_file(name, text);
    int r = read_vm(path, NULL, 0, 0, &vm, &err);
    is_u64((uint64_t)(int64_t)r, (uint64_t)(int64_t)want, "%s: refused (%d)", name, want);
    ok(vm == NULL, "%s: no VM", name);
    char want_full[512];
    snprintf(want_full, sizeof want_full, "%s: %s", path, want_msg);
    if (!ok(strncmp(err.msg, want_full, strlen(want_full)) == 0,
            "%s: the error names the file and the cause", name))
        diag("got \"%s\", want a line starting \"%s\"", err.msg, want_full);
    ok(strchr(err.msg, '\n') == NULL, "%s: on one line", name);
}

static void test_errors(void)
{
    bad("baddisk.cfg", BASE "disk = [ 'format=floppy, vdev=xvda, target=/x' ]\n",
        -EINVAL, "disk entry 1 \"format=floppy, vdev=xvda, target=/x\": config "
        "parsing error in disk specification: unknown value for format");
    bad("baddisk2.cfg", BASE "disk = [ '/a,raw,xvda,rw', 'target=/b, frobnicate=1' ]\n",
        -EINVAL, "disk entry 2 \"target=/b, frobnicate=1\": config parsing "
        "error in disk specification: no vdev specified");
    bad("badmac.cfg", BASE "vif = [ 'mac=00:16:3e:zz:00:01' ]\n",
        -EINVAL, "vif entry 1: mac \"00:16:3e:zz:00:01\" is not six hex bytes");
    bad("badvifkey.cfg", BASE "vif = [ 'bridge=xenbr0', 'brigde=xenbr0' ]\n",
        -EINVAL, "vif entry 2: unknown setting \"brigde=xenbr0\"");
    bad("badrate.cfg", BASE "vif = [ 'rate=fast' ]\n",
        -EINVAL, "vif entry 1: rate \"fast\": ");
    bad("badaction.cfg", BASE "on_crash = 'explode'\n",
        -EINVAL, "on_crash \"explode\" is not an action");
    bad("pci.cfg", BASE "pci = [ '0000:00:1f.2' ]\n",
        -ENOTSUP, "unsupported key pci: pvbuild cannot give a domain this");
    bad("many.cfg", BASE "vfb = [ 'vnc=1' ]\nusbctrl = [ 'version=2' ]\n"
        "channel = [ 'name=x' ]\np9 = [ 'tag=x' ]\n",
        -ENOTSUP, "unsupported keys channel, p9, usbctrl, vfb: ");
    bad("bootloader.cfg", BASE "bootloader = 'pygrub'\n",
        -ENOTSUP, "unsupported key bootloader: ");
}

static void test_keys(void)
{
    pvb_error err = { 0 };
    pvb_vm *vm = NULL;
    const char *path = write_file("pci-ok.cfg", BASE "pci = [ '0000:00:1f.2' ]\n"
                                  "vtpm = [ 'backend=0' ]\n");
    int r = read_vm(path, NULL, 0, PVB_VM_IGNORE_UNSUPPORTED, &vm, &err);
    ok(r == 0, "unsupported keys with PVB_VM_IGNORE_UNSUPPORTED: read");
    is_u64(logged.warnings, 1, "one warning");
    char want[512];
    snprintf(want, sizeof want, "%s: ignoring unsupported keys: pci, vtpm\n", path);
    is_str(logged.all, want, "the warning names the file and the keys");
    pvb_vm_free(vm);

    path = write_file("typo.cfg", BASE "memroy = 256\nvcpu = 2\nxyzzyplugh = 1\n");
    r = read_vm(path, NULL, 0, 0, &vm, &err);
    ok(r == 0, "unknown keys: read (warnings only)");
    is_u64(logged.warnings, 3, "one warning per unknown key");
    ok(strstr(logged.all, "typo.cfg: unknown key memroy (did you mean memory?)") != NULL,
       "memroy: did you mean memory");
    ok(strstr(logged.all, "typo.cfg: unknown key vcpu (did you mean vcpus?)") != NULL,
       "vcpu: did you mean vcpus");
    ok(strstr(logged.all, "typo.cfg: unknown key xyzzyplugh (xl.cfg(5) has none like it)") != NULL,
       "xyzzyplugh: no suggestion");
    if (logged.warnings != 3)
        diag("warnings: %s", logged.all);
    pvb_vm_free(vm);

    path = write_file("ignored.cfg", BASE "cpu_weight = 256\nvif = []\n"
                      "on_watchdog = 'destroy'\n");
    r = read_vm(path, NULL, 0, 0, &vm, &err);
    ok(r == 0, "known keys pvbuild does not act on: read");
    snprintf(want, sizeof want, "%s: ignoring keys pvbuild does not act on: cpu_weight\n", path);
    is_str(logged.all, want, "only cpu_weight is ignored: vif and on_watchdog are the VM's");
    pvb_vm_free(vm);

    /* An override key is checked as a file's key. */
    const char *ovr[] = { "usbdev=['hostbus=1']" };
    r = read_vm(write_file("plain.cfg", BASE), ovr, 1, 0, &vm, &err);
    is_u64((uint64_t)(int64_t)r, (uint64_t)(int64_t)-ENOTSUP, "unsupported override key refused");
    ok(strstr(err.msg, "unsupported key usbdev") != NULL, "naming the key");
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        printf("Bail out! mkdtemp failed\n");
        return 1;
    }
    test_devices();
    test_errors();
    test_keys();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        diag("could not remove %s", tmpdir);
    return done_testing();
}
