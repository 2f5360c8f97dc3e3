/* printf-style formatting engine: parses conversion specs and emits through a put callback. */
#include "lib/format.h"

/* Caps width and precision, so that "%99999999999d" cannot overflow an int. */
#define FORMAT_MAX_WIDTH 4096

enum length { LEN_INT, LEN_LONG, LEN_LLONG, LEN_SIZE };

struct out {
    format_put_t put;
    void *arg;
    size_t count;
};

struct spec {
    bool zero;
    bool left;
    int width;
    int precision; /* -1 when absent */
    enum length length;
    char conv;
};

struct snbuf {
    char *buf;
    size_t size;
    size_t pos;
};

static void emit(struct out *o, char c)
{
    o->put(c, o->arg);
    o->count++;
}

static void emit_repeat(struct out *o, char c, int n)
{
    for (int i = 0; i < n; i++)
        emit(o, c);
}

static void emit_span(struct out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        emit(o, s[i]);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Reads decimal digits at *p, saturating at FORMAT_MAX_WIDTH. */
static int parse_decimal(const char **p)
{
    int v = 0;

    while (is_digit(**p)) {
        v = v * 10 + (**p - '0');
        if (v > FORMAT_MAX_WIDTH)
            v = FORMAT_MAX_WIDTH;
        (*p)++;
    }
    return v;
}

static int clamp_star(int v)
{
    return v > FORMAT_MAX_WIDTH ? FORMAT_MAX_WIDTH : v;
}

static void parse_flags(const char **p, struct spec *sp)
{
    for (;; (*p)++) {
        if (**p == '0')
            sp->zero = true;
        else if (**p == '-')
            sp->left = true;
        else
            return;
    }
}

/* A negative '*' width means left alignment, as in C. */
static void parse_width(const char **p, va_list *ap, struct spec *sp)
{
    if (**p != '*') {
        sp->width = parse_decimal(p);
        return;
    }
    (*p)++;
    int w = va_arg(*ap, int);
    if (w < 0) {
        sp->left = true;
        w = w < -FORMAT_MAX_WIDTH ? FORMAT_MAX_WIDTH : -w;
    }
    sp->width = clamp_star(w);
}

/* A negative '*' precision counts as absent, as in C. */
static void parse_precision(const char **p, va_list *ap, struct spec *sp)
{
    if (**p != '.')
        return;
    (*p)++;
    if (**p != '*') {
        sp->precision = parse_decimal(p);
        return;
    }
    (*p)++;
    int prec = va_arg(*ap, int);
    sp->precision = prec < 0 ? -1 : clamp_star(prec);
}

static void parse_length(const char **p, struct spec *sp)
{
    if (**p == 'z') {
        sp->length = LEN_SIZE;
        (*p)++;
    } else if (**p == 'l') {
        (*p)++;
        sp->length = LEN_LONG;
        if (**p == 'l') {
            sp->length = LEN_LLONG;
            (*p)++;
        }
    }
}

/* Parses the spec after a '%' at *p; leaves *p on the conversion character (maybe the NUL). */
static void parse_spec(const char **p, va_list *ap, struct spec *sp)
{
    *sp = (struct spec){.precision = -1};
    parse_flags(p, sp);
    parse_width(p, ap, sp);
    parse_precision(p, ap, sp);
    parse_length(p, sp);
    sp->conv = **p;
}

static int64_t fetch_signed(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_LONG:
        return va_arg(*ap, long);
    case LEN_LLONG:
        return va_arg(*ap, long long);
    case LEN_SIZE:
        return va_arg(*ap, ptrdiff_t); /* the signed type of size_t's width, for %zd */
    default:
        return va_arg(*ap, int);
    }
}

