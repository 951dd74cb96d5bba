/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Input files at the edges: a FIFO, a socket, a device or a directory
 * given as kernel, ramdisk or config is refused at once (an alarm fails
 * the test instead of letting it hang if that regresses); a ramdisk too
 * large for the guest is refused before it is read (the process's read
 * count in /proc/self/io says so, no clock involved); a ramdisk file is
 * read only by the build, and one that shrinks meanwhile fails cleanly;
 * one only root can write is copied from a mapping of it instead (when
 * the test runs as root), also failing cleanly once cut short.
 */
#include "common.h"
#include "plan_copy.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/pvb-files-XXXXXX";

/* Every file the test makes in tmpdir. */
static const char *const made[] = { "fifo", "sock", "big", "small", "root-only" };

static const char *in_tmp(const char *name)
{
    static char buf[4][256];
    static int i;
    char *b = buf[i++ % 4];
    snprintf(b, sizeof buf[0], "%s/%s", tmpdir, name);
    return b;
}

/* Bytes this process has read so far (rchar of /proc/self/io). */
/* The ramdisk's debug lines: copied from a mapping, or read and why. */
static unsigned rd_mapped;
static char rd_read[512];

static void debug_reset(void)
{
    rd_mapped = 0;
    rd_read[0] = '\0';
}

static void grab_debug(void *opaque, enum pvb_log_level level, const char *msg)
{
    (void)opaque;
    if (level == PVB_LOG_DEBUG && strstr(msg, "ramdisk copied from a mapping"))
        rd_mapped++;
    if (level == PVB_LOG_DEBUG && strstr(msg, "ramdisk read, not mapped: "))
        snprintf(rd_read, sizeof rd_read, "%s", msg);
}

static const pvb_logger debug_log = { .fn = grab_debug };

static uint64_t bytes_read(void)
{
    FILE *f = fopen("/proc/self/io", "r");
    unsigned long long v = ~0ULL;
    char line[128];
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "rchar: %llu", &v) == 1)
            break;
    if (f)
        fclose(f);
    return v;
}

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "Bail out! an open blocked (alarm after 20 s)\n";
    if (write(1, msg, sizeof msg - 1) < 0)
        _exit(2);
    _exit(1);
}

