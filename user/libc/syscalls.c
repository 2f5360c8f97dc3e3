/* The POSIX calls newlib's stubs end in (newlib is built with MISSING_SYSCALL_NAMES, so its
 * _write_r calls write, and so on) that are about neither files nor processes: the XR_* to errno
 * map, _exit and the clock. Descriptors are in fd.c, files in files.c, processes in proc.c. */
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "fd.h"
#include "sys.h"
#include "syscall.h"

int sys_errno(long err)
{
    switch (err) {
    case XR_OK:
        return 0;
    case XR_EINVAL:
        return EINVAL;
    case XR_ENOMEM:
        return ENOMEM;
    case XR_EPERM:
        return EPERM;
    case XR_EFAULT:
        return EFAULT;
    case XR_EBADCAP:
        return EBADF;
    case XR_ENOSYS:
        return ENOSYS;
    case XR_EAGAIN:
        return EAGAIN;
    case XR_EBUSY:
        return EBUSY;
    case XR_EEXIST:
        return EEXIST;
    case XR_ENOENT:
        return ENOENT;
    case XR_ERANGE:
        return ERANGE;
    case XR_EDEAD:
        return ESRCH;
    case XR_ECANCELED:
        return ECANCELED;
    default:
        return EIO;
    }
}

int sys_fail(int e)
{
    errno = e;
    return -1;
}

/* Ends the process: its descriptors are closed first (so pipe ends are counted down). */
_Noreturn void _exit(int status)
{
    fd_close_all();
    xr_exit(status);
}

/* The date: the CMOS clock's at boot plus the timestamp counter's time since (lib/clock.c). */
int gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    uint64_t us = xr_clock_unix_us();
    if (tv != NULL) {
        tv->tv_sec = (time_t)(us / 1000000);
        tv->tv_usec = (suseconds_t)(us % 1000000);
    }
    return 0;
}

/* The kernel counts no CPU time per process yet: user time is the time since the program
 * started, in CLOCKS_PER_SEC units (what clock() returns); the result is the time since boot. */
clock_t times(struct tms *t)
{
    uint64_t tick_us = xr_info(XR_INFO_TICK_US), ticks = xr_info(XR_INFO_TICKS);
    uint64_t scale = 1000000 / CLOCKS_PER_SEC;
    if (t != NULL)
        *t = (struct tms){.tms_utime = (clock_t)((ticks - sys_start_ticks) * tick_us / scale)};
    return (clock_t)(ticks * tick_us / scale);
}
