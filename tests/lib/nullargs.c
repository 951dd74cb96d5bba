/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bad input to every public call of pvbuild.h, pvbuild/toolstack.h and
 * pvbuild/lifecycle.h (the JSON calls too): NULL pointers and out-of-range values.  Each call
 * that can fail returns a negative errno with a one-line message; the
 * others answer NULL/0; none crashes (this runs under the sanitizers too).
 * Not here: the hosts section of pvbuild.h (pvb_host_*_open, pvb_host_close,
 * pvb_host_features, pvb_console_read), which is reshaped elsewhere, and
 * the inline pvb_guest_has_note (its guest must not be NULL).
 */
#include <pvbuild.h>
#include <pvbuild/lifecycle.h>
#include <pvbuild/toolstack.h>

#include "kernel.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static pvb_error err;

/* A refusal: negative, and a one-line message was written. */
static bool refused(int rc)
{
    bool good = rc < 0 && err.code == rc && err.msg[0] && !strchr(err.msg, '\n');
    if (!good)
        diag("rc %d, err.code %d, \"%s\"", rc, err.code, err.msg);
    memset(&err, 0, sizeof err);
    return good;
}

/* The JSON calls: NULL inputs and outputs, a NULL list of 1 entry. */
static void json(void)
{
    char *text = (char *)1;
    struct pvb_guest g;
    struct pvb_domain dom = { 0 };
    struct pvb_domain_entry e = { 0 };
    memset(&g, 0, sizeof g);
    ok(refused(pvb_plan_json(NULL, &text, &err)) && !text, "pvb_plan_json(NULL plan)");
    ok(refused(pvb_plan_json((const struct pvb_plan *)1, NULL, &err)),
       "pvb_plan_json(NULL out)");
    text = (char *)1;
    ok(refused(pvb_guest_json(NULL, "k", &text, &err)) && !text,
       "pvb_guest_json(NULL guest)");
    ok(refused(pvb_guest_json(&g, "k", NULL, &err)), "pvb_guest_json(NULL out)");
    text = (char *)1;
    ok(refused(pvb_verify_json(1, NULL, &text, &err)) && !text,
       "pvb_verify_json(NULL report)");
    ok(refused(pvb_verify_json(1, (const struct pvb_verify_report *)1, NULL, &err)),
       "pvb_verify_json(NULL out)");
    ok(refused(pvb_domain_json(NULL, &dom, (const struct pvb_plan *)1, NULL, &text, &err)),
       "pvb_domain_json(NULL host kind)");
    ok(refused(pvb_domain_json("sim", NULL, (const struct pvb_plan *)1, NULL, &text, &err)),
       "pvb_domain_json(NULL domain)");
    ok(refused(pvb_domain_json("sim", &dom, NULL, NULL, &text, &err)),
       "pvb_domain_json(NULL plan)");
    ok(refused(pvb_domain_json("sim", &dom, (const struct pvb_plan *)1, NULL, NULL, &err)),
       "pvb_domain_json(NULL out)");
    ok(refused(pvb_domain_list_json(NULL, 1, &text, &err)) && !text,
       "pvb_domain_list_json(NULL entries, 1)");
    ok(refused(pvb_domain_list_json(&e, 1, NULL, &err)), "pvb_domain_list_json(NULL out)");
    ok(pvb_domain_list_json(NULL, 0, &text, NULL) == 0 && text && !strcmp(text, "[]\n"),
       "pvb_domain_list_json(NULL, 0) is an empty list (and err may be NULL)");
    pvb_free(text);
    ok(pvb_plan_json(NULL, &text, NULL) == -EINVAL, "pvb_plan_json(NULL) with err NULL");
}

