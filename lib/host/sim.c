/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulated host: domains and their Xen objects (vCPU contexts,
 * shared_info, grant table, event channels, hypercall page), on top of
 * the simulated machine memory (sim_memory.c, sim_map.c) and Xen's
 * page-type rules (sim_pagetable.c).  Checks happen where Xen makes
 * them, with Xen's error codes, so the builder meets the same refusals.
 */
#include "host/sim_internal.h"
#include "util/alloc.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

int sim_domain_get(struct sim_host *s, uint32_t domid, const char *what,
                   struct sim_domain **d, pvb_error *err)
{
    if (domid < s->cap_domains && s->domains[domid]) {
        *d = s->domains[domid];
        return 0;
    }
    *d = NULL;
    return fail(err, -ESRCH, "sim: %s: no domain %u", what, domid);
}

static void domain_free(struct sim_host *s, struct sim_domain *d)
{
    sim_unpin_all(s, d);
    sim_free_domain_frames(&s->mem, d);
    free(d->name);
    free(d->vcpus);
    free(d->affinity);
    free(d->evtchn_remote);
    free(d->partial);
    free(d->taken);
    free(d);
}

static int sim_domain_create(struct pvb_host *h, const struct host_domain_config *cfg,
                             uint32_t *domid, pvb_error *err)
{
    struct sim_host *s = sim_host_of(h);

    if (!cfg || !domid)
        return fail(err, -EINVAL, "sim: domain create: no config or domid");
    if (cfg->max_vcpus == 0 || cfg->max_vcpus > SIM_MAX_VCPUS)
        return fail(err, -EINVAL, "sim: domain create: max_vcpus %u out of range 1..%u",
                    cfg->max_vcpus, SIM_MAX_VCPUS);
    uint32_t id = s->next_domid;
    if (id >= DOMID_FIRST_RESERVED)
        return fail(err, -ENOSPC, "sim: domain create: no domain ids left (next %u)", id);
    if (id >= s->cap_domains) {
        size_t cap = s->cap_domains ? s->cap_domains * 2 : 16;
        struct sim_domain **p = mem_realloc(s->domains, cap * sizeof *p);
        if (!p)
            return fail(err, -ENOMEM, "sim: domain create: out of memory");
        memset(p + s->cap_domains, 0, (cap - s->cap_domains) * sizeof *p);
        s->domains = p;
        s->cap_domains = cap;
    }

    struct sim_domain *d = mem_calloc(1, sizeof *d);
    if (!d)
        return fail(err, -ENOMEM, "sim: domain create: out of memory");
    d->domid = id;
    d->max_vcpus = cfg->max_vcpus;
    d->max_pages = cfg->max_pages;
    d->next_port = 1;
    d->vcpus = mem_calloc(cfg->max_vcpus, sizeof *d->vcpus);
    d->evtchn_remote = mem_calloc(SIM_EVTCHN_PORTS, sizeof *d->evtchn_remote);
    d->name = cfg->name ? mem_strdup(cfg->name) : NULL;
    if (!d->vcpus || !d->evtchn_remote || (cfg->name && !d->name)) {
        domain_free(s, d);
        return fail(err, -ENOMEM, "sim: domain create: out of memory");
    }
    /* shared_info is Xen's frame shared with the guest: owned, not counted. */
    int rc = sim_alloc_frame(&s->mem, d, SIM_ANY_NODE, ~(xen_pfn_t)0, &d->shared_info_mfn);
    if (rc) {
        domain_free(s, d);
        return fail(err, -ENOMEM, "sim: domain create: no machine frame (or no "
                    "memory to track one) left for shared_info");
    }
    s->domains[id] = d;
    s->next_domid++;
    *domid = id;
    return 0;
}

static int sim_domain_destroy(struct pvb_host *h, uint32_t domid, pvb_error *err)
{
    struct sim_host *s = sim_host_of(h);
    struct sim_domain *d;
    int rc = sim_domain_get(s, domid, "domain destroy", &d, err);
    if (rc)
        return rc;
    s->domains[domid] = NULL;
    s->outstanding -= d->outstanding;    /* a dying domain's claim goes, as on Xen */
    domain_free(s, d);
    return 0;
}

