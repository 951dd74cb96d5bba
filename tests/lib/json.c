/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The library's JSON calls: each document is valid JSON (Python's json
 * module reads it back, strictly, as UTF-8) and its members say what the
 * structs hold; strings are escaped as the header promises (control
 * characters, quotes, bytes that are not UTF-8); a failed allocation
 * gives -ENOMEM and no text.
 */
#include "pvbuild.h"
#include "pvbuild/lifecycle.h"
#include "layout/guests.h"
#include "util/alloc.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool have_python;

/*
 * Python's verdict on `text`: parsed as JSON from strict UTF-8 into d, is
 * `expr` true?  On failure the expression's value and the text's head.
 */
static bool py(const char *text, const char *expr)
{
    if (!have_python || !text)
        return have_python ? false : true;
    char path[] = "/tmp/pvb-json-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return false;
    size_t len = strlen(text);
    bool wrote = write(fd, text, len) == (ssize_t)len;
    close(fd);
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import json,sys\n"
             "d = json.load(open(sys.argv[1], encoding=\"utf-8\", errors=\"strict\"))\n"
             "r = eval(sys.argv[2])\n"
             "if not r: print(\"#   python:\", repr(eval(sys.argv[2].split(\"==\")[0])))\n"
             "sys.exit(0 if r else 1)' '%s' \"%s\"", path, expr);
    int rc = wrote ? system(cmd) : -1;
    unlink(path);
    return rc == 0;
}

static void plan_json(struct pvb_plan *plan)
{
    pvb_error err;
    char *text = NULL;
    char want[256];
    ok(pvb_plan_json(plan, &text, &err) == 0, "pvb_plan_json");
    ok(py(text, "type(d) is dict"), "the plan is one JSON object");
    snprintf(want, sizeof want, "d['memory_mib'] == %llu and d['nr_pages'] == '0x%llx'"
             " and d['start_info']['mfn_list'] == '0x%llx' and len(d['segments']) == %zu",
             (unsigned long long)plan->memory_mib, (unsigned long long)plan->nr_pages,
             (unsigned long long)plan->si.mfn_list, plan->nr_segments);
    ok(py(text, want), "memory, nr_pages, mfn_list, segments as the plan has them");
    ok(py(text, "[s['name'] for s in d['segments']] == ['kernel', 'start_info', "
              "'xenstore', 'console', 'pagetables', 'boot_stack', 'p2m', "
              "'p2m_pagetables'] and d['p2m']['placement'] == 'outside'"),
       "segment names in layout order; the list outside");
    size_t len = strlen(text);
    ok(len > 2 && text[len - 1] == '\n' && text[len - 2] == '}', "ends in \"}\\n\"");

    /* pvb_plan_print_json writes exactly that text. */
    char *printed = NULL;
    size_t plen = 0;
    FILE *f = open_memstream(&printed, &plen);
    ok(f && pvb_plan_print_json(plan, f, &err) == 0, "pvb_plan_print_json");
    if (f)
        fclose(f);
    ok(printed && strcmp(printed, text) == 0, "pvb_plan_print_json prints pvb_plan_json's text");
    free(printed);
    pvb_free(text);
}

static void guest_json(void)
{
    struct pvb_guest g;
    pvb_error err;
    char *text = NULL;
    guest_debian(&g);
    g.notes_seen |= NOTE(XEN_ELFNOTE_GUEST_OS);
    /* A Latin-1 note: "Café" with a lone 0xe9. */
    snprintf(g.guest_os, sizeof g.guest_os, "Caf\xe9");
    /* The file name: a quote, a backslash, a tab, DEL, valid 2/3/4-byte
     * UTF-8, then an overlong '/', a surrogate, 0xf5, a cut sequence. */
    const char *file = "a\"b\\c\td\x7f\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
                       "|\xc0\xaf|\xed\xa0\x80|\xf5|\xe2\x82";
    ok(pvb_guest_json(&g, file, &text, &err) == 0, "pvb_guest_json");
    ok(text && strstr(text, "\"file\": \"a\\\"b\\\\c\\u0009d\\u007f\xc3\xa9\xe2\x82\xac"
                      "\xf0\x9f\x98\x80|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|\\ufffd|"
                      "\\ufffd\\ufffd\","),
       "escapes: quote, backslash, control characters; UTF-8 kept; each bad byte U+FFFD");
    ok(py(text, "d['file'] == 'a\\\"b\\\\\\\\c\\td\\x7f\\u00e9\\u20ac\\U0001f600|"
                "\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|\\ufffd|\\ufffd\\ufffd'"),
       "and Python reads the same file name back");
    ok(py(text, "d['notes']['GUEST_OS'] == 'Caf\\ufffd'"), "a Latin-1 note reads as U+FFFD");
    ok(py(text, "d['entry'] == '0xffffffff830791c0' and d['init_p2m'] == '0x8000000000'"
                " and d['hypercall_page'] is None and d['elf_class'] == 64"
                " and d['elf_machine'] == 'x86_64' and d['format'] == 'bzimage'"),
       "entry, INIT_P2M, no hypercall page, class, machine, format");
    ok(py(text, "d['notes']['INIT_P2M'] == '0x8000000000' and "
                "d['notes']['MOD_START_PFN'] == '0x1' and d['segments'] == []"),
       "numeric notes by name; no segments in a hand-made guest");
    pvb_free(text);
    ok(pvb_guest_json(&g, NULL, &text, &err) == 0 && py(text, "d['file'] is None"),
       "no file name: \"file\": null");
    pvb_free(text);
}