static void refused(const char *what, const char *path, const char *want)
{
    pvb_error err = { 0 };
    pvb_image *img = NULL;
    pvb_ramdisk *rd = NULL;
    struct pvb_config cfg;
    pvb_config_init(&cfg);

    int rc = pvb_image_open_file(path, NULL, &img, &err);
    ok(rc < 0 && strstr(err.msg, path) && strstr(err.msg, want),
       "%s as kernel: %s", what, err.msg);
    rc = pvb_ramdisk_open_file(path, NULL, &rd, &err);
    ok(rc < 0 && strstr(err.msg, path) && strstr(err.msg, want),
       "%s as ramdisk: %s", what, err.msg);
    rc = pvb_config_read_xl(&cfg, path, NULL, &err);
    ok(rc < 0 && strstr(err.msg, path) && strstr(err.msg, want),
       "%s as config: %s", what, err.msg);
    pvb_config_free(&cfg);
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    alarm(20);
    if (!mkdtemp(tmpdir)) {
        printf("Bail out! mkdtemp: %s\n", strerror(errno));
        return 1;
    }

    /* Things that are not files. */
    const char *fifo = in_tmp("fifo");
    ok(mkfifo(fifo, 0600) == 0, "made a FIFO");
    refused("a FIFO", fifo, "not a regular file (a FIFO)");
    refused("a directory", tmpdir, "not a regular file (a directory)");
    refused("/dev/zero", "/dev/zero", "not a regular file (a character device)");
    const char *sock = in_tmp("sock");
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock);
    ok(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(s, 1) == 0,
       "made a listening socket");
    refused("a socket", sock, "not a regular file (a socket)");
    close(s);
    alarm(0);

    const char *kernel = debian_kernel();
    if (!kernel) {
        diag("no Debian kernel: the ramdisk builds are not run");
        goto out;
    }
    pvb_image *img;
    pvb_host *h;
    pvb_error err = { 0 };
    if (pvb_image_open_file(kernel, NULL, &img, &err) < 0 ||
        pvb_host_sim_open(NULL, &h, &err) < 0) {
        printf("Bail out! %s\n", err.msg);
        return 1;
    }
    struct pvb_config cfg;
    pvb_config_init(&cfg);
    cfg.memory_mib = 256;
    struct pvb_plan plan;
    struct pvb_domain dom;

    /* 900 MiB of holes: refused by size, not one of its bytes read. */
    const char *big = in_tmp("big");
    int fd = open(big, O_CREAT | O_WRONLY, 0600);
    ok(fd >= 0 && ftruncate(fd, (off_t)900 << 20) == 0, "a sparse 900 MiB ramdisk");
    close(fd);
    pvb_ramdisk *rd = NULL;
    uint64_t before = bytes_read();
    int rc = pvb_ramdisk_open_file(big, NULL, &rd, &err);
    ok(rc == 0, "it opens (%s)", rc ? err.msg : "size from fstat");
    rc = test_domain_create(h, &cfg, img, rd, &plan, NULL, &dom, &err);
    uint64_t got = bytes_read() - before;
    ok(rc == -ENOSPC, "a build with --memory=256 fails: %s", err.msg);
    ok(strstr(err.msg, big) && strstr(err.msg, "900 MiB") && strstr(err.msg, "256 MiB"),
       "the error names the file, its size and the memory");
    ok(got < 65536, "and reads %llu bytes, not the file",
       (unsigned long long)got);
    ok(dom.domid == 0 && sim_live_views(h) == 0, "no domain, no mapping left");
    pvb_ramdisk_close(rd);

    /* A ramdisk that fits is read by the build, once: one its group may
     * write, which is never mapped. */
    const char *small = in_tmp("small");
    size_t n = 3 << 20;
    unsigned char *buf = malloc(n);
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)(i * 7 + (i >> 9));
    FILE *f = fopen(small, "w");
    ok(f && fwrite(buf, 1, n, f) == n && fclose(f) == 0 && chmod(small, 0664) == 0,
       "a 3 MiB ramdisk its group may write");
    struct pvb_domain_opts dopts = PVB_DOMAIN_OPTS_INIT;
    dopts.log = &debug_log;
    debug_reset();
    before = bytes_read();
    rc = pvb_ramdisk_open_file(small, NULL, &rd, &err);
    ok(rc == 0 && bytes_read() - before < 65536, "opening it reads almost nothing");
    rc = test_domain_create(h, &cfg, img, rd, &plan, &dopts, &dom, &err);
    got = bytes_read() - before;
    ok(rc == 0, "the build succeeds%s%s", rc ? ": " : "", rc ? err.msg : "");
    ok(got >= n && got < n + (1 << 20), "the build read it once (%llu bytes)",
       (unsigned long long)got);
    ok(rd_mapped == 0 && strstr(rd_read, small) &&
       (strstr(rd_read, "its group or others may write it") ||
        strstr(rd_read, "not owned by root")),
       "and says at debug level why it was not mapped: %s", rd_read);
    struct pvb_verify_report rep;
    ok(test_verify(h, dom.domid, pvb_image_guest(img), &rep, &err) == 0 && rep.ok,
       "the domain verifies");
    pvb_domain_destroy(h, dom.domid, &err);
    const void *data = pvb_ramdisk_data(rd);
    ok(data && memcmp(data, buf, n) == 0, "pvb_ramdisk_data reads the file on demand");
    pvb_ramdisk_close(rd);

    /* The file shrinks between open and build. */
    rc = pvb_ramdisk_open_file(small, NULL, &rd, &err);
    ok(rc == 0 && truncate(small, 4096) == 0, "opened, then cut to 4 KiB");
    rc = test_domain_create(h, &cfg, img, rd, &plan, NULL, &dom, &err);
    ok(rc < 0 && strstr(err.msg, small) && strstr(err.msg, "shrank"),
       "the build fails: %s", err.msg);
    ok(dom.domid == 0 && sim_live_views(h) == 0, "no domain, no mapping left");
    pvb_ramdisk_close(rd);

    /* Only root may write it: copied from a mapping, not read. */
    const char *mine = in_tmp("root-only");
    f = fopen(mine, "w");
    ok(f && fwrite(buf, 1, n, f) == n && fclose(f) == 0 && chmod(mine, 0644) == 0,
       "a 3 MiB ramdisk only its owner may write");
    if (geteuid() != 0) {
        printf("ok %d # SKIP not run as root: no file here is root's alone\n", ++tap_n);
    } else {
        debug_reset();
        before = bytes_read();
        rc = pvb_ramdisk_open_file(mine, NULL, &rd, &err);
        if (rc == 0)
            rc = test_domain_create(h, &cfg, img, rd, &plan, &dopts, &dom, &err);
        got = bytes_read() - before;
        /* The build reads some of the kernel's file as before; the 3 MiB
         * of the ramdisk it does not. */
        ok(rc == 0 && rd_mapped == 1 && got < (1 << 20),
           "root's alone: copied from a mapping (%u), %llu bytes read%s%s", rd_mapped,
           (unsigned long long)got, rc ? ": " : "", rc ? err.msg : rd_read);
        ok(test_verify(h, dom.domid, pvb_image_guest(img), &rep, &err) == 0 && rep.ok,
           "... and the domain verifies");
        pvb_domain_destroy(h, dom.domid, &err);
        pvb_ramdisk_close(rd);

        /* Cut short: the pages past the end cannot be read in, the read
         * then fails as above; never SIGBUS. */
        rc = pvb_ramdisk_open_file(mine, NULL, &rd, &err);
        ok(rc == 0 && truncate(mine, 4096) == 0, "root's alone, opened, then cut");
        debug_reset();
        rc = test_domain_create(h, &cfg, img, rd, &plan, &dopts, &dom, &err);
        ok(rc < 0 && strstr(err.msg, mine) && strstr(err.msg, "shrank") && !rd_mapped,
           "the build fails: %s (%s)", err.msg, rd_read);
        ok(dom.domid == 0 && sim_live_views(h) == 0, "no domain, no mapping left");
        pvb_ramdisk_close(rd);
    }
    free(buf);

    pvb_config_free(&cfg);
    pvb_host_close(h);
    pvb_image_close(img);
out:
    /* By name again: in_tmp's buffers are reused, so fifo and sock may
     * now name other files. */
    for (size_t i = 0; i < sizeof made / sizeof made[0]; i++)
        unlink(in_tmp(made[i]));
    ok(rmdir(tmpdir) == 0, "left nothing in %s", tmpdir);
    return done_testing();
}
