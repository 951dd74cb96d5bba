/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where the initial P->M list goes, and whether that place is one the
 * guest and the hypervisor can live with.  libxenguest silently falls
 * back to an inside list when INIT_P2M is unusable; we refuse instead, so
 * the user learns why.
 */
#include "layout/layout.h"

/* Linux: new_p2m = 2 * PGDIR_SIZE in xen_relocate_p2m. */
#define LINUX_RELOCATED_P2M_SLOT 2
#include "util/xenabi.h"

#include <errno.h>
#include <inttypes.h>
#include <strings.h>

#define SLOT_SHIFT 39                   /* one top-level entry: 512 GiB */
#define CANONICAL_BITS 48
#define KERNEL_HALF_SLOT 256

bool guest_is_linux(const struct pvb_guest *g)
{
    return strcasecmp(g->guest_os, "linux") == 0;
}

static bool canonical(uint64_t va)
{
    uint64_t high = va >> (CANONICAL_BITS - 1);
    return high == 0 || high == (UINT64_MAX >> (CANONICAL_BITS - 1));
}

static unsigned slot_of(uint64_t va)
{
    return (unsigned)(va >> SLOT_SHIFT) & 511;
}

/* Messages name where the address came from: the kernel or the user. */
static const char *origin(const struct pvb_plan *plan)
{
    return plan->p2m_from_note ? "INIT_P2M note" : "p2m address";
}

int p2m_choose(const struct pvb_guest *g, const struct pvb_config *cfg,
               struct pvb_plan *plan, uint64_t *vaddr, pvb_error *err)
{
    bool has_note = pvb_guest_has_note(g, XEN_ELFNOTE_INIT_P2M);

    plan->p2m_outside = false;
    plan->p2m_from_note = false;
    *vaddr = 0;

    switch (cfg->p2m) {
    case PVB_P2M_INSIDE:
        return 0;
    case PVB_P2M_ADDRESS:
        if (g->elf_class != 64)
            return fail(err, -EINVAL,
                        "p2m address 0x%" PRIx64 ": a %d-bit guest cannot take "
                        "the P->M list outside its initial mapping "
                        "(INIT_P2M is x86_64 only)", cfg->p2m_vaddr, g->elf_class);
        if (!has_note)
            return fail(err, -EINVAL,
                        "p2m address 0x%" PRIx64 ": the kernel has no INIT_P2M "
                        "note, so it does not accept the P->M list outside its "
                        "initial mapping", cfg->p2m_vaddr);
        plan->p2m_outside = true;
        *vaddr = cfg->p2m_vaddr;
        return 0;
    case PVB_P2M_DEFAULT:
        if (!has_note)
            return 0;
        if (g->elf_class != 64) {
            plan_warn(plan, "INIT_P2M note 0x%" PRIx64 " ignored: a %d-bit "
                      "guest gets the P->M list inside its initial mapping",
                      g->init_p2m, g->elf_class);
            return 0;
        }
        plan->p2m_outside = true;
        plan->p2m_from_note = true;
        *vaddr = g->init_p2m;
        return 0;
    }
    return fail(err, -EINVAL, "config: p2m placement %d is not one of "
                "default, address, inside", (int)cfg->p2m);
}

int p2m_check(const struct pvb_guest *g, struct pvb_plan *plan,
              uint64_t vaddr, pvb_error *err)
{
    const char *what = origin(plan);
    uint64_t bytes = plan->p2m_pages << PAGE_SHIFT;
    /*
     * Xen's range is fixed for 64-bit guests: HV_START_LOW only moves the
     * compat area of 32-bit ones, and a note below 0xffff800000000000
     * would name non-canonical addresses, so the note cannot matter here.
     */
    const uint64_t hv_lo = __HYPERVISOR_VIRT_START, hv_end = __HYPERVISOR_VIRT_END;
    uint64_t last;

    if (vaddr & (PAGE_BYTES - 1))
        return fail(err, -EINVAL, "%s 0x%" PRIx64 ": not page aligned (4 KiB)",
                    what, vaddr);
    if (!canonical(vaddr))
        return fail(err, -EINVAL, "%s 0x%" PRIx64 ": not a canonical x86_64 "
                    "address (bits 63..47 must be equal)", what, vaddr);
    if (bytes - 1 > UINT64_MAX - vaddr)
        return fail(err, -EINVAL, "%s 0x%" PRIx64 ": the list of 0x%" PRIx64
                    " pages runs past the top of the address space",
                    what, vaddr, plan->p2m_pages);
    last = vaddr + bytes - 1;
    /* Slots end where canonical halves do: same slot, still canonical. */
    if (slot_of(vaddr) != slot_of(last))
        return fail(err, -EINVAL, "%s 0x%" PRIx64 ": the list 0x%" PRIx64
                    "-0x%" PRIx64 " (0x%" PRIx64 " pages) crosses a 512 GiB "
                    "top-level slot boundary (slots %u and %u); the guest maps "
                    "it through one top-level entry",
                    what, vaddr, vaddr, last + 1, plan->p2m_pages,
                    slot_of(vaddr), slot_of(last));

    if (vaddr < hv_end && last >= hv_lo)
        return fail(err, -EINVAL, "%s 0x%" PRIx64 ": the list 0x%" PRIx64
                    "-0x%" PRIx64 " overlaps the hypervisor's range 0x%" PRIx64
                    "-0x%" PRIx64, what, vaddr, vaddr, last + 1, hv_lo, hv_end);

    if (vaddr < plan->virt_pgtab_end && last >= plan->virt_base)
        return fail(err, -EINVAL, "%s 0x%" PRIx64 ": the list 0x%" PRIx64
                    "-0x%" PRIx64 " overlaps the initial mapping 0x%" PRIx64
                    "-0x%" PRIx64, what, vaddr, vaddr, last + 1,
                    plan->virt_base, plan->virt_pgtab_end);

    if (guest_is_linux(g)) {
        unsigned slot = slot_of(vaddr), kslot = slot_of(plan->virt_base);
        /* Linux copies pt_base[i] only for 0 < i < pgd_index(__START_KERNEL_map). */
        if (slot == 0 || slot >= kslot)
            return fail(err, -EINVAL, "%s 0x%" PRIx64 ": top-level slot %u; "
                        "a Linux guest maps the list only from slots 1..%u "
                        "(below virt_base 0x%" PRIx64 "'s slot %u)",
                        what, vaddr, slot, kslot - 1, plan->virt_base, kslot);
        /*
         * When Linux moves its P->M list out of the way of the E820 map
         * (xen_relocate_p2m) it maps the new list at 2 * PGDIR_SIZE, whatever
         * is there: a list in slot 2 is overwritten while being copied.
         * Seen on Xen 4.17 with Debian's 6.1 kernel: it dies silently.
         */
        if (slot == LINUX_RELOCATED_P2M_SLOT)
            return fail(err, -EINVAL, "%s 0x%" PRIx64 ": top-level slot %u is "
                        "where Linux moves its P->M list (0x%" PRIx64 "); the "
                        "initial list must not be there", what, vaddr, slot,
                        (uint64_t)LINUX_RELOCATED_P2M_SLOT << 39);
        if (slot >= KERNEL_HALF_SLOT)
            plan_warn(plan, "%s 0x%" PRIx64 ": kernel-half address (top-level "
                      "slot %u); Linux expects the list in the user half, where "
                      "none of its own mappings can collide with it",
                      what, vaddr, slot);
    }
    return 0;
}
