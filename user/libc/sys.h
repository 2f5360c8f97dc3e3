/* Private header of the system layer under newlib (user/libc): what its files share. */
#ifndef XR_USER_LIBC_SYS_H
#define XR_USER_LIBC_SYS_H

#include <stdint.h>
#include <sys/lock.h>
#include <sys/stat.h>
#include <sys/types.h>

/* newlib's lock (sys/lock.h leaves it opaque), as lock.c implements it: the owner's identity
 * (xr_libc_thread_self; 0 when free), the depth of a recursive lock, and whether lock.c
 * allocated it. A zeroed struct is a free lock, so static ones need no initialiser. */
struct __lock {
    uintptr_t owner;
    unsigned depth;
    unsigned allocated;
};

/* The errno value for an XR_* error code (XR_OK gives 0). */
int sys_errno(long xr_err);

/* Sets errno to e and returns -1, the usual failure of a POSIX call. */
int sys_fail(int e);

/* The tick count when the program started (set by __xr_libc_start). */
extern uint64_t sys_start_ticks;

#endif
