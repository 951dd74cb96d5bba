/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xenstore requests sent at once (lib/host/store_wire.c), against a
 * scripted xenstored on the other end of a socket pair: what goes on
 * the wire, byte for byte, and every way the answers can go wrong.
 * The real xenstored answers the same code in every create of the
 * end-to-end suite (tests/xen).
 */
#include <errno.h>
#include "tap.h"
#include "host/store_wire.h"
#include "util/alloc.h"
#include "util/xenstored.h"

#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

enum script { ANSWER, ONE_BYTE_AT_A_TIME, WATCH_FIRST, WRONG_ID, SILENT, HANG_UP };

struct server {
    int fd;
    enum script how;
    unsigned expect;            /* requests to read before stopping */
    char log[8192];             /* "TYPE tx PAYLOAD|" per request */
    size_t log_len;
};

static bool read_exact(int fd, void *p, size_t len)
{
    for (size_t got = 0; got < len;) {
        ssize_t r = read(fd, (char *)p + got, len - got);
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    return true;
}

static void answer(struct server *s, uint32_t type, uint32_t id, uint32_t tx,
                   const char *payload, size_t len)
{
    struct xsd_sockmsg m = { .type = type, .req_id = id, .tx_id = tx,
                             .len = (uint32_t)len };
    char out[64 + 4096];
    memcpy(out, &m, sizeof m);
    memcpy(out + sizeof m, payload, len);
    size_t n = sizeof m + len;
    if (s->how == ONE_BYTE_AT_A_TIME)
        for (size_t i = 0; i < n; i++) {
            if (write(s->fd, out + i, 1) != 1)
                return;
            usleep(200);
        }
    else if (write(s->fd, out, n) != (ssize_t)n)
        return;
}

/* Reads s->expect requests, logs them, answers as scripted. */
static void *serve(void *arg)
{
    struct server *s = arg;
    for (unsigned i = 0; i < s->expect; i++) {
        struct xsd_sockmsg m;
        char p[4097];
        if (!read_exact(s->fd, &m, sizeof m) || m.len > 4096 ||
            !read_exact(s->fd, p, m.len))
            break;
        /* Payload with its NULs shown as '|'. */
        s->log_len += (size_t)snprintf(s->log + s->log_len, sizeof s->log - s->log_len,
                                       "%u %u ", m.type, m.tx_id);
        for (uint32_t j = 0; j < m.len && s->log_len + 2 < sizeof s->log; j++)
            s->log[s->log_len++] = p[j] ? p[j] : '|';
        s->log[s->log_len++] = '\n';
        s->log[s->log_len] = '\0';
        if (s->how == SILENT)
            continue;
        if (s->how == HANG_UP) {
            shutdown(s->fd, SHUT_RDWR);
            break;
        }
        if (s->how == WATCH_FIRST && i == 0)
            answer(s, XS_WATCH_EVENT, 0, 0, "/a\0tok", 7);
        uint32_t id = s->how == WRONG_ID ? m.req_id + 1 : m.req_id;
        p[m.len] = '\0';
        if (strstr(p, "fail-eacces"))
            answer(s, XS_ERROR, id, m.tx_id, "EACCES", 7);
        else if (m.type == XS_RM && strcmp(p, "/gone") == 0)
            answer(s, XS_ERROR, id, m.tx_id, "ENOENT", 7);
        else if (m.type == XS_TRANSACTION_START)
            answer(s, m.type, id, 0, "42", 3);
        else
            answer(s, m.type, id, m.tx_id, "OK", 3);
    }
    return NULL;
}

struct run {
    int fd;
    pthread_t t;
    struct server s;
};

static void start(struct run *r, enum script how, unsigned expect)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
        perror("socketpair");
        exit(1);
    }
    memset(&r->s, 0, sizeof r->s);
    r->s.fd = sv[1];
    r->s.how = how;
    r->s.expect = expect;
    r->fd = sv[0];
    pthread_create(&r->t, NULL, serve, &r->s);
}

static void stop(struct run *r)
{
    shutdown(r->fd, SHUT_WR);
    pthread_join(r->t, NULL);
    close(r->fd);
    close(r->s.fd);
}

static void batch_of_each(struct store_batch *b)
{
    struct xs_permissions perms[] = { { .id = 0, .perms = XS_PERM_NONE },
                                      { .id = 3, .perms = XS_PERM_READ },
                                      { .id = 7,
                                        .perms = XS_PERM_READ | XS_PERM_WRITE } };
    store_batch_init(b);
    store_batch_rm(b, "/gone");
    store_batch_mkdir(b, "/local/domain/3");
    store_batch_perms(b, "/local/domain/3", perms, 3);
    store_batch_write(b, "/local/domain/3/name", "guest");
}

