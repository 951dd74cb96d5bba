/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libpvbuild: build Xen PV x86_64 domains, with the initial P->M list
 * placed outside the kernel's initial mapping.
 *
 * Conventions: every function that can fail returns 0 or a negative errno
 * value and, when `err` is not NULL, fills it with a one-line message that
 * names the file, the field and the limit.  The library never prints: it
 * reports warnings and progress through the caller's pvb_logger, which
 * comes in one way only: the `log` member of the call's options struct.
 *
 * Options structs open with `unsigned int version`; initialise them with
 * their PVB_*_OPTS_INIT (struct pvb_image_opts o = PVB_IMAGE_OPTS_INIT;,
 * a designated initialiser, so -Wmissing-field-initializers stays quiet)
 * and set the fields you need.  A NULL options pointer means all
 * defaults; a version the library does not know (0, or newer than it)
 * fails with -EINVAL.  Arguments come in one order: the object acted on
 * and the inputs, the options, the outputs, and `err` last.
 *
 * Ownership: what the library allocates for the caller (the plan of
 * pvb_plan_make, the report of pvb_verify, pvb_decompress's buffer) is
 * released with pvb_free; read their fields, but never allocate, copy or
 * embed those structs: fields are only ever appended, so their size may
 * grow.  The small result structs the caller provides (pvb_build_result,
 * pvb_domain, pvb_domain_state) are frozen and end in `reserved` words the
 * library zeroes.  Handles (pvb_image, pvb_ramdisk, pvb_host, ...) have
 * their own close functions.
 *
 * Thread safety: distinct objects may be used from different threads at
 * once; one object (a host, an image, ...) from one thread at a time.
 * pvb_version, pvb_*_name, pvb_compression_sniff and pvb_free are safe
 * from anywhere.
 */
#ifndef PVBUILD_H
#define PVBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <xen/elfnote.h>      /* note types are Xen's XEN_ELFNOTE_* */

#include "pvbuild/version.h"   /* PVB_VERSION_MAJOR/MINOR/PATCH, _NUMBER */

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- basics */

#define PVB_ERROR_MAX 512

typedef struct pvb_error {
    int code;                   /* negative errno value, 0 when no error */
    char msg[PVB_ERROR_MAX];    /* one line, no trailing newline */
} pvb_error;

enum pvb_log_level {
    PVB_LOG_ERROR = 0,
    PVB_LOG_WARNING = 1,
    PVB_LOG_INFO = 2,
    PVB_LOG_DEBUG = 3,
};

typedef void pvb_log_fn(void *opaque, enum pvb_log_level level,
                        const char *message);

/* A NULL logger, or one with a NULL fn, discards every message. */
typedef struct pvb_logger {
    pvb_log_fn *fn;
    void *opaque;
} pvb_logger;

/*
 * The version of the library running ("0.1.0"): a static string, never
 * NULL, safe from any thread.  PVB_VERSION is that of the headers.
 */
const char *pvb_version(void);

/* Release what the library allocated for the caller; NULL is ignored. */
void pvb_free(void *p);

/* --------------------------------------------------------- decompression */

enum pvb_compression {
    PVB_COMP_NONE = 0,
    PVB_COMP_GZIP,
    PVB_COMP_BZIP2,
    PVB_COMP_LZMA,
    PVB_COMP_XZ,
    PVB_COMP_LZO,     /* lzop file format */
    PVB_COMP_LZ4,     /* lz4 legacy frame, as Linux's bzImage uses */
    PVB_COMP_ZSTD,
};

/* Defaults applied when a limit is 0. */
#define PVB_DEFAULT_MAX_OUTPUT      (UINT64_C(1) << 30)   /* 1 GiB */
#define PVB_DEFAULT_MAX_DECODER_MEM (UINT64_C(256) << 20) /* 256 MiB */
/* A limit of PVB_UNLIMITED disables it. */
#define PVB_UNLIMITED UINT64_MAX

struct pvb_limits {
    uint64_t max_output;       /* bytes a decompression may produce */
    uint64_t max_decoder_mem;  /* memory the xz/lzma decoder may use */
};

/* "gzip", "xz", ... ; "none" for PVB_COMP_NONE. */
const char *pvb_compression_name(enum pvb_compression c);

/* Recognise a compressed stream by its magic; PVB_COMP_NONE if none. */
enum pvb_compression pvb_compression_sniff(const void *data, size_t len);

/*
 * Opening an image and building a domain report each phase's duration
 * through the logger at PVB_LOG_INFO as "timing: NAME SECONDS s" (names:
 * read, cache (look-up), decompress or copy, elf, cache-write,
 * domain-create, checks, populate, load, start-info, tables, boot).
 * This reads such a message back: 0 with the
 * name (NUL-terminated, fitting name_len) and seconds, or -1 if the
 * message is no timing.
 */
int pvb_timing_parse(const char *message, char *name, size_t name_len,
                     double *seconds);

/*
 * Decompress a whole stream into a new buffer (*out, *out_len; release it
 * with pvb_free).
 * Output beyond limits->max_output is never written: the call fails with
 * -EFBIG as soon as the cap is reached.  `what` names the input in errors.
 */
int pvb_decompress(enum pvb_compression c, const void *in, size_t in_len,
                   const struct pvb_limits *limits, const char *what,
                   void **out, size_t *out_len, pvb_error *err);

/* ----------------------------------------------------------- kernel image */

enum pvb_image_format {
    PVB_FORMAT_ELF = 1,      /* plain ELF */
    PVB_FORMAT_BZIMAGE,      /* Linux bzImage, boot protocol >= 2.08 */
    PVB_FORMAT_COMPRESSED,   /* a whole-file compressed ELF (vmlinux.gz) */
};

const char *pvb_format_name(enum pvb_image_format f);

/* One PT_LOAD segment of the kernel ELF. */
struct pvb_image_segment {
    uint64_t paddr;     /* p_paddr */
    uint64_t vaddr;     /* where the builder loads it: paddr + virt_base - paddr_offset */
    uint64_t elf_vaddr; /* p_vaddr as written in the file */
    uint64_t offset;    /* p_offset into the ELF */
    uint64_t filesz;
    uint64_t memsz;
    uint32_t flags;     /* PF_R | PF_W | PF_X */
};

/* Feature names known to Xen's public features.h (submap 0). */
const char *pvb_feature_name(unsigned bit);   /* NULL if unknown */
int pvb_feature_from_name(const char *name);  /* bit, or -1 */

/* "ENTRY", "INIT_P2M", ... for a XEN_ELFNOTE_* type; NULL if unknown. */
const char *pvb_note_name(unsigned type);

#define PVB_NOTE_STR_MAX 256

/*
 * What the guest kernel announces, and where it came from.  Numeric notes
 * have a matching bit in notes_seen (bit n = XEN_ELFNOTE type n); values of
 * notes that were not seen are 0.
 */
struct pvb_guest {
    enum pvb_image_format format;
    enum pvb_compression compression;   /* of the payload / file, or NONE */
    uint64_t file_size;                 /* the file as given */
    uint64_t payload_size;              /* compressed bytes (== file_size if none) */
    uint64_t elf_size;                  /* bytes of the ELF after decompression */
    uint16_t bzimage_version;           /* boot protocol, e.g. 0x020f; 0 if not */

    int elf_class;                      /* 32 or 64 */
    int elf_machine;                    /* EM_X86_64 or EM_386 */
    uint64_t elf_entry;                 /* e_entry */

    uint64_t notes_seen;                /* 1 << XEN_ELFNOTE_* */
    bool legacy_guest_info;             /* facts came from __xen_guest */
    unsigned notes_skipped;             /* malformed notes skipped with a warning */

    /* The values the builder uses, defaults applied (as libxenguest's libelf). */
    uint64_t virt_base;
    uint64_t paddr_offset;
    uint64_t entry;                     /* ENTRY note, else e_entry */
    uint64_t hypercall_page;            /* virtual address, if the note is seen */
    uint64_t init_p2m;                  /* virtual address, if the note is seen */
    uint64_t mod_start_pfn;             /* note value, if seen */
    uint64_t hv_start_low;
    uint64_t paddr_start, paddr_end;    /* lowest/highest physical of PT_LOADs */
    uint64_t virt_kstart, virt_kend;    /* the kernel's virtual extent */
    uint64_t l1_mfn_valid[2];           /* as in the note: mask, value */
    unsigned l1_mfn_valid_count;
    uint64_t suspend_cancel;
    uint64_t phys32_entry;
    uint32_t supported_features;        /* SUPPORTED_FEATURES note bitmap */
    uint32_t features_supported;        /* from FEATURES: named features */
    uint32_t features_required;         /* from FEATURES: those with '!' */

    char guest_os[PVB_NOTE_STR_MAX];
    char guest_version[PVB_NOTE_STR_MAX];
    char xen_version[PVB_NOTE_STR_MAX];
    char loader[PVB_NOTE_STR_MAX];
    char pae_mode[PVB_NOTE_STR_MAX];
    char bsd_symtab[PVB_NOTE_STR_MAX];
    char features[PVB_NOTE_STR_MAX];    /* the FEATURES string as written */
    /*
     * The first feature FEATURES requires ('!') by a name Xen's features.h
     * does not know (cut to 63 bytes), or "": such a kernel is not built.
     */
    char features_required_unknown[64];

    size_t nr_segments;
    const struct pvb_image_segment *segments;
};

static inline bool pvb_guest_has_note(const struct pvb_guest *g, unsigned type)
{
    return type < 64 && (g->notes_seen >> type) & 1;
}

/* The value of a string note (GUEST_OS, FEATURES, ...); NULL for other types. */
const char *pvb_guest_note_string(const struct pvb_guest *g, unsigned type);

/*
 * The value of a numeric note (`type` is a XEN_ELFNOTE_* of <xen/elfnote.h>:
 * ENTRY, HYPERCALL_PAGE, VIRT_BASE, PADDR_OFFSET, HV_START_LOW,
 * L1_MFN_VALID (its mask), SUSPEND_CANCEL, INIT_P2M, MOD_START_PFN,
 * SUPPORTED_FEATURES, PHYS32_ENTRY) into *value: 0; -ENOENT when the
 * kernel has no such note (*value 0); -EINVAL when type is not a numeric
 * note or an argument is NULL.
 */
int pvb_guest_note_value(const struct pvb_guest *g, unsigned type, uint64_t *value);

typedef struct pvb_image pvb_image;

/*
 * The decompressed-kernel cache.  A compressed kernel (bzImage payload or
 * whole file) decoded once is kept in `cache_dir` under a hash of the
 * file's bytes, the limits and the entry format, and read back from
 * there (its digests checked as it is read) instead of decoded again.  A bad
 * entry (truncated, altered, another version) is ignored with a warning
 * and replaced; a directory that cannot be written, or that others than
 * its owner may write, is a warning, never a failure.  The directory is
 * made mode 0700; the least recently used entries go when the entries
 * pass cache_max_bytes.  Plain ELF files are never cached.  A gzip
 * ramdisk's gunzipped bytes are kept the same way (pvb_ramdisk_opts, from
 * version 2), in the same directory and under the same cap.
 */
#define PVB_DEFAULT_CACHE_DIR "/var/cache/pvbuild"
#define PVB_DEFAULT_CACHE_MAX (UINT64_C(512) << 20)   /* 512 MiB */

#define PVB_IMAGE_OPTS_VERSION 1
struct pvb_image_opts {
    unsigned int version;        /* PVB_IMAGE_OPTS_VERSION */
    struct pvb_limits limits;    /* zeros: the defaults */
    const pvb_logger *log;       /* warnings (skipped notes, ...) */
    const char *cache_dir;       /* NULL: no cache (the CLI's default is
                                    PVB_DEFAULT_CACHE_DIR) */
    uint64_t cache_max_bytes;    /* 0: PVB_DEFAULT_CACHE_MAX */
};
#define PVB_IMAGE_OPTS_INIT { .version = PVB_IMAGE_OPTS_VERSION }

/*
 * A plain ELF (or a cache hit) is read for its headers and notes only; the
 * image keeps the file open and pvb_build reads the segments from it into
 * the guest (-ESTALE if a plain ELF file changed since; a cache entry
 * whose bytes prove bad is decoded again, with a warning).
 */
int pvb_image_open_file(const char *path, const struct pvb_image_opts *opts,
                        pvb_image **out, pvb_error *err);
/* `name` is used in messages; the bytes are copied. */
int pvb_image_open_mem(const char *name, const void *data, size_t len,
                       const struct pvb_image_opts *opts, pvb_image **out,
                       pvb_error *err);
void pvb_image_close(pvb_image *img);

/* The guest's description, owned by img: valid until pvb_image_close. */
const struct pvb_guest *pvb_image_guest(const pvb_image *img);
const char *pvb_image_name(const pvb_image *img);
/* The whole (decompressed) ELF; from a file, read on the first call (NULL
 * if a plain ELF file changed since the open). */
const void *pvb_image_elf(const pvb_image *img, size_t *len);
/* The file bytes of segment i (filesz of them); NULL as pvb_image_elf. */
const void *pvb_image_segment_data(const pvb_image *img, size_t i);

/* --------------------------------------------------------------- ramdisk */

typedef struct pvb_ramdisk pvb_ramdisk;

#define PVB_RAMDISK_OPTS_VERSION 2
struct pvb_ramdisk_opts {
    unsigned int version;        /* PVB_RAMDISK_OPTS_VERSION */
    struct pvb_limits limits;
    bool keep_compressed;        /* load a gzip ramdisk as it is */
    const pvb_logger *log;
    /* Version 2: the gunzipped ramdisk is cached as a decoded kernel is
     * (pvb_image_opts), keyed by the gzip file's bytes and the limits. */
    const char *cache_dir;       /* NULL: no cache */
    uint64_t cache_max_bytes;    /* 0: PVB_DEFAULT_CACHE_MAX */
};
#define PVB_RAMDISK_OPTS_INIT { .version = PVB_RAMDISK_OPTS_VERSION }

/*
 * A ramdisk file that is not gunzipped is not read here: its size comes
 * from fstat, it stays open, and the builder copies it into the guest,
 * so one that the guest cannot hold fails the layout before it is read.
 * Anything but a regular file (a FIFO, socket, device) is refused at once.
 */
int pvb_ramdisk_open_file(const char *path, const struct pvb_ramdisk_opts *opts,
                          pvb_ramdisk **out, pvb_error *err);
int pvb_ramdisk_open_mem(const char *name, const void *data, size_t len,
                         const struct pvb_ramdisk_opts *opts, pvb_ramdisk **out,
                         pvb_error *err);
void pvb_ramdisk_close(pvb_ramdisk *rd);
/* The bytes, read from the file on first use; NULL if that read fails. */
const void *pvb_ramdisk_data(const pvb_ramdisk *rd);
uint64_t pvb_ramdisk_size(const pvb_ramdisk *rd);        /* bytes loaded */
uint64_t pvb_ramdisk_file_size(const pvb_ramdisk *rd);   /* bytes in the file */
enum pvb_compression pvb_ramdisk_compression(const pvb_ramdisk *rd); /* of the file */
bool pvb_ramdisk_decompressed(const pvb_ramdisk *rd);


/* ---------------------------------------------------------- build config */

enum pvb_p2m_placement {
    PVB_P2M_DEFAULT = 0,  /* the kernel's INIT_P2M address if it has one, else inside */
    PVB_P2M_ADDRESS,      /* at pvb_config.p2m_vaddr, outside the initial mapping */
    PVB_P2M_INSIDE,       /* inside the initial mapping, as pre-INIT_P2M builders did */
};

#define PVB_DEFAULT_MEMORY_MIB 256
/* A domain's name is at most PVB_DOMAIN_NAME_MAX - 1 bytes (63): longer
 * ones are refused wherever a name is given, never cut short. */
#define PVB_DOMAIN_NAME_MAX 64

/*
 * What to build.  Strings are malloc'd and owned by the config
 * (pvb_config_free releases them); zero numbers mean "the default",
 * resolved in one place (lib/config) for the plan, the build and
 * pvb_domain_create alike.
 */
struct pvb_config {
    char *name;
    char *kernel;                /* path */
    char *ramdisk;               /* path, or NULL */
    char *cmdline;               /* or NULL */
    uint64_t memory_mib;         /* 0: PVB_DEFAULT_MEMORY_MIB */
    uint64_t maxmem_mib;         /* 0: memory_mib */
    unsigned vcpus;              /* 0: 1 */
    unsigned max_vcpus;          /* 0: vcpus */
    enum pvb_p2m_placement p2m;
    uint64_t p2m_vaddr;          /* with PVB_P2M_ADDRESS */
    /* xl's on_poweroff, on_reboot, on_watchdog, on_crash as written (or
     * NULL); pvb_lifecycle_policy_from_config (pvbuild/lifecycle.h)
     * reads them. */
    char *on_poweroff, *on_reboot, *on_watchdog, *on_crash;
    /*
     * xl's cpus= (vCPU hard affinity) and cpus_soft= (soft affinity), in
     * xl's syntax: "all", cpus and ranges "0-3,^2", "nodes:1" (the cpus of
     * those NUMA nodes), comma separated; or NULL.  One text applies to
     * every vCPU; a per-vCPU list (xl's ["2", "3"]) is its items each
     * followed by ';' ("2;3;"): item i for vCPU i, later vCPUs unpinned.
     */
    char *cpus, *cpus_soft;
    /*
     * xl's vnuma=: the guest's virtual NUMA nodes, each as its items
     * separated by ' ' ("pnode=0 size=512 vcpus=0-1 vdistances=10,20"),
     * nodes separated by ';'; or NULL.  Sizes (MiB) must sum to memory
     * and the vcpus lists cover every vCPU once (pvb_config_check).
     */
    char *vnuma;
    /*
     * Room for keys a later release reads: the struct's size is frozen
     * (docs/api-stability.md), so a new field takes one of these
     * pointer-sized slots.  pvb_config_init zeroes them and the library
     * never reads them; callers leave them alone.
     */
    uintptr_t reserved[8];
};

void pvb_config_init(struct pvb_config *cfg);
void pvb_config_free(struct pvb_config *cfg);
/*
 * Check a config as every later step will: maxmem (0: memory) not below
 * memory (0: PVB_DEFAULT_MEMORY_MIB), memory within
 * PVB_PLAN_MAX_MEMORY_MIB, vcpus (0: 1) not above max_vcpus (0: vcpus),
 * a known P->M placement.  pvb_plan_make, pvb_build's plan and
 * pvb_domain_create refuse exactly what this refuses, with its message.
 */
int pvb_config_check(const struct pvb_config *cfg, pvb_error *err);

/* Replace a string field (copying value; NULL clears it). */
int pvb_config_set_string(char **field, const char *value, pvb_error *err);

/*
 * Parse a P->M placement as the CLI and xl config take it: "inside",
 * "default", or a virtual address (0x... hex or decimal).  Only the syntax
 * is checked here; the layout checks the address against the guest.
 */
int pvb_p2m_parse(const char *text, enum pvb_p2m_placement *mode,
                  uint64_t *vaddr, pvb_error *err);

#define PVB_XL_OPTS_VERSION 1
struct pvb_xl_opts {
    unsigned int version;             /* PVB_XL_OPTS_VERSION */
    const char *const *overrides;     /* "KEY=VALUE", nr_overrides of them */
    size_t nr_overrides;
    const pvb_logger *log;
};
#define PVB_XL_OPTS_INIT { .version = PVB_XL_OPTS_VERSION }

/*
 * Read an xl domain config file (xl.cfg(5)) with Xen's libxlutil into cfg.
 * opts->overrides are "KEY=VALUE" strings applied after the file, as with
 * `xl create FILE KEY=VALUE...`.  Relative kernel/ramdisk paths are taken
 * relative to the file's directory.  Keys pvbuild does not act on are
 * reported in one warning through opts->log.
 */
int pvb_config_read_xl(struct pvb_config *cfg, const char *path,
                       const struct pvb_xl_opts *opts, pvb_error *err);


/* ------------------------------------------------------------------ hosts */

/*
 * A host is where a domain's frames live: real Xen, or the simulated
 * machine that enforces Xen's rules in-process (the default with no Xen),
 * or one of the caller's own (pvbuild/sys/host.h).  One host is used from
 * one thread at a time; distinct hosts may be used from different threads.
 *
 * Options structs open with `version` (PVB_*_OPTS_VERSION); a NULL options
 * pointer means all defaults.  A version this library does not know (0,
 * or newer than it) fails with -EINVAL.
 */
typedef struct pvb_host pvb_host;

struct pvb_host_opts {
    unsigned int version;     /* PVB_HOST_OPTS_VERSION */
    const pvb_logger *log;    /* the host's messages; NULL: none */
    /*
     * Version 2.  The kernel's and ramdisk's mappings of a domain that a
     * successful pvb_build (or pvb_domain_create) leaves paused are
     * released at pvb_host_close, or at process exit, not at once: in a
     * Xen PV dom0 munmap clears each PTE through the hypervisor (tens of
     * ms for a distribution kernel), while at exit Linux unpins the page
     * tables first and drops them whole.  For a caller that exits with
     * the domain paused.  A writable mapping of a frame keeps the guest
     * from using it as a page table, and a domain destroyed while mapped
     * stays a zombie, so pvb_domain_unpause and pvb_domain_destroy (and
     * every other unpause or destroy the library makes) release the
     * domain's mappings first; a failed build releases them at once.  So
     * such a domain is unpaused through this host, or after it is closed.
     * false (and version 1): every mapping is released when it is done.
     */
    bool keep_mappings;
};
#define PVB_HOST_OPTS_VERSION 2
#define PVB_HOST_OPTS_INIT { .version = PVB_HOST_OPTS_VERSION }

struct pvb_sim_opts {
    unsigned int version;     /* PVB_SIM_OPTS_VERSION */
    uint64_t machine_bytes;   /* 0: large enough for multi-TiB guests */
    uint64_t seed;            /* how machine frames are scattered */
    const pvb_logger *log;
    /* NUMA nodes (0: one), equal parts of machine memory in mfn order. */
    unsigned nr_nodes;
};
#define PVB_SIM_OPTS_VERSION 1
#define PVB_SIM_OPTS_INIT { .version = PVB_SIM_OPTS_VERSION }

int pvb_host_sim_open(const struct pvb_sim_opts *opts, pvb_host **out,
                      pvb_error *err);

/*
 * This machine's Xen, as dom0, through libxenctrl, libxenforeignmemory and
 * libxenstore (never libxenguest), with handles of its own that
 * pvb_host_close closes.  Without Xen it fails with -ENOENT and
 * "xen: cannot open the hypervisor interface (/dev/xen/privcmd): No such
 * file or directory; is this a Xen dom0?".  libxenctrl's own messages go
 * to opts->log at debug level; the failures that matter come back in `err`.
 * A toolstack with handles of its own uses pvb_host_xen_open_handles
 * (pvbuild/xen.h).
 */
int pvb_host_xen_open(const struct pvb_host_opts *opts, pvb_host **out,
                      pvb_error *err);

/*
 * Open a host by kind: "sim" (the defaults of pvb_sim_opts) or "xen" (this
 * machine's hypervisor, through /dev/xen/privcmd; fails clearly when it is
 * absent).
 */
int pvb_host_open(const char *kind, const struct pvb_host_opts *opts,
                  pvb_host **out, pvb_error *err);

/*
 * Read what the guest wrote to its console ring since the last call (at
 * most len bytes into buf, *got of them), as a console backend does.
 */
int pvb_console_read(pvb_host *h, uint32_t domid, uint64_t console_mfn,
                     char *buf, size_t len, size_t *got, pvb_error *err);
void pvb_host_close(pvb_host *h);

/*
 * The feature flags (XENFEAT_* bits of xen/features.h, submap 0) the host's
 * hypervisor reports to the caller: XENVER_get_features on Xen; on the
 * simulated host a fixed set, what Xen 4.17 reports to a 64-bit PV dom0
 * (memory_op_vnode_supported, mmu_pt_update_preserve_ad, highmem_assist,
 * gnttab_map_avail_bits, dom0, direct_mapped).  pvb_build refuses a kernel
 * whose FEATURES note requires a feature neither these (less dom0's own)
 * nor the builder provide.
 */
int pvb_host_features(pvb_host *h, uint32_t *features, pvb_error *err);

/* ----------------------------------------------- before pvb_build: a domain */

/*
 * What a domain must have before pvb_build, on any host (facts of Xen
 * 4.17's domctls; the simulated host enforces the same):
 *
 *  - It exists, as a PV domain (XEN_DOMCTL_createdomain without
 *    XEN_DOMCTL_CDF_hvm), paused, and empty: no memory populated yet
 *    (getdomaininfo's tot_pages 0).  pvb_build populates every frame of
 *    the guest itself (XENMEM_populate_physmap, 2 MiB extents first).
 *  - max_pages (XEN_DOMCTL_max_mem, set in KiB) of at least the guest's
 *    memory: memory_mib * 256 pages (pvb_plan.nr_pages).  Xen refuses a
 *    populate beyond it with -ENOMEM.  shared_info is Xen's own frame and
 *    does not count.
 *  - vCPUs: at least the config's max_vcpus (or vcpus).  Xen 4.17 bounds
 *    them at createdomain (max_vcpus) and allocates them with
 *    XEN_DOMCTL_max_vcpus; pvb_build sets vCPU 0's context
 *    (XEN_DOMCTL_setvcpucontext) and leaves the others to the guest
 *    (VCPUOP_initialise).
 *  - Address size: Xen creates a PV domain 64-bit; pvb_build sets 64
 *    (XEN_DOMCTL_set_address_size) and builds x86_64 guests only.
 *  - Event channels: two unbound ports in the domain that backend_domid
 *    may bind (EVTCHNOP_alloc_unbound), one for the console and one for
 *    xenstore, passed in pvb_build_opts; pvb_build writes them into
 *    start_info.  A grant table of at least one frame (createdomain's
 *    max_grant_frames): pvb_build writes entries 0 (console) and 1
 *    (xenstore) for backend_domid.
 *
 * Who does what: the caller creates the domain and its event channels
 * (these calls, or its own libxenctrl calls on a host from
 * pvb_host_xen_open_handles); pvb_build loads and sets up the guest and
 * leaves it paused; the caller then tells xenstored
 * (pvb_domain_introduce, or its own XS_INTRODUCE with the store mfn and
 * port), unpauses it, and destroys it when done.  pvb_domain_create does
 * all of it but the unpause.
 */
struct pvb_empty_domain_opts {
    unsigned int version;     /* PVB_EMPTY_DOMAIN_OPTS_VERSION */
    const char *name;         /* kept for pvb_domain_introduce; may be NULL */
    unsigned max_vcpus;       /* 0: 1 */
    uint64_t max_mib;         /* max_pages = max_mib * 256; 0: PVB_DEFAULT_MEMORY_MIB */
};
#define PVB_EMPTY_DOMAIN_OPTS_VERSION 1
#define PVB_EMPTY_DOMAIN_OPTS_INIT { .version = PVB_EMPTY_DOMAIN_OPTS_VERSION }

/*
 * Create an empty, paused PV domain with exactly these limits (no slack
 * is added to max_mib: libxl adds 1 MiB, LIBXL_MAXMEM_CONSTANT, and
 * pvb_domain_create does too).  On Xen: createdomain (a random UUID, the
 * highest grant version Xen offers, 1024 event channels), max_vcpus and
 * max_mem; a failure after createdomain destroys the domain again (should
 * that fail too, the error says so and *domid names the domain left).
 * -EINVAL for a bad argument or unknown opts version; the hypervisor's
 * error otherwise (-ENOMEM when the simulated machine is smaller than
 * max_mib).
 */
int pvb_domain_create_empty(pvb_host *h, const struct pvb_empty_domain_opts *opts,
                            uint32_t *domid, pvb_error *err);

/*
 * A new unbound event channel in domid that remote_domid may bind
 * (EVTCHNOP_alloc_unbound on the domain's behalf); its port in *port.
 * -ESRCH when domid does not exist; -ENOSPC when its ports are used up.
 */
int pvb_evtchn_alloc_unbound(pvb_host *h, uint32_t domid, uint32_t remote_domid,
                             uint32_t *port, pvb_error *err);

/* ------------------------------------------------------------ layout plan */

/*
 * The layout plan: where every piece of a new PV guest goes, in guest
 * frame numbers (pfns) and virtual addresses, before any machine frame
 * exists.  Pure: no host, no I/O, no allocation.  The builder carries a
 * plan out; the CLI prints one; the tests check it against the layout
 * Xen's libxenguest produces (docs/pv-boot-abi.md).
 *
 * Layout rules (libxenguest's, x86 PV): pfn and virtual address advance
 * together from virt_base (pfn 0 = virt_base), packed, 4 KiB pages:
 *   kernel (after padding up to virt_kstart) / ramdisk, only when the
 *   kernel lacks MOD_START_PFN / P->M list, only when inside / start_info /
 *   xenstore ring / console ring / page tables of the initial mapping /
 *   boot stack / padding up to virt_pgtab_end (at least 512 KiB after the
 *   stack) / ramdisk, unmapped, when the kernel has MOD_START_PFN /
 *   P->M list outside (INIT_P2M), then its own L3s, L2s, L1s.
 *
 * P->M placement.  Errors (pvb_plan_make fails, nothing is silently
 * dropped the way libxenguest drops a bad INIT_P2M):
 *   - a 32-bit guest asked for an outside list (PVB_P2M_ADDRESS);
 *   - PVB_P2M_ADDRESS for a kernel without an INIT_P2M note (it would not
 *     understand first_p2m_pfn / nr_p2m_frames);
 *   - the address is not page aligned, or not canonical (x86_64, 48 bits),
 *     or the list wraps or ends non-canonical;
 *   - the list crosses a 512 GiB top-level slot (Linux copies exactly one
 *     top-level entry);
 *   - the list overlaps the hypervisor's range [0xffff800000000000,
 *     0xffff880000000000) (fixed for 64-bit guests; the HV_START_LOW
 *     note only bounds a 32-bit guest's initial mapping);
 *   - the list overlaps the initial mapping [virt_base, virt_pgtab_end);
 *   - GUEST_OS "linux" and the list's top-level slot is 0 or not below
 *     virt_base's slot (Linux copies pt_base[i] only for 0 < i <
 *     pgd_index(__START_KERNEL_map));
 *   - the list and its tables do not fit in the remaining pfns.
 * Warnings (kept in plan->warnings, the plan is still made):
 *   - a 32-bit guest with an INIT_P2M note under PVB_P2M_DEFAULT: the note
 *     is ignored and the list goes inside (libxenguest does the same);
 *   - GUEST_OS "linux" with the list in the kernel half (top-level slot
 *     >= 256): Linux copies the entry, but its own kernel-half mappings
 *     may later collide with it; the user half is the intended place.
 * A non-Linux guest may put the list above the initial mapping, or in
 * virt_base's own top-level slot (then the tables are shared, see below).
 *
 * Differences from libxenguest, on purpose: start_info.mod_len is the
 * ramdisk's exact byte size also when it is unmapped (libxenguest passes
 * the page-rounded size there; xen.h documents "size in bytes"); the
 * initial mapping must end below the top of the address space.
 */

enum pvb_plan_seg_kind {
    PVB_SEG_KERNEL = 0,
    PVB_SEG_RAMDISK,
    PVB_SEG_P2M,             /* the P->M list itself */
    PVB_SEG_START_INFO,
    PVB_SEG_XENSTORE,
    PVB_SEG_CONSOLE,
    PVB_SEG_PAGETABLES,      /* tables of the initial mapping */
    PVB_SEG_BOOT_STACK,
    PVB_SEG_P2M_PAGETABLES,  /* tables of the outside P->M mapping */
};

#define PVB_PLAN_MAX_SEGMENTS 9
#define PVB_PLAN_NAME_MAX 16

struct pvb_plan_segment {
    enum pvb_plan_seg_kind kind;
    char name[PVB_PLAN_NAME_MAX];   /* "kernel", "ramdisk", "p2m", ... */
    /*
     * The virtual range the guest sees it at ([vstart, vend), page
     * rounded); both 0 when the guest has no mapping of it (unmapped
     * ramdisk, the P->M's own tables).  The outside P->M list has its
     * own mapping at mfn_list: vstart/vend set, `mapped` false.
     */
    uint64_t vstart, vend;
    uint64_t pfn, pages;
    uint64_t bytes;      /* content size: kernel extent, ramdisk, list */
    bool mapped;         /* inside the initial mapping: vstart = virt_base + pfn * 4K */
};

/* Page-table levels, index into pvb_plan_mapping.level[]. */
enum { PVB_PT_L1 = 0, PVB_PT_L2 = 1, PVB_PT_L3 = 2, PVB_PT_L4 = 3 };
#define PVB_PT_MAX_LEVELS 4

/*
 * The tables one mapping owns at one level: `count` consecutive tables
 * from `pfn`; table i maps [first + i * span, first + (i + 1) * span)
 * where span = 1 << (12 + 9 * (level + 1)) (2 MiB for an L1, 1 GiB for
 * an L2, 512 GiB for an L3); the top-level table spans everything.
 * count 0: the mapping owns no table at this level, it uses another
 * mapping's (upper levels are shared: one top-level page in all).
 * first/last are canonical virtual addresses, last inclusive.
 */
struct pvb_plan_level {
    uint64_t first, last;
    uint64_t pfn;
    uint64_t count;
};

/*
 * One virtual mapping: [vstart, vend) maps pfns pfn .. pfn + pages - 1 in
 * order.  index_first/index_last[l]: the entry indexes vstart and vend - 1
 * use in their level-l tables (e.g. top-level slots at the top level).
 *
 * How a builder fills the tables (all mappings' tables together):
 *   for every page va of every mapping: the PTE at index_of(va, L1) in
 *   table pvb_plan_table_pfn(plan, PVB_PT_L1, va);
 *   for every table T a mapping owns at level l < top, covering va_T:
 *   the entry at index_of(va_T, l + 1) in pvb_plan_table_pfn(plan, l + 1,
 *   va_T) points to T.
 */
struct pvb_plan_mapping {
    uint64_t vstart, vend;
    uint64_t pfn, pages;
    struct pvb_plan_level level[PVB_PT_MAX_LEVELS];
    unsigned index_first[PVB_PT_MAX_LEVELS], index_last[PVB_PT_MAX_LEVELS];
    uint64_t table_pfn;     /* first pfn of its own tables (top level first) */
    uint64_t nr_tables;     /* tables it owns */
};

/* start_info fields that do not depend on machine frames (Xen's names). */
struct pvb_plan_start_info {
    uint64_t nr_pages;
    uint32_t flags;          /* SIF_MOD_START_PFN when the ramdisk is unmapped */
    uint64_t pt_base;        /* virtual address of the top-level table */
    uint64_t nr_pt_frames;   /* tables of the initial mapping only */
    uint64_t mfn_list;       /* virtual address of the P->M list */
    uint64_t mod_start;      /* pfn with SIF_MOD_START_PFN, else virtual */
    uint64_t mod_len;        /* bytes; 0 without ramdisk */
    uint64_t first_p2m_pfn;  /* only when the list is outside, else 0 */
    uint64_t nr_p2m_frames;  /* list + its tables, when outside, else 0 */
};

/* Boot vCPU registers that the layout decides. */
struct pvb_plan_vcpu {
    uint64_t rip;            /* the kernel's entry */
    uint64_t rsp;            /* virt_base + (boot stack pfn + 1) * 4096 */
    uint64_t rsi;            /* start_info's virtual address */
};

#define PVB_PLAN_MAX_WARNINGS 4
#define PVB_PLAN_CMDLINE_MAX 1024     /* start_info's cmd_line (MAX_GUEST_CMDLINE) */
#define PVB_PLAN_MAX_NUMA 64
#define PVB_PLAN_MAX_CPUS 1024        /* host cpus and vCPUs affinity covers */
#define PVB_PLAN_CPUMAP_WORDS (PVB_PLAN_MAX_CPUS / 64)
#define PVB_PLAN_MAX_AFFINITY 128     /* per-vCPU cpus= list items */
#define PVB_PLAN_AFFINITY_TEXT_MAX 1024
#define PVB_PLAN_MAX_VNODES 16

/* The largest memory whose x86_64 P->M list fits one 512 GiB slot: 256 TiB. */
#define PVB_PLAN_MAX_MEMORY_MIB (UINT64_C(1) << 28)

struct pvb_plan {
    unsigned levels;         /* 4 (x86_64) or 3 (32-bit PAE) */
    unsigned p2m_entry_size; /* bytes per P->M entry: 8, or 4 for 32-bit */
    uint64_t memory_mib;
    uint64_t nr_pages;       /* memory_mib * 256; the P->M list's length */
    uint64_t virt_base;

    size_t nr_segments;      /* in layout (pfn) order */
    struct pvb_plan_segment segments[PVB_PLAN_MAX_SEGMENTS];

    uint64_t virt_alloc_end; /* end of the boot elements before page tables */
    uint64_t virt_pgtab_end; /* end of the initial mapping */
    uint64_t total_pfns;     /* pfns [0, total_pfns) are used; <= nr_pages */

    struct pvb_plan_mapping initial;   /* [virt_base, virt_pgtab_end) */

    bool p2m_outside;
    bool p2m_from_note;      /* the address came from the kernel's INIT_P2M */
    uint64_t p2m_pages;      /* the list: ceil(nr_pages * entry_size / 4096) */
    struct pvb_plan_mapping p2m;       /* valid when p2m_outside */

    uint64_t start_info_pfn, xenstore_pfn, console_pfn, boot_stack_pfn;
    bool has_hypercall_page;
    uint64_t hypercall_pfn;

    struct pvb_plan_start_info si;
    struct pvb_plan_vcpu vcpu;

    unsigned nr_warnings;
    char warnings[PVB_PLAN_MAX_WARNINGS][PVB_ERROR_MAX];

    /* What the plan was made for: pvb_build refuses another kernel or
     * ramdisk size. */
    uint64_t ramdisk_size;
    uint64_t kernel_elf_size;     /* pvb_guest.elf_size */
    uint64_t kernel_entry;        /* pvb_guest.entry */
    uint64_t kernel_virt_kend;    /* pvb_guest.virt_kend */
    /* The config's values, defaults applied (see pvb_config_check). */
    uint64_t maxmem_mib;
    unsigned vcpus, max_vcpus;
    char cmdline[PVB_PLAN_CMDLINE_MAX];   /* what start_info gets */
    /*
     * NUMA placement, set by pvb_plan_place_numa on a host with more than
     * one node: pfns [pfn, pfn + pages) are populated from node `node`
     * only (XENMEMF_exact_node), in pfn order.  0 ranges: no placement.
     */
    unsigned nr_numa;
    struct pvb_plan_numa {
        uint64_t pfn, pages;
        unsigned node;
    } numa[PVB_PLAN_MAX_NUMA];

    /*
     * vCPU affinity (xc_vcpu_setaffinity), resolved by
     * pvb_plan_place_numa against the host's cpus (bit c of a map: host
     * cpu c).  nr_affinity 0: no cpus=/cpus_soft=; 1: entry 0 is every
     * vCPU's; more: entry i is vCPU i's (later vCPUs keep all cpus).
     * Without an explicit soft map a vCPU's soft affinity is its vnode's
     * pnode cpus (vnuma=), else placement_soft when has_placement_soft
     * (the cpus of the nodes automatic placement chose, as libxl does).
     */
    char cpus[PVB_PLAN_AFFINITY_TEXT_MAX];       /* cfg->cpus, "" if none */
    char cpus_soft[PVB_PLAN_AFFINITY_TEXT_MAX];
    unsigned nr_host_cpus;                       /* cpus the maps cover */
    unsigned nr_affinity;
    struct pvb_plan_affinity {
        bool has_hard, has_soft;
        uint64_t hard[PVB_PLAN_CPUMAP_WORDS];
        uint64_t soft[PVB_PLAN_CPUMAP_WORDS];
    } affinity[PVB_PLAN_MAX_AFFINITY];
    bool has_placement_soft;
    uint64_t placement_soft[PVB_PLAN_CPUMAP_WORDS];

    /*
     * vnuma=: vnode i is pfns [pfn, pfn + pages) on host node pnode, its
     * vCPUs (bit v: vCPU v) and its distances to each vnode (0: none
     * given); also given to Xen (XEN_DOMCTL_setvnumainfo) by pvb_build.
     * pnode_cpus is filled by pvb_plan_place_numa.
     */
    unsigned nr_vnodes;
    bool numa_placed;             /* pvb_plan_place_numa ran on this plan */
    struct pvb_plan_vnode {
        unsigned pnode;
        uint64_t pfn, pages;
        uint64_t vcpus[PVB_PLAN_CPUMAP_WORDS];
        uint64_t pnode_cpus[PVB_PLAN_CPUMAP_WORDS];
        unsigned distances[PVB_PLAN_MAX_VNODES];
    } vnodes[PVB_PLAN_MAX_VNODES];
    /* New fields go here: the plan is the library's to allocate. */
};

/*
 * Plan the layout of guest `g` with memory and P->M placement from `cfg`
 * and a ramdisk of `ramdisk_size` bytes as it will be loaded (0: none)
 * into a new plan *out (release it with pvb_free; NULL on failure).
 * The config is checked first, as pvb_config_check does, so a config the
 * build would refuse is refused here with the same message.  Returns 0,
 * or a negative errno with `err` filled: -EINVAL for a config, guest
 * description or P->M placement that cannot work, -ERANGE when the
 * initial mapping would run past the end of its address range, -ENOSPC
 * when the layout needs more pages than the guest's memory.
 */
int pvb_plan_make(const struct pvb_guest *g, const struct pvb_config *cfg,
                  uint64_t ramdisk_size, struct pvb_plan **out,
                  pvb_error *err);

/*
 * Place the plan's memory on host h's NUMA nodes, as libxl places a domain
 * without vnuma=: the node with the most free memory that holds the whole
 * guest, else the fewest nodes that do (freest first), in whole 2 MiB
 * extents; fills plan->numa.  When cpus= pins every vCPU, only the nodes of
 * its cpus are candidates (a plan warning when they cannot hold the guest:
 * Xen then places it).  A host with one node (or that cannot say) leaves
 * nr_numa 0, as does one whose nodes cannot hold the guest (the claim then
 * decides).  With vnuma=, each vnode's range goes on its pnode: -EINVAL
 * for a pnode the host lacks, -ENOMEM when a node's free memory is short.
 * Also resolves cpus=/cpus_soft= against the host's cpus ("nodes:N" to
 * cpus; -EINVAL for a cpu or node it lacks, -ENOTSUP for a host that
 * cannot set affinity) into plan->affinity, and gives the vCPUs the chosen
 * nodes' cpus as soft affinity (placement_soft) unless cpus_soft= is set.
 * pvb_build populates each range from its node only, and sets the vCPUs'
 * affinity and the guest's vNUMA; it refuses a plan with cpus=, cpus_soft=
 * or vnuma= that was not placed.  pvb_domain_create places a plan it makes
 * itself.
 */
int pvb_plan_place_numa(struct pvb_plan *plan, pvb_host *h, pvb_error *err);

/*
 * A cpu map of the plan (bit c: cpu or vCPU c, of nr) as xl writes one:
 * "0-3,6" ("" for none), cut with "..." to fit size bytes.  Returns buf.
 */
const char *pvb_cpumap_format(const uint64_t *map, unsigned nr, char *buf, size_t size);

/*
 * The pfn of the level-`level` table (PVB_PT_L1 ..) whose entries cover
 * virtual address `va`: the P->M mapping's own table if it has one there,
 * else the initial mapping's.  Returns 0 or -ENOENT (no table planned).
 */
int pvb_plan_table_pfn(const struct pvb_plan *plan, unsigned level,
                       uint64_t va, uint64_t *pfn);

/* The segment of a kind, or NULL if the plan has none. */
const struct pvb_plan_segment *pvb_plan_segment(const struct pvb_plan *plan,
                                                enum pvb_plan_seg_kind kind);

/*
 * Human-readable table, and one JSON object (hex numbers as "0x...") to
 * `f`: pvb_plan_print_json writes pvb_plan_json's text (see JSON below).
 */
int pvb_plan_print_text(const struct pvb_plan *plan, FILE *f, pvb_error *err);
int pvb_plan_print_json(const struct pvb_plan *plan, FILE *f, pvb_error *err);

/* ---------------------------------------------------------------- builder */

/*
 * Progress of the long part of a build: populating the guest's memory and
 * writing its P->M list, which for a multi-TiB guest takes tens of
 * seconds.  Called after each batch of at most 1 GiB of the guest's pfns,
 * from pfn 0 up, has its frames and its P->M entries, with the pages done
 * and the guest's total; the last call has done == total.  It may not
 * call back into the library for the same host.
 */
typedef void pvb_progress_fn(void *opaque, uint64_t done_pages, uint64_t total_pages);

#define PVB_BUILD_OPTS_VERSION 1
struct pvb_build_opts {
    unsigned int version;        /* PVB_BUILD_OPTS_VERSION */
    uint32_t console_evtchn;     /* the domain's ports for its console ... */
    uint32_t store_evtchn;       /* ... and xenstore rings */
    uint32_t backend_domid;      /* the domain running both backends (grants) */
    const pvb_logger *log;
    pvb_progress_fn *progress;   /* or NULL */
    void *progress_opaque;
};
#define PVB_BUILD_OPTS_INIT { .version = PVB_BUILD_OPTS_VERSION }

struct pvb_build_result {
    uint64_t console_mfn, store_mfn;   /* for xenconsoled / xenstored */
    uint64_t l4_mfn;                   /* the pinned top-level table */
    uint64_t shared_info_mfn;
    uint64_t reserved[4];              /* zeroed; room to grow */
};

/*
 * Build exactly `plan` (made by pvb_plan_make for this image and this
 * ramdisk's size; a plan for another is refused with -EINVAL) in `domid`
 * on host `h`: populate memory, write the P->M list, kernel, ramdisk,
 * start_info, rings, page tables, pin them, and set vCPU 0.  The domain
 * must exist and be empty (no pages yet), have max_pages >= the plan's
 * nr_pages, at least one vCPU, and an address size unset or 64; a missing
 * precondition fails before anything is done, saying which ("domain 7
 * already has 65536 pages: pvb_build needs an empty domain").  On failure
 * everything the build did is undone: every frame it populated is given
 * back and every mapping it made is gone.  The domain itself stays (the
 * caller created it; pvb_domain_create destroys it).
 */
int pvb_build(pvb_host *h, uint32_t domid, const pvb_image *img,
              const pvb_ramdisk *rd, const struct pvb_plan *plan,
              const struct pvb_build_opts *opts,
              struct pvb_build_result *result, pvb_error *err);

#define PVB_DOMAIN_OPTS_VERSION 1
struct pvb_domain_opts {
    unsigned int version;            /* PVB_DOMAIN_OPTS_VERSION */
    uint32_t backend_domid;          /* runs the console and store backends */
    /* For a kernel / ramdisk opened from cfg->kernel / cfg->ramdisk (NULL:
     * defaults); pointers, so that those structs can grow. */
    const struct pvb_ramdisk_opts *ramdisk;
    const struct pvb_image_opts *image;
    const pvb_logger *log;
    pvb_progress_fn *progress;       /* passed to pvb_build, or NULL */
    void *progress_opaque;
};
#define PVB_DOMAIN_OPTS_INIT { .version = PVB_DOMAIN_OPTS_VERSION }

struct pvb_domain {
    uint32_t domid;
    uint32_t console_evtchn, store_evtchn;
    struct pvb_build_result build;
    uint64_t reserved[4];              /* zeroed; room to grow */
};

/*
 * The small toolstack: create a domain for cfg (max vCPUs, max memory),
 * allocate its console and xenstore event channels for
 * opts->backend_domid, build it, and leave it paused.  img NULL: the
 * kernel is opened from cfg->kernel (with opts->image); rd NULL: the
 * ramdisk from cfg->ramdisk if it is set (with opts->ramdisk).  An img or
 * rd given while cfg->kernel / cfg->ramdisk names another file is refused
 * (-EINVAL, both named).  plan NULL: made here; given, it is built as it
 * is (so a plan printed by a dry run is the one built).  Any failure
 * destroys the domain, even when undoing the build failed too (what an
 * undo left, frames or a pinned table, goes with the domain); should the
 * destroy fail, the error says so and dom->domid names the domain left
 * (else it is 0), for the caller to destroy.  Nothing else is left: no
 * other domain, no frame outside it, no mapping, no xenstore node (only
 * pvb_domain_introduce writes those).
 */
int pvb_domain_create(pvb_host *h, const struct pvb_config *cfg,
                      const pvb_image *img, const pvb_ramdisk *rd,
                      const struct pvb_plan *plan,
                      const struct pvb_domain_opts *opts,
                      struct pvb_domain *dom, pvb_error *err);
/*
 * Destroy a domain.  On Xen the xenstore nodes a toolstack wrote for it
 * (/local/domain/D, its /vm/UUID, /libxl/D: what pvb_domain_introduce
 * writes) go too, as xl destroy removes them (best effort, a warning to
 * the host's logger; nothing to do where no xenstored answers).
 */
int pvb_domain_destroy(pvb_host *h, uint32_t domid, pvb_error *err);
int pvb_domain_unpause(pvb_host *h, uint32_t domid, pvb_error *err);

/*
 * Introduce a built domain to xenstored, with the nodes its console and
 * store backends read.  -ENOENT when the host runs no xenstored.
 */
int pvb_domain_introduce(pvb_host *h, const struct pvb_domain *dom,
                         const struct pvb_config *cfg, uint32_t backend_domid,
                         pvb_error *err);

struct pvb_domain_state {
    uint64_t nr_pages, max_pages;
    bool paused, shutdown, dying;
    unsigned shutdown_reason;    /* SHUTDOWN_* (xen/sched.h) when shutdown */
    uint64_t reserved[4];        /* zeroed; room to grow */
};

int pvb_domain_state(pvb_host *h, uint32_t domid, struct pvb_domain_state *st,
                     pvb_error *err);

/* --------------------------------------------------------------- verifier */

#define PVB_VERIFY_MAX_CHECKS 32
#define PVB_VERIFY_DETAIL_MAX 256

struct pvb_verify_check {
    const char *name;                     /* stable, e.g. "pagetables_readonly" */
    bool ok;
    char detail[PVB_VERIFY_DETAIL_MAX];   /* what was found (always filled) */
};

/* Allocated by pvb_verify, released with pvb_free; fields are appended only. */
struct pvb_verify_report {
    bool ok;                              /* every check passed */
    unsigned nr_checks;
    struct pvb_verify_check checks[PVB_VERIFY_MAX_CHECKS];
};

/*
 * Read a built (not yet running) domain back from the host — vCPU 0's
 * context, its page tables from cr3, start_info, the P->M list — and check
 * the PV boot ABI.  Independent of the layout and build code.  `guest`
 * (optional) adds the checks against the kernel's notes (entry, INIT_P2M).
 * Returns 0 when the checks ran ((*out)->ok tells the verdict; release
 * *out with pvb_free), negative when the domain could not be read (*out
 * is then NULL).
 */
int pvb_verify(pvb_host *h, uint32_t domid, const struct pvb_guest *guest,
               struct pvb_verify_report **out, pvb_error *err);

/* ------------------------------------------------------------------- JSON */

/*
 * What the library knows, as JSON for scripts and toolstacks: the text
 * `pvbuild ... --json` prints, made by one writer in the library.  Each
 * call fills *out with one NUL-terminated JSON document (an object; its
 * members one per line, indented by two spaces; a newline at the end),
 * which the caller releases with pvb_free.  Text, not a FILE, so that a
 * toolstack can send it, store it or embed it; the whole document or
 * nothing (*out NULL on failure).  Members keep their names and meaning;
 * new ones may be added, so a reader looks members up by name.
 * 64-bit addresses, frames and sizes in pages are "0x..." strings (JSON
 * numbers lose precision past 2^53); counts are numbers.  Strings are
 * UTF-8: control characters are escaped, and a byte that is not part of
 * valid UTF-8 (a Latin-1 note, say) becomes U+FFFD.  Errors: -EINVAL for
 * a NULL argument, -ENOMEM.  Safe from any thread for distinct inputs.
 * pvbuild(1) lists every member.
 */

/* The plan: what pvbuild create --dry-run --json prints. */
int pvb_plan_json(const struct pvb_plan *plan, char **out, pvb_error *err);

/*
 * A guest kernel's description (pvb_image_guest) and its notes: what
 * pvbuild inspect --json prints.  `file` is the "file" member (NULL: null).
 */
int pvb_guest_json(const struct pvb_guest *g, const char *file, char **out,
                   pvb_error *err);

/* {"domid": domid, "verify": {"ok": ..., "<check>": {"ok", "detail"}, ...}}:
 * what pvbuild verify --json prints. */
int pvb_verify_json(uint32_t domid, const struct pvb_verify_report *report,
                    char **out, pvb_error *err);

/* One named duration of a "timings" member (pvb_timing_parse's, or the
 * caller's own phases), in the order given. */
struct pvb_timing {
    const char *name;
    double seconds;
};

#define PVB_DOMAIN_JSON_OPTS_VERSION 1
struct pvb_domain_json_opts {
    unsigned int version;                    /* PVB_DOMAIN_JSON_OPTS_VERSION */
    const struct pvb_verify_report *verify;  /* NULL: "verify": null */
    const struct pvb_timing *timings;        /* a "timings" member when */
    size_t nr_timings;                       /* nr_timings > 0 */
};
#define PVB_DOMAIN_JSON_OPTS_INIT { .version = PVB_DOMAIN_JSON_OPTS_VERSION }

/*
 * A built domain: the host kind it was built on ("host": "xen", "sim",
 * ...), the domain (pvb_domain_create's or one the caller filled after
 * pvb_build), the plan it was built from, start_info as the guest gets it
 * (with the rings' frames and event channels), vCPU 0's registers, and
 * the verifier's verdict: what pvbuild create --json prints.
 */
int pvb_domain_json(const char *host, const struct pvb_domain *dom,
                    const struct pvb_plan *plan,
                    const struct pvb_domain_json_opts *opts, char **out,
                    pvb_error *err);

#ifdef __cplusplus
}
#endif

#endif /* PVBUILD_H */
