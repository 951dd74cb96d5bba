/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
/* Shared by the builder tests: Debian's kernel and sim helpers. */
#ifndef PVB_TESTS_BUILD_COMMON_H
#define PVB_TESTS_BUILD_COMMON_H

#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "kernel.h"
#include "host/sim.h"
#include "pvbuild.h"
#include "tap.h"

/* Debian's kernel as the harness found it (tests/kernel.h), or NULL. */
static inline const char *debian_kernel(void)
{
    return test_kernel();
}

/*
 * Debian's kernel opened, or the test ends here: skipped without one (a
 * plan of 0), bailed out when it cannot be opened.
 */
static inline pvb_image *debian_image_or_exit(void)
{
    const char *kernel = debian_kernel();
    if (!kernel) {
        printf("1..0 # SKIP no Debian kernel (install linux-image-amd64, or "
               "scripts/find-kernel --fetch)\n");
        exit(0);
    }
    pvb_image *img;
    pvb_error err = { 0 };
    if (pvb_image_open_file(kernel, NULL, &img, &err) < 0) {
        printf("Bail out! %s\n", err.msg);
        exit(1);
    }
    return img;
}

/* The pages a domain holds, or all ones when the host cannot say. */
static inline uint64_t domain_pages(pvb_host *h, uint32_t domid)
{
    struct host_domain_info info;
    pvb_error err;
    if (h->ops->domain_info(h, domid, &info, &err) < 0)
        return ~UINT64_C(0);
    return info.nr_pages;
}

/* An empty domain named `name` that may hold max_pages; a failure is a
 * diagnostic, the test's checks then fail on domid 0. */
static inline uint32_t new_domain(pvb_host *h, const char *name, uint64_t max_pages,
                                  unsigned vcpus)
{
    struct host_domain_config dc = { .name = name, .max_vcpus = vcpus,
                                     .max_pages = max_pages };
    uint32_t domid = 0;
    pvb_error err;
    if (h->ops->domain_create(h, &dc, &domid, &err) < 0)
        diag("domain_create: %s", err.msg);
    return domid;
}

/* A ramdisk of `size` bytes of non-zero, position-dependent content. */
static inline pvb_ramdisk *make_ramdisk(uint64_t size)
{
    unsigned char *buf = malloc(size);
    pvb_ramdisk *rd = NULL;
    pvb_error err;
    if (!buf)
        return NULL;
    for (uint64_t i = 0; i < size; i++)
        buf[i] = (unsigned char)(i * 131 + (i >> 12) + 1);
    if (pvb_ramdisk_open_mem("test-ramdisk", buf, size, NULL, &rd, &err) < 0)
        rd = NULL;
    free(buf);
    return rd;
}


/* Plan cfg, place it on the host's NUMA nodes, build it into domid; *plan
 * is the caller's to free (the previous one is freed first). */
static inline int plan_place_build(pvb_host *h, const pvb_image *img, uint32_t domid,
                                   const struct pvb_config *cfg, struct pvb_plan **plan,
                                   pvb_error *err)
{
    pvb_free(*plan);
    *plan = NULL;
    int rc = pvb_plan_make(pvb_image_guest(img), cfg, 0, plan, err);
    if (rc == 0)
        rc = pvb_plan_place_numa(*plan, h, err);
    if (rc == 0)
        rc = pvb_build(h, domid, img, NULL, *plan, NULL, NULL, err);
    return rc;
}

/* A word of a frame of the domain. */
static inline uint64_t guest_u64(pvb_host *h, uint32_t domid, xen_pfn_t mfn, size_t off)
{
    pvb_error err;
    uint64_t v = 0;
    unsigned char *p = h->ops->map(h, domid, HOST_MAP_READ, 1, &mfn, &err);
    if (p) {
        memcpy(&v, p + off, sizeof v);
        h->ops->unmap(h, p, 1);
    }
    return v;
}

/* The frame the P->M list gives for pfn, read through the guest's list. */
static inline uint64_t guest_p2m_entry(pvb_host *h, const struct pvb_plan *plan,
                                       const struct pvb_domain *dom, uint64_t pfn)
{
    /* Through the guest's own tables: cr3 -> L4 -> L3 -> L2 -> L1 -> list page. */
    uint64_t va = plan->si.mfn_list + pfn * 8;
    uint64_t table = dom->build.l4_mfn;
    for (int level = 3; level >= 0; level--) {
        unsigned idx = (unsigned)(va >> (12 + 9 * level)) & 511;
        uint64_t e = guest_u64(h, dom->domid, table, idx * 8);
        if (!(e & 1))
            return ~UINT64_C(0);
        table = (e & UINT64_C(0x000ffffffffff000)) >> 12;
    }
    return guest_u64(h, dom->domid, table, (va & 4095));
}

