/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "util/xenstored.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <xenstore.h>

int xenstored_connect(void)
{
    const char *path = xs_daemon_socket();
    struct sockaddr_un sa;

    if (!path || strlen(path) >= sizeof sa.sun_path)
        return -ENAMETOOLONG;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

bool xenstored_socket_answers(void)
{
    int fd = xenstored_connect();
    if (fd < 0)
        return false;
    close(fd);
    return true;
}
