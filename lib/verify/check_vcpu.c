/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The checks on vCPU 0's registers and the start_info page they point at. */
#include "verify/verify.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* rflags.IF (Intel SDM vol. 1, 3.4.3.3): the kernel starts with events on. */
#define RFLAGS_IF UINT64_C(0x200)

#define START_INFO_MAGIC "xen-3.0-x86_64"

int check_vcpu_context(struct verify *v, pvb_error *err)
{
    (void)err;
    const vcpu_guest_context_x86_64_t *c = &v->ctx;
    const uint64_t want = VGCF_in_kernel_X86_64 | VGCF_online_X86_64;
    char why[96] = "";

    if ((c->flags & want) != want)
        snprintf(why, sizeof why, "flags lack VGCF_in_kernel|VGCF_online (0x%" PRIx64 ")",
                 want);
    else if (c->user_regs.cs != FLAT_KERNEL_CS_X86_64)
        snprintf(why, sizeof why, "cs is not FLAT_KERNEL_CS 0x%x", FLAT_KERNEL_CS_X86_64);
    else if (c->user_regs.ss != FLAT_KERNEL_SS_X86_64)
        snprintf(why, sizeof why, "ss is not FLAT_KERNEL_SS 0x%x", FLAT_KERNEL_SS_X86_64);
    else if (c->kernel_ss != c->user_regs.ss)
        snprintf(why, sizeof why, "kernel_ss differs from ss");
    else if (c->kernel_sp != c->user_regs.rsp)
        snprintf(why, sizeof why, "kernel_sp differs from rsp");
    else if (!(c->user_regs.rflags & RFLAGS_IF))
        snprintf(why, sizeof why, "rflags lacks IF (0x%" PRIx64 ")", RFLAGS_IF);

    report_check(v, "vcpu_context", !why[0],
                 "%s%sflags 0x%" PRIx64 " cs 0x%x ss 0x%x kernel_ss 0x%" PRIx64
                 " kernel_sp 0x%" PRIx64 " rsp 0x%" PRIx64 " rflags 0x%" PRIx64,
                 why, why[0] ? ": " : "", (uint64_t)c->flags, c->user_regs.cs,
                 c->user_regs.ss, (uint64_t)c->kernel_ss, (uint64_t)c->kernel_sp,
                 (uint64_t)c->user_regs.rsp, (uint64_t)c->user_regs.rflags);
    return 0;
}

/* Why a walk found nothing at va, for details. */
static const char *unmapped_why(const struct pt_path *p, char *buf, size_t len)
{
    if (p->unreadable)
        snprintf(buf, len, "an L%u entry points at a frame the host will not map", p->stop);
    else if (p->superpage)
        snprintf(buf, len, "an L%u entry is a superpage", p->stop);
    else
        snprintf(buf, len, "no L%u entry", p->stop);
    return buf;
}

int check_start_info_magic(struct verify *v, pvb_error *err)
{
    (void)err;
    uint64_t rsi = v->ctx.user_regs.rsi;
    char buf[96];

    if (!pt_mapped(&v->si_path)) {
        report_check(v, "start_info_magic", false, "rsi 0x%" PRIx64 " is not mapped (%s)",
                     rsi, unmapped_why(&v->si_path, buf, sizeof buf));
        return 0;
    }
    if (!v->si_read) {
        report_check(v, "start_info_magic", false,
                     "rsi 0x%" PRIx64 " (mfn 0x%" PRIx64 "): start_info cannot be read: %s",
                     rsi, PTE_MFN(v->si_path.pte), v->pt.last_refusal.msg);
        return 0;
    }
    /* Show the magic as text, whatever it holds. */
    char shown[sizeof v->si.magic + 1];
    size_t n = 0;
    for (; n < sizeof v->si.magic && v->si.magic[n]; n++) {
        unsigned char ch = (unsigned char)v->si.magic[n];
        shown[n] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    shown[n] = '\0';
    bool ok = memcmp(v->si.magic, START_INFO_MAGIC, strlen(START_INFO_MAGIC)) == 0;
    report_check(v, "start_info_magic", ok,
                 "rsi 0x%" PRIx64 " (mfn 0x%" PRIx64 ") magic \"%s\"%s", rsi,
                 PTE_MFN(v->si_path.pte), shown,
                 ok ? "" : ", want \"" START_INFO_MAGIC "\"");
    return 0;
}

/* The leaf mapping va read-write, else why not into buf. */
static bool mapped_rw(struct verify *v, uint64_t va, struct pt_path *p,
                      char *buf, size_t len)
{
    char why[80];
    pt_lookup(&v->pt, va, p);
    if (!pt_mapped(p)) {
        snprintf(buf, len, "0x%" PRIx64 " is not mapped (%s)", va,
                 unmapped_why(p, why, sizeof why));
        return false;
    }
    if (!(p->pte & PTE_RW)) {
        snprintf(buf, len, "0x%" PRIx64 " is mapped read-only (mfn 0x%" PRIx64 ")", va,
                 PTE_MFN(p->pte));
        return false;
    }
    return true;
}

int check_registers(struct verify *v, pvb_error *err)
{
    (void)err;
    const cpu_user_regs_x86_64_t *r = &v->ctx.user_regs;
    const struct pvb_guest *g = v->guest;
    char why[200] = "", buf[140];
    struct pt_path p;

    if (r->rsi & (PVB_PAGE_SIZE - 1))
        snprintf(why, sizeof why, "rsi is not page aligned");
    else if (!mapped_rw(v, r->rsi, &p, buf, sizeof buf))
        snprintf(why, sizeof why, "rsi (start_info): %s", buf);
    else if (r->rsp & (PVB_PAGE_SIZE - 1))
        snprintf(why, sizeof why, "rsp is not page aligned");
    else if (!mapped_rw(v, r->rsp - PVB_PAGE_SIZE, &p, buf, sizeof buf))
        snprintf(why, sizeof why, "the stack page below rsp: %s", buf);
    else if (frameset_get(&v->tables, PTE_MFN(p.pte)))
        snprintf(why, sizeof why, "the stack page below rsp is page-table frame 0x%" PRIx64,
                 PTE_MFN(p.pte));
    else if (g && r->rip != g->entry)
        snprintf(why, sizeof why, "rip is not the kernel's entry 0x%" PRIx64, g->entry);
    else if (g && (r->rip < g->virt_kstart || r->rip >= g->virt_kend))
        snprintf(why, sizeof why, "rip lies outside the kernel [0x%" PRIx64 ", 0x%" PRIx64 ")",
                 g->virt_kstart, g->virt_kend);
    else {
        pt_lookup(&v->pt, r->rip, &p);
        if (!pt_mapped(&p))
            snprintf(why, sizeof why, "rip is not mapped (%s)",
                     unmapped_why(&p, buf, sizeof buf));
        else if (p.pte & PTE_NX)
            snprintf(why, sizeof why, "rip's page is mapped no-execute");
    }
    report_check(v, "registers", !why[0], "%s%srip 0x%" PRIx64 " rsp 0x%" PRIx64
                 " rsi 0x%" PRIx64 "%s", why, why[0] ? ": " : "", (uint64_t)r->rip,
                 (uint64_t)r->rsp, (uint64_t)r->rsi,
                 g ? "" : " (no kernel notes: entry not compared)");
    return 0;
}