#include <elf.h>
#include <xen/elfnote.h>

struct test_kernel {
    bool init_p2m;
    uint64_t init_p2m_addr;
    bool mod_start_pfn;
    bool hypercall_page;
    uint64_t text_bytes, bss_bytes;
    const char *features;    /* the FEATURES note; NULL: Linux's "!writable_page_tables" */
};

static inline size_t put_note(unsigned char *p, unsigned type, const void *desc,
                              uint32_t len)
{
    Elf64_Nhdr nh = { .n_namesz = 4, .n_descsz = len, .n_type = type };
    memcpy(p, &nh, sizeof nh);
    memcpy(p + sizeof nh, "Xen", 4);
    memcpy(p + sizeof nh + 4, desc, len);
    return sizeof nh + 4 + ((len + 3) & ~3u);
}

static inline size_t put_note64(unsigned char *p, unsigned type, uint64_t v)
{
    return put_note(p, type, &v, 8);
}

/*
 * A small x86_64 PV "kernel" as an ELF image in memory: one PT_LOAD with
 * text and bss at 0xffffffff81000000, Xen notes as Linux writes them.
 */
static inline pvb_image *make_test_kernel(const struct test_kernel *k)
{
    const uint64_t vbase = UINT64_C(0xffffffff80000000), kstart = vbase + 0x1000000;
    size_t text = k->text_bytes ? k->text_bytes : 0x3000;
    size_t size = 0x1000 + text;
    unsigned char *buf = calloc(1, size);
    Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
    Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof *eh);
    unsigned char *notes = buf + sizeof *eh + 2 * sizeof *ph, *n = notes;
    pvb_image *img = NULL;
    pvb_error err;

    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_X86_64;
    eh->e_version = EV_CURRENT;
    eh->e_entry = kstart;
    eh->e_phoff = sizeof *eh;
    eh->e_ehsize = sizeof *eh;
    eh->e_phentsize = sizeof *ph;
    eh->e_phnum = 2;

    n += put_note64(n, XEN_ELFNOTE_VIRT_BASE, vbase);
    n += put_note64(n, XEN_ELFNOTE_PADDR_OFFSET, 0);
    n += put_note64(n, XEN_ELFNOTE_ENTRY, kstart);
    n += put_note(n, XEN_ELFNOTE_GUEST_OS, "linux", 6);
    n += put_note(n, XEN_ELFNOTE_XEN_VERSION, "xen-3.0", 8);
    n += put_note(n, XEN_ELFNOTE_LOADER, "generic", 8);
    const char *features = k->features ? k->features : "!writable_page_tables";
    n += put_note(n, XEN_ELFNOTE_FEATURES, features, (uint32_t)strlen(features) + 1);
    if (k->init_p2m)
        n += put_note64(n, XEN_ELFNOTE_INIT_P2M, k->init_p2m_addr);
    if (k->mod_start_pfn)
        n += put_note64(n, XEN_ELFNOTE_MOD_START_PFN, 1);
    if (k->hypercall_page)
        n += put_note64(n, XEN_ELFNOTE_HYPERCALL_PAGE, kstart + 0x1000);

    ph[0].p_type = PT_LOAD;
    ph[0].p_flags = PF_R | PF_W | PF_X;
    ph[0].p_offset = 0x1000;
    ph[0].p_vaddr = kstart;
    ph[0].p_paddr = kstart - vbase;
    ph[0].p_filesz = text;
    ph[0].p_memsz = text + (k->bss_bytes ? k->bss_bytes : 0x5000);
    ph[0].p_align = 0x1000;
    ph[1].p_type = PT_NOTE;
    ph[1].p_offset = (uint64_t)(notes - buf);
    ph[1].p_filesz = ph[1].p_memsz = (uint64_t)(n - notes);
    ph[1].p_align = 4;
    for (size_t i = 0; i < text; i++)
        buf[0x1000 + i] = (unsigned char)(0x90 + i % 7);

    if (pvb_image_open_mem("test-kernel", buf, size, NULL, &img, &err) < 0) {
        printf("# test kernel: %s\n", err.msg);
        img = NULL;
    }
    free(buf);
    return img;
}

#endif