static void basics(void)
{
    pvb_free(NULL);
    ok(1, "pvb_free(NULL) is harmless");
    ok(pvb_compression_name((enum pvb_compression)999) != NULL,
       "pvb_compression_name of an unknown value: %s",
       pvb_compression_name((enum pvb_compression)999));
    ok(pvb_compression_sniff(NULL, 0) == PVB_COMP_NONE, "pvb_compression_sniff(NULL)");
    void *out = (void *)1;
    size_t out_len = 1;
    ok(refused(pvb_decompress(PVB_COMP_GZIP, NULL, 10, NULL, NULL, &out, &out_len, &err)),
       "pvb_decompress of NULL input");
    ok(out == NULL && out_len == 0, "and its outputs are cleared");
    ok(refused(pvb_decompress(PVB_COMP_GZIP, "x", 1, NULL, NULL, NULL, NULL, &err)),
       "pvb_decompress without outputs");
    ok(refused(pvb_decompress((enum pvb_compression)99, "x", 1, NULL, "x", &out,
                              &out_len, &err)), "pvb_decompress of compression 99");
    ok(pvb_format_name((enum pvb_image_format)99) != NULL, "pvb_format_name(99)");
    ok(pvb_feature_name(999) == NULL, "pvb_feature_name(999) is NULL");
    ok(pvb_feature_from_name(NULL) == -1, "pvb_feature_from_name(NULL) is -1");
    ok(pvb_note_name(999) == NULL, "pvb_note_name(999) is NULL");
    ok(pvb_guest_note_string(NULL, XEN_ELFNOTE_GUEST_OS) == NULL,
       "pvb_guest_note_string(NULL)");
    uint64_t v = 1;
    ok(pvb_guest_note_value(NULL, XEN_ELFNOTE_ENTRY, &v) == -EINVAL,
       "pvb_guest_note_value(NULL guest)");
}

static void images(void)
{
    pvb_image *img = (pvb_image *)1;
    pvb_ramdisk *rd = (pvb_ramdisk *)1;
    ok(refused(pvb_image_open_file(NULL, NULL, &img, &err)) && !img,
       "pvb_image_open_file(NULL path)");
    ok(refused(pvb_image_open_file("/nonexistent/k", NULL, NULL, &err)),
       "pvb_image_open_file(NULL out)");
    ok(refused(pvb_image_open_mem(NULL, NULL, 10, NULL, &img, &err)),
       "pvb_image_open_mem(NULL data, 10 bytes)");
    ok(refused(pvb_image_open_mem("k", "", 0, NULL, &img, &err)),
       "pvb_image_open_mem of 0 bytes");
    pvb_image_close(NULL);
    ok(pvb_image_guest(NULL) == NULL && pvb_image_name(NULL) == NULL &&
       pvb_image_elf(NULL, NULL) == NULL && pvb_image_segment_data(NULL, 0) == NULL,
       "the image accessors answer NULL for a NULL image");
    ok(refused(pvb_ramdisk_open_file(NULL, NULL, &rd, &err)) && !rd,
       "pvb_ramdisk_open_file(NULL path)");
    ok(refused(pvb_ramdisk_open_file("/nonexistent/r", NULL, NULL, &err)),
       "pvb_ramdisk_open_file(NULL out)");
    ok(refused(pvb_ramdisk_open_mem("r", NULL, 5, NULL, &rd, &err)),
       "pvb_ramdisk_open_mem(NULL data)");
    ok(refused(pvb_ramdisk_open_mem("r", "x", 0, NULL, &rd, &err)),
       "pvb_ramdisk_open_mem of 0 bytes");
    pvb_ramdisk_close(NULL);
    ok(pvb_ramdisk_data(NULL) == NULL && pvb_ramdisk_size(NULL) == 0 &&
       pvb_ramdisk_file_size(NULL) == 0 &&
       pvb_ramdisk_compression(NULL) == PVB_COMP_NONE && !pvb_ramdisk_decompressed(NULL),
       "the ramdisk accessors answer 0 for a NULL ramdisk");
}

