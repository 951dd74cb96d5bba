/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>          /* before xs_wire.h: it has the error table then */
#include "host/store_wire.h"

#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <xenstore_lib.h>

#include "util/alloc.h"

void store_batch_init(struct store_batch *b)
{
    memset(b, 0, sizeof *b);
}

void store_batch_free(struct store_batch *b)
{
    free(b->buf);
    free(b->at);
    store_batch_init(b);
}

/* The first request that could not be added, kept for the error. */
static void lose(struct store_batch *b, int e, uint32_t type, const void *payload,
                 size_t len)
{
    if (b->e)
        return;
    b->e = e;
    b->lost = type;
    size_t max = len < sizeof b->lost_path ? len : sizeof b->lost_path - 1;
    size_t n = strnlen(payload, max);
    memcpy(b->lost_path, payload, n);
    b->lost_path[n] = '\0';
}

static bool reserve(struct store_batch *b, size_t more)
{
    if (b->e)
        return false;
    if (b->n == b->at_cap) {
        unsigned cap = b->at_cap ? b->at_cap * 2 : 64;
        size_t *at = mem_realloc(b->at, cap * sizeof *at);
        if (!at)
            return false;
        b->at = at;
        b->at_cap = cap;
    }
    if (b->len + more > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + more)
            cap *= 2;
        char *buf = mem_realloc(b->buf, cap);
        if (!buf)
            return false;
        b->buf = buf;
        b->cap = cap;
    }
    return true;
}

/* A request whose payload is parts[0..n), each of lens[i] bytes. */
static void add(struct store_batch *b, uint32_t type, const void *const *parts,
                const size_t *lens, unsigned n)
{
    size_t len = 0;
    for (unsigned i = 0; i < n; i++)
        len += lens[i];
    if (len > XENSTORE_PAYLOAD_MAX) {
        /* xenstored would refuse it; it cannot be sent. */
        lose(b, -E2BIG, type, parts[0], lens[0]);
        return;
    }
    if (!reserve(b, sizeof(struct xsd_sockmsg) + len)) {
        lose(b, -ENOMEM, type, parts[0], lens[0]);
        return;
    }
    struct xsd_sockmsg m = { .type = type, .req_id = b->n, .len = (uint32_t)len };
    b->at[b->n++] = b->len;
    memcpy(b->buf + b->len, &m, sizeof m);
    b->len += sizeof m;
    for (unsigned i = 0; i < n; i++) {
        memcpy(b->buf + b->len, parts[i], lens[i]);
        b->len += lens[i];
    }
}

void store_batch_write(struct store_batch *b, const char *path, const char *value)
{
    const void *parts[] = { path, value };
    size_t lens[] = { strlen(path) + 1, strlen(value) };
    add(b, XS_WRITE, parts, lens, 2);
}

static void path_only(struct store_batch *b, uint32_t type, const char *path)
{
    const void *parts[] = { path };
    size_t lens[] = { strlen(path) + 1 };
    add(b, type, parts, lens, 1);
}

void store_batch_mkdir(struct store_batch *b, const char *path)
{
    path_only(b, XS_MKDIR, path);
}

void store_batch_rm(struct store_batch *b, const char *path)
{
    path_only(b, XS_RM, path);
}

/* xenstored's spelling of a permission: n, r, w or b, then the domain. */
void store_batch_perms(struct store_batch *b, const char *path,
                       const struct xs_permissions *perms, unsigned n)
{
    static const char letter[] = { 'n', 'r', 'w', 'b' };
    char text[STORE_PERMS_MAX * 16];     /* "b4294967295" and its NUL fit 16 */
    size_t len = 0;

    if (n > STORE_PERMS_MAX) {
        lose(b, -E2BIG, XS_SET_PERMS, path, strlen(path) + 1);
        return;
    }
    for (unsigned i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%c%u",
                                letter[perms[i].perms & 3], perms[i].id) + 1;
    const void *parts[] = { path, text };
    size_t lens[] = { strlen(path) + 1, len };
    add(b, XS_SET_PERMS, parts, lens, 2);
}