static uint64_t fetch_unsigned(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_LONG:
        return va_arg(*ap, unsigned long);
    case LEN_LLONG:
        return va_arg(*ap, unsigned long long);
    case LEN_SIZE:
        return va_arg(*ap, size_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

/* Writes the digits of v in base, least significant first; returns how many. */
static int to_digits(uint64_t v, unsigned base, bool upper, char *buf)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;

    do {
        buf[n++] = set[v % base];
        v /= base;
    } while (v != 0);
    return n;
}

static void emit_padded_number(struct out *o, const struct spec *sp, bool negative,
                               const char *rev_digits, int ndigits)
{
    int zeros = sp->precision > ndigits ? sp->precision - ndigits : 0;
    int body = (negative ? 1 : 0) + zeros + ndigits;
    int pad = sp->width > body ? sp->width - body : 0;

    if (sp->zero && !sp->left && sp->precision < 0) {
        zeros += pad;
        pad = 0;
    }
    if (!sp->left)
        emit_repeat(o, ' ', pad);
    if (negative)
        emit(o, '-');
    emit_repeat(o, '0', zeros);
    for (int i = ndigits - 1; i >= 0; i--)
        emit(o, rev_digits[i]);
    if (sp->left)
        emit_repeat(o, ' ', pad);
}

static void emit_number(struct out *o, const struct spec *sp, uint64_t magnitude, bool negative,
                        unsigned base)
{
    char digits[20];
    int n = 0;

    /* C prints no digits for a zero value with an explicit precision of zero. */
    if (magnitude != 0 || sp->precision != 0)
        n = to_digits(magnitude, base, sp->conv == 'X', digits);
    emit_padded_number(o, sp, negative, digits, n);
}

static void emit_field(struct out *o, const struct spec *sp, const char *s, size_t n)
{
    size_t pad = (size_t)sp->width > n ? (size_t)sp->width - n : 0;

    if (!sp->left)
        emit_repeat(o, ' ', (int)pad);
    emit_span(o, s, n);
    if (sp->left)
        emit_repeat(o, ' ', (int)pad);
}

/* Length of s, reading at most max characters (the string need not be NUL-terminated). */
static size_t bounded_strlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n] != '\0')
        n++;
    return n;
}

static void emit_string(struct out *o, const struct spec *sp, const char *s)
{
    size_t max = sp->precision < 0 ? SIZE_MAX : (size_t)sp->precision;

    if (s == NULL)
        s = "(null)";
    emit_field(o, sp, s, bounded_strlen(s, max));
}

static void emit_pointer(struct out *o, const struct spec *sp, const void *p)
{
    char text[18] = {'0', 'x'};
    uintptr_t v = (uintptr_t)p;

    for (int i = 17; i >= 2; i--) {
        text[i] = "0123456789abcdef"[v & 0xf];
        v >>= 4;
    }
    emit_field(o, sp, text, sizeof(text));
}

static void emit_signed(struct out *o, const struct spec *sp, int64_t v)
{
    /* Negating in unsigned arithmetic keeps INT64_MIN exact. */
    uint64_t magnitude = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    emit_number(o, sp, magnitude, v < 0, 10);
}

/* Emits one conversion; returns false if conv is not one we know. */
static bool emit_conversion(struct out *o, const struct spec *sp, va_list *ap)
{
    switch (sp->conv) {
    case 'd':
    case 'i':
        emit_signed(o, sp, fetch_signed(ap, sp->length));
        return true;
    case 'u':
        emit_number(o, sp, fetch_unsigned(ap, sp->length), false, 10);
        return true;
    case 'x':
    case 'X':
        emit_number(o, sp, fetch_unsigned(ap, sp->length), false, 16);
        return true;
    case 'p':
        emit_pointer(o, sp, va_arg(*ap, const void *));
        return true;
    case 's':
        emit_string(o, sp, va_arg(*ap, const char *));
        return true;
    case 'c': {
        char c = (char)va_arg(*ap, int);
        emit_field(o, sp, &c, 1);
        return true;
    }
    case '%':
        emit(o, '%');
        return true;
    default:
        return false;
    }
}

int format_v(format_put_t put, void *arg, const char *fmt, va_list ap)
{
    struct out o = {put, arg, 0};
    va_list args;
    const char *p = fmt;

    va_copy(args, ap);
    while (*p != '\0') {
        if (*p != '%') {
            emit(&o, *p++);
            continue;
        }
        const char *start = p++;
        struct spec sp;
        parse_spec(&p, &args, &sp);
        if (sp.conv == '\0') {
            emit_span(&o, start, (size_t)(p - start));
            break;
        }
        p++;
        if (!emit_conversion(&o, &sp, &args))
            emit_span(&o, start, (size_t)(p - start));
    }
    va_end(args);
    return o.count > INT32_MAX ? INT32_MAX : (int)o.count;
}

static void snbuf_put(char c, void *arg)
{
    struct snbuf *b = arg;

    if (b->pos + 1 < b->size)
        b->buf[b->pos] = c;
    b->pos++;
}

int format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct snbuf b = {buf, size, 0};
    int n = format_v(snbuf_put, &b, fmt, ap);

    if (size > 0)
        buf[b.pos < size ? b.pos : size - 1] = '\0';
    return n;
}

int format_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = format_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
