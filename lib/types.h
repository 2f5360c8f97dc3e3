/* Basic types shared by the kernel and the pure code in lib/: fixed-width integers, bool,
 * size_t, and kerr_t (the one error type: XR_OK or an XR_E* code). */
#ifndef LIB_TYPES_H
#define LIB_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xr/error.h"

/* The one error type of the kernel: XR_OK (0) or an XR_E* code. */
typedef int kerr_t;

#define likely(x)        __builtin_expect(!!(x), 1)
#define unlikely(x)      __builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)   (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))

#endif
