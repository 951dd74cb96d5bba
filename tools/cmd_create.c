/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pvbuild create: build a domain from a kernel (and an xl config file). */
#include "cli.h"
#include "prepare.h"
#include "create_vm.h"
#include "progress.h"
#include "report.h"
#include "timings.h"
#include "vm.h"
#include "pvbuild.h"
#include "pvbuild/lifecycle.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PRIVCMD "/dev/xen/privcmd"

static void create_usage(FILE *f)
{
    fputs(
"Usage: pvbuild create [OPTIONS] [CONFIG [KEY=VALUE...]]\n"
"Build a PV domain from a kernel, on the simulated host or on Xen.\n"
"  --host=sim|xen       where to build (default: xen when " PRIVCMD " exists, else sim)\n"
"  --kernel=FILE        the guest kernel (ELF, bzImage, compressed ELF)\n"
"  --ramdisk=FILE       the initial ramdisk (gzip ones are unpacked first)\n"
"  --ramdisk-compressed load a gzip ramdisk as it is\n"
"  --cmdline=STRING     the kernel command line (at most 1023 bytes kept)\n"
"  --memory=MiB         guest memory (default 256)\n"
"  --maxmem=MiB         maximum memory (default: --memory)\n"
"  --vcpus=N            vCPUs (default 1)\n"
"  --p2m-vaddr=ADDR|inside|default\n"
"                       where the P->M list goes: the kernel's INIT_P2M address\n"
"                       (default), ADDR, or inside the initial mapping\n"
"  --cpus=LIST          vCPU hard affinity, as xl's cpus= (\"0-3,^2\", \"nodes:1\",\n"
"                       \"all\"); memory is then placed on those cpus' nodes\n"
"  --cpus-soft=LIST     vCPU soft affinity, as xl's cpus_soft= (default: the\n"
"                       cpus of the NUMA nodes the memory was placed on)\n"
"  --vnuma=SPEC         guest NUMA nodes, as xl's vnuma=: per vnode\n"
"                       \"pnode=N size=MiB vcpus=LIST[ vdistances=D,..]\", vnodes\n"
"                       separated by ';'\n"
"  --name=NAME          the domain's name (at most 63 bytes)\n"
"  -p, --paused         (xen) leave the domain paused (and start no monitor)\n"
"  -c, --console        (xen) show the guest's console until it shuts down:\n"
"                       xenconsoled's pty, or the ring where none runs\n"
"  -F, --foreground     (xen) run the monitor in this process, not as a daemon\n"
"  -e, --no-monitor     (xen) leave no monitor: on_* actions are not applied\n"
"  --on-poweroff=A, --on-reboot=A, --on-watchdog=A, --on-crash=A\n"
"                       what the monitor does (destroy, restart, rename-restart,\n"
"                       preserve, coredump-destroy, coredump-restart)\n"
"  -n, --dry-run        parse, plan and print; build nothing, on any host\n"
"  --no-verify          do not run the verifier before the domain runs\n"
"  --ignore-unsupported build without the keys pvbuild cannot give (pci, vfb, ...)\n"
"  --json               print one JSON object\n"
"  --cache-dir=DIR      keep decoded compressed kernels and gunzipped\n"
"                       ramdisks in DIR (default: $PVBUILD_CACHE_DIR,\n"
"                       else " PVB_DEFAULT_CACHE_DIR ")\n"
"  --no-cache           decode the kernel and gunzip the ramdisk every\n"
"                       time; keep nothing\n"
"  --timings            print how long each phase took (stderr; with --json,\n"
"                       a \"timings\" object)\n"
"  -q, --quiet          print only errors (no layout report, no notes, no\n"
"                       progress line)\n"
"  -v, --verbose        also print informational messages\n"
"The guest's memory is claimed before it is populated: a guest the host cannot\n"
"hold fails at once. On a terminal, a build that takes more than a second\n"
"shows a progress line on stderr (pages done/total, rate).\n"
"CONFIG is an xl domain config file (xl.cfg(5)); options override its keys,\n"
"and KEY=VALUE arguments after it override single keys, as with xl create.\n", f);
}

