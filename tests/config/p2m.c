/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pvb_p2m_parse and the pvb_config string helpers. */
#define _GNU_SOURCE
#include "tap.h"
#include "pvbuild.h"

#include <errno.h>
#include <stdlib.h>

static void accepts(const char *text, enum pvb_p2m_placement want_mode,
                    uint64_t want_vaddr)
{
    enum pvb_p2m_placement mode = 99;
    uint64_t vaddr = 12345;
    pvb_error err = { 0 };
    int r = pvb_p2m_parse(text, &mode, &vaddr, &err);
    if (!ok(r == 0, "\"%s\" is accepted", text))
        diag("error: %s", err.msg);
    is_u64(mode, want_mode, "\"%s\": placement", text);
    is_u64(vaddr, want_vaddr, "\"%s\": address", text);
}

static void rejects(const char *text, int want_code, const char *shown)
{
    enum pvb_p2m_placement mode = PVB_P2M_INSIDE;
    uint64_t vaddr = 7;
    pvb_error err = { 0 };
    int r = pvb_p2m_parse(text, &mode, &vaddr, &err);
    is_u64((int64_t)r, (int64_t)want_code, "\"%s\" is rejected with %d", shown,
           want_code);
    is_u64(err.code, want_code, "\"%s\": err.code", shown);
    char quoted[128];
    snprintf(quoted, sizeof quoted, "\"%s\"", shown);
    if (!ok(strstr(err.msg, quoted) != NULL, "\"%s\": message names the value",
            shown))
        diag("message: %s", err.msg);
    ok(!strchr(err.msg, '\n'), "\"%s\": message is one line", shown);
    ok(mode == PVB_P2M_INSIDE && vaddr == 7, "\"%s\": outputs untouched", shown);
}

int main(void)
{
    accepts("inside", PVB_P2M_INSIDE, 0);
    accepts("default", PVB_P2M_DEFAULT, 0);
    accepts("auto", PVB_P2M_DEFAULT, 0);
    /* 512 GiB, the first PML4 slot after the kernel's. */
    accepts("0x8000000000", PVB_P2M_ADDRESS, UINT64_C(1) << 39);
    accepts("0X8000000000", PVB_P2M_ADDRESS, UINT64_C(1) << 39);
    accepts("549755813888", PVB_P2M_ADDRESS, UINT64_C(1) << 39);
    /* Decimal, not octal, despite the leading zero. */
    accepts("010", PVB_P2M_ADDRESS, 10);
    accepts("0", PVB_P2M_ADDRESS, 0);
    accepts("0xffffffffffffffff", PVB_P2M_ADDRESS, UINT64_MAX);
    accepts("18446744073709551615", PVB_P2M_ADDRESS, UINT64_MAX);
    accepts("0xffffc90000000000", PVB_P2M_ADDRESS,
            UINT64_C(0xffffc90000000000));

    rejects("0x10000000000000000", -ERANGE, "0x10000000000000000");
    rejects("18446744073709551616", -ERANGE, "18446744073709551616");
    rejects("", -EINVAL, "");
    rejects("0x", -EINVAL, "0x");
    rejects("-1", -EINVAL, "-1");
    rejects("+1", -EINVAL, "+1");
    rejects(" 1", -EINVAL, " 1");
    rejects("1 ", -EINVAL, "1 ");
    rejects("0x-1", -EINVAL, "0x-1");
    rejects("0x 1", -EINVAL, "0x 1");
    rejects("12k", -EINVAL, "12k");
    rejects("0x1g", -EINVAL, "0x1g");
    rejects("Inside", -EINVAL, "Inside");
    rejects("insidex", -EINVAL, "insidex");
    rejects("0b101", -EINVAL, "0b101");
    /* A control character is not copied into the one-line message. */
    rejects("in\nside", -EINVAL, "in?side");

    /* A long value is cut, and the message still fits. */
    char longv[2000];
    memset(longv, '7', sizeof longv - 2);
    longv[sizeof longv - 2] = 'z';
    longv[sizeof longv - 1] = '\0';
    pvb_error err = { 0 };
    enum pvb_p2m_placement mode;
    uint64_t vaddr;
    ok(pvb_p2m_parse(longv, &mode, &vaddr, &err) == -EINVAL,
       "a 2000-character value is rejected");
    ok(strstr(err.msg, "...\"") != NULL && strlen(err.msg) < 300,
       "its message shows a cut value (%zu characters)", strlen(err.msg));

    ok(pvb_p2m_parse(NULL, &mode, &vaddr, &err) == -EINVAL,
       "NULL is rejected");
    ok(pvb_p2m_parse("inside", &mode, &vaddr, NULL) == 0 &&
       pvb_p2m_parse("bad", &mode, &vaddr, NULL) == -EINVAL,
       "a NULL pvb_error is allowed");

    /* The config's strings. */
    struct pvb_config cfg;
    memset(&cfg, 0xa5, sizeof cfg);
    pvb_config_init(&cfg);
    ok(!cfg.name && !cfg.kernel && !cfg.ramdisk && !cfg.cmdline &&
       !cfg.memory_mib && !cfg.maxmem_mib && !cfg.vcpus && !cfg.max_vcpus &&
       cfg.p2m == PVB_P2M_DEFAULT && !cfg.p2m_vaddr,
       "pvb_config_init zeroes every field");

    char value[] = "/boot/vmlinuz";
    ok(pvb_config_set_string(&cfg.kernel, value, &err) == 0,
       "set_string sets");
    value[1] = 'X';
    is_str(cfg.kernel, "/boot/vmlinuz", "set_string copies the value");
    ok(pvb_config_set_string(&cfg.kernel, "/other", &err) == 0,
       "set_string replaces");
    is_str(cfg.kernel, "/other", "the new value is in place");
    ok(pvb_config_set_string(&cfg.kernel, cfg.kernel, &err) == 0,
       "set_string with the field's own value");
    is_str(cfg.kernel, "/other", "keeps the value intact");
    ok(pvb_config_set_string(&cfg.kernel, NULL, &err) == 0 && !cfg.kernel,
       "set_string NULL clears");
    pvb_config_set_string(&cfg.name, "guest", &err);
    pvb_config_set_string(&cfg.cmdline, "console=hvc0", &err);
    pvb_config_set_string(&cfg.ramdisk, "/boot/initrd", &err);
    cfg.memory_mib = 512;
    pvb_config_free(&cfg);
    ok(!cfg.name && !cfg.cmdline && !cfg.ramdisk && !cfg.memory_mib,
       "pvb_config_free releases and resets");
    pvb_config_free(&cfg);
    pvb_config_free(NULL);
    ok(1, "pvb_config_free twice, and on NULL, is harmless");

    return done_testing();
}
