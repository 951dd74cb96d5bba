/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the xl config reader, its KEY=VALUE overrides and the P->M
 * placement syntax.  The input is config text; a line "--" ends it, and
 * each line after that is an override (as `pvbuild create FILE KEY=VALUE`
 * passes them), also given to pvb_p2m_parse as --p2m-vaddr would be.  The
 * text is written to a memfd and read by path, as from a file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

#define MAX_OVERRIDES 16

static int fd = -1;
static char path[64];

static void check_p2m(const char *text)
{
    enum pvb_p2m_placement mode = (enum pvb_p2m_placement)99;
    uint64_t vaddr = 0;
    pvb_error err = { 0 };
    int rc = pvb_p2m_parse(text, &mode, &vaddr, &err);
    if (rc < 0) {
        fuzz_check_error("pvb_p2m_parse", rc, &err, NULL);
        return;
    }
    if (mode != PVB_P2M_DEFAULT && mode != PVB_P2M_ADDRESS &&
        mode != PVB_P2M_INSIDE)
        fuzz_die("pvb_p2m_parse(\"%s\") gave mode %d", text, (int)mode);
    if (mode != PVB_P2M_ADDRESS && vaddr)
        fuzz_die("pvb_p2m_parse(\"%s\") gave an address with mode %d", text,
                 (int)mode);
}

static void check_string(const char *s)
{
    if (s)
        fuzz_touch(s, strlen(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fd < 0) {
        fd = memfd_create("fuzz-config", MFD_CLOEXEC);
        if (fd < 0)
            fuzz_die("memfd_create: %s", strerror(errno));
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }

    /* The file is everything before a line "--". */
    size_t file_len = size;
    const uint8_t *sep = NULL;
    for (size_t i = 0; i + 1 < size; i++) {
        if ((i == 0 || data[i - 1] == '\n') && data[i] == '-' &&
            data[i + 1] == '-' && (i + 2 == size || data[i + 2] == '\n')) {
            sep = data + i;
            file_len = i;
            break;
        }
    }
    if (ftruncate(fd, 0) < 0 || pwrite(fd, data, file_len, 0) != (ssize_t)file_len)
        fuzz_die("writing the memfd: %s", strerror(errno));

    /* Overrides: one per line after the separator, as C strings. */
    char *ovr_text = NULL;
    const char *ovr[MAX_OVERRIDES];
    size_t nr = 0;
    if (sep) {
        size_t n = size - (size_t)(sep - data) - 2;
        ovr_text = malloc(n + 1);
        if (!ovr_text)
            return 0;
        memcpy(ovr_text, sep + 2, n);
        ovr_text[n] = '\0';
        char *p = ovr_text;
        if (*p == '\n')
            p++;
        while (*p && nr < MAX_OVERRIDES) {
            ovr[nr++] = p;
            char *nl = strchr(p, '\n');
            if (!nl)
                break;
            *nl = '\0';
            p = nl + 1;
        }
    }
    for (size_t i = 0; i < nr; i++) {
        check_p2m(ovr[i]);
        const char *eq = strchr(ovr[i], '=');
        if (eq)
            check_p2m(eq + 1);
    }

    struct pvb_config cfg;
    pvb_config_init(&cfg);
    pvb_error err = { 0 };
    /* A preset, as the CLI sets options before reading the file. */
    if (pvb_config_set_string(&cfg.cmdline, "preset", &err) < 0)
        fuzz_die("pvb_config_set_string: %s", err.msg);
    struct pvb_xl_opts xo = { .version = PVB_XL_OPTS_VERSION, .overrides = ovr,
                              .nr_overrides = nr, .log = &fuzz_logger };
    int rc = pvb_config_read_xl(&cfg, path, &xo, &err);
    if (rc < 0) {
        fuzz_check_error("pvb_config_read_xl", rc, &err, path);
    } else {
        if (rc != 0)
            fuzz_die("pvb_config_read_xl returned %d", rc);
        check_string(cfg.name);
        check_string(cfg.kernel);
        check_string(cfg.ramdisk);
        check_string(cfg.cmdline);
        if ((unsigned)cfg.p2m > PVB_P2M_INSIDE)
            fuzz_die("config p2m mode %d", (int)cfg.p2m);
        if (cfg.p2m != PVB_P2M_ADDRESS && cfg.p2m_vaddr)
            fuzz_die("config p2m_vaddr 0x%llx with mode %d",
                     (unsigned long long)cfg.p2m_vaddr, (int)cfg.p2m);
    }
    pvb_config_free(&cfg);
    if (cfg.name || cfg.kernel || cfg.ramdisk || cfg.cmdline)
        fuzz_die("pvb_config_free left strings behind");
    free(ovr_text);
    return 0;
}
