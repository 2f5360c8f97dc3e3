/* The system calls that ask the kernel or print: the null call, the console, XR_SYS_INFO. Each
 * returns the XR_* error code unless its comment says otherwise, and none blocks unless it says so.
 */
#ifndef XR_USER_SYS_INFO_H
#define XR_USER_SYS_INFO_H

#include "sys_raw.h"

/* The cheapest kernel round trip (for benchmarks); always XR_OK. */
static inline long xr_null(void)
{
    return xr_syscall0(XR_SYS_NULL);
}

/* Prints n bytes of s on the kernel console; n <= 1024 (longer is XR_ERANGE or XR_EINVAL). */
static inline long xr_debug_write(const char *s, size_t n)
{
    return xr_syscall2(XR_SYS_DEBUG_WRITE, (uintptr_t)s, n);
}

/* The kernel's value for what (XR_INFO_*), or UINT64_MAX if the kernel refuses what. */
static inline uint64_t xr_info(unsigned what)
{
    uint64_t value;
    return xr_syscall1_r(XR_SYS_INFO, what, &value) == XR_OK ? value : UINT64_MAX;
}

/* Time from the timestamp counter (lib/clock.c), no system call after the first: microseconds
 * since the counter started (about the power-on), and since 1970-01-01 UTC by the date the CMOS
 * clock gave at boot (from 1970 itself when the CMOS clock held no date). */
uint64_t xr_clock_monotonic_us(void);
uint64_t xr_clock_unix_us(void);

#endif
