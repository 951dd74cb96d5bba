/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "toolstack/action_words.h"

#include <errno.h>
#include <string.h>

/* libxl's own names differ from xl.cfg(5)'s (restart_rename, '_' for '-'). */
static const char *const xl_words[] = {
    [LIBXL_ACTION_ON_SHUTDOWN_DESTROY] = "destroy",
    [LIBXL_ACTION_ON_SHUTDOWN_RESTART] = "restart",
    [LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME] = "rename-restart",
    [LIBXL_ACTION_ON_SHUTDOWN_PRESERVE] = "preserve",
    [LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY] = "coredump-destroy",
    [LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART] = "coredump-restart",
    [LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET] = "soft-reset",
};
#define NR_XL_WORDS (sizeof xl_words / sizeof xl_words[0])

int action_from_word(const char *text, libxl_action_on_shutdown *a)
{
    if (!text)
        return -EINVAL;
    for (size_t i = 0; i < NR_XL_WORDS; i++) {
        if (xl_words[i] && strcmp(text, xl_words[i]) == 0) {
            *a = (libxl_action_on_shutdown)i;
            return 0;
        }
    }
    return libxl_action_on_shutdown_from_string(text, a) == 0 ? 0 : -EINVAL;
}

const char *action_word(libxl_action_on_shutdown a)
{
    return (size_t)a < NR_XL_WORDS ? xl_words[a] : NULL;
}