static int sim_domain_info(struct pvb_host *h, uint32_t domid,
                           struct host_domain_info *info, pvb_error *err)
{
    struct sim_domain *d;
    int rc = sim_domain_get(sim_host_of(h), domid, "domain info", &d, err);
    if (rc)
        return rc;
    memset(info, 0, sizeof *info);
    info->nr_pages = d->nr_pages;
    info->max_pages = d->max_pages;
    info->shared_info_mfn = d->shared_info_mfn;
    info->max_vcpus = d->max_vcpus;
    info->address_size = d->address_size;
    info->paused = !d->unpaused;
    return 0;
}

static int sim_set_address_size(struct pvb_host *h, uint32_t domid, unsigned bits,
                                pvb_error *err)
{
    struct sim_domain *d;
    int rc = sim_domain_get(sim_host_of(h), domid, "set_address_size", &d, err);
    if (rc)
        return rc;
    if (bits != 32 && bits != 64)
        return fail(err, -EINVAL, "sim: domain %u: address size %u is not 32 or 64",
                    domid, bits);
    if (d->pins && bits != d->address_size)
        return fail(err, -EBUSY, "sim: domain %u: address size %u -> %u with pinned tables",
                    domid, d->address_size, bits);
    d->address_size = bits;
    return 0;
}

static long populate_on(struct pvb_host *h, uint32_t domid, unsigned node,
                        unsigned order, size_t count, xen_pfn_t *extents, pvb_error *err)
{
    struct sim_host *s = sim_host_of(h);
    struct sim_domain *d;
    int rc = sim_domain_get(s, domid, "populate", &d, err);
    if (rc)
        return rc;
    if (order != 0 && order != SIM_CHUNK_SHIFT)
        return fail(err, -EINVAL, "sim: domain %u: populate order %u: the sim has "
                    "order 0 (4 KiB) and %u (2 MiB) extents", domid, order, SIM_CHUNK_SHIFT);
    if (count && !extents)
        return fail(err, -EINVAL, "sim: domain %u: populate of %zu extents without a list",
                    domid, count);
    if (node != SIM_ANY_NODE && node >= s->mem.nr_nodes)
        return fail(err, -EINVAL, "sim: domain %u: populate on node %u: the machine "
                    "has %u", domid, node, s->mem.nr_nodes);
    if (count > (size_t)LONG_MAX)
        count = LONG_MAX;

    uint64_t frames = UINT64_C(1) << order;
    for (size_t i = 0; i < count; i++) {
        xen_pfn_t pfn = extents[i];
        if (d->nr_pages + frames > d->max_pages) {
            fail(err, -ENOMEM, "sim: domain %u: populate of 0x%" PRIx64 " frames at pfn 0x%"
                 PRIx64 " exceeds max_pages 0x%" PRIx64 " (0x%" PRIx64 " populated)",
                 domid, frames, (uint64_t)pfn, d->max_pages, d->nr_pages);
            return i ? (long)i : -ENOMEM;
        }
        /* Xen's rule: other domains' claims are not for us unless ours covers it. */
        uint64_t free = sim_free_pages(&s->mem);
        if (s->outstanding && s->outstanding + frames > free && d->outstanding < frames) {
            fail(err, -ENOMEM, "sim: domain %u: populate of 0x%" PRIx64 " frames at pfn 0x%"
                 PRIx64 ": 0x%" PRIx64 " frames free, 0x%" PRIx64 " of them claimed",
                 domid, frames, (uint64_t)pfn, free, s->outstanding);
            return i ? (long)i : -ENOMEM;
        }
        xen_pfn_t mfn;
        rc = order ? sim_alloc_extent(&s->mem, d, node, pfn, &mfn)
                   : sim_alloc_frame(&s->mem, d, node, pfn, &mfn);
        if (rc == -ENOSPC && order) {
            /* Like Xen: fewer extents done, the caller falls back to 4 KiB. */
            fail(err, -ENOMEM, "sim: domain %u: no free 2 MiB machine run left for pfn 0x%"
                 PRIx64 " (%zu of %zu extents done)", domid, (uint64_t)pfn, i, count);
            return (long)i;
        }
        if (rc) {
            fail(err, -ENOMEM, "sim: domain %u: out of machine memory at pfn 0x%" PRIx64
                 " (machine has 0x%" PRIx64 " frames)", domid, (uint64_t)pfn,
                 s->mem.nr_frames);
            return i ? (long)i : -ENOMEM;
        }
        extents[i] = mfn;
        d->nr_pages += frames;
        uint64_t used = d->outstanding < frames ? d->outstanding : frames;
        d->outstanding -= used;
        s->outstanding -= used;
    }
    return (long)count;
}

