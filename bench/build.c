/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmark (not a test): build times and the builder's heap peak for 1 GiB,
 * 64 GiB, 1 TiB and 4 TiB guests on the simulated host, beside the time
 * memset takes to write the same number of P->M bytes in the same run.
 *
 *   bench/build [KERNEL] [SIZES_GIB...]
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include "pvbuild.h"
#include "plan_copy.h"
#include "proxy_host.h"
#include "pvbuild.h"
#include "proxy_host.h"

/*
 * The builder's heap, counted: every malloc of the process goes through
 * these, and those made while the (simulated) host is working are the
 * host's, as a hypervisor's own memory would be, so they are left out.
 */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
static size_t heap_now, heap_peak;
static int in_host;

static bool host_enter(struct proxy_host *p, bool undo)
{
    (void)p, (void)undo;
    in_host++;
    return false;
}

static void host_leave(struct proxy_host *p)
{
    (void)p;
    in_host--;
}

static void count(void *p, long sign)
{
    if (p && !in_host) {
        heap_now += (size_t)sign * malloc_usable_size(p);
        if (heap_now > heap_peak)
            heap_peak = heap_now;
    }
}
void *malloc(size_t n) { void *p = __libc_malloc(n); count(p, 1); return p; }
void *calloc(size_t a, size_t b) { void *p = __libc_calloc(a, b); count(p, 1); return p; }
void free(void *p) { count(p, -1); __libc_free(p); }
void *realloc(void *p, size_t n)
{
    count(p, -1);
    void *q = __libc_realloc(p, n);
    count(q ? q : (n ? NULL : NULL), 1);
    if (!q && n)
        count(p, 1);
    return q;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* memset over fresh memory, as the builder writes fresh guest frames. */
static double memset_seconds(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    double t = now();
    memset(p, 0xff, bytes);
    t = now() - t;
    munmap(p, bytes);
    return t;
}

int main(int argc, char **argv)
{
    const char *kernel = argc > 1 ? argv[1] : NULL;
    static const uint64_t default_gib[] = { 1, 64, 1024, 4096 };
    uint64_t gib[16];
    size_t nsizes = 0;
    pvb_error err;
    pvb_image *img;
    pvb_host *h;

    for (int i = 2; i < argc && nsizes < 16; i++)
        gib[nsizes++] = strtoull(argv[i], NULL, 0);
    if (!nsizes)
        for (; nsizes < 4; nsizes++)
            gib[nsizes] = default_gib[nsizes];
    if (!kernel) {
        fprintf(stderr, "usage: bench/build KERNEL [GiB...]\n");
        return 2;
    }
    if (pvb_image_open_file(kernel, NULL, &img, &err) < 0 ||
        pvb_host_sim_open(NULL, &h, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    printf("kernel %s, P->M at its INIT_P2M address when it has one;\n"
           "heap: the builder's own allocations, not the simulated host's\n", kernel);
    printf("%8s %10s %12s %12s %12s %8s %12s\n", "guest", "p2m MiB", "build s",
           "memset s", "ratio", "", "heap peak");
    for (size_t i = 0; i < nsizes; i++) {
        struct pvb_config cfg;
        struct pvb_plan plan;
        pvb_config_init(&cfg);
        cfg.memory_mib = gib[i] * 1024;
        size_t p2m_bytes = (size_t)(cfg.memory_mib * 256 * 8);

        double ms = memset_seconds(p2m_bytes);
        struct host_domain_config dc = { .max_vcpus = 1,
                                         .max_pages = cfg.memory_mib * 256 };
        struct proxy_host px;
        struct pvb_build_result res;
        uint32_t domid;
        proxy_init(&px, h);
        px.enter = host_enter;
        px.leave = host_leave;
        if (h->ops->domain_create(h, &dc, &domid, &err) < 0) {
            printf("%s\n", err.msg);
            break;
        }
        heap_now = heap_peak = 0;
        double t = now();
        int rc = test_plan_make(pvb_image_guest(img), &cfg, 0, &plan, &err);
        if (rc == 0)
            rc = pvb_build(&px.base, domid, img, NULL, &plan, NULL, &res, &err);
        t = now() - t;
        if (rc < 0)
            printf("%6" PRIu64 "GiB build failed: %s\n", gib[i], err.msg);
        else
            printf("%5" PRIu64 "GiB %10.1f %12.3f %12.3f %12.2f %8s %9.2f MiB\n", gib[i],
                   p2m_bytes / 1048576.0, t, ms, t / ms, "x", heap_peak / 1048576.0);
        fflush(stdout);
        h->ops->domain_destroy(h, domid, &err);
        pvb_config_free(&cfg);
    }
    pvb_host_close(h);
    pvb_image_close(img);
    return 0;
}