static void configs(void)
{
    struct pvb_config cfg;
    enum pvb_p2m_placement mode;
    uint64_t va;
    pvb_config_init(NULL);
    pvb_config_free(NULL);
    pvb_config_init(&cfg);
    ok(refused(pvb_config_set_string(NULL, "x", &err)), "pvb_config_set_string(NULL)");
    ok(refused(pvb_p2m_parse(NULL, &mode, &va, &err)), "pvb_p2m_parse(NULL text)");
    ok(refused(pvb_p2m_parse("inside", NULL, NULL, &err)), "pvb_p2m_parse(NULL outputs)");
    ok(refused(pvb_p2m_parse("0x1zz", &mode, &va, &err)), "pvb_p2m_parse(\"0x1zz\")");
    ok(refused(pvb_config_read_xl(NULL, "x", NULL, &err)), "pvb_config_read_xl(NULL cfg)");
    ok(refused(pvb_config_read_xl(&cfg, NULL, NULL, &err)), "pvb_config_read_xl(NULL path)");
    ok(refused(pvb_config_check(NULL, &err)), "pvb_config_check(NULL)");
    cfg.memory_mib = 512;
    cfg.maxmem_mib = 256;
    ok(refused(pvb_config_check(&cfg, &err)), "pvb_config_check: maxmem below memory");
    cfg.maxmem_mib = 0;
    cfg.vcpus = 4;
    cfg.max_vcpus = 2;
    ok(refused(pvb_config_check(&cfg, &err)), "pvb_config_check: vcpus above max_vcpus");
    cfg.vcpus = 0;
    cfg.memory_mib = UINT64_MAX;
    ok(refused(pvb_config_check(&cfg, &err)), "pvb_config_check: memory 2^64-1 MiB");
    cfg.memory_mib = 0;
    cfg.p2m = (enum pvb_p2m_placement)42;
    ok(refused(pvb_config_check(&cfg, &err)), "pvb_config_check: placement 42");
    pvb_config_free(&cfg);
}

static void plans(const pvb_image *img)
{
    struct pvb_config cfg;
    struct pvb_plan *plan = (struct pvb_plan *)1;
    uint64_t pfn;
    pvb_config_init(&cfg);
    ok(refused(pvb_plan_make(NULL, &cfg, 0, &plan, &err)) && !plan,
       "pvb_plan_make(NULL guest)");
    ok(refused(pvb_plan_make(NULL, NULL, 0, &plan, &err)), "pvb_plan_make(NULL cfg)");
    ok(refused(pvb_plan_make(NULL, &cfg, 0, NULL, &err)), "pvb_plan_make(NULL out)");
    ok(pvb_plan_table_pfn(NULL, 0, 0, &pfn) == -EINVAL, "pvb_plan_table_pfn(NULL)");
    ok(refused(pvb_plan_place_numa(NULL, NULL, &err)), "pvb_plan_place_numa(NULL plan)");
    ok(pvb_plan_segment(NULL, PVB_SEG_KERNEL) == NULL, "pvb_plan_segment(NULL)");
    ok(refused(pvb_plan_print_text(NULL, stdout, &err)), "pvb_plan_print_text(NULL)");
    ok(refused(pvb_plan_print_json(NULL, stdout, &err)), "pvb_plan_print_json(NULL)");
    if (!img) {
        for (int i = 0; i < 4; i++)
            ok(1, "# SKIP no kernel here (scripts/find-kernel --fetch)");
        return;
    }
    const struct pvb_guest *g = pvb_image_guest(img);
    uint64_t v;
    ok(pvb_guest_note_value(g, XEN_ELFNOTE_GUEST_OS, &v) == -EINVAL,
       "pvb_guest_note_value of a string note is -EINVAL");
    ok(pvb_guest_note_value(g, 9999, &v) == -EINVAL, "of type 9999 too");
    cfg.memory_mib = UINT64_C(1) << 40;
    ok(refused(pvb_plan_make(g, &cfg, 0, &plan, &err)), "pvb_plan_make of 2^40 MiB");
    cfg.memory_mib = 0;
    ok(pvb_plan_make(g, &cfg, 0, &plan, &err) == 0 &&
       pvb_plan_table_pfn(plan, 99, 0, &pfn) == -ENOENT,
       "pvb_plan_table_pfn at level 99 is -ENOENT");
    pvb_free(plan);
}

