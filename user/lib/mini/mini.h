/* The mini C library of the native programs (user/lib/mini): the few hand-written pieces of C
 * they use, printf and the string functions, apart from the native runtime (system calls,
 * spawning, channels, RPC) because programs built against newlib take these from newlib
 * instead (user/CMakeLists.txt links xr_mini only into native programs). */
#ifndef XR_USER_MINI_H
#define XR_USER_MINI_H

#include <stdarg.h>
#include <stddef.h>

/* ---- printf.c: formatting as lib/format.h documents (%d %i %u %x %X %p %s %c %%, l ll z,
 * flags 0 -, width, precision). Output goes to the kernel console through XR_SYS_DEBUG_WRITE, one
 * write per line (or per 1024 bytes), and nothing stays buffered after a call returns. ---- */

/* Prints fmt; returns the characters formatted, or -1 if a console write failed. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* printf with a va_list. */
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Prints s and a newline; returns 0, or -1 if a console write failed. */
int puts(const char *s);

/* C99 snprintf: at most size - 1 characters and a NUL into buf (buf may be NULL when size is 0);
 * returns the length the whole output would have had. */
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* C99 vsnprintf; see snprintf. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* ---- string.c: the C library's meanings (the compiler may call the first four itself). ---- */

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* Copies at most n bytes of src and pads with NULs up to n; like C, dst is unterminated when
 * strlen(src) >= n. */
char *strncpy(char *dst, const char *src, size_t n);

#endif
