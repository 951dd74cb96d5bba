/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's console output: a formatter small enough to carry into a
 * freestanding kernel, report lines, and the producer side of the
 * console ring (xen/io/console.h).
 */
#include "guest.h"

struct out {
    char *buf;
    size_t len, pos;
};

static void put(struct out *o, char c)
{
    if (o->pos + 1 < o->len)
        o->buf[o->pos] = c;
    o->pos++;
}

static void put_number(struct out *o, unsigned long v, unsigned base, bool negative)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (negative)
        put(o, '-');
    while (n)
        put(o, digits[--n]);
}

size_t guest_vformat(char *buf, size_t len, const char *fmt, va_list ap)
{
    struct out o = { buf, len, 0 };

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        bool is_long = fmt[1] == 'l';
        if (is_long)
            fmt++;
        switch (*++fmt) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            for (s = s ? s : "(null)"; *s; s++)
                put(&o, *s);
            break;
        }
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case 'd': {
            long v = is_long ? va_arg(ap, long) : va_arg(ap, int);
            put_number(&o, v < 0 ? -(unsigned long)v : (unsigned long)v, 10, v < 0);
            break;
        }
        case 'u':
        case 'x': {
            unsigned long v = is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
            put_number(&o, v, *fmt == 'x' ? 16 : 10, false);
            break;
        }
        case '%':
            put(&o, '%');
            break;
        default:            /* not ours: show it rather than guess */
            put(&o, '%');
            if (!*fmt)
                goto done;
            put(&o, *fmt);
        }
    }
done:
    if (len)
        buf[o.pos < len ? o.pos : len - 1] = '\0';
    return o.pos;
}

size_t guest_format(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = guest_vformat(buf, len, fmt, ap);
    va_end(ap);
    return n;
}

void guest_say(const char *fmt, ...)
{
    char line[320];
    size_t tag = sizeof GUEST_TAG - 1;
    va_list ap;

    for (size_t i = 0; i < tag; i++)
        line[i] = GUEST_TAG[i];
    va_start(ap, fmt);
    size_t n = guest_vformat(line + tag, sizeof line - tag - 1, fmt, ap);
    va_end(ap);
    if (n > sizeof line - tag - 2)
        n = sizeof line - tag - 2;      /* cut, but keep the newline */
    line[tag + n] = '\n';
    guest_console_write(line, tag + n + 1);
}

size_t guest_ring_write(struct xencons_interface *ring, const char *s, size_t len)
{
    XENCONS_RING_IDX prod = ring->out_prod;
    XENCONS_RING_IDX cons = __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE);
    size_t done = 0;

    while (done < len && (XENCONS_RING_IDX)(prod - cons) < sizeof ring->out)
        ring->out[MASK_XENCONS_IDX(prod++, ring->out)] = s[done++];
    /* The backend must see the bytes before the index that covers them. */
    __atomic_store_n(&ring->out_prod, prod, __ATOMIC_RELEASE);
    return done;
}