int main(void)
{
    struct store_batch b;
    struct store_failure f;
    struct run r;
    char reply[16];

    /* What goes on the wire. */
    batch_of_each(&b);
    start(&r, ANSWER, 4);
    memset(&f, 0, sizeof f);
    int rc = store_batch_send(r.fd, 9, &b, 5000, &f);
    stop(&r);
    ok(rc == 0, "a batch of four, a gone path among them, is answered: %d", rc);
    char want[256];
    snprintf(want, sizeof want, "%u 9 /gone|\n%u 9 /local/domain/3|\n"
             "%u 9 /local/domain/3|n0|r3|b7|\n%u 9 /local/domain/3/name|guest\n",
             XS_RM, XS_MKDIR, XS_SET_PERMS, XS_WRITE);
    is_str(r.s.log, want, "each request carries the transaction and its payload");

    /* The same batch again, with another transaction: ids are the send's. */
    start(&r, ANSWER, 4);
    rc = store_batch_send(r.fd, 10, &b, 5000, &f);
    stop(&r);
    snprintf(want, sizeof want, "%u 10 /local/domain/3|\n", XS_MKDIR);
    ok(rc == 0 && strstr(r.s.log, want) != NULL,
       "a batch sent again carries the new transaction");

    /* Answers that arrive a byte at a time, and a watch event among them. */
    start(&r, ONE_BYTE_AT_A_TIME, 4);
    rc = store_batch_send(r.fd, 1, &b, 5000, &f);
    stop(&r);
    ok(rc == 0, "answers split into single bytes are put together: %d", rc);
    start(&r, WATCH_FIRST, 4);
    rc = store_batch_send(r.fd, 1, &b, 5000, &f);
    stop(&r);
    ok(rc == 0, "a watch event among the answers is passed over: %d", rc);

    /* A refusal in the middle: named, and the rest still read. */
    store_batch_write(&b, "/local/domain/3/fail-eacces", "x");
    store_batch_write(&b, "/local/domain/3/after", "y");
    start(&r, ANSWER, 7);
    memset(&f, 0, sizeof f);
    rc = store_batch_send(r.fd, 1, &b, 5000, &f);
    int again = store_request(r.fd, XS_TRANSACTION_START, 0, "", 1, reply, sizeof reply,
                              5000, NULL);
    stop(&r);
    ok(rc == -EACCES && f.e == EACCES, "a refused write fails the batch: %d", rc);
    is_str(f.op, "write", "the failure names the request");
    is_str(f.path, "/local/domain/3/fail-eacces", "and its path");
    ok(!f.broken, "a refusal leaves the connection in step");
    ok(strstr(r.s.log, "/local/domain/3/after|y") != NULL,
       "the requests after it were sent all the same");
    ok(again == 0, "every answer was read: the next request gets its own (%d)", again);
    is_str(reply, "42", "and its answer's payload");
    store_batch_free(&b);

    /* Answers that do not belong to the requests. */
    batch_of_each(&b);
    start(&r, WRONG_ID, 4);
    memset(&f, 0, sizeof f);
    rc = store_batch_send(r.fd, 1, &b, 5000, &f);
    stop(&r);
    ok(rc == -EPROTO && f.broken,
       "an answer to another request id is a protocol error: %d", rc);
    is_str(f.op, "rm", "named as the request it should have answered");

    /* A xenstored that does not answer, or goes away. */
    start(&r, SILENT, 4);
    memset(&f, 0, sizeof f);
    rc = store_batch_send(r.fd, 1, &b, 200, &f);
    stop(&r);
    ok(rc == -ETIMEDOUT, "no answer within the timeout: %d", rc);
    is_str(f.path, "/gone", "the unanswered request is named");
    ok(f.broken, "and the connection is marked out of step");
    start(&r, HANG_UP, 4);
    memset(&f, 0, sizeof f);
    rc = store_batch_send(r.fd, 1, &b, 5000, &f);
    stop(&r);
    ok(rc == -ECONNRESET && f.broken, "xenstored hanging up fails the batch: %d", rc);
    store_batch_free(&b);

    /* Each allocation failing in turn: -ENOMEM, and the request named. */
    for (long at = 1;; at++) {
        mem_fail_at(at);
        batch_of_each(&b);
        start(&r, ANSWER, 4);
        memset(&f, 0, sizeof f);
        rc = store_batch_send(r.fd, 1, &b, 5000, &f);
        bool hit = mem_failed();
        mem_fail_at(0);
        stop(&r);
        store_batch_free(&b);
        if (!hit) {
            ok(rc == 0 && at > 2, "with none failing, the batch goes through (%ld "
               "allocations)", at - 1);
            break;
        }
        ok(rc == -ENOMEM && f.e == ENOMEM && f.op && strcmp(f.path, "/gone") == 0,
           "allocation %ld failing: -ENOMEM, from %s of %s (%d)", at,
           f.op ? f.op : "-", f.path, rc);
    }

    /* Nothing is sent of a batch that could not be made. */
    char big[5000];
    memset(big, 'v', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    store_batch_init(&b);
    store_batch_write(&b, "/local/domain/3/a", "1");
    store_batch_write(&b, "/local/domain/3/big", big);
    start(&r, ANSWER, 1);
    memset(&f, 0, sizeof f);
    rc = store_batch_send(r.fd, 1, &b, 200, &f);
    stop(&r);
    ok(rc == -E2BIG && r.s.log_len == 0,
       "a payload over XENSTORE_PAYLOAD_MAX: -E2BIG, nothing sent (%d)", rc);
    is_str(f.path, "/local/domain/3/big", "named as the write that could not be made");
    store_batch_free(&b);

    /* Our own connection: to the socket libxenstore names, or an error. */
    char dir[] = "/tmp/pvb-store-XXXXXX", path[64];
    if (!mkdtemp(dir))
        return perror("mkdtemp"), 1;
    snprintf(path, sizeof path, "%s/socket", dir);
    setenv("XENSTORED_PATH", path, 1);
    is_str(xs_daemon_socket(), path, "libxenstore names the socket XENSTORED_PATH says");
    int fd = xenstored_connect();
    ok(fd == -ENOENT, "no socket there: -ENOENT (%d)", fd);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    ok(bind(l, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(l, 1) == 0,
       "a listening socket");
    fd = xenstored_connect();
    ok(fd >= 0, "connects to it: %d", fd);
    if (fd >= 0)
        close(fd);
    close(l);
    unlink(path);
    rmdir(dir);
    return done_testing();
}
