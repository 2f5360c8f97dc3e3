/* The raw system-call stubs: one `syscall` instruction with 0 to 6 arguments (syscall.h says
 * the ABI); the _r forms also return the kernel's result value. */
#ifndef XR_USER_SYS_RAW_H
#define XR_USER_SYS_RAW_H

#include <stddef.h>
#include <stdint.h>

#include "xr/cap.h"
#include "xr/error.h"
#include "xr/syscall.h"

/* The raw stubs. The _r forms also store the RDX result in *value (which must not be NULL); the
 * plain forms are the same call with the value dropped (the compiler removes the store). "memory"
 * is clobbered because the kernel may read or write any buffer the arguments point at. */

static inline long xr_syscall0_r(long nr, uint64_t *value)
{
    uint64_t rdx;
    __asm__ volatile("syscall" : "+a"(nr), "=d"(rdx) : : "rcx", "r11", "memory");
    *value = rdx;
    return nr;
}

static inline long xr_syscall1_r(long nr, uint64_t a0, uint64_t *value)
{
    uint64_t rdx;
    __asm__ volatile("syscall" : "+a"(nr), "=d"(rdx) : "D"(a0) : "rcx", "r11", "memory");
    *value = rdx;
    return nr;
}

static inline long xr_syscall2_r(long nr, uint64_t a0, uint64_t a1, uint64_t *value)
{
    uint64_t rdx;
    __asm__ volatile("syscall" : "+a"(nr), "=d"(rdx) : "D"(a0), "S"(a1) : "rcx", "r11", "memory");
    *value = rdx;
    return nr;
}

static inline long xr_syscall3_r(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t *value)
{
    __asm__ volatile("syscall" : "+a"(nr), "+d"(a2) : "D"(a0), "S"(a1) : "rcx", "r11", "memory");
    *value = a2;
    return nr;
}

static inline long xr_syscall4_r(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                                 uint64_t *value)
{
    register uint64_t r10 __asm__("r10") = a3;
    __asm__ volatile("syscall"
                     : "+a"(nr), "+d"(a2)
                     : "D"(a0), "S"(a1), "r"(r10)
                     : "rcx", "r11", "memory");
    *value = a2;
    return nr;
}

static inline long xr_syscall5_r(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                                 uint64_t a4, uint64_t *value)
{
    register uint64_t r10 __asm__("r10") = a3;
    register uint64_t r8 __asm__("r8") = a4;
    __asm__ volatile("syscall"
                     : "+a"(nr), "+d"(a2)
                     : "D"(a0), "S"(a1), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    *value = a2;
    return nr;
}

static inline long xr_syscall6_r(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                                 uint64_t a4, uint64_t a5, uint64_t *value)
{
    register uint64_t r10 __asm__("r10") = a3;
    register uint64_t r8 __asm__("r8") = a4;
    register uint64_t r9 __asm__("r9") = a5;
    __asm__ volatile("syscall"
                     : "+a"(nr), "+d"(a2)
                     : "D"(a0), "S"(a1), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    *value = a2;
    return nr;
}

static inline long xr_syscall0(long nr)
{
    uint64_t v;
    return xr_syscall0_r(nr, &v);
}

static inline long xr_syscall1(long nr, uint64_t a0)
{
    uint64_t v;
    return xr_syscall1_r(nr, a0, &v);
}

static inline long xr_syscall2(long nr, uint64_t a0, uint64_t a1)
{
    uint64_t v;
    return xr_syscall2_r(nr, a0, a1, &v);
}

static inline long xr_syscall3(long nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
    uint64_t v;
    return xr_syscall3_r(nr, a0, a1, a2, &v);
}

static inline long xr_syscall4(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    uint64_t v;
    return xr_syscall4_r(nr, a0, a1, a2, a3, &v);
}

static inline long xr_syscall5(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                               uint64_t a4)
{
    uint64_t v;
    return xr_syscall5_r(nr, a0, a1, a2, a3, a4, &v);
}

static inline long xr_syscall6(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                               uint64_t a4, uint64_t a5)
{
    uint64_t v;
    return xr_syscall6_r(nr, a0, a1, a2, a3, a4, a5, &v);
}

#endif
