/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Wrap a payload in a minimal bzImage, as the tests need: a setup header
 * with the fields a PV builder reads, some stand-in decompressor bytes,
 * then the payload.  Fields can be overridden to make broken images.
 *
 * usage: mkbzimage [-v VERSION] [-s SETUP_SECTS] [-o PAYLOAD_OFFSET_ADJ]
 *                  [-l PAYLOAD_LENGTH] PAYLOAD OUT
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

int main(int argc, char **argv)
{
    unsigned long version = 0x020f, setup_sects = 4;
    long long length = -1, extra_offset = 0;
    int c;
    while ((c = getopt(argc, argv, "v:s:o:l:")) != -1) {
        switch (c) {
        case 'v': version = strtoul(optarg, NULL, 0); break;
        case 's': setup_sects = strtoul(optarg, NULL, 0); break;
        case 'o': extra_offset = strtoll(optarg, NULL, 0); break;
        case 'l': length = strtoll(optarg, NULL, 0); break;
        default: return 2;
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "usage: mkbzimage [-v VER] [-s SECTS] [-o ADJ] [-l LEN] PAYLOAD OUT\n");
        return 2;
    }
    FILE *in = fopen(argv[optind], "rb");
    if (!in) { perror(argv[optind]); return 1; }
    fseek(in, 0, SEEK_END);
    long plen = ftell(in);
    fseek(in, 0, SEEK_SET);
    unsigned char *payload = malloc(plen ? plen : 1);
    if (!payload || fread(payload, 1, plen, in) != (size_t)plen) { perror("read"); return 1; }
    fclose(in);

    /* A stand-in for the real decompressor stub that precedes the payload. */
    const unsigned stub = 0x400;
    size_t setup = (size_t)((setup_sects ? setup_sects : 4) + 1) * 512;
    size_t total = setup + stub + (size_t)plen;
    unsigned char *img = calloc(1, total);
    if (!img) return 1;
    img[0] = 'M'; img[1] = 'Z';
    img[0x1f1] = (unsigned char)setup_sects;
    img[0x1fe] = 0x55; img[0x1ff] = 0xaa;
    memcpy(img + 0x202, "HdrS", 4);
    img[0x206] = version & 0xff; img[0x207] = (version >> 8) & 0xff;
    put32(img + 0x248, (uint32_t)(stub + extra_offset));
    put32(img + 0x24c, (uint32_t)(length >= 0 ? length : plen));
    memset(img + setup, 0x90, stub);
    memcpy(img + setup + stub, payload, plen);

    FILE *out = fopen(argv[optind + 1], "wb");
    if (!out || fwrite(img, 1, total, out) != total || fclose(out)) {
        perror(argv[optind + 1]);
        return 1;
    }
    free(img);
    free(payload);
    return 0;
}