struct create_opts {
    const char *host, *kernel, *ramdisk, *cmdline, *name, *p2m;
    const char *cpus, *cpus_soft, *vnuma;
    uint64_t memory, maxmem;
    unsigned long vcpus;
    bool json, ramdisk_compressed, has_memory, has_maxmem, has_vcpus;
    bool paused, console, no_verify, ignore_unsupported;
    bool dry_run, quiet, foreground, no_monitor;
    bool timings, no_cache;
    const char *cache_dir;
    const char *on_poweroff, *on_reboot, *on_watchdog, *on_crash;
    struct console_attach *attach;   /* -c: opened before the guest runs */
    pvb_vm *vm;                /* the config's devices and actions */
    bool restart;              /* the monitor's rebuild: nothing left over */
};

static int parse_u64(const char *opt, const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (!*s || *s == '-' || *end || errno || x == 0) {
        cli_error("create: --%s: '%s' is not a positive whole number", opt, s);
        return -1;
    }
    *v = x;
    return 0;
}

static int apply_options(const struct create_opts *o, struct pvb_config *cfg,
                         pvb_error *err)
{
    int rc = 0;
    if (o->kernel && (rc = pvb_config_set_string(&cfg->kernel, o->kernel, err)) < 0)
        return rc;
    if (o->ramdisk && (rc = pvb_config_set_string(&cfg->ramdisk, o->ramdisk, err)) < 0)
        return rc;
    if (o->cmdline && (rc = pvb_config_set_string(&cfg->cmdline, o->cmdline, err)) < 0)
        return rc;
    if (o->name && (rc = pvb_config_set_string(&cfg->name, o->name, err)) < 0)
        return rc;
    if ((o->cpus && (rc = pvb_config_set_string(&cfg->cpus, o->cpus, err)) < 0) ||
        (o->cpus_soft &&
         (rc = pvb_config_set_string(&cfg->cpus_soft, o->cpus_soft, err)) < 0) ||
        (o->vnuma && (rc = pvb_config_set_string(&cfg->vnuma, o->vnuma, err)) < 0))
        return rc;
    if (o->has_memory)
        cfg->memory_mib = o->memory;
    if (o->has_maxmem)
        cfg->maxmem_mib = o->maxmem;
    if (o->has_vcpus)
        cfg->vcpus = (unsigned)o->vcpus;
    if (o->p2m && (rc = pvb_p2m_parse(o->p2m, &cfg->p2m, &cfg->p2m_vaddr, err)) < 0)
        return rc;
    if ((o->on_poweroff &&
         (rc = pvb_config_set_string(&cfg->on_poweroff, o->on_poweroff, err)) < 0) ||
        (o->on_reboot &&
         (rc = pvb_config_set_string(&cfg->on_reboot, o->on_reboot, err)) < 0) ||
        (o->on_watchdog &&
         (rc = pvb_config_set_string(&cfg->on_watchdog, o->on_watchdog, err)) < 0) ||
        (o->on_crash &&
         (rc = pvb_config_set_string(&cfg->on_crash, o->on_crash, err)) < 0))
        return rc;
    return 0;
}

static const char *pick_host(const char *asked, bool quiet)
{
    if (asked)
        return asked;
    if (access(PRIVCMD, F_OK) == 0)
        return "xen";
    if (!quiet)
        fprintf(stderr, "pvbuild: note: no Xen here (%s is missing): using the "
                "simulated host (--host=sim); nothing will run\n", PRIVCMD);
    return "sim";
}

static void print_text(const char *host, const struct pvb_domain *dom,
                       const struct pvb_plan *plan,
                       const struct pvb_verify_report *rep)
{
    printf("domain %u built on the %s host\n\n", dom->domid, host);
    pvb_plan_print_text(plan, stdout, NULL);
    printf("\nmachine frames: xenstore ring 0x%" PRIx64 ", console ring 0x%"
           PRIx64 ", top-level table mfn 0x%" PRIx64 ", shared_info mfn 0x%" PRIx64
           "\nevent channels: store %u, console %u\n",
           dom->build.store_mfn, dom->build.console_mfn, dom->build.l4_mfn,
           dom->build.shared_info_mfn, dom->store_evtchn, dom->console_evtchn);
    if (rep) {
        putchar('\n');
        report_verify_text(rep);
    }
}