static long sim_populate(struct pvb_host *h, uint32_t domid, unsigned order,
                         size_t count, xen_pfn_t *extents, pvb_error *err)
{
    return populate_on(h, domid, SIM_ANY_NODE, order, count, extents, err);
}

static long sim_populate_node(struct pvb_host *h, uint32_t domid, unsigned node,
                              unsigned order, size_t count, xen_pfn_t *extents,
                              pvb_error *err)
{
    return populate_on(h, domid, node, order, count, extents, err);
}

static int sim_numa_info(struct pvb_host *h, struct host_numa *numa, pvb_error *err)
{
    const struct sim_memory *m = &sim_host_of(h)->mem;
    (void)err;
    numa->nr_nodes = m->nr_nodes;
    for (unsigned n = 0; n < m->nr_nodes; n++) {
        numa->total_pages[n] = m->node_chunks * SIM_CHUNK_FRAMES;
        numa->free_pages[n] = sim_node_free_pages(m, n);
    }
    return 0;
}

static int sim_release(struct pvb_host *h, uint32_t domid, size_t count,
                       const xen_pfn_t *mfns, pvb_error *err)
{
    struct sim_host *s = sim_host_of(h);
    struct sim_domain *d;
    int rc = sim_domain_get(s, domid, "release", &d, err);
    if (rc)
        return rc;
    if (count && !mfns)
        return fail(err, -EINVAL, "sim: domain %u: release of %zu frames without a list",
                    domid, count);
    /* Refuse the whole call on a frame Xen would not take back. */
    for (size_t i = 0; i < count; i++) {
        xen_pfn_t mfn = mfns[i];
        if (!sim_frame_is(&s->mem, mfn, domid)) {
            char buf[64];
            return fail(err, -EINVAL, "sim: domain %u: release of mfn 0x%" PRIx64
                        " (entry %zu of %zu) refused: not the domain's frame (%s)", domid,
                        (uint64_t)mfn, i, count, sim_owner_text(s, mfn, buf, sizeof buf));
        }
        if (mfn == d->shared_info_mfn)
            return fail(err, -EINVAL, "sim: domain %u: release of mfn 0x%" PRIx64
                        " refused: it is the domain's shared_info frame", domid,
                        (uint64_t)mfn);
        unsigned level = sim_pinned_level(s, mfn);
        if (level)
            return fail(err, -EBUSY, "sim: domain %u: release of mfn 0x%" PRIx64
                        " refused: it is a pinned L%u page table", domid, (uint64_t)mfn,
                        level);
    }
    return sim_free_frames(&s->mem, d, count, mfns, err);
}

