/* The freestanding kernel's string and memory functions (the compiler may also
 * emit calls to memcpy, memset, memmove and memcmp). */
#ifndef KERNEL_STRING_H
#define KERNEL_STRING_H

#include "lib/types.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* Copy at most size-1 bytes of src and always NUL-terminate (size > 0). */
void strncpy_bounded(char *dst, const char *src, size_t size);

#endif
