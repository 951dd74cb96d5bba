/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The layout planner: the order libxenguest allocates a PV guest's boot
 * elements in, worked out in pfns and virtual addresses only.
 */
#include "config/resolve.h"
#include "config/vnuma.h"
#include "image/features.h"
#include "layout/layout.h"
#include "util/xenabi.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

#define LOWER_HALF_END (UINT64_C(1) << 47)
#define PAE_VIRT_END (UINT64_C(1) << 32)

static const char *const seg_names[] = {
    [PVB_SEG_KERNEL] = "kernel",
    [PVB_SEG_RAMDISK] = "ramdisk",
    [PVB_SEG_P2M] = "p2m",
    [PVB_SEG_START_INFO] = "start_info",
    [PVB_SEG_XENSTORE] = "xenstore",
    [PVB_SEG_CONSOLE] = "console",
    [PVB_SEG_PAGETABLES] = "pagetables",
    [PVB_SEG_BOOT_STACK] = "boot_stack",
    [PVB_SEG_P2M_PAGETABLES] = "p2m_pagetables",
};

/* The state of allocation while the plan is laid out. */
struct alloc {
    struct pvb_plan *plan;
    uint64_t next;      /* next free pfn (libxenguest's pfn_alloc_end) */
    uint64_t room;      /* pages from virt_base the initial mapping may use */
};

void plan_warn(struct pvb_plan *plan, const char *fmt, ...)
{
    va_list ap;

    if (plan->nr_warnings >= PVB_PLAN_MAX_WARNINGS)
        return;
    va_start(ap, fmt);
    vsnprintf(plan->warnings[plan->nr_warnings++], PVB_ERROR_MAX, fmt, ap);
    va_end(ap);
}

static uint64_t pages_of(uint64_t bytes)
{
    return bytes / PAGE_BYTES + (bytes % PAGE_BYTES != 0);
}

static struct pvb_plan_segment *add_segment(struct alloc *a,
                                            enum pvb_plan_seg_kind kind,
                                            uint64_t pages, uint64_t bytes,
                                            bool mapped)
{
    struct pvb_plan *plan = a->plan;
    struct pvb_plan_segment *s = &plan->segments[plan->nr_segments++];

    s->kind = kind;
    snprintf(s->name, sizeof s->name, "%s", seg_names[kind]);
    s->pfn = a->next;
    s->pages = pages;
    s->bytes = bytes;
    s->mapped = mapped;
    if (mapped) {
        s->vstart = plan->virt_base + (s->pfn << PAGE_SHIFT);
        s->vend = s->vstart + (pages << PAGE_SHIFT);
    }
    a->next += pages;
    return s;
}

/* A segment inside the initial mapping: it must fit the address range. */
static int add_mapped(struct alloc *a, enum pvb_plan_seg_kind kind,
                      uint64_t pages, uint64_t bytes, pvb_error *err)
{
    if (a->next > a->room || pages > a->room - a->next)
        return fail(err, -ERANGE,
                    "%s: 0x%" PRIx64 " pages at pfn 0x%" PRIx64 " run past the "
                    "usable address range of the initial mapping (0x%" PRIx64
                    " pages from virt_base 0x%" PRIx64 ")", seg_names[kind],
                    pages, a->next, a->room, a->plan->virt_base);
    add_segment(a, kind, pages, bytes, true);
    return 0;
}

/*
 * How many pages from virt_base the initial mapping may cover: up to the
 * end of its canonical half (x86_64, leaving the very last page so that
 * virt_pgtab_end stays representable), or 4 GiB / HV_START_LOW (PAE).
 */
static int initial_room(const struct pvb_guest *g, uint64_t *room,
                        pvb_error *err)
{
    uint64_t vb = g->virt_base;

    if (vb & (PAGE_BYTES - 1))
        return fail(err, -EINVAL, "guest: virt_base 0x%" PRIx64
                    " is not page aligned", vb);
    if (g->elf_class == 32) {
        uint64_t limit = PAE_VIRT_END;
        if (pvb_guest_has_note(g, XEN_ELFNOTE_HV_START_LOW) && g->hv_start_low &&
            g->hv_start_low < limit)
            limit = g->hv_start_low;
        if (vb >= limit)
            return fail(err, -EINVAL, "guest: virt_base 0x%" PRIx64 " is not "
                        "below 0x%" PRIx64 " (HV_START_LOW or 4 GiB), as a 32-bit "
                        "guest's must be", vb, limit);
        *room = (limit - vb) >> PAGE_SHIFT;
        return 0;
    }
    if (vb < LOWER_HALF_END) {
        *room = (LOWER_HALF_END - vb) >> PAGE_SHIFT;
        return 0;
    }
    if (vb < UINT64_C(0xffff800000000000))
        return fail(err, -EINVAL, "guest: virt_base 0x%" PRIx64 " is not a "
                    "canonical x86_64 address", vb);
    if (vb < (uint64_t)__HYPERVISOR_VIRT_END)
        return fail(err, -EINVAL, "guest: virt_base 0x%" PRIx64 " lies in the "
                    "hypervisor's range 0x%" PRIx64 "-0x%" PRIx64, vb,
                    (uint64_t)__HYPERVISOR_VIRT_START,
                    (uint64_t)__HYPERVISOR_VIRT_END);
    *room = ((0 - vb) >> PAGE_SHIFT) - 1;
    return 0;
}