static int sim_set_vcpu_context(struct pvb_host *h, uint32_t domid, unsigned vcpu,
                                const vcpu_guest_context_x86_64_t *ctx, pvb_error *err)
{
    struct sim_host *s = sim_host_of(h);
    struct sim_domain *d;
    int rc = sim_domain_get(s, domid, "set_vcpu_context", &d, err);
    if (rc)
        return rc;
    if (vcpu >= d->max_vcpus || !ctx)
        return fail(err, -EINVAL, "sim: domain %u: set_vcpu_context of vcpu %u "
                    "(max_vcpus %u)%s", domid, vcpu, d->max_vcpus, ctx ? "" : " without a context");
    /* Xen takes a root-table type reference on cr3: it must validate as an L4. */
    if (ctx->ctrlreg[3]) {
        xen_pfn_t l4 = xen_cr3_to_pfn_x86_64(ctx->ctrlreg[3]);
        bool pinned = false;
        for (const struct sim_pin *p = d->pins; p; p = p->next)
            pinned |= p->l4 == l4;
        if (!pinned) {
            char what[64];
            snprintf(what, sizeof what, "vcpu %u cr3 0x%" PRIx64, vcpu,
                     (uint64_t)ctx->ctrlreg[3]);
            rc = sim_check_l4(s, d, l4, what, err);
            if (rc)
                return rc;
        }
    }
    d->vcpus[vcpu] = *ctx;
    return 0;
}

static int sim_get_vcpu_context(struct pvb_host *h, uint32_t domid, unsigned vcpu,
                                vcpu_guest_context_x86_64_t *ctx, pvb_error *err)
{
    struct sim_domain *d;
    int rc = sim_domain_get(sim_host_of(h), domid, "get_vcpu_context", &d, err);
    if (rc)
        return rc;
    if (vcpu >= d->max_vcpus || !ctx)
        return fail(err, -EINVAL, "sim: domain %u: get_vcpu_context of vcpu %u "
                    "(max_vcpus %u)", domid, vcpu, d->max_vcpus);
    *ctx = d->vcpus[vcpu];
    return 0;
}

/*
 * The 64-bit PV hypercall page as Xen writes it (init_hypercall_page,
 * pv_ring3_init_hypercall_page): int3 filler, then per 32-byte entry
 * "push %rcx; push %r11; mov $i,%eax; syscall; pop %r11; pop %rcx; ret";
 * HYPERVISOR_iret does not return, so its entry also pushes %rax and
 * stops after the syscall.
 */
static void write_hypercall_stubs(uint8_t *page)
{
    memset(page, 0xcc, PVB_PAGE_SIZE);
    for (uint32_t i = 0; i < PVB_PAGE_SIZE / 32; i++) {
        uint8_t *p = page + i * 32;
        size_t n = 0;
        p[n++] = 0x51;                          /* push %rcx */
        p[n++] = 0x41, p[n++] = 0x53;           /* push %r11 */
        if (i == __HYPERVISOR_iret)
            p[n++] = 0x50;                      /* push %rax */
        p[n++] = 0xb8;                          /* mov $i,%eax */
        for (int b = 0; b < 4; b++)
            p[n++] = (uint8_t)(i >> (8 * b));
        p[n++] = 0x0f, p[n++] = 0x05;           /* syscall */
        if (i == __HYPERVISOR_iret)
            continue;
        p[n++] = 0x41, p[n++] = 0x5b;           /* pop %r11 */
        p[n++] = 0x59;                          /* pop %rcx */
        p[n++] = 0xc3;                          /* ret */
    }
}

static int sim_hypercall_page(struct pvb_host *h, uint32_t domid, xen_pfn_t mfn,
                              pvb_error *err)
{
    struct sim_host *s = sim_host_of(h);
    struct sim_domain *d;
    int rc = sim_domain_get(s, domid, "hypercall_page", &d, err);
    if (rc)
        return rc;
    if (!sim_frame_is(&s->mem, mfn, domid)) {
        char buf[64];
        return fail(err, -EINVAL, "sim: domain %u: hypercall page mfn 0x%" PRIx64
                    " is not the domain's frame (%s)", domid, (uint64_t)mfn,
                    sim_owner_text(s, mfn, buf, sizeof buf));
    }
    unsigned level = sim_pinned_level(s, mfn);
    if (level)
        return fail(err, -EINVAL, "sim: domain %u: hypercall page mfn 0x%" PRIx64
                    " is a pinned L%u page table, not a writable page", domid,
                    (uint64_t)mfn, level);
    if (d->address_size == 32)
        return fail(err, -EOPNOTSUPP, "sim: domain %u: the sim writes 64-bit hypercall "
                    "pages only (domain is 32-bit)", domid);
    uint8_t page[PVB_PAGE_SIZE];
    write_hypercall_stubs(page);
    rc = sim_write_frame(&s->mem, mfn, page);
    if (rc)
        return fail(err, rc, "sim: domain %u: writing the hypercall page to mfn 0x%"
                    PRIx64 " failed", domid, (uint64_t)mfn);
    return 0;
}

