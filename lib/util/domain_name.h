/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A domain name's one limit, checked wherever a name enters. */
#ifndef PVB_UTIL_DOMAIN_NAME_H
#define PVB_UTIL_DOMAIN_NAME_H

#include <stddef.h>
#include "pvbuild.h"

/*
 * 0 when name (may be NULL) fits PVB_DOMAIN_NAME_MAX with its NUL, else
 * -EINVAL with "WHAT: name "abc..." is N bytes, above the limit of 63".
 */
int domain_name_check(const char *what, const char *name, pvb_error *err);

/* The longest prefix of name of at most max bytes that does not split a
 * UTF-8 sequence (a name cut short must still be text). */
size_t domain_name_prefix(const char *name, size_t max);

#endif
