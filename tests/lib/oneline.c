/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every error and log message is one line of printable text, whatever the
 * input it quotes holds: a control character (a newline, an escape) there
 * becomes '?'.  Through the helpers themselves, and through the inputs
 * the fuzzers found quoting a newline (tests/fuzz/regress: an ELF note's
 * owner name, a __xen_guest key), opened here without a fuzzer.
 */
#include "tap.h"
#include "pvbuild.h"
#include "util/error.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned nr_msgs, nr_bad, nr_quoting;
static char bad[1024];

static bool printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

static void grab(void *opaque, enum pvb_log_level level, const char *msg)
{
    (void)opaque, (void)level;
    nr_msgs++;
    if (!printable(msg)) {
        nr_bad++;
        snprintf(bad, sizeof bad, "%s", msg);
    }
    if (strstr(msg, "?"))
        nr_quoting++;
}
static const pvb_logger logger = { grab, NULL };

/* A fuzz-build input is a 20-byte header, a command line, the kernel
 * and a ramdisk at the end (tests/fuzz/build.c): the kernel's bytes. */
static size_t build_input_kernel(unsigned char *buf, size_t n)
{
    if (n < 20)
        return n;
    size_t cmd = (size_t)(buf[16] | buf[17] << 8) & 0x7ff, rd = (size_t)(buf[13] | buf[14] << 8);
    size_t rest = n - 20;
    cmd = cmd < rest ? cmd : rest;
    rest -= cmd;
    rd = rd < rest ? rd : rest;
    memmove(buf, buf + 20 + cmd, rest - rd);
    return rest - rd;
}

static void open_input(const char *srcdir, const char *rel, const char *what,
                       bool build_input)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", srcdir, rel);
    FILE *f = fopen(path, "rb");
    static unsigned char buf[1 << 20];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    if (!ok(n > 0, "%s: %s read", what, rel))
        return;
    if (build_input)
        n = build_input_kernel(buf, n);
    struct pvb_image_opts o = { .version = PVB_IMAGE_OPTS_VERSION, .log = &logger };
    pvb_image *img = NULL;
    pvb_error err = { 0 };
    nr_msgs = nr_bad = nr_quoting = 0;
    int rc = pvb_image_open_mem(what, buf, n, &o, &img, &err);
    ok(nr_msgs > 0 && nr_bad == 0, "%s: %u log messages, none with a control "
       "character%s%s", what, nr_msgs, nr_bad ? ": " : "", bad);
    ok(nr_quoting > 0, "%s: the one quoting the input shows '?' for it", what);
    ok(rc == 0 || printable(err.msg), "%s: the error, if any, is printable: %s", what,
       rc ? err.msg : "none");
    pvb_image_close(img);
}

int main(void)
{
    pvb_error err;
    fail(&err, -EINVAL, "a \"%s\" name", "new\nline\x1b[2J\ttab\x7f");
    is_str(err.msg, "a \"new?line?[2J?tab?\" name", "fail: control characters become '?'");
    fail_append(&err, "; then \"%s\"", "\r\n");
    is_str(err.msg, "a \"new?line?[2J?tab?\" name; then \"??\"",
           "fail_append: the same for what it adds");
    fail(&err, -EIO, "inner");
    fail_prefix(&err, -EIO, "outer\nfile");
    is_str(err.msg, "outer?file: inner", "fail_prefix: the same for the prefix");

    nr_msgs = nr_bad = 0;
    log_msg(&logger, PVB_LOG_WARNING, "key \"%s\"", "G\x0b\n");
    ok(nr_msgs == 1 && nr_bad == 0, "log_msg: the message reaches the logger printable");

    const char *srcdir = getenv("top_srcdir");
    if (!srcdir)
        srcdir = ".";
    open_input(srcdir, "tests/fuzz/regress/image/xen-guest-key-newline", "xen-guest-key",
               false);
    open_input(srcdir, "tests/fuzz/regress/build/note-owner-newline", "note-owner", true);
    return done_testing();
}
