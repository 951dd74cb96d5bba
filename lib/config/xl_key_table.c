/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Every key xl.cfg(5) knows (Xen 4.17's tools/xl/xl_parse.c reads these),
 * and what pvbuild does with each: the one table behind "acted on",
 * "refused" and "did you mean".
 */
#include "config/xl.h"

#include <stdlib.h>
#include <string.h>

#define B XL_KEY_BUILD
#define V XL_KEY_VM
#define I XL_KEY_IGNORED
#define U XL_KEY_UNSUPPORTED

/* Sorted by name (bsearch). */
static const struct xl_key keys[] = {
    { "acpi", I }, { "acpi_firmware", I }, { "acpi_laptop_slate", I },
    { "acpi_s3", I }, { "acpi_s4", I }, { "altp2m", I }, { "altp2mhvm", I },
    { "apic", I }, { "bios", I }, { "bios_path_override", I }, { "boot", I },
    { "bootloader", U }, { "bootloader_args", U }, { "builder", B },
    { "cap", I }, { "channel", U }, { "cmdline", B }, { "cpu_weight", I },
    { "cpuid", I }, { "cpus", B }, { "cpus_soft", B },
    { "device_model", I }, { "device_model_args", I },
    { "device_model_override", I }, { "device_model_stubdomain_override", I },
    { "device_model_stubdomain_seclabel", I }, { "device_model_user", I },
    { "device_model_version", I }, { "device_tree", U }, { "disk", V },
    { "display", I }, { "dm_restrict", I }, { "driver_domain", I },
    { "dtdev", U }, { "e820_host", I }, { "extra", B }, { "extratime", I },
    { "firmware", I }, { "firmware_override", I }, { "gfx_passthru", U },
    { "gic_version", I }, { "hap", I }, { "hdtype", I }, { "hpet", I },
    { "init_seclabel", I }, { "iomem", U }, { "ioports", U }, { "irqs", U },
    { "kernel", B }, { "keymap", I }, { "latency", I }, { "localtime", I },
    { "max_event_channels", I }, { "max_grant_frames", I },
    { "max_grant_version", I }, { "max_maptrack_frames", I },
    { "maxmem", B }, { "maxvcpus", B }, { "mca_caps", I }, { "memory", B },
    { "mmio_hole", I }, { "ms_vm_genid", I }, { "msr_relaxed", I },
    { "name", B }, { "nestedhvm", I }, { "nographic", I }, { "nomigrate", I },
    { "nx", I }, { "on_crash", B }, { "on_poweroff", B }, { "on_reboot", B },
    { "on_soft_reset", V }, { "on_watchdog", B }, { "oos", I },
    { "opengl", I }, { "p2m_vaddr", B }, { "p9", U }, { "pae", I },
    { "passthrough", I }, { "pci", U }, { "pci_msitranslate", I },
    { "pci_permissive", I }, { "pci_power_mgmt", I }, { "pci_seize", I },
    { "period", I }, { "pool", I }, { "pvcalls", U }, { "pvshim", I },
    { "pvshim_cmdline", I }, { "pvshim_extra", I }, { "pvshim_path", I },
    { "ramdisk", B }, { "rdm", I }, { "rdm_mem_boundary", I }, { "root", B },
    { "rtc_timeoffset", I }, { "sdl", I }, { "seclabel", I }, { "serial", I },
    { "shadow_memory", I }, { "slice", I }, { "smbios_firmware", I },
    { "soundhw", I }, { "spice", I }, { "spice_clipboard_sharing", I },
    { "spice_image_compression", I }, { "spice_streaming_video", I },
    { "spiceagent_mouse", I }, { "spicedisable_ticketing", I },
    { "spicehost", I }, { "spicepasswd", I }, { "spiceport", I },
    { "spicetls_port", I }, { "spiceusbredirection", I },
    { "spicevdagent", I }, { "stdvga", I }, { "stubdomain_cmdline", I },
    { "stubdomain_kernel", I }, { "stubdomain_memory", I },
    { "stubdomain_ramdisk", I }, { "tee", I }, { "timer_mode", I },
    { "tsc_mode", I }, { "type", B }, { "usb", U }, { "usbctrl", U },
    { "usbdev", U }, { "usbdevice", U }, { "usbversion", U }, { "uuid", I },
    { "vcpus", B }, { "vdispl", U }, { "vendor_device", I }, { "vfb", U },
    { "vga", I }, { "videoram", I }, { "vif", V }, { "vif2", U },
    { "viridian", I }, { "vkb", U }, { "vkb_device", U },
    { "vmtrace_buf_kb", I }, { "vnc", I }, { "vncdisplay", I },
    { "vnclisten", I }, { "vncpasswd", I }, { "vncunused", I },
    { "vncviewer", I }, { "vnuma", B }, { "vpmu", I }, { "vpt_align", I },
    { "vsnd", U }, { "vtpm", U }, { "vuart", I }, { "xauthority", I },
    { "xen_platform_pci", I }, { "xend_suspend_evtchn_compat", I },
};

#define NR_KEYS (sizeof keys / sizeof keys[0])

static int cmp_key(const void *name, const void *entry)
{
    return strcmp(name, ((const struct xl_key *)entry)->name);
}

const struct xl_key *xl_key_find(const char *name)
{
    return bsearch(name, keys, NR_KEYS, sizeof keys[0], cmp_key);
}

bool xl_is_known_key(const char *key)
{
    const struct xl_key *k = xl_key_find(key);
    return k && k->cls == XL_KEY_BUILD;
}

/*
 * Edit distance with adjacent transpositions counted once (optimal
 * string alignment), so "memroy" is one edit from "memory".
 */
static size_t distance(const char *a, const char *b)
{
    enum { MAX = 48 };
    size_t la = strlen(a), lb = strlen(b);
    size_t d[MAX + 1][MAX + 1];

    if (la > MAX || lb > MAX)
        return (size_t)-1;
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

const char *xl_key_nearest(const char *name)
{
    /* Beyond a third of the word, a "suggestion" is a different word. */
    size_t limit = strlen(name) / 3;
    if (limit < 1)
        limit = 1;
    if (limit > 3)
        limit = 3;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < NR_KEYS; i++) {
        size_t dd = distance(name, keys[i].name);
        if (dd < best_d) {
            best_d = dd;
            best = keys[i].name;
        }
    }
    return best;
}