static const char *op_name(uint32_t type)
{
    switch (type) {
    case XS_WRITE: return "write";
    case XS_MKDIR: return "mkdir";
    case XS_RM: return "rm";
    case XS_SET_PERMS: return "set permissions";
    case XS_TRANSACTION_START: return "transaction start";
    case XS_TRANSACTION_END: return "transaction end";
    case XS_INTRODUCE: return "introduce";
    default: return "request";
    }
}

/* The failure of request q (its payload at payload), when it is the first. */
static int failed(struct store_failure *f, int e, const struct xsd_sockmsg *q,
                  const char *payload)
{
    if (f && !f->e) {
        f->e = e;
        f->op = op_name(q->type);
        /* The path, for the requests that have one. */
        bool has_path = q->type == XS_WRITE || q->type == XS_MKDIR ||
                        q->type == XS_RM || q->type == XS_SET_PERMS;
        size_t n = has_path ? strnlen(payload, q->len) : 0;
        if (n >= sizeof f->path)
            n = sizeof f->path - 1;
        if (n)
            memcpy(f->path, payload, n);
        f->path[n] = '\0';
    }
    return -e;
}

/* The request at index i of b: its header and payload. */
static const char *request(const struct store_batch *b, unsigned i, struct xsd_sockmsg *q)
{
    memcpy(q, b->buf + b->at[i], sizeof *q);
    return b->buf + b->at[i] + sizeof *q;
}

/* xenstored answers an error with its errno's name ("ENOENT"). */
static int error_number(const char *s, size_t len)
{
    size_t n = strnlen(s, len);
    for (size_t i = 0; i < sizeof xsd_errors / sizeof xsd_errors[0]; i++)
        if (strlen(xsd_errors[i].errstring) == n &&
            memcmp(xsd_errors[i].errstring, s, n) == 0)
            return xsd_errors[i].errnum;
    return EIO;
}