static int print_json(const char *host, const struct pvb_domain *dom,
                      const struct pvb_plan *plan,
                      const struct pvb_verify_report *rep,
                      const struct timings *tm)
{
    struct pvb_domain_json_opts jo = PVB_DOMAIN_JSON_OPTS_INIT;
    struct pvb_timing rows[TIMINGS_ROWS];
    pvb_error err;
    char *text;
    jo.verify = rep;
    if (tm->on) {
        jo.timings = rows;
        jo.nr_timings = timings_rows(tm, rows);
    }
    int rc = pvb_domain_json(host, dom, plan, &jo, &text, &err);
    return cli_print_json(rc, text, &err);
}

/* After a good build on Xen: tell xenstored, run it, maybe follow it. */
static int start_domain(pvb_host *host, const struct create_opts *o,
                        const struct pvb_config *cfg, struct pvb_domain *dom,
                        struct timings *tm)
{
    pvb_error err;
    int rc = pvb_domain_introduce(host, dom, cfg, 0, &err);
    if (rc == -ENOENT)
        fprintf(stderr, "pvbuild: note: %s: domain %u not introduced to xenstore\n",
                err.msg, dom->domid);
    else if (rc < 0) {
        cli_error("%s", err.msg);
        return 1;
    }
    if (rc == 0)
        cli_mark_domain(dom->domid);
    timings_mark(tm, "introduce");
    if (create_vm_start(o->vm, dom, cfg, rc == 0) != 0)
        return 1;
    timings_mark(tm, "devices");
    if (o->attach && console_prepare(dom->domid, dom->build.console_mfn, o->attach) < 0)
        return 1;
    if (!o->paused && pvb_domain_unpause(host, dom->domid, &err) < 0) {
        cli_error("%s", err.msg);
        return 1;
    }
    if (!o->paused)
        timings_mark(tm, "unpause");
    return 0;
}

/* --no-cache, --cache-dir, $PVBUILD_CACHE_DIR, the default: the first given. */
static const char *cache_dir(const struct create_opts *o)
{
    if (o->no_cache)
        return NULL;
    if (o->cache_dir)
        return o->cache_dir;
    const char *env = getenv("PVBUILD_CACHE_DIR");
    return env && *env ? env : PVB_DEFAULT_CACHE_DIR;
}

/*
 * What a create leaves to the kernel: the image's and ramdisk's buffers
 * and mappings of their files and, when the command ends (with, if the
 * domain stays paused, its kernel and ramdisk mappings), the host's
 * handles, unmapped at exit rather than one munmap at a time.  In a Xen
 * PV dom0 munmap of a populated mapping clears each PTE through the
 * hypervisor (0.14 s for a 66 MB kernel under QEMU), while exit unpins
 * the page tables first and drops them whole.  Kept here, they stay
 * reachable: nothing leaks.  A process that lives on after the create
 * (the monitor, the console) lets go of them first: release_left_at_exit.
 */
static struct prepared left_at_exit;
static pvb_host *host_left_at_exit;

static void release_left_at_exit(void)
{
    pvb_host_close(host_left_at_exit);
    host_left_at_exit = NULL;
    prepared_free(&left_at_exit);
}

/* No monitor to run and no console to follow: the process ends now. */
static bool ends_after_create(const struct create_opts *o)
{
    return !o->console && (o->paused || o->no_monitor);
}