static void builds(const pvb_image *img)
{
    pvb_host *h = NULL;
    struct pvb_config cfg;
    struct pvb_domain dom;
    struct pvb_domain_state st;
    struct pvb_build_result res;
    struct pvb_verify_report *rep = (struct pvb_verify_report *)1;
    pvb_config_init(&cfg);
    ok(refused(pvb_build(NULL, 1, img, NULL, NULL, NULL, &res, &err)), "pvb_build(NULL host)");
    ok(refused(pvb_domain_create(NULL, &cfg, img, NULL, NULL, NULL, &dom, &err)) &&
       dom.domid == 0, "pvb_domain_create(NULL host)");
    ok(refused(pvb_domain_create(NULL, &cfg, img, NULL, NULL, NULL, NULL, &err)),
       "pvb_domain_create(NULL dom)");
    ok(refused(pvb_domain_destroy(NULL, 1, &err)), "pvb_domain_destroy(NULL host)");
    ok(refused(pvb_domain_unpause(NULL, 1, &err)), "pvb_domain_unpause(NULL host)");
    ok(refused(pvb_domain_introduce(NULL, &dom, &cfg, 0, &err)),
       "pvb_domain_introduce(NULL host)");
    ok(refused(pvb_domain_state(NULL, 1, &st, &err)), "pvb_domain_state(NULL host)");
    ok(refused(pvb_verify(NULL, 1, NULL, &rep, &err)) && !rep, "pvb_verify(NULL host)");
    ok(refused(pvb_verify(NULL, 1, NULL, NULL, &err)), "pvb_verify(NULL out)");
    if (pvb_host_sim_open(NULL, &h, &err) < 0) {
        ok(0, "the simulated host opens: %s", err.msg);
        return;
    }
    ok(refused(pvb_domain_create(h, NULL, img, NULL, NULL, NULL, &dom, &err)),
       "pvb_domain_create(NULL cfg)");
    ok(refused(pvb_domain_create(h, &cfg, NULL, NULL, NULL, NULL, &dom, &err)),
       "pvb_domain_create: no image and no kernel in cfg");
    struct pvb_domain_opts bad = { .version = 77 };
    ok(refused(pvb_domain_create(h, &cfg, NULL, NULL, NULL, &bad, &dom, &err)),
       "pvb_domain_create: pvb_domain_opts version 77");
    ok(refused(pvb_domain_destroy(h, 4000, &err)), "pvb_domain_destroy of domain 4000");
    ok(refused(pvb_domain_unpause(h, 4000, &err)), "pvb_domain_unpause of domain 4000");
    ok(refused(pvb_domain_state(h, 4000, &st, &err)), "pvb_domain_state of domain 4000");
    ok(refused(pvb_domain_state(h, 4000, NULL, &err)), "pvb_domain_state(NULL st)");
    ok(refused(pvb_verify(h, 4000, NULL, &rep, &err)), "pvb_verify of domain 4000");
    ok(refused(pvb_build(h, 4000, NULL, NULL, NULL, NULL, &res, &err)),
       "pvb_build(NULL image, NULL plan)");
    if (img) {
        struct pvb_plan *plan = NULL;
        if (pvb_plan_make(pvb_image_guest(img), &cfg, 0, &plan, &err) == 0) {
            ok(refused(pvb_build(h, 4000, img, NULL, plan, NULL, &res, &err)),
               "pvb_build into domain 4000 (none)");
            struct pvb_build_opts bo = { .version = 0 };
            ok(refused(pvb_build(h, 4000, img, NULL, plan, &bo, &res, &err)),
               "pvb_build: pvb_build_opts version 0");
        }
        pvb_free(plan);
        cfg.kernel = strdup("/some/other/vmlinuz");
        ok(refused(pvb_domain_create(h, &cfg, img, NULL, NULL, NULL, &dom, &err)),
           "pvb_domain_create: the image is not the kernel cfg names");
    }
    pvb_config_free(&cfg);
    pvb_host_close(h);
}

static void toolstack(void)
{
    struct pvb_config cfg;
    pvb_vm *vm = (pvb_vm *)1;
    struct pvb_vm_disk disk;
    struct pvb_vm_nic nic;
    bool destroyed;
    pvb_config_init(&cfg);
    ok(refused(pvb_vm_config_read(NULL, NULL, &cfg, &vm, &err)), "pvb_vm_config_read(NULL path)");
    ok(refused(pvb_vm_config_read("x.cfg", NULL, NULL, &vm, &err)), "pvb_vm_config_read(NULL cfg)");
    pvb_vm_free(NULL);
    ok(pvb_vm_nr_disks(NULL) == 0 && pvb_vm_nr_nics(NULL) == 0, "pvb_vm_nr_*(NULL) are 0");
    ok(refused(pvb_vm_disk(NULL, 0, &disk, &err)), "pvb_vm_disk(NULL)");
    ok(refused(pvb_vm_nic(NULL, 0, &nic, &err)), "pvb_vm_nic(NULL)");
    ok(pvb_vm_action(NULL, "reboot") == NULL, "pvb_vm_action(NULL)");
    ok(refused(pvb_vm_start(NULL, 1, NULL, NULL, &destroyed, &err)), "pvb_vm_start(NULL cfg)");
    struct pvb_vm_opts bad = { .version = 0 };
    ok(refused(pvb_vm_destroy(1, &bad, &err)), "pvb_vm_destroy: pvb_vm_opts version 0");
    pvb_config_free(&cfg);
}

