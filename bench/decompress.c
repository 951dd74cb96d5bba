/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmark, not a test: pvb_decompress against the codec's own tool on
 * the payload of a real kernel (by default Debian's /boot/vmlinuz-*-amd64).
 *
 *   make bench-decompress [BENCH_KERNEL=/boot/vmlinuz-...]
 *
 * Both sides run three times; the best wall-clock time of each counts.
 * The tool decompresses the payload from a temporary file to /dev/null.
 */
#include "pvbuild.h"
#include "image/bzimage.h"
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNS 3

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The tool reads only the first stream: the payload ends with a size word. */
static const char *const *tool_argv(enum pvb_compression c)
{
    static const char *const gzip[] = { "gzip", "-dc", NULL };
    static const char *const bzip2[] = { "bzip2", "-dc", NULL };
    static const char *const xz[] = { "xz", "-dc", "--single-stream", NULL };
    static const char *const lzop[] = { "lzop", "-dc", NULL };
    static const char *const lz4[] = { "lz4", "-dc", NULL };
    static const char *const zstd[] = { "zstd", "-dc", NULL };

    switch (c) {
    case PVB_COMP_GZIP: return gzip;
    case PVB_COMP_BZIP2: return bzip2;
    case PVB_COMP_LZMA:
    case PVB_COMP_XZ: return xz;
    case PVB_COMP_LZO: return lzop;
    case PVB_COMP_LZ4: return lz4;
    case PVB_COMP_ZSTD: return zstd;
    default: return NULL;
    }
}

/* Wall time of `argv... file > /dev/null`, or a negative value on failure. */
static double time_tool(const char *const *argv, const char *file)
{
    const char *args[8];
    size_t n = 0;
    int status;

    while (argv[n] && n < 6) {
        args[n] = argv[n];
        n++;
    }
    args[n++] = file;
    args[n] = NULL;

    double t0 = now();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
            _exit(126);
        execvp(args[0], (char *const *)args);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    double t = now() - t0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench: %s exited with status 0x%x\n", args[0], status);
        return -1;
    }
    return t;
}

static char *default_kernel(void)
{
    glob_t g;
    char *path = NULL;

    if (glob("/boot/vmlinuz-*-amd64", 0, NULL, &g) == 0 && g.gl_pathc > 0)
        path = strdup(g.gl_pathv[g.gl_pathc - 1]);
    globfree(&g);
    return path;
}

int main(int argc, char **argv)
{
    char *kernel = argc > 1 && argv[1][0] ? strdup(argv[1]) : default_kernel();
    char tmp[] = "/tmp/pvb-bench-payload-XXXXXX";
    struct bzimage_payload pl;
    pvb_error err = { 0, "" };
    void *file;
    size_t file_len;
    int status = 1;

    if (!kernel) {
        fprintf(stderr, "bench: no kernel given and no /boot/vmlinuz-*-amd64\n");
        return 1;
    }
    if (read_whole_file(kernel, (uint64_t)1 << 30, &file, &file_len, &err) < 0 ||
        bzimage_payload(kernel, file, file_len, &pl, &err) < 0) {
        fprintf(stderr, "bench: %s\n", err.msg);
        free(kernel);
        return 1;
    }

    const uint8_t *payload = (const uint8_t *)file + pl.offset;
    size_t len = (size_t)pl.length;
    enum pvb_compression c = pvb_compression_sniff(payload, len);
    const char *const *tool = tool_argv(c);
    if (!tool) {
        fprintf(stderr, "bench: %s: payload compression not recognised\n", kernel);
        goto out;
    }

    int fd = mkstemp(tmp);
    if (fd < 0 || write(fd, payload, len) != (ssize_t)len || close(fd) < 0) {
        fprintf(stderr, "bench: cannot write %s: %s\n", tmp, strerror(errno));
        goto out_unlink;
    }

    struct pvb_limits limits = { 0, 0 };
    double best_pvb = 1e9, best_tool = 1e9;
    size_t out_len = 0;
    for (int i = 0; i < RUNS; i++) {
        void *out;
        double t0 = now();
        if (pvb_decompress(c, payload, len, &limits, kernel, &out, &out_len, &err) < 0) {
            fprintf(stderr, "bench: %s\n", err.msg);
            goto out_unlink;
        }
        double t = now() - t0;
        free(out);
        if (t < best_pvb)
            best_pvb = t;
    }
    for (int i = 0; i < RUNS; i++) {
        double t = time_tool(tool, tmp);
        if (t < 0)
            goto out_unlink;
        if (t < best_tool)
            best_tool = t;
    }

    printf("decompress %s %.1f MB -> %.1f MB: pvbuild %.3f s, %s %s %.3f s, ratio %.2f\n",
           pvb_compression_name(c), len / 1e6, out_len / 1e6, best_pvb, tool[0], tool[1],
           best_tool, best_pvb / best_tool);
    printf("(%s, best of %d; tool: %s -dc%s FILE > /dev/null)\n", kernel, RUNS, tool[0],
           tool[2] ? " --single-stream" : "");
    status = 0;
out_unlink:
    unlink(tmp);
out:
    free(file);
    free(kernel);
    return status;
}
