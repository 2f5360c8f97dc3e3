/* printf-style formatting engine behind kprintf, writing one character at a time to a sink. */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include "lib/types.h"

/* The sink: called once per emitted character with the caller's arg. */
typedef void (*format_put_t)(char c, void *arg);

/*
 * Formats fmt with ap, passing each character to put(c, arg); returns the number of characters
 * emitted (saturated at INT_MAX). Conversions: %d %i %u %x %X %p %s %c %%, length modifiers
 * l, ll, z, flags 0 and -, width (digits or *), precision (digits or *: maximum length for %s,
 * minimum digits for integers). %p is "0x" and 16 hex digits; a NULL %s prints "(null)".
 * Anything else after '%' is printed verbatim. Never reads past fmt's NUL.
 * Does not block and takes no locks; put is called from the caller's context.
 */
int format_v(format_put_t put, void *arg, const char *fmt, va_list ap);

/*
 * Like C99 vsnprintf: writes at most size - 1 characters and a NUL into buf (when size > 0;
 * buf may be NULL when size is 0) and returns the length the full output would have had.
 */
int format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* Like C99 snprintf; see format_vsnprintf. */
int format_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
