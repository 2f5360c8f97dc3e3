/* The few C library string functions the ext2 library calls; the runtime that links it supplies
 * them. */
#ifndef LIB_EXT2_LIBC_H
#define LIB_EXT2_LIBC_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif
