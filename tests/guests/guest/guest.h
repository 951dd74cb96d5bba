/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pvbuild's PV test guest: a small x86_64 kernel that checks, from the
 * inside, the boot state a domain builder gave it (docs: pv-boot-abi.md)
 * and reports on its console ring.
 *
 * checks.c and report.c are plain C that also builds hosted: the
 * simulated host's test (../sim.c) runs the same checks against a domain
 * pvbuild built there, supplying the four platform functions below over
 * the domain's own page tables.  In the guest they are main.c's.
 */
#ifndef PVB_TESTS_GUEST_H
#define PVB_TESTS_GUEST_H

/*
 * A guest names the interface version it was written against (the tools
 * get the latest).  Xen 4.4's is old enough for any libxen-dev and has
 * everything used here.
 */
#if !defined(__XEN_TOOLS__) && !defined(__XEN_INTERFACE_VERSION__)
#define __XEN_INTERFACE_VERSION__ 0x00040400
#endif

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/io/console.h>

#define GUEST_PAGE_SIZE 4096UL

/* What the guest knows as it starts. */
struct guest_boot {
    const start_info_t *si;
    uint64_t rsi, rsp;          /* the registers at entry */
    uint64_t virt_base;         /* the VIRT_BASE note: pfn 0's address */
    uint64_t kernel_end;        /* first byte past the kernel image (_end) */
};

/* ------------------------------------------- platform (main.c or the host) */

/* 8-byte accesses at guest virtual addresses, through the guest's tables. */
uint64_t guest_peek64(uint64_t va);
void guest_poke64(uint64_t va, uint64_t value);
/* Xen's machine-to-phys table; GUEST_M2P_INVALID for a frame it lacks. */
#define GUEST_M2P_INVALID (~0UL)
uint64_t guest_m2p(uint64_t mfn);
/* Bytes for the console (a ring and an event in the guest). */
void guest_console_write(const char *s, size_t len);

/* --------------------------------------------------------------- report.c */

#define GUEST_TAG "pvbuild-guest: "

/* snprintf's subset: %s %c %d %u %x %lu %lx %%.  Returns the full length. */
size_t guest_vformat(char *buf, size_t len, const char *fmt, va_list ap);
size_t guest_format(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* One console line: GUEST_TAG, the text, a newline. */
void guest_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Append to the ring's output half; returns how many bytes fitted. */
size_t guest_ring_write(struct xencons_interface *ring, const char *s, size_t len);

/* --------------------------------------------------------------- checks.c */

#define GUEST_NR_CHECKS 7

/*
 * Run every check, report each as "ok N - ..." / "not ok N - ...", then
 * "PASS" or "FAIL".  Returns the number of checks that failed.
 */
int guest_run_checks(const struct guest_boot *boot);

#endif
