/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Failures injected everywhere, SQLite's way: every host op of
 * pvb_domain_create (its own and pvb_build's) failing in turn; each of
 * those again with every undo op of the failed run failing in turn; every
 * host op of pvb_verify failing in turn; and every allocation of the
 * library (config, image, ramdisk, host, build, verify) failing in turn
 * through util/alloc.h's hook.  After each: one error, no crash, and the
 * simulated host's accounting shows no domain, no frame, no mapping left.
 */
#include "common.h"
#include "plan_copy.h"

#include <errno.h>
#include <unistd.h>

#include "proxy_host.h"
#include "util/alloc.h"

struct faults {
    long calls, fail_at;          /* ops that do work */
    long undo_calls, undo_fail_at;/* ops that undo (release, unpin, destroy) */
    bool fired;
};

static bool tick(struct proxy_host *p, bool undo)
{
    struct faults *f = p->opaque;
    if (p->unmapping)
        return false;
    bool hit = undo ? ++f->undo_calls == f->undo_fail_at
                    : ++f->calls == f->fail_at;
    f->fired |= hit;
    return hit;
}

static void faults_init(struct proxy_host *p, struct faults *f, pvb_host *inner,
                        long fail_at, long undo_fail_at)
{
    proxy_init(p, inner);
    memset(f, 0, sizeof *f);
    f->fail_at = fail_at;
    f->undo_fail_at = undo_fail_at;
    p->enter = tick;
    p->opaque = f;
}

/* Nothing of any domain left on the host; says what is left if not. */
static bool clean(pvb_host *h, char *why, size_t len)
{
    size_t doms = sim_live_domains(h), views = sim_live_views(h);
    uint64_t frames = sim_frames_in_use(h);
    snprintf(why, len, "%zu domains, %llu frames, %zu mappings left", doms,
             (unsigned long long)frames, views);
    return doms == 0 && frames == 0 && views == 0;
}

static const pvb_image *img;
static const pvb_ramdisk *rd;
static struct pvb_config cfg;

static int create(pvb_host *h, struct pvb_domain *dom, pvb_error *err)
{
    struct pvb_plan plan;
    return test_domain_create(h, &cfg, img, rd, &plan, NULL, dom, err);
}

static void host_ops(pvb_host *h)
{
    struct proxy_host p;
    struct faults f;
    struct pvb_domain dom;
    pvb_error err = { 0 };
    char why[128];

    faults_init(&p, &f, h, 0, 0);
    int rc = create(&p.base, &dom, &err);
    ok(rc == 0, "a good create through the proxy host (%ld host calls)", f.calls);
    long total = f.calls;
    pvb_domain_destroy(h, dom.domid, &err);

    long good = 0, undo_runs = 0, undo_good = 0;
    for (long n = 1; n <= total; n++) {
        faults_init(&p, &f, h, n, 0);
        memset(&err, 0, sizeof err);
        rc = create(&p.base, &dom, &err);
        long undos = f.undo_calls;
        if (rc < 0 && dom.domid == 0 && strncmp(err.msg, "injected", 8) == 0 &&
            clean(h, why, sizeof why))
            good++;
        else
            diag("op %ld: rc %d, domid %u, \"%s\", %s", n, rc, dom.domid, err.msg, why);

        /* The same failure, and the m-th undo op failing too. */
        for (long m = 1; m <= undos; m++) {
            faults_init(&p, &f, h, n, m);
            memset(&err, 0, sizeof err);
            rc = create(&p.base, &dom, &err);
            undo_runs++;
            bool said = strstr(err.msg, "undoing the build failed too") ||
                        strstr(err.msg, "could not be destroyed");
            bool left = dom.domid != 0;
            /* A domain that would not go is named; the caller destroys it. */
            if (left)
                pvb_domain_destroy(h, dom.domid, &err);
            if (rc < 0 && strncmp(err.msg, "injected", 8) == 0 && said &&
                (!left || strstr(err.msg, "could not be destroyed")) &&
                clean(h, why, sizeof why))
                undo_good++;
            else if (rc < 0 && !left && clean(h, why, sizeof why) && !said)
                diag("op %ld, undo %ld: failed undo not reported: \"%s\"", n, m, err.msg);
            else
                diag("op %ld, undo %ld: rc %d, \"%s\", %s", n, m, rc, err.msg, why);
        }
    }
    ok(good == total, "each of the %ld host ops of pvb_domain_create failing: "
       "one error, nothing left (%ld clean)", total, good);
    ok(undo_runs > 0 && undo_good == undo_runs, "and each undo op of those runs "
       "failing too: said, nothing left once the named domain is destroyed "
       "(%ld of %ld runs)", undo_good, undo_runs);
}

static void verify_ops(pvb_host *h)
{
    struct proxy_host p;
    struct faults f;
    struct pvb_domain dom;
    struct pvb_verify_report rep;
    pvb_error err = { 0 };

    if (create(h, &dom, &err) < 0) {
        ok(0, "create for verify: %s", err.msg);
        return;
    }
    faults_init(&p, &f, h, 0, 0);
    int rc = test_verify(&p.base, dom.domid, pvb_image_guest(img), &rep, &err);
    ok(rc == 0 && rep.ok, "a good verify through the proxy (%ld host calls)", f.calls);
    long total = f.calls, good = 0;
    for (long n = 1; n <= total; n++) {
        faults_init(&p, &f, h, n, 0);
        memset(&err, 0, sizeof err);
        rc = test_verify(&p.base, dom.domid, pvb_image_guest(img), &rep, &err);
        struct host_domain_info info;
        bool intact = h->ops->domain_info(h, dom.domid, &info, &err) == 0 &&
                      info.nr_pages == cfg.memory_mib * 256;
        if (rc < 0 && strstr(err.msg, "injected") && sim_live_views(h) == 0 && intact)
            good++;
        else
            diag("verify op %ld: rc %d, \"%s\", %zu views", n, rc, err.msg,
                 sim_live_views(h));
    }
    ok(good == total, "each of the %ld host ops of pvb_verify failing: an error "
       "naming it, no mapping left, the domain untouched (%ld)", total, good);
    pvb_domain_destroy(h, dom.domid, &err);
}

/*
 * The whole of a create on a fresh host, as the CLI does it.  *verified:
 * it ran to a verify that passed.
 */
static int whole_run(const char *cfg_path, pvb_error *err, char *why, size_t len,
                     bool *verified)
{
    struct pvb_config c;
    pvb_image *im = NULL;
    pvb_ramdisk *r = NULL;
    pvb_host *h = NULL;
    struct pvb_plan plan;
    struct pvb_domain dom = { 0 };
    struct pvb_verify_report rep;
    struct pvb_sim_opts so = { .version = PVB_SIM_OPTS_VERSION,
                               .machine_bytes = 256 << 20, .seed = 3 };
    size_t elf_len;
    const void *elf = pvb_image_elf(img, &elf_len);
    int rc;

    pvb_config_init(&c);
    if ((rc = pvb_config_read_xl(&c, cfg_path, NULL, err)) < 0 ||
        (rc = pvb_image_open_mem("kernel", elf, elf_len, NULL, &im, err)) < 0 ||
        (rc = pvb_ramdisk_open_mem("ramdisk", pvb_ramdisk_data(rd),
                                   pvb_ramdisk_size(rd), NULL, &r, err)) < 0 ||
        (rc = pvb_host_sim_open(&so, &h, err)) < 0 ||
        (rc = test_domain_create(h, &c, im, r, &plan, NULL, &dom, err)) < 0 ||
        (rc = test_verify(h, dom.domid, pvb_image_guest(im), &rep, err)) < 0) {
        /* rc and err say what failed first */
    }
    *verified = rc == 0 && rep.ok;
    if (h && dom.domid)
        pvb_domain_destroy(h, dom.domid, err);
    if (h && !clean(h, why, len))
        rc = rc < 0 ? rc : -EIO;
    else
        snprintf(why, len, "nothing");
    pvb_host_close(h);
    pvb_ramdisk_close(r);
    pvb_image_close(im);
    pvb_config_free(&c);
    return rc;
}

static void allocations(void)
{
    char path[] = "/tmp/pvb-inject-XXXXXX";
    int fd = mkstemp(path);
    static const char text[] = "name = \"inject\"\nmemory = 64\nvcpus = 2\n"
                               "cmdline = \"console=hvc0\"\nbootloader = \"x\"\n";
    if (fd < 0 || write(fd, text, sizeof text - 1) != (ssize_t)(sizeof text - 1)) {
        ok(0, "config file: %s", strerror(errno));
        return;
    }
    close(fd);
    pvb_error err = { 0 };
    char why[128];

    bool verified;
    mem_fail_at(0);
    int rc = whole_run(path, &err, why, sizeof why, &verified);
    long total = mem_count();
    ok(rc == 0 && verified, "a whole create makes %ld allocations of ours%s%s", total,
       rc ? ": " : "", rc ? err.msg : "");
    long good = 0, absorbed = 0;
    for (long n = 1; n <= total; n++) {
        mem_fail_at(n);
        memset(&err, 0, sizeof err);
        rc = whole_run(path, &err, why, sizeof why, &verified);
        bool fired = mem_failed();
        mem_fail_at(0);
        bool said = strstr(err.msg, "memory") || strstr(err.msg, "allocate") ||
                    strstr(err.msg, "Cannot allocate memory");
        bool nothing = strcmp(why, "nothing") == 0;
        if (fired && rc < 0 && said && !strchr(err.msg, '\n') && nothing)
            good++;
        /* The sim host gives 4 KiB frames when it cannot track a 2 MiB one. */
        else if (fired && rc == 0 && verified && nothing)
            absorbed++;
        else
            diag("allocation %ld: fired %d, rc %d, \"%s\", %s", n, fired, rc,
                 err.msg, why);
    }
    ok(good + absorbed == total, "each of the %ld allocations failing: one error "
       "about memory, or a fallback that still verifies; nothing left on the "
       "host (%ld errors, %ld fallbacks)", total, good, absorbed);
    unlink(path);
}

int main(void)
{
    struct test_kernel k = { .init_p2m = true, .init_p2m_addr = UINT64_C(0x8000000000),
                             .hypercall_page = true };
    pvb_image *im = make_test_kernel(&k);
    pvb_ramdisk *r = make_ramdisk(0x23456);
    pvb_host *h;
    pvb_error err = { 0 };
    struct pvb_sim_opts so = { .version = PVB_SIM_OPTS_VERSION,
                               .machine_bytes = 256 << 20, .seed = 7 };
    if (!im || !r || pvb_host_sim_open(&so, &h, &err) < 0) {
        printf("Bail out! setup: %s\n", err.msg);
        return 1;
    }
    img = im;
    rd = r;
    pvb_config_init(&cfg);
    cfg.memory_mib = 64;
    cfg.vcpus = 2;

    host_ops(h);
    verify_ops(h);
    allocations();

    pvb_host_close(h);
    pvb_ramdisk_close(r);
    pvb_image_close(im);
    return done_testing();
}