static int sim_grant_seed(struct pvb_host *h, uint32_t domid, uint32_t backend_domid,
                          xen_pfn_t console_mfn, xen_pfn_t xenstore_mfn, pvb_error *err)
{
    struct sim_host *s = sim_host_of(h);
    struct sim_domain *d;
    int rc = sim_domain_get(s, domid, "grant_seed", &d, err);
    if (rc)
        return rc;
    if (backend_domid >= DOMID_FIRST_RESERVED)
        return fail(err, -EINVAL, "sim: domain %u: grant backend domain %u is not a real "
                    "domain id", domid, backend_domid);
    const xen_pfn_t mfns[2] = { console_mfn, xenstore_mfn };
    static const char *const names[2] = { "console", "xenstore" };
    for (int i = 0; i < 2; i++) {
        /* The backend could not map a frame the guest does not own. */
        if (!sim_frame_is(&s->mem, mfns[i], domid)) {
            char buf[64];
            return fail(err, -EINVAL, "sim: domain %u: grant of %s mfn 0x%" PRIx64
                        ": not the domain's frame (%s)", domid, names[i],
                        (uint64_t)mfns[i], sim_owner_text(s, mfns[i], buf, sizeof buf));
        }
        if (mfns[i] > UINT32_MAX)
            return fail(err, -ERANGE, "sim: domain %u: grant of %s mfn 0x%" PRIx64
                        ": a v1 grant entry's frame is 32 bits", domid, names[i],
                        (uint64_t)mfns[i]);
    }
    for (int i = 0; i < 2; i++) {
        grant_entry_v1_t *g = &d->grant[i == 0 ? GNTTAB_RESERVED_CONSOLE
                                               : GNTTAB_RESERVED_XENSTORE];
        g->frame = (uint32_t)mfns[i];
        g->domid = (domid_t)backend_domid;
        g->flags = GTF_permit_access;
    }
    return 0;
}

static int sim_evtchn_alloc_unbound(struct pvb_host *h, uint32_t domid,
                                    uint32_t remote_domid, uint32_t *port, pvb_error *err)
{
    struct sim_domain *d;
    int rc = sim_domain_get(sim_host_of(h), domid, "evtchn_alloc_unbound", &d, err);
    if (rc)
        return rc;
    if (!port)
        return fail(err, -EINVAL, "sim: domain %u: evtchn_alloc_unbound without a port",
                    domid);
    if (d->next_port >= SIM_EVTCHN_PORTS)
        return fail(err, -ENOSPC, "sim: domain %u: all %u event channel ports in use",
                    domid, SIM_EVTCHN_PORTS);
    if (remote_domid == DOMID_SELF)
        remote_domid = domid;
    *port = d->next_port++;
    d->evtchn_remote[*port] = remote_domid;
    return 0;
}

static int sim_unpause(struct pvb_host *h, uint32_t domid, pvb_error *err)
{
    struct sim_domain *d;
    int rc = sim_domain_get(sim_host_of(h), domid, "unpause", &d, err);
    if (rc)
        return rc;
    d->unpaused = true;
    return 0;
}

/*
 * What Xen 4.17 reports to a 64-bit PV dom0 (xen/common/kernel.c): the
 * simulated host stands for such a machine.
 */