static int place_kernel(const struct pvb_guest *g, struct alloc *a,
                        pvb_error *err)
{
    uint64_t ks = g->virt_kstart, ke = g->virt_kend, vb = g->virt_base;

    if (ks < vb)
        return fail(err, -EINVAL, "kernel: virt_kstart 0x%" PRIx64
                    " lies below virt_base 0x%" PRIx64, ks, vb);
    if (ks & (PAGE_BYTES - 1))
        return fail(err, -EINVAL, "kernel: virt_kstart 0x%" PRIx64
                    " is not page aligned", ks);
    if (ke <= ks)
        return fail(err, -EINVAL, "kernel: virt_kend 0x%" PRIx64
                    " is not above virt_kstart 0x%" PRIx64, ke, ks);
    /* The pages between virt_base and the kernel are padding. */
    a->next = (ks - vb) >> PAGE_SHIFT;
    int rc = add_mapped(a, PVB_SEG_KERNEL, pages_of(ke - ks), ke - ks, err);
    if (rc)
        return rc;

    if (pvb_guest_has_note(g, XEN_ELFNOTE_HYPERCALL_PAGE)) {
        uint64_t hc = g->hypercall_page;
        if (hc < ks || hc >= ke)
            return fail(err, -EINVAL, "kernel: HYPERCALL_PAGE 0x%" PRIx64
                        " lies outside the kernel 0x%" PRIx64 "-0x%" PRIx64,
                        hc, ks, ke);
        a->plan->has_hypercall_page = true;
        a->plan->hypercall_pfn = (hc - vb) >> PAGE_SHIFT;
    }
    return 0;
}

static void place_p2m_outside(const struct paging *pg, struct alloc *a,
                              uint64_t vaddr)
{
    struct pvb_plan *plan = a->plan;
    struct pvb_plan_mapping *m = &plan->p2m;
    struct pvb_plan_segment *list, *tables;

    list = add_segment(a, PVB_SEG_P2M, plan->p2m_pages,
                       plan->nr_pages * plan->p2m_entry_size, false);
    list->vstart = vaddr;
    list->vend = vaddr + (plan->p2m_pages << PAGE_SHIFT);

    m->vstart = list->vstart;
    m->vend = list->vend;
    m->pfn = list->pfn;
    m->pages = list->pages;
    tables_plan(pg, m, a->next, &plan->initial);
    tables = add_segment(a, PVB_SEG_P2M_PAGETABLES, m->nr_tables, 0, false);
    if (!tables->pages)
        plan->nr_segments--;    /* every table shared: no segment */
}

static void fill_boot_info(const struct pvb_guest *g, struct pvb_plan *plan,
                           uint64_t ramdisk_size, uint64_t p2m_vaddr)
{
    struct pvb_plan_start_info *si = &plan->si;
    const struct pvb_plan_segment *rd = pvb_plan_segment(plan, PVB_SEG_RAMDISK);
    const struct pvb_plan_segment *pt = pvb_plan_segment(plan, PVB_SEG_PAGETABLES);
    const struct pvb_plan_segment *p2m = pvb_plan_segment(plan, PVB_SEG_P2M);

    si->nr_pages = plan->nr_pages;
    si->pt_base = pt->vstart;
    si->nr_pt_frames = plan->initial.nr_tables;
    si->mfn_list = plan->p2m_outside ? p2m_vaddr : p2m->vstart;
    if (rd) {
        if (rd->mapped) {
            si->mod_start = rd->vstart;
        } else {
            si->flags |= SIF_MOD_START_PFN;
            si->mod_start = rd->pfn;
        }
        si->mod_len = ramdisk_size;
    }
    if (plan->p2m_outside) {
        si->first_p2m_pfn = plan->p2m.pfn;
        si->nr_p2m_frames = plan->p2m.pages + plan->p2m.nr_tables;
    }

    plan->vcpu.rip = g->entry;
    plan->vcpu.rsp = plan->virt_base + ((plan->boot_stack_pfn + 1) << PAGE_SHIFT);
    plan->vcpu.rsi = plan->virt_base + (plan->start_info_pfn << PAGE_SHIFT);
}