static void lifecycle(void)
{
    struct pvb_lifecycle_policy p;
    enum pvb_action a;
    uint32_t domid;
    char buf[16];
    uint64_t mfn;
    struct pvb_domain_entry *list;
    size_t n;
    struct pvb_death death;
    pvb_lifecycle *lc = (pvb_lifecycle *)1;
    pvb_lifecycle_policy_default(NULL);
    ok(refused(pvb_action_parse("x", NULL, &a, &err)), "pvb_action_parse(NULL text)");
    ok(refused(pvb_action_parse(NULL, "destroy", NULL, &err)), "pvb_action_parse(NULL out)");
    ok(refused(pvb_action_parse("on_crash", "explode", &a, &err)), "pvb_action_parse(\"explode\")");
    ok(pvb_action_name((enum pvb_action)99) != NULL || 1, "pvb_action_name(99) does not crash");
    ok(pvb_death_name((enum pvb_death_kind)99) != NULL || 1, "pvb_death_name(99) does not crash");
    ok(refused(pvb_lifecycle_policy_from_config(NULL, NULL, &p, &err)),
       "pvb_lifecycle_policy_from_config(NULL cfg)");
    (void)pvb_lifecycle_action(NULL, PVB_DEATH_CRASH);
    ok(1, "pvb_lifecycle_action(NULL policy) does not crash");
    ok(refused(pvb_lifecycle_open(NULL, NULL, &err)), "pvb_lifecycle_open(NULL out)");
    struct pvb_lifecycle_opts bad = { .version = 3 };
    ok(refused(pvb_lifecycle_open(&bad, &lc, &err)) && !lc,
       "pvb_lifecycle_open: pvb_lifecycle_opts version 3");
    pvb_lifecycle_close(NULL);
    ok(refused(pvb_lifecycle_find(NULL, "x", &domid, &err)), "pvb_lifecycle_find(NULL lc)");
    ok(refused(pvb_lifecycle_name(NULL, 1, buf, sizeof buf, &err)), "pvb_lifecycle_name(NULL lc)");
    ok(refused(pvb_lifecycle_rename(NULL, 1, "x", &err)), "pvb_lifecycle_rename(NULL lc)");
    ok(refused(pvb_lifecycle_mark(NULL, 1, &err)), "pvb_lifecycle_mark(NULL lc)");
    struct pvb_domain_entry e;
    ok(refused(pvb_lifecycle_domain(NULL, 1, &e, &err)), "pvb_lifecycle_domain(NULL lc)");
    ok(refused(pvb_lifecycle_list(NULL, &list, &n, &err)), "pvb_lifecycle_list(NULL lc)");
    ok(refused(pvb_lifecycle_request(NULL, 1, PVB_REQUEST_POWEROFF, &err)),
       "pvb_lifecycle_request(NULL lc)");
    ok(refused(pvb_lifecycle_wait_death(NULL, 1, 0, &death, &err)),
       "pvb_lifecycle_wait_death(NULL lc)");
    ok(refused(pvb_lifecycle_release_fd(NULL, &err)), "pvb_lifecycle_release_fd(NULL lc)");
    pvb_lifecycle_release_drain(NULL);
    char tty[64];
    ok(refused(pvb_lifecycle_console_tty(NULL, 1, 0, tty, sizeof tty, &err)),
       "pvb_lifecycle_console_tty(NULL lc)");
    ok(refused(pvb_lifecycle_console_mfn(NULL, 1, &mfn, &err)),
       "pvb_lifecycle_console_mfn(NULL lc)");
    ok(refused(pvb_monitor_run(NULL, 1, NULL, &err)), "pvb_monitor_run(NULL opts)");
}

int main(void)
{
    const char *kernel = test_kernel();
    pvb_image *img = NULL;
    if (kernel && pvb_image_open_file(kernel, NULL, &img, &err) < 0)
        diag("%s: %s", kernel, err.msg);
    memset(&err, 0, sizeof err);
    basics();
    images();
    configs();
    plans(img);
    builds(img);
    toolstack();
    lifecycle();
    json();
    pvb_image_close(img);
    return done_testing();
}