static int sim_features(struct pvb_host *h, uint32_t *submap, pvb_error *err)
{
    (void)h;
    (void)err;
    *submap = (UINT32_C(1) << XENFEAT_memory_op_vnode_supported) |
              (UINT32_C(1) << XENFEAT_mmu_pt_update_preserve_ad) |
              (UINT32_C(1) << XENFEAT_highmem_assist) |
              (UINT32_C(1) << XENFEAT_gnttab_map_avail_bits) |
              (UINT32_C(1) << XENFEAT_dom0) |
              (UINT32_C(1) << XENFEAT_direct_mapped);
    return 0;
}

/* The simulated machine runs no xenstored: there is nobody to tell. */
static int sim_introduce(struct pvb_host *h, uint32_t domid,
                         const struct host_introduce *in, pvb_error *err)
{
    struct sim_domain *d;
    (void)in;
    int rc = sim_domain_get(sim_host_of(h), domid, "introduce", &d, err);
    if (rc)
        return rc;
    return fail(err, -ENOENT, "sim: domain %u: no xenstored on the simulated host",
                domid);
}

static void sim_close(struct pvb_host *h)
{
    struct sim_host *s = sim_host_of(h);
    for (size_t i = 0; i < s->cap_domains; i++)
        if (s->domains[i])
            domain_free(s, s->domains[i]);
    free(s->domains);
    sim_views_drop_all(s);
    mfn_map_free(&s->pinned);
    sim_memory_fini(&s->mem);
    free(s);
}

/* As Xen's domain_set_outstanding_pages, with its error codes. */
static int sim_claim(struct pvb_host *h, uint32_t domid, uint64_t pages, pvb_error *err)
{
    struct sim_host *s = sim_host_of(h);
    struct sim_domain *d;
    int rc = sim_domain_get(s, domid, "claim", &d, err);
    if (rc)
        return rc;
    if (pages == 0) {
        s->outstanding -= d->outstanding;
        d->outstanding = 0;
        return 0;
    }
    if (d->outstanding)
        return fail(err, -EINVAL, "sim: domain %u: claim of 0x%" PRIx64 " pages: it "
                    "has a claim already (0x%" PRIx64 " outstanding)", domid, pages,
                    d->outstanding);
    if (pages <= d->nr_pages || pages > d->max_pages)
        return fail(err, -EINVAL, "sim: domain %u: claim of 0x%" PRIx64 " pages: not "
                    "above its 0x%" PRIx64 " pages, or above max_pages 0x%" PRIx64,
                    domid, pages, d->nr_pages, d->max_pages);
    uint64_t free = sim_free_pages(&s->mem);
    uint64_t avail = free > s->outstanding ? free - s->outstanding : 0;
    uint64_t want = pages - d->nr_pages;
    if (want > avail)
        return fail(err, -ENOMEM, "sim: domain %u: claim of 0x%" PRIx64 " pages refused: "
                    "0x%" PRIx64 " free, 0x%" PRIx64 " of them claimed", domid, want,
                    free, s->outstanding);
    d->outstanding = want;
    s->outstanding += want;
    return 0;
}

static int sim_memory_info(struct pvb_host *h, struct host_memory *mem, pvb_error *err)
{
    struct sim_host *s = sim_host_of(h);
    (void)err;
    mem->total_pages = s->mem.nr_frames;
    mem->free_pages = sim_free_pages(&s->mem);
    mem->outstanding_pages = s->outstanding;
    return 0;
}

static const struct host_ops sim_ops = {
    .name = "sim",
    .close = sim_close,
    .domain_create = sim_domain_create,
    .domain_destroy = sim_domain_destroy,
    .domain_info = sim_domain_info,
    .set_address_size = sim_set_address_size,
    .populate = sim_populate,
    .release = sim_release,
    .map = sim_map,
    .unmap = sim_unmap,
    .set_vcpu_context = sim_set_vcpu_context,
    .get_vcpu_context = sim_get_vcpu_context,
    .pin_l4 = sim_pin_l4,
    .unpin = sim_unpin,
    .hypercall_page = sim_hypercall_page,
    .grant_seed = sim_grant_seed,
    .evtchn_alloc_unbound = sim_evtchn_alloc_unbound,
    .unpause = sim_unpause,
    .features = sim_features,
    .introduce = sim_introduce,
    .claim = sim_claim,
    .memory_info = sim_memory_info,
    .numa_info = sim_numa_info,
    .populate_node = sim_populate_node,
    .cpu_info = sim_cpu_info,
    .vcpu_affinity = sim_vcpu_affinity,
    .set_vnuma = sim_set_vnuma,
};

