/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The real-Xen host, op by op, on this machine's hypervisor (run in dom0
 * by the Xen-under-QEMU harness):
 *     xenhost_smoke [KERNEL]
 * creates a domain through the xen host ops, populates a 2 MiB extent and
 * a few 4 KiB frames, maps them (a kernel page written through one view
 * reads back through another), pins an L4, sets and reads back vCPU 0's
 * context, has Xen write the hypercall page, seeds the grant table (read
 * back through Xen's own grant-table resource), allocates event channels,
 * releases a frame and destroys the domain.  With KERNEL it then builds a
 * whole 128 MiB domain from it with pvb_domain_create, checks it with
 * pvb_verify and introduces it to xenstored (skipped, saying why, when
 * none runs or pvbuild has no libxenstore); destroying it removes the
 * xenstore nodes introduce wrote.
 * (Failures injected on Xen: tests/xen/xen_inject.c.)
 *
 * Without Xen (no /dev/xen/privcmd) it checks only that opening fails
 * cleanly, with the one-line message; make check-xen runs it in dom0.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "host/host.h"
#include "pvbuild/xen.h"
#include "tap.h"
#include "plan_copy.h"

#include <xenctrl.h>

#include <xenforeignmemory.h>
#include <xenstore.h>
#include <xen/memory.h>

#define NO_XEN_MSG "xen: cannot open the hypervisor interface (/dev/xen/privcmd): " \
                   "No such file or directory; is this a Xen dom0?"
#define SMOKE_MAX_PAGES 2048            /* 8 MiB */
#define EXTENT_FRAMES 512

static void log_to_tap(void *opaque, enum pvb_log_level level, const char *msg)
{
    (void)opaque, (void)level;
    diag("log: %s", msg);
}

static const pvb_logger logger = { .fn = log_to_tap };

static int no_xen(void)
{
    pvb_host *h = (pvb_host *)&h;      /* not NULL: open must clear it */
    pvb_error err = { 0 };
    int rc = pvb_host_xen_open(&(struct pvb_host_opts){ .version = PVB_HOST_OPTS_VERSION, .log = &logger }, &h, &err);
    is_u64((uint64_t)(int64_t)rc, (uint64_t)(int64_t)-ENOENT,
           "no Xen: open fails with -ENOENT");
    is_str(err.msg, NO_XEN_MSG, "no Xen: the one-line message");
    ok(h == NULL, "no Xen: no host handed out");
    /* The ops themselves run in dom0: make check-xen runs this there. */
    return done_testing();
}

/* A page of the kernel's first segment: real bytes to carry through maps. */
static int kernel_page(const char *path, uint8_t *page, uint64_t *entry)
{
    pvb_image *img;
    pvb_error err;
    memset(page, 0, PVB_PAGE_SIZE);
    *entry = UINT64_C(0xffffffff81000000);
    if (!path)
        return 0;
    if (pvb_image_open_file(path, NULL, &img, &err) < 0) {
        diag("%s", err.msg);
        return -1;
    }
    const struct pvb_guest *g = pvb_image_guest(img);
    *entry = g->entry;
    if (g->nr_segments) {
        uint64_t n = g->segments[0].filesz < PVB_PAGE_SIZE ? g->segments[0].filesz
                                                           : PVB_PAGE_SIZE;
        memcpy(page, pvb_image_segment_data(img, 0), n);
    }
    pvb_image_close(img);
    return 0;
}

/* Grant entries 0 and 1 as Xen holds them, read through the resource. */
static int read_grants(uint32_t domid, grant_entry_v1_t out[2])
{
    xenforeignmemory_handle *fmem = xenforeignmemory_open(NULL, 0);
    void *addr = NULL;
    if (!fmem)
        return -1;
    xenforeignmemory_resource_handle *res = xenforeignmemory_map_resource(
        fmem, (domid_t)domid, XENMEM_resource_grant_table,
        XENMEM_resource_grant_table_id_shared, 0, 1, &addr, PROT_READ, 0);
    if (!res) {
        xenforeignmemory_close(fmem);
        return -1;
    }
    memcpy(out, addr, 2 * sizeof *out);
    xenforeignmemory_unmap_resource(fmem, res);
    xenforeignmemory_close(fmem);
    return 0;
}

static void ops_smoke(pvb_host *h, const char *kernel)
{
    const struct host_ops *ops = h->ops;
    pvb_error err = { 0 };
    uint32_t domid = 0;
    uint8_t page[PVB_PAGE_SIZE];
    uint64_t entry;
    int rc;

    ok(kernel_page(kernel, page, &entry) == 0, "kernel page read (%s)",
       kernel ? kernel : "none: zeros");

    struct host_domain_config dc = {
        .name = "xenhost-smoke", .max_vcpus = 1, .max_pages = SMOKE_MAX_PAGES,
    };
    rc = ops->domain_create(h, &dc, &domid, &err);
    if (!ok(rc == 0 && domid > 0, "domain_create: domain %u", domid)) {
        diag("%s", err.msg);
        return;
    }

    struct host_domain_info info;
    rc = ops->domain_info(h, domid, &info, &err);
    ok(rc == 0, "domain_info %s", rc ? err.msg : "");
    is_u64(info.max_pages, SMOKE_MAX_PAGES, "max_pages as asked");
    is_u64(info.nr_pages, 0, "no pages yet");
    is_u64(info.max_vcpus, 1, "one vCPU");
    ok(info.paused, "created paused");
    ok(!info.shutdown && !info.dying, "not shut down, not dying");
    ok(info.shared_info_mfn != 0, "shared_info mfn 0x%" PRIx64,
       (uint64_t)info.shared_info_mfn);
    is_u64(info.address_size, 64, "a PV domain is 64-bit");

    rc = ops->set_address_size(h, domid, 64, &err);
    ok(rc == 0, "set_address_size 64 %s", rc ? err.msg : "");

    /* A claim sets frames aside: physinfo counts it until it is given back. */
    struct host_memory m0 = { 0 }, m1 = { 0 };
    rc = ops->memory_info(h, &m0, &err);
    ok(rc == 0 && m0.free_pages > 0 && m0.free_pages <= m0.total_pages,
       "memory_info: 0x%" PRIx64 " of 0x%" PRIx64 " pages free, 0x%" PRIx64 " claimed %s",
       m0.free_pages, m0.total_pages, m0.outstanding_pages, rc ? err.msg : "");
    rc = ops->claim(h, domid, 512, &err);
    ok(rc == 0, "claim 512 pages %s", rc ? err.msg : "");
    ops->memory_info(h, &m1, &err);
    is_u64(m1.outstanding_pages, m0.outstanding_pages + 512,
           "physinfo counts the 512 claimed pages as outstanding");
    rc = ops->claim(h, domid, 256, &err);
    ok(rc == -EINVAL, "a second claim while one is outstanding is refused (%s)", err.msg);
    rc = ops->claim(h, domid, 0, &err);
    ok(rc == 0, "claim 0 gives it back %s", rc ? err.msg : "");
    ops->memory_info(h, &m1, &err);
    is_u64(m1.outstanding_pages, m0.outstanding_pages, "nothing outstanding after");

    /* A 2 MiB extent at pfn 0 (Xen may have no free run: then 4 KiB frames). */
    xen_pfn_t ext = 0;
    long got = ops->populate(h, domid, 9, 1, &ext, &err);
    ok(got == 0 || got == 1, "populate order 9 at pfn 0: %ld extent(s)%s%s", got,
       got == 1 ? "" : ": ", got == 1 ? "" : err.msg);
    uint64_t populated = got == 1 ? EXTENT_FRAMES : 0;

    xen_pfn_t mfn[4] = { EXTENT_FRAMES, EXTENT_FRAMES + 1, EXTENT_FRAMES + 2,
                         EXTENT_FRAMES + 3 };
    got = ops->populate(h, domid, 0, 4, mfn, &err);
    if (!ok(got == 4, "populate 4 frames of order 0: %ld %s", got, got == 4 ? "" : err.msg))
        goto destroy;
    populated += 4;
    ok(mfn[0] && mfn[1] && mfn[2] && mfn[3] && mfn[0] != mfn[1] && mfn[2] != mfn[3],
       "4 distinct machine frames 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64,
       (uint64_t)mfn[0], (uint64_t)mfn[1], (uint64_t)mfn[2], (uint64_t)mfn[3]);
    ops->domain_info(h, domid, &info, &err);
    is_u64(info.nr_pages, populated, "nr_pages counts what was populated");

    /* Written through one view, read through another. */
    uint8_t *w = ops->map(h, domid, HOST_MAP_READ | HOST_MAP_WRITE, 1, &mfn[0], &err);
    if (ok(w != NULL, "map 1 frame writable %s", w ? "" : err.msg)) {
        memcpy(w, page, sizeof page);
        ops->unmap(h, w, 1);
    }
    xen_pfn_t two[2] = { mfn[1], mfn[0] };
    uint8_t *r = ops->map(h, domid, HOST_MAP_READ, 2, two, &err);
    if (ok(r != NULL, "map 2 frames read-only %s", r ? "" : err.msg)) {
        ok(memcmp(r + PVB_PAGE_SIZE, page, sizeof page) == 0,
           "the kernel page reads back through the second view");
        ops->unmap(h, r, 2);
    }
    xen_pfn_t bogus[2] = { mfn[0], UINT64_C(0xfffffffff0) };
    memset(&err, 0, sizeof err);
    r = ops->map(h, domid, HOST_MAP_READ, 2, bogus, &err);
    ok(r == NULL && strstr(err.msg, "frame 1"),
       "map of a frame not the domain's fails naming it (%s)", err.msg);
    if (r)
        ops->unmap(h, r, 2);

    /* An all-zero L4 is a valid one: Xen fills in its own slots. */
    uint8_t *l4 = ops->map(h, domid, HOST_MAP_READ | HOST_MAP_WRITE, 1, &mfn[1], &err);
    if (l4) {
        memset(l4, 0, PVB_PAGE_SIZE);
        ops->unmap(h, l4, 1);
    }
    rc = ops->pin_l4(h, domid, mfn[1], &err);
    ok(rc == 0, "pin_l4 of mfn 0x%" PRIx64 " %s", (uint64_t)mfn[1], rc ? err.msg : "");
    memset(&err, 0, sizeof err);
    w = ops->map(h, domid, HOST_MAP_READ | HOST_MAP_WRITE, 1, &mfn[1], &err);
    ok(w == NULL && err.code < 0, "a pinned L4 cannot be mapped writable (%s)", err.msg);
    if (w)
        ops->unmap(h, w, 1);

    vcpu_guest_context_x86_64_t ctx, back;
    memset(&ctx, 0, sizeof ctx);
    ctx.user_regs.rip = entry;
    ctx.user_regs.rsp = UINT64_C(0xffffffff80400000);
    ctx.user_regs.rflags = 0x200;
    ctx.user_regs.cs = FLAT_KERNEL_CS_X86_64;
    ctx.user_regs.ss = FLAT_KERNEL_SS_X86_64;
    ctx.kernel_ss = ctx.user_regs.ss;
    ctx.kernel_sp = ctx.user_regs.rsp;
    ctx.flags = VGCF_in_kernel_X86_64 | VGCF_online_X86_64;
    ctx.ctrlreg[3] = xen_pfn_to_cr3_x86_64(mfn[1]);
    rc = ops->set_vcpu_context(h, domid, 0, &ctx, &err);
    ok(rc == 0, "set_vcpu_context vcpu 0 rip 0x%" PRIx64 " %s", entry, rc ? err.msg : "");
    rc = ops->get_vcpu_context(h, domid, 0, &back, &err);
    ok(rc == 0, "get_vcpu_context %s", rc ? err.msg : "");
    is_u64(back.user_regs.rip, entry, "rip reads back");
    is_u64(xen_cr3_to_pfn_x86_64(back.ctrlreg[3]), mfn[1], "cr3 reads back");
    memset(&err, 0, sizeof err);
    ok(ops->set_vcpu_context(h, domid, 1, &ctx, &err) < 0 && strstr(err.msg, "vcpu 1"),
       "set_vcpu_context of a vCPU the domain lacks fails (%s)", err.msg);

    /* Xen's 64-bit PV stubs start "push %rcx" (pv_ring3_init_hypercall_page). */
    rc = ops->hypercall_page(h, domid, mfn[2], &err);
    ok(rc == 0, "hypercall_page at mfn 0x%" PRIx64 " %s", (uint64_t)mfn[2],
       rc ? err.msg : "");
    r = ops->map(h, domid, HOST_MAP_READ, 1, &mfn[2], &err);
    if (ok(r != NULL, "map the hypercall page %s", r ? "" : err.msg)) {
        is_u64(r[0], 0x51, "hypercall 0 starts with push %%rcx");
        ops->unmap(h, r, 1);
    }

    uint32_t p1 = 0, p2 = 0;
    rc = ops->evtchn_alloc_unbound(h, domid, 0, &p1, &err);
    if (rc == 0)
        rc = ops->evtchn_alloc_unbound(h, domid, 0, &p2, &err);
    ok(rc == 0 && p1 && p2 && p1 != p2, "two unbound event channels for dom0: "
       "ports %u %u %s", p1, p2, rc ? err.msg : "");

    rc = ops->grant_seed(h, domid, 0, mfn[3], mfn[0], &err);
    ok(rc == 0, "grant_seed %s", rc ? err.msg : "");
    grant_entry_v1_t g[2];
    if (ok(read_grants(domid, g) == 0, "grant table frame 0 read back")) {
        is_u64(g[GNTTAB_RESERVED_CONSOLE].frame, mfn[3], "grant 0: the console frame");
        is_u64(g[GNTTAB_RESERVED_XENSTORE].frame, mfn[0], "grant 1: the xenstore frame");
        ok(g[0].domid == 0 && g[1].domid == 0, "grants 0 and 1 for dom0");
        is_u64(g[0].flags & GTF_type_mask, GTF_permit_access, "grant 0 permits access");
        is_u64(g[1].flags & GTF_type_mask, GTF_permit_access, "grant 1 permits access");
    }

    rc = ops->release(h, domid, 1, &mfn[2], &err);
    ok(rc == 0, "release the hypercall page frame %s", rc ? err.msg : "");
    ops->domain_info(h, domid, &info, &err);
    is_u64(info.nr_pages, populated - 1, "nr_pages one fewer");

    rc = ops->unpin(h, domid, mfn[1], &err);
    ok(rc == 0, "unpin %s", rc ? err.msg : "");

destroy:
    rc = ops->domain_destroy(h, domid, &err);
    ok(rc == 0, "domain_destroy %s", rc ? err.msg : "");
    rc = ops->domain_info(h, domid, &info, &err);
    ok(rc == -ESRCH || (rc == 0 && info.dying), "domain %u gone or dying (%s)", domid,
       rc ? err.msg : "dying");
}

/*
 * The permissions introduce gives (libxl's): "ro" nodes dom0's with the
 * domain reading, "rw" the domain's, "none" dom0's alone.  Most are
 * inherited from the node above them, so each is read back here.
 */
static void check_perms(struct xs_handle *xs, uint32_t domid, const char *vm)
{
    static const struct { const char *rel; char kind; } want[] = {
        { "", 'r' }, { "memory", 'r' }, { "console", 'r' }, { "cpu/0", 'r' },
        { "store", 'r' }, { "device", 'r' }, { "device/suspend", 'r' },
        { "device/suspend/event-channel", 'w' }, { "control", 'r' },
        { "control/shutdown", 'w' }, { "control/feature-poweroff", 'w' },
        { "control/sysrq", 'w' }, { "control/platform-feature-xs_reset_watches", 'r' },
        { "data", 'w' }, { "drivers", 'w' }, { "feature", 'w' }, { "attr", 'w' },
        { "error", 'w' }, { "/libxl", 'n' }, { "/libxl/device", 'n' },
        { "/vm", 'r' }, { "/vm/image", 'r' },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char path[160];
        const char *rel = want[i].rel;
        if (strncmp(rel, "/libxl", 6) == 0)
            snprintf(path, sizeof path, "/libxl/%u%s", domid, rel + 6);
        else if (strncmp(rel, "/vm", 3) == 0)
            snprintf(path, sizeof path, "%s%s", vm, rel + 3);
        else
            snprintf(path, sizeof path, "/local/domain/%u%s%s", domid, *rel ? "/" : "", rel);
        unsigned n = 0;
        struct xs_permissions *p = xs_get_permissions(xs, XBT_NULL, path, &n);
        bool good = false;
        char seen[64] = "none";
        if (p && n) {
            size_t off = 0;
            for (unsigned k = 0; k < n && off < sizeof seen - 12; k++)
                off += (size_t)snprintf(seen + off, sizeof seen - off, "%s%u:%u",
                                        k ? "," : "", p[k].id, (unsigned)p[k].perms);
            if (want[i].kind == 'r')
                good = n == 2 && p[0].id == 0 && p[0].perms == XS_PERM_NONE &&
                       p[1].id == domid && p[1].perms == XS_PERM_READ;
            else if (want[i].kind == 'w')
                good = n == 1 && p[0].id == domid && p[0].perms == XS_PERM_NONE;
            else
                good = n == 1 && p[0].id == 0 && p[0].perms == XS_PERM_NONE;
        }
        ok(good, "introduce: %s is %s (owner:rights %s)", path,
           want[i].kind == 'r' ? "dom0's, the domain reads" :
           want[i].kind == 'w' ? "the domain's" : "dom0's alone", seen);
        free(p);
    }
}

static void build_smoke(pvb_host *h, const char *kernel)
{
    pvb_image *img;
    pvb_error err = { 0 };
    struct pvb_config cfg;
    struct pvb_plan plan;
    struct pvb_domain dom;
    struct pvb_verify_report rep;

    if (!ok(pvb_image_open_file(kernel, NULL, &img, &err) == 0, "open %s %s", kernel,
            err.msg))
        return;
    pvb_config_init(&cfg);
    cfg.memory_mib = 128;
    pvb_config_set_string(&cfg.name, "xenhost-smoke-build", &err);
    int rc = test_domain_create(h, &cfg, img, NULL, &plan, &(struct pvb_domain_opts){ .version = PVB_DOMAIN_OPTS_VERSION, .log = &logger }, &dom, &err);
    if (ok(rc == 0, "pvb_domain_create of %s, 128 MiB: domain %u %s", kernel,
           dom.domid, rc ? err.msg : "")) {
        rc = test_verify(h, dom.domid, pvb_image_guest(img), &rep, &err);
        ok(rc == 0 && rep.ok, "pvb_verify passes %s", rc ? err.msg : "");
        for (unsigned i = 0; i < rep.nr_checks; i++)
            if (!rep.checks[i].ok)
                diag("%s: %s", rep.checks[i].name, rep.checks[i].detail);
        rc = pvb_domain_introduce(h, &dom, &cfg, 0, &err);
        bool introduced = rc == 0;
        if (rc == -ENOENT)
            printf("ok %d # SKIP introduce: %s\n", ++tap_n, err.msg);
        else
            ok(rc == 0, "introduce to xenstored %s", rc ? err.msg : "");
        struct xs_handle *xs = introduced ? xs_open(0) : NULL;
        char nodes[3][64] = { "", "", "" };
        if (xs) {
            snprintf(nodes[0], sizeof nodes[0], "/local/domain/%u", dom.domid);
            snprintf(nodes[1], sizeof nodes[1], "/libxl/%u", dom.domid);
            char key[80];
            unsigned len = 0;
            snprintf(key, sizeof key, "%s/vm", nodes[0]);
            char *vm = xs_read(xs, XBT_NULL, key, &len);
            snprintf(nodes[2], sizeof nodes[2], "%s", vm ? vm : "(no vm node)");
            free(vm);
            check_perms(xs, dom.domid, nodes[2]);
        }
        rc = pvb_domain_destroy(h, dom.domid, &err);
        ok(rc == 0, "destroy the built domain %s", rc ? err.msg : "");
        if (xs) {
            int left = 0;
            for (int i = 0; i < 3; i++) {
                unsigned n = 0;
                char **e = xs_directory(xs, XBT_NULL, nodes[i], &n);
                if (e)
                    diag("left: %s", nodes[i]);
                left += e != NULL;
                free(e);
            }
            ok(left == 0 && strncmp(nodes[2], "/vm/", 4) == 0, "destroy removes the "
               "xenstore nodes introduce wrote (%s, %s, %s): %d left", nodes[0],
               nodes[1], nodes[2], left);
            xs_close(xs);
        }
    }
    pvb_config_free(&cfg);
    pvb_image_close(img);
}

/* A host over the caller's own handles: used, never closed. */
static void handles_smoke(void)
{
    xc_interface *xch = xc_interface_open(NULL, NULL, 0);
    xenforeignmemory_handle *fmem = xenforeignmemory_open(NULL, 0);
    pvb_host *h = NULL;
    pvb_error err = { 0 };
    uint32_t domid = 0, port = 0;
    xc_domaininfo_t di;

    int rc = pvb_host_xen_open_handles(xch, fmem, NULL, NULL, &h, &err);
    if (!ok(rc == 0, "handles: open over the caller's xc and foreignmemory handles %s",
            rc ? err.msg : ""))
        goto out;
    struct pvb_empty_domain_opts o = PVB_EMPTY_DOMAIN_OPTS_INIT;
    o.max_mib = 16;
    o.max_vcpus = 2;
    rc = pvb_domain_create_empty(h, &o, &domid, &err);
    ok(rc == 0, "handles: empty domain %u %s", domid, rc ? err.msg : "");
    memset(&di, 0, sizeof di);
    int got = rc == 0 ? xc_domain_getinfolist(xch, domid, 1, &di) : -1;
    ok(got == 1 && di.domain == domid && di.max_pages == 16 * 256 && di.tot_pages == 0 &&
       di.max_vcpu_id == 1,
       "handles: Xen has it empty, max_pages 0x%llx, max_vcpu_id %u",
       (unsigned long long)di.max_pages, di.max_vcpu_id);
    rc = pvb_evtchn_alloc_unbound(h, domid, 0, &port, &err);
    ok(rc == 0 && port > 0, "handles: unbound event channel, port %u %s", port,
       rc ? err.msg : "");
    struct pvb_domain dom = { .domid = domid };
    struct pvb_config cfg;
    pvb_config_init(&cfg);
    rc = pvb_domain_introduce(h, &dom, &cfg, 0, &err);
    ok(rc == -ENOENT && strstr(err.msg, "without a xenstore"),
       "handles: no xenstore handle, introduce fails -ENOENT: %s", err.msg);
    pvb_host_close(h);
    ok(xc_domain_destroy(xch, domid) == 0,
       "handles: the caller's xc handle works after pvb_host_close (destroyed %u)", domid);
out:
    if (fmem)
        xenforeignmemory_close(fmem);
    if (xch)
        xc_interface_close(xch);
}

int main(int argc, char **argv)
{
    const char *kernel = argc > 1 ? argv[1] : NULL;

    if (access("/dev/xen/privcmd", F_OK) != 0 && access("/proc/xen/privcmd", F_OK) != 0)
        return no_xen();

    pvb_host *h = NULL;
    pvb_error err = { 0 };
    int rc = pvb_host_xen_open(&(struct pvb_host_opts){ .version = PVB_HOST_OPTS_VERSION, .log = &logger }, &h, &err);
    if (!ok(rc == 0 && h, "open the xen host %s", rc ? err.msg : "")) {
        return done_testing();
    }
    is_str(h->ops->name, "xen", "the host is xen");
    ops_smoke(h, kernel);
    if (kernel) {
        build_smoke(h, kernel);
    }
    pvb_host_close(h);
    handles_smoke();
    return done_testing();
}