static int build_and_report(const struct create_opts *o, const char *host_name,
                            const struct pvb_config *cfg, uint32_t *domid_out)
{
    struct timings tm = { .on = false };
    if (o->timings)
        timings_init(&tm, &cli_logger);
    const pvb_logger *log = o->timings ? &tm.log : &cli_logger;
    struct prepare_opts po = {
        .keep_compressed = o->ramdisk_compressed, .log = log,
        .cache_dir = cache_dir(o), .tm = &tm,
    };
    struct pvb_domain_opts dopts = PVB_DOMAIN_OPTS_INIT;
    bool on_xen = strcmp(host_name, "xen") == 0;
    struct prepared pr = { 0 };
    pvb_host *host = NULL;
    pvb_error err = { 0 };
    struct pvb_domain dom = { 0 };
    struct pvb_verify_report *rep = NULL;
    bool keep = false, started = false;
    int status = 1;

    dopts.log = log;
    if (prepare(cfg, &po, &pr) != 0)
        goto out;
    /* Paused, no console: the command ends (ends_after_create) and the
     * process exits before anyone can unpause the domain. */
    struct pvb_host_opts hopts = cli_host_opts;
    hopts.version = PVB_HOST_OPTS_VERSION;
    hopts.keep_mappings = o->paused && !o->console;
    if (pvb_host_open(host_name, &hopts, &host, &err) < 0) {
        cli_error("%s", err.msg);
        goto out;
    }
    timings_mark(&tm, "host-open");
    if (pvb_plan_place_numa(pr.plan, host, &err) < 0) {
        cli_error("%s", err.msg);
        goto out;
    }
    struct progress prog;
    progress_init(&prog, stderr, !o->quiet && !o->json);
    dopts.progress = progress_report;
    dopts.progress_opaque = &prog;
    int rc = pvb_domain_create(host, cfg, pr.img, pr.rd, pr.plan, &dopts, &dom, &err);
    progress_end(&prog);
    if (rc < 0) {
        cli_error("%s", err.msg);
        goto out;
    }
    timings_reset(&tm);
    if (!o->no_verify) {
        if (pvb_verify(host, dom.domid, pvb_image_guest(pr.img), &rep, &err) < 0) {
            cli_error("verify: %s", err.msg);
            goto out;
        }
        timings_mark(&tm, "verify");
    }
    /* On Xen the report follows the start, so its timings cover it. */
    if (on_xen && (!rep || rep->ok))
        started = start_domain(host, o, cfg, &dom, &tm) == 0;
    if (o->json) {
        if (print_json(host_name, &dom, pr.plan, rep, &tm) != 0)
            goto out;
    } else if (!o->quiet)
        print_text(host_name, &dom, pr.plan, rep);
    fflush(stdout);
    if (tm.on && !o->json)
        timings_print_text(&tm, stderr);
    if (rep && !rep->ok) {
        cli_error("domain %u failed verification%s", dom.domid,
                  on_xen ? "; destroyed it" : "");
        goto out;
    }
    if (on_xen) {
        if (!started)
            goto out;
        keep = true;
        if (!o->quiet)
            fprintf(stderr, "pvbuild: domain %u %s\n", dom.domid,
                    o->paused ? "built, paused" : "running");
        *domid_out = dom.domid;
        status = 0;
    } else {
        status = 0;
    }

out:
    /* On Xen a domain outlives the command only when all went well. */
    if (dom.domid && !keep)
        pvb_domain_destroy(host, dom.domid, &err);
    pvb_free(rep);
    if (keep && ends_after_create(o)) {
        left_at_exit = pr;
        host_left_at_exit = host;
        return status;
    }
    pvb_host_close(host);
    if (keep && !o->restart)
        left_at_exit = pr;
    else
        prepared_free(&pr);
    return status;
}

/* The monitor's restart: the same create path, again, quietly. */
struct restart_ctx {
    struct create_opts o;
    const struct pvb_config *cfg;
};

static int restart_domain(void *opaque, uint32_t *domid, pvb_error *err)
{
    struct restart_ctx *rc = opaque;
    *domid = 0;
    if (build_and_report(&rc->o, "xen", rc->cfg, domid) != 0 || !*domid) {
        snprintf(err->msg, sizeof err->msg, "building the domain again failed "
                 "(the lines before say why)");
        return err->code = -EIO;
    }
    return 0;
}

/* After create on Xen: the monitor (unless -p/-e) and the console (-c). */
static int after_create(const struct create_opts *o, const struct pvb_config *cfg,
                        const struct pvb_lifecycle_policy *policy, uint32_t domid,
                        struct console_attach *ca)
{
    struct restart_ctx rctx = { .o = *o, .cfg = cfg };
    rctx.o.paused = rctx.o.console = false;
    rctx.o.attach = NULL;
    rctx.o.timings = false;
    rctx.o.restart = true;
    struct vm_monitor m = { .name = cfg->name, .policy = *policy,
                            .restart = restart_domain, .ctx = &rctx,
                            .console_fd = ca->fd, .started = release_left_at_exit };
    bool monitor = !o->paused && !o->no_monitor;

