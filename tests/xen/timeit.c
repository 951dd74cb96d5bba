/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * timeit [-e LOG] FILE COMMAND [ARG...]: run COMMAND (stdin, stdout and
 * stderr are timeit's) and write the seconds from just before its fork to
 * just after its exit into FILE, "%.3f\n"; exit with COMMAND's status
 * (128 + the signal when one killed it, 127 when it could not be run).
 * With -e, COMMAND's stderr goes to LOG instead, each line after the
 * seconds since the fork at which timeit read it ("%.3f LINE").
 *
 * The benchmark compares xl and pvbuild creates that take 0.5-1 s in dom0.
 * Timing them from the shell with two reads of /proc/uptime costs a
 * process start and exit of its own (about 0.05 s under QEMU) and rounds
 * to 0.01 s, on both sides of every ratio; this clock has neither.  -e
 * gives xl's phases: `xl -vvv` logs each step of libxl and libxenguest,
 * unbuffered, but without times.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Copy the lines read from fd to log, each after its time since t0. */
static void stamp_lines(int fd, FILE *log, const struct timespec *t0)
{
    FILE *in = fdopen(fd, "r");
    char line[4096];
    bool at_start = true;
    if (!in) {
        close(fd);
        return;
    }
    while (fgets(line, sizeof line, in)) {
        if (at_start) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            fprintf(log, "%.3f ", seconds(t0, &now));
        }
        fputs(line, log);
        at_start = strchr(line, '\n') != NULL;
    }
    if (!at_start)
        fputc('\n', log);
    fclose(in);
}

int main(int argc, char **argv)
{
    struct timespec t0, t1;
    const char *log_path = NULL;
    FILE *log = NULL;
    int status, pipefd[2] = { -1, -1 };

    if (argc > 2 && strcmp(argv[1], "-e") == 0) {
        log_path = argv[2];
        argv += 2;
        argc -= 2;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: timeit [-e LOG] FILE COMMAND [ARG...]\n");
        return 2;
    }
    if (log_path && (!(log = fopen(log_path, "w")) || pipe(pipefd) < 0)) {
        fprintf(stderr, "timeit: %s: %s\n", log_path, strerror(errno));
        return 127;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "timeit: fork: %s\n", strerror(errno));
        return 127;
    }
    if (pid == 0) {
        if (log) {
            dup2(pipefd[1], 2);
            close(pipefd[0]);
            close(pipefd[1]);
        }
        execvp(argv[2], argv + 2);
        fprintf(stderr, "timeit: %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    if (log) {
        close(pipefd[1]);
        /* Until COMMAND and whatever it left running close their stderr. */
        stamp_lines(pipefd[0], log, &t0);
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "timeit: waitpid: %s\n", strerror(errno));
            return 127;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (log)
        fclose(log);

    FILE *f = fopen(argv[1], "w");
    int bad = !f;
    if (f) {
        bad = fprintf(f, "%.3f\n", seconds(&t0, &t1)) < 0;
        bad |= fclose(f) != 0;
    }
    if (bad) {
        fprintf(stderr, "timeit: %s: %s\n", argv[1], strerror(errno));
        return 127;
    }
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