/* What the build takes from the config and the guest, beside the layout. */
static void record_inputs(const struct pvb_guest *g, const struct pvb_config *cfg,
                          const struct config_values *v, uint64_t ramdisk_size,
                          struct pvb_plan *plan)
{
    plan->ramdisk_size = ramdisk_size;
    plan->kernel_elf_size = g->elf_size;
    plan->kernel_entry = g->entry;
    plan->kernel_virt_kend = g->virt_kend;
    plan->maxmem_mib = v->maxmem_mib;
    plan->vcpus = v->vcpus;
    plan->max_vcpus = v->max_vcpus;
    if (cfg->cmdline) {
        size_t len = strlen(cfg->cmdline);
        if (len >= sizeof plan->cmdline) {
            plan_warn(plan, "cmdline of %zu bytes truncated to the %zu that "
                      "start_info holds", len, sizeof plan->cmdline - 1);
            len = sizeof plan->cmdline - 1;
        }
        memcpy(plan->cmdline, cfg->cmdline, len);
        plan->cmdline[len] = '\0';
    }
    /* config_resolve checked their length; the host resolves them. */
    if (cfg->cpus)
        snprintf(plan->cpus, sizeof plan->cpus, "%s", cfg->cpus);
    if (cfg->cpus_soft)
        snprintf(plan->cpus_soft, sizeof plan->cpus_soft, "%s", cfg->cpus_soft);
}

