/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * readguest DOMID: read a built, not yet run, PV domain back through Xen's
 * own libraries and print what its first instruction will see, one
 * KEY=VALUE a line.  It shares no code with pvbuild, so it can judge a
 * domain built by pvbuild and one built by xl (libxenguest) alike.
 *
 * vCPU 0's context gives rsi (start_info's virtual address) and cr3;
 * Xen walks the guest's page tables for us (xc_translate_foreign_address);
 * the frames are read with xenforeignmemory_map.  The P->M list is checked
 * against Xen's M2P table, which Xen filled in when the frames were
 * populated: m2p[p2m[pfn]] must be pfn for every pfn.
 *
 * readguest -s DOMID prints only the domain's state as Xen has it:
 * state=running, paused, shutdown:poweroff (reboot, suspend, crash,
 * watchdog, soft_reset), dying, or gone when there is no such domain.
 *
 * readguest -c DOMID MFN writes to stdout what the guest last wrote into
 * the console ring at machine frame MFN (xenstore's console/ring-ref):
 * the up to 2 KiB of its output ring before out_prod, which the ring
 * keeps after xenconsoled has read them.  The guest's own words, from
 * its memory, whatever xenconsoled made of them.
 *
 * Exit status: 0 when everything could be read, 1 otherwise (the reason
 * on stderr).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xenctrl.h>
#include <xenforeignmemory.h>
#include <xenguest.h>
#include <xen/io/console.h>

#include "util/xenabi.h"

struct reader {
    xc_interface *xch;
    xenforeignmemory_handle *fmem;
    uint32_t domid;
    xen_pfn_t *m2p;
    unsigned long max_mfn;
};

static void *map_frame(struct reader *r, xen_pfn_t mfn)
{
    int err = 0;
    void *p = xenforeignmemory_map(r->fmem, r->domid, PROT_READ, 1, &mfn, &err);

    if (p && err) {
        xenforeignmemory_unmap(r->fmem, p, 1);
        errno = -err;
        return NULL;
    }
    return p;
}

/*
 * The guest pfn of a machine frame, from Xen's M2P; ~0 when out of range
 * (max_mfn is Xen's max_page: one past the highest machine frame).
 */
static uint64_t pfn_of(const struct reader *r, uint64_t mfn)
{
    if (mfn >= r->max_mfn)
        return ~UINT64_C(0);
    return r->m2p[mfn];
}

/* Copy len bytes at guest virtual address va into buf, page by page. */
static int read_virt(struct reader *r, uint64_t va, void *buf, size_t len)
{
    unsigned char *out = buf;

    while (len) {
        uint64_t off = va & (PVB_PAGE_SIZE - 1);
        size_t n = PVB_PAGE_SIZE - off < len ? PVB_PAGE_SIZE - off : len;
        unsigned long mfn = xc_translate_foreign_address(r->xch, r->domid, 0, va);
        void *p;

        if (!mfn) {
            fprintf(stderr, "readguest: d%" PRIu32 ": virtual address 0x%" PRIx64
                    " is not mapped by vCPU 0's page tables\n", r->domid, va);
            return -1;
        }
        p = map_frame(r, mfn);
        if (!p) {
            fprintf(stderr, "readguest: d%" PRIu32 ": mapping mfn 0x%lx (va 0x%" PRIx64
                    "): %s\n", r->domid, mfn, va, strerror(errno));
            return -1;
        }
        memcpy(out, (unsigned char *)p + off, n);
        xenforeignmemory_unmap(r->fmem, p, 1);
        out += n;
        va += n;
        len -= n;
    }
    return 0;
}

/*
 * Walk the P->M list at mfn_list one page at a time: how many entries
 * disagree with Xen's M2P, and the first that does.
 */
static int check_p2m(struct reader *r, uint64_t mfn_list, uint64_t nr_pages)
{
    const uint64_t per_page = PVB_PAGE_SIZE / sizeof(uint64_t);
    uint64_t bad = 0, first_bad = ~UINT64_C(0), first_bad_mfn = 0;
    uint64_t *page = malloc(PVB_PAGE_SIZE);

    if (!page)
        return -1;
    for (uint64_t pfn = 0; pfn < nr_pages; pfn += per_page) {
        uint64_t n = nr_pages - pfn < per_page ? nr_pages - pfn : per_page;

        if (read_virt(r, mfn_list + pfn * sizeof(uint64_t), page, n * sizeof(uint64_t))) {
            free(page);
            return -1;
        }
        for (uint64_t i = 0; i < n; i++) {
            if (pfn_of(r, page[i]) != pfn + i) {
                if (!bad++) {
                    first_bad = pfn + i;
                    first_bad_mfn = page[i];
                }
            }
        }
    }
    free(page);
    printf("p2m_checked=%" PRIu64 "\n", nr_pages);
    printf("p2m_m2p_mismatches=%" PRIu64 "\n", bad);
    if (bad)
        printf("p2m_first_mismatch=pfn 0x%" PRIx64 " mfn 0x%" PRIx64 " m2p 0x%" PRIx64 "\n",
               first_bad, first_bad_mfn, pfn_of(r, first_bad_mfn));
    return 0;
}

static int read_guest(struct reader *r)
{
    vcpu_guest_context_any_t ctx;
    xc_domaininfo_t info;
    start_info_x86_64_t si;
    uint64_t cr3_mfn, si_mfn, pt_mfn;
    char cmdline[sizeof(si.cmd_line) + 1];

    if (xc_domain_getinfolist(r->xch, r->domid, 1, &info) != 1 || info.domain != r->domid) {
        fprintf(stderr, "readguest: d%" PRIu32 ": no such domain\n", r->domid);
        return -1;
    }
    printf("domid=%" PRIu32 "\n", r->domid);
    printf("tot_pages=%" PRIu64 "\n", (uint64_t)info.tot_pages);
    printf("max_pages=%" PRIu64 "\n", (uint64_t)info.max_pages);
    printf("vcpus=%u\n", info.max_vcpu_id + 1);

    if (xc_vcpu_getcontext(r->xch, r->domid, 0, &ctx)) {
        fprintf(stderr, "readguest: d%" PRIu32 ": xc_vcpu_getcontext(0): %s\n",
                r->domid, strerror(errno));
        return -1;
    }
    /* A 64-bit PV cr3 holds the top-level table's mfn << 12. */
    cr3_mfn = ctx.x64.ctrlreg[3] >> PVB_PAGE_SHIFT;
    printf("rip=0x%" PRIx64 "\n", (uint64_t)ctx.x64.user_regs.rip);
    printf("rsp=0x%" PRIx64 "\n", (uint64_t)ctx.x64.user_regs.rsp);
    printf("rsi=0x%" PRIx64 "\n", (uint64_t)ctx.x64.user_regs.rsi);
    printf("cr3_pfn=0x%" PRIx64 "\n", pfn_of(r, cr3_mfn));

    si_mfn = xc_translate_foreign_address(r->xch, r->domid, 0, ctx.x64.user_regs.rsi);
    if (!si_mfn) {
        fprintf(stderr, "readguest: d%" PRIu32 ": rsi 0x%" PRIx64 " (start_info) is not mapped\n",
                r->domid, (uint64_t)ctx.x64.user_regs.rsi);
        return -1;
    }
    printf("start_info_pfn=0x%" PRIx64 "\n", pfn_of(r, si_mfn));
    if (read_virt(r, ctx.x64.user_regs.rsi, &si, sizeof(si)))
        return -1;

    printf("magic=%.*s\n", (int)strnlen(si.magic, sizeof(si.magic)), si.magic);
    printf("nr_pages=%" PRIu64 "\n", si.nr_pages);
    printf("flags=0x%" PRIx32 "\n", si.flags);
    printf("store_pfn=0x%" PRIx64 "\n", pfn_of(r, si.store_mfn));
    printf("store_evtchn=%" PRIu32 "\n", si.store_evtchn);
    printf("console_pfn=0x%" PRIx64 "\n", pfn_of(r, si.console.domU.mfn));
    printf("console_evtchn=%" PRIu32 "\n", si.console.domU.evtchn);
    printf("pt_base=0x%" PRIx64 "\n", si.pt_base);
    printf("nr_pt_frames=%" PRIu64 "\n", si.nr_pt_frames);
    printf("mfn_list=0x%" PRIx64 "\n", si.mfn_list);
    printf("mod_start=0x%" PRIx64 "\n", si.mod_start);
    printf("mod_len=%" PRIu64 "\n", si.mod_len);
    printf("first_p2m_pfn=0x%" PRIx64 "\n", si.first_p2m_pfn);
    printf("nr_p2m_frames=%" PRIu64 "\n", si.nr_p2m_frames);
    memcpy(cmdline, si.cmd_line, sizeof(si.cmd_line));
    cmdline[sizeof(si.cmd_line)] = '\0';
    printf("cmd_line=%s\n", cmdline);

    /* pt_base is the virtual address of the table cr3 names. */
    pt_mfn = xc_translate_foreign_address(r->xch, r->domid, 0, si.pt_base);
    printf("pt_base_is_cr3=%d\n", pt_mfn != 0 && pt_mfn == cr3_mfn);

    return check_p2m(r, si.mfn_list, si.nr_pages);
}

static int print_state(xc_interface *xch, uint32_t domid)
{
    static const char *const reasons[] = {
        [SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
        [SHUTDOWN_suspend] = "suspend", [SHUTDOWN_crash] = "crash",
        [SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
    };
    xc_domaininfo_t info;
    int n = xc_domain_getinfolist(xch, domid, 1, &info);

    if (n < 0) {
        fprintf(stderr, "readguest: xc_domain_getinfolist(%" PRIu32 "): %s\n",
                domid, strerror(errno));
        return 1;
    }
    if (n == 0 || info.domain != domid) {
        puts("state=gone");
    } else if (info.flags & XEN_DOMINF_dying) {
        puts("state=dying");
    } else if (info.flags & XEN_DOMINF_shutdown) {
        unsigned code = (info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;

        if (code < sizeof reasons / sizeof reasons[0] && reasons[code])
            printf("state=shutdown:%s\n", reasons[code]);
        else
            printf("state=shutdown:%u\n", code);
    } else if (info.flags & XEN_DOMINF_paused) {
        puts("state=paused");
    } else {
        puts("state=running");
    }
    return 0;
}

static int print_console(struct reader *r, const char *arg)
{
    char *end;
    errno = 0;
    unsigned long long mfn = strtoull(arg, &end, 0);
    if (errno || *end || end == arg) {
        fprintf(stderr, "readguest: console ring frame \"%s\" is not a number\n", arg);
        return 2;
    }
    struct xencons_interface *ring = map_frame(r, (xen_pfn_t)mfn);
    if (!ring) {
        fprintf(stderr, "readguest: d%" PRIu32 ": mapping console frame 0x%llx: %s\n",
                r->domid, mfn, strerror(errno));
        return 1;
    }
    XENCONS_RING_IDX prod = ring->out_prod;
    __sync_synchronize();
    size_t n = prod < sizeof ring->out ? prod : sizeof ring->out;
    char buf[sizeof ring->out];
    for (size_t i = 0; i < n; i++)
        buf[i] = ring->out[MASK_XENCONS_IDX(prod - n + i, ring->out)];
    xenforeignmemory_unmap(r->fmem, ring, 1);
    if (fwrite(buf, 1, n, stdout) != n || fflush(stdout) != 0) {
        fprintf(stderr, "readguest: writing the console ring: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

/* xc_map_m2p maps whole 2 MiB chunks of the table. */
static size_t m2p_bytes(unsigned long max_mfn)
{
    const size_t chunk = (size_t)1 << 21;

    return (max_mfn * sizeof(xen_pfn_t) + chunk - 1) & ~(chunk - 1);
}

int main(int argc, char **argv)
{
    struct reader r = { 0 };
    unsigned long mfn0;
    char *end;
    int rc = 1;

    bool state_only = argc == 3 && strcmp(argv[1], "-s") == 0;
    bool console = argc == 4 && strcmp(argv[1], "-c") == 0;

    if (argc != 2 && !state_only && !console) {
        fprintf(stderr, "usage: readguest [-s] DOMID | readguest -c DOMID MFN\n");
        return 2;
    }
    const char *arg = argv[console ? 2 : argc - 1];
    errno = 0;
    unsigned long domid = strtoul(arg, &end, 0);
    if (errno || *end || end == arg || domid >= DOMID_FIRST_RESERVED) {
        fprintf(stderr, "readguest: domain id \"%s\" is not a number below %u\n",
                arg, DOMID_FIRST_RESERVED);
        return 2;
    }
    r.domid = domid;

    /* -s runs in every wait loop: it opens only what it reads with. */
    r.xch = xc_interface_open(NULL, NULL, 0);
    r.fmem = state_only ? NULL : xenforeignmemory_open(NULL, 0);
    if (!r.xch || (!state_only && !r.fmem)) {
        fprintf(stderr, "readguest: cannot open Xen's interfaces (%s): not in dom0?\n",
                strerror(errno));
        goto out;
    }
    if (state_only) {
        rc = print_state(r.xch, r.domid);
        goto out;
    }
    if (console) {
        rc = print_console(&r, argv[3]);
        goto out;
    }
    if (xc_maximum_ram_page(r.xch, &r.max_mfn)) {
        fprintf(stderr, "readguest: xc_maximum_ram_page: %s\n", strerror(errno));
        goto out;
    }
    r.m2p = xc_map_m2p(r.xch, r.max_mfn, PROT_READ, &mfn0);
    if (!r.m2p) {
        fprintf(stderr, "readguest: xc_map_m2p: %s\n", strerror(errno));
        goto out;
    }
    if (read_guest(&r) == 0)
        rc = 0;
out:
    if (r.m2p)
        munmap(r.m2p, m2p_bytes(r.max_mfn));
    if (r.fmem)
        xenforeignmemory_close(r.fmem);
    if (r.xch)
        xc_interface_close(r.xch);
    return rc;
}