int pvb_host_sim_open(const struct pvb_sim_opts *opts, struct pvb_host **out,
                      pvb_error *err)
{
    if (!out)
        return fail(err, -EINVAL, "sim: open without an output handle");
    *out = NULL;
    int rc = opts ? host_opts_version("pvb_sim_opts", opts->version,
                                      PVB_SIM_OPTS_VERSION, err) : 0;
    if (rc < 0)
        return rc;
    struct sim_host *s = mem_calloc(1, sizeof *s);
    if (!s)
        return fail(err, -ENOMEM, "sim: out of memory");
    rc = sim_memory_init(&s->mem, opts ? opts->machine_bytes : 0,
                         opts ? opts->seed : 0, opts ? opts->nr_nodes : 0, err);
    if (rc) {
        free(s);
        return rc;
    }
    mfn_map_init(&s->pinned);
    s->next_domid = 1;
    s->base.ops = &sim_ops;
    *out = &s->base;
    return 0;
}

/* ------------------------------------------------------------ test hooks */

size_t sim_live_domains(struct pvb_host *h)
{
    struct sim_host *s = sim_host_of(h);
    size_t n = 0;
    for (size_t i = 0; i < s->cap_domains; i++)
        n += s->domains[i] != NULL;
    return n;
}

/* Reads every chunk's entry: meant for small machines. */
uint64_t sim_frames_in_use(struct pvb_host *h)
{
    struct sim_host *s = sim_host_of(h);
    uint64_t n = 0;
    for (uint64_t c = 0; c < s->mem.nr_chunks; c++)
        if (s->mem.chunks[c].owner)
            n += s->mem.chunks[c].used;
    return n;
}

uint64_t sim_node_frames(struct pvb_host *h, uint32_t domid, unsigned node)
{
    struct sim_host *s = sim_host_of(h);
    uint64_t n = 0;
    for (uint64_t c = node * s->mem.node_chunks;
         node < s->mem.nr_nodes && c < (node + 1) * s->mem.node_chunks; c++)
        if (s->mem.chunks[c].owner == domid)
            n += s->mem.chunks[c].used;
    return n;
}

int sim_grant_entry(struct pvb_host *h, uint32_t domid, unsigned ref,
                    grant_entry_v1_t *out, pvb_error *err)
{
    struct sim_domain *d;
    int rc = sim_domain_get(sim_host_of(h), domid, "grant entry", &d, err);
    if (rc)
        return rc;
    if (ref >= SIM_GRANT_ENTRIES)
        return fail(err, -EINVAL, "sim: domain %u: grant ref %u beyond %u entries",
                    domid, ref, SIM_GRANT_ENTRIES);
    *out = d->grant[ref];
    return 0;
}

int sim_evtchn_remote(struct pvb_host *h, uint32_t domid, uint32_t port,
                      uint32_t *remote_domid, pvb_error *err)
{
    struct sim_domain *d;
    int rc = sim_domain_get(sim_host_of(h), domid, "evtchn remote", &d, err);
    if (rc)
        return rc;
    if (port == 0 || port >= d->next_port)
        return fail(err, -EINVAL, "sim: domain %u: event channel port %u not allocated",
                    domid, port);
    *remote_domid = d->evtchn_remote[port];
    return 0;
}

int sim_domain_unpaused(struct pvb_host *h, uint32_t domid, pvb_error *err)
{
    struct sim_domain *d;
    int rc = sim_domain_get(sim_host_of(h), domid, "unpaused", &d, err);
    if (rc)
        return rc;
    return d->unpaused ? 1 : 0;
}