static int plan_fill(const struct pvb_guest *g, const struct pvb_config *cfg,
                     uint64_t ramdisk_size, struct pvb_plan *plan, pvb_error *err)
{
    struct paging pg;
    struct alloc a = { .plan = plan };
    struct config_values v;
    uint64_t p2m_vaddr;
    bool unmapped_ramdisk;
    int rc;

    if ((rc = config_resolve(cfg, &v, err)) < 0)
        return rc;
    if (cfg->vnuma && (rc = vnuma_parse(cfg->vnuma, v.memory_mib, v.max_vcpus,
                                        plan->vnodes, &plan->nr_vnodes, err)) < 0)
        return rc;
    if (!g)
        return fail(err, -EINVAL, "pvb_plan_make: no guest (NULL)");
    record_inputs(g, cfg, &v, ramdisk_size, plan);
    if (g->elf_class != 32 && g->elf_class != 64)
        return fail(err, -EINVAL, "guest: ELF class %d is neither 32 nor 64",
                    g->elf_class);
    paging_init(&pg, g->elf_class);
    plan->levels = pg.levels;
    plan->p2m_entry_size = g->elf_class == 64 ? 8 : 4;

    plan->memory_mib = v.memory_mib;
    plan->nr_pages = plan->memory_mib << (20 - PAGE_SHIFT);
    plan->p2m_pages = pages_of(plan->nr_pages * plan->p2m_entry_size);
    plan->virt_base = g->virt_base;

    rc = guest_features_check(g, "kernel", false, 0, err);
    if (!rc)
        rc = p2m_choose(g, cfg, plan, &p2m_vaddr, err);
    if (!rc)
        rc = initial_room(g, &a.room, err);
    if (!rc)
        rc = place_kernel(g, &a, err);
    if (rc)
        return rc;

    unmapped_ramdisk = pvb_guest_has_note(g, XEN_ELFNOTE_MOD_START_PFN) &&
                       g->mod_start_pfn;
    if (ramdisk_size && !unmapped_ramdisk &&
        (rc = add_mapped(&a, PVB_SEG_RAMDISK, pages_of(ramdisk_size),
                         ramdisk_size, err)))
        return rc;
    if (!plan->p2m_outside &&
        (rc = add_mapped(&a, PVB_SEG_P2M, plan->p2m_pages,
                         plan->nr_pages * plan->p2m_entry_size, err)))
        return rc;

    plan->start_info_pfn = a.next;
    plan->xenstore_pfn = a.next + 1;
    plan->console_pfn = a.next + 2;
    if ((rc = add_mapped(&a, PVB_SEG_START_INFO, 1, 0, err)) ||
        (rc = add_mapped(&a, PVB_SEG_XENSTORE, 1, 0, err)) ||
        (rc = add_mapped(&a, PVB_SEG_CONSOLE, 1, 0, err)))
        return rc;

    plan->virt_alloc_end = plan->virt_base + (a.next << PAGE_SHIFT);
    if (a.next > a.room)
        return fail(err, -ERANGE, "initial mapping: pfn 0x%" PRIx64
                    " is past the usable address range", a.next);
    rc = tables_initial(&pg, plan->virt_base, a.next, a.room, &plan->initial, err);
    if (rc)
        return rc;
    plan->virt_pgtab_end = plan->initial.vend;
    add_segment(&a, PVB_SEG_PAGETABLES, plan->initial.nr_tables, 0, true);
    plan->boot_stack_pfn = a.next;
    add_segment(&a, PVB_SEG_BOOT_STACK, 1, 0, true);
    a.next = plan->initial.pages;   /* padding up to virt_pgtab_end */

    /* A bad address is worth knowing about before a lack of memory. */
    if (plan->p2m_outside && (rc = p2m_check(g, plan, p2m_vaddr, err)))
        return rc;

    /* Said plainly, after any bad address and before the layout's sums. */
    if (ramdisk_size >= plan->memory_mib << 20)
        return fail(err, -ENOSPC, "ramdisk of 0x%" PRIx64 " bytes (%" PRIu64
                    " MiB) does not fit in the guest's memory of %" PRIu64 " MiB",
                    ramdisk_size, ramdisk_size >> 20, plan->memory_mib);
    if (ramdisk_size && unmapped_ramdisk)
        add_segment(&a, PVB_SEG_RAMDISK, pages_of(ramdisk_size), ramdisk_size,
                    false);

    if (a.next > plan->nr_pages) {
        bool rd_in = ramdisk_size && !unmapped_ramdisk, p2m_in = !plan->p2m_outside;
        return fail(err, -ENOSPC, "kernel image 0x%" PRIx64 "-0x%" PRIx64
                    " with its %sboot structures needs 0x%" PRIx64 " pages (up "
                    "to virt_pgtab_end 0x%" PRIx64 "%s) but memory is 0x%" PRIx64
                    " pages (%" PRIu64 " MiB)", g->virt_kstart, g->virt_kend,
                    rd_in && p2m_in ? "ramdisk, P->M list and " :
                    rd_in ? "ramdisk and " : p2m_in ? "P->M list and " : "",
                    a.next, plan->virt_pgtab_end,
                    ramdisk_size && unmapped_ramdisk ? ", then the ramdisk" : "",
                    plan->nr_pages, plan->memory_mib);
    }

    if (plan->p2m_outside) {
        uint64_t before = a.next;
        place_p2m_outside(&pg, &a, p2m_vaddr);
        if (a.next > plan->nr_pages)
            return fail(err, -ENOSPC, "%s 0x%" PRIx64 ": the P->M list and its "
                        "page tables need 0x%" PRIx64 " pages from pfn 0x%" PRIx64
                        " (to 0x%" PRIx64 ") but memory is 0x%" PRIx64 " pages "
                        "(%" PRIu64 " MiB)",
                        plan->p2m_from_note ? "INIT_P2M note" : "p2m address",
                        p2m_vaddr, a.next - before, before, a.next,
                        plan->nr_pages, plan->memory_mib);
    }
    plan->total_pfns = a.next;
    fill_boot_info(g, plan, ramdisk_size, p2m_vaddr);
    return 0;
}

int pvb_plan_make(const struct pvb_guest *g, const struct pvb_config *cfg,
                  uint64_t ramdisk_size, struct pvb_plan **out, pvb_error *err)
{
    if (!out)
        return fail(err, -EINVAL, "pvb_plan_make: out is NULL");
    *out = NULL;
    struct pvb_plan *plan = mem_calloc(1, sizeof *plan);
    if (!plan)
        return fail(err, -ENOMEM, "pvb_plan_make: cannot allocate 0x%zx bytes "
                    "for the plan", sizeof *plan);
    int rc = plan_fill(g, cfg, ramdisk_size, plan, err);
    if (rc < 0) {
        free(plan);
        return rc;
    }
    *out = plan;
    return 0;
}

const struct pvb_plan_segment *pvb_plan_segment(const struct pvb_plan *plan,
                                                enum pvb_plan_seg_kind kind)
{
    if (!plan)
        return NULL;
    for (size_t i = 0; i < plan->nr_segments; i++)
        if (plan->segments[i].kind == kind)
            return &plan->segments[i];
    return NULL;
}
