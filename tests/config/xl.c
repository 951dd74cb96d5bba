/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pvb_config_read_xl on real xl config files written here, read by Xen's
 * libxlutil.  Expected values follow xl.cfg(5) and xl's own parser
 * (tools/xl/xl_parse.c: parse_cmdline, type=/builder=).
 */
#define _GNU_SOURCE
#include "tap.h"
#include "pvbuild.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[256];

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

static void cleanup(void)
{
    if (tmpdir[0])
        nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Writes tmpdir/name and returns its path (static, reused per call slot). */
static const char *write_file(const char *name, const char *text)
{
    static char paths[8][512];
    static int slot;
    char *path = paths[slot++ % 8];
    snprintf(path, 512, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        printf("Bail out! cannot write %s\n", path);
        exit(1);
    }
    return path;
}

/* A logger that keeps what it is told. */
struct captured {
    int warnings, others;
    char last[1024];
    char all[4096];
};

static void capture(void *opaque, enum pvb_log_level level, const char *msg)
{
    struct captured *c = opaque;
    if (level == PVB_LOG_WARNING)
        c->warnings++;
    else
        c->others++;
    snprintf(c->last, sizeof c->last, "%s", msg);
    size_t n = strlen(c->all);
    snprintf(c->all + n, sizeof c->all - n, "%s\n", msg);
}

static struct captured logged;
static char last_error[PVB_ERROR_MAX];
static pvb_logger logger = { capture, &logged };
static int stderr_bytes;

/*
 * Read `path` into cfg with the overrides; stderr is redirected around the
 * call to catch anything libxlutil would print there.
 */
static int read_xl(struct pvb_config *cfg, const char *path,
                   const char *const *ovr, size_t nr, pvb_error *err)
{
    char errpath[512];
    snprintf(errpath, sizeof errpath, "%s/stderr", tmpdir);
    fflush(stderr);
    int saved = dup(2);
    int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    close(fd);

    memset(&logged, 0, sizeof logged);
    memset(err, 0, sizeof *err);
    struct pvb_xl_opts xo = { .version = PVB_XL_OPTS_VERSION, .overrides = ovr,
                              .nr_overrides = nr, .log = &logger };
    int r = pvb_config_read_xl(cfg, path, &xo, err);

    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    struct stat st;
    if (stat(errpath, &st) == 0 && st.st_size > 0) {
        stderr_bytes += (int)st.st_size;
        diag("%lld bytes went to stderr reading %s", (long long)st.st_size,
             path);
    }
    return r;
}

/* Expect failure with `code` and a one-line message starting with want. */
static void fails_with(const char *what, const char *path, const char *text,
                       const char *const *ovr, size_t nr, int code,
                       const char *want)
{
    struct pvb_config cfg;
    pvb_error err;
    pvb_config_init(&cfg);
    pvb_config_set_string(&cfg.kernel, "/preset", NULL);
    cfg.memory_mib = 77;
    if (text)
        path = write_file(path, text);
    int r = read_xl(&cfg, path, ovr, nr, &err);
    is_u64((int64_t)r, (int64_t)code, "%s: fails with %d", what, code);
    is_u64((int64_t)err.code, (int64_t)code, "%s: err.code", what);
    if (!ok(strncmp(err.msg, want, strlen(want)) == 0, "%s: message", what))
        diag("got  \"%s\"\n# want \"%s...\"", err.msg, want);
    ok(!strchr(err.msg, '\n'), "%s: message is one line", what);
    memcpy(last_error, err.msg, sizeof last_error);
    ok(cfg.kernel && strcmp(cfg.kernel, "/preset") == 0 &&
       cfg.memory_mib == 77, "%s: config untouched", what);
    pvb_config_free(&cfg);
}

static char *path_in(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *path_in(const char *fmt, ...)
{
    static char buf[4][512];
    static int slot;
    char *b = buf[slot++ % 4];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, 512, fmt, ap);
    va_end(ap);
    return b;
}

/* Shaped like Xen's tools/examples/xlexample.pvlinux. */
static const char pvlinux[] =
    "# =====================================================================\n"
    "# Example PV Linux guest configuration\n"
    "# =====================================================================\n"
    "\n"
    "# Guest name\n"
    "name = \"example.pvlinux\"\n"
    "\n"
    "# 128-bit UUID for the domain as a hexadecimal number.\n"
    "#uuid = \"XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX\"\n"
    "\n"
    "type = \"pv\"\n"
    "\n"
    "# Kernel image to boot\n"
    "kernel = \"/boot/vmlinuz\"\n"
    "\n"
    "# Ramdisk (optional)\n"
    "#ramdisk = \"/boot/initrd.gz\"\n"
    "\n"
    "# Kernel command line options\n"
    "extra = \"root=/dev/xvda1\"\n"
    "\n"
    "# Initial memory allocation (MB)\n"
    "memory = 128\n"
    "\n"
    "# Maximum memory (MB)\n"
    "#maxmem = 512\n"
    "\n"
    "# Number of VCPUS\n"
    "vcpus = 2\n"
    "\n"
    "# Network devices\n"
    "vif = [ '' ]\n"
    "\n"
    "# Disk Devices\n"
    "disk = [ '/dev/vg/guest-volume,raw,xvda,rw' ]\n";

static void test_pvlinux(void)
{
    struct pvb_config cfg;
    pvb_error err;
    const char *path = write_file("pvlinux.cfg", pvlinux);

    pvb_config_init(&cfg);
    int r = read_xl(&cfg, path, NULL, 0, &err);
    if (!ok(r == 0, "xlexample.pvlinux-like file is read"))
        diag("error: %s", err.msg);
    is_str(cfg.name, "example.pvlinux", "name");
    is_str(cfg.kernel, "/boot/vmlinuz", "kernel (absolute, unchanged)");
    ok(cfg.ramdisk == NULL, "commented-out ramdisk is not set");
    is_str(cfg.cmdline, "root=/dev/xvda1", "cmdline from extra alone");
    is_u64(cfg.memory_mib, 128, "memory");
    is_u64(cfg.maxmem_mib, 0, "maxmem commented out: default");
    is_u64(cfg.vcpus, 2, "vcpus");
    is_u64(cfg.max_vcpus, 0, "maxvcpus absent: default");
    is_u64(cfg.p2m, PVB_P2M_DEFAULT, "p2m absent: default");
    is_u64(logged.warnings, 1, "one warning");
    is_str(logged.last, path_in("%s: ignoring keys pvbuild does not act on: "
                                "disk, vif", path),
           "the warning lists disk and vif, not the commented uuid");

    /* Reading again into the same config replaces the strings. */
    r = read_xl(&cfg, path, NULL, 0, &err);
    ok(r == 0, "reading into a filled config works");
    is_str(cfg.name, "example.pvlinux", "name after a second read");
    pvb_config_free(&cfg);

    /* Xen's own example, when the Xen tools installed it. */
    static const char *const installed[] = {
        "/etc/xen/xlexample.pvlinux",
        "/usr/share/doc/xen-utils-common/examples/xlexample.pvlinux",
    };
    int found = 0;
    for (size_t i = 0; i < sizeof installed / sizeof installed[0]; i++) {
        if (access(installed[i], R_OK) != 0)
            continue;
        found = 1;
        pvb_config_init(&cfg);
        r = read_xl(&cfg, installed[i], NULL, 0, &err);
        if (!ok(r == 0, "%s is read", installed[i]))
            diag("error: %s", err.msg);
        is_str(cfg.name, "example.pvlinux", "%s: name", installed[i]);
        ok(cfg.kernel && cfg.kernel[0] == '/', "%s: kernel", installed[i]);
        ok(cfg.memory_mib > 0, "%s: memory", installed[i]);
        pvb_config_free(&cfg);
    }
    if (!found)
        printf("ok %d - # SKIP Xen's xlexample.pvlinux is not installed\n",
               ++tap_n);
}

static void cmdline_case(const char *what, const char *body, const char *want,
                         int want_warnings, const char *warning)
{
    struct pvb_config cfg;
    pvb_error err;
    const char *path = write_file("cmdline.cfg", body);
    pvb_config_init(&cfg);
    pvb_config_set_string(&cfg.cmdline, "preset", NULL);
    int r = read_xl(&cfg, path, NULL, 0, &err);
    if (!ok(r == 0, "%s: read", what))
        diag("error: %s", err.msg);
    is_str(cfg.cmdline, want, "%s: cmdline", what);
    is_u64(logged.warnings, want_warnings, "%s: warnings", what);
    if (warning)
        is_str(logged.last, path_in("%s: %s", path, warning), "%s: warning",
               what);
    pvb_config_free(&cfg);
}

static void test_cmdline(void)
{
    cmdline_case("cmdline alone", "cmdline = \"console=hvc0 quiet\"\n",
                 "console=hvc0 quiet", 0, NULL);
    cmdline_case("root alone", "root = \"/dev/xvda1 ro\"\n",
                 "root=/dev/xvda1 ro", 0, NULL);
    cmdline_case("extra alone", "extra = \"console=hvc0\"\n", "console=hvc0",
                 0, NULL);
    cmdline_case("root and extra",
                 "extra = \"console=hvc0\"\nroot = \"/dev/xvda1\"\n",
                 "root=/dev/xvda1 console=hvc0", 0, NULL);
    cmdline_case("cmdline beats root and extra",
                 "root = \"/dev/xvda1\"\ncmdline = \"init=/bin/sh\"\n"
                 "extra = \"console=hvc0\"\n",
                 "init=/bin/sh", 1,
                 "ignoring root and extra in favour of cmdline");
    cmdline_case("cmdline beats extra", "extra = \"x\"\ncmdline = \"y\"\n",
                 "y", 1, "ignoring extra in favour of cmdline");
    cmdline_case("empty cmdline still wins", "cmdline = \"\"\nroot = \"r\"\n",
                 "", 1, "ignoring root in favour of cmdline");
    cmdline_case("none of them keeps the preset", "memory = 64\n", "preset", 0,
                 NULL);
    cmdline_case("+= appends to extra",
                 "extra = \"console=hvc0\"\nextra += \" quiet\"\n",
                 "console=hvc0 quiet", 0, NULL);
}

static void accepts_type(const char *what, const char *body)
{
    struct pvb_config cfg;
    pvb_error err;
    pvb_config_init(&cfg);
    int r = read_xl(&cfg, write_file("type.cfg", body), NULL, 0, &err);
    if (!ok(r == 0, "%s is accepted", what))
        diag("error: %s", err.msg);
    pvb_config_free(&cfg);
}

static void test_type(void)
{
    char p[512];
    snprintf(p, sizeof p, "%s/type.cfg", tmpdir);
    accepts_type("type=\"pv\"", "type = \"pv\"\nkernel = \"/k\"\n");
    accepts_type("no type", "kernel = \"/k\"\n");
    accepts_type("builder=\"generic\"", "builder = \"generic\"\n");
    accepts_type("builder=\"linux\"", "builder = 'linux'\n");
    fails_with("type hvm", "type.cfg", "kernel = \"/k\"\ntype = \"hvm\"\n",
               NULL, 0, -ENOTSUP,
               path_in("%s: type \"hvm\" is not supported: pvbuild builds PV "
                       "guests only", p));
    fails_with("type pvh", "type.cfg", "type = \"pvh\"\n", NULL, 0, -ENOTSUP,
               path_in("%s: type \"pvh\" is not supported", p));
    fails_with("builder hvm", "type.cfg", "builder = \"hvm\"\n", NULL, 0,
               -ENOTSUP, path_in("%s: builder \"hvm\" is not supported", p));
    fails_with("type list", "type.cfg", "type = [ \"pv\" ]\n", NULL, 0,
               -EINVAL,
               path_in("%s: type must be a single value, not a list", p));
}

static void test_overrides(void)
{
    struct pvb_config cfg;
    pvb_error err;
    const char *path = write_file("ovr.cfg",
                                  "name = \"file\"\n"
                                  "kernel = \"/boot/vmlinuz\"\n"
                                  "memory = 512\n"
                                  "maxmem = 4096\n"
                                  "root = \"/dev/xvda\"\n"
                                  "p2m_vaddr = \"inside\"\n"
                                  "vif = [ 'bridge=xenbr0' ]");
    static const char *const ovr[] = {
        "memory=1024",
        "kernel=/x/vmlinuz",                 /* not xl syntax: a string */
        "extra=console=hvc0 earlyprintk=xen",
        "name=\"quoted name\"",              /* xl syntax: used as it is */
        "memory=2048",                       /* the later override wins */
        "p2m_vaddr=0x8000000000",
        "ramdisk='/boot/initrd.img'",
        "on_crash=preserve",
    };
    pvb_config_init(&cfg);
    int r = read_xl(&cfg, path, ovr, sizeof ovr / sizeof ovr[0], &err);
    if (!ok(r == 0, "overrides: read"))
        diag("error: %s", err.msg);
    is_u64(cfg.memory_mib, 2048, "memory: the last override wins");
    is_u64(cfg.maxmem_mib, 4096, "maxmem from the file");
    is_str(cfg.kernel, "/x/vmlinuz", "unquoted kernel override");
    is_str(cfg.name, "quoted name", "quoted name override");
    is_str(cfg.cmdline, "root=/dev/xvda console=hvc0 earlyprintk=xen",
           "root from the file with extra from an override");
    is_u64(cfg.p2m, PVB_P2M_ADDRESS, "p2m_vaddr override: address");
    is_u64(cfg.p2m_vaddr, UINT64_C(1) << 39, "p2m_vaddr override: 512 GiB");
    is_str(cfg.ramdisk, "/boot/initrd.img", "ramdisk override");
    is_u64(logged.warnings, 1, "one warning");
    is_str(logged.last, path_in("%s: ignoring keys pvbuild does not act on: "
                                "vif", path),
           "override keys are listed too");
    is_str(cfg.on_crash, "preserve", "on_crash override: kept as text for the lifecycle policy");

    static const char *const tricky[] = {
        "cmdline=a \"quoted\" back\\slash",
        "name=",
        "ramdisk=",
        "vcpus=\"3\"",
    };
    r = read_xl(&cfg, path, tricky, sizeof tricky / sizeof tricky[0], &err);
    if (!ok(r == 0, "tricky overrides: read"))
        diag("error: %s", err.msg);
    is_str(cfg.cmdline, "a \"quoted\" back\\slash",
           "quotes and backslashes survive quoting");
    is_str(cfg.name, "", "name= is an empty name");
    ok(cfg.ramdisk == NULL, "ramdisk= drops the ramdisk");
    is_u64(cfg.vcpus, 3, "a quoted number is a number");
    is_u64(cfg.memory_mib, 512, "memory from the file again");
    pvb_config_free(&cfg);

    const char *p = path;
    static const char *const noeq[] = { "memory" };
    fails_with("override without =", p, NULL, noeq, 1, -EINVAL,
               path_in("%s: override \"memory\" is not KEY=VALUE", p));
    static const char *const upper[] = { "Kernel=/x" };
    fails_with("override with an upper-case key", p, NULL, upper, 1,
               -EINVAL, path_in("%s: override \"Kernel=/x\": the key is not "
                                "an xl config name", p));
    static const char *const big[] = { "memory=8192" };
    fails_with("override memory above maxmem", p, NULL, big, 1,
               -EINVAL, path_in("%s: memory 8192 MiB exceeds maxmem 4096 MiB",
                                p));
    static const char *const hvm[] = { "type=hvm" };
    fails_with("override type=hvm", p, NULL, hvm, 1, -ENOTSUP,
               path_in("%s: type \"hvm\" is not supported", p));
    /* Valid alone, but += of a string onto the file's list is not. */
    static const char *const add[] = { "memory=1", "vif+='x'" };
    fails_with("override += of the wrong kind", p, NULL, add, 2,
               -EINVAL, path_in("%s: override \"vif+='x'\": config parsing "
                                "error near", p));
}

static void test_paths(void)
{
    struct pvb_config cfg;
    pvb_error err;
    char sub[512];
    snprintf(sub, sizeof sub, "%s/guests", tmpdir);
    mkdir(sub, 0700);
    const char *path = write_file("guests/rel.cfg",
                                  "kernel = \"images/vmlinuz\"\n"
                                  "ramdisk = \"../initrd.img\"\n");
    pvb_config_init(&cfg);
    int r = read_xl(&cfg, path, NULL, 0, &err);
    if (!ok(r == 0, "relative paths: read"))
        diag("error: %s", err.msg);
    is_str(cfg.kernel, path_in("%s/images/vmlinuz", sub),
           "relative kernel: from the file's directory");
    is_str(cfg.ramdisk, path_in("%s/../initrd.img", sub),
           "relative ramdisk: from the file's directory");

    static const char *const ovr[] = { "kernel=vmlinuz-cwd" };
    r = read_xl(&cfg, path, ovr, 1, &err);
    ok(r == 0, "relative kernel override: read");
    is_str(cfg.kernel, "vmlinuz-cwd",
           "a relative path given as an override stays relative to the cwd");
    is_str(cfg.ramdisk, path_in("%s/../initrd.img", sub),
           "the file's ramdisk is still from the file's directory");

    static const char *const add[] = { "kernel+=\"-suffix\"" };
    r = read_xl(&cfg, path, add, 1, &err);
    ok(r == 0, "kernel += override: read");
    is_str(cfg.kernel, path_in("%s/images/vmlinuz-suffix", sub),
           "a += on the file's path stays in the file's directory");

    /* A config file given without a directory: paths as written. */
    char cwd[512];
    if (!getcwd(cwd, sizeof cwd) || chdir(sub) != 0) {
        printf("Bail out! cannot chdir to %s\n", sub);
        exit(1);
    }
    r = read_xl(&cfg, "rel.cfg", NULL, 0, &err);
    ok(r == 0, "config named without a directory: read");
    is_str(cfg.kernel, "images/vmlinuz", "its kernel stays as written");
    if (chdir(cwd) != 0)
        exit(1);

    write_file("guests/abs.cfg", "kernel = \"/abs/vmlinuz\"\n");
    r = read_xl(&cfg, path_in("%s/abs.cfg", sub), NULL, 0, &err);
    ok(r == 0, "absolute kernel: read");
    is_str(cfg.kernel, "/abs/vmlinuz", "absolute path unchanged");
    pvb_config_free(&cfg);

    fails_with("empty kernel", "empty.cfg", "kernel = \"\"\n", NULL, 0,
               -EINVAL, path_in("%s/empty.cfg: kernel is an empty path",
                                tmpdir));
}

static void test_keys(void)
{
    struct pvb_config cfg;
    pvb_error err;
    const char *path = write_file(
        "keys.cfg",
        "# vnc = 1 is a comment, not a key\n"
        "name = \"keys\"; on_crash = \"destroy\"\n"
        "extra = \"usb = 1 sdl = 0\"\n"
        "disk = [ 'phy:/dev/vg/a,xvda,w',\n"
        "         'format=raw, vdev=xvdb, target=/x' ]\n"
        "disk += [ \"file:/img,xvdc,r\" ]\n"
        "on_poweroff='destroy' # trailing comment\n"
        "cpu_weight = 0x100\n"
        "vif = [ ]\n"
        "pci.x = \"dotted\"\n"
        "memory = 256\n");
    pvb_config_init(&cfg);
    int r = read_xl(&cfg, path, NULL, 0, &err);
    if (!ok(r == 0, "keys file: read"))
        diag("error: %s", err.msg);
    is_u64(logged.warnings, 1, "exactly one warning for several unknown keys");
    is_str(logged.last,
           path_in("%s: ignoring keys pvbuild does not act on: cpu_weight, "
                   "disk, pci.x, vif", path),
           "each key once, sorted; none from comments or strings");
    is_str(cfg.cmdline, "usb = 1 sdl = 0", "extra with = inside the string");
    is_str(cfg.on_poweroff, "destroy", "on_poweroff read as written");
    pvb_config_free(&cfg);

    pvb_config_init(&cfg);
    r = read_xl(&cfg, write_file("known.cfg", "name = \"k\"\nmemory = 64\n"
                                 "maxmem = 128\nvcpus = 1\nmaxvcpus = 4\n"),
                NULL, 0, &err);
    ok(r == 0, "file with known keys only: read");
    is_u64(logged.warnings, 0, "no warning when every key is acted on");
    is_u64(cfg.maxmem_mib, 128, "maxmem");
    is_u64(cfg.max_vcpus, 4, "maxvcpus");
    pvb_config_free(&cfg);
}

/* Bytes libxlutil must never see: it aborts on the first, and takes any line. */
static void test_bytes(void)
{
    char path[512], *line;
    snprintf(path, sizeof path, "%s/nul.cfg", tmpdir);
    FILE *f = fopen(path, "w");
    static const char nul[] = "name = \"a\"\nkernel = \"a\0b\"\n";
    ok(f && fwrite(nul, 1, sizeof nul - 1, f) == sizeof nul - 1 && fclose(f) == 0,
       "a config with a NUL inside a quoted string");
    fails_with("NUL byte", path, NULL, NULL, 0, -EINVAL,
               path_in("%s:2: a NUL byte at column 12 (an xl config is text)",
                       path));

    size_t n = 16384 + 64;
    line = malloc(n + 16);
    memcpy(line, "name = \"a\"\nextra = \"", 20);
    memset(line + 20, 'x', n - 20);
    memcpy(line + n, "\"\n", 3);
    fails_with("over-long line", "long.cfg", line, NULL, 0, -EINVAL,
               path_in("%s/long.cfg:2: line longer than the limit of 16384 bytes",
                       tmpdir));
    /* The longest line allowed is read. */
    memcpy(line + 16384 + 11 - 1, "\"\n", 3);
    struct pvb_config cfg;
    pvb_error err;
    pvb_config_init(&cfg);
    int r = read_xl(&cfg, write_file("longest.cfg", line), NULL, 0, &err);
    ok(r == 0 && cfg.cmdline && strlen(cfg.cmdline) == 16384 - 10,
       "a line of exactly 16384 bytes is read (%s)", r ? err.msg : "ok");
    pvb_config_free(&cfg);

    /* An override line is named as the override. */
    char *ovr = malloc(n);
    memcpy(ovr, "extra=", 6);
    memset(ovr + 6, 'y', n - 7);
    ovr[n - 1] = 0;
    const char *const ovrs[] = { ovr };
    fails_with("over-long override", "short.cfg", "name = \"a\"\n", ovrs, 1,
               -EINVAL, path_in("%s/short.cfg: override \"extra=yyy", tmpdir));
    ok(strstr(last_error, "line longer than the limit of 16384 bytes") != NULL,
       "over-long override: says why");
    free(ovr);
    free(line);
}

static void test_syntax(void)
{
    char p[512];
    snprintf(p, sizeof p, "%s/syntax.cfg", tmpdir);
    fails_with("syntax error", "syntax.cfg",
               "name = \"a\"\n# comment\nmemory = = 5\nvcpus = 1\n", NULL, 0,
               -EINVAL,
               path_in("%s:3: config parsing error near `=': syntax error", p));
    fails_with("unquoted string", "syntax.cfg",
               "name = \"a\"\nkernel = /boot/vmlinuz\n", NULL, 0, -EINVAL,
               path_in("%s:2: config parsing error near `/", p));
    /* libxlutil leaks here (tests/leaks/lsan.supp): the sanitizer build sees it. */
    fails_with("list left open", "syntax.cfg", "a=[1,5\n%%\n", NULL, 0, -EINVAL,
               path_in("%s:2: config parsing error near `%%%%'", p));
    fails_with("python-like file", "syntax.cfg", "memory = 1.5\n", NULL, 0,
               -EINVAL, path_in("%s:1: config parsing error near `.5'", p));
    ok(strstr(last_error, "(xl config files are not Python)") != NULL,
       "python-like file: libxlutil's Python hint is kept on the line");
    fails_with("missing file", "nonexistent.cfg", NULL, NULL, 0, -ENOENT,
               "nonexistent.cfg: cannot open: No such file or directory");
    fails_with("a directory", tmpdir, NULL, NULL, 0, -EINVAL,
               path_in("%s: not a regular file", tmpdir));

    /* No newline at the end, and a comment last: still read. */
    struct pvb_config cfg;
    pvb_error err;
    pvb_config_init(&cfg);
    int r = read_xl(&cfg, write_file("nonl.cfg", "memory = 300 # MiB"), NULL,
                    0, &err);
    if (!ok(r == 0, "a last line without a newline is read"))
        diag("error: %s", err.msg);
    is_u64(cfg.memory_mib, 300, "its value");
    r = read_xl(&cfg, write_file("later.cfg", "memory = 100\nmemory = 200\n"),
                NULL, 0, &err);
    ok(r == 0 && cfg.memory_mib == 200, "a later assignment in the file wins");
    r = read_xl(&cfg, write_file("empty.cfg", ""), NULL, 0, &err);
    ok(r == 0 && cfg.memory_mib == 200, "an empty file changes nothing");
    pvb_config_free(&cfg);
}

static void p2m_case(const char *line, enum pvb_p2m_placement mode,
                     uint64_t vaddr)
{
    struct pvb_config cfg;
    pvb_error err;
    pvb_config_init(&cfg);
    cfg.p2m = PVB_P2M_INSIDE;
    char text[256];
    snprintf(text, sizeof text, "%s\n", line);
    int r = read_xl(&cfg, write_file("p2m.cfg", text), NULL, 0, &err);
    if (!ok(r == 0, "%s: read", line))
        diag("error: %s", err.msg);
    is_u64(cfg.p2m, mode, "%s: placement", line);
    is_u64(cfg.p2m_vaddr, vaddr, "%s: address", line);
    is_u64(logged.warnings, 0, "%s: p2m_vaddr is a known key", line);
    pvb_config_free(&cfg);
}

static void test_p2m(void)
{
    p2m_case("p2m_vaddr = \"inside\"", PVB_P2M_INSIDE, 0);
    p2m_case("p2m_vaddr = 'default'", PVB_P2M_DEFAULT, 0);
    p2m_case("p2m_vaddr = 0x8000000000", PVB_P2M_ADDRESS, UINT64_C(1) << 39);
    p2m_case("p2m_vaddr = \"0x8000000000\"", PVB_P2M_ADDRESS,
             UINT64_C(1) << 39);
    p2m_case("p2m_vaddr = 549755813888", PVB_P2M_ADDRESS, UINT64_C(1) << 39);
    p2m_case("p2m_vaddr = \"0xffffc90000000000\"", PVB_P2M_ADDRESS,
             UINT64_C(0xffffc90000000000));
    char p[512];
    snprintf(p, sizeof p, "%s/p2m.cfg", tmpdir);
    fails_with("p2m_vaddr word", "p2m.cfg", "p2m_vaddr = \"nowhere\"\n", NULL,
               0, -EINVAL,
               path_in("%s: p2m_vaddr: p2m placement \"nowhere\"", p));
    fails_with("p2m_vaddr too big", "p2m.cfg",
               "p2m_vaddr = 0x10000000000000000\n", NULL, 0, -ERANGE,
               path_in("%s: p2m_vaddr: p2m placement \"0x10000000000000000\"",
                       p));
}

static void test_numbers(void)
{
    char p[512];
    snprintf(p, sizeof p, "%s/num.cfg", tmpdir);
    fails_with("memory not a number", "num.cfg", "memory = \"abc\"\n", NULL, 0,
               -EINVAL, path_in("%s: memory \"abc\" is not a number", p));
    fails_with("memory 0", "num.cfg", "memory = 0\n", NULL, 0, -ERANGE,
               path_in("%s: memory 0 MiB is out of range: must be 1 to "
                       "17592186044415 MiB", p));
    fails_with("memory negative", "num.cfg", "memory = \"-4\"\n", NULL, 0,
               -ERANGE, path_in("%s: memory -4 MiB is out of range", p));
    fails_with("memory beyond 64-bit bytes", "num.cfg",
               "memory = 17592186044416\n", NULL, 0, -ERANGE,
               path_in("%s: memory 17592186044416 MiB is out of range", p));
    fails_with("memory beyond long", "num.cfg",
               "memory = 99999999999999999999\n", NULL, 0, -ERANGE,
               path_in("%s: memory \"99999999999999999999\" is out of range",
                       p));
    fails_with("memory list", "num.cfg", "memory = [ 1 ]\n", NULL, 0, -EINVAL,
               path_in("%s: memory must be a number, not a list", p));
    fails_with("memory +=", "num.cfg", "memory = 1\nmemory += 2\n", NULL, 0,
               -EINVAL, path_in("%s: memory: += cannot be used with numbers",
                                p));
    fails_with("vcpus 0", "num.cfg", "vcpus = 0\n", NULL, 0, -ERANGE,
               path_in("%s: vcpus 0 is out of range: must be 1 to 4294967295",
                       p));
    fails_with("vcpus beyond unsigned", "num.cfg", "vcpus = 4294967296\n",
               NULL, 0, -ERANGE, path_in("%s: vcpus 4294967296 is out of range",
                                         p));
    fails_with("maxmem 0", "num.cfg", "maxmem = 0\n", NULL, 0, -ERANGE,
               path_in("%s: maxmem 0 MiB is out of range", p));
    fails_with("memory > maxmem", "num.cfg", "memory = 1024\nmaxmem = 512\n",
               NULL, 0, -EINVAL,
               path_in("%s: memory 1024 MiB exceeds maxmem 512 MiB", p));
    fails_with("vcpus > maxvcpus", "num.cfg", "vcpus = 8\nmaxvcpus = 4\n",
               NULL, 0, -EINVAL, path_in("%s: vcpus 8 exceeds maxvcpus 4", p));

    struct pvb_config cfg;
    pvb_error err;
    pvb_config_init(&cfg);
    int r = read_xl(&cfg, write_file("num.cfg",
                                     "memory = 0x400\nmaxmem = \"2048\"\n"
                                     "vcpus = 4\nmaxvcpus = 4\n"),
                    NULL, 0, &err);
    if (!ok(r == 0, "hex memory, quoted maxmem, vcpus == maxvcpus"))
        diag("error: %s", err.msg);
    is_u64(cfg.memory_mib, 1024, "memory = 0x400 is 1024 MiB");
    is_u64(cfg.maxmem_mib, 2048, "maxmem = \"2048\"");
    is_u64(cfg.vcpus, 4, "vcpus");
    is_u64(cfg.max_vcpus, 4, "maxvcpus");
    pvb_config_free(&cfg);
}

/* A name is at most 63 bytes, from a file or from a caller; a longer one is
 * refused, never cut, and the message names the file, the field and the
 * limit (and shows the name's start without splitting a UTF-8 letter). */
static void test_name_limit(void)
{
    char name[PVB_DOMAIN_NAME_MAX + 8], text[256], p[512];
    memset(name, 'n', PVB_DOMAIN_NAME_MAX - 1);
    name[PVB_DOMAIN_NAME_MAX - 1] = '\0';
    snprintf(text, sizeof text, "name = \"%s\"\n", name);
    struct pvb_config cfg;
    pvb_error err;
    pvb_config_init(&cfg);
    int r = read_xl(&cfg, write_file("name.cfg", text), NULL, 0, &err);
    ok(r == 0 && cfg.name && strlen(cfg.name) == 63, "a 63-byte name is read whole (%s)",
       r ? err.msg : "ok");
    ok(pvb_config_check(&cfg, &err) == 0, "pvb_config_check takes a 63-byte name");
    pvb_config_free(&cfg);

    snprintf(p, sizeof p, "%s/name.cfg", tmpdir);
    strcat(name, "x");
    snprintf(text, sizeof text, "name = \"%s\"\n", name);
    fails_with("64-byte name", "name.cfg", text, NULL, 0, -EINVAL,
               path_in("%s: config: name \"nnnnnnnnnnnnnnnnnnnnnnnn...\" is 64 bytes, "
                       "above the limit of 63", p));
    const char *const ovr[] = { "name=0123456789012345678901234567890123456789012345678901234567890123" };
    fails_with("64-byte name as an override", "name.cfg", "kernel = \"/k\"\n", ovr, 1,
               -EINVAL, path_in("%s: config: name \"012345678901234567890123...\" is "
                                "64 bytes, above the limit of 63", p));
    /* 23 ASCII bytes, then two-byte letters: the shown start stops before
     * the letter that byte 24 would split. */
    char utf[160] = "name = \"aaaaaaaaaaaaaaaaaaaaaaa";
    for (int i = 0; i < 30; i++)
        strcat(utf, "\xc3\xa9");
    strcat(utf, "\"\n");
    fails_with("long UTF-8 name", "name.cfg", utf, NULL, 0, -EINVAL,
               path_in("%s: config: name \"aaaaaaaaaaaaaaaaaaaaaaa...\" is 83 bytes", p));

    pvb_config_init(&cfg);
    pvb_config_set_string(&cfg.name, name, NULL);
    pvb_config_set_string(&cfg.kernel, "/k", NULL);
    is_u64(pvb_config_check(&cfg, &err), -EINVAL, "pvb_config_check refuses a 64-byte name");
    ok(strcmp(err.msg, "config: name \"nnnnnnnnnnnnnnnnnnnnnnnn...\" is 64 bytes, above "
              "the limit of 63") == 0, "and says so: %s", err.msg);
    pvb_config_free(&cfg);
}

/* cpus=, cpus_soft=, vnuma=: read into the config's texts, checked. */
static void test_numa_keys(void)
{
    struct pvb_config cfg;
    pvb_error err;
    pvb_config_init(&cfg);
    const char *path = write_file("numa.cfg",
        "kernel = \"/k\"\nmemory = 512\nvcpus = 2\n"
        "cpus = [\"0-3,^2\", \"nodes:1\"]\ncpus_soft = \"all\"\n"
        "vnuma = [ [\"pnode=0\", \"size=256\", \"vcpus=0\", \"vdistances=10,21\"],\n"
        "          [\"pnode=1\", \"size=256\", \"vcpus=1\", \"vdistances=21,10\"] ]\n");
    int r = read_xl(&cfg, path, NULL, 0, &err);
    ok(r == 0, "cpus list, cpus_soft, vnuma: read (%s)", r ? err.msg : "ok");
    ok(cfg.cpus && strcmp(cfg.cpus, "0-3,^2;nodes:1;") == 0,
       "cpus list: one item per vCPU, each ended by ';': %s", cfg.cpus);
    ok(cfg.cpus_soft && strcmp(cfg.cpus_soft, "all") == 0, "cpus_soft: as written");
    ok(cfg.vnuma && strcmp(cfg.vnuma, "pnode=0 size=256 vcpus=0 vdistances=10,21;"
                           "pnode=1 size=256 vcpus=1 vdistances=21,10") == 0,
       "vnuma: items by ' ', vnodes by ';': %s", cfg.vnuma);
    ok(logged.warnings == 0, "no key is reported as ignored");
    ok(pvb_config_check(&cfg, &err) == 0, "pvb_config_check accepts it");
    pvb_config_free(&cfg);

    const char *const nodes_ovr[] = { "cpus=nodes:0-1" };
    pvb_config_init(&cfg);
    r = read_xl(&cfg, path, nodes_ovr, 1, &err);
    ok(r == 0 && cfg.cpus && strcmp(cfg.cpus, "nodes:0-1") == 0,
       "an override replaces the list with one text: %s", cfg.cpus ? cfg.cpus : err.msg);
    pvb_config_free(&cfg);

    fails_with("cpus syntax", "c1.cfg", "kernel=\"/k\"\ncpus=\"0-x\"\n", NULL, 0,
               -EINVAL, tmpdir);
    ok(strstr(last_error, "cpus \"0-x\": \"0-x\" is not a cpu, a range") != NULL, "names the item");
    fails_with("cpus range backwards", "c2.cfg", "kernel=\"/k\"\ncpus=\"3-1\"\n", NULL,
               0, -EINVAL, tmpdir);
    fails_with("cpus_soft empty list", "c3.cfg", "kernel=\"/k\"\ncpus_soft=[]\n", NULL,
               0, -EINVAL, tmpdir);
    ok(strstr(last_error, "cpus_soft: an empty list") != NULL, "says the list is empty");
    fails_with("vnuma as a string", "v1.cfg", "kernel=\"/k\"\nvnuma=\"pnode=0\"\n",
               NULL, 0, -EINVAL, tmpdir);
    ok(strstr(last_error, "vnuma must be a list of vnodes") != NULL, "says what vnuma must be");
    fails_with("vnuma sizes", "v2.cfg", "kernel=\"/k\"\nmemory=512\nvcpus=1\n"
               "vnuma=[[\"pnode=0\",\"size=256\",\"vcpus=0\"]]\n", NULL, 0, -EINVAL,
               tmpdir);
    ok(strstr(last_error, "vnuma: the vnodes' sizes sum to 256 MiB; they must sum to "
              "memory, 512 MiB") != NULL, "names the sum and memory");
    fails_with("vnuma unknown item", "v3.cfg", "kernel=\"/k\"\nmemory=512\nvcpus=1\n"
               "vnuma=[[\"pnode=0\",\"size=512\",\"vcpus=0\",\"colour=red\"]]\n", NULL,
               0, -EINVAL, tmpdir);
    ok(strstr(last_error, "vnuma: vnode 0: unknown item \"colour\"") != NULL, "names the item");
    fails_with("vnuma without vcpus", "v4.cfg", "kernel=\"/k\"\nmemory=512\nvcpus=1\n"
               "vnuma=[[\"pnode=0\",\"size=512\"]]\n", NULL, 0, -EINVAL, tmpdir);
    ok(strstr(last_error, "vnode 0: no vcpus=") != NULL, "names what is missing");
    fails_with("vnuma distances", "v5.cfg", "kernel=\"/k\"\nmemory=512\nvcpus=1\n"
               "vnuma=[[\"pnode=0\",\"size=512\",\"vcpus=0\",\"vdistances=10,20\"]]\n",
               NULL, 0, -EINVAL, tmpdir);
    ok(strstr(last_error, "vnode 0: 2 vdistances for 1 vnodes") != NULL, "counts the distances");
    fails_with("vnuma vcpu beyond", "v6.cfg", "kernel=\"/k\"\nmemory=512\nvcpus=1\n"
               "vnuma=[[\"pnode=0\",\"size=512\",\"vcpus=0-1\"]]\n", NULL, 0, -EINVAL,
               tmpdir);
    ok(strstr(last_error, "1 is beyond the last vCPU (0)") != NULL, "names the vCPU");
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "%s/pvb-config-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        printf("Bail out! mkdtemp failed\n");
        return 1;
    }
    atexit(cleanup);
    /* Kept if a sanitizer aborts the run while stderr points there. */
    diag("stderr during each read goes to %s/stderr", tmpdir);

    test_pvlinux();
    test_cmdline();
    test_type();
    test_overrides();
    test_paths();
    test_keys();
    test_syntax();
    test_bytes();
    test_p2m();
    test_numbers();
    test_name_limit();
    test_numa_keys();

    is_u64(stderr_bytes, 0, "libxlutil printed nothing to stderr");
    ok(pvb_config_read_xl(NULL, "x", NULL, NULL) == -EINVAL,
       "a NULL config is refused");
    return done_testing();
}