    if (monitor && o->foreground) {
        release_left_at_exit();
        if (o->console) {
            fflush(NULL);
            pid_t pid = fork();
            if (pid < 0) {
                cli_error("create: fork for the console: %s", strerror(errno));
            } else if (pid == 0) {
                _exit(console_follow(ca));
            }
            console_release(ca);
        }
        return monitor_foreground(&m, domid);
    }
    int status = 0;
    if (monitor && monitor_daemon(&m, domid) != 0)
        status = 1;
    if (o->console) {
        release_left_at_exit();
        int r = console_follow(ca);
        status = status ? status : r;
    }
    return status;
}

int cmd_create(int argc, char **argv)
{
    enum { O_HOST = 256, O_KERNEL, O_RAMDISK, O_CMDLINE, O_MEMORY, O_MAXMEM,
           O_VCPUS, O_P2M, O_NAME, O_JSON, O_RDCOMP, O_NOVERIFY,
           O_ONPOWEROFF, O_ONREBOOT, O_ONWATCHDOG, O_ONCRASH,
           O_IGNORE_UNSUPPORTED, O_TIMINGS, O_CACHE_DIR, O_NO_CACHE,
           O_CPUS, O_CPUS_SOFT, O_VNUMA };
    static const struct option opts[] = {
        { "host", required_argument, NULL, O_HOST },
        { "kernel", required_argument, NULL, O_KERNEL },
        { "ramdisk", required_argument, NULL, O_RAMDISK },
        { "ramdisk-compressed", no_argument, NULL, O_RDCOMP },
        { "cmdline", required_argument, NULL, O_CMDLINE },
        { "memory", required_argument, NULL, O_MEMORY },
        { "maxmem", required_argument, NULL, O_MAXMEM },
        { "vcpus", required_argument, NULL, O_VCPUS },
        { "p2m-vaddr", required_argument, NULL, O_P2M },
        { "name", required_argument, NULL, O_NAME },
        { "cpus", required_argument, NULL, O_CPUS },
        { "cpus-soft", required_argument, NULL, O_CPUS_SOFT },
        { "vnuma", required_argument, NULL, O_VNUMA },
        { "json", no_argument, NULL, O_JSON },
        { "timings", no_argument, NULL, O_TIMINGS },
        { "cache-dir", required_argument, NULL, O_CACHE_DIR },
        { "no-cache", no_argument, NULL, O_NO_CACHE },
        { "paused", no_argument, NULL, 'p' },
        { "console", no_argument, NULL, 'c' },
        { "foreground", no_argument, NULL, 'F' },
        { "no-monitor", no_argument, NULL, 'e' },
        { "dry-run", no_argument, NULL, 'n' },
        { "quiet", no_argument, NULL, 'q' },
        { "on-poweroff", required_argument, NULL, O_ONPOWEROFF },
        { "on-reboot", required_argument, NULL, O_ONREBOOT },
        { "on-watchdog", required_argument, NULL, O_ONWATCHDOG },
        { "on-crash", required_argument, NULL, O_ONCRASH },
        { "no-verify", no_argument, NULL, O_NOVERIFY },
        { "ignore-unsupported", no_argument, NULL, O_IGNORE_UNSUPPORTED },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    struct create_opts o = { 0 };
    uint64_t v = 0;
    int c;

    while ((c = getopt_long(argc, argv, "+vhpcFenq", opts, NULL)) != -1) {
        switch (c) {
        case O_HOST: o.host = optarg; break;
        case O_KERNEL: o.kernel = optarg; break;
        case O_RAMDISK: o.ramdisk = optarg; break;
        case O_RDCOMP: o.ramdisk_compressed = true; break;
        case O_CMDLINE: o.cmdline = optarg; break;
        case O_NAME: o.name = optarg; break;
        case O_CPUS: o.cpus = optarg; break;
        case O_CPUS_SOFT: o.cpus_soft = optarg; break;
        case O_VNUMA: o.vnuma = optarg; break;
        case O_P2M: o.p2m = optarg; break;
        case O_JSON: o.json = true; break;
        case O_TIMINGS: o.timings = true; break;
        case O_CACHE_DIR: o.cache_dir = optarg; break;
        case O_NO_CACHE: o.no_cache = true; break;
        case 'p': o.paused = true; break;
        case 'c': o.console = true; break;
        case 'F': o.foreground = true; break;
        case 'e': o.no_monitor = true; break;
        case 'n': o.dry_run = true; break;
        case 'q': o.quiet = true; cli_verbosity = -1; break;
        case O_ONPOWEROFF: o.on_poweroff = optarg; break;
        case O_ONREBOOT: o.on_reboot = optarg; break;
        case O_ONWATCHDOG: o.on_watchdog = optarg; break;
        case O_ONCRASH: o.on_crash = optarg; break;
        case O_NOVERIFY: o.no_verify = true; break;
        case O_IGNORE_UNSUPPORTED: o.ignore_unsupported = true; break;
        case O_MEMORY:
            if (parse_u64("memory", optarg, &o.memory) < 0)
                return EXIT_USAGE;
            o.has_memory = true;
            break;
        case O_MAXMEM:
            if (parse_u64("maxmem", optarg, &o.maxmem) < 0)
                return EXIT_USAGE;
            o.has_maxmem = true;
            break;
        case O_VCPUS:
            if (parse_u64("vcpus", optarg, &v) < 0 || v > 4096) {
                if (v > 4096)
                    cli_error("create: --vcpus: %s is more than 4096", optarg);
                return EXIT_USAGE;
            }
            o.vcpus = (unsigned long)v;
            o.has_vcpus = true;
            break;
        case 'v': cli_verbosity++; break;
        case 'h': create_usage(stdout); return 0;
        default: create_usage(stderr); return EXIT_USAGE;
        }
    }
    if (o.host && strcmp(o.host, "sim") != 0 && strcmp(o.host, "xen") != 0) {
        cli_error("create: --host=%s: must be sim or xen", o.host);
        return EXIT_USAGE;
    }

    struct pvb_config cfg;
    pvb_error err = { 0 };
    int status = 1;
    pvb_config_init(&cfg);

    if (optind < argc) {
        const char *file = argv[optind];
        if (strchr(file, '=')) {
            cli_error("create: '%s': KEY=VALUE overrides follow a CONFIG file", file);
            pvb_config_free(&cfg);
            return EXIT_USAGE;
        }
        if (create_vm_read(file, argv + optind + 1, (size_t)(argc - optind - 1),
                           o.ignore_unsupported, &cfg, &o.vm) != 0)
            goto out;
    }
    if (apply_options(&o, &cfg, &err) < 0) {
        cli_error("create: %s", err.msg);
        goto out;
    }
    if (!cfg.kernel) {
        cli_error("create: no kernel: give --kernel=FILE or a CONFIG with kernel=");
        status = EXIT_USAGE;
        goto out;
    }
    struct pvb_lifecycle_policy policy;
    if (pvb_lifecycle_policy_from_config(&cfg, optind < argc ? argv[optind] : NULL,
                                         &policy, &err) < 0) {
        cli_error("create: %s", err.msg);
        goto out;
    }
    if (o.dry_run) {
        status = dry_run(&cfg, &policy, o.ramdisk_compressed, o.json);
        goto out;
    }
    const char *host = pick_host(o.host, o.quiet);
    if (strcmp(host, "sim") == 0 && (o.paused || o.console || o.foreground)) {
        cli_error("create: -p/--paused, -c/--console and -F/--foreground are for "
                  "--host=xen: a domain on the simulated host never runs");
        status = EXIT_USAGE;
        goto out;
    }
    bool on_xen = strcmp(host, "xen") == 0;
    if (on_xen && cli_name_is_free("create", cfg.name) < 0)
        goto out;
    if (!on_xen)
        create_vm_on_sim(o.vm, optind < argc ? argv[optind] : NULL);
    struct console_attach ca = { .fd = -1 };
    if (o.console)
        o.attach = &ca;
    uint32_t domid = 0;
    status = build_and_report(&o, host, &cfg, &domid);
    cli_lifecycle_release();
    if (status == 0 && on_xen)
        status = after_create(&o, &cfg, &policy, domid, &ca);
    else
        console_release(&ca);
out:
    cli_lifecycle_release();
    pvb_vm_free(o.vm);
    pvb_config_free(&cfg);
    return status;
}
