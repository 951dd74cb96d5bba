/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xl.cfg(5)'s on_* action words and libxl's enum, in one table shared by
 * the VM config (which hands libxl its enum) and the lifecycle policy
 * (which acts on it), so that both read a word alike.
 */
#ifndef PVB_TOOLSTACK_ACTION_WORDS_H
#define PVB_TOOLSTACK_ACTION_WORDS_H

#include <libxl.h>

/*
 * xl's spelling ("rename-restart") first, then libxl's own table
 * ("restart_rename"), as xl does.  0, or -EINVAL for no action word.
 */
int action_from_word(const char *text, libxl_action_on_shutdown *a);

/* xl's spelling of a, or NULL for a value outside the table. */
const char *action_word(libxl_action_on_shutdown a);

#endif
