/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's platform: hypercalls, memory through its own mappings, the
 * console, and what runs between head.S and shutdown.
 *
 * Hypercalls without a hypercall page (the kernel asks for none): a 64-bit
 * PV kernel executes `syscall` itself with the hypercall number in rax and
 * arguments in rdi, rsi, rdx, r10, r8 (Xen's lstar_enter hands a
 * kernel-mode SYSCALL to pv_hypercall).  Xen returns with sysret, so rcx
 * and r11 come back clobbered, and a debug Xen also scrambles the
 * argument registers it did not use; the asm says so.
 */
#include "guest.h"

#include <xen/event_channel.h>
#include <xen/sched.h>

/* From the linker script. */
extern const char guest_virt_base[], _end[];

static struct xencons_interface *console;
static evtchn_port_t console_port;

static long hypercall2(unsigned long op, unsigned long a1, void *a2)
{
    register unsigned long rdi __asm__("rdi") = a1;
    register void *rsi __asm__("rsi") = a2;
    register unsigned long rdx __asm__("rdx"), r10 __asm__("r10"), r8 __asm__("r8");
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret), "+r"(rdi), "+r"(rsi), "=r"(rdx), "=r"(r10), "=r"(r8)
                     : "0"(op)
                     : "rcx", "r9", "r11", "memory");
    return ret;
}

uint64_t guest_peek64(uint64_t va)
{
    return *(volatile const uint64_t *)va;
}

void guest_poke64(uint64_t va, uint64_t value)
{
    *(volatile uint64_t *)va = value;
}

uint64_t guest_m2p(uint64_t mfn)
{
    return mfn < MACH2PHYS_NR_ENTRIES ? machine_to_phys_mapping[mfn] : GUEST_M2P_INVALID;
}

void guest_console_write(const char *s, size_t len)
{
    /* A full ring waits for xenconsoled, but not for ever. */
    for (unsigned tries = 0; console && len && tries < 100000; tries++) {
        size_t done = guest_ring_write(console, s, len);
        s += done;
        len -= done;
        if (done) {
            struct evtchn_send send = { .port = console_port };
            hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &send);
        }
        if (len)
            hypercall2(__HYPERVISOR_sched_op, SCHEDOP_yield, NULL);
    }
}

/* Called by head.S on its own stack; never returns. */
void guest_main(uint64_t rsi, uint64_t rsp);
void guest_main(uint64_t rsi, uint64_t rsp)
{
    const start_info_t *si = (const start_info_t *)rsi;
    struct guest_boot boot = {
        .si = si, .rsi = rsi, .rsp = rsp,
        .virt_base = (uint64_t)guest_virt_base,
        .kernel_end = (uint64_t)_end,
    };

    /* The console ring is a page of ours: find it through M2P. */
    uint64_t pfn = guest_m2p(si->console.domU.mfn);
    if (pfn < si->nr_pages)
        console = (struct xencons_interface *)(boot.virt_base + pfn * GUEST_PAGE_SIZE);
    console_port = si->console.domU.evtchn;

    struct sched_shutdown down = {
        .reason = guest_run_checks(&boot) ? SHUTDOWN_crash : SHUTDOWN_poweroff,
    };
    for (;;)
        hypercall2(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &down);
}