static int send_all(int fd, const char *p, size_t len)
{
    while (len) {
        /* MSG_NOSIGNAL: a dead xenstored is EPIPE, never SIGPIPE. */
        ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static int wait_readable(int fd, int timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    for (;;) {
        int r = poll(&p, 1, timeout_ms);
        if (r > 0)
            return 0;
        if (r == 0)
            return -ETIMEDOUT;
        if (errno != EINTR)
            return -errno;
    }
}

/* The answers, in order; the last one's payload into reply. */
static int read_answers(int fd, const struct store_batch *b, char *reply, size_t cap,
                        int timeout_ms, struct store_failure *f)
{
    enum { HDR = sizeof(struct xsd_sockmsg) };
    static const size_t room = 2 * (HDR + XENSTORE_PAYLOAD_MAX);
    char *in = mem_malloc(room);
    size_t have = 0;
    unsigned got = 0;
    int rc = 0;

    if (!in) {
        struct xsd_sockmsg q;
        const char *asked = request(b, 0, &q);
        rc = failed(f, ENOMEM, &q, asked);
        goto broken;
    }
    while (got < b->n) {
        struct xsd_sockmsg q;
        const char *asked = request(b, got, &q);
        int w = wait_readable(fd, timeout_ms);
        if (w < 0) {
            rc = failed(f, -w, &q, asked);
            goto broken;
        }
        ssize_t r = read(fd, in + have, room - have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            rc = failed(f, r < 0 ? errno : ECONNRESET, &q, asked);
            goto broken;
        }
        have += (size_t)r;
        size_t off = 0;
        while (got < b->n && have - off >= HDR) {
            struct xsd_sockmsg m;
            memcpy(&m, in + off, HDR);
            asked = request(b, got, &q);
            if (m.len > XENSTORE_PAYLOAD_MAX) {
                rc = failed(f, EPROTO, &q, asked);
                goto broken;
            }
            if (have - off < HDR + m.len)
                break;
            const char *payload = in + off + HDR;
            off += HDR + m.len;
            if (m.type == XS_WATCH_EVENT)
                continue;
            got++;
            if (m.req_id != q.req_id || (m.type != q.type && m.type != XS_ERROR)) {
                rc = failed(f, EPROTO, &q, asked);
                goto broken;
            }
            if (m.type == XS_ERROR) {
                int e = error_number(payload, m.len);
                if (!(q.type == XS_RM && e == ENOENT) && rc == 0)
                    rc = failed(f, e, &q, asked);
                continue;
            }
            if (got == b->n && reply && cap) {
                size_t n = m.len < cap - 1 ? m.len : cap - 1;
                memcpy(reply, payload, n);
                reply[n] = '\0';
            }
        }
        memmove(in, in + off, have - off);
        have -= off;
    }
    free(in);
    return rc;
broken:
    if (f)
        f->broken = true;
    free(in);
    return rc;
}

/* A batch that could not be made fails as the request it could not add. */
static int unmade(const struct store_batch *b, struct store_failure *f)
{
    struct xsd_sockmsg q = { .type = b->lost, .len = sizeof b->lost_path };
    return failed(f, -b->e, &q, b->lost_path);
}

/* The batch's headers take the transaction's id as it is sent. */
static int send_batch(int fd, uint32_t tx, const struct store_batch *b, char *reply,
                      size_t cap, int timeout_ms, struct store_failure *f)
{
    if (b->e || !b->n)
        return b->e ? unmade(b, f) : 0;
    for (unsigned i = 0; i < b->n; i++)
        memcpy(b->buf + b->at[i] + offsetof(struct xsd_sockmsg, tx_id), &tx, sizeof tx);
    int rc = send_all(fd, b->buf, b->len);
    if (rc < 0) {
        struct xsd_sockmsg q;
        const char *asked = request(b, 0, &q);
        rc = failed(f, -rc, &q, asked);
        if (f)
            f->broken = true;
        return rc;
    }
    return read_answers(fd, b, reply, cap, timeout_ms, f);
}

int store_batch_send(int fd, uint32_t tx, const struct store_batch *b, int timeout_ms,
                     struct store_failure *f)
{
    return send_batch(fd, tx, b, NULL, 0, timeout_ms, f);
}

int store_request(int fd, uint32_t type, uint32_t tx, const void *payload, size_t len,
                  char *reply, size_t cap, int timeout_ms, struct store_failure *f)
{
    struct store_batch b;
    store_batch_init(&b);
    add(&b, type, &payload, &len, 1);
    int rc = send_batch(fd, tx, &b, reply, cap, timeout_ms, f);
    store_batch_free(&b);
    return rc;
}

int store_batch_replay(struct xs_handle *xsh, xs_transaction_t t,
                       const struct store_batch *b, struct store_failure *f)
{
    if (b->e)
        return unmade(b, f);
    for (unsigned i = 0; i < b->n; i++) {
        struct xsd_sockmsg q;
        const char *path = request(b, i, &q);
        size_t plen = strlen(path) + 1;
        const char *rest = path + plen;
        size_t rlen = q.len - plen;
        bool ok;
        switch (q.type) {
        case XS_WRITE:
            ok = xs_write(xsh, t, path, rest, (unsigned)rlen);
            break;
        case XS_MKDIR:
            ok = xs_mkdir(xsh, t, path);
            break;
        case XS_RM:
            ok = xs_rm(xsh, t, path) || errno == ENOENT;
            break;
        case XS_SET_PERMS: {
            struct xs_permissions perms[STORE_PERMS_MAX];
            unsigned n = 0;
            for (size_t o = 0; o < rlen; o += strlen(rest + o) + 1)
                n++;
            errno = EINVAL;
            ok = n <= STORE_PERMS_MAX && xs_strings_to_perms(perms, n, rest) &&
                 xs_set_permissions(xsh, t, path, perms, n);
            break;
        }
        default:
            errno = EINVAL;
            ok = false;
        }
        if (!ok)
            return failed(f, errno ? errno : EIO, &q, path);
    }
    return 0;
}
