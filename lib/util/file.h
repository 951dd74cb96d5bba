/* Reading whole input files, bounded. */
#ifndef PVB_UTIL_FILE_H
#define PVB_UTIL_FILE_H

#include <stddef.h>
#include <stdint.h>
#include "pvbuild.h"

/*
 * Read all of `path` into a new malloc'd buffer.  Files larger than
 * `max_size` are refused before anything is read.
 */
int read_whole_file(const char *path, uint64_t max_size, void **data,
                    size_t *len, pvb_error *err);

#endif
