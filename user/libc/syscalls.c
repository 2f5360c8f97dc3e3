/* The POSIX calls newlib's stubs end in (newlib is built with MISSING_SYSCALL_NAMES, so its
 * _write_r calls write, and so on): the console on descriptors 0..2, the process, the clock.
 * Everything about files goes to fs_client.c. */
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "sys.h"
#include "syscall.h"

#define CONSOLE_CHUNK 1024 /* the most one DEBUG_WRITE takes */
#define XR_PID        1    /* the kernel has no process ids yet: every process is "1" */

static int is_console(int fd)
{
    return fd >= 0 && fd <= 2;
}

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

uint64_t sys_now_us(void)
{
    return xr_info(XR_INFO_TICKS) * xr_info(XR_INFO_TICK_US);
}

/* stdout and stderr print on the kernel console; stdin reads as empty (no console driver yet). */
int write(int fd, const void *buf, size_t n)
{
    if (!is_console(fd))
        return fs_client_write(fd, buf, n);
    if (fd == 0)
        return sys_fail(EBADF);
    for (size_t done = 0; done < n;) {
        size_t part = n - done < CONSOLE_CHUNK ? n - done : CONSOLE_CHUNK;
        long err = xr_debug_write((const char *)buf + done, part);
        if (err != XR_OK)
            return done ? (int)done : sys_fail(sys_errno(err));
        done += part;
    }
    return (int)n;
}

int read(int fd, void *buf, size_t n)
{
    if (!is_console(fd))
        return fs_client_read(fd, buf, n);
    (void)buf;
    (void)n;
    return fd == 0 ? 0 : sys_fail(EBADF);
}

int close(int fd)
{
    return is_console(fd) ? 0 : fs_client_close(fd);
}

off_t lseek(int fd, off_t off, int whence)
{
    return is_console(fd) ? sys_fail(ESPIPE) : fs_client_lseek(fd, off, whence);
}

int fstat(int fd, struct stat *st)
{
    if (!is_console(fd))
        return fs_client_fstat(fd, st);
    *st = (struct stat){.st_mode = S_IFCHR | 0620, .st_nlink = 1, .st_blksize = CONSOLE_CHUNK};
    return 0;
}

/* The console is a terminal (so stdout is line-buffered); other descriptors ask the fs. */
int isatty(int fd)
{
    return is_console(fd) ? 1 : fs_client_isatty(fd);
}

_Noreturn void _exit(int status)
{
    xr_exit(status);
}

pid_t getpid(void)
{
    return XR_PID;
}

/* Only the process itself can be signalled, and every signal ends it with status 128 + sig (what
 * abort's raise(SIGABRT) needs). */
int kill(pid_t pid, int sig)
{
    if (pid != XR_PID)
        return sys_fail(ESRCH);
    if (sig <= 0 || sig >= NSIG)
        return sys_fail(EINVAL);
    _exit(128 + sig);
}

/* Time since boot (there is no real-time clock yet): the epoch is the boot. */
int gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    uint64_t us = sys_now_us();
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
