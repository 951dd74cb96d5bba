/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The last steps before a domain can run: the hypercall page, pinning the
 * top-level table, vCPU 0's context, event upcalls masked in shared_info,
 * and the grant entries the console and xenstore backends use.
 */
#include "build/build.h"

#include <errno.h>
#include <string.h>

static void vcpu0_context(const struct build *b, vcpu_guest_context_x86_64_t *ctx)
{
    const struct pvb_plan *plan = b->plan;
    memset(ctx, 0, sizeof *ctx);
    ctx->user_regs.rip = plan->vcpu.rip;
    ctx->user_regs.rsp = plan->vcpu.rsp;
    ctx->user_regs.rsi = plan->vcpu.rsi;
    ctx->user_regs.rflags = 0x200;          /* IF: events delivered once unmasked */
    ctx->user_regs.cs = FLAT_KERNEL_CS_X86_64;
    ctx->user_regs.ss = FLAT_KERNEL_SS_X86_64;
    ctx->user_regs.ds = FLAT_KERNEL_DS_X86_64;
    ctx->user_regs.es = FLAT_KERNEL_DS_X86_64;
    ctx->user_regs.fs = FLAT_KERNEL_DS_X86_64;
    ctx->user_regs.gs = FLAT_KERNEL_DS_X86_64;
    ctx->kernel_ss = ctx->user_regs.ss;
    ctx->kernel_sp = ctx->user_regs.rsp;
    ctx->flags = VGCF_in_kernel_X86_64 | VGCF_online_X86_64;
    ctx->ctrlreg[3] = xen_pfn_to_cr3_x86_64(b->l4_mfn);
    /* The architectural reset values. */
    ctx->debugreg[6] = 0xffff0ff0;
    ctx->debugreg[7] = 0x00000400;
}

static int mask_upcalls(struct build *b, xen_pfn_t shared_info_mfn,
                        unsigned max_vcpus, pvb_error *err)
{
    shared_info_x86_64_t *s = b->host->ops->map(b->host, b->domid,
                                                HOST_MAP_READ | HOST_MAP_WRITE, 1,
                                                &shared_info_mfn, err);
    if (!s)
        return err ? err->code : -EIO;
    memset(s, 0, sizeof *s);
    /* A vCPU must not take an event before it has set up its handler. */
    for (unsigned i = 0; i < XEN_LEGACY_MAX_VCPUS_X86_64 && i < max_vcpus; i++)
        s->vcpu_info[i].evtchn_upcall_mask = 1;
    b->host->ops->unmap(b->host, s, 1);
    return 0;
}

int boot_setup(struct build *b, const struct pvb_build_opts *bp,
               unsigned max_vcpus, xen_pfn_t shared_info_mfn, pvb_error *err)
{
    const struct host_ops *ops = b->host->ops;
    const struct pvb_plan *plan = b->plan;
    vcpu_guest_context_x86_64_t ctx;
    xen_pfn_t mfn, console_mfn, store_mfn;
    int rc;

    if (plan->has_hypercall_page) {
        if ((rc = build_mfn(b, plan->hypercall_pfn, &mfn, err)) < 0 ||
            (rc = ops->hypercall_page(b->host, b->domid, mfn, err)) < 0)
            return rc;
    }

    if ((rc = ops->pin_l4(b->host, b->domid, b->l4_mfn, err)) < 0)
        return rc;
    b->pinned = true;

    vcpu0_context(b, &ctx);
    if ((rc = ops->set_vcpu_context(b->host, b->domid, 0, &ctx, err)) < 0)
        return rc;
    if ((rc = mask_upcalls(b, shared_info_mfn, max_vcpus, err)) < 0)
        return rc;

    build_mfn(b, plan->console_pfn, &console_mfn, NULL);
    build_mfn(b, plan->xenstore_pfn, &store_mfn, NULL);
    return ops->grant_seed(b->host, b->domid, bp->backend_domid, console_mfn,
                           store_mfn, err);
}