static struct pvb_verify_report *report(void)
{
    /* The tests may allocate one: they are built with the library. */
    struct pvb_verify_report *r = calloc(1, sizeof *r);
    r->ok = false;
    r->nr_checks = 2;
    r->checks[0] = (struct pvb_verify_check){ .name = "registers", .ok = true };
    snprintf(r->checks[0].detail, sizeof r->checks[0].detail, "rip 0x1 \"as planned\"");
    r->checks[1] = (struct pvb_verify_check){ .name = "p2m", .ok = false };
    snprintf(r->checks[1].detail, sizeof r->checks[1].detail, "line\none\\two");
    return r;
}

static void verify_json(void)
{
    struct pvb_verify_report *r = report();
    pvb_error err;
    char *text = NULL;
    ok(pvb_verify_json(7, r, &text, &err) == 0, "pvb_verify_json");
    ok(py(text, "d['domid'] == 7 and d['verify']['ok'] is False and "
                "d['verify']['registers'] == {'ok': True, 'detail': 'rip 0x1 \\\"as planned\\\"'}"
                " and d['verify']['p2m'] == {'ok': False, 'detail': 'line\\none\\\\\\\\two'}"),
       "domid, the verdict, each check by name with its detail");
    pvb_free(text);
    free(r);
}

static void domain_json(const struct pvb_plan *plan)
{
    struct pvb_domain dom = { .domid = 5, .console_evtchn = 3, .store_evtchn = 4,
                              .build = { .console_mfn = 0x1234, .store_mfn = 0x1235,
                                         .l4_mfn = 0x2000, .shared_info_mfn = 0x99 } };
    struct pvb_verify_report *r = report();
    struct pvb_timing t[] = { { "exec", 0.5 }, { "populate", 1.25 }, { "total", 2.0 } };
    struct pvb_domain_json_opts jo = PVB_DOMAIN_JSON_OPTS_INIT;
    pvb_error err;
    char *text = NULL;
    char want[512];

    jo.verify = r;
    jo.timings = t;
    jo.nr_timings = 3;
    ok(pvb_domain_json("sim", &dom, plan, &jo, &text, &err) == 0, "pvb_domain_json");
    ok(py(text, "d['host'] == 'sim' and d['domid'] == 5"), "host and domid");
    ok(py(text, "d['start_info']['store_mfn'] == '0x1235' and "
                "d['start_info']['console.domU.mfn'] == '0x1234' and "
                "d['start_info']['store_evtchn'] == 4 and "
                "d['start_info']['console.domU.evtchn'] == 3 and "
                "d['start_info']['shared_info'] == '0x99000' and "
                "d['start_info']['magic'] == 'xen-3.0-x86_64'"),
       "start_info: the rings' frames and event channels, shared_info, magic");
    snprintf(want, sizeof want, "d['vcpu0'] == {'rip': '0x%llx', 'rsp': '0x%llx', "
             "'rsi': '0x%llx', 'cr3': '0x2000000'} and d['start_info']['cmd_line'] == "
             "'console=hvc0' and d['memory_mib'] == %llu",
             (unsigned long long)plan->vcpu.rip, (unsigned long long)plan->vcpu.rsp,
             (unsigned long long)plan->vcpu.rsi, (unsigned long long)plan->memory_mib);
    ok(py(text, want), "vcpu0 from the plan and the top-level table; cmd_line; memory");
    ok(py(text, "d['verify']['ok'] is False and d['verify']['p2m']['ok'] is False"),
       "the verify report inside");
    ok(py(text, "list(d['timings'].items()) == [('exec', 0.5), ('populate', 1.25), "
                "('total', 2.0)]"), "timings in the order given");
    ok(text && strstr(text, "\n  \"domid\": 5,\n") && strstr(text, "\n    \"populate\": 1.250000,\n"),
       "the layout the Xen scenarios read with sed (\"  \\\"domid\\\": N,\", seconds)");
    pvb_free(text);

    ok(pvb_domain_json("xen", &dom, plan, NULL, &text, &err) == 0 &&
       py(text, "d['verify'] is None and 'timings' not in d"),
       "no options: \"verify\": null, no timings");
    pvb_free(text);
    jo.version = 99;
    text = (char *)1;
    ok(pvb_domain_json("xen", &dom, plan, &jo, &text, &err) == -EINVAL && !text &&
       strstr(err.msg, "pvb_domain_json_opts"), "an options version it does not know: %s",
       err.msg);
    free(r);
}

