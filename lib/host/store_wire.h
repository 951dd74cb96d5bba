/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef PVB_HOST_STORE_WIRE_H
#define PVB_HOST_STORE_WIRE_H

/*
 * A batch of xenstore requests in xenstored's wire format
 * (xen/io/xs_wire.h), sent over its socket at once and answered in
 * order.  libxenstore sends one request and waits for its answer, and
 * under an emulated CPU each of those round trips costs dom0 several
 * system calls and two process switches; a domain's introduction is
 * some fifty requests.  The batch is also the plan of those requests:
 * store_batch_replay() sends it through a libxenstore handle, one by
 * one, where there is no socket to talk to (a xenstore domain, reached
 * through /dev/xen/xenbus, or a handle the caller lent us).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xenstore.h>

struct store_batch {
    char *buf;          /* the requests, headers and payloads */
    size_t len, cap;
    size_t *at;         /* each request's header offset */
    unsigned n, at_cap;
    int e;              /* -ENOMEM, -E2BIG: a request could not be added;
                         * nothing is sent */
    uint32_t lost;      /* then: the type of the request not added, */
    char lost_path[160];    /* and its path */
};

/* The most permissions one request sets (store_batch_perms). */
#define STORE_PERMS_MAX 64

/* A request that failed: which, what xenstored said, on what path. */
struct store_failure {
    int e;              /* positive errno */
    const char *op;     /* "write", "mkdir", ... */
    char path[160];
    bool broken;        /* not an answer: the connection is out of step */
};

void store_batch_init(struct store_batch *b);
void store_batch_free(struct store_batch *b);
void store_batch_write(struct store_batch *b, const char *path, const char *value);
void store_batch_mkdir(struct store_batch *b, const char *path);
/* A path already gone counts as removed. */
void store_batch_rm(struct store_batch *b, const char *path);
void store_batch_perms(struct store_batch *b, const char *path,
                       const struct xs_permissions *perms, unsigned n);

/*
 * Send the batch in transaction tx (XBT_NULL: none) on fd, read every
 * answer, and return 0 or the first failure's -errno (filling f).
 * timeout_ms bounds each wait for xenstored.
 */
int store_batch_send(int fd, uint32_t tx, const struct store_batch *b,
                     int timeout_ms, struct store_failure *f);

/*
 * One request (type, its payload of len bytes) answered with at most
 * cap - 1 bytes into reply, NUL-terminated.  0 or -errno (filling f).
 */
int store_request(int fd, uint32_t type, uint32_t tx, const void *payload,
                  size_t len, char *reply, size_t cap, int timeout_ms,
                  struct store_failure *f);

/* The batch through libxenstore, request by request, in transaction t. */
int store_batch_replay(struct xs_handle *xsh, xs_transaction_t t,
                       const struct store_batch *b, struct store_failure *f);

#endif
