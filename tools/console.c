/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A guest's console on stdout.  Where xenconsoled runs it owns the
 * console ring (it consumes the bytes), so we read the pty it gives the
 * guest (console/tty), as xl console does; reading the ring beside it
 * would split the stream between us.  Only with no xenconsoled do we read
 * the ring ourselves.
 */
#include "cli.h"
#include "report.h"
#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* How long xenconsoled may take to give a new guest its pty. */
#define TTY_WAIT_MS 30000
/* After the guest shut down, bytes xenconsoled still passes on. */
#define DRAIN_MS 1000

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int console_prepare(uint32_t domid, uint64_t console_mfn, struct console_attach *ca)
{
    pvb_lifecycle *lc;
    pvb_error err;
    char tty[256];

    memset(ca, 0, sizeof *ca);
    ca->fd = -1;
    ca->domid = domid;
    ca->console_mfn = console_mfn;
    if (!pvb_xenconsoled_runs()) {
        ca->ring = true;
        if (cli_verbosity > 0)
            fprintf(stderr, "pvbuild: info: no xenconsoled runs: reading domain %u's "
                    "console ring\n", domid);
        return 0;
    }
    if (pvb_lifecycle_open(&cli_lifecycle_opts, &lc, &err) < 0 ||
        pvb_lifecycle_console_tty(lc, domid, TTY_WAIT_MS, tty, sizeof tty, &err) < 0) {
        cli_error("console: %s", err.msg);
        pvb_lifecycle_close(lc);
        return -1;
    }
    pvb_lifecycle_close(lc);
    ca->fd = open(tty, O_RDONLY | O_NOCTTY | O_CLOEXEC);
    if (ca->fd < 0) {
        cli_error("console: domain %u: cannot open its pty %s: %s", domid, tty,
                  strerror(errno));
        return -1;
    }
    /* Raw: no echo back into the guest, no line editing, no CR/NL change. */
    struct termios t;
    if (tcgetattr(ca->fd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(ca->fd, TCSANOW, &t);
    }
    return 0;
}

void console_release(struct console_attach *ca)
{
    if (ca->fd >= 0)
        close(ca->fd);
    ca->fd = -1;
}

/*
 * The pty hangs up when xenconsoled lets the domain go, which may be as
 * soon as its monitor destroys it: the shutdown reason is read when
 * @releaseDomain fires, before that.
 */
static int follow_pty(struct console_attach *ca)
{
    pvb_lifecycle *lc;
    pvb_error err;
    char buf[4096];
    long long shut_at = 0;
    struct pvb_domain_entry e = { 0 };
    bool seen_shutdown = false;
    unsigned reason = 0;
    int xsfd;

    if (pvb_lifecycle_open(&cli_lifecycle_opts, &lc, &err) < 0 ||
        (xsfd = pvb_lifecycle_release_fd(lc, &err)) < 0) {
        cli_error("console: %s", err.msg);
        pvb_lifecycle_close(lc);
        return 1;
    }
    for (;;) {
        struct pollfd p[2] = { { .fd = ca->fd, .events = POLLIN },
                               { .fd = xsfd, .events = POLLIN } };
        int n = poll(p, 2, 200);
        if (n < 0 && errno != EINTR)
            break;
        if (n > 0 && p[0].revents) {
            ssize_t got = read(ca->fd, buf, sizeof buf);
            if (got > 0) {
                fwrite(buf, 1, (size_t)got, stdout);
                fflush(stdout);
            } else if (!(got < 0 && (errno == EINTR || errno == EAGAIN))) {
                /* 0 or EIO: xenconsoled closed the pty (the domain is gone). */
                break;
            }
        }
        if (n > 0 && !p[1].revents && !seen_shutdown)
            continue;
        if (n > 0 && p[1].revents)
            pvb_lifecycle_release_drain(lc);
        if (pvb_lifecycle_domain(lc, ca->domid, &e, &err) < 0 || e.dying) {
            /* Gone: after a shutdown we saw, drain what the pty still has. */
            if (!seen_shutdown || now_ms() - shut_at > DRAIN_MS)
                break;
            continue;
        }
        if (e.shutdown) {
            if (!seen_shutdown) {
                seen_shutdown = true;
                reason = e.shutdown_reason;
                shut_at = now_ms();
            } else if (now_ms() - shut_at > DRAIN_MS) {
                break;
            }
        }
    }
    pvb_lifecycle_close(lc);
    if (seen_shutdown)
        cli_error("domain %u shut down (%s)", ca->domid, cli_shutdown_reason(reason));
    else
        cli_error("domain %u is gone", ca->domid);
    return 0;
}

/* No xenconsoled: the ring is ours to consume (xl create -c without one). */
static int follow_ring(struct console_attach *ca)
{
    char buf[4096];
    pvb_error err;
    pvb_host *h;
    struct pvb_domain_state st;

    if (pvb_host_open("xen", &cli_host_opts, &h, &err) < 0) {
        cli_error("console: %s", err.msg);
        return 1;
    }
    int status = 0;
    for (;;) {
        size_t got;
        if (pvb_console_read(h, ca->domid, ca->console_mfn, buf, sizeof buf, &got,
                             &err) < 0) {
            if (pvb_domain_state(h, ca->domid, &st, &err) < 0 || st.dying) {
                cli_error("domain %u is gone", ca->domid);
                break;
            }
            cli_error("console: %s", err.msg);
            status = 1;
            break;
        }
        fwrite(buf, 1, got, stdout);
        fflush(stdout);
        if (got)
            continue;
        if (pvb_domain_state(h, ca->domid, &st, &err) < 0 || st.dying) {
            cli_error("domain %u is gone", ca->domid);
            break;
        }
        if (st.shutdown) {
            /* Whatever it wrote before shutting down is in the ring now. */
            if (pvb_console_read(h, ca->domid, ca->console_mfn, buf, sizeof buf,
                                 &got, &err) == 0)
                fwrite(buf, 1, got, stdout);
            fflush(stdout);
            cli_error("domain %u shut down (%s)", ca->domid,
                      cli_shutdown_reason(st.shutdown_reason));
            break;
        }
        struct timespec ts = { 0, 50 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    pvb_host_close(h);
    return status;
}

int console_follow(struct console_attach *ca)
{
    int r = ca->ring ? follow_ring(ca) : follow_pty(ca);
    console_release(ca);
    return r;
}

int cmd_console(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            puts("Usage: pvbuild console NAME|DOMID\n"
                 "Copy a guest's console output to stdout until it shuts down, through\n"
                 "the pty xenconsoled gives it (as xl console); where no xenconsoled\n"
                 "runs, from its console ring.");
            return 0;
        default:
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cli_error("console: give one NAME or DOMID");
        return EXIT_USAGE;
    }
    uint32_t domid;
    if (cli_domain_arg("console", argv[optind], &domid) < 0)
        return 1;
    uint64_t mfn = 0;
    if (!pvb_xenconsoled_runs()) {
        pvb_lifecycle *lc;
        pvb_error err;
        if (pvb_lifecycle_open(&cli_lifecycle_opts, &lc, &err) < 0 ||
            pvb_lifecycle_console_mfn(lc, domid, &mfn, &err) < 0) {
            cli_error("console: %s", err.msg);
            pvb_lifecycle_close(lc);
            return 1;
        }
        pvb_lifecycle_close(lc);
    }
    struct console_attach ca;
    if (console_prepare(domid, mfn, &ca) < 0)
        return 1;
    return console_follow(&ca);
}