static void list_json(void)
{
    struct pvb_domain_entry e[2];
    pvb_error err;
    char *text = NULL;
    memset(e, 0, sizeof e);
    e[0].domid = 0;
    snprintf(e[0].name, sizeof e[0].name, "Domain-0");
    e[0].memory_kib = 1024 * 1024;
    e[0].vcpus = 2;
    e[0].running = true;
    e[0].cpu_time_ns = 12500000000u;
    e[1].domid = 9;
    snprintf(e[1].name, sizeof e[1].name, "g\xff");
    e[1].memory_kib = 262144;
    e[1].vcpus = 1;
    e[1].shutdown = e[1].crashed = true;
    e[1].shutdown_reason = 3;      /* SHUTDOWN_crash */
    e[1].by_pvbuild = true;
    ok(pvb_domain_list_json(e, 2, &text, &err) == 0, "pvb_domain_list_json");
    ok(py(text, "d[0] == {'domid': 0, 'name': 'Domain-0', 'memory_mib': 1024, "
                "'vcpus': 2, 'state': 'r-----', 'shutdown_reason': None, "
                "'cpu_time_s': 12, 'pvbuild': False}"), "dom0 as the entry has it");
    ok(py(text, "d[1]['name'] == 'g\\ufffd' and d[1]['state'] == '----c-' and "
                "d[1]['shutdown_reason'] == 'crash' and d[1]['pvbuild'] is True and "
                "d[1]['memory_mib'] == 256"), "a crashed guest of pvbuild's");
    pvb_free(text);
    ok(pvb_domain_list_json(NULL, 0, &text, &err) == 0 && text && !strcmp(text, "[]\n"),
       "no domains: \"[]\"");
    pvb_free(text);

    /* The letters alone, as pvbuild list prints them. */
    char st[7], small[4];
    struct pvb_domain_entry all;
    memset(&all, 0, sizeof all);
    all.running = all.blocked = all.paused = all.shutdown = all.dying = true;
    ok(!strcmp(pvb_domain_entry_state(&e[0], st, sizeof st), "r-----") &&
       !strcmp(pvb_domain_entry_state(&e[1], st, sizeof st), "----c-") &&
       !strcmp(pvb_domain_entry_state(&all, st, sizeof st), "rbps-d"),
       "pvb_domain_entry_state: xl's letters (crashed is not also 's')");
    ok(!strcmp(pvb_domain_entry_state(&all, small, sizeof small), "rbp") &&
       !strcmp(pvb_domain_entry_state(NULL, st, sizeof st), "") &&
       pvb_domain_entry_state(&all, NULL, 7) == NULL,
       "pvb_domain_entry_state: cut to the buffer; NULL entry \"\"; NULL buffer");
}

/* Every allocation of a document failing in turn: -ENOMEM, no text. */
static void out_of_memory(const struct pvb_plan *plan)
{
    pvb_error err;
    bool all = true;
    long n;
    for (n = 1; n < 64; n++) {
        char *text = (char *)1;
        mem_fail_at(n);
        int rc = pvb_plan_json(plan, &text, &err);
        bool failed = mem_failed();
        mem_fail_at(0);
        if (!failed) {
            pvb_free(text);
            break;
        }
        if (rc != -ENOMEM || text || !strstr(err.msg, "out of memory"))
            all = false;
    }
    ok(all && n > 1, "the plan's JSON with its allocation %ld failing in turn: -ENOMEM, no text",
       n - 1);
}

int main(void)
{
    struct pvb_guest g;
    struct pvb_config cfg;
    struct pvb_plan *plan = NULL;
    pvb_error err;

    have_python = system("python3 -c '' 2>/dev/null") == 0;
    if (!have_python)
        diag("python3 is not installed: the JSON is not read back");
    guest_debian(&g);
    pvb_config_init(&cfg);
    cfg.cmdline = strdup("console=hvc0");
    if (pvb_plan_make(&g, &cfg, 0, &plan, &err) < 0) {
        printf("Bail out! pvb_plan_make: %s\n", err.msg);
        return 1;
    }
    plan_json(plan);
    guest_json();
    verify_json();
    domain_json(plan);
    list_json();
    out_of_memory(plan);
    pvb_free(plan);
    pvb_config_free(&cfg);
    return done_testing();
}
