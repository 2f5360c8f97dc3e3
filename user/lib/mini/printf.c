/* printf, puts and snprintf for user programs: lib/format.c formats, the console prints. */
#include "lib/format.h"
#include "xr.h" /* mini/mini.h, and the console write of syscall.h */

/* The most XR_SYS_DEBUG_WRITE accepts at once. */
#define CONSOLE_CHUNK 1024

/* One call's pending output: it lives on the caller's stack, so threads need no lock. */
struct line {
    size_t len;
    bool failed;
    char buf[CONSOLE_CHUNK];
};

static void line_flush(struct line *l)
{
    if (l->len > 0 && xr_debug_write(l->buf, l->len) != XR_OK)
        l->failed = true;
    l->len = 0;
}

/* The format_v sink: a whole line goes out in one write, so lines of different processes do not
 * interleave mid-line on the console. */
static void line_put(char c, void *arg)
{
    struct line *l = arg;

    l->buf[l->len++] = c;
    if (c == '\n' || l->len == sizeof(l->buf))
        line_flush(l);
}

int vprintf(const char *fmt, va_list ap)
{
    struct line l; /* buf is not cleared: clearing 1 KiB per call would cost more than printing */

    l.len = 0;
    l.failed = false;
    int n = format_v(line_put, &l, fmt, ap);
    line_flush(&l);
    return l.failed ? -1 : n;
}

int printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int puts(const char *s)
{
    return printf("%s\n", s) < 0 ? -1 : 0;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    return format_vsnprintf(buf, size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = format_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
